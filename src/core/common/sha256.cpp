#include "core/common/sha256.h"

#include <algorithm>
#include <cstring>

#include "core/common/status.h"

namespace cf {

namespace {

// ref: FIPS 180-4 (2015), 4.2.2 (constants K) and 5.3.3 (initial hash value H0).
constexpr std::array<uint32_t, 64> kRound = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};
constexpr std::array<uint32_t, 8> kInitial = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                              0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

constexpr uint32_t rotr(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

uint32_t load_be32(const uint8_t* p) {
    return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | uint32_t(p[3]);
}

// One round of FIPS 180-4, 6.2.2 step 3, with the eight working variables passed in rotated order
// instead of shifted (h ← g ← f ...): only d and h change, and no round copies seven variables.
inline void sha256_round(uint32_t a, uint32_t b, uint32_t c, uint32_t& d, uint32_t e, uint32_t f, uint32_t g,
                         uint32_t& h, uint32_t k_plus_w) {
    const uint32_t t1 = h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + k_plus_w;
    const uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
    d += t1;
    h = t1 + t2;
}

}  // namespace

Sha256::Sha256() : state_(kInitial) {}

// ref: FIPS 180-4, 6.2.2: message schedule W[0..63] and the 64 rounds over one 512-bit block.
void Sha256::compress(const uint8_t* block) {
    uint32_t w[64];
    for (int t = 0; t < 16; ++t) w[t] = load_be32(block + 4 * t);
    for (int t = 16; t < 64; ++t) {
        const uint32_t s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
        const uint32_t s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
        w[t] = w[t - 16] + s0 + w[t - 7] + s1;
    }
    uint32_t a = state_[0], b = state_[1], c = state_[2], d = state_[3];
    uint32_t e = state_[4], f = state_[5], g = state_[6], h = state_[7];
    for (int t = 0; t < 64; t += 8) {
        sha256_round(a, b, c, d, e, f, g, h, kRound[t] + w[t]);
        sha256_round(h, a, b, c, d, e, f, g, kRound[t + 1] + w[t + 1]);
        sha256_round(g, h, a, b, c, d, e, f, kRound[t + 2] + w[t + 2]);
        sha256_round(f, g, h, a, b, c, d, e, kRound[t + 3] + w[t + 3]);
        sha256_round(e, f, g, h, a, b, c, d, kRound[t + 4] + w[t + 4]);
        sha256_round(d, e, f, g, h, a, b, c, kRound[t + 5] + w[t + 5]);
        sha256_round(c, d, e, f, g, h, a, b, kRound[t + 6] + w[t + 6]);
        sha256_round(b, c, d, e, f, g, h, a, kRound[t + 7] + w[t + 7]);
    }
    state_[0] += a; state_[1] += b; state_[2] += c; state_[3] += d;
    state_[4] += e; state_[5] += f; state_[6] += g; state_[7] += h;
}

void Sha256::update(const void* data, size_t n_bytes) {
    CF_DEBUG_ASSERT(!finished_);
    const auto* p = static_cast<const uint8_t*>(data);
    n_total_bytes_ += n_bytes;
    if (n_block_bytes_ > 0) {  // top up the pending partial block first
        const size_t take = std::min(n_bytes, block_.size() - n_block_bytes_);
        std::memcpy(block_.data() + n_block_bytes_, p, take);
        n_block_bytes_ += take; p += take; n_bytes -= take;
        if (n_block_bytes_ < block_.size()) return;
        compress(block_.data());
        n_block_bytes_ = 0;
    }
    for (; n_bytes >= 64; p += 64, n_bytes -= 64) compress(p);  // whole blocks straight from the input
    std::memcpy(block_.data(), p, n_bytes);
    n_block_bytes_ = n_bytes;
}

// ref: FIPS 180-4, 5.1.1: append 0x80, zeros up to 56 mod 64, then the length in bits (big-endian).
std::array<uint8_t, 32> Sha256::digest() {
    CF_DEBUG_ASSERT(!finished_);
    const uint64_t n_bits = n_total_bytes_ * 8;
    uint8_t pad[72] = {0x80};
    const size_t n_pad = (n_block_bytes_ < 56 ? 56 : 120) - n_block_bytes_;
    for (int i = 0; i < 8; ++i) pad[n_pad + i] = uint8_t(n_bits >> (56 - 8 * i));
    update(pad, n_pad + 8);
    CF_DEBUG_ASSERT(n_block_bytes_ == 0);
    finished_ = true;
    std::array<uint8_t, 32> out{};
    for (int i = 0; i < 8; ++i)
        for (int k = 0; k < 4; ++k) out[4 * i + k] = uint8_t(state_[i] >> (24 - 8 * k));
    return out;
}

std::string Sha256::hex_digest() {
    static const char kHex[] = "0123456789abcdef";
    std::string hex;
    for (const uint8_t byte : digest()) {
        hex += kHex[byte >> 4];
        hex += kHex[byte & 15];
    }
    return hex;
}

std::string sha256_hex(const void* data, size_t n_bytes) {
    Sha256 h;
    h.update(data, n_bytes);
    return h.hex_digest();
}

}  // namespace cf
