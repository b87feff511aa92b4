// The shot detector's logic on frames made here: flat colours, textures, a pan, flashes, fades;
// and its bad-input policy (shot_detector.h, video_frame.h).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/common/json.h"
#include "core/io/json_reader.h"
#include "core/video/shot_detector.h"
#include "core/video/video_json.h"

namespace cf {
namespace {

constexpr int kW = 64, kH = 36;
constexpr double kFps = 25.0;

struct Rgb {
    int r, g, b;
};

// A textured picture: a base colour with a diagonal stripe pattern shifted by `offset_px` (a pan).
VideoFrame textured(Rgb c, double time_s, int offset_px = 0, double gain = 1.0, int stripe_level = 40) {
    VideoFrame f;
    f.width_px = kW;
    f.height_px = kH;
    f.time_s = time_s;
    f.rgb.resize(size_t(kW * kH * 3));
    for (int y = 0; y < kH; ++y)
        for (int x = 0; x < kW; ++x) {
            const int stripe = ((x + y + offset_px) / 6) % 2 ? stripe_level : -stripe_level;
            const int v[3] = {c.r + stripe, c.g + stripe, c.b + stripe};
            for (int ch = 0; ch < 3; ++ch)
                f.rgb[size_t((y * kW + x) * 3 + ch)] = uint8_t(std::clamp(int(std::lround(v[ch] * gain)), 0, 255));
        }
    return f;
}

/// Pushes `n` frames made by `make(frame_idx, time_s)`, numbering on from what was pushed before.
void push_frames(ShotDetector& d, int n, const std::function<VideoFrame(int, double)>& make) {
    for (int k = 0; k < n; ++k) {
        const int idx = d.n_frames();
        ASSERT_TRUE(d.push(make(idx, idx / kFps))) << "frame " << idx;
    }
}

std::vector<double> cut_times(const ShotAnalysis& a) {
    std::vector<double> t;
    for (const Cut& c : a.cuts) t.push_back(c.time_s);
    return t;
}

TEST(ShotDetector, FindsHardCutsBetweenShotsAtTheirFirstFrame) {
    ShotDetector d;
    const Rgb colours[] = {{200, 60, 60}, {60, 60, 200}, {80, 180, 80}, {200, 200, 90}};
    for (const Rgb& c : colours) push_frames(d, 50, [&](int, double t) { return textured(c, t); });
    Result<ShotAnalysis> r = d.finish();
    ASSERT_TRUE(r) << r.status().message();
    EXPECT_EQ(cut_times(*r), (std::vector<double>{2.0, 4.0, 6.0}));
    ASSERT_EQ(r->shots.size(), 4u);
    EXPECT_DOUBLE_EQ(r->shots[1].start_s, 2.0);
    EXPECT_DOUBLE_EQ(r->shots[3].end_s, 8.0);  // last frame + one frame step
    EXPECT_EQ(r->cuts[0].frame_idx, 50);
    EXPECT_NEAR(r->pace.cuts_per_min, 3 * 60.0 / 8.0, 1e-9);
}

TEST(ShotDetector, CutsBetweenSimilarColoursAreFoundByTheirLuma) {
    // Same colours, different layout: only the picture moves (a cut from one angle to another).
    ShotDetector d;
    push_frames(d, 40, [](int, double t) { return textured({120, 120, 120}, t, 0); });
    push_frames(d, 40, [](int, double t) { return textured({120, 120, 120}, t, 6); });
    Result<ShotAnalysis> r = d.finish();
    ASSERT_TRUE(r);
    EXPECT_EQ(cut_times(*r), (std::vector<double>{1.6}));
}

TEST(ShotDetector, AFlashOfOneToThreeFramesIsNotACut) {
    for (int flash_frames = 1; flash_frames <= 3; ++flash_frames) {
        ShotDetector d;
        push_frames(d, 60, [&](int idx, double t) {
            const bool flash = idx >= 30 && idx < 30 + flash_frames;
            return flash ? textured({250, 250, 250}, t) : textured({90, 60, 140}, t);
        });
        Result<ShotAnalysis> r = d.finish();
        ASSERT_TRUE(r);
        EXPECT_TRUE(r->cuts.empty()) << flash_frames << "-frame flash read as a cut at " << r->cuts[0].time_s;
    }
}

TEST(ShotDetector, FastMotionIsNotACutButRaisesMotion) {
    ShotDetector d;
    // 2 s of a fast pan (5 px a frame, stripes 12 px apart), then a hard cut to a still shot.
    push_frames(d, 50, [](int idx, double t) { return textured({150, 100, 60}, t, idx * 5); });
    push_frames(d, 50, [](int, double t) { return textured({40, 90, 200}, t); });
    Result<ShotAnalysis> r = d.finish();
    ASSERT_TRUE(r);
    EXPECT_EQ(cut_times(*r), (std::vector<double>{2.0}));
    ASSERT_EQ(r->shots.size(), 2u);
    EXPECT_GT(r->shots[0].motion, 0.2f);
    EXPECT_LT(r->shots[1].motion, 0.01f);
    ASSERT_EQ(r->pace.curve.size(), 4u);
    EXPECT_GT(r->pace.curve[0].pace, r->pace.curve[3].pace);
    EXPECT_EQ(r->pace.curve[2].n_cuts, 1);
}

TEST(ShotDetector, CutsBetweenShakenShotsAreFoundByTheirColours) {
    // A hard shake of a high-contrast picture: it jumps by up to half a stripe period every frame,
    // so the luma difference is as large within a shot as across the cut; the colours still change.
    auto shaken = [](Rgb c) {
        return [c](int idx, double t) { return textured(c, t, (idx * 7) % 12, 1.0, 110); };
    };
    ShotDetector d;
    push_frames(d, 40, shaken({128, 118, 110}));
    push_frames(d, 40, shaken({110, 128, 150}));
    push_frames(d, 40, shaken({128, 118, 110}));
    Result<ShotAnalysis> r = d.finish();
    ASSERT_TRUE(r);
    EXPECT_EQ(cut_times(*r), (std::vector<double>{1.6, 3.2}));
    EXPECT_GT(r->pace.motion, 0.3f);
}

TEST(ShotDetector, FadeOutToBlackAndInAgainIsAFadePairAndAShotBoundary) {
    ShotDetector d;
    push_frames(d, 40, [](int, double t) { return textured({200, 120, 60}, t); });                // 0.00–1.56
    push_frames(d, 12, [](int idx, double t) { return textured({200, 120, 60}, t, 0, 1.0 - (idx - 39) / 12.0); });  // ramp down
    push_frames(d, 4, [](int, double t) { return textured({0, 0, 0}, t, 0, 0.0); });              // black
    push_frames(d, 12, [](int idx, double t) { return textured({60, 140, 200}, t, 0, (idx - 55) / 12.0); });  // ramp up
    push_frames(d, 40, [](int, double t) { return textured({60, 140, 200}, t); });
    Result<ShotAnalysis> r = d.finish();
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->cuts.empty()) << "a cut at " << r->cuts[0].time_s;
    ASSERT_EQ(r->fades.size(), 2u);
    EXPECT_EQ(r->fades[0].kind, FadeKind::out_to_black);
    EXPECT_EQ(r->fades[1].kind, FadeKind::in_from_black);
    EXPECT_NEAR(r->fades[0].start_s, 39 / kFps, 1.01 / kFps);
    EXPECT_NEAR(r->fades[1].end_s, 67 / kFps, 1.01 / kFps);
    ASSERT_EQ(r->shots.size(), 2u);
    EXPECT_GT(r->shots[1].start_s, r->fades[0].end_s - 1e-9);
    EXPECT_LT(r->shots[1].start_s, r->fades[1].start_s + 1e-9);
}

// Pixel by pixel (1 - w)·a + w·b, as a dissolve (FFmpeg's xfade fade) makes it.
VideoFrame mix(const VideoFrame& a, const VideoFrame& b, double w, double time_s) {
    VideoFrame f = a;
    f.time_s = time_s;
    for (size_t i = 0; i < f.rgb.size(); ++i) f.rgb[i] = uint8_t(std::lround((1 - w) * a.rgb[i] + w * b.rgb[i]));
    return f;
}

TEST(ShotDetector, ADissolveIsFoundWithItsSpanAndSplitsTheShot) {
    ShotDetector d;
    const VideoFrame a = textured({200, 80, 40}, 0), b = textured({40, 120, 220}, 0, 6);
    push_frames(d, 50, [&](int, double t) { return mix(a, b, 0, t); });                   // 0..49: a
    push_frames(d, 19, [&](int idx, double t) { return mix(a, b, (idx - 49) / 20.0, t); });  // 50..68: mixes
    push_frames(d, 50, [&](int, double t) { return mix(a, b, 1, t); });                    // 69..: b
    Result<ShotAnalysis> r = d.finish();
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->cuts.empty()) << "a cut at " << r->cuts[0].time_s;
    ASSERT_EQ(r->fades.size(), 1u);
    EXPECT_EQ(r->fades[0].kind, FadeKind::dissolve);
    EXPECT_NEAR(r->fades[0].first_frame_idx, 49, 1);
    EXPECT_NEAR(r->fades[0].last_frame_idx, 69, 1);
    ASSERT_EQ(r->shots.size(), 2u);
    EXPECT_NEAR(r->shots[1].first_frame_idx, 59, 2);
}

TEST(ShotDetector, AnExposureChangeOrASlowPanIsNoDissolve) {
    ShotDetector d;
    push_frames(d, 30, [](int, double t) { return textured({180, 140, 100}, t); });
    push_frames(d, 24, [](int idx, double t) { return textured({180, 140, 100}, t, 0, 1.0 - 0.5 * (idx - 29) / 24.0); });
    push_frames(d, 30, [](int, double t) { return textured({180, 140, 100}, t, 0, 0.5); });
    push_frames(d, 60, [](int idx, double t) { return textured({180, 140, 100}, t, idx / 4, 0.5); });  // 1 px every 4 frames
    Result<ShotAnalysis> r = d.finish();
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->fades.empty()) << fade_kind_name(r->fades[0].kind) << " at " << r->fades[0].start_s;
    EXPECT_TRUE(r->cuts.empty());
}

TEST(ShotDetector, KeyframeIsInTheMiddleOfItsShotAndAvoidsBlur) {
    ShotDetector d;
    // One 50-frame shot; frame 25 is the only sharp one among flat (blurred) frames.
    push_frames(d, 50, [](int idx, double t) {
        VideoFrame f = textured({100, 100, 100}, t);
        if (idx != 25)
            for (size_t i = 0; i < f.rgb.size(); ++i) f.rgb[i] = uint8_t(100 + (i % 7 == 0));
        return f;
    });
    Result<ShotAnalysis> r = d.finish();
    ASSERT_TRUE(r);
    ASSERT_EQ(r->shots.size(), 1u);
    EXPECT_EQ(r->shots[0].keyframe_idx, 25);
    EXPECT_DOUBLE_EQ(r->shots[0].keyframe_s, 1.0);
}

TEST(ShotDetector, FinishMidStreamReadsTheClipSoFarAndPushGoesOn) {
    ShotDetector d;
    push_frames(d, 50, [](int, double t) { return textured({200, 60, 60}, t); });
    push_frames(d, 50, [](int, double t) { return textured({60, 60, 200}, t); });
    Result<ShotAnalysis> so_far = d.finish();
    ASSERT_TRUE(so_far);
    EXPECT_EQ(cut_times(*so_far), (std::vector<double>{2.0}));
    EXPECT_DOUBLE_EQ(so_far->duration_s, 4.0);
    push_frames(d, 50, [](int, double t) { return textured({80, 180, 80}, t); });
    Result<ShotAnalysis> all = d.finish();
    ASSERT_TRUE(all);
    EXPECT_EQ(cut_times(*all), (std::vector<double>{2.0, 4.0}));
    EXPECT_EQ(all->n_frames, 150);
}

TEST(ShotDetector, BadFramesAreRefusedWithTheProblemNamed) {
    ShotDetector d;
    VideoFrame f = textured({100, 100, 100}, 0.0);
    f.width_px = 0;
    Status s = d.push(f);
    EXPECT_EQ(s.code(), ErrorCode::invalid_argument);
    EXPECT_NE(s.message().find("frame 0: frame size 0x36 is empty"), std::string::npos) << s.message();
    f = textured({100, 100, 100}, 0.0);
    f.rgb.pop_back();
    EXPECT_NE(d.push(f).message().find("bytes"), std::string::npos);
    f = textured({100, 100, 100}, std::nan(""));
    EXPECT_NE(d.push(f).message().find("not a finite time"), std::string::npos);
    ASSERT_TRUE(d.push(textured({100, 100, 100}, 0.5)));
    s = d.push(textured({100, 100, 100}, 0.5));
    EXPECT_NE(s.message().find("frame 1: time 0.500 s is not after the previous frame's 0.500 s"), std::string::npos) << s.message();
    VideoFrame other = textured({100, 100, 100}, 1.0);
    other.width_px = 32;
    other.rgb.resize(size_t(32 * kH * 3));
    EXPECT_NE(d.push(other).message().find("differs from the first frame's 64x36"), std::string::npos);
    EXPECT_EQ(d.n_frames(), 1);  // nothing refused was kept
    Result<ShotAnalysis> r = d.finish(0.2);
    EXPECT_EQ(r.status().code(), ErrorCode::invalid_argument);
    EXPECT_NE(r.status().message().find("ends before the last frame"), std::string::npos);
}

TEST(ShotDetector, NoFramesAndBadOptionsAreErrors) {
    EXPECT_EQ(ShotDetector().finish().status().code(), ErrorCode::empty);
    ShotDetectorOptions o;
    o.min_fade_frames = 1;
    ShotDetector d(o);
    Status s = d.push(textured({1, 2, 3}, 0));
    EXPECT_EQ(s.code(), ErrorCode::invalid_argument);
    EXPECT_NE(s.message().find("min_fade_frames = 1 is outside 2..1000"), std::string::npos) << s.message();
    o = {};
    o.threshold_window_s = std::nan("");
    EXPECT_NE(o.validate().message().find("threshold_window_s"), std::string::npos);
    EXPECT_TRUE(ShotDetectorOptions().validate());
}

TEST(ShotDetector, JsonHasTheNamedMembers) {
    ShotDetector d;
    push_frames(d, 25, [](int, double t) { return textured({200, 60, 60}, t); });
    push_frames(d, 25, [](int, double t) { return textured({60, 60, 200}, t); });
    Result<ShotAnalysis> r = d.finish(2.0);
    ASSERT_TRUE(r);
    JsonWriter w;
    w.begin_object();
    write_shot_analysis_json(w, *r);
    w.end_object();
    const std::string text = w.take();
    Result<JsonValue> v = parse_json(text);
    ASSERT_TRUE(v) << text;
    EXPECT_NE(text.find("\"cuts_s\":[1.000]"), std::string::npos) << text;
    EXPECT_NE(text.find("\"shots\":[{\"start_s\":0.000,\"end_s\":1.000,"), std::string::npos) << text;
    EXPECT_NE(text.find("\"pace\":{\"cuts_per_min\":30.00,"), std::string::npos) << text;
}

}  // namespace
}  // namespace cf
