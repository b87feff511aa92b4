// LoudnessMeter against analytic EBU R128 values (EBU Tech 3341-style sine cases).
//
// Expected values: BS.1770 loudness is −0.691 + 10·log10(Σ_c G_c·z_c), z_c the mean square of the
// K-weighted channel; the K-filter gain at 1 kHz is +0.691 dB, so a 1 kHz sine of peak level X dBFS
// (mean square 10^(X/10)/2) reads X − 3.01 LUFS per front channel, i.e. X − 3.01 LUFS mono and X LUFS in
// stereo (Tech 3341 case 1: stereo −23 dBFS → −23.0 LUFS). Tolerance ±0.1 LU (Tech 3341's own for
// integrated loudness); libebur128's histogram mode quantises to 0.1 dB bins (< 0.05 LU error).
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "core/loudness/loudness.h"

namespace cf {
namespace {

std::vector<float> sine(int rate, int channels, double seconds, double peak_dbfs, double hz = 1000.0) {
    const double a = std::pow(10.0, peak_dbfs / 20.0);
    const size_t n = size_t(seconds * rate);
    std::vector<float> x(n * size_t(channels));
    for (size_t i = 0; i < n; ++i)
        for (int c = 0; c < channels; ++c) x[i * size_t(channels) + size_t(c)] = float(a * std::sin(2 * M_PI * hz * double(i) / rate));
    return x;
}

LoudnessResult measure(const std::vector<float>& x, int rate, int channels, size_t block = 1000) {
    LoudnessMeter m(rate, channels);
    const size_t n = x.size() / size_t(channels);
    for (size_t i = 0; i < n; i += block) m.push_interleaved(x.data() + i * size_t(channels), std::min(block, n - i));
    return m.finish();
}

TEST(Loudness, StereoSineAtMinus20DbfsIsMinus20Lufs) {
    for (int rate : {44100, 48000}) {
        LoudnessResult r = measure(sine(rate, 2, 20.0, -20.0), rate, 2);
        EXPECT_TRUE(r.has_loudness);
        EXPECT_NEAR(r.integrated_lufs, -20.0, 0.1) << rate;
        EXPECT_NEAR(r.sample_peak_dbfs, -20.0, 0.01);
        EXPECT_NEAR(r.loudness_range_lu, 0.0, 0.1);  // a steady tone has no range
        EXPECT_NEAR(r.duration_s, 20.0, 1e-9);
    }
}

TEST(Loudness, MonoSineIsThreeDbBelowStereo) {
    LoudnessResult r = measure(sine(48000, 1, 20.0, -20.0), 48000, 1);
    EXPECT_NEAR(r.integrated_lufs, -23.01, 0.1);
    LoudnessResult r23 = measure(sine(48000, 2, 20.0, -23.0), 48000, 2);  // Tech 3341 case 1
    EXPECT_NEAR(r23.integrated_lufs, -23.0, 0.1);
}

TEST(Loudness, GatingIgnoresSilenceBetweenTones) {
    // Tech 3341 case 5 spirit: tone, long silence, tone — the silence is gated out.
    std::vector<float> x = sine(48000, 2, 10.0, -20.0);
    std::vector<float> gap(size_t(48000 * 10 * 2), 0.0f);
    std::vector<float> y = x;
    y.insert(y.end(), gap.begin(), gap.end());
    y.insert(y.end(), x.begin(), x.end());
    EXPECT_NEAR(measure(y, 48000, 2).integrated_lufs, -20.0, 0.1);
}

TEST(Loudness, LoudnessRangeOfTwoLevels) {
    // 20 s at −20 then 20 s at −30 dBFS: short-term blocks split between −20 and −30 LUFS, so the
    // 10th–95th percentile range is close to 10 LU (minus the blocks that straddle the step).
    std::vector<float> x = sine(48000, 2, 20.0, -20.0), y = sine(48000, 2, 20.0, -30.0);
    x.insert(x.end(), y.begin(), y.end());
    LoudnessResult r = measure(x, 48000, 2);
    EXPECT_NEAR(r.loudness_range_lu, 10.0, 0.5);
}

TEST(Loudness, CurvesHaveOnePointPerHop) {
    LoudnessResult r = measure(sine(48000, 2, 10.0, -20.0), 48000, 2, 777);
    ASSERT_EQ(r.curve_times_s.size(), size_t(20));
    ASSERT_EQ(r.short_term_lufs.size(), size_t(20));
    ASSERT_EQ(r.energy_dbfs.size(), size_t(20));
    EXPECT_DOUBLE_EQ(r.curve_hop_s, 0.5);
    for (size_t i = 0; i < 20; ++i) {
        EXPECT_NEAR(r.curve_times_s[i], 0.5 * double(i + 1), 1e-9);
        EXPECT_NEAR(r.energy_dbfs[i], -23.01, 0.01);          // sine RMS = peak − 3.01 dB
        EXPECT_NEAR(r.short_term_lufs[i], -20.0, 0.15) << i;  // window = min(3 s, elapsed)
    }
}

TEST(Loudness, SilenceIsReportedAtTheFloor) {
    std::vector<float> x(size_t(48000 * 5 * 2), 0.0f);
    LoudnessResult r = measure(x, 48000, 2);
    EXPECT_FALSE(r.has_loudness);
    EXPECT_EQ(r.integrated_lufs, kLoudnessFloorLufs);
    EXPECT_EQ(r.loudness_range_lu, 0.0);
    EXPECT_EQ(r.sample_peak_dbfs, kLevelFloorDbfs);
    for (float v : r.short_term_lufs) EXPECT_EQ(v, float(kLoudnessFloorLufs));
    for (float v : r.energy_dbfs) EXPECT_EQ(v, float(kLevelFloorDbfs));
    // Nothing pushed at all.
    LoudnessMeter empty(48000, 2);
    LoudnessResult e = empty.finish();
    EXPECT_FALSE(e.has_loudness);
    EXPECT_EQ(e.integrated_lufs, kLoudnessFloorLufs);
    EXPECT_TRUE(e.curve_times_s.empty());
}

TEST(Loudness, SegmentsPoolLoudnessAndKeepTrackTime) {
    LoudnessMeter m(44100, 2);
    std::vector<float> a = sine(44100, 2, 5.0, -20.0), b = sine(44100, 2, 5.0, -20.0);
    m.start_segment(100.0);
    m.push_interleaved(a.data(), a.size() / 2);
    m.start_segment(300.0);
    m.push_interleaved(b.data(), b.size() / 2);
    LoudnessResult r = m.finish();
    EXPECT_NEAR(r.integrated_lufs, -20.0, 0.1);
    EXPECT_NEAR(r.duration_s, 10.0, 1e-9);
    ASSERT_EQ(r.curve_times_s.size(), size_t(20));
    EXPECT_NEAR(r.curve_times_s[0], 100.5, 1e-9);
    EXPECT_NEAR(r.curve_times_s[9], 105.0, 1e-9);
    EXPECT_NEAR(r.curve_times_s[10], 300.5, 1e-9);
}

TEST(Loudness, LfeIsLeftOutAndSurroundsWeighMore) {
    // 5.1 in SMPTE order (L R C LFE Ls Rs): a tone only in the LFE channel measures as silence; the
    // same tone in Ls reads +1.5 dB (weight 1.41) over one in L.
    auto one_channel = [](int active) {
        std::vector<float> x = sine(48000, 1, 10.0, -20.0);
        std::vector<float> y(x.size() * 6, 0.0f);
        for (size_t i = 0; i < x.size(); ++i) y[i * 6 + size_t(active)] = x[i];
        return y;
    };
    LoudnessOptions o;
    o.channel_roles = default_channel_roles(6, false);
    auto run = [&](int active) {
        LoudnessMeter m(48000, 6, o);
        std::vector<float> y = one_channel(active);
        m.push_interleaved(y.data(), y.size() / 6);
        return m.finish();
    };
    EXPECT_FALSE(run(3).has_loudness);
    EXPECT_NEAR(run(0).integrated_lufs, -23.01, 0.1);
    EXPECT_NEAR(run(4).integrated_lufs - run(0).integrated_lufs, 10 * std::log10(1.41), 0.1);
}

TEST(Loudness, InvalidOptionsNameTheField) {
    LoudnessOptions o;
    o.curve_hop_s = 0.0;
    Status s = validate(o, 2);
    EXPECT_EQ(s.code(), ErrorCode::invalid_argument);
    EXPECT_NE(s.message().find("curve_hop_s"), std::string::npos);
    o = {};
    o.channel_roles = default_channel_roles(6, true);
    s = validate(o, 2);
    EXPECT_NE(s.message().find("channel_roles"), std::string::npos);
    EXPECT_TRUE(validate(LoudnessOptions{}, 2).is_ok());
}

}  // namespace
}  // namespace cf
