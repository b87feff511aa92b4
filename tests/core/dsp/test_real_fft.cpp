#include "core/dsp/real_fft.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

namespace {
// Naive DFT in double: the reference.
void naive_dft(const std::vector<float>& x, std::vector<double>& re, std::vector<double>& im) {
    const size_t n = x.size();
    re.assign(n / 2 + 1, 0.0);
    im.assign(n / 2 + 1, 0.0);
    for (size_t k = 0; k <= n / 2; ++k)
        for (size_t t = 0; t < n; ++t) {
            const double angle = -2.0 * M_PI * double(k * t % n) / double(n);
            re[k] += x[t] * std::cos(angle);
            im[k] += x[t] * std::sin(angle);
        }
}
}  // namespace

TEST(RealFft, MatchesDoubleDftForEverySize) {
    std::mt19937 rng(7);
    std::normal_distribution<float> noise(0.0f, 1.0f);
    for (int n : {4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048}) {
        std::vector<float> x(n);
        for (auto& v : x) v = noise(rng);
        cf::RealFftPlan plan(n);
        std::vector<float> re(plan.n_bins()), im(plan.n_bins());
        plan.forward(x.data(), re.data(), im.data());
        std::vector<double> ref_re, ref_im;
        naive_dft(x, ref_re, ref_im);
        // Tolerance: float FFT error grows like eps·log2(n)·‖x‖; ‖x‖ ≈ √n for unit noise.
        const double tolerance = 1.2e-7 * 4 * std::log2(double(n)) * std::sqrt(double(n)) * 4;
        for (int k = 0; k < plan.n_bins(); ++k) {
            ASSERT_NEAR(re[k], ref_re[k], tolerance) << "n=" << n << " k=" << k;
            ASSERT_NEAR(im[k], ref_im[k], tolerance) << "n=" << n << " k=" << k;
        }
    }
}

TEST(RealFft, SimdBatchEqualsScalarPerLane) {
    using O = cf::simd::SimdOps;
    constexpr int L = O::lanes;
    const int n = 512;
    cf::RealFftPlan plan(n);
    std::mt19937 rng(3);
    std::uniform_real_distribution<float> u(-1.0f, 1.0f);
    std::vector<std::vector<float>> frames(L, std::vector<float>(n));
    for (auto& f : frames)
        for (auto& v : f) v = u(rng);
    std::vector<float> zr(n / 2 * L), zi(n / 2 * L), yr(n / 2 * L), yi(n / 2 * L), re(257 * L), im(257 * L);
    for (int l = 0; l < L; ++l)
        for (int k = 0; k < n / 2; ++k) {
            zr[k * L + l] = frames[l][2 * k];
            zi[k * L + l] = frames[l][2 * k + 1];
        }
    plan.forward_packed<O>(zr.data(), zi.data(), yr.data(), yi.data(), re.data(), im.data());
    for (int l = 0; l < L; ++l) {
        std::vector<float> sre(257), sim(257);
        plan.forward(frames[l].data(), sre.data(), sim.data());
        for (int k = 0; k < 257; ++k) {
            ASSERT_EQ(re[k * L + l], sre[k]) << "lane " << l << " bin " << k;
            ASSERT_EQ(im[k * L + l], sim[k]) << "lane " << l << " bin " << k;
        }
    }
}
