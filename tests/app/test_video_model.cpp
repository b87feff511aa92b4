// The app's video model, headless: a clip's reading (as the core's ClipReader gives it) → early and
// final suggestions fitted to the clip, audition and WAV export through a fake Host, a failing clip
// that leaves the shown one as it was, and a clip whose picture cannot be decoded.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "app/session/session.h"
#include "core/audio/wav_writer.h"
#include "fakes.h"

using namespace cf;
using namespace cf::app;
using namespace cf::app::test;

namespace {

// A clip of `duration_s` read so far: a cut every `shot_s`, fast motion.
ClipAnalysis test_clip(double duration_s, double shot_s = 2.0, float motion = 0.3f) {
    ClipAnalysis c;
    c.info.duration_s = duration_s;
    c.info.width_px = 320, c.info.height_px = 180;
    c.shots.duration_s = duration_s;
    for (double t = 0; t < duration_s; t += shot_s) {
        if (t > 0) c.shots.cuts.push_back(Cut{t, int(t * 30), 0.8f});
        Shot s;
        s.start_s = t, s.end_s = std::min(t + shot_s, duration_s), s.motion = motion;
        c.shots.shots.push_back(s);
        c.keyframes.push_back(Image{});
    }
    c.shots.pace.cuts_per_min = 60.0 / shot_s;
    c.shots.pace.motion = motion;
    for (int i = 0; i < int(duration_s); ++i) c.shots.pace.curve.push_back(PacePoint{double(i), motion, 0, 0.7f});
    return c;
}

// A track's "audio file": a WAV of a sine at 44.1 kHz, `seconds` long.
std::vector<uint8_t> sine_wav(double seconds) {
    std::vector<float> s(size_t(seconds * 44100));
    for (size_t i = 0; i < s.size(); ++i) s[i] = 0.3f * float(std::sin(2 * M_PI * 220.0 * double(i) / 44100.0));
    return *encode_wav(s, 1, 44100);
}

struct VideoModelTest : ::testing::Test {
    FakeHost host;
    FakeTextEmbedder embedder;
    Session session{host, &embedder};
    VideoModel& video = session.video();

    void SetUp() override {
        session.set_models(test_models());
        std::vector<uint8_t> bytes = test_catalog_bytes(/*with_timelines=*/true);
        ASSERT_FALSE(bytes.empty());
        ASSERT_TRUE(session.open_catalog(std::move(bytes), "test", "catalog/").is_ok());
        ASSERT_TRUE(video.set_track_files(R"({"tracks":[{"id":"t0","audio":"t0.opus"},{"id":"t1","audio":"t1.opus"},)"
                                          R"({"id":"t2","audio":"t2.opus"},{"id":"t3","audio":"t3.opus"},{"id":"t4","audio":"t4.opus"},)"
                                          R"({"id":"t5","audio":"t5.opus"},{"id":"t6","audio":"t6.opus"}]})").is_ok());
    }
};

TEST_F(VideoModelTest, EarlySuggestionsWhileReadingThenFittedToTheWholeClip) {
    const int r = video.begin("clip.mp4");
    video.partial(r, test_clip(3.0), 0.1);
    EXPECT_TRUE(video.rows().empty()) << "3 s read: below min_partial_s, nothing shown yet";
    video.partial(r, test_clip(6.0), 0.3);
    ASSERT_FALSE(video.rows().empty());
    EXPECT_EQ(video.stage(), VideoStage::reading);
    ASSERT_EQ(host.shown.size(), 1u);
    EXPECT_EQ(host.shown[0], std::make_pair(r, true));

    video.finished(r, test_clip(20.0));
    EXPECT_EQ(video.stage(), VideoStage::ready);
    EXPECT_EQ(host.shown.size(), 1u) << "the same clip is not shown twice";
    ASSERT_FALSE(video.rows().empty());
    // Fast motion and 30 cuts/min: the fastest tracks first (t7 150 BPM, t6 140).
    EXPECT_GE(session.catalog()->tracks()[video.rows()[0].suggestion.track].bpm, 130.0f);
    for (const VideoRow& row : video.rows()) {
        ASSERT_TRUE(row.fit) << row.fit_error;
        EXPECT_NEAR(row.fit->plan.length_s, 20.0, 0.01);
    }
    EXPECT_NE(video.explanation().find("cuts/min"), std::string::npos);
    EXPECT_NE(session.state_json().find("\"video\":{\"stage\":\"ready\""), std::string::npos);
}

TEST_F(VideoModelTest, AuditionFetchesTheTrackOnceAndPlaysAnEditOfExactlyTheClipsLength) {
    const int r = video.begin("clip.mp4");
    video.finished(r, test_clip(12.0));
    ASSERT_FALSE(video.rows().empty());
    const VideoRow& row = video.rows()[0];
    const TrackMeta& t = session.catalog()->tracks()[row.suggestion.track];
    ASSERT_TRUE(row.has_full_audio) << t.id;
    video.audition(0);
    ASSERT_EQ(host.fetches.size(), 1u);
    EXPECT_EQ(host.fetches[0].second, "catalog/audio/" + t.id + ".opus");
    video.on_fetched(host.fetches[0].first, sine_wav(t.duration_s));
    ASSERT_EQ(video.error(), "");
    EXPECT_EQ(video.auditioning(), 0);
    EXPECT_EQ(host.last_wav.size(), 44u + 2u * size_t(std::llround(12.0 * 44100)));  // 16-bit mono, exact length

    video.export_wav(0);  // the same track: no second fetch
    EXPECT_EQ(host.fetches.size(), 1u);
    EXPECT_EQ(host.last_download_bytes, host.last_wav);
    EXPECT_NE(host.last_download_name.find("clip - "), std::string::npos);
}

TEST_F(VideoModelTest, CueSheetsAndTheMuxCommandDescribeTheSelectedFit) {
    const int r = video.begin("my clip.mp4");
    video.finished(r, test_clip(12.0));
    ASSERT_FALSE(video.rows().empty());
    const TrackMeta& t = session.catalog()->tracks()[video.rows()[1].suggestion.track];
    video.export_cues(1, "csv");
    EXPECT_EQ(host.last_download_name, "my clip - " + t.title + ".csv");
    EXPECT_NE(host.last_download_text.find("my clip.mp4"), std::string::npos);
    EXPECT_NE(host.last_download_text.find(t.id), std::string::npos);
    video.export_cues(1, "json");
    EXPECT_NE(host.last_download_text.find("\"length_s\":12.000"), std::string::npos) << host.last_download_text;
    video.export_mux_command(1);
    EXPECT_NE(video.mux_command().find("'my clip.mp4'"), std::string::npos) << video.mux_command();
    EXPECT_NE(video.mux_command().find("-c:v copy"), std::string::npos);
    EXPECT_EQ(host.last_download_text.rfind("#!/bin/sh\n", 0), 0u);
}

TEST_F(VideoModelTest, ATrackWithoutPublishedAudioSaysSoAndAFailedFetchNamesTheProblem) {
    ASSERT_TRUE(video.set_track_files(R"({"tracks":[]})").is_ok());
    const int r = video.begin("clip.mp4");
    video.finished(r, test_clip(12.0));
    video.audition(0);
    EXPECT_TRUE(host.fetches.empty());
    EXPECT_NE(video.error().find("full-length audio"), std::string::npos) << video.error();

    ASSERT_TRUE(video.set_track_files(R"({"tracks":[{"id":"t7","audio":"t7.opus"},{"id":"t6","audio":"t6.opus"},)"
                                      R"({"id":"t5","audio":"t5.opus"},{"id":"t4","audio":"t4.opus"}]})").is_ok());
    video.audition(0);
    ASSERT_EQ(host.fetches.size(), 1u);
    video.on_fetched(host.fetches[0].first, Status(ErrorCode::not_found, "catalog/audio/t7.opus: HTTP 404"));
    EXPECT_NE(video.error().find("HTTP 404"), std::string::npos);
    EXPECT_EQ(video.auditioning(), -1);
}

TEST_F(VideoModelTest, ABrokenClipLeavesTheShownOneAndItsSuggestions) {
    const int r1 = video.begin("good.mp4");
    video.finished(r1, test_clip(10.0));
    const size_t n = video.rows().size();
    ASSERT_GT(n, 0u);
    const int r2 = video.begin("broken.mp4");
    video.failed(r2, "truncated: the data ends at 40 %");
    EXPECT_EQ(video.clip_name(), "good.mp4");
    EXPECT_EQ(video.rows().size(), n);
    EXPECT_EQ(video.stage(), VideoStage::ready);
    EXPECT_EQ(video.error(), "broken.mp4: truncated: the data ends at 40 %");
    video.failed(r1, "late message of an old clip");  // ignored: not the current request
    EXPECT_EQ(video.error(), "broken.mp4: truncated: the data ends at 40 %");
}

TEST_F(VideoModelTest, AClipWhosePictureCannotBeDecodedIsRankedWithoutPace) {
    const int r = video.begin("iphone.mov");
    video.picture_unreadable(r, "iphone.mov: HEVC video can't be decoded in this browser", 15.0, ClipSound{});
    ASSERT_FALSE(video.rows().empty());
    EXPECT_NE(video.notice().find("HEVC"), std::string::npos);
    for (const VideoRow& row : video.rows()) {
        EXPECT_EQ(row.suggestion.tempo, 1.0f);
        ASSERT_TRUE(row.fit) << row.fit_error;
        EXPECT_NEAR(row.fit->plan.length_s, 15.0, 0.01);
    }
    EXPECT_NE(video.explanation().find("pace unknown"), std::string::npos);
}

TEST_F(VideoModelTest, ACatalogWithoutTimelinesSaysWhatItLacks) {
    ASSERT_TRUE(session.open_catalog(test_catalog_bytes(false), "v1", "catalog/").is_ok());
    const int r = session.video().begin("clip.mp4");
    session.video().finished(r, test_clip(10.0));
    ASSERT_FALSE(session.video().rows().empty());
    EXPECT_FALSE(session.video().rows()[0].fit);
    EXPECT_NE(session.video().rows()[0].fit_error.find("timeline"), std::string::npos) << session.video().rows()[0].fit_error;
}

}  // namespace

namespace {

TEST_F(VideoModelTest, TypedWordsRefineTheSuggestions) {
    const std::string vocab = use_lite_vocab();
    if (vocab.empty()) GTEST_SKIP() << "no models/use-lite/vocab.txt";
    ASSERT_TRUE(session.set_text_model(vocab).is_ok());
    ASSERT_TRUE(session.words().ready()) << session.words().status();
    const int r = video.begin("clip.mp4");
    video.finished(r, test_clip(12.0, 4.0, 0.2f));  // 15 cuts/min, moving: 100–125 BPM
    const std::set<std::string> rock = {"t4", "t5", "t6", "t7"}, piano = {"t0", "t1", "t2", "t3"};
    const Catalog& cat = *session.catalog();
    auto count_top3 = [&](const std::set<std::string>& ids) {
        int n = 0;
        for (size_t i = 0; i < 3; ++i) n += int(ids.count(cat.tracks()[video.rows()[i].suggestion.track].id));
        return n;
    };
    ASSERT_GE(video.rows().size(), 3u);
    const int rock_before = count_top3(rock);
    session.words().set_text_query("piano");  // the fake encoder's "piano" is the concept "piano"
    ASSERT_TRUE(session.words().text().prepared.has_value());
    EXPECT_GT(count_top3(piano), 3 - rock_before) << "the words moved piano tracks up";
    EXPECT_NE(video.rows()[0].suggestion.why.find("piano"), std::string::npos) << video.rows()[0].suggestion.why;
    session.words().set_text_query("rock");
    EXPECT_GE(count_top3(rock), 2);
}

}  // namespace
