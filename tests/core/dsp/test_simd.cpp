// SIMD layer vs scalar reference: every op bit-identical (they are correctly rounded IEEE ops, or the
// same sequence of them), and the log10 routine within a few ulp of the C library's.
#include "core/dsp/simd.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "test_util.h"

using cf::simd::ScalarOps;
using cf::simd::SimdOps;

namespace {
template <class O>
std::vector<float> apply_log10(const std::vector<float>& x) {
    std::vector<float> out(x.size());
    size_t i = 0;
    for (; i + O::lanes <= x.size(); i += O::lanes) O::store(out.data() + i, O::log10(O::load(x.data() + i)));
    for (; i < x.size(); ++i) out[i] = ScalarOps::log10(x[i]);  // leftover elements: scalar twin
    return out;
}

std::vector<float> test_inputs(size_t n) {
    std::mt19937 rng(42);
    std::uniform_real_distribution<float> exponent(-37.0f, 37.0f);
    std::vector<float> x(n);
    for (auto& v : x) v = std::pow(10.0f, exponent(rng));
    // Values around the interesting points: 1, √2 and powers of two.
    const float special[] = {1.0f, 1.0000001f, 1.4142135f, 1.4142137f, 2.0f, 0.5f, 1e-30f, 3.0e38f, 1.17549435e-38f};
    for (size_t i = 0; i < sizeof special / sizeof special[0] && i < n; ++i) x[i] = special[i];
    return x;
}
}  // namespace

TEST(Simd, Log10SimdEqualsScalarBitForBitOverOddSizes) {
    for (size_t n : {1u, 3u, 7u, 9u, 15u, 17u, 33u, 1001u}) {
        std::vector<float> x = test_inputs(n);
        std::vector<float> simd = apply_log10<SimdOps>(x);
        std::vector<float> scalar = apply_log10<ScalarOps>(x);
        for (size_t i = 0; i < n; ++i) ASSERT_EQ(simd[i], scalar[i]) << "n=" << n << " i=" << i << " x=" << x[i];
    }
}

TEST(Simd, Log10IsAccurate) {
    // Tolerance: 2e-7 absolute plus 4 ulp of the result. The routine rounds ~8 float operations;
    // the mel features use log10 of values ≥ 1 where 1e-6 is 100× below the golden tolerance.
    std::vector<float> x = test_inputs(20000);
    std::vector<float> got = apply_log10<ScalarOps>(x);
    double worst = 0;
    for (size_t i = 0; i < x.size(); ++i) {
        const double exact = std::log10(double(x[i]));
        const double err = std::fabs(got[i] - exact);
        worst = std::max(worst, err);
        ASSERT_LE(err, 2e-7 + 4 * std::fabs(exact) * 1.2e-7) << "x=" << x[i];
    }
    RecordProperty("max_abs_error", std::to_string(worst));
}

TEST(Simd, ArithmeticMatchesScalar) {
    // Moderate magnitudes so no product overflows (NaN != NaN would make the comparison meaningless).
    std::mt19937 rng(5);
    std::uniform_real_distribution<float> u(1e-3f, 1e3f);
    std::vector<float> a(67), b(67);
    for (auto& v : a) v = u(rng);
    for (auto& v : b) v = u(rng);
    for (size_t i = 0; i + SimdOps::lanes <= a.size(); i += SimdOps::lanes) {
        alignas(16) float out[SimdOps::lanes];
        const auto va = SimdOps::load(&a[i]), vb = SimdOps::load(&b[i]);
        SimdOps::store(out, SimdOps::div(SimdOps::sqrt(SimdOps::mul(va, vb)), SimdOps::add(SimdOps::max(va, vb), vb)));
        for (int l = 0; l < SimdOps::lanes; ++l) {
            const float s = ScalarOps::div(ScalarOps::sqrt(a[i + l] * b[i + l]), ScalarOps::max(a[i + l], b[i + l]) + b[i + l]);
            ASSERT_EQ(out[l], s);
        }
    }
}

TEST(Simd, ReportsIsa) {
    std::printf("SIMD path: %s (%d lanes)\n", cf::simd::simd_isa_name(), SimdOps::lanes);
    SUCCEED();
}
