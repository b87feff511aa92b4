// cuefinder core — a small deterministic random generator, identical on every platform (std::
// distributions are not), for k-means seeding, t-SNE initialisation and test data.
#pragma once

#include <cmath>
#include <cstdint>

namespace cf {

/// ref: SplitMix64 (Steele, Lea, Flood, "Fast splittable pseudorandom number generators", 2014).
class SplitMix64 {
public:
    explicit SplitMix64(uint64_t seed) : state_(seed) {}
    uint64_t next() {
        uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return z ^ (z >> 31);
    }
    /// Uniform in [0, 1) with 53 random bits.
    double uniform() { return double(next() >> 11) * (1.0 / 9007199254740992.0); }
    /// Uniform integer in [0, n), n > 0 (the modulo bias, < n / 2^64, is irrelevant here).
    uint64_t below(uint64_t n) { return next() % n; }
    /// Standard normal (Box–Muller, one value per call).
    double normal() {
        double u1 = uniform();
        if (u1 < 1e-300) u1 = 1e-300;
        const double u2 = uniform();
        return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
    }

private:
    uint64_t state_;
};

}  // namespace cf
