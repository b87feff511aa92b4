#include <gtest/gtest.h>

#include <cmath>

#include "core/map/detail/knn.h"
#include "core/map/detail/random.h"
#include "core/map/quality.h"
#include "map_test_data.h"

namespace {

TEST(Trustworthiness, PerfectAndRandomLayouts) {
    auto c = cf::test::gaussian_clusters(1, 200, 2, 1.0, 17);
    auto t = cf::trustworthiness(c.data.data(), c.n, 2, c.data.data(), 2, 10);
    ASSERT_TRUE(t) << t.status().message();
    EXPECT_DOUBLE_EQ(*t, 1.0);
    // A layout unrelated to the data scores about 0.5 (the normalisation makes chance ≈ 0.5).
    auto other = cf::test::gaussian_clusters(1, 200, 2, 1.0, 18);
    auto r = cf::trustworthiness(c.data.data(), c.n, 2, other.data.data(), 2, 10);
    ASSERT_TRUE(r);
    EXPECT_NEAR(*r, 0.5, 0.06);
}

TEST(Trustworthiness, MatchesScikitLearnOnAFixture) {
    // 30 points in 3-D and a 2-D layout built from integer formulas (no ties in any distance row, so the
    // result does not depend on tie breaking). Reference: scikit-learn 1.2.1 (Debian python3-sklearn),
    //   X = [[(i*37)%101 + 0.01*((i*i)%17), (i*i*13)%97 + 0.003*i, (i*7)%89] for i in range(30)]
    //   Y = [[(i*11)%23 + 0.1*((i*5)%7), (i*i)%19 + 0.01*i] for i in range(30)]   (both float32)
    //   sklearn.manifold.trustworthiness(X, Y, n_neighbors=5) = 0.4696969696969697
    std::vector<float> x, y;
    for (int i = 0; i < 30; ++i) {
        x.insert(x.end(), {float((i * 37) % 101 + 0.01 * ((i * i) % 17)), float((i * i * 13) % 97 + 0.003 * i),
                           float((i * 7) % 89)});
        y.insert(y.end(), {float((i * 11) % 23 + 0.1 * ((i * 5) % 7)), float((i * i) % 19 + 0.01 * i)});
    }
    auto t = cf::trustworthiness(x.data(), 30, 3, y.data(), 2, 5);
    ASSERT_TRUE(t);
    EXPECT_NEAR(*t, 0.4696969696969697, 1e-12);
}

TEST(Trustworthiness, RejectsBadArguments) {
    auto c = cf::test::gaussian_clusters(1, 20, 3, 1.0, 1);
    std::vector<float> y(40, 0.0f);
    auto big_k = cf::trustworthiness(c.data.data(), 20, 3, y.data(), 2, 10);
    ASSERT_FALSE(big_k);
    EXPECT_NE(big_k.status().message().find("k = 10"), std::string::npos) << big_k.status().message();
    y[5] = NAN;
    auto nan = cf::trustworthiness(c.data.data(), 20, 3, y.data(), 2, 3);
    ASSERT_FALSE(nan);
    EXPECT_NE(nan.status().message().find("layout[2][1]"), std::string::npos) << nan.status().message();
}

// The SIMD distance kernel against the scalar reference over odd sizes (leftover lanes). They sum in a
// different order (4 partial sums vs one), so they may differ by float rounding: for n positive terms
// the relative error of either is below n·2⁻²⁴, hence the tolerance.
TEST(MapKernels, SquaredDistanceSimdMatchesScalar) {
    cf::map_detail::SplitMix64 rng(2);
    for (size_t n : {1, 3, 4, 7, 9, 15, 17, 33, 200, 257}) {
        std::vector<float> a(n), b(n);
        for (size_t i = 0; i < n; ++i) a[i] = float(rng.normal()), b[i] = float(rng.normal());
        const float s = cf::map_detail::squared_distance<cf::simd::ScalarOps>(a.data(), b.data(), n);
        const float v = cf::map_detail::squared_distance<cf::simd::SimdOps>(a.data(), b.data(), n);
        EXPECT_NEAR(v, s, s * float(n) * 6e-8f) << "n = " << n;
    }
}

// The vantage-point tree finds exactly the neighbours brute force finds.
TEST(MapKernels, VpTreeKnnEqualsBruteForce) {
    auto c = cf::test::gaussian_clusters(8, 60, 20, 2.0, 23);
    auto tree = cf::map_detail::exact_knn(c.data.data(), c.n, c.dim, 15, 1, {}, /*brute_force_below=*/0);
    auto brute = cf::map_detail::exact_knn(c.data.data(), c.n, c.dim, 15, 1, {}, /*brute_force_below=*/c.n + 1);
    ASSERT_TRUE(tree && brute);
    EXPECT_EQ(tree->index, brute->index);
    EXPECT_EQ(tree->squared_distance, brute->squared_distance);
}

}  // namespace
