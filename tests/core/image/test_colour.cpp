// Colour statistics and the colour → valence/arousal/mood mapping on synthetic images.
#include <gtest/gtest.h>

#include <cstring>

#include "core/catalog/catalog.h"
#include "core/image/colour.h"

namespace cf {
namespace {

Image solid(int w, int h, uint8_t r, uint8_t g, uint8_t b) {
    Image img;
    img.width_px = w;
    img.height_px = h;
    for (size_t i = 0; i < img.n_pixels(); ++i) img.rgb.insert(img.rgb.end(), {r, g, b});
    return img;
}

TEST(Colour, GreyHasNoSaturationOrColourfulness) {
    const ColourStats s = colour_stats(solid(7, 5, 128, 128, 128));
    EXPECT_EQ(s.saturation, 0.0f);
    EXPECT_EQ(s.chroma, 0.0f);
    EXPECT_EQ(s.warmth, 0.0f);
    EXPECT_EQ(s.colourfulness, 0.0f);
    EXPECT_EQ(s.contrast, 0.0f);
    // sRGB 128 → linear 0.21586 → L* = 116 · 0.21586^(1/3) − 16 = 53.585.
    EXPECT_NEAR(s.brightness, 0.53585f, 1e-4);
    EXPECT_NEAR(colour_stats(solid(2, 2, 255, 255, 255)).brightness, 1.0f, 1e-5);
    EXPECT_EQ(colour_stats(solid(2, 2, 0, 0, 0)).brightness, 0.0f);
    EXPECT_EQ(colour_stats(solid(2, 2, 0, 0, 0)).saturation, 0.0f);  // black: HSV saturation defined as 0
    const ColourFeel f = colour_feel(s);
    EXPECT_NE(f.description.find("grey"), std::string::npos) << f.description;
}

TEST(Colour, BrightYellowIsWarmerAndBrighterThanDarkBlue) {
    const ColourStats yellow = colour_stats(solid(4, 4, 255, 255, 0));
    const ColourStats blue = colour_stats(solid(4, 4, 0, 0, 128));
    EXPECT_NEAR(yellow.brightness, 0.97138f, 1e-4);  // L* of sRGB yellow 97.14
    EXPECT_NEAR(blue.brightness, 0.12975f, 1e-4);    // L* of (0, 0, 128) 12.98
    EXPECT_FLOAT_EQ(yellow.warmth, 1.0f);
    EXPECT_NEAR(blue.warmth, -128.0f / 255.0f, 1e-6);
    EXPECT_FLOAT_EQ(yellow.saturation, 1.0f);
    EXPECT_FLOAT_EQ(blue.saturation, 1.0f);

    const ColourFeel fy = colour_feel(yellow), fb = colour_feel(blue);
    // Same saturation: Valdez & Mehrabian make the brighter picture more pleasant and less arousing;
    // yellow's warmth adds some arousal back, blue's coolness takes some away. With (b, s, w) =
    // (.97138, 1, 1) for yellow and (.12975, 1, −.50196) for blue:
    //   valence (.69 b + .22 s) / .91:               yellow .97830, blue .34014
    //   arousal (−.31 b + .60 s + .31) / .91 + .1 w: yellow .76909, blue .90560
    EXPECT_NEAR(fy.valence, 0.97830f, 1e-4);
    EXPECT_NEAR(fb.valence, 0.34014f, 1e-4);
    EXPECT_NEAR(fy.arousal, 0.76909f, 1e-4);
    EXPECT_NEAR(fb.arousal, 0.90560f, 1e-4);
    EXPECT_GT(fy.moods[0], fb.moods[0]);  // happier
    EXPECT_GT(fb.moods[1], fy.moods[1]);  // sadder
    EXPECT_EQ(fy.description.rfind("bright, warm, saturated", 0), 0u) << fy.description;
    EXPECT_EQ(fb.description.rfind("dark, cool, saturated", 0), 0u) << fb.description;
    EXPECT_NE(fy.explanation.find("pleasant"), std::string::npos) << fy.explanation;
}

TEST(Colour, HaslerSusstrunkColourfulnessByHand) {
    // Two pixels, red (255, 0, 0) and blue (0, 0, 255):
    //   rg = R − G:            255, 0        → μ 127.5,  σ 127.5
    //   yb = (R + G) / 2 − B:  127.5, −255   → μ −63.75, σ 191.25
    //   σ_rgyb = √(127.5² + 191.25²) = √52832.8125 = 229.8539
    //   μ_rgyb = √(127.5² + 63.75²)  = √20320.3125 = 142.5493
    //   M = 229.8539 + 0.3 · 142.5493 = 272.6187
    Image img;
    img.width_px = 2;
    img.height_px = 1;
    img.rgb = {255, 0, 0, 0, 0, 255};
    const ColourStats s = colour_stats(img);
    EXPECT_NEAR(s.colourfulness, 272.6187f, 1e-3);
    EXPECT_EQ(s.colourfulness_01, 1.0f);
    // A flat red: σ = 0, M = 0.3 · √(255² + 127.5²) = 85.5296.
    EXPECT_NEAR(colour_stats(solid(3, 3, 255, 0, 0)).colourfulness, 85.5296f, 1e-3);
    EXPECT_NEAR(colour_stats(solid(3, 3, 255, 0, 0)).colourfulness_01, 85.5296f / 109.0f, 1e-5);
}

TEST(Colour, ContrastIsLightnessSpread) {
    Image img;
    img.width_px = 2;
    img.height_px = 2;
    img.rgb = {0, 0, 0, 255, 255, 255, 0, 0, 0, 255, 255, 255};  // half black (L* 0), half white (L* 100)
    const ColourStats s = colour_stats(img);
    EXPECT_NEAR(s.brightness, 0.5f, 1e-5);
    EXPECT_NEAR(s.contrast, 0.5f, 1e-5);
    EXPECT_NE(colour_feel(s).description.find("high contrast"), std::string::npos);
}

TEST(Colour, MoodsFollowTheCatalogAndStayInRange) {
    ASSERT_EQ(kColourMoodNames.size(), kMoodNames.size());
    for (size_t i = 0; i < kMoodNames.size(); ++i) EXPECT_STREQ(kColourMoodNames[i], kMoodNames[i]);
    for (int r = 0; r < 256; r += 51)
        for (int g = 0; g < 256; g += 51)
            for (int b = 0; b < 256; b += 51) {
                const ColourFeel f = colour_feel(colour_stats(solid(1, 1, uint8_t(r), uint8_t(g), uint8_t(b))));
                for (float v : {f.valence, f.arousal, f.energy}) {
                    EXPECT_GE(v, 0.0f);
                    EXPECT_LE(v, 1.0f);
                }
                for (float m : f.moods) {
                    EXPECT_GE(m, 0.0f);
                    EXPECT_LE(m, 1.0f);
                }
                // Opposite quadrants of the circumplex add up to 1.
                EXPECT_NEAR(f.moods[0] + f.moods[1], 1.0f, 1e-6);  // happy + sad
                EXPECT_NEAR(f.moods[2] + f.moods[3], 1.0f, 1e-6);  // relaxed + aggressive
                EXPECT_FALSE(f.description.empty());
            }
}

TEST(Colour, EmptyImageGivesZeros) {
    const ColourStats s = colour_stats(Image{});
    EXPECT_EQ(s.brightness, 0.0f);
    EXPECT_EQ(s.colourfulness, 0.0f);
}

}  // namespace
}  // namespace cf
