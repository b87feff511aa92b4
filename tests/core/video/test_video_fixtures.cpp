// The fixtures of tests/data/video (README.md there: how each was made, its known cuts and fades)
// decoded through the platform seam (platform/video_decoder.h; FFmpeg natively) and read by the shot
// detector: cut detection F1 within ±1 frame, the portrait clip's rotation and display size, and the
// bad files' errors. Skipped in builds without a video decoder (WebAssembly, native without FFmpeg).
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "core/video/shot_detector.h"
#include "platform/video_decoder.h"
#include "test_util.h"
#include "video_test_util.h"

namespace cf {
namespace {

using test::video_path;

struct Decoded {
    VideoInfo info;
    std::vector<VideoFrame> first_frames;  ///< the first three
    int n_frames = 0;
    Status end;                            ///< how decoding ended (ok at a clean end)
    ShotAnalysis shots;
};

Decoded decode(const std::string& file, int max_size_px = 256) {
    Decoded out;
    auto src = platform::open_video_file(video_path(file), {.max_size_px = max_size_px});
    if (!src) {
        out.end = src.status();
        return out;
    }
    out.info = (*src)->info();
    ShotDetector detector;
    VideoFrame frame;
    while (true) {
        Result<bool> got = (*src)->next_frame(&frame);
        if (!got) {
            out.end = got.status();
            break;
        }
        if (!*got) break;
        EXPECT_TRUE(detector.push(frame)) << file << " frame " << out.n_frames;
        if (out.first_frames.size() < 3) out.first_frames.push_back(frame);
        ++out.n_frames;
    }
    if (out.n_frames > 0) {
        Result<ShotAnalysis> r = detector.finish(out.info.duration_s);
        EXPECT_TRUE(r) << file << ": " << r.status().message();
        if (r) out.shots = *r;
    }
    return out;
}

struct Known {
    const char* file;
    std::vector<double> cuts_s;  ///< from tests/data/video/README.md
    double fps;
    const char* codec;
    bool has_audio;
    size_t n_fades;  ///< fades and dissolves
};

const std::vector<Known>& known_clips() {
    static const std::vector<Known> clips = {
        {"h264_aac_cuts_fades.mp4", {2.0, 3.5, 5.0, 8.5}, 24, "h264", true, 2},
        {"vp9_opus_cuts.webm", {1.5, 3.0, 4.5}, 30, "vp9", true, 0},
        {"h264_portrait_rotate90.mov", {1.0, 2.0}, 24, "h264", true, 0},
        {"h264_no_audio.mkv", {2.0, 3.0}, 24, "h264", false, 0},  // its drifting gradients are no dissolve
        {"hevc_aac_cut.mp4", {1.5}, 24, "hevc", true, 0},
        {"h264_dissolve.mp4", {4.5}, 24, "h264", true, 1},
    };
    return clips;
}

/// Matches found cuts to known ones (each at most once) within `tolerance_s`.
int n_matched(const std::vector<double>& known, const std::vector<Cut>& found, double tolerance_s) {
    std::vector<bool> used(found.size(), false);
    int n = 0;
    for (double k : known)
        for (size_t i = 0; i < found.size(); ++i)
            if (!used[i] && std::abs(found[i].time_s - k) <= tolerance_s) {
                used[i] = true;
                ++n;
                break;
            }
    return n;
}

TEST(VideoFixtures, CutDetectionF1WithinOneFrameIsAtLeast095) {
    SKIP_WITHOUT_DECODER();
    int n_known = 0, n_found = 0, n_hit = 0;
    for (const Known& k : known_clips()) {
        const Decoded d = decode(k.file);
        ASSERT_TRUE(d.end) << d.end.message();
        const int hit = n_matched(k.cuts_s, d.shots.cuts, 1.0 / k.fps + 1e-3);
        EXPECT_EQ(hit, int(k.cuts_s.size())) << k.file << ": known cuts missed";
        EXPECT_EQ(d.shots.cuts.size(), k.cuts_s.size()) << k.file << ": cuts found";
        EXPECT_EQ(d.shots.fades.size(), k.n_fades) << k.file << ": fades and dissolves found";
        n_known += int(k.cuts_s.size());
        n_found += int(d.shots.cuts.size());
        n_hit += hit;
    }
    const double precision = n_found ? double(n_hit) / n_found : 0.0;
    const double recall = double(n_hit) / n_known;
    const double f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0.0;
    EXPECT_GE(f1, 0.95) << "precision " << precision << ", recall " << recall;
}

TEST(VideoFixtures, InfoMatchesHowTheClipsWereMade) {
    SKIP_WITHOUT_DECODER();
    for (const Known& k : known_clips()) {
        auto src = platform::open_video_file(video_path(k.file));
        ASSERT_TRUE(src) << src.status().message();
        const VideoInfo& info = (*src)->info();
        EXPECT_EQ(info.video_codec, k.codec) << k.file;
        EXPECT_EQ(info.has_audio, k.has_audio) << k.file;
        EXPECT_NEAR(info.fps, k.fps, 1e-6) << k.file;
        EXPECT_GT(info.duration_s, k.cuts_s.back()) << k.file;
    }
}

TEST(VideoFixtures, TheFadeThroughBlackIsFoundAndTheFlashIsNoCut) {
    SKIP_WITHOUT_DECODER();
    const Decoded d = decode("h264_aac_cuts_fades.mp4");
    ASSERT_TRUE(d.end) << d.end.message();
    ASSERT_EQ(d.shots.fades.size(), 2u);
    const double frame_s = 1.0 / 24;
    EXPECT_EQ(d.shots.fades[0].kind, FadeKind::out_to_black);
    EXPECT_NEAR(d.shots.fades[0].start_s, 6.0, 2 * frame_s);
    EXPECT_GE(d.shots.fades[0].end_s, 6.2);
    EXPECT_LE(d.shots.fades[0].end_s, 6.5 + 1e-9);
    EXPECT_EQ(d.shots.fades[1].kind, FadeKind::in_from_black);
    EXPECT_GE(d.shots.fades[1].start_s, 6.5 - 1e-9);
    EXPECT_NEAR(d.shots.fades[1].end_s, 7.0, 2 * frame_s);
    ASSERT_EQ(d.shots.shots.size(), 6u);  // four cuts and the fade through black
    EXPECT_GT(d.shots.shots[0].keyframe_s, 0.3);  // not in the shot's first or last fifth
    EXPECT_LT(d.shots.shots[0].keyframe_s, 1.7);
}

TEST(VideoFixtures, TheDissolveIsFoundAndIsNoCut) {
    SKIP_WITHOUT_DECODER();
    const Decoded d = decode("h264_dissolve.mp4");
    ASSERT_TRUE(d.end) << d.end.message();
    ASSERT_EQ(d.shots.fades.size(), 1u);
    EXPECT_EQ(d.shots.fades[0].kind, FadeKind::dissolve);
    EXPECT_NEAR(d.shots.fades[0].start_s, 2.0, 2.0 / 24);
    EXPECT_NEAR(d.shots.fades[0].end_s, 71.0 / 24, 2.0 / 24);
    ASSERT_EQ(d.shots.shots.size(), 3u);  // split in the dissolve and at the cut
}

TEST(VideoFixtures, PortraitClipIsTurnedUpright) {
    SKIP_WITHOUT_DECODER();
    const Decoded d = decode("h264_portrait_rotate90.mov", 128);
    ASSERT_TRUE(d.end) << d.end.message();
    EXPECT_EQ(d.info.rotation_deg, 90);
    EXPECT_EQ(d.info.width_px, 180);
    EXPECT_EQ(d.info.height_px, 320);
    ASSERT_FALSE(d.first_frames.empty());
    const VideoFrame& f = d.first_frames[0];
    EXPECT_EQ(f.width_px, 72);
    EXPECT_EQ(f.height_px, 128);
    // Coded: red left half, blue right half; upright (90° clockwise): red on top, blue below.
    const uint8_t* top = f.rgb.data() + (size_t(10) * size_t(f.width_px) + size_t(f.width_px / 2)) * 3;
    const uint8_t* bottom = f.rgb.data() + (size_t(f.height_px - 10) * size_t(f.width_px) + size_t(f.width_px / 2)) * 3;
    EXPECT_GT(top[0], 200);
    EXPECT_LT(top[2], 60);
    EXPECT_LT(bottom[0], 60);
    EXPECT_GT(bottom[2], 200);
}

TEST(VideoFixtures, FramesAreDownscaledWithTheirTimes) {
    SKIP_WITHOUT_DECODER();
    const Decoded d = decode("vp9_opus_cuts.webm", 160);
    ASSERT_TRUE(d.end) << d.end.message();
    EXPECT_EQ(d.n_frames, 180);
    ASSERT_EQ(d.first_frames.size(), 3u);
    EXPECT_EQ(d.first_frames[0].width_px, 160);
    EXPECT_EQ(d.first_frames[0].height_px, 90);
    EXPECT_NEAR(d.first_frames[0].time_s, 0.0, 1e-3);
    EXPECT_NEAR(d.first_frames[2].time_s, 2.0 / 30, 1e-3);
}

TEST(VideoFixtures, BadFilesGiveErrorsNamingTheFileAndTheProblem) {
    SKIP_WITHOUT_DECODER();
    struct Bad {
        const char* file;
        ErrorCode code;
        const char* says;
    };
    const Bad bad[] = {
        {"bad_empty.mp4", ErrorCode::empty, "empty file"},
        {"bad_not_video.mp4", ErrorCode::unsupported_format, "not a video file"},
        {"bad_audio_only.ogg", ErrorCode::unsupported_format, "has audio but no video stream"},
        {"no_such_file.mp4", ErrorCode::not_found, "no such file"},
    };
    for (const Bad& b : bad) {
        auto src = platform::open_video_file(video_path(b.file));
        ASSERT_FALSE(src) << b.file;
        EXPECT_EQ(src.status().code(), b.code) << src.status().message();
        EXPECT_NE(src.status().message().find(b.file), std::string::npos) << src.status().message();
        EXPECT_NE(src.status().message().find(b.says), std::string::npos) << src.status().message();
    }
    EXPECT_EQ(platform::open_video_file(video_path("hevc_aac_cut.mp4"), {.max_size_px = 8}).status().code(),
              ErrorCode::invalid_argument);
}

TEST(VideoFixtures, TruncatedClipGivesItsFramesThenAnError) {
    SKIP_WITHOUT_DECODER();
    const Decoded d = decode("bad_truncated_40pct.mp4");
    EXPECT_EQ(d.end.code(), ErrorCode::truncated) << d.end.message();
    EXPECT_NE(d.end.message().find("bad_truncated_40pct.mp4: truncated"), std::string::npos) << d.end.message();
    EXPECT_GT(d.n_frames, 24);         // frames before the cut-off came first ...
    EXPECT_LT(d.n_frames, 228 * 3 / 4);  // ... but not the whole clip
    EXPECT_EQ(n_matched({2.0}, d.shots.cuts, 1.0 / 24 + 1e-3), 1);
}

}  // namespace
}  // namespace cf
