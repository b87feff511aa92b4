// Rendering: exact length at any rate, equal-power crossfades without a click (against a butt splice
// that has one), fades, channels kept apart, bad input.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "core/fit/fit.h"
#include "core/fit/fit_test_util.h"
#include "core/fit/render.h"

namespace cf {
namespace {

constexpr double kTwoPi = 2 * std::numbers::pi;

/// Two pieces, [0, 5] then [12.3, 17.3] s of the source, joined at output 5 s.
EditPlan two_piece_plan(double crossfade_s) {
    EditPlan p;
    p.kind = FitKind::splice;
    p.length_s = 10.0;
    p.pieces = {{0.0, 5.0, 0.0}, {12.3, 17.3, 5.0}};
    p.splices = {{5.0, 5.0, 12.3, crossfade_s, 1.0}};
    return p;
}

/// A 440 Hz sine of amplitude 0.5 whose phase is 0 at whole seconds before 10 s and 2 rad later:
/// the two pieces above meet out of phase (0 vs 0.45 at the splice).
std::vector<float> two_phase_sine(int rate, double duration_s) {
    std::vector<float> x(size_t(duration_s * rate));
    for (size_t i = 0; i < x.size(); ++i) {
        double t = double(i) / rate;
        x[i] = float(0.5 * std::sin(kTwoPi * 440.0 * t + (t < 10.0 ? 0.0 : 2.0)));
    }
    return x;
}

/// The largest |x[j+1] − x[j]| for j in [from, to).
double max_step(const std::vector<float>& x, size_t from, size_t to) {
    double m = 0.0;
    for (size_t j = from; j + 1 < x.size() && j < to; ++j) m = std::max(m, double(std::fabs(x[j + 1] - x[j])));
    return m;
}

TEST(FitRender, NoClickAtASpliceUnlikeAButtSplice) {
    const int rate = 48000;
    std::vector<float> src = two_phase_sine(rate, 20.0);
    PcmView pcm{src.data(), src.size(), 1, rate};
    // The sine's own largest step is A·2πf/fs = 0.0288. An equal-power crossfade of two sines of the
    // same frequency has an amplitude of at most √2·A and gains that change by ~π/(2N) per sample, so
    // its steps stay under √2·0.0288 + 0.5·√2·π/(2·3840) = 0.0410: the bound 1.5× the sine's own step
    // (0.0432) holds for any phase difference. A butt splice jumps by up to 2A (here ~0.45).
    const double own_step = 0.5 * kTwoPi * 440.0 / rate, bound = 1.5 * own_step;
    Result<std::vector<float>> smooth = render_plan(two_piece_plan(0.080), pcm);
    Result<std::vector<float>> butt = render_plan(two_piece_plan(1.0 / rate), pcm);
    ASSERT_TRUE(smooth && butt);
    const size_t around = 5 * rate - rate / 10, until = 5 * rate + rate / 10;
    EXPECT_LT(max_step(*smooth, around, until), bound);
    EXPECT_GT(max_step(*butt, around, until), 5 * bound);
    EXPECT_LT(max_step(*smooth, 0, smooth->size()), bound);  // nowhere else either
}

TEST(FitRender, PlannedSplicesAndLoopsRenderWithoutAClick) {
    // A slightly detuned sine (its phase drifts 0.3 rad/s against the beat grid) so that no two beats
    // are in phase: every planned join meets the music out of phase, as real music would.
    const int rate = 16000;
    std::vector<float> src(60 * rate);
    for (size_t i = 0; i < src.size(); ++i) {
        double t = double(i) / rate;
        src[i] = float(0.5 * std::sin(kTwoPi * 440.0 * t + 0.3 * t));
    }
    const double own_step = 0.5 * (kTwoPi * 440.0 + 0.3) / rate, bound = 1.5 * own_step;
    TrackTimeline track = fit_test::beat_track(60, 120, 0.25, [](double t) { return -20.0 + 8.0 * std::sin(t / 5.0); });
    FitOptions always_splice;
    always_splice.min_splice_similarity = 0.0;
    double butt_step = 0.0;  // a join can meet the sine at a lucky phase, but not all of them
    for (double length : {30.0, 95.0, 300.0}) {
        ClipShape clip{length, {}, {}};
        Result<SegmentChoice> seg = choose_segment(track, clip, always_splice);
        ASSERT_TRUE(seg);
        Result<EditPlan> plan = plan_fit(track, clip, *seg, always_splice);
        ASSERT_TRUE(plan);
        ASSERT_FALSE(plan->splices.empty()) << plan->edit;
        Result<std::vector<float>> out = render_plan(*plan, PcmView{src.data(), src.size(), 1, rate});
        ASSERT_TRUE(out);
        EXPECT_LT(max_step(*out, 0, out->size()), bound) << plan->edit;
        EditPlan butt = *plan;  // the same joins without crossfades
        for (Splice& sp : butt.splices) sp.crossfade_s = 1.0 / rate;
        Result<std::vector<float>> clicks = render_plan(butt, PcmView{src.data(), src.size(), 1, rate});
        ASSERT_TRUE(clicks);
        butt_step = std::max(butt_step, max_step(*clicks, 0, clicks->size()));
    }
    EXPECT_GT(butt_step, 2 * bound);  // the test sees a click when there is one
}

TEST(FitRender, CrossfadeIsEqualPower) {
    // Two uncorrelated constant channels cannot show power; instead: the same DC on both sides must
    // come out as g_out + g_in = cos + sin ≥ 1 and ≤ √2, and exactly 1 outside the crossfade.
    std::vector<float> src(20 * 8000, 0.5f);
    Result<std::vector<float>> out = render_plan(two_piece_plan(0.1), PcmView{src.data(), src.size(), 1, 8000});
    ASSERT_TRUE(out);
    EXPECT_FLOAT_EQ((*out)[4 * 8000], 0.5f);
    EXPECT_NEAR((*out)[5 * 8000], 0.5 * std::sqrt(2.0), 1e-3);  // the middle: cos(π/4) + sin(π/4)
    EXPECT_FLOAT_EQ((*out)[6 * 8000], 0.5f);
}

TEST(FitRender, ExactLengthAtAnyRateAndChannelsKeptApart) {
    TrackTimeline track = fit_test::beat_track(40.0, 120.0, 0.0);
    for (int rate : {8000, 22050, 44100, 48000, 96000})
        for (double length : {7.77777, 30.0, 61.234}) {
            std::vector<float> src(size_t(40.0 * rate) * 2);
            for (size_t i = 0; i < src.size(); i += 2) src[i] = 0.25f, src[i + 1] = -0.125f;
            Result<SegmentChoice> seg = choose_segment(track, ClipShape{length, {}, {}});
            ASSERT_TRUE(seg);
            Result<EditPlan> plan = plan_fit(track, ClipShape{length, {}, {}}, *seg);
            ASSERT_TRUE(plan);
            Result<std::vector<float>> out = render_plan(*plan, PcmView{src.data(), src.size() / 2, 2, rate});
            ASSERT_TRUE(out) << out.status().message();
            EXPECT_EQ(out->size(), 2 * size_t(std::llround(length * rate))) << plan->edit << " at " << rate;
            size_t mid = size_t(plan->length_s * rate / 3) * 2;  // away from fades; crossfades of DC sum ≥ 1
            EXPECT_GE((*out)[mid], 0.25f - 1e-6f);
            EXPECT_LE((*out)[mid + 1], -0.125f + 1e-6f);
            EXPECT_NEAR((*out)[mid] / (*out)[mid + 1], -2.0, 1e-4);
        }
}

TEST(FitRender, FadesInFromAMidTrackStartAndIsSilentAfterTheFadeOut) {
    std::vector<float> src(60 * 8000, 0.5f);
    EditPlan p;
    p.length_s = 10.0;
    p.pieces = {{20.0, 30.0, 0.0}};
    p.fade_in_s = 0.01;
    p.fade_out_start_s = 8.0;
    p.fade_out_end_s = 9.0;
    Result<std::vector<float>> out = render_plan(p, PcmView{src.data(), src.size(), 1, 8000});
    ASSERT_TRUE(out);
    ASSERT_EQ(out->size(), 80000u);
    EXPECT_LT((*out)[0], 0.01f);
    EXPECT_FLOAT_EQ((*out)[4000], 0.5f);
    EXPECT_NEAR((*out)[8 * 8000 + 4000], 0.25f, 1e-3);  // the fade's middle
    EXPECT_EQ((*out)[9 * 8000], 0.0f);
    EXPECT_EQ(out->back(), 0.0f);
}

TEST(FitRender, BadInputIsAStatusNamingIt) {
    std::vector<float> src(8000, 0.1f);
    EditPlan p = two_piece_plan(0.08);
    auto message = [&](const EditPlan& plan, const PcmView& pcm) {
        Result<std::vector<float>> r = render_plan(plan, pcm);
        EXPECT_FALSE(r);
        return r ? std::string() : r.status().message();
    };
    EXPECT_NE(message(p, PcmView{src.data(), 0, 1, 8000}).find("no samples"), std::string::npos);
    EXPECT_NE(message(p, PcmView{nullptr, 10, 1, 8000}).find("no samples"), std::string::npos);
    EXPECT_NE(message(p, PcmView{src.data(), src.size(), 0, 8000}).find("n_channels"), std::string::npos);
    EXPECT_NE(message(p, PcmView{src.data(), src.size(), 1, 0}).find("sample_rate_hz"), std::string::npos);
    src[4321] = NAN;
    EXPECT_NE(message(p, PcmView{src.data(), src.size(), 1, 8000}).find("frame 4321"), std::string::npos);
    src[4321] = 0;
    EditPlan empty;
    EXPECT_NE(message(empty, PcmView{src.data(), src.size(), 1, 8000}).find("length_s"), std::string::npos);
    EditPlan nan_piece = p;
    nan_piece.pieces[1].source_start_s = NAN;
    EXPECT_NE(message(nan_piece, PcmView{src.data(), src.size(), 1, 8000}).find("piece"), std::string::npos);
    p.length_s = NAN;
    EXPECT_NE(message(p, PcmView{src.data(), src.size(), 1, 8000}).find("length_s"), std::string::npos);
}

}  // namespace
}  // namespace cf
