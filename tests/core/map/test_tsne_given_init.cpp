// t-SNE started from a caller's layout (TsneInit::given): the browser restarts the map from the
// current layout when the perplexity changes, so the points do not jump to a fresh arrangement.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "core/map/tsne.h"
#include "map_test_data.h"

namespace {

const cf::test::Clusters& clusters() {
    static const cf::test::Clusters c = cf::test::gaussian_clusters(4, 30, 20, 6.0, 11);
    return c;
}

// A layout that already separates the clusters: cluster k around (10·k, −5·k), jittered.
std::vector<float> separated_layout(const cf::test::Clusters& c) {
    std::vector<float> xy(2 * c.n);
    for (size_t i = 0; i < c.n; ++i) {
        xy[2 * i] = 10.0f * float(c.label[i]) + 0.1f * float(i % 7);
        xy[2 * i + 1] = -5.0f * float(c.label[i]) + 0.1f * float(i % 5);
    }
    return xy;
}

TEST(TsneGivenInit, StartsFromTheCentredScaledLayout) {
    const auto& c = clusters();
    const std::vector<float> given = separated_layout(c);
    cf::TsneOptions o;
    o.init = cf::TsneInit::given;
    o.initial_layout = given;
    o.n_iterations = 0;
    cf::Tsne t;
    ASSERT_TRUE(t.init(c.data.data(), c.n, c.dim, o));
    double mx = 0.0, my = 0.0, vx = 0.0;
    for (size_t i = 0; i < c.n; ++i) {
        mx += given[2 * i];
        my += given[2 * i + 1];
    }
    mx /= double(c.n);
    my /= double(c.n);
    for (size_t i = 0; i < c.n; ++i) vx += (given[2 * i] - mx) * (given[2 * i] - mx);
    const double scale = 1e-4 / std::sqrt(vx / double(c.n));
    const std::vector<float>& xy = t.embedding();
    ASSERT_EQ(xy.size(), given.size());
    // float32 output of a double computation: relative error ~1e-7 of values ~1e-4.
    for (size_t i = 0; i < c.n; ++i) {
        EXPECT_NEAR(xy[2 * i], (given[2 * i] - mx) * scale, 1e-9) << "point " << i;
        EXPECT_NEAR(xy[2 * i + 1], (given[2 * i + 1] - my) * scale, 1e-9) << "point " << i;
    }
}

TEST(TsneGivenInit, ConvergesAndKeepsClustersApart) {
    const auto& c = clusters();
    cf::TsneOptions o;
    o.init = cf::TsneInit::given;
    o.initial_layout = separated_layout(c);
    o.n_iterations = 400;
    o.perplexity = 10;
    cf::Result<std::vector<float>> xy = cf::tsne(c.data.data(), c.n, c.dim, o);
    ASSERT_TRUE(xy) << xy.status().message();
    for (float v : *xy) ASSERT_TRUE(std::isfinite(v));
    EXPECT_GE(cf::test::knn_label_accuracy(*xy, c.label, 5), 0.95);
}

TEST(TsneGivenInit, RejectsWrongSizeAndNonFiniteLayouts) {
    const auto& c = clusters();
    cf::TsneOptions o;
    o.init = cf::TsneInit::given;
    o.initial_layout.assign(2 * c.n - 2, 0.0f);
    cf::Tsne t;
    cf::Status s = t.init(c.data.data(), c.n, c.dim, o);
    ASSERT_FALSE(s);
    EXPECT_EQ(s.code(), cf::ErrorCode::invalid_argument);
    EXPECT_NE(s.message().find("initial_layout has " + std::to_string(2 * c.n - 2) + " values"), std::string::npos)
        << s.message();
    EXPECT_FALSE(t.step(1));  // left empty

    o.initial_layout = separated_layout(c);
    o.initial_layout[2 * 3 + 1] = NAN;
    s = t.init(c.data.data(), c.n, c.dim, o);
    ASSERT_FALSE(s);
    EXPECT_NE(s.message().find("initial_layout[3][1] is not finite"), std::string::npos) << s.message();
}

TEST(TsneGivenInit, LayoutWithoutSpreadFallsBackToRandom) {
    const auto& c = clusters();
    cf::TsneOptions o;
    o.init = cf::TsneInit::given;
    o.initial_layout.assign(2 * c.n, 3.0f);  // all points on one spot
    o.n_iterations = 0;
    cf::Tsne t;
    ASSERT_TRUE(t.init(c.data.data(), c.n, c.dim, o));
    const std::vector<float>& xy = t.embedding();
    bool spread = false;
    for (size_t i = 1; i < c.n; ++i) spread |= xy[2 * i] != xy[0];
    EXPECT_TRUE(spread);
}

}  // namespace
