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

}  // namespace
}  // namespace cf
