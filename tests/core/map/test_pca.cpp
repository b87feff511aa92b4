#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "core/map/detail/random.h"
#include "core/map/pca.h"

namespace {

// 300 points on a plane in 12-D: x = offset + 3·a·u + 1·b·v (+ 1e-4 noise), u ⟂ v unit vectors.
struct Plane {
    std::vector<float> data;
    std::vector<double> a, b;
    size_t n = 300, dim = 12;
};
Plane make_plane() {
    cf::map_detail::SplitMix64 rng(11);
    Plane p;
    std::vector<double> u(p.dim), v(p.dim), off(p.dim);
    for (auto* w : {&u, &v, &off})
        for (double& x : *w) x = rng.normal();
    auto normalise = [&](std::vector<double>& w) {
        double s = 0;
        for (double x : w) s += x * x;
        for (double& x : w) x /= std::sqrt(s);
    };
    normalise(u);
    double uv = 0;
    for (size_t d = 0; d < p.dim; ++d) uv += u[d] * v[d];
    for (size_t d = 0; d < p.dim; ++d) v[d] -= uv * u[d];
    normalise(v);
    for (size_t i = 0; i < p.n; ++i) {
        const double a = 3.0 * rng.normal(), b = rng.normal();
        p.a.push_back(a);
        p.b.push_back(b);
        for (size_t d = 0; d < p.dim; ++d)
            p.data.push_back(float(off[d] + a * u[d] + b * v[d] + 1e-4 * rng.normal()));
    }
    // The reference coordinates are relative to the sample mean, as PCA's are.
    double ma = 0, mb = 0;
    for (size_t i = 0; i < p.n; ++i) ma += p.a[i], mb += p.b[i];
    for (size_t i = 0; i < p.n; ++i) p.a[i] -= ma / double(p.n), p.b[i] -= mb / double(p.n);
    return p;
}

TEST(Pca2d, RecoversAKnownPlane) {
    const Plane p = make_plane();
    auto xy = cf::pca_2d(p.data.data(), p.n, p.dim);
    ASSERT_TRUE(xy) << xy.status().message();
    // Up to one sign per axis (fixed by PCA's own convention, not by u and v): the sample a, b are not
    // exactly uncorrelated, so the principal axes are u, v rotated by a small angle; 0.02 covers that
    // (float data, values up to ~10).
    const double s0 = (*xy)[0] * p.a[0] >= 0 ? 1.0 : -1.0, s1 = (*xy)[1] * p.b[1] >= 0 ? 1.0 : -1.0;
    double err0 = 0, err1 = 0, var0 = 0, var1 = 0;
    for (size_t i = 0; i < p.n; ++i) {
        err0 = std::fmax(err0, std::fabs((*xy)[2 * i] - s0 * p.a[i]));
        err1 = std::fmax(err1, std::fabs((*xy)[2 * i + 1] - s1 * p.b[i]));
        var0 += (*xy)[2 * i] * (*xy)[2 * i];
        var1 += (*xy)[2 * i + 1] * (*xy)[2 * i + 1];
    }
    EXPECT_LT(err0, 0.15);
    EXPECT_LT(err1, 0.15);
    EXPECT_GT(var0, 4.0 * var1);  // column 0 is the axis of largest variance (9 vs 1)
    // Variance preserved: the plane holds all of it.
    double total = 0;
    for (size_t i = 0; i < p.n; ++i) total += p.a[i] * p.a[i] + p.b[i] * p.b[i];
    EXPECT_NEAR((var0 + var1) / total, 1.0, 1e-4);
}

TEST(Pca2d, SignIsDeterministic) {
    const Plane p = make_plane();
    auto xy = cf::pca_2d(p.data.data(), p.n, p.dim);
    std::vector<float> negated(p.data);
    for (float& x : negated) x = -x;
    auto neg = cf::pca_2d(negated.data(), p.n, p.dim);
    ASSERT_TRUE(xy && neg);
    // Same axes (sign fixed by the axis itself), so the projections of −X are exactly minus those of X
    // up to float rounding of the centred data.
    for (size_t i = 0; i < 2 * p.n; ++i) EXPECT_NEAR((*neg)[i], -(*xy)[i], 1e-4) << i;
}

TEST(Pca2d, EdgeCases) {
    const float one[4] = {1, 2, 3, 4};
    auto r1 = cf::pca_2d(one, 1, 4);
    ASSERT_TRUE(r1);
    EXPECT_EQ(*r1, (std::vector<float>{0, 0}));
    std::vector<float> constant(50 * 3, 7.0f);
    auto rc = cf::pca_2d(constant.data(), 50, 3);
    ASSERT_TRUE(rc);
    for (float x : *rc) EXPECT_EQ(x, 0.0f);
    const float line[5] = {1, 2, 3, 4, 5};  // dim 1: second column is zero
    auto rl = cf::pca_2d(line, 5, 1);
    ASSERT_TRUE(rl);
    EXPECT_NEAR((*rl)[0], -2.0f, 1e-6);
    EXPECT_EQ((*rl)[1], 0.0f);
    std::vector<float> bad(10 * 4, 1.0f);
    bad[2 * 4 + 1] = std::numeric_limits<float>::infinity();
    auto rb = cf::pca_2d(bad.data(), 10, 4);
    ASSERT_FALSE(rb);
    EXPECT_NE(rb.status().message().find("data[2][1]"), std::string::npos) << rb.status().message();
    EXPECT_FALSE(cf::pca_2d(bad.data(), 0, 4));
}

}  // namespace
