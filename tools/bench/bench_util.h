// Small helpers shared by the benchmark programs (not part of the core).
#pragma once

#include <cstdio>
#include <string>
#include <vector>

namespace cf::bench {

/// A raw little-endian float32 file; empty when it cannot be read.
inline std::vector<float> read_f32(const std::string& path) {
    std::vector<float> out;
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) return out;
    std::fseek(f, 0, SEEK_END);
    const long n_bytes = std::ftell(f);
    std::fseek(f, 0, SEEK_SET);
    out.resize(n_bytes > 0 ? size_t(n_bytes) / 4 : 0);
    out.resize(std::fread(out.data(), 4, out.size(), f));
    std::fclose(f);
    return out;
}

}  // namespace cf::bench
