// A track read for fitting: stereo kept at the file's rate (6 channels averaged to one), the timeline's
// duration and energy curve, errors naming the file; a plan rendered at another rate: the exact frame
// count, both channels, the signal's level kept through the resampler.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "core/fit/render.h"
#include "core/fit/track_audio.h"

namespace cf {
namespace {

std::string audio(const char* name) { return std::string(CF_TEST_DATA_DIR) + "/audio/" + name; }

/// RMS of channel c over frames [from, to) of interleaved `x`.
double rms(const std::vector<float>& x, int ch, int c, size_t from, size_t to) {
    double s = 0;
    for (size_t i = from; i < to; ++i) s += double(x[i * size_t(ch) + size_t(c)]) * x[i * size_t(ch) + size_t(c)];
    return std::sqrt(s / double(to - from));
}

TEST(FitTrackAudio, KeepsStereoAtTheFilesRate) {
    TrackAudioOptions o;
    o.audio = true;
    o.timeline = false;
    auto t = read_track_audio(audio("flac_s24_48k_stereo.flac"), o);
    ASSERT_TRUE(t) << t.status().message();
    EXPECT_EQ(t->n_channels, 2);
    EXPECT_EQ(t->sample_rate_hz, 48000);
    EXPECT_EQ(t->pcm.size(), size_t(2 * 24000));
    // tests/data/audio/README.md: L = 0.5 sin 440, R = 0.5 sin 1000 for the first 0.375 s.
    EXPECT_NEAR(rms(t->pcm, 2, 0, 1000, 17000), 0.5 / std::sqrt(2.0), 0.01);
    double diff = 0;
    for (size_t i = 1000; i < 17000; ++i) diff += std::fabs(t->pcm[2 * i] - t->pcm[2 * i + 1]);
    EXPECT_GT(diff / 16000, 0.1) << "the channels are kept apart";
}

TEST(FitTrackAudio, MoreThanTwoChannelsAreAveraged) {
    TrackAudioOptions o;
    o.audio = true;
    auto t = read_track_audio(audio("opus_160k_48k_6ch.opus"), o);
    ASSERT_TRUE(t) << t.status().message();
    EXPECT_EQ(t->n_source_channels, 6);
    EXPECT_EQ(t->n_channels, 1);
    EXPECT_EQ(t->pcm.size(), t->pcm_view().n_frames);
}

TEST(FitTrackAudio, TimelineHasTheDurationAndAnEnergyCurve) {
    auto t = read_track_audio(audio("vorbis_q2_44k_stereo_3s.ogg"), {});
    ASSERT_TRUE(t) << t.status().message();
    EXPECT_NEAR(t->timeline.duration_s, 3.0, 0.01);
    EXPECT_GE(t->timeline.energy_times_s.size(), 5u) << "a point every 0.5 s";
    EXPECT_EQ(t->timeline.energy_times_s.size(), t->timeline.energy_db.size());
    EXPECT_TRUE(t->pcm.empty()) << "audio kept only when asked";
}

TEST(FitTrackAudio, ErrorsNameTheFile) {
    auto t = read_track_audio(audio("bad_text.txt"), {});
    ASSERT_FALSE(t);
    EXPECT_NE(t.status().message().find("bad_text.txt"), std::string::npos) << t.status().message();
    TrackAudioOptions o;
    o.audio = true;
    o.max_audio_bytes = 1000;
    t = read_track_audio(audio("flac_s24_48k_stereo.flac"), o);
    ASSERT_FALSE(t);
    EXPECT_EQ(t.status().code(), ErrorCode::too_large);
    EXPECT_NE(t.status().message().find("flac_s24_48k_stereo.flac"), std::string::npos) << t.status().message();
}

TEST(FitTrackAudio, RenderAtAnotherRateIsExactAndKeepsTheLevel) {
    TrackAudioOptions o;
    o.audio = true;
    auto t = read_track_audio(audio("flac_s24_48k_stereo.flac"), o);
    ASSERT_TRUE(t);
    EditPlan plan;
    plan.length_s = 0.2987;  // not a whole number of frames at either rate
    plan.pieces = {{0.02, 0.3187, 0.0}};
    plan.fade_out_start_s = plan.fade_out_end_s = plan.length_s;
    for (int rate : {44100, 48000, 22050}) {
        auto out = render_plan_at_rate(plan, t->pcm_view(), rate);
        ASSERT_TRUE(out) << out.status().message();
        EXPECT_EQ(out->size(), 2 * rendered_frames(plan.length_s, rate)) << rate << " Hz";
        const size_t n = out->size() / 2;
        EXPECT_NEAR(rms(*out, 2, 0, n / 10, n * 9 / 10), 0.5 / std::sqrt(2.0), 0.01) << rate << " Hz: the level kept";
        EXPECT_NEAR(rms(*out, 2, 1, n / 10, n * 9 / 10), 0.5 / std::sqrt(2.0), 0.01) << rate << " Hz";
    }
    EXPECT_FALSE(render_plan_at_rate(plan, t->pcm_view(), 10));
}

/// A 0.6 s splice plan: [0.4, 0.7] s of the source, then [second_s, second_s + 0.3].
EditPlan two_windows_plan(double second_s) {
    EditPlan plan;
    plan.kind = FitKind::splice;
    plan.length_s = 0.6;
    plan.pieces = {{0.4, 0.7, 0.0}, {second_s, second_s + 0.3, 0.3}};
    plan.splices = {{0.3, 0.7, second_s, 0.08, 1.0}};
    plan.fade_out_start_s = plan.fade_out_end_s = 0.6;
    return plan;
}

TEST(FitTrackAudio, DecodingOnlyThePlansWindowsRendersTheSame) {
    const auto windows = plan_source_windows(two_windows_plan(2.1));
    ASSERT_EQ(windows.size(), 2u);
    EXPECT_NEAR(windows[0].start_s, 0.4 - 0.08 - 0.05, 1e-9);
    EXPECT_NEAR(windows[1].start_s + windows[1].duration_s, 2.4 + 0.08 + 0.05, 1e-9) << "the last piece to the edit's end";
    for (auto [file, second_s] : {std::pair{"vorbis_q2_44k_stereo_3s.ogg", 2.1}, {"wav_s16_44k_stereo.wav", 0.6}, {"flac_s16_44k_stereo.flac", 0.6}}) {
        const EditPlan plan = two_windows_plan(second_s);
        TrackAudioOptions o;
        o.timeline = false;
        o.audio = true;
        auto whole = read_track_audio(audio(file), o);
        o.audio_windows = plan_source_windows(plan);
        auto some = read_track_audio(audio(file), o);
        ASSERT_TRUE(whole && some) << file;
        EXPECT_EQ(some->pcm.size(), whole->pcm.size()) << file << ": the buffer spans the track";
        auto a = render_plan_at_rate(plan, whole->pcm_view(), 44100), b = render_plan_at_rate(plan, some->pcm_view(), 44100);
        ASSERT_TRUE(a && b);
        ASSERT_EQ(a->size(), b->size());
        double worst = 0;
        for (size_t i = 0; i < a->size(); ++i) worst = std::max(worst, double(std::fabs((*a)[i] - (*b)[i])));
        EXPECT_LT(worst, 1e-4) << file << ": the same samples (seeking is exact up to float rounding)";
        double outside = 0;  // what no window covers stays silent (and is not decoded)
        for (size_t i = 0; i < size_t(0.2 * 44100) * 2; ++i) outside += std::fabs(some->pcm[i]);
        EXPECT_EQ(outside, 0.0) << file;
    }
}

}  // namespace
}  // namespace cf
