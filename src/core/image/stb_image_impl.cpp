// cuefinder core — the one translation unit that compiles stb_image (Debian libstb-dev,
// /usr/include/stb/stb_image.h; public domain / MIT). Only the four formats decode_image() uses,
// decoding from memory only. STBI_NO_SIMD: the same scalar IDCT and colour conversion natively and
// in WebAssembly, so both give bit-identical pixels (stb's SSE2 path is not guaranteed to).
#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_JPEG
#define STBI_ONLY_PNG
#define STBI_ONLY_GIF
#define STBI_ONLY_BMP
#define STBI_NO_STDIO
#define STBI_NO_LINEAR
#define STBI_NO_HDR
#define STBI_NO_SIMD
// Zeroed allocations: newer upstream stb_image memsets its JPEG decoder state; Debian's 2022-09
// snapshot does not, so a file that uses a Huffman table it never defined decoded with leftover heap
// bytes (found by tools/fuzz/fuzz_image; image_decode.cpp's structure check now refuses such files).
#define STBI_MALLOC(bytes) calloc(1, bytes)
#define STBI_REALLOC(p, bytes) realloc(p, bytes)
#define STBI_FREE(p) free(p)

#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wunused-but-set-variable"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wimplicit-fallthrough"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wtype-limits"
#endif
#include "stb_image.h"
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif
