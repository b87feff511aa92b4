// cuefinder core — still images: decoding JPEG, PNG, GIF (first frame), BMP and WebP to RGB8.
//
//   std::vector<uint8_t> bytes = ...;                        // a file, or a photo dropped in the browser
//   cf::Result<cf::Image> img = cf::decode_image(bytes, "beach.jpg");
//   if (!img) { report(img.status().message()); return; }   // "beach.jpg: JPEG is truncated ..."
//   cf::Image square = cf::to_model_input(*img, 224);         // image_ops.h: centre crop + resize
//   cf::ColourStats stats = cf::colour_stats(square);         // colour.h: brightness, warmth, moods
//
// The format is sniffed from the first bytes, never from the name: a PNG called "photo.jpg" decodes
// as PNG. Decoders: stb_image (Debian libstb-dev; JPEG baseline + progressive, PNG 1/2/4/8/16-bit
// with or without alpha/palette, GIF, BMP) and libwebp's decoder (Debian libwebp-dev natively; built
// from the Debian source package by tools/wasm_ui_deps.sh for WASM). 16-bit PNG is reduced to 8 bits.
// Alpha is composited on the neutral grey kImageBackgroundGrey, so transparency reads as "no colour"
// in the colour statistics. EXIF orientation is not applied (pixels are returned as stored).
//
// Bad input policy (ErrorCode; every message starts with `name`):
//  - empty:               0 bytes.
//  - unsupported_format:  not JPEG/PNG/GIF/BMP/WebP ("not an image (JPEG/PNG/GIF/BMP/WebP)", the first
//                         bytes are shown), or WebP when the build has no libwebp (CF_HAVE_WEBP unset).
//  - truncated:           the file ends before the image data does: JPEG without its end-of-image
//                         marker, PNG before IEND, GIF inside its first frame, BMP shorter than its
//                         pixel rows, WebP shorter than its RIFF size.
//  - corrupt:             a recognised format whose headers or data the decoder rejects (a PNG chunk
//                         failing its CRC, a bad JPEG Huffman table, 0×0 dimensions, ...).
//  - too_large:           more bytes than ImageLimits::max_bytes, or a header that declares more pixels
//                         than ImageLimits::max_pixels (or a side above max_side_px). Dimensions are read
//                         from the header first: nothing of the image's size is allocated before this.
// A structurally complete file with damaged entropy-coded data may still decode to wrong-looking
// pixels (as in every viewer); the structure checks above catch cuts and broken chunks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/common/status.h"

namespace cf {

enum class ImageFormat { jpeg, png, gif, bmp, webp };
const char* image_format_name(ImageFormat format);  ///< "JPEG", "PNG", "GIF", "BMP", "WebP"

/// Grey level transparent pixels are composited onto (R = G = B).
inline constexpr uint8_t kImageBackgroundGrey = 128;

/// An 8-bit RGB picture, rows top to bottom, pixels left to right, 3 bytes (R, G, B) per pixel.
struct Image {
    int width_px = 0;           ///< columns
    int height_px = 0;          ///< rows
    std::vector<uint8_t> rgb;   ///< width_px × height_px × 3 bytes, row-major, no padding
    ImageFormat format = ImageFormat::png;  ///< the format it was decoded from (png for synthetic images)
    bool had_alpha = false;     ///< some source pixel was not fully opaque (already composited)
    /// The JPEG's EXIF orientation (1..8; 1 = as stored). decode_image has already turned the pixels
    /// upright: width and height are those of the picture as it is meant to be seen.
    int exif_orientation = 1;

    size_t n_pixels() const { return size_t(width_px) * size_t(height_px); }
    const uint8_t* pixel(int x, int y) const { return rgb.data() + (size_t(y) * size_t(width_px) + size_t(x)) * 3; }
    uint8_t* pixel(int x, int y) { return rgb.data() + (size_t(y) * size_t(width_px) + size_t(x)) * 3; }
};

/// Budgets checked before anything of the image's size is allocated.
struct ImageLimits {
    size_t max_bytes = size_t(100) << 20;  ///< largest accepted file (100 MiB)
    int64_t max_pixels = 64'000'000;       ///< largest accepted width × height (64 MP: 256 MB while decoding)
    int max_side_px = 1 << 16;             ///< largest accepted width or height
};

/// The EXIF orientation tag (0x0112) of a JPEG's APP1 "Exif" segment: 1..8, or 1 when there is none
/// or it cannot be read (a malformed EXIF block never fails a decode). Reads the marker segments
/// before the first scan only, each within its stated length.
int jpeg_exif_orientation(std::span<const uint8_t> jpeg);

/// Sniffs the format from the first bytes; false if none matches (also for inputs shorter than a magic).
bool sniff_image_format(std::span<const uint8_t> bytes, ImageFormat* format);

/// True if this build decodes WebP (libwebp found at configure time).
bool image_webp_supported();

/// Decodes a whole image file held in memory (the first frame of an animated GIF). `name` is used in
/// messages only (a path or a dropped file's name). Errors: see the policy at the top of this file.
Result<Image> decode_image(std::span<const uint8_t> bytes, const std::string& name, const ImageLimits& limits = {});

/// Reads `path` (at most limits.max_bytes) and decodes it. Extra errors: not_found, io.
Result<Image> decode_image_file(const std::string& path, const ImageLimits& limits = {});

}  // namespace cf
