// A clip's own sound (core/video/clip_sound.h) on signals made here: loudness against BS.1770's
// calibration and against libebur128 (core/loudness), the noise floor, the stretches worth keeping,
// the music's ducking ramps, and the bad-input policy.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "core/common/json.h"
#include "core/loudness/loudness.h"
#include "core/video/clip_sound.h"

namespace cf {
namespace {

constexpr double kPi = 3.14159265358979323846;

/// `duration_s` of a sine of peak `amplitude` at `freq_hz`; only inside [on_s, off_s) when given,
/// with `floor_amplitude` of the same sine elsewhere.
std::vector<float> tone(int rate_hz, double duration_s, double amplitude, double freq_hz = 1000, double on_s = 0,
                        double off_s = 1e9, double floor_amplitude = 0) {
    std::vector<float> x(size_t(std::lround(duration_s * rate_hz)));
    for (size_t i = 0; i < x.size(); ++i) {
        const double t = double(i) / rate_hz;
        const double a = t >= on_s && t < off_s ? amplitude : floor_amplitude;
        x[i] = float(a * std::sin(2 * kPi * freq_hz * t));
    }
    return x;
}

/// Pushes `x` in uneven blocks (1, 7, 4096, 333, ... samples) so that step and gating-block edges
/// fall inside blocks.
ClipSound measure(const std::vector<float>& x, int rate_hz, ClipSoundOptions options = {}) {
    ClipSoundMeter meter(options);
    const size_t sizes[] = {1, 7, 4096, 333, 10007};
    size_t at = 0;
    for (int k = 0; at < x.size(); ++k) {
        const size_t n = std::min(sizes[k % 5], x.size() - at);
        EXPECT_TRUE(meter.push(x.data() + at, n, rate_hz));
        at += n;
    }
    return meter.finish();
}

double ebur128_integrated(const std::vector<float>& x, int rate_hz) {
    LoudnessMeter meter(rate_hz, 1);
    meter.push_interleaved(x.data(), x.size());
    return meter.finish().integrated_lufs;
}

// BS.1770's calibration: a 997 Hz sine at 0 dBFS peak reads -3.01 LUFS (the -0.691 offset cancels
// the K filter's +0.691 dB there). So a 1 kHz sine of peak 0.1 (-20 dBFS peak, -23.01 dBFS RMS)
// reads -23.0 LUFS, not -20.7 (that would be -20 - 0.691, the offset without the filter's gain).
// Tolerance 0.05 LU: the K filter's gain differs by < 0.001 dB between 997 Hz and 1 kHz.
TEST(ClipSound, OneKilohertzSineAtMinus20DbfsPeakReadsMinus23Lufs) {
    for (int rate_hz : {48000, 44100}) {
        const ClipSound s = measure(tone(rate_hz, 3.0, 0.1), rate_hz);
        EXPECT_NEAR(s.integrated_lufs, -23.01, 0.05) << rate_hz;
        ASSERT_EQ(s.loudness_lufs.size(), 30u);
        for (size_t i = 1; i < s.loudness_lufs.size(); ++i) EXPECT_NEAR(s.loudness_lufs[i], -23.01, 0.05) << i;
    }
}

// The K filter is re-derived for each rate; libebur128 (which core/loudness wraps) does the same
// from the same analogue prototype, so both agree at any rate. Tolerance 0.1 LU: libebur128's
// histogram mode quantises to 0.1 dB bins.
TEST(ClipSound, IntegratedLoudnessAgreesWithLibebur128AcrossRatesAndGating) {
    for (int rate_hz : {8000, 16000, 44100, 48000, 96000}) {
        for (double freq_hz : {60.0, 1000.0, 3000.0}) {
            if (freq_hz * 2 >= rate_hz / 2) continue;
            // A loud half and a quiet half 15 dB down: the relative gate (-10 LU) drops the quiet one.
            std::vector<float> x = tone(rate_hz, 6.0, 0.3, freq_hz, 0, 3.0, 0.3 * std::pow(10.0, -15 / 20.0));
            EXPECT_NEAR(measure(x, rate_hz).integrated_lufs, ebur128_integrated(x, rate_hz), 0.1)
                << rate_hz << " Hz, " << freq_hz << " Hz tone";
        }
    }
}

TEST(ClipSound, RelativeGateLeavesOutTheQuietPart) {
    const std::vector<float> loud = tone(48000, 3.0, 0.1);
    const std::vector<float> mixed = tone(48000, 6.0, 0.1, 1000, 0, 3.0, 0.1 * std::pow(10.0, -15 / 20.0));
    // Without the relative gate the mean of the -23 and -38 LUFS halves would be -25.9 LUFS; with it
    // only the three 400 ms blocks straddling the change (partly loud) pull it down a little.
    const float gated = measure(mixed, 48000).integrated_lufs;
    EXPECT_NEAR(gated, measure(loud, 48000).integrated_lufs, 0.3);
    EXPECT_NEAR(gated, ebur128_integrated(mixed, 48000), 0.1);
}

TEST(ClipSound, ToneBurstInQuietIsKeptAtTheBurstWithinAStep) {
    // A 1 kHz burst at -20 dBFS from 2.03 to 3.27 s over the same tone 40 dB down.
    const std::vector<float> x = tone(48000, 5.0, 0.1, 1000, 2.03, 3.27, 0.001);
    const ClipSound s = measure(x, 48000);
    ASSERT_TRUE(s.has_audio);
    ASSERT_EQ(s.keep.size(), 1u);
    EXPECT_NEAR(s.keep[0].start_s, 2.03, s.step_s);
    EXPECT_NEAR(s.keep[0].end_s, 3.27, s.step_s);
    EXPECT_NEAR(s.noise_floor_lufs, -63.0, 0.2);  // the quiet tone (-60 dBFS peak)
    // The quiet part falls under the relative gate; blocks straddling the burst's edges count.
    EXPECT_NEAR(s.integrated_lufs, ebur128_integrated(x, 48000), 0.1);
    EXPECT_GT(s.integrated_lufs, -25.0f);
}

TEST(ClipSound, ShortBurstsCloseTogetherAreOneStretchAndALoneClickIsNone) {
    // Syllables: 0.3 s bursts with 0.3 s gaps (bridged: < 0.6 s), then a lone 0.1 s click at 6 s.
    std::vector<float> x = tone(48000, 8.0, 0.001);
    for (double on : {1.0, 1.6, 2.2, 6.0}) {
        const std::vector<float> burst = tone(48000, on == 6.0 ? 0.1 : 0.3, 0.2);
        std::copy(burst.begin(), burst.end(), x.begin() + std::ptrdiff_t(on * 48000));
    }
    const ClipSound s = measure(x, 48000);
    ASSERT_EQ(s.keep.size(), 1u);
    EXPECT_NEAR(s.keep[0].start_s, 1.0, 0.1);
    EXPECT_NEAR(s.keep[0].end_s, 2.5, 0.1);
}

TEST(ClipSound, SteadySoundIsItsOwnFloorAndNothingStandsOut) {
    const ClipSound s = measure(tone(48000, 4.0, 0.1, 440), 48000);
    EXPECT_NEAR(s.noise_floor_lufs, s.integrated_lufs, 0.5);
    EXPECT_TRUE(s.keep.empty());
}

TEST(ClipSound, SilenceIsMinus120AndKeepsNothing) {
    const ClipSound s = measure(std::vector<float>(48000, 0.0f), 48000);
    EXPECT_TRUE(s.has_audio);
    EXPECT_EQ(s.loudness_lufs.size(), 10u);
    EXPECT_FLOAT_EQ(s.loudness_lufs[3], -120.0f);
    EXPECT_FLOAT_EQ(s.integrated_lufs, -120.0f);
    EXPECT_TRUE(s.keep.empty());
}

TEST(ClipSound, CurveHasOnePointPerStepAndAHalfFullLastStep) {
    EXPECT_EQ(measure(tone(48000, 2.54, 0.1), 48000).loudness_lufs.size(), 25u);  // 0.04 s tail: dropped
    EXPECT_EQ(measure(tone(48000, 2.56, 0.1), 48000).loudness_lufs.size(), 26u);  // 0.06 s tail: a point
    ClipSoundOptions o;
    o.step_s = 0.25;
    EXPECT_EQ(measure(tone(16000, 2.0, 0.1), 16000, o).loudness_lufs.size(), 8u);
    EXPECT_FALSE(ClipSoundMeter().finish().has_audio);
    EXPECT_TRUE(ClipSoundMeter().finish().loudness_lufs.empty());
}

TEST(ClipSound, MusicDucksInKeptStretchesWithRamps) {
    ClipSound s;
    s.has_audio = true;
    s.keep = {{2.0, 3.0}};
    s.duck_db = -12, s.duck_attack_s = 0.2, s.duck_release_s = 0.5;
    const float full_duck = float(std::pow(10.0, -12 / 20.0)), half_duck = float(std::pow(10.0, -6 / 20.0));
    EXPECT_FLOAT_EQ(music_gain_at(s, 1.0), 1.0f);
    EXPECT_FLOAT_EQ(music_gain_at(s, 1.8), 1.0f);         // the attack starts here
    EXPECT_NEAR(music_gain_at(s, 1.9), half_duck, 1e-5);  // half way down (linear in dB)
    EXPECT_NEAR(music_gain_at(s, 2.0), full_duck, 1e-5);
    EXPECT_NEAR(music_gain_at(s, 2.5), full_duck, 1e-5);
    EXPECT_NEAR(music_gain_at(s, 3.25), half_duck, 1e-5);  // half way back up
    EXPECT_FLOAT_EQ(music_gain_at(s, 3.5), 1.0f);
    // Two stretches whose ramps overlap: the deeper duck wins, never a bump.
    s.keep = {{2.0, 3.0}, {3.3, 4.0}};
    EXPECT_NEAR(music_gain_at(s, 3.2), std::min(float(std::pow(10.0, -12 * 0.6 / 20.0)), half_duck), 1e-5);
    s.has_audio = false;
    EXPECT_FLOAT_EQ(music_gain_at(s, 2.5), 1.0f);
}

TEST(ClipSound, BadRatesSamplesAndOptionsAreErrorsNamingThem) {
    const std::vector<float> x(1000, 0.1f);
    ClipSoundMeter meter;
    Status s = meter.push(x.data(), x.size(), 7999);
    EXPECT_EQ(s.code(), ErrorCode::invalid_argument);
    EXPECT_NE(s.message().find("7999 Hz"), std::string::npos) << s.message();
    ASSERT_TRUE(meter.push(x.data(), x.size(), 48000));
    s = meter.push(x.data(), x.size(), 44100);
    EXPECT_NE(s.message().find("differs"), std::string::npos) << s.message();
    std::vector<float> bad = x;
    bad[5] = std::nanf("");
    s = meter.push(bad.data(), bad.size(), 48000);
    EXPECT_EQ(s.code(), ErrorCode::invalid_argument);
    EXPECT_NE(s.message().find("sample 1005 is NaN"), std::string::npos) << s.message();  // counted from the clip's start
    bad[5] = INFINITY;
    EXPECT_NE(meter.push(bad.data(), bad.size(), 48000).message().find("infinite"), std::string::npos);
    EXPECT_FALSE(meter.push(nullptr, 3, 48000));
    // A rejected block changes nothing: 1000 + 4800 good samples are one full step and a tail under
    // half a step (one point); the rejected 1000-sample blocks would have made the tail count (two).
    std::vector<float> more(4800, 0.1f);
    ASSERT_TRUE(meter.push(more.data(), more.size(), 48000));
    EXPECT_EQ(meter.finish().loudness_lufs.size(), 1u);

    ClipSoundOptions o;
    o.step_s = 0;
    s = ClipSoundMeter(o).push(x.data(), x.size(), 48000);
    EXPECT_NE(s.message().find("step_s = 0"), std::string::npos) << s.message();
    o = {};
    o.duck_db = 3;
    EXPECT_NE(o.validate().message().find("duck_db"), std::string::npos);
    o = {};
    o.min_keep_lufs = std::nanf("");
    EXPECT_FALSE(o.validate());
}

TEST(ClipSound, JsonHasTheCurveTheFloorAndTheStretches) {
    JsonWriter w;
    w.begin_object();
    write_clip_sound_json(w, measure(tone(48000, 5.0, 0.1, 1000, 2.0, 3.0, 0.001), 48000));
    w.end_object();
    const std::string j = w.str();
    EXPECT_NE(j.find("\"has_audio\":true,\"step_s\":0.100,\"loudness_lufs\":[-6"), std::string::npos) << j;
    EXPECT_NE(j.find("\"noise_floor_lufs\":-63.0"), std::string::npos) << j;
    EXPECT_NE(j.find("\"keep\":[{\"start_s\":2.000,\"end_s\":3.000}]"), std::string::npos) << j;
    EXPECT_NE(j.find("\"duck_db\":-12.0"), std::string::npos) << j;
    JsonWriter none;
    none.begin_object();
    write_clip_sound_json(none, ClipSoundMeter().finish());
    EXPECT_EQ(none.end_object().str(), "{\"has_audio\":false}");
}

}  // namespace
}  // namespace cf
