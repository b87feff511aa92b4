// Pearson correlation against values worked out by hand.
#include <gtest/gtest.h>

#include <vector>

#include "core/common/stats.h"

using namespace cf;

TEST(Stats, PearsonOfKnownSeries) {
    double r = 7.0;
    const std::vector<double> a = {1, 2, 3, 4}, up = {2, 4, 6, 8}, down = {8, 6, 4, 2};
    ASSERT_TRUE(pearson(a, up, &r));
    EXPECT_NEAR(r, 1.0, 1e-12);
    ASSERT_TRUE(pearson(a, down, &r));
    EXPECT_NEAR(r, -1.0, 1e-12);
    // x = 1, 2, 3 against y = 1, 3, 2: cov 0.5 / sqrt(1 · 1) over the centred sums = 0.5.
    const std::vector<float> x = {1, 2, 3}, y = {1, 3, 2};
    ASSERT_TRUE(pearson(std::span<const float>(x), std::span<const float>(y), &r));
    EXPECT_NEAR(r, 0.5, 1e-7);
}

TEST(Stats, PearsonRefusesFlatOrShortSeries) {
    double r = 7.0;
    const std::vector<double> flat = {2, 2, 2, 2}, a = {1, 2, 3, 4}, two = {1, 2};
    EXPECT_FALSE(pearson(flat, a, &r));
    EXPECT_FALSE(pearson(two, two, &r));
    EXPECT_EQ(r, 7.0) << "r is left as it was";
}
