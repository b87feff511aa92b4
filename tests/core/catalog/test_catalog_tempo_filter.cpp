// The BPM filter with tempo readings (core/rhythm/tempo_reading.h): a free tempo does not pass a BPM
// range as if it had that tempo, an uncertain one passes only where most of its range fits, a steady
// one (or one without a stored confidence) as before.
#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <string>

#include "core/catalog/catalog.h"

namespace {

struct Track {
    const char* id;
    float bpm, confidence;
};

cf::Catalog make_catalog() {
    const Track tracks[] = {
        {"steady-120", 120, 0.7f},  {"unsure-120", 120, 0.3f},   {"free-120", 120, 0.05f},
        {"old-pile", 81.65f, 0.64f}, {"no-confidence-120", 120, cf::kUnknown}, {"steady-85", 85, 0.8f},
    };
    cf::CatalogBuilder b(4);
    int i = 0;
    for (const Track& t : tracks) {
        cf::TrackMeta m;
        m.id = t.id;
        m.bpm = t.bpm;
        m.bpm_confidence = t.confidence;
        float v[4] = {1, 0.1f * float(i), 0.05f * float(i * i), 0};
        ++i;
        CF_ASSERT(b.add_track(m, v).is_ok());
    }
    auto bytes = b.build({});
    CF_ASSERT(bytes.is_ok());
    auto cat = cf::Catalog::open_buffer(*bytes, "tempo.cfc");
    CF_ASSERT(cat.is_ok());
    return std::move(*cat);
}

std::set<std::string> passing(const cf::Catalog& cat, float lo, float hi) {
    cf::SearchFilters f;
    if (std::isfinite(lo)) f.bpm_min = lo;
    if (std::isfinite(hi)) f.bpm_max = hi;
    std::set<std::string> ids;
    for (uint32_t t = 0; t < cat.size(); ++t)
        if (cat.passes(t, f)) ids.insert(cat.tracks()[t].id);
    return ids;
}

}  // namespace

TEST(CatalogTempoFilter, FreeTempoDoesNotPassABpmRange) {
    const cf::Catalog cat = make_catalog();
    EXPECT_EQ(passing(cat, 110, 130), (std::set<std::string>{"steady-120", "unsure-120", "no-confidence-120"}));
    EXPECT_EQ(passing(cat, 118, 122), (std::set<std::string>{"steady-120", "no-confidence-120"}));  // too strict for ~107–135
    EXPECT_EQ(passing(cat, 75, 90), (std::set<std::string>{"steady-85", "old-pile"}));  // the old pile-up value: uncertain
    EXPECT_EQ(passing(cat, 100, NAN).count("free-120"), 0u);
    EXPECT_EQ(passing(cat, NAN, NAN).size(), 6u);  // no bound, no constraint
}
