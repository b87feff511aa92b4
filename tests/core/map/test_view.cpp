// Map view helpers: picking, box/lasso selection, out-of-sample placement, colour scales.
#include <gtest/gtest.h>

#include <cmath>

#include "core/map/view.h"

namespace {

const std::vector<float> kGrid = {0, 0, 1, 0, 2, 0, 0, 1, 1, 1, 2, 1, NAN, 5};  // 6 grid points + one NaN

TEST(MapView, BoundsSkipNonFinite) {
    const cf::MapBounds b = cf::map_bounds(kGrid);
    EXPECT_FALSE(b.empty);
    EXPECT_FLOAT_EQ(b.min_x, 0);
    EXPECT_FLOAT_EQ(b.max_x, 2);
    EXPECT_FLOAT_EQ(b.max_y, 1);
    EXPECT_TRUE(cf::map_bounds(std::vector<float>{NAN, NAN}).empty);
}

TEST(MapView, NearestWithinRadius) {
    EXPECT_EQ(cf::nearest_point(kGrid, {0.9f, 0.8f}, 0.5f), 4u);
    EXPECT_FALSE(cf::nearest_point(kGrid, {5, 5}, 0.5f).has_value());
    EXPECT_EQ(cf::nearest_point(kGrid, {0.5f, 0.0f}, 1.0f), 0u);  // tie between 0 and 1: lower index
}

TEST(MapView, BoxAnyCornerOrder) {
    EXPECT_EQ(cf::select_box(kGrid, {1.5f, 1.5f}, {0.5f, -0.5f}), (std::vector<uint32_t>{1, 4}));
    EXPECT_TRUE(cf::select_box(kGrid, {10, 10}, {11, 11}).empty());
}

TEST(MapView, LassoEvenOddAndConcave) {
    // An L-shaped (concave) polygon: the bottom row and the left column, not (1, 1) or (2, 1).
    const std::vector<cf::MapPoint> l = {{-0.5f, -0.5f}, {2.5f, -0.5f}, {2.5f, 0.5f}, {0.5f, 0.5f}, {0.5f, 1.5f}, {-0.5f, 1.5f}};
    EXPECT_EQ(cf::select_lasso(kGrid, l), (std::vector<uint32_t>{0, 1, 2, 3}));
    EXPECT_TRUE(cf::point_in_polygon({0, 0}, l));
    EXPECT_FALSE(cf::point_in_polygon({1, 1}, l));
    EXPECT_TRUE(cf::select_lasso(kGrid, std::vector<cf::MapPoint>{{0, 0}, {1, 1}}).empty());  // < 3 vertices
    // The lasso agrees with the box for a rectangle.
    const std::vector<cf::MapPoint> rect = {{-0.1f, -0.1f}, {1.1f, -0.1f}, {1.1f, 1.1f}, {-0.1f, 1.1f}};
    EXPECT_EQ(cf::select_lasso(kGrid, rect), cf::select_box(kGrid, {-0.1f, -0.1f}, {1.1f, 1.1f}));
}

TEST(MapView, PlaceAmongNeighbours) {
    const std::vector<uint32_t> nb = {0, 2};
    auto p = cf::place_among(kGrid, nb, std::vector<float>{3, 1});
    ASSERT_TRUE(p);
    EXPECT_FLOAT_EQ(p->x, 0.5f);  // (3·0 + 1·2) / 4
    p = cf::place_among(kGrid, nb, std::vector<float>{0, 0});  // all-zero weights: plain mean
    ASSERT_TRUE(p);
    EXPECT_FLOAT_EQ(p->x, 1.0f);
    EXPECT_FALSE(cf::place_among(kGrid, std::vector<uint32_t>{6, 99}, std::vector<float>{1, 1}));  // NaN, out of range
}

TEST(MapView, RampIsMonotonicInLightness) {
    float last = -1;
    for (int i = 0; i <= 20; ++i) {
        const cf::Rgba8 c = cf::ramp_colour(float(i) / 20.0f);
        const float luma = 0.2126f * c.r + 0.7152f * c.g + 0.0722f * c.b;
        EXPECT_GT(luma, last) << "at " << i;
        last = luma;
    }
    EXPECT_EQ(cf::ramp_colour(NAN).r, 140);
    EXPECT_EQ(cf::ramp_colour(-3.0f).packed(), cf::ramp_colour(0.0f).packed());
}

TEST(MapView, CategoryColoursDistinctForFirst24) {
    for (size_t i = 0; i < 24; ++i)
        for (size_t j = i + 1; j < 24; ++j) EXPECT_NE(cf::category_colour(i).packed(), cf::category_colour(j).packed()) << i << " " << j;
}

TEST(MapView, RobustRangeIgnoresOutliers) {
    std::vector<float> v;
    for (int i = 0; i < 100; ++i) v.push_back(float(i));
    v.push_back(1e6f);
    v.push_back(NAN);
    const cf::ValueRange r = cf::robust_range(v);
    EXPECT_NEAR(r.lo, 2, 1.01);
    EXPECT_NEAR(r.hi, 98, 1.01);
    EXPECT_FLOAT_EQ(r.normalise(1e6f), 1.0f);
    EXPECT_TRUE(std::isnan(r.normalise(NAN)));
    EXPECT_FLOAT_EQ(cf::robust_range(std::vector<float>{3, 3}).normalise(3), 0.5f);
}

}  // namespace
