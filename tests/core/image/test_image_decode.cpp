// Image decoding: every format to the expected size and pixels, and the bad-input policy of image.h.
#include <gtest/gtest.h>

#include <cstring>

#include "core/image/image.h"
#include "core/image/image_ops.h"
#include "test_util.h"

namespace cf {
namespace {

std::string image_path(const std::string& file) { return test::test_data_dir() + "/image/" + file; }

std::vector<uint8_t> fixture(const std::string& file) {
    std::vector<uint8_t> bytes = test::read_bytes(image_path(file));
    EXPECT_FALSE(bytes.empty()) << "missing fixture " << image_path(file);
    return bytes;
}

// tests/data/image/README.md: 16×8, quadrants of 8×4: red | green over blue | yellow.
std::array<uint8_t, 3> pattern_pixel(int x, int y) {
    if (y < 4) return x < 8 ? std::array<uint8_t, 3>{255, 0, 0} : std::array<uint8_t, 3>{0, 255, 0};
    return x < 8 ? std::array<uint8_t, 3>{0, 0, 255} : std::array<uint8_t, 3>{255, 255, 0};
}

// Largest |decoded − expected| over all pixels and channels.
int max_pattern_error(const Image& img) {
    int worst = 0;
    for (int y = 0; y < img.height_px; ++y)
        for (int x = 0; x < img.width_px; ++x)
            for (int c = 0; c < 3; ++c) worst = std::max(worst, std::abs(int(img.pixel(x, y)[c]) - int(pattern_pixel(x, y)[size_t(c)])));
    return worst;
}

Image decode_ok(const std::string& file, ImageFormat expected_format) {
    const std::vector<uint8_t> bytes = fixture(file);
    Result<Image> img = decode_image(bytes, file);
    EXPECT_TRUE(img.is_ok()) << img.status().message();
    if (!img) return {};
    EXPECT_EQ(img->format, expected_format) << file;
    EXPECT_EQ(img->rgb.size(), img->n_pixels() * 3);
    return std::move(*img);
}

void expect_pattern(const std::string& file, ImageFormat format, int tolerance) {
    const Image img = decode_ok(file, format);
    ASSERT_EQ(img.width_px, 16) << file;
    ASSERT_EQ(img.height_px, 8) << file;
    EXPECT_LE(max_pattern_error(img), tolerance) << file;
    EXPECT_FALSE(img.had_alpha) << file;  // opaque (stb reports 4 channels for every GIF)
}

TEST(ImageDecode, LosslessFormatsAreExact) {
    expect_pattern("pattern.png", ImageFormat::png, 0);
    expect_pattern("pattern.gif", ImageFormat::gif, 0);
    expect_pattern("pattern.bmp", ImageFormat::bmp, 0);
}

TEST(ImageDecode, JpegBaselineAndProgressive) {
    // Quality 95 with 4:4:4 sampling: DCT ringing at the quadrant edges (one edge runs through the
    // middle of each 8×8 block row) stays within a few levels of saturated colours. Measured (stb,
    // scalar IDCT, native and WASM alike): at most 3 levels for both; 12 leaves room for other encoders.
    expect_pattern("pattern.jpg", ImageFormat::jpeg, 12);
    expect_pattern("pattern_progressive.jpg", ImageFormat::jpeg, 12);
    // Baseline and progressive encode the same coefficients: stb decodes them to the same pixels.
    const Image a = decode_ok("pattern.jpg", ImageFormat::jpeg), b = decode_ok("pattern_progressive.jpg", ImageFormat::jpeg);
    int worst = 0;
    for (size_t i = 0; i < a.rgb.size() && i < b.rgb.size(); ++i) worst = std::max(worst, std::abs(int(a.rgb[i]) - int(b.rgb[i])));
    EXPECT_LE(worst, 1);
}

TEST(ImageDecode, GreyscaleJpegBecomesGreyRgb) {
    const Image img = decode_ok("gray.jpg", ImageFormat::jpeg);
    ASSERT_EQ(img.width_px, 16);
    ASSERT_EQ(img.height_px, 8);
    for (int y = 0; y < 8; ++y)
        for (int x = 0; x < 16; ++x) {
            const uint8_t* p = img.pixel(x, y);
            EXPECT_EQ(p[0], p[1]);
            EXPECT_EQ(p[1], p[2]);
            // A ramp of 16 levels a column, quality 95: measured exact; 2 levels for DCT rounding.
            EXPECT_NEAR(int(p[0]), 16 * x, 2) << "x=" << x << " y=" << y;
        }
}

TEST(ImageDecode, WebpLosslessAndLossy) {
    if (!image_webp_supported()) GTEST_SKIP() << "built without libwebp (see cmake/CuefinderDeps.cmake)";
    expect_pattern("pattern_lossless.webp", ImageFormat::webp, 0);
    // Lossy WebP is 4:2:0 YUV: chroma is shared by 2×2 pixels, and this pattern has sharp colour
    // edges between saturated primaries. Quality 90 with sharp YUV: pixels 2+ px from an edge are
    // within 4 levels (measured), edge pixels are off by up to 135, so only the former are checked.
    const Image img = decode_ok("pattern_lossy.webp", ImageFormat::webp);
    ASSERT_EQ(img.width_px, 16);
    ASSERT_EQ(img.height_px, 8);
    for (auto [x, y] : {std::pair{2, 1}, {13, 1}, {2, 6}, {13, 6}})
        for (int c = 0; c < 3; ++c)
            EXPECT_NEAR(int(img.pixel(x, y)[c]), int(pattern_pixel(x, y)[size_t(c)]), 16) << "x=" << x << " y=" << y << " c=" << c;
}

TEST(ImageDecode, GifTakesTheFirstFrame) {
    const Image img = decode_ok("anim.gif", ImageFormat::gif);
    ASSERT_EQ(img.width_px, 4);
    ASSERT_EQ(img.height_px, 4);
    for (int y = 0; y < 4; ++y)
        for (int x = 0; x < 4; ++x) {
            EXPECT_EQ(img.pixel(x, y)[0], 255);
            EXPECT_EQ(img.pixel(x, y)[1], 0);
            EXPECT_EQ(img.pixel(x, y)[2], 0);
        }
}

TEST(ImageDecode, PngAlphaIsCompositedOnGrey) {
    const Image img = decode_ok("alpha.png", ImageFormat::png);
    ASSERT_EQ(img.width_px, 4);
    ASSERT_EQ(img.height_px, 1);
    EXPECT_TRUE(img.had_alpha);
    const uint8_t expected[4][3] = {
        {255, 0, 0},      // opaque red
        {128, 128, 128},  // fully transparent: the background
        {192, 192, 192},  // white at α=128: (255·128 + 128·127 + 127) / 255 = 192.2 → 192
        {0, 0, 0},        // opaque black
    };
    for (int x = 0; x < 4; ++x)
        for (int c = 0; c < 3; ++c) EXPECT_EQ(img.pixel(x, 0)[c], expected[x][c]) << "x=" << x << " c=" << c;
    EXPECT_FALSE(decode_ok("pattern.png", ImageFormat::png).had_alpha);
}

TEST(ImageDecode, Png16BitKeepsTheHighByte) {
    const Image img = decode_ok("rgb16.png", ImageFormat::png);
    ASSERT_EQ(img.width_px, 2);
    ASSERT_EQ(img.height_px, 1);
    // 16-bit samples (65535, 32896, 0), (4660, 256, 65280) → v >> 8.
    const uint8_t expected[2][3] = {{255, 128, 0}, {18, 1, 255}};
    for (int x = 0; x < 2; ++x)
        for (int c = 0; c < 3; ++c) EXPECT_EQ(img.pixel(x, 0)[c], expected[x][c]) << "x=" << x << " c=" << c;
}

TEST(ImageDecode, SniffsContentNotExtension) {
    const Image img = decode_ok("png_named.jpg", ImageFormat::png);
    EXPECT_EQ(max_pattern_error(img), 0);
    Result<Image> from_file = decode_image_file(image_path("png_named.jpg"));
    ASSERT_TRUE(from_file.is_ok()) << from_file.status().message();
    EXPECT_EQ(from_file->format, ImageFormat::png);
    ImageFormat f;
    EXPECT_FALSE(sniff_image_format(fixture("not_an_image.txt"), &f));
}

TEST(ImageDecode, EmptyAndNonImage) {
    Result<Image> empty = decode_image({}, "nothing.png");
    ASSERT_FALSE(empty.is_ok());
    EXPECT_EQ(empty.status().code(), ErrorCode::empty);
    EXPECT_NE(empty.status().message().find("nothing.png"), std::string::npos);

    Result<Image> text = decode_image(fixture("not_an_image.txt"), "notes.jpg");
    ASSERT_FALSE(text.is_ok());
    EXPECT_EQ(text.status().code(), ErrorCode::unsupported_format);
    EXPECT_NE(text.status().message().find("notes.jpg: not an image (JPEG/PNG/GIF/BMP/WebP)"), std::string::npos)
        << text.status().message();

    Result<Image> missing = decode_image_file(image_path("does_not_exist.png"));
    ASSERT_FALSE(missing.is_ok());
    EXPECT_EQ(missing.status().code(), ErrorCode::not_found);
}

TEST(ImageDecode, HugeHeaderIsRefusedBeforeDecoding) {
    // 100000 × 100000 px: 30 GB of RGB if anyone believed it. (Under ASan an attempted allocation
    // of that size would abort the test, so passing also shows nothing was allocated.)
    Result<Image> img = decode_image(fixture("huge_header.png"), "huge.png");
    ASSERT_FALSE(img.is_ok());
    EXPECT_EQ(img.status().code(), ErrorCode::too_large);
    EXPECT_NE(img.status().message().find("100000x100000"), std::string::npos) << img.status().message();

    // 9000 × 9000 = 81 MP: each side is fine, the pixel count is over the 64 MP default.
    std::vector<uint8_t> bytes = fixture("huge_header.png");
    const uint8_t side[4] = {0, 0, 0x23, 0x28};  // 9000 big-endian (the CRC goes stale: checked after the budget)
    std::memcpy(&bytes[16], side, 4);
    std::memcpy(&bytes[20], side, 4);
    Result<Image> big = decode_image(bytes, "big.png");
    ASSERT_FALSE(big.is_ok());
    EXPECT_EQ(big.status().code(), ErrorCode::too_large) << big.status().message();

    // Caller limits: pixels and bytes.
    ImageLimits small;
    small.max_pixels = 100;  // pattern.png has 128
    Result<Image> r = decode_image(fixture("pattern.png"), "pattern.png", small);
    ASSERT_FALSE(r.is_ok());
    EXPECT_EQ(r.status().code(), ErrorCode::too_large);
    ImageLimits tiny;
    tiny.max_bytes = 10;
    r = decode_image(fixture("pattern.png"), "pattern.png", tiny);
    ASSERT_FALSE(r.is_ok());
    EXPECT_EQ(r.status().code(), ErrorCode::too_large);
    r = decode_image_file(image_path("pattern.png"), tiny);
    ASSERT_FALSE(r.is_ok());
    EXPECT_EQ(r.status().code(), ErrorCode::too_large);
}

const char* const kFixtures[] = {"pattern.png", "pattern.jpg", "pattern_progressive.jpg", "gray.jpg", "pattern.gif",
                                 "anim.gif", "pattern.bmp", "pattern_lossless.webp", "pattern_lossy.webp",
                                 "alpha.png", "rgb16.png"};

TEST(ImageDecode, EveryTruncationFailsCleanly) {
    for (const char* file : kFixtures) {
        const std::string f = file;
        if (f.ends_with(".webp") && !image_webp_supported()) continue;
        const std::vector<uint8_t> bytes = fixture(f);
        // Every prefix, from 1 byte to all but the last byte. GIF is the one format that may decode
        // from a prefix: once the first frame is complete the rest of the file is not needed.
        for (size_t n = 1; n < bytes.size(); ++n) {
            Result<Image> img = decode_image(std::span(bytes.data(), n), f);
            if (img.is_ok()) {
                EXPECT_TRUE(f.ends_with(".gif")) << f << " cut to " << n << " bytes decoded";
                continue;
            }
            const ErrorCode code = img.status().code();
            const bool short_prefix = n < 12;  // "B", "RI", ...: too short to know it was an image
            EXPECT_TRUE(code == ErrorCode::truncated || (short_prefix && code == ErrorCode::unsupported_format))
                << f << " cut to " << n << " bytes: " << img.status().message();
            EXPECT_EQ(img.status().message().rfind(f + ":", 0), 0u) << img.status().message();
        }
    }
}

TEST(ImageDecode, TruncationSaysSoAndWhere) {
    for (const char* file : {"pattern.png", "pattern.jpg", "pattern.gif", "pattern.bmp", "pattern_lossy.webp"}) {
        const std::string f = file;
        if (f.ends_with(".webp") && !image_webp_supported()) continue;
        const std::vector<uint8_t> bytes = fixture(f);
        Result<Image> img = decode_image(std::span(bytes.data(), bytes.size() * 2 / 3), f);
        ASSERT_FALSE(img.is_ok()) << f;
        EXPECT_EQ(img.status().code(), ErrorCode::truncated) << img.status().message();
        EXPECT_NE(img.status().message().find(f + ": truncated "), std::string::npos) << img.status().message();
    }
}

TEST(ImageDecode, CorruptedMiddleFailsCleanly) {
    // PNG: the damaged chunk fails its CRC.
    {
        std::vector<uint8_t> bytes = fixture("pattern.png");
        bytes[bytes.size() / 2] ^= 0x5A;
        Result<Image> img = decode_image(bytes, "pattern.png");
        ASSERT_FALSE(img.is_ok());
        EXPECT_EQ(img.status().code(), ErrorCode::corrupt);
        EXPECT_NE(img.status().message().find("CRC"), std::string::npos) << img.status().message();
    }
    // Every format: overwrite 1..8 bytes around the middle with each of a few values; no crash, and an
    // error is always corrupt or truncated (damaged compressed data may also decode to other pixels).
    for (const char* file : kFixtures) {
        const std::string f = file;
        if (f.ends_with(".webp") && !image_webp_supported()) continue;
        const std::vector<uint8_t> original = fixture(f);
        for (size_t len : {1, 3, 8})
            for (uint8_t value : {0x00, 0xFF, 0x5A, 0xD9}) {
                std::vector<uint8_t> bytes = original;
                for (size_t i = 0; i < len && bytes.size() / 2 + i < bytes.size(); ++i) bytes[bytes.size() / 2 + i] = value;
                Result<Image> img = decode_image(bytes, f);
                if (img.is_ok()) continue;
                const ErrorCode code = img.status().code();
                EXPECT_TRUE(code == ErrorCode::corrupt || code == ErrorCode::truncated) << f << ": " << img.status().message();
            }
    }
    // A JPEG whose frame header is broken (SOF0 claims 0 × 0).
    std::vector<uint8_t> jpeg = fixture("pattern.jpg");
    for (size_t i = 2; i + 9 < jpeg.size(); ++i)
        if (jpeg[i] == 0xFF && jpeg[i + 1] == 0xC0) {
            std::memset(&jpeg[i + 5], 0, 4);  // height, width
            break;
        }
    Result<Image> img = decode_image(jpeg, "zero.jpg");
    ASSERT_FALSE(img.is_ok());
    EXPECT_EQ(img.status().code(), ErrorCode::corrupt) << img.status().message();
}

}  // namespace
}  // namespace cf

// ---- EXIF orientation ----------------------------------------------------------------------------
namespace cf {
namespace {

// An APP1 "Exif" segment with IFD0 holding one entry: tag 0x0112 (orientation), SHORT, count 1.
std::vector<uint8_t> exif_app1(int orientation, bool little_endian, uint16_t type = 3) {
    std::vector<uint8_t> tiff;
    auto u16 = [&](uint32_t v) {
        if (little_endian) tiff.insert(tiff.end(), {uint8_t(v), uint8_t(v >> 8)});
        else tiff.insert(tiff.end(), {uint8_t(v >> 8), uint8_t(v)});
    };
    auto u32 = [&](uint32_t v) {
        if (little_endian) tiff.insert(tiff.end(), {uint8_t(v), uint8_t(v >> 8), uint8_t(v >> 16), uint8_t(v >> 24)});
        else tiff.insert(tiff.end(), {uint8_t(v >> 24), uint8_t(v >> 16), uint8_t(v >> 8), uint8_t(v)});
    };
    tiff.insert(tiff.end(), little_endian ? std::initializer_list<uint8_t>{'I', 'I'} : std::initializer_list<uint8_t>{'M', 'M'});
    u16(42);
    u32(8);       // IFD0 right after the header
    u16(2);       // two entries: one other tag, then the orientation
    u16(0x010F);  // Make, ASCII, 4 bytes inline
    u16(2);
    u32(4);
    u32(0);
    u16(0x0112);
    u16(type);
    u32(1);
    u16(uint32_t(orientation));
    u16(0);
    u32(0);  // no next IFD
    std::vector<uint8_t> seg = {0xFF, 0xE1, 0, 0, 'E', 'x', 'i', 'f', 0, 0};
    seg.insert(seg.end(), tiff.begin(), tiff.end());
    const size_t len = seg.size() - 2;
    seg[2] = uint8_t(len >> 8), seg[3] = uint8_t(len);
    return seg;
}

std::vector<uint8_t> with_exif(std::vector<uint8_t> jpeg, const std::vector<uint8_t>& app1) {
    jpeg.insert(jpeg.begin() + 2, app1.begin(), app1.end());  // right after SOI
    return jpeg;
}

Image small(int w, int h) {
    Image img;
    img.width_px = w;
    img.height_px = h;
    img.rgb.resize(img.n_pixels() * 3);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) img.pixel(x, y)[0] = uint8_t(10 * y + x), img.pixel(x, y)[1] = 0, img.pixel(x, y)[2] = 0;
    return img;
}

}  // namespace

TEST(ImageExif, OrientationIsReadFromBothByteOrders) {
    const std::vector<uint8_t> jpeg = fixture("pattern.jpg");
    EXPECT_EQ(jpeg_exif_orientation(jpeg), 1) << "no EXIF";
    for (int o = 1; o <= 8; ++o) {
        EXPECT_EQ(jpeg_exif_orientation(with_exif(jpeg, exif_app1(o, true))), o);
        EXPECT_EQ(jpeg_exif_orientation(with_exif(jpeg, exif_app1(o, false))), o);
    }
    // Malformed: out-of-range value, wrong type, truncated segment, garbage — all read as 1 (upright).
    EXPECT_EQ(jpeg_exif_orientation(with_exif(jpeg, exif_app1(9, true))), 1);
    EXPECT_EQ(jpeg_exif_orientation(with_exif(jpeg, exif_app1(6, true, 4))), 1);
    std::vector<uint8_t> app1 = exif_app1(6, true);
    for (size_t cut = 0; cut < app1.size(); ++cut) {
        std::vector<uint8_t> b = {0xFF, 0xD8};
        b.insert(b.end(), app1.begin(), app1.begin() + ptrdiff_t(cut));
        EXPECT_EQ(jpeg_exif_orientation(b), 1) << "cut at " << cut;
    }
    std::vector<uint8_t> bad = app1;
    bad[14] = 0xFF;  // IFD0 offset far past the end
    EXPECT_EQ(jpeg_exif_orientation(with_exif(jpeg, bad)), 1);
}

// A TIFF block whose bytes 11–12 hold an entry count of 1 and bytes 13–24 an orientation entry (6),
// with IFD0 at `ifd`. At 11 it is a well-formed block. At 0xFFFFFFFF, `ifd + 2 > size` wraps to
// `1 > size` with a 32-bit size_t (wasm32): the old reader took the byte before the block and 'I'/'M'
// as the count, found entry 1 at byte 13 and said 6. A correct reader says 1 (upright) everywhere;
// the WebAssembly run of this suite is the one that catches the wrap.
std::vector<uint8_t> exif_app1_ifd_at(uint32_t ifd, bool little_endian) {
    std::vector<uint8_t> tiff = little_endian ? std::vector<uint8_t>{'I', 'I', 42, 0} : std::vector<uint8_t>{'M', 'M', 0, 42};
    const auto put32 = [&](uint32_t v) {
        for (int k = 0; k < 4; ++k) tiff.push_back(uint8_t(little_endian ? v >> (8 * k) : v >> (24 - 8 * k)));
    };
    put32(ifd);
    tiff.insert(tiff.end(), {0, 0, 0});
    tiff.insert(tiff.end(), little_endian ? std::initializer_list<uint8_t>{1, 0} : std::initializer_list<uint8_t>{0, 1});
    tiff.insert(tiff.end(), little_endian ? std::initializer_list<uint8_t>{0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0}
                                          : std::initializer_list<uint8_t>{0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0});
    std::vector<uint8_t> seg = {0xFF, 0xE1, 0, uint8_t(2 + 6 + tiff.size()), 'E', 'x', 'i', 'f', 0, 0};
    seg.insert(seg.end(), tiff.begin(), tiff.end());
    return seg;
}

TEST(ImageExif, OffsetsNear4GiBDoNotWrap) {
    const std::vector<uint8_t> jpeg = fixture("pattern.jpg");
    for (bool le : {true, false}) {
        SCOPED_TRACE(le ? "II" : "MM");
        ASSERT_EQ(jpeg_exif_orientation(with_exif(jpeg, exif_app1_ifd_at(11, le))), 6) << "the block is well formed";
        const std::vector<uint8_t> b = with_exif(jpeg, exif_app1_ifd_at(0xFFFFFFFFu, le));
        EXPECT_EQ(jpeg_exif_orientation(b), 1);
        auto img = decode_image(b, "wrap.jpg");
        ASSERT_TRUE(img.is_ok()) << img.status().message();
        EXPECT_EQ(img->exif_orientation, 1);
        EXPECT_EQ(img->width_px, 16) << "not turned";
        // Every offset in the last 64 below 2^32: never read out of bounds (ASan natively), always upright.
        for (uint32_t back = 0; back < 64; ++back)
            EXPECT_EQ(jpeg_exif_orientation(with_exif(jpeg, exif_app1_ifd_at(0xFFFFFFFFu - back, le))), 1) << "IFD0 at 2^32-1-" << back;
    }
}

TEST(ImageExif, EveryOrientationTurnsThePictureUpright) {
    const Image img = small(3, 2);  // value 10·y + x
    auto at = [](const Image& i, int x, int y) { return int(i.pixel(x, y)[0]); };
    const Image r6 = apply_exif_orientation(img, 6);  // rotate 90° clockwise
    ASSERT_EQ(r6.width_px, 2);
    ASSERT_EQ(r6.height_px, 3);
    EXPECT_EQ(at(r6, 0, 0), 10);  // the stored bottom-left is shown top-left
    EXPECT_EQ(at(r6, 1, 0), 0);   // the stored top-left is shown top-right
    EXPECT_EQ(at(r6, 1, 2), 2);
    const Image r8 = apply_exif_orientation(img, 8);  // rotate 90° counter-clockwise
    EXPECT_EQ(at(r8, 0, 0), 2);                       // the stored top-right is shown top-left
    EXPECT_EQ(at(apply_exif_orientation(img, 2), 0, 0), 2);
    EXPECT_EQ(at(apply_exif_orientation(img, 3), 0, 0), 12);
    EXPECT_EQ(at(apply_exif_orientation(img, 4), 0, 0), 10);
    EXPECT_EQ(at(apply_exif_orientation(img, 5), 1, 0), 10);
    EXPECT_EQ(at(apply_exif_orientation(img, 7), 0, 0), 12);
    // Inverses: 6 then 8, and 2, 3, 4, 5, 7 twice, give the picture back.
    auto same = [&](const Image& a) { return a.width_px == img.width_px && a.height_px == img.height_px && a.rgb == img.rgb; };
    EXPECT_TRUE(same(apply_exif_orientation(r6, 8)));
    for (int o : {2, 3, 4, 5, 7}) EXPECT_TRUE(same(apply_exif_orientation(apply_exif_orientation(img, o), o))) << o;
    EXPECT_TRUE(same(apply_exif_orientation(img, 1)));
    EXPECT_TRUE(same(apply_exif_orientation(img, 0)));
}

TEST(ImageExif, DecodeAppliesTheOrientation) {
    const std::vector<uint8_t> jpeg = fixture("pattern.jpg");
    auto plain = decode_image(jpeg, "pattern.jpg");
    ASSERT_TRUE(plain.is_ok());
    EXPECT_EQ(plain->exif_orientation, 1);
    auto turned = decode_image(with_exif(jpeg, exif_app1(6, false)), "phone.jpg");
    ASSERT_TRUE(turned.is_ok()) << turned.status().message();
    EXPECT_EQ(turned->exif_orientation, 6);
    ASSERT_EQ(turned->width_px, plain->height_px);
    ASSERT_EQ(turned->height_px, plain->width_px);
    const Image expect = apply_exif_orientation(*plain, 6);
    EXPECT_EQ(turned->rgb, expect.rgb) << "the same pixels, turned";
}

}  // namespace cf
