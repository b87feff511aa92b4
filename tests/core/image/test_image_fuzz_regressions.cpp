// Inputs that once broke tools/fuzz/fuzz_image*, fuzz_image_webp or fuzz_exif (tests/data/fuzz_regressions/,
// named after their target): each goes through the calls its target makes and must give a clear error
// or a picture that keeps image.h's promises. A crash or sanitizer report fails the run.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "core/image/image.h"
#include "test_util.h"

namespace cf {
namespace {

std::vector<std::filesystem::path> regressions_of(const std::string& target) {
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(test::test_data_dir() + "/fuzz_regressions"))
        if (entry.path().filename().string().rfind(target + "-", 0) == 0) files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    return files;
}

TEST(ImageFuzzRegressions, EveryPictureDecodesOrFailsClearly) {
    size_t n_files = 0;
    for (const std::string target : {"fuzz_image", "fuzz_image_webp", "fuzz_exif"}) {
        for (const auto& path : regressions_of(target)) {
            SCOPED_TRACE(path.filename().string());
            ++n_files;
            const std::vector<uint8_t> bytes = test::read_bytes(path.string());
            const int orientation = jpeg_exif_orientation(bytes);
            EXPECT_TRUE(orientation >= 1 && orientation <= 8) << orientation;
            auto img = decode_image(bytes, "regression");
            if (!img) {
                EXPECT_EQ(img.status().message().rfind("regression: ", 0), 0u) << img.status().message();
                continue;
            }
            EXPECT_EQ(img->rgb.size(), img->n_pixels() * 3);
        }
    }
    EXPECT_GE(n_files, 1u) << "tests/data/fuzz_regressions/ lost its picture inputs";
}

TEST(ImageFuzzRegressions, HuffmanTableOfMoreThan256CodesIsCorrupt) {
    // stb_image (Debian 2022-09) wrote past its 257-entry Huffman size table on
    // fuzz_image-stb-huffman-table-over-256-codes.jpg (whose scans now fail an earlier check). The same
    // bug in isolation: pattern.jpg with a DHT segment of 16 × 17 = 272 codes right after SOI.
    std::vector<uint8_t> jpeg = test::read_bytes(test::test_data_dir() + "/image/pattern.jpg");
    ASSERT_FALSE(jpeg.empty());
    std::vector<uint8_t> dht = {0xFF, 0xC4, 0x01, 0x23, 0x00};  // length 2 + 17 + 272 = 291, DC table 0
    dht.insert(dht.end(), 16, uint8_t(17));
    for (int i = 0; i < 272; ++i) dht.push_back(uint8_t(i));
    jpeg.insert(jpeg.begin() + 2, dht.begin(), dht.end());
    auto img = decode_image(jpeg, "dht.jpg");
    ASSERT_FALSE(img.is_ok());
    EXPECT_EQ(img.status().code(), ErrorCode::corrupt);
    EXPECT_EQ(img.status().message(), "dht.jpg: corrupt JPEG: Huffman table of 272 codes (at most 256) at byte 6");
    const auto found = test::read_bytes(test::test_data_dir() + "/fuzz_regressions/fuzz_image-stb-huffman-table-over-256-codes.jpg");
    auto regression = decode_image(found, "found.jpg");
    ASSERT_FALSE(regression.is_ok());
    EXPECT_EQ(regression.status().code(), ErrorCode::corrupt) << regression.status().message();
}

TEST(ImageFuzzRegressions, ScanWithAnUndefinedHuffmanTableIsCorrupt) {
    // stb_image (Debian 2022-09) decoded this progressive AC scan with an AC table the file never
    // defines, from uninitialised memory, and read far out of bounds.
    const auto bytes = test::read_bytes(test::test_data_dir() + "/fuzz_regressions/fuzz_image-stb-undefined-huffman-table.jpg");
    ASSERT_FALSE(bytes.empty());
    auto img = decode_image(bytes, "scan.jpg");
    ASSERT_FALSE(img.is_ok());
    EXPECT_EQ(img.status().code(), ErrorCode::corrupt);
    EXPECT_EQ(img.status().message(), "scan.jpg: corrupt JPEG: the scan at byte 226 uses Huffman table AC 1, which the file does not define before it");
}

}  // namespace
}  // namespace cf
