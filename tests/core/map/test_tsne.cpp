#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "core/map/quality.h"
#include "core/map/tsne.h"
#include "map_test_data.h"

namespace {

bool all_finite(const std::vector<float>& v) {
    for (float x : v)
        if (!std::isfinite(x)) return false;
    return true;
}

// 5 clusters × 40 points in 50-D, centres ~ 6σ·√100 = 60σ apart: clearly separated. Small, so the
// whole file runs in a few seconds under ASan and under Node.
const cf::test::Clusters& clusters() {
    static const cf::test::Clusters c = cf::test::gaussian_clusters(5, 40, 50, 6.0, 42);
    return c;
}

cf::TsneOptions fast_options() {
    cf::TsneOptions o;
    o.n_iterations = 500;
    o.seed = 3;
    return o;
}

TEST(Tsne, SeparatesGaussianClustersAndLowersKl) {
    const auto& c = clusters();
    cf::Tsne t;
    ASSERT_TRUE(t.init(c.data.data(), c.n, c.dim, fast_options()));
    t.step(260);  // past early exaggeration
    const double kl_early = t.kl_divergence_estimate();
    while (t.step(50)) {
    }
    const std::vector<float>& xy = t.embedding();
    ASSERT_EQ(xy.size(), 2 * c.n);
    ASSERT_TRUE(all_finite(xy));
    const double kl_final = t.kl_divergence_estimate();
    EXPECT_TRUE(std::isfinite(kl_final));
    EXPECT_GT(kl_final, 0.0);
    EXPECT_LT(kl_final, kl_early);
    // Clusters this far apart must come out as separate islands: a 5-NN vote in 2-D recovers the label.
    EXPECT_GE(cf::test::knn_label_accuracy(xy, c.label, 5), 0.95);
    // Within a cluster the points are an isotropic blob, so local order is partly noise; 0.85 is well
    // below what we get (≈ 0.9) and far above a random layout (≈ 0.5).
    cf::Result<double> tw = cf::trustworthiness(c.data.data(), c.n, c.dim, xy.data(), 2, 10);
    ASSERT_TRUE(tw) << tw.status().message();
    EXPECT_GE(*tw, 0.85);
}

TEST(Tsne, RandomInitAlsoSeparatesClusters) {
    const auto& c = clusters();
    cf::TsneOptions o = fast_options();
    o.init = cf::TsneInit::random;
    cf::Result<std::vector<float>> xy = cf::tsne(c.data.data(), c.n, c.dim, o);
    ASSERT_TRUE(xy) << xy.status().message();
    EXPECT_GE(cf::test::knn_label_accuracy(*xy, c.label, 5), 0.95);
}

TEST(Tsne, DeterministicForASeed) {
    const auto& c = clusters();
    cf::TsneOptions o = fast_options();
    o.init = cf::TsneInit::random;
    o.n_iterations = 100;
    auto a = cf::tsne(c.data.data(), c.n, c.dim, o);
    auto b = cf::tsne(c.data.data(), c.n, c.dim, o);
    ASSERT_TRUE(a && b);
    EXPECT_EQ(*a, *b);
    o.seed = 4;
    auto d = cf::tsne(c.data.data(), c.n, c.dim, o);
    ASSERT_TRUE(d);
    EXPECT_NE(*a, *d);
}

TEST(Tsne, StepApiMatchesOneShot) {
    const auto& c = clusters();
    cf::TsneOptions o = fast_options();
    o.n_iterations = 120;
    o.early_exaggeration_iterations = 50;
    auto one_shot = cf::tsne(c.data.data(), c.n, c.dim, o);
    ASSERT_TRUE(one_shot);
    cf::Tsne t;
    ASSERT_TRUE(t.init(c.data.data(), c.n, c.dim, o));
    EXPECT_EQ(t.iteration(), 0);
    int calls = 0;
    const int sizes[] = {1, 7, 3, 33};  // odd step sizes crossing the end of early exaggeration
    while (t.step(sizes[calls % 4])) ++calls;
    EXPECT_FALSE(t.step(5));
    EXPECT_TRUE(t.done());
    EXPECT_EQ(t.iteration(), 120);
    EXPECT_EQ(t.embedding(), *one_shot);  // same arithmetic in the same order: bit-identical
}

TEST(Tsne, TinyInputs) {
    const float one[3] = {1, 2, 3};
    auto r1 = cf::tsne(one, 1, 3);
    ASSERT_TRUE(r1);
    EXPECT_EQ(*r1, (std::vector<float>{0, 0}));
    const float two[6] = {1, 2, 3, 4, 5, 6};
    cf::Tsne t;
    ASSERT_TRUE(t.init(two, 2, 3, {}));
    EXPECT_FALSE(t.step(10));
    EXPECT_EQ(t.embedding(), (std::vector<float>{-1, 0, 1, 0}));
    EXPECT_FALSE(t.note().empty());
    EXPECT_EQ(t.kl_divergence_estimate(), 0.0);
    // 3 and 7 points: perplexity 30 is clamped to (N-1)/3, and says so.
    for (size_t n : {3, 7}) {
        auto c = cf::test::gaussian_clusters(1, n, 4, 1.0, 9);
        cf::Tsne s;
        ASSERT_TRUE(s.init(c.data.data(), n, 4, fast_options()));
        EXPECT_DOUBLE_EQ(s.effective_perplexity(), double(n - 1) / 3.0);
        EXPECT_NE(s.note().find("perplexity 30"), std::string::npos) << s.note();
        while (s.step(100)) {
        }
        EXPECT_TRUE(all_finite(s.embedding()));
    }
}

TEST(Tsne, DuplicatesAndConstantData) {
    // 8 distinct points, each repeated 6 times.
    auto base = cf::test::gaussian_clusters(8, 1, 10, 3.0, 5);
    std::vector<float> dup;
    for (size_t r = 0; r < 6; ++r)
        for (size_t i = 0; i < 8; ++i) dup.insert(dup.end(), base.data.begin() + std::ptrdiff_t(i * 10),
                                                  base.data.begin() + std::ptrdiff_t(i * 10 + 10));
    auto xy = cf::tsne(dup.data(), 48, 10, fast_options());
    ASSERT_TRUE(xy) << xy.status().message();
    ASSERT_TRUE(all_finite(*xy));
    // Identical inputs start identical (PCA init) and get identical gradients: they stay together.
    for (size_t r = 1; r < 6; ++r)
        for (size_t i = 0; i < 8; ++i) {
            EXPECT_FLOAT_EQ((*xy)[2 * (r * 8 + i)], (*xy)[2 * i]);
            EXPECT_FLOAT_EQ((*xy)[2 * (r * 8 + i) + 1], (*xy)[2 * i + 1]);
        }
    std::vector<float> constant(40 * 6, 0.25f);
    auto flat = cf::tsne(constant.data(), 40, 6, fast_options());
    ASSERT_TRUE(flat) << flat.status().message();
    EXPECT_TRUE(all_finite(*flat));
}

TEST(Tsne, RejectsBadInputWithANamedMessage) {
    auto c = cf::test::gaussian_clusters(2, 10, 8, 3.0, 1);
    c.data[3 * 8 + 7] = std::numeric_limits<float>::quiet_NaN();
    cf::Tsne t;
    cf::Status s = t.init(c.data.data(), c.n, c.dim, {});
    EXPECT_EQ(s.code(), cf::ErrorCode::invalid_argument);
    EXPECT_NE(s.message().find("data[3][7]"), std::string::npos) << s.message();
    EXPECT_FALSE(t.step(1));

    auto ok = cf::test::gaussian_clusters(2, 10, 8, 3.0, 1);
    cf::TsneOptions o;
    o.perplexity = -1;
    auto r = cf::tsne(ok.data.data(), ok.n, ok.dim, o);
    ASSERT_FALSE(r);
    EXPECT_NE(r.status().message().find("perplexity = -1"), std::string::npos) << r.status().message();
    o = {};
    o.theta = 2;
    EXPECT_NE(cf::validate(o).message().find("theta = 2"), std::string::npos);
    o = {};
    o.early_exaggeration = 0.5;
    EXPECT_NE(cf::validate(o).message().find("early_exaggeration = 0.5"), std::string::npos);
    EXPECT_FALSE(cf::tsne(ok.data.data(), 0, 8));

    o = {};
    o.max_memory_bytes = 1000;
    auto big = cf::tsne(ok.data.data(), ok.n, ok.dim, o);
    ASSERT_FALSE(big);
    EXPECT_EQ(big.status().code(), cf::ErrorCode::too_large);
}

TEST(Tsne, ProgressAndCancel) {
    const auto& c = clusters();
    cf::TsneOptions o = fast_options();
    o.n_iterations = 60;
    double last = -1.0;
    bool monotonic = true;
    auto r = cf::tsne(c.data.data(), c.n, c.dim, o, [&](double f) {
        monotonic = monotonic && f >= last && f <= 1.0;
        last = f;
        return true;
    });
    ASSERT_TRUE(r);
    EXPECT_TRUE(monotonic);
    EXPECT_DOUBLE_EQ(last, 1.0);
    auto cancelled = cf::tsne(c.data.data(), c.n, c.dim, o, [](double f) { return f < 0.5; });
    ASSERT_FALSE(cancelled);
    EXPECT_EQ(cancelled.status().code(), cf::ErrorCode::cancelled);
}

}  // namespace
