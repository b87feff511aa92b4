// Helpers shared by the tests: golden-data paths and raw float32 files.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace cf::test {

inline std::string test_data_dir() { return CF_TEST_DATA_DIR; }
/// The golden reference data (tests/data/golden/README.md: essentia.js + TF.js outputs).
inline std::string golden_dir() { return test_data_dir() + "/golden"; }

/// Reads a whole file; empty vector if it cannot be read.
inline std::vector<uint8_t> read_bytes(const std::string& path) {
    std::vector<uint8_t> bytes;
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) return bytes;
    std::fseek(f, 0, SEEK_END);
    long n = std::ftell(f);
    std::fseek(f, 0, SEEK_SET);
    bytes.resize(size_t(n > 0 ? n : 0));
    bytes.resize(std::fread(bytes.data(), 1, bytes.size(), f));
    std::fclose(f);
    return bytes;
}

/// Reads a raw little-endian float32 file; empty vector if it cannot be read.
inline std::vector<float> read_f32(const std::string& path) {
    const std::vector<uint8_t> bytes = read_bytes(path);
    std::vector<float> out(bytes.size() / 4);
    if (!out.empty()) std::memcpy(out.data(), bytes.data(), out.size() * 4);
    return out;
}

/// Distance between two floats in units in the last place (same sign assumed).
inline int64_t ulp_distance(float a, float b) {
    int32_t ia, ib;
    static_assert(sizeof(float) == 4);
    __builtin_memcpy(&ia, &a, 4);
    __builtin_memcpy(&ib, &b, 4);
    if (ia < 0) ia = int32_t(0x80000000u - uint32_t(ia));
    if (ib < 0) ib = int32_t(0x80000000u - uint32_t(ib));
    return ia > ib ? int64_t(ia) - ib : int64_t(ib) - ia;
}

}  // namespace cf::test
