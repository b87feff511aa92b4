// From audio to a fitted WAV with the real analysis: a click track → TempoTracker and LoudnessMeter →
// make_timeline → choose_segment → plan_fit → render_plan → encode_wav. The clicks are where we put
// them, so the test knows where the beats are without trusting the tracker.
#include <gtest/gtest.h>

#include <cmath>

#include "core/audio/wav_writer.h"
#include "core/fit/fit.h"
#include "core/fit/render.h"
#include "core/loudness/loudness.h"
#include "core/rhythm/tempo.h"

namespace cf {
namespace {

constexpr int kRate = 16000;

/// 40 s: 10 ms clicks of a 1 kHz burst every 0.5 s from 0.25 s, louder (×4) from 20 s on.
std::vector<float> click_track(double duration_s) {
    std::vector<float> x(size_t(duration_s * kRate), 0.0f);
    for (double beat = 0.25; beat < duration_s; beat += 0.5) {
        size_t at = size_t(std::llround(beat * kRate));
        float gain = beat < 20.0 ? 0.15f : 0.6f;
        for (size_t k = 0; k < 160 && at + k < x.size(); ++k)
            x[at + k] = gain * float(std::sin(2 * M_PI * 1000.0 * double(k) / kRate));
    }
    return x;
}

TEST(FitEndToEnd, ClickTrackToAWavOfTheClipsLengthStartingOnAClick) {
    const std::vector<float> audio = click_track(40.0);
    TempoTracker tempo(kRate);
    tempo.push(audio.data(), audio.size());
    TempoResult beats = tempo.finish();
    LoudnessMeter meter(kRate, 1);
    meter.push_interleaved(audio.data(), audio.size());
    TrackTimeline track = make_timeline(40.0, beats, meter.finish());
    ASSERT_NEAR(track.bpm, 120.0, 1.0);
    ASSERT_TRUE(validate(track));

    // A clip that gets busier halfway: its pace should pull the segment over the 20 s step up.
    ClipShape clip{12.0, {}, {}};
    for (int i = 0; i < 12; ++i) clip.pace.push_back(i < 6 ? 0.1 : 0.9);
    Result<SegmentChoice> seg = choose_segment(track, clip);
    ASSERT_TRUE(seg) << seg.status().message();
    ASSERT_TRUE(seg->beats_reliable) << seg->note;
    EXPECT_NEAR(seg->start_s + 6.0, 20.0, 1.5);  // the step falls mid-clip
    // The start is a click: within 20 ms of 0.25 + 0.5·k.
    double phase = std::fmod(seg->start_s - 0.25 + 100.0, 0.5);
    EXPECT_LT(std::min(phase, 0.5 - phase), 0.02) << seg->start_s;

    Result<EditPlan> plan = plan_fit(track, clip, *seg);
    ASSERT_TRUE(plan);
    Result<std::vector<float>> out = render_plan(*plan, PcmView{audio.data(), audio.size(), 1, kRate});
    ASSERT_TRUE(out);
    EXPECT_EQ(out->size(), size_t(12 * kRate));
    Result<std::vector<uint8_t>> wav = encode_wav(*out, 1, kRate);
    ASSERT_TRUE(wav);
    EXPECT_EQ(wav->size(), 44u + 2u * 12 * kRate);
}

}  // namespace
}  // namespace cf
