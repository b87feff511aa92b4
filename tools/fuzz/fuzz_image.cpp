// libFuzzer entry for picture decoding through the core's API (core/image/image.h): the input is the
// file. Built twice by tools/fuzz/CMakeLists.txt:
//   fuzz_image        sniffs the format as decode_image does (JPEG, PNG, GIF, BMP through stb_image and
//                     our structure checks; WebP through libwebp)
//   fuzz_image_webp   stamps "RIFF" and "WEBP" over bytes 0–3 and 8–11 first (CF_FUZZ_WEBP), so every
//                     input reaches libwebp and the WebP header checks, whatever the mutation did
// A decoded picture must be as image.h promises (size within the limits, 3 bytes a pixel, an EXIF
// orientation of 1..8); it then goes through the model's crop + resize and the colour statistics.
// Errors are fine; crashes, sanitizer reports, leaks, hangs and broken promises (abort) are bugs.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "core/image/colour.h"
#include "core/image/image.h"
#include "core/image/image_ops.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::vector<uint8_t> bytes(data, data + size);
#ifdef CF_FUZZ_WEBP
    if (bytes.size() >= 12) {
        std::memcpy(bytes.data(), "RIFF", 4);
        std::memcpy(bytes.data() + 8, "WEBP", 4);
    }
#endif
    cf::ImageLimits limits;
    limits.max_pixels = 1 << 22;  // 4 MP: big enough for every code path, small enough for ASan's memory
    limits.max_side_px = 1 << 14;
    cf::Result<cf::Image> img = cf::decode_image(bytes, "fuzz", limits);
    if (!img) {
        if (img.status().message().rfind("fuzz: ", 0) != 0) std::abort();  // every message names the input
        return 0;
    }
    const cf::Image& pic = *img;
    if (pic.width_px <= 0 || pic.height_px <= 0 || pic.width_px > limits.max_side_px || pic.height_px > limits.max_side_px)
        std::abort();
    if (int64_t(pic.n_pixels()) > limits.max_pixels || pic.rgb.size() != pic.n_pixels() * 3) std::abort();
    if (pic.exif_orientation < 1 || pic.exif_orientation > 8) std::abort();
    const cf::Image square = cf::to_model_input(pic, 16);
    if (square.width_px != 16 || square.height_px != 16 || square.rgb.size() != 16 * 16 * 3) std::abort();
    (void)cf::colour_stats(square);
    return 0;
}
