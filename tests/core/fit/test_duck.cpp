// Ducking: a gain curve applied to every channel of each frame alike, at the frame's time; bad gains
// and shapes named; a clip without audio leaves the music alone.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "core/fit/duck.h"

namespace cf {
namespace {

TEST(FitDuck, GainAtEachFramesTimeOnEveryChannel) {
    std::vector<float> x(3 * 1000, 0.5f);  // 1000 frames of 3 channels at 1000 Hz: 1 s
    auto st = apply_gain_curve(x, 3, 1000, [](double t) { return t < 0.5 ? 1.0f : 0.25f; });
    ASSERT_TRUE(st) << st.message();
    EXPECT_FLOAT_EQ(x[3 * 499 + 2], 0.5f);
    for (int c = 0; c < 3; ++c) EXPECT_FLOAT_EQ(x[3 * 500 + size_t(c)], 0.125f) << "channel " << c;
    EXPECT_FLOAT_EQ(x.back(), 0.125f);
}

TEST(FitDuck, BadShapesAndGainsAreNamed) {
    std::vector<float> x(10, 1.0f);
    auto one = [](double) { return 1.0f; };
    EXPECT_NE(apply_gain_curve(x, 3, 1000, one).message().find("not whole frames of 3 channels"), std::string::npos);
    EXPECT_NE(apply_gain_curve(x, 0, 1000, one).message().find("0 channels"), std::string::npos);
    EXPECT_NE(apply_gain_curve(x, 2, 10, one).message().find("rate 10 Hz"), std::string::npos);
    auto st = apply_gain_curve(x, 2, 1000, [](double t) { return t > 0.002 ? -1.0f : 1.0f; });
    EXPECT_NE(st.message().find("gain -1 at 0.003 s"), std::string::npos) << st.message();
}

TEST(FitDuck, ClipWithoutAudioLeavesTheMusicAlone) {
    std::vector<float> x(200, 0.5f);
    ClipSound silent;
    silent.keep = {{0.0, 1.0}};  // has_audio false: nothing to keep in front
    ASSERT_TRUE(duck_under_clip(x, 2, 1000, silent));
    for (float v : x) ASSERT_FLOAT_EQ(v, 0.5f);
}

TEST(FitDuck, MusicSitsUnderTheKeptSound) {
    std::vector<float> x(2 * 4000, 1.0f);  // 4 s of stereo at 1000 Hz
    ClipSound s;
    s.has_audio = true;
    s.keep = {{1.0, 2.0}};
    s.duck_db = -12;
    ASSERT_TRUE(duck_under_clip(x, 2, 1000, s));
    EXPECT_FLOAT_EQ(x[2 * 500], 1.0f) << "before the attack ramp";
    EXPECT_NEAR(x[2 * 1500], std::pow(10.0, -12.0 / 20), 1e-4) << "inside the kept stretch";
    EXPECT_NEAR(x[2 * 1500 + 1], std::pow(10.0, -12.0 / 20), 1e-4) << "both channels";
    EXPECT_GT(x[2 * 2200], x[2 * 1500]) << "releasing";
    EXPECT_FLOAT_EQ(x[2 * 3500], 1.0f) << "after the release";
    for (size_t i = 1; i < 4000; ++i) ASSERT_LT(std::fabs(x[2 * i] - x[2 * i - 2]), 0.01f) << "ramps, no step, at frame " << i;
}

}  // namespace
}  // namespace cf
