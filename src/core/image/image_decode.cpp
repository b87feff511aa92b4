// Image decoding: sniffing, budgets, structure checks, then stb_image / libwebp.
//
// [SECTION] helpers and messages
// [SECTION] structure checks (truncation / broken chunks, before any decoder runs)
// [SECTION] decoders
// [SECTION] public API
//
// Why structure checks of our own: stb_image reads zeros past the end of its buffer, so a cut JPEG
// "decodes" with a grey lower half, and it skips PNG CRCs. A short walk over the markers / chunks /
// blocks tells a cut file from a broken one and names the byte where it happens.
#include "core/image/image.h"
#include "core/image/image_ops.h"

#include "core/common/crc32.h"
#include "core/io/byte_source.h"

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <tuple>
#include <utility>

#include "stb_image.h"  // declarations only; the implementation is in stb_image_impl.cpp
#ifdef CF_HAVE_WEBP
#include <webp/decode.h>
#endif

namespace cf {

// ============================================================================================
// [SECTION] helpers and messages
// ============================================================================================
namespace {

uint32_t be32(const uint8_t* p) { return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3]; }
uint32_t be16(const uint8_t* p) { return uint32_t(p[0]) << 8 | p[1]; }
uint32_t le32(const uint8_t* p) { return uint32_t(p[3]) << 24 | uint32_t(p[2]) << 16 | uint32_t(p[1]) << 8 | p[0]; }
uint32_t le16(const uint8_t* p) { return uint32_t(p[1]) << 8 | p[0]; }

// True if `need` bytes start at `at` inside `size` bytes. Never `at + need > size`: with a 32-bit
// size_t (wasm32) that wraps for an `at` or `need` read from the file near 2^32.
bool fits(size_t at, size_t need, size_t size) { return at <= size && size - at >= need; }

std::string first_bytes(std::span<const uint8_t> bytes) {
    std::string hex, text;
    char buf[4];
    for (size_t i = 0; i < bytes.size() && i < 8; ++i) {
        std::snprintf(buf, sizeof buf, "%02x", bytes[i]);
        if (i) hex += ' ';
        hex += buf;
        text += (bytes[i] >= 0x20 && bytes[i] < 0x7f) ? char(bytes[i]) : '.';
    }
    return hex + " \"" + text + "\"";
}

Status error(ErrorCode code, const std::string& name, ImageFormat format, const std::string& what) {
    return Status(code, name + ": " + (code == ErrorCode::truncated ? "truncated " : code == ErrorCode::corrupt ? "corrupt " : "") +
                            image_format_name(format) + ": " + what);
}
std::string at_byte(size_t pos) { return " at byte " + std::to_string(pos); }

// ============================================================================================
// [SECTION] structure checks
// ============================================================================================

// The Huffman tables a JPEG has defined so far: [class: 0 DC, 1 AC][id 0..3].
struct JpegHuffmanTables {
    bool defined[2][4] = {};
};

// JPEG DHT segment (after its length field): tables of a class/id byte, 16 code counts and the symbols.
// More than 256 codes in one table makes stb_image (Debian's 2022-09 snapshot) write past its
// 257-entry size array (found by tools/fuzz/fuzz_image; newer upstream stb_image has the same check).
Status check_jpeg_huffman_tables(std::span<const uint8_t> seg, size_t seg_pos, JpegHuffmanTables& tables, const std::string& name) {
    for (size_t pos = 0; pos < seg.size();) {
        if (!fits(pos, 17, seg.size()))
            return error(ErrorCode::corrupt, name, ImageFormat::jpeg, "Huffman table header cut by its segment end" + at_byte(seg_pos + pos));
        size_t n_codes = 0;
        for (size_t i = 1; i <= 16; ++i) n_codes += seg[pos + i];
        if (n_codes > 256)
            return error(ErrorCode::corrupt, name, ImageFormat::jpeg, "Huffman table of " + std::to_string(n_codes) + " codes (at most 256)" + at_byte(seg_pos + pos));
        if (!fits(pos + 17, n_codes, seg.size()))
            return error(ErrorCode::corrupt, name, ImageFormat::jpeg, "Huffman table runs past its segment" + at_byte(seg_pos + pos));
        const int table_class = seg[pos] >> 4, id = seg[pos] & 15;
        if (table_class <= 1 && id <= 3) tables.defined[table_class][id] = true;  // stb_image refuses others
        pos += 17 + n_codes;
    }
    return Status::ok();
}

// JPEG SOS segment (after its length field): every Huffman table the scan decodes with must have been
// defined before it. stb_image (Debian's 2022-09 snapshot) does not zero its tables and decoded with
// whatever memory held, reading far out of bounds (found by tools/fuzz/fuzz_image). Progressive scans
// use only the DC tables (first DC scans) or only the AC tables (AC scans).
Status check_jpeg_scan_tables(std::span<const uint8_t> seg, size_t seg_pos, const JpegHuffmanTables& tables, bool progressive,
                              const std::string& name) {
    const size_t n_components = seg.empty() ? 0 : seg[0];
    if (n_components == 0 || seg.size() != 1 + 2 * n_components + 3) return Status::ok();  // stb_image refuses these itself
    const uint8_t spectral_start = seg[1 + 2 * n_components], approx_high = seg[3 + 2 * n_components] >> 4;
    const bool uses_dc = !progressive || (spectral_start == 0 && approx_high == 0);
    const bool uses_ac = !progressive || spectral_start > 0;
    for (size_t i = 0; i < n_components; ++i) {
        const int dc = seg[2 + 2 * i] >> 4, ac = seg[2 + 2 * i] & 15;
        if (dc > 3 || ac > 3) continue;  // stb_image refuses these itself
        for (const auto& [used, table_class, id] : {std::tuple{uses_dc, 0, dc}, std::tuple{uses_ac, 1, ac}})
            if (used && !tables.defined[table_class][id])
                return error(ErrorCode::corrupt, name, ImageFormat::jpeg, std::string("the scan") + at_byte(seg_pos) + " uses Huffman table " +
                                                                              (table_class ? "AC " : "DC ") + std::to_string(id) + ", which the file does not define before it");
    }
    return Status::ok();
}

// JPEG: marker segments up to each scan, then the entropy-coded data up to the next marker (inside it
// 0xFF is followed only by 0x00 stuffing, RSTn or fill 0xFF), until the end-of-image marker.
Status check_jpeg(std::span<const uint8_t> b, const std::string& name) {
    const size_t n = b.size();
    size_t pos = 2;  // after SOI
    bool seen_frame = false, progressive = false;
    JpegHuffmanTables tables;
    for (;;) {
        if (!fits(pos, 2, n)) return error(ErrorCode::truncated, name, ImageFormat::jpeg, "the file ends" + at_byte(n) + " before the end-of-image marker");
        if (b[pos] != 0xFF) return error(ErrorCode::corrupt, name, ImageFormat::jpeg, "marker expected" + at_byte(pos));
        while (pos + 1 < n && b[pos + 1] == 0xFF) ++pos;  // fill bytes
        if (!fits(pos, 2, n)) return error(ErrorCode::truncated, name, ImageFormat::jpeg, "the file ends inside a marker" + at_byte(n));
        const uint8_t marker = b[pos + 1];
        pos += 2;
        if (marker == 0xD9) {
            if (!seen_frame) return error(ErrorCode::corrupt, name, ImageFormat::jpeg, "end-of-image marker before any image data");
            return Status::ok();
        }
        if ((marker >= 0xD0 && marker <= 0xD7) || marker == 0x01) continue;  // no length field
        if (!fits(pos, 2, n)) return error(ErrorCode::truncated, name, ImageFormat::jpeg, "the file ends inside a marker segment" + at_byte(n));
        const size_t length = be16(&b[pos]);
        if (length < 2) return error(ErrorCode::corrupt, name, ImageFormat::jpeg, "marker segment of length " + std::to_string(length) + at_byte(pos));
        if (!fits(pos, length, n)) return error(ErrorCode::truncated, name, ImageFormat::jpeg, "the file ends" + at_byte(n) + " inside a marker segment of " + std::to_string(length) + " bytes");
        const std::span<const uint8_t> segment = b.subspan(pos + 2, length - 2);
        if (marker == 0xC4) CF_RETURN_IF_ERROR(check_jpeg_huffman_tables(segment, pos + 2, tables, name));
        pos += length;
        if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) seen_frame = true;
        if (marker == 0xC2) progressive = true;
        if (marker != 0xDA) continue;
        if (!seen_frame) return error(ErrorCode::corrupt, name, ImageFormat::jpeg, "scan before the frame header" + at_byte(pos));
        CF_RETURN_IF_ERROR(check_jpeg_scan_tables(segment, pos - length + 2, tables, progressive, name));
        // Entropy-coded data of this scan.
        for (;;) {
            if (!fits(pos, 2, n)) return error(ErrorCode::truncated, name, ImageFormat::jpeg, "the file ends" + at_byte(n) + " inside the compressed data, before the end-of-image marker");
            if (b[pos] != 0xFF) { ++pos; continue; }
            const uint8_t next = b[pos + 1];
            if (next == 0x00 || (next >= 0xD0 && next <= 0xD7)) { pos += 2; continue; }
            if (next == 0xFF) { ++pos; continue; }
            break;  // a real marker: back to the segment walk
        }
    }
}

// PNG: every chunk complete and matching its CRC, IHDR first, up to IEND.
Status check_png(std::span<const uint8_t> b, const std::string& name) {
    const size_t n = b.size();
    size_t pos = 8;
    for (bool first = true;; first = false) {
        if (!fits(pos, 8, n)) return error(ErrorCode::truncated, name, ImageFormat::png, "the file ends" + at_byte(n) + " before the IEND chunk");
        const uint32_t length = be32(&b[pos]);
        char type[5] = {char(b[pos + 4]), char(b[pos + 5]), char(b[pos + 6]), char(b[pos + 7]), 0};
        for (int i = 0; i < 4; ++i)
            if (!((type[i] >= 'A' && type[i] <= 'Z') || (type[i] >= 'a' && type[i] <= 'z')))
                return error(ErrorCode::corrupt, name, ImageFormat::png, "invalid chunk type" + at_byte(pos + 4));
        if (length > 0x7FFFFFFFu) return error(ErrorCode::corrupt, name, ImageFormat::png, "chunk length out of range" + at_byte(pos));
        if (first && std::strcmp(type, "IHDR") != 0) return error(ErrorCode::corrupt, name, ImageFormat::png, "first chunk is not IHDR");
        if (!fits(pos, 12 + size_t(length), n))
            return error(ErrorCode::truncated, name, ImageFormat::png, std::string("the file ends") + at_byte(n) + " inside the " + type + " chunk");
        const uint32_t crc = crc32(&b[pos + 4], size_t(length) + 4);
        if (crc != be32(&b[pos + 8 + length]))
            return error(ErrorCode::corrupt, name, ImageFormat::png, std::string("chunk ") + type + at_byte(pos) + " fails its CRC");
        pos += 12 + size_t(length);
        if (std::strcmp(type, "IEND") == 0) return Status::ok();
    }
}

// GIF: header, colour table and blocks up to the end of the first image's data.
Status check_gif(std::span<const uint8_t> b, const std::string& name) {
    const size_t n = b.size();
    auto cut = [&](const char* where) { return error(ErrorCode::truncated, name, ImageFormat::gif, std::string("the file ends") + at_byte(n) + " " + where); };
    if (n < 13) return cut("inside the header");
    size_t pos = 13;
    if (b[10] & 0x80) pos += 3u << ((b[10] & 7) + 1);
    auto skip_sub_blocks = [&]() -> bool {
        for (;;) {
            if (pos >= n) return false;
            const size_t size = b[pos++];
            if (size == 0) return true;
            if (!fits(pos, size, n)) return false;
            pos += size;
        }
    };
    for (;;) {
        if (pos >= n) return cut("before the first image");
        const uint8_t block = b[pos];
        if (block == 0x21) {
            pos += 2;
            if (!skip_sub_blocks()) return cut("inside an extension block");
        } else if (block == 0x2C) {
            if (!fits(pos, 10, n)) return cut("inside the first image's descriptor");
            const uint8_t packed = b[pos + 9];
            pos += 10;
            if (packed & 0x80) pos += 3u << ((packed & 7) + 1);
            if (!fits(pos, 1, n)) return cut("inside the first image's colour table");
            ++pos;  // LZW minimum code size
            if (!skip_sub_blocks()) return cut("inside the first image's data");
            return Status::ok();
        } else if (block == 0x3B) {
            return error(ErrorCode::corrupt, name, ImageFormat::gif, "no image before the trailer");
        } else {
            return error(ErrorCode::corrupt, name, ImageFormat::gif, "unknown block type" + at_byte(pos));
        }
    }
}

// BMP: uncompressed (or bit-field) pixel rows must all be present.
Status check_bmp(std::span<const uint8_t> b, const std::string& name) {
    const size_t n = b.size();
    if (n < 18) return error(ErrorCode::truncated, name, ImageFormat::bmp, "the file ends" + at_byte(n) + " inside the header");
    const uint32_t data_offset = le32(&b[10]);
    const uint32_t header_size = le32(&b[14]);
    int64_t width = 0, height = 0;
    uint32_t bits = 0, compression = 0;
    if (header_size == 12) {
        if (n < 26) return error(ErrorCode::truncated, name, ImageFormat::bmp, "the file ends" + at_byte(n) + " inside the header");
        width = le16(&b[18]); height = le16(&b[20]); bits = le16(&b[24]);
    } else {
        if (n < 34) return error(ErrorCode::truncated, name, ImageFormat::bmp, "the file ends" + at_byte(n) + " inside the header");
        width = int32_t(le32(&b[18])); height = int32_t(le32(&b[22])); bits = le16(&b[28]); compression = le32(&b[30]);
    }
    if (compression == 0 || compression == 3 || compression == 6) {
        const uint64_t row_bytes = ((uint64_t(width < 0 ? -width : width) * bits + 31) / 32) * 4;
        const uint64_t need = uint64_t(data_offset) + row_bytes * uint64_t(height < 0 ? -height : height);
        if (need > n)
            return error(ErrorCode::truncated, name, ImageFormat::bmp, "the file has " + std::to_string(n) + " bytes, its pixel rows need " + std::to_string(need));
    }
    return Status::ok();
}

// Width and height from the header, by our own reading: stb_image's info call refuses what it would
// not decode (e.g. > 2^30 bytes) with an unhelpful "unknown image type", and we want the budget
// check to name the declared size.
Status read_dimensions(std::span<const uint8_t> b, ImageFormat format, const std::string& name, int64_t* width, int64_t* height) {
    const size_t n = b.size();
    auto cut = [&] { return error(ErrorCode::truncated, name, format, "the file ends" + at_byte(n) + " before the image size"); };
    switch (format) {
        case ImageFormat::png:
            if (n < 24) return cut();
            if (std::memcmp(&b[12], "IHDR", 4) != 0) return error(ErrorCode::corrupt, name, format, "first chunk is not IHDR");
            *width = be32(&b[16]);
            *height = be32(&b[20]);
            return Status::ok();
        case ImageFormat::gif:
            if (n < 10) return cut();
            *width = le16(&b[6]);
            *height = le16(&b[8]);
            return Status::ok();
        case ImageFormat::bmp: {
            if (n < 18) return cut();
            const uint32_t header_size = le32(&b[14]);
            if (header_size == 12) {
                if (n < 22) return cut();
                *width = le16(&b[18]);
                *height = le16(&b[20]);
            } else {
                if (n < 26) return cut();
                *width = int32_t(le32(&b[18]));
                *height = int32_t(le32(&b[22]));
                if (*height < 0) *height = -*height;  // top-down rows
            }
            return Status::ok();
        }
        case ImageFormat::jpeg: {
            size_t pos = 2;
            for (;;) {
                while (pos < n && b[pos] == 0xFF && pos + 1 < n && b[pos + 1] == 0xFF) ++pos;
                if (!fits(pos, 4, n)) return cut();
                if (b[pos] != 0xFF) return error(ErrorCode::corrupt, name, format, "marker expected" + at_byte(pos));
                const uint8_t marker = b[pos + 1];
                if ((marker >= 0xD0 && marker <= 0xD7) || marker == 0x01) { pos += 2; continue; }
                if (marker == 0xD9 || marker == 0xDA) return error(ErrorCode::corrupt, name, format, "no frame header before the image data");
                if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
                    if (!fits(pos, 9, n)) return cut();
                    *height = be16(&b[pos + 5]);
                    *width = be16(&b[pos + 7]);
                    return Status::ok();
                }
                pos += 2 + be16(&b[pos + 2]);
            }
        }
        case ImageFormat::webp: break;
    }
    CF_ASSERT(false);
    return Status::ok();
}

Status check_limits(int64_t width, int64_t height, ImageFormat format, const std::string& name, const ImageLimits& limits) {
    if (width <= 0 || height <= 0)
        return error(ErrorCode::corrupt, name, format, "dimensions " + std::to_string(width) + "x" + std::to_string(height));
    if (width > limits.max_side_px || height > limits.max_side_px || width * height > limits.max_pixels)
        return Status(ErrorCode::too_large, name + ": " + image_format_name(format) + " of " + std::to_string(width) + "x" +
                                                std::to_string(height) + " px is too large (limits: " + std::to_string(limits.max_pixels) +
                                                " pixels, " + std::to_string(limits.max_side_px) + " px a side)");
    return Status::ok();
}

// Straight (non-premultiplied) RGBA → RGB over the grey background, rounded.
void composite_rgba(const uint8_t* rgba, size_t n_pixels, Image& out) {
    out.rgb.resize(n_pixels * 3);
    bool any_alpha = false;
    for (size_t i = 0; i < n_pixels; ++i) {
        const uint32_t a = rgba[4 * i + 3];
        any_alpha |= a != 255;
        for (int c = 0; c < 3; ++c)
            out.rgb[3 * i + c] = uint8_t((rgba[4 * i + c] * a + kImageBackgroundGrey * (255 - a) + 127) / 255);
    }
    out.had_alpha = any_alpha;
}

// ============================================================================================
// [SECTION] decoders
// ============================================================================================
// EXIF orientation: APP1 "Exif\0\0", a TIFF header (II*\0 or MM\0*), IFD0's entry 0x0112 (SHORT).
// Offsets come from the file as u32: every check is `at <= size && size - at >= need` rather than
// `at + need > size`, which wraps when size_t is 32 bits (wasm32) and an offset is near 2^32.
int exif_orientation_of(std::span<const uint8_t> t) {
    if (t.size() < 8) return 1;
    const bool le = t[0] == 'I' && t[1] == 'I';
    if (!le && !(t[0] == 'M' && t[1] == 'M')) return 1;
    auto u16 = [&](size_t at) { return le ? le16(t.data() + at) : be16(t.data() + at); };
    auto u32 = [&](size_t at) { return le ? le32(t.data() + at) : be32(t.data() + at); };
    if (u16(2) != 42) return 1;
    const size_t ifd = u32(4);
    if (!fits(ifd, 2, t.size())) return 1;
    const size_t n_entries = u16(ifd);
    const size_t first = ifd + 2;  // <= t.size() by the check above
    if (n_entries > (t.size() - first) / 12) return 1;  // the table runs past the block
    for (size_t i = 0; i < n_entries; ++i) {
        const size_t e = first + 12 * i;
        if (u16(e) != 0x0112) continue;
        if (u16(e + 2) != 3 || u32(e + 4) != 1) return 1;  // SHORT, count 1
        const int v = int(u16(e + 8));
        return v >= 1 && v <= 8 ? v : 1;
    }
    return 1;
}

}  // namespace

int jpeg_exif_orientation(std::span<const uint8_t> b) {
    size_t pos = 2;  // after SOI
    if (b.size() < 4 || b[0] != 0xFF || b[1] != 0xD8) return 1;
    while (fits(pos, 4, b.size()) && b[pos] == 0xFF) {
        const uint8_t marker = b[pos + 1];
        if (marker == 0xDA || marker == 0xD9) break;  // the first scan (or the end): no EXIF after it
        const size_t length = be16(b.data() + pos + 2);
        if (length < 2 || !fits(pos + 2, length, b.size())) break;
        const uint8_t* seg = b.data() + pos + 4;
        const size_t seg_n = length - 2;
        if (marker == 0xE1 && seg_n >= 6 && std::memcmp(seg, "Exif\0\0", 6) == 0) return exif_orientation_of({seg + 6, seg_n - 6});
        pos += 2 + length;
    }
    return 1;
}

namespace {

Result<Image> decode_stb(std::span<const uint8_t> b, ImageFormat format, const std::string& name, const ImageLimits& limits) {
    const int n_bytes = int(b.size());  // max_bytes is checked to fit an int for stb
    // Budget first, from the header alone: it may promise more than the (cut or forged) file holds.
    int64_t width = 0, height = 0;
    CF_RETURN_IF_ERROR(read_dimensions(b, format, name, &width, &height));
    CF_RETURN_IF_ERROR(check_limits(width, height, format, name, limits));
    CF_RETURN_IF_ERROR(format == ImageFormat::jpeg  ? check_jpeg(b, name)
                       : format == ImageFormat::png ? check_png(b, name)
                       : format == ImageFormat::gif ? check_gif(b, name)
                                                    : check_bmp(b, name));
    int info_w = 0, info_h = 0, channels = 0;
    if (!stbi_info_from_memory(b.data(), n_bytes, &info_w, &info_h, &channels))
        return error(ErrorCode::corrupt, name, format, std::string("unreadable header (stb_image: ") + stbi_failure_reason() + ")");
    if (info_w != width || info_h != height)
        return error(ErrorCode::corrupt, name, format, "inconsistent image size");
    int w = 0, h = 0, c = 0;  // c: the channels stored in the file; we ask for 4
    std::unique_ptr<uint8_t, void (*)(void*)> rgba(stbi_load_from_memory(b.data(), n_bytes, &w, &h, &c, 4), stbi_image_free);
    if (!rgba) return error(ErrorCode::corrupt, name, format, std::string("the decoder rejects the data (stb_image: ") + stbi_failure_reason() + ")");
    if (w != width || h != height) return error(ErrorCode::corrupt, name, format, "inconsistent image size");
    Image img;
    img.width_px = w;
    img.height_px = h;
    img.format = format;
    composite_rgba(rgba.get(), img.n_pixels(), img);
    if (format == ImageFormat::jpeg) {  // phones store portrait photos sideways and say so in EXIF
        const int orientation = jpeg_exif_orientation(b);
        if (orientation != 1) {
            img = apply_exif_orientation(img, orientation);
            img.exif_orientation = orientation;
        }
    }
    return img;
}

Result<Image> decode_webp(std::span<const uint8_t> b, const std::string& name, const ImageLimits& limits) {
#ifdef CF_HAVE_WEBP
    if (b.size() < 12) return error(ErrorCode::truncated, name, ImageFormat::webp, "the file ends" + at_byte(b.size()) + " inside the RIFF header");
    const uint64_t riff_end = uint64_t(le32(&b[4])) + 8;
    int width = 0, height = 0;
    if (!WebPGetInfo(b.data(), b.size(), &width, &height)) {
        if (riff_end > b.size() || b.size() < 30)
            return error(ErrorCode::truncated, name, ImageFormat::webp, "the file ends" + at_byte(b.size()) + " inside the headers");
        return error(ErrorCode::corrupt, name, ImageFormat::webp, "unreadable header");
    }
    CF_RETURN_IF_ERROR(check_limits(width, height, ImageFormat::webp, name, limits));
    if (riff_end > b.size())
        return error(ErrorCode::truncated, name, ImageFormat::webp, "the file has " + std::to_string(b.size()) + " bytes, its RIFF header promises " + std::to_string(riff_end));
    int w = 0, h = 0;
    std::unique_ptr<uint8_t, void (*)(void*)> rgba(WebPDecodeRGBA(b.data(), b.size(), &w, &h), WebPFree);
    if (!rgba) return error(ErrorCode::corrupt, name, ImageFormat::webp, "the decoder rejects the data (libwebp)");
    if (w != width || h != height) return error(ErrorCode::corrupt, name, ImageFormat::webp, "inconsistent image size");
    Image img;
    img.width_px = w;
    img.height_px = h;
    img.format = ImageFormat::webp;
    composite_rgba(rgba.get(), img.n_pixels(), img);
    return img;
#else
    (void)limits;
    return Status(ErrorCode::unsupported_format, name + ": WebP decoding is not built in (configure with libwebp: see cmake/CuefinderDeps.cmake)");
#endif
}

}  // namespace

// ============================================================================================
// [SECTION] public API
// ============================================================================================
const char* image_format_name(ImageFormat format) {
    switch (format) {
        case ImageFormat::jpeg: return "JPEG";
        case ImageFormat::png: return "PNG";
        case ImageFormat::gif: return "GIF";
        case ImageFormat::bmp: return "BMP";
        case ImageFormat::webp: return "WebP";
    }
    return "?";
}

bool image_webp_supported() {
#ifdef CF_HAVE_WEBP
    return true;
#else
    return false;
#endif
}

bool sniff_image_format(std::span<const uint8_t> b, ImageFormat* format) {
    auto starts = [&](const char* magic, size_t n, size_t at = 0) {
        return b.size() >= at + n && std::memcmp(b.data() + at, magic, n) == 0;
    };
    ImageFormat f;
    if (starts("\xFF\xD8\xFF", 3)) f = ImageFormat::jpeg;
    else if (starts("\x89PNG\r\n\x1A\n", 8)) f = ImageFormat::png;
    else if (starts("GIF87a", 6) || starts("GIF89a", 6)) f = ImageFormat::gif;
    else if (starts("RIFF", 4) && starts("WEBP", 4, 8)) f = ImageFormat::webp;
    // "BM" alone is too weak (text starting with "BM..."): also ask for a known info-header size.
    else if (starts("BM", 2) && b.size() >= 18 &&
             (le32(&b[14]) == 12 || le32(&b[14]) == 40 || le32(&b[14]) == 52 || le32(&b[14]) == 56 ||
              le32(&b[14]) == 64 || le32(&b[14]) == 108 || le32(&b[14]) == 124))
        f = ImageFormat::bmp;
    else return false;
    if (format) *format = f;
    return true;
}

Result<Image> decode_image(std::span<const uint8_t> bytes, const std::string& name, const ImageLimits& limits) {
    if (bytes.empty()) return Status(ErrorCode::empty, name + ": empty file (0 bytes)");
    if (bytes.size() > limits.max_bytes || bytes.size() > size_t(0x7FFFFFFF))
        return Status(ErrorCode::too_large, name + ": " + std::to_string(bytes.size()) + " bytes is more than the image limit of " +
                                                std::to_string(limits.max_bytes) + " bytes");
    ImageFormat format;
    if (!sniff_image_format(bytes, &format)) {
        // A file cut inside its magic number is a truncated image, not a non-image.
        static const std::pair<const char*, size_t> magics[] = {{"\xFF\xD8\xFF", 3}, {"\x89PNG\r\n\x1A\n", 8}, {"GIF89a", 6}, {"GIF87a", 6}};
        for (auto [magic, n] : magics)
            if (bytes.size() < n && std::memcmp(bytes.data(), magic, bytes.size()) == 0)
                return Status(ErrorCode::truncated, name + ": truncated image: the file ends" + at_byte(bytes.size()) + " inside the format's signature");
        if (bytes.size() >= 2 && bytes.size() < 18 && bytes[0] == 'B' && bytes[1] == 'M')
            return Status(ErrorCode::truncated, name + ": truncated BMP: the file ends" + at_byte(bytes.size()) + " inside the header");
        return Status(ErrorCode::unsupported_format, name + ": not an image (JPEG/PNG/GIF/BMP/WebP); first bytes: " + first_bytes(bytes));
    }
    if (format == ImageFormat::webp) return decode_webp(bytes, name, limits);
    return decode_stb(bytes, format, name, limits);
}

Result<Image> decode_image_file(const std::string& path, const ImageLimits& limits) {
    // Through the byte source: a FIFO or device is refused instead of blocking the read.
    auto bytes = read_whole_file(path, static_cast<int64_t>(limits.max_bytes));
    if (!bytes && bytes.status().code() == ErrorCode::too_large)
        return Status(ErrorCode::too_large, path + ": more than the image limit of " + std::to_string(limits.max_bytes) + " bytes");
    if (!bytes) return bytes.status();
    return decode_image(*bytes, path, limits);
}

}  // namespace cf
