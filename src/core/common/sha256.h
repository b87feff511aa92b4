// cuefinder core — SHA-256 (FIPS 180-4), to check files against the digests their manifests record
// (the models: src/core/model/model_check.h).
//
//   cf::Sha256 h;
//   h.update(data, n);                        // any number of calls, any sizes
//   h.update(more, m);
//   std::string hex = h.hex_digest();         // 64 lowercase hex digits; `h` is then spent
//   std::string one = cf::sha256_hex(data, n); // one buffer
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

namespace cf {

/// Incremental SHA-256. Calling update() or a digest function after the digest is a programmer
/// mistake (CF_DEBUG_ASSERT).
class Sha256 {
public:
    Sha256();
    void update(const void* data, size_t n_bytes);
    std::array<uint8_t, 32> digest();  ///< finishes the hash (padding + length)
    std::string hex_digest();          ///< digest() as 64 lowercase hex digits

private:
    void compress(const uint8_t* block);  ///< one 64-byte block into state_

    std::array<uint32_t, 8> state_;
    std::array<uint8_t, 64> block_{};
    size_t n_block_bytes_ = 0;     ///< bytes waiting in block_
    uint64_t n_total_bytes_ = 0;   ///< message length so far
    bool finished_ = false;
};

/// SHA-256 of one buffer, as 64 lowercase hex digits.
std::string sha256_hex(const void* data, size_t n_bytes);

}  // namespace cf
