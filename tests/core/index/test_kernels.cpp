#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>

#include "core/index/kernels.h"
#include "core/index/quantizers.h"

namespace {

using cf::simd::ScalarOps;
using cf::simd::SimdOps;

const size_t kOddSizes[] = {1, 3, 4, 7, 8, 9, 15, 16, 17, 33, 50, 199, 200, 257};

std::vector<float> random_floats(size_t n, uint64_t seed) {
    cf::index::Rng rng(seed);
    std::vector<float> v(n);
    for (float& x : v) x = float(rng.normal());
    return v;
}

// Summation-order bound: SIMD sums 8 partial sums then adds them, the scalar twin sums serially.
// Any two orders of n float additions differ by at most ~2·n·ε·Σ|terms| (Higham, "Accuracy and
// Stability of Numerical Algorithms", §4.2); the products themselves are rounded identically.
float order_bound(const float* a, const float* b, size_t n) {
    double s = 0;
    for (size_t i = 0; i < n; ++i) s += std::fabs(double(a[i]) * b[i]);
    return float(2.0 * double(n) * FLT_EPSILON * s) + FLT_MIN;
}

TEST(IndexKernels, DotSimdMatchesScalarOverOddSizes) {
    for (size_t n : kOddSizes) {
        const auto a = random_floats(n, n), b = random_floats(n, n + 100);
        const float s = cf::index::dot_f32<ScalarOps>(a.data(), b.data(), n);
        const float v = cf::index::dot_f32<SimdOps>(a.data(), b.data(), n);
        double ref = 0;
        for (size_t i = 0; i < n; ++i) ref += double(a[i]) * b[i];
        EXPECT_LE(std::fabs(s - v), order_bound(a.data(), b.data(), n)) << "n=" << n << " isa=" << SimdOps::name;
        EXPECT_LE(std::fabs(double(s) - ref), order_bound(a.data(), b.data(), n)) << "n=" << n;
    }
}

TEST(IndexKernels, Int8DotSimdMatchesScalarOverOddSizes) {
    for (size_t n : kOddSizes) {
        const auto w = random_floats(n, 7 * n);
        std::vector<int8_t> c(n);
        std::vector<float> cf_(n);
        cf::index::Rng rng(n);
        for (size_t i = 0; i < n; ++i) {
            c[i] = int8_t(int(rng.below(255)) - 127);
            if (i == 0) c[i] = -127;
            if (i == 1) c[i] = 127;
            cf_[i] = float(c[i]);
        }
        const float s = cf::index::dot_f32_i8<ScalarOps>(w.data(), c.data(), n);
        const float v = cf::index::dot_f32_i8<SimdOps>(w.data(), c.data(), n);
        // The widening load is exact, so only the summation order differs (same bound as above),
        // and the result equals the float kernel over the converted codes.
        EXPECT_LE(std::fabs(s - v), order_bound(w.data(), cf_.data(), n)) << "n=" << n;
        EXPECT_EQ(v, cf::index::dot_f32<SimdOps>(w.data(), cf_.data(), n)) << "n=" << n;
    }
}

TEST(IndexKernels, PqAdcSumsTheTable) {
    for (size_t m : {1, 3, 4, 5, 8, 17, 40}) {
        const auto lut = random_floats(m * 256, m);
        std::vector<uint8_t> code(m);
        for (size_t i = 0; i < m; ++i) code[i] = uint8_t(i * 37 + 11);
        double ref = 0;
        for (size_t i = 0; i < m; ++i) ref += lut[i * 256 + code[i]];
        EXPECT_NEAR(cf::index::pq_adc(lut.data(), code.data(), m), ref, 4 * m * FLT_EPSILON * 4.0) << m;
    }
}

TEST(IndexQuantizers, ScalarQuantizerErrorIsHalfAStep) {
    const size_t n = 100, dim = 17;
    const auto data = random_floats(n * dim, 5);
    const auto sq = cf::index::ScalarQuantizer8::train(data.data(), n, dim);
    std::vector<int8_t> code(dim);
    std::vector<float> back(dim);
    for (size_t i = 0; i < n; ++i) {
        sq.encode(data.data() + i * dim, code.data());
        sq.decode(code.data(), back.data());
        for (size_t d = 0; d < dim; ++d)
            EXPECT_LE(std::fabs(back[d] - data[i * dim + d]), 0.5f * sq.scale[d] * 1.001f + 1e-6f);
        // dot() through the prepared query equals the dot with the decoded vector (up to rounding).
        const auto q = random_floats(dim, 1000 + i);
        const float want = cf::index::dot_f32<ScalarOps>(q.data(), back.data(), dim);
        EXPECT_NEAR(sq.dot(sq.prepare(q.data()), code.data()), want, 1e-4f);
    }
}

TEST(IndexQuantizers, ProductQuantizerReducesError) {
    const size_t n = 2000, dim = 20;
    const auto data = random_floats(n * dim, 9);
    cf::index::KMeansOptions ko;
    ko.n_iterations = 10;
    const auto pq = cf::index::ProductQuantizer::train(data.data(), n, dim, 6, ko);  // 6 ∤ 20: uneven sub-spaces
    double err = 0, energy = 0;
    std::vector<uint8_t> code(6);
    std::vector<float> back(dim), lut(6 * 256);
    for (size_t i = 0; i < n; ++i) {
        pq.encode(data.data() + i * dim, code.data());
        pq.decode(code.data(), back.data());
        for (size_t d = 0; d < dim; ++d) {
            err += (back[d] - data[i * dim + d]) * (back[d] - data[i * dim + d]);
            energy += data[i * dim + d] * data[i * dim + d];
        }
        if (i < 10) {  // the ADC table gives the dot with the decoded vector
            const auto q = random_floats(dim, 50 + i);
            pq.inner_product_table(q.data(), lut.data());
            EXPECT_NEAR(cf::index::pq_adc(lut.data(), code.data(), 6),
                        cf::index::dot_f32<ScalarOps>(q.data(), back.data(), dim), 1e-4f);
        }
    }
    // 256 centroids for 3–4 Gaussian dimensions keep well under half the energy as error.
    EXPECT_LT(err / energy, 0.35);
}


}  // namespace
