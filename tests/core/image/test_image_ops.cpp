// Centre crop, resize and float conversion on synthetic images with known answers.
#include <gtest/gtest.h>

#include "core/image/image_ops.h"

namespace cf {
namespace {

// Pixel (x, y) = (x, y, 7) so a crop's offsets can be read back.
Image coordinate_image(int w, int h) {
    Image img;
    img.width_px = w;
    img.height_px = h;
    img.rgb.resize(img.n_pixels() * 3);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            uint8_t* p = img.pixel(x, y);
            p[0] = uint8_t(x); p[1] = uint8_t(y); p[2] = 7;
        }
    return img;
}

Image grey_image(int w, int h, const std::vector<uint8_t>& values) {  // row-major, one value a pixel
    Image img;
    img.width_px = w;
    img.height_px = h;
    for (uint8_t v : values) img.rgb.insert(img.rgb.end(), {v, v, v});
    return img;
}

TEST(ImageOps, CentreCropSquare) {
    const Image wide = centre_crop_square(coordinate_image(8, 4));  // offset x (8 − 4) / 2 = 2
    ASSERT_EQ(wide.width_px, 4);
    ASSERT_EQ(wide.height_px, 4);
    for (int y = 0; y < 4; ++y)
        for (int x = 0; x < 4; ++x) {
            EXPECT_EQ(wide.pixel(x, y)[0], x + 2);
            EXPECT_EQ(wide.pixel(x, y)[1], y);
        }
    const Image tall = centre_crop_square(coordinate_image(3, 8));  // offset y (8 − 3) / 2 = 2 (rounded down)
    ASSERT_EQ(tall.width_px, 3);
    ASSERT_EQ(tall.height_px, 3);
    EXPECT_EQ(tall.pixel(0, 0)[1], 2);
    EXPECT_EQ(tall.pixel(2, 2)[0], 2);
    EXPECT_EQ(tall.pixel(2, 2)[1], 4);
    const Image square = coordinate_image(5, 5);
    EXPECT_EQ(centre_crop_square(square).rgb, square.rgb);
}

TEST(ImageOps, HalvingAveragesEach2x2Block) {
    // 4×4 → 2×2: each output is the mean of its 2×2 block.
    const Image in = grey_image(4, 4, {10, 20, 100, 100,  //
                                       30, 40, 100, 100,  //
                                       0, 0, 1, 3,        //
                                       255, 255, 5, 7});
    const Image out = resize_image(in, 2, 2);
    ASSERT_EQ(out.width_px, 2);
    ASSERT_EQ(out.height_px, 2);
    EXPECT_EQ(out.pixel(0, 0)[0], 25);   // (10 + 20 + 30 + 40) / 4
    EXPECT_EQ(out.pixel(1, 0)[0], 100);
    EXPECT_EQ(out.pixel(0, 1)[0], 128);  // 127.5 rounds up
    EXPECT_EQ(out.pixel(1, 1)[0], 4);    // (1 + 3 + 5 + 7) / 4
    EXPECT_EQ(out.pixel(1, 1)[2], 4);
}

TEST(ImageOps, FractionalAreaWeights) {
    // 3 → 2 columns: output 0 covers source [0, 1.5), output 1 covers [1.5, 3):
    //   (30·1 + 60·0.5) / 1.5 = 40,  (60·0.5 + 90·1) / 1.5 = 80.
    const Image out = resize_image(grey_image(3, 1, {30, 60, 90}), 2, 1);
    EXPECT_EQ(out.pixel(0, 0)[0], 40);
    EXPECT_EQ(out.pixel(1, 0)[0], 80);
}

TEST(ImageOps, BilinearUpscaleWithAlignedCentres) {
    // 2 → 4 columns: source positions (i + 0.5) / 2 − 0.5 = −0.25 (clamped to 0), 0.25, 0.75, 1.25 (→ 1).
    const Image out = resize_image(grey_image(2, 1, {0, 100}), 4, 1);
    EXPECT_EQ(out.pixel(0, 0)[0], 0);
    EXPECT_EQ(out.pixel(1, 0)[0], 25);
    EXPECT_EQ(out.pixel(2, 0)[0], 75);
    EXPECT_EQ(out.pixel(3, 0)[0], 100);
}

TEST(ImageOps, ConstantImageStaysConstantAtAnySize) {
    Image in;
    in.width_px = 37;
    in.height_px = 23;
    for (size_t i = 0; i < in.n_pixels(); ++i) in.rgb.insert(in.rgb.end(), {77, 200, 3});
    for (auto [w, h] : {std::pair{224, 224}, {5, 3}, {37, 1}, {100, 23}, {1, 1}}) {
        const Image out = resize_image(in, w, h);
        ASSERT_EQ(out.rgb.size(), size_t(w) * size_t(h) * 3);
        for (size_t i = 0; i < out.n_pixels(); ++i) {
            ASSERT_EQ(out.rgb[i * 3], 77) << w << "x" << h;
            ASSERT_EQ(out.rgb[i * 3 + 1], 200) << w << "x" << h;
            ASSERT_EQ(out.rgb[i * 3 + 2], 3) << w << "x" << h;
        }
    }
}

TEST(ImageOps, ModelInputIs224Square) {
    // 672×448 with R = column / 4 and G = row / 2 (integer division): the crop keeps columns 112..559,
    // then halving averages columns 112 + 2x and 113 + 2x (same R) and rows 2y, 2y + 1 (G = y).
    Image in;
    in.width_px = 672;
    in.height_px = 448;
    in.rgb.resize(in.n_pixels() * 3);
    for (int y = 0; y < 448; ++y)
        for (int x = 0; x < 672; ++x) {
            uint8_t* p = in.pixel(x, y);
            p[0] = uint8_t(x / 4); p[1] = uint8_t(y / 2); p[2] = 0;
        }
    const Image out = to_model_input(in, 224);
    ASSERT_EQ(out.width_px, 224);
    ASSERT_EQ(out.height_px, 224);
    for (int y = 0; y < 224; y += 37)
        for (int x = 0; x < 224; x += 29) {
            EXPECT_EQ(out.pixel(x, y)[0], (112 + 2 * x) / 4) << x;
            EXPECT_EQ(out.pixel(x, y)[1], y) << y;
        }
}

TEST(ImageOps, FloatNormalisations) {
    const Image img = grey_image(2, 1, {0, 255});
    std::vector<float> unit = to_float_input(img);
    ASSERT_EQ(unit.size(), 6u);
    EXPECT_FLOAT_EQ(unit[0], 0.0f);
    EXPECT_FLOAT_EQ(unit[5], 1.0f);
    std::vector<float> sym = to_float_input(img, FloatNormalization::minus_one_to_one());
    EXPECT_FLOAT_EQ(sym[0], -1.0f);
    EXPECT_FLOAT_EQ(sym[3], 1.0f);
    std::vector<float> inet = to_float_input(img, FloatNormalization::imagenet());
    EXPECT_NEAR(inet[0], -0.485f / 0.229f, 1e-6);
    EXPECT_NEAR(inet[5], (1.0f - 0.406f) / 0.225f, 1e-6);

    // Layout: HWC interleaves channels, CHW stores planes.
    Image rgb;
    rgb.width_px = 2;
    rgb.height_px = 1;
    rgb.rgb = {0, 51, 102, 153, 204, 255};
    FloatNormalization chw;
    chw.channels_first = true;
    const std::vector<float> hwc = to_float_input(rgb), planes = to_float_input(rgb, chw);
    const float expect_hwc[6] = {0.0f, 0.2f, 0.4f, 0.6f, 0.8f, 1.0f};
    const float expect_chw[6] = {0.0f, 0.6f, 0.2f, 0.8f, 0.4f, 1.0f};
    for (int i = 0; i < 6; ++i) {
        EXPECT_NEAR(hwc[size_t(i)], expect_hwc[i], 1e-6);
        EXPECT_NEAR(planes[size_t(i)], expect_chw[i], 1e-6);
    }
}

}  // namespace
}  // namespace cf
