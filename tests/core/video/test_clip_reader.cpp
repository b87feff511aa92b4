// A clip read in one pass (core/video/clip_reader.h): on frames made here, each shot's keyframe comes
// from inside the shot with the pixels of the frame it names; partial readings; durations; errors
// naming the clip. On the fixtures of tests/data/video (natively, with FFmpeg): the one-pass
// keyframes are the frames the old two-pass path (ShotDetector, then a second decode) picked.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "core/common/json.h"
#include "core/video/clip_reader.h"
#include "platform/video_decoder.h"
#include "test_util.h"

namespace cf {
namespace {

constexpr int kW = 48, kH = 27;
constexpr double kFps = 25.0;

struct Rgb {
    int r, g, b;
};

// A flat colour with diagonal stripes of contrast `stripe_level` (more contrast: a sharper frame,
// a higher keyframe score).
VideoFrame striped(Rgb c, double time_s, int stripe_level) {
    VideoFrame f;
    f.width_px = kW, f.height_px = kH, f.time_s = time_s;
    f.rgb.resize(size_t(kW * kH * 3));
    for (int y = 0; y < kH; ++y)
        for (int x = 0; x < kW; ++x) {
            const int stripe = ((x + y) / 4) % 2 ? stripe_level : -stripe_level;
            const int v[3] = {c.r + stripe, c.g + stripe, c.b + stripe};
            for (int ch = 0; ch < 3; ++ch) f.rgb[size_t((y * kW + x) * 3 + ch)] = uint8_t(std::clamp(v[ch], 0, 255));
        }
    return f;
}

/// A clip of shots, each `lengths[s]` frames of one colour; frame k of a shot of n frames has stripe
/// contrast contrast(k, n). Makes any frame again by its index (what a second decode would give).
struct Clip {
    std::vector<Rgb> colours;
    std::vector<int> lengths;
    int (*contrast)(int k, int n);

    int n_frames() const {
        int n = 0;
        for (int l : lengths) n += l;
        return n;
    }
};

VideoFrame clip_frame(const Clip& clip, int idx) {
    int k = idx;
    for (size_t s = 0; s < clip.lengths.size(); ++s) {
        if (k < clip.lengths[s]) return striped(clip.colours[s], idx / kFps, clip.contrast(k, clip.lengths[s]));
        k -= clip.lengths[s];
    }
    return {};
}

ClipReader read_all(const Clip& clip, const std::string& name = "clip.mp4", VideoInfo info = {}) {
    ClipReader reader(name, info);
    for (int i = 0; i < clip.n_frames(); ++i) EXPECT_TRUE(reader.push_frame(clip_frame(clip, i))) << i;
    return reader;
}

const std::vector<Rgb> kColours = {{200, 60, 60}, {60, 60, 200}, {80, 180, 80}, {200, 200, 90}};

// Sharpest in the middle of each shot, blurrier towards its ends.
int peak_in_middle(int k, int n) { return 50 - std::abs(2 * k - n) * 20 / n; }
// Sharpest at the shot's start (outside the middle 60 %), slowly blurrier after.
int sharp_start(int k, int n) { return 60 - k * 30 / n; }

TEST(ClipReader, KeyframesAreTheDetectorsPicksWithTheirPixels) {
    const Clip clip{kColours, {50, 40, 60, 45}, peak_in_middle};
    ClipReader reader = read_all(clip);
    ShotDetector detector;
    for (int i = 0; i < clip.n_frames(); ++i) ASSERT_TRUE(detector.push(clip_frame(clip, i)));
    const Result<ShotAnalysis> alone = detector.finish();
    Result<ClipAnalysis> r = reader.finish();
    ASSERT_TRUE(r) << r.status().message();
    ASSERT_TRUE(alone);
    ASSERT_EQ(r->shots.shots.size(), 4u);
    ASSERT_EQ(r->keyframes.size(), 4u);
    for (size_t i = 0; i < 4; ++i) {
        const Shot& s = r->shots.shots[i];
        EXPECT_EQ(s.keyframe_idx, alone->shots[i].keyframe_idx) << "shot " << i;
        EXPECT_DOUBLE_EQ(s.keyframe_s, alone->shots[i].keyframe_s) << "shot " << i;
        EXPECT_EQ(r->keyframes[i].rgb, clip_frame(clip, s.keyframe_idx).rgb) << "shot " << i;
        EXPECT_EQ(r->keyframes[i].width_px, kW);
        EXPECT_EQ(r->keyframes[i].height_px, kH);
    }
    EXPECT_EQ(r->shots.cuts.size(), alone->cuts.size());
    EXPECT_TRUE(r->complete);
}

TEST(ClipReader, KeyframeComesFromTheShotsMiddleEvenWhenItsStartIsSharper) {
    const Clip clip{kColours, {50, 50, 50, 50}, sharp_start};
    ClipReader reader = read_all(clip);
    Result<ClipAnalysis> r = reader.finish();
    ASSERT_TRUE(r) << r.status().message();
    ASSERT_EQ(r->shots.shots.size(), 4u);
    for (size_t i = 0; i < 4; ++i) {
        const Shot& s = r->shots.shots[i];
        const FrameSpan span = keyframe_search_span(s);
        EXPECT_GE(s.keyframe_idx, span.first) << "shot " << i;
        EXPECT_LE(s.keyframe_idx, span.last) << "shot " << i;
        // The sharpest frame of the span is its first; the kept one is the best of its bin inside
        // the span, at most a bin (0.5 s) later.
        EXPECT_LE(s.keyframe_s - span.first / kFps, 0.5 + 1e-9) << "shot " << i;
        EXPECT_EQ(r->keyframes[i].rgb, clip_frame(clip, s.keyframe_idx).rgb) << "shot " << i;
    }
}

TEST(ClipReader, AShotShorterThanABinTakesTheNearestKeptFrame) {
    // A 5-frame shot (0.2 s) between two blurrier long ones: its bins may be won by the others.
    const Clip clip{{kColours[0], kColours[1], kColours[2]}, {40, 5, 40}, sharp_start};
    ClipReaderOptions o;
    o.keyframe_bin_s = 2.0;
    o.detector.min_shot_s = 0.1;
    ClipReader reader("clip.mp4", {}, o);
    for (int i = 0; i < clip.n_frames(); ++i) ASSERT_TRUE(reader.push_frame(clip_frame(clip, i)));
    Result<ClipAnalysis> r = reader.finish();
    ASSERT_TRUE(r) << r.status().message();
    ASSERT_EQ(r->shots.shots.size(), 3u);
    for (size_t i = 0; i < 3; ++i)  // whatever was kept, the pixels are those of the frame named
        EXPECT_EQ(r->keyframes[i].rgb, clip_frame(clip, r->shots.shots[i].keyframe_idx).rgb) << i;
    // Bins of 2 s: the short shot (frames 40..44, 1.6..1.76 s) lies inside the first bin, whose winner
    // is a sharper frame of a long shot: no kept frame lies in the short shot, and it takes the kept
    // frame nearest its own pick (within a bin of it).
    const Shot& shot = r->shots.shots[1];
    EXPECT_TRUE(shot.keyframe_idx < 40 || shot.keyframe_idx > 44) << shot.keyframe_idx;
    EXPECT_LT(std::abs(shot.keyframe_s - 1.68), o.keyframe_bin_s) << shot.keyframe_idx;
}

TEST(ClipReader, PartialReadingThenTheWholeClip) {
    const Clip clip{kColours, {50, 40, 60, 45}, peak_in_middle};
    VideoInfo info;
    info.duration_s = 8.0;  // the headers' (the frames end at 7.8 s)
    ClipReader reader("clip.mp4", info);
    EXPECT_EQ(reader.finish_partial().status().code(), ErrorCode::empty);
    for (int i = 0; i < 95; ++i) ASSERT_TRUE(reader.push_frame(clip_frame(clip, i)));
    EXPECT_EQ(reader.n_frames(), 95);
    EXPECT_DOUBLE_EQ(reader.last_frame_s(), 94 / kFps);
    Result<ClipAnalysis> early = reader.finish_partial();
    ASSERT_TRUE(early) << early.status().message();
    EXPECT_FALSE(early->complete);
    EXPECT_NEAR(early->shots.duration_s, 95 / kFps, 1e-9);  // read so far: the last frame + a step
    EXPECT_DOUBLE_EQ(early->info.duration_s, 8.0);         // the headers' duration is still known
    ASSERT_EQ(early->shots.shots.size(), 3u);              // the cuts at frames 50 and 90 are seen
    EXPECT_EQ(early->keyframes.size(), 3u);
    for (int i = 95; i < clip.n_frames(); ++i) ASSERT_TRUE(reader.push_frame(clip_frame(clip, i)));
    Result<ClipAnalysis> whole = reader.finish();
    ASSERT_TRUE(whole);
    EXPECT_TRUE(whole->complete);
    EXPECT_EQ(whole->shots.shots.size(), 4u);
    EXPECT_DOUBLE_EQ(whole->shots.duration_s, 8.0);
    EXPECT_DOUBLE_EQ(whole->shots.shots.back().end_s, 8.0);
}

TEST(ClipReader, DurationIsWhatWasReadWhenTheHeadersDoNotSay) {
    const Clip clip{kColours, {50, 50}, peak_in_middle};
    {
        ClipReader reader = read_all(clip);  // info.duration_s = 0, no audio
        Result<ClipAnalysis> r = reader.finish();
        ASSERT_TRUE(r);
        EXPECT_NEAR(r->info.duration_s, 100 / kFps, 1e-9);
    }
    {
        ClipReader reader = read_all(clip);
        const std::vector<float> sound(48000 * 5, 0.01f);  // 5 s of sound, longer than the 4 s of picture
        ASSERT_TRUE(reader.push_audio(sound.data(), sound.size(), 48000));
        Result<ClipAnalysis> r = reader.finish();
        ASSERT_TRUE(r);
        EXPECT_NEAR(r->info.duration_s, 5.0, 1e-9);
        EXPECT_NEAR(r->shots.shots.back().end_s, 5.0, 1e-9);
        EXPECT_TRUE(r->sound.has_audio);
        EXPECT_EQ(r->sound.loudness_lufs.size(), 50u);
    }
    {
        VideoInfo info;
        info.duration_s = 3.0;  // headers that say less than the frames: the frames win
        ClipReader reader = read_all(clip, "clip.mp4", info);
        Result<ClipAnalysis> r = reader.finish();
        ASSERT_TRUE(r);
        EXPECT_NEAR(r->info.duration_s, 100 / kFps, 1e-9);
    }
}

TEST(ClipReader, ErrorsNameTheClip) {
    ClipReader reader("holiday.mp4", {});
    Result<ClipAnalysis> none = reader.finish();
    EXPECT_EQ(none.status().code(), ErrorCode::empty);
    EXPECT_EQ(none.status().message(), "holiday.mp4: no video frame decoded");
    VideoFrame bad = striped(kColours[0], 0.0, 40);
    bad.rgb.pop_back();
    Status s = reader.push_frame(bad);
    EXPECT_EQ(s.message().rfind("holiday.mp4: frame 0", 0), 0u) << s.message();
    ASSERT_TRUE(reader.push_frame(striped(kColours[0], 0.0, 40)));
    s = reader.push_frame(striped(kColours[0], 0.0, 40));
    EXPECT_EQ(s.message().rfind("holiday.mp4: frame 1: time", 0), 0u) << s.message();
    const float nan[2] = {0.0f, std::nanf("")};
    s = reader.push_audio(nan, 2, 48000);
    EXPECT_EQ(s.message(), "holiday.mp4: audio sample 1 is NaN");
    ClipReaderOptions o;
    o.keyframe_bin_s = 0;
    EXPECT_NE(o.validate().message().find("keyframe_bin_s = 0"), std::string::npos);
    s = ClipReader("holiday.mp4", {}, o).push_frame(striped(kColours[0], 0.0, 40));
    EXPECT_EQ(s.message().rfind("holiday.mp4: ClipReaderOptions.keyframe_bin_s", 0), 0u) << s.message();
}

TEST(ClipReader, JsonHasTheReadingTheSoundAndCompleteness) {
    const Clip clip{kColours, {50, 50}, peak_in_middle};
    ClipReader reader = read_all(clip);
    Result<ClipAnalysis> r = reader.finish();
    ASSERT_TRUE(r);
    JsonWriter w;
    w.begin_object();
    write_clip_json(w, "clip.mp4", *r);
    const std::string j = w.end_object().str();
    EXPECT_EQ(j.rfind("{\"file\":\"clip.mp4\",\"duration_s\":4.000,", 0), 0u) << j;
    EXPECT_NE(j.find("\"cuts_s\":[2.000]"), std::string::npos) << j;
    EXPECT_NE(j.find("\"sound\":{\"has_audio\":false},\"complete\":true}"), std::string::npos) << j;
}

// [SECTION] fixtures

std::string video_path(const std::string& file) { return test::test_data_dir() + "/video/" + file; }

// The old `cuefinder-core video --keyframes` path: a first decode into the ShotDetector alone, then
// each shot's keyframe_idx taken from a second decode (here: from the frames of the first, kept).
// One pass keeps only the best frame of each 0.5 s bin, so where the two-pass pick lost its bin to
// a frame outside the shot's middle 60 % (the bin straddles the span's edge) it is not there to be
// picked: then the one-pass keyframe is the best kept frame inside the span, nearly as sharp and
// still. Where the two-pass pick won its bin, one pass picks the very same frame.
TEST(ClipReaderFixtures, OnePassKeyframesAreTheTwoPassPicksWhereTheyWonTheirBin) {
    if (!platform::video_decoder_available()) GTEST_SKIP() << "built without a video decoder";
    int n_shots = 0, n_same = 0;
    float worst_ratio = 1;
    double worst_pixel_diff = 0;  // mean absolute difference to the two-pass keyframe, 0..1
    for (const char* file : {"h264_aac_cuts_fades.mp4", "vp9_opus_cuts.webm", "h264_portrait_rotate90.mov",
                             "h264_no_audio.mkv", "hevc_aac_cut.mp4", "h264_dissolve.mp4"}) {
        auto src = platform::open_video_file(video_path(file));
        ASSERT_TRUE(src) << src.status().message();
        const VideoInfo info = (*src)->info();
        ShotDetector detector;
        ClipReader reader(file, info);
        std::vector<VideoFrame> frames;
        VideoFrame frame;
        while (true) {
            Result<bool> got = (*src)->next_frame(&frame);
            ASSERT_TRUE(got) << got.status().message();
            if (!*got) break;
            ASSERT_TRUE(detector.push(frame));
            ASSERT_TRUE(reader.push_frame(frame));
            frames.push_back(frame);
        }
        const Result<ShotAnalysis> two_pass = detector.finish(info.duration_s);
        Result<ClipAnalysis> one_pass = reader.finish();
        ASSERT_TRUE(two_pass) << file;
        ASSERT_TRUE(one_pass) << file << ": " << one_pass.status().message();
        ASSERT_EQ(one_pass->shots.shots.size(), two_pass->shots.size()) << file;
        auto bin_of = [&](int idx) { return std::floor(frames[size_t(idx)].time_s / 0.5); };
        for (size_t i = 0; i < two_pass->shots.size(); ++i) {
            const int old_idx = two_pass->shots[i].keyframe_idx;
            const Shot& now = one_pass->shots.shots[i];
            EXPECT_EQ(one_pass->keyframes[i].rgb, frames[size_t(now.keyframe_idx)].rgb) << file << " shot " << i;
            EXPECT_DOUBLE_EQ(now.keyframe_s, frames[size_t(now.keyframe_idx)].time_s) << file << " shot " << i;
            bool won_its_bin = true;
            for (int j = 0; j < int(frames.size()); ++j)
                if (bin_of(j) == bin_of(old_idx) && detector.keyframe_score(j) > detector.keyframe_score(old_idx))
                    won_its_bin &= false;
                else if (bin_of(j) == bin_of(old_idx) && j < old_idx && detector.keyframe_score(j) == detector.keyframe_score(old_idx))
                    won_its_bin &= false;
            const FrameSpan span = keyframe_search_span(now);
            EXPECT_GE(now.keyframe_idx, span.first) << file << " shot " << i;
            EXPECT_LE(now.keyframe_idx, span.last) << file << " shot " << i;
            if (won_its_bin) EXPECT_EQ(now.keyframe_idx, old_idx) << file << " shot " << i;
            const float ratio = detector.keyframe_score(now.keyframe_idx) / detector.keyframe_score(old_idx);
            EXPECT_GE(ratio, 0.8f) << file << " shot " << i;
            worst_ratio = std::min(worst_ratio, ratio);
            n_same += now.keyframe_idx == old_idx;
            ++n_shots;
            const std::vector<uint8_t>& a = one_pass->keyframes[i].rgb;
            const std::vector<uint8_t>& b = frames[size_t(old_idx)].rgb;
            double diff = 0;
            for (size_t k = 0; k < a.size(); ++k) diff += std::abs(int(a[k]) - int(b[k]));
            worst_pixel_diff = std::max(worst_pixel_diff, diff / double(a.size()) / 255.0);
        }
    }
    std::printf("one pass = two pass keyframe in %d of %d shots; worst score ratio %.3f; worst mean pixel difference %.3f\n",
                n_same, n_shots, worst_ratio, worst_pixel_diff);
}

}  // namespace
}  // namespace cf
