// tempo_fit with the track's tempo confidence (core/rhythm/tempo_reading.h): a free tempo is neutral,
// not a match or a half/double match; an uncertain one is half trusted; without a stored confidence
// the bpm counts as measured (as before).
#include <gtest/gtest.h>

#include <cmath>

#include "core/query/soundtrack.h"

using namespace cf;
using namespace cf::query;

TEST(SoundtrackTempo, FreeTempoIsNeutralNotAMatch) {
    const PaceTarget t{0.5f, 100, 125, 0.5f};
    EXPECT_FLOAT_EQ(tempo_fit(110, t, 0.05f), 0.7f);  // inside the range, but no pulse: neutral
    EXPECT_FLOAT_EQ(tempo_fit(220, t, 0.05f), 0.7f);  // not a double-tempo match either
    EXPECT_FLOAT_EQ(tempo_fit(300, t, 0.05f), 0.7f);  // nor a miss
    EXPECT_FLOAT_EQ(tempo_fit(110, t, 0.05f), tempo_fit(kUnknown, t));
}

TEST(SoundtrackTempo, UncertainTempoIsHalfTrusted) {
    const PaceTarget t{0.5f, 100, 125, 0.5f};
    EXPECT_FLOAT_EQ(tempo_fit(110, t, 0.3f), 0.85f);
    EXPECT_FLOAT_EQ(tempo_fit(220, t, 0.3f), 0.65f);
    EXPECT_FLOAT_EQ(tempo_fit(300, t, 0.3f), 0.5f);
    EXPECT_FLOAT_EQ(tempo_fit(81.65f, t, 0.64f), 0.5f * (std::max(0.3f, 1.0f - 18.35f / 40.0f) + 0.7f));  // an old catalog's pile-up value
}

TEST(SoundtrackTempo, SteadyOrUnstoredConfidenceAsBefore) {
    const PaceTarget t{0.5f, 100, 125, 0.5f};
    for (float confidence : {0.7f, kUnknown}) {
        EXPECT_FLOAT_EQ(tempo_fit(110, t, confidence), 1.0f);
        EXPECT_FLOAT_EQ(tempo_fit(220, t, confidence), 0.6f);
        EXPECT_FLOAT_EQ(tempo_fit(135, t, confidence), 0.75f);
    }
}
