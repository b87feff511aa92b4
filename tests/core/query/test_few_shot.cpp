// Few-shot custom tags (core/query/few_shot.h) on synthetic clusters: a tight cluster of positives in a
// cloud of random background directions must be learned; inconsistent or too few examples flagged.
#include "core/query/few_shot.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "core/common/random.h"
#include "query_test_util.h"

namespace cf::query {
namespace {

constexpr size_t kDim = 16;

// n rows around `centre` (unit) with Gaussian noise of `spread` per value; centre empty: isotropic.
std::vector<float> rows(SplitMix64& rng, size_t n, const std::vector<float>& centre, double spread) {
    std::vector<float> out;
    for (size_t i = 0; i < n; ++i)
        for (size_t d = 0; d < kDim; ++d) out.push_back(float((centre.empty() ? 0.0 : centre[d]) + spread * rng.normal()));
    return out;
}

std::vector<float> axis(size_t j) {
    std::vector<float> v(kDim, 0.0f);
    v[j] = 1.0f;
    return v;
}

std::span<const float> row(const std::vector<float>& r, size_t i) { return {r.data() + i * kDim, kDim}; }

struct FewShotClusters : testing::Test {
    SplitMix64 rng{7};
    std::vector<float> background = rows(rng, 300, {}, 1.0);
    std::vector<float> cluster(size_t n) { return rows(rng, n, axis(3), 0.15); }
    FewShotTag train(const std::vector<float>& pos, const std::vector<float>& neg = {}) {
        auto t = train_few_shot("tag", {kDim, pos, neg, background});
        EXPECT_TRUE(t) << t.status().message();
        return t ? *t : FewShotTag{};
    }
};

TEST_F(FewShotClusters, SeparableClusterScoresHighAndBackgroundLow) {
    const FewShotTag tag = train(cluster(5));
    EXPECT_EQ(tag.trust, FewShotTrust::ok) << tag.trust_message;
    EXPECT_GT(tag.loo_auc, 0.95f);
    const std::vector<float> fresh = cluster(50), other = rows(rng, 200, {}, 1.0);
    size_t fresh_fit = 0, other_fit = 0;
    for (size_t i = 0; i < 50; ++i) fresh_fit += fits(tag, *score(tag, row(fresh, i)));
    for (size_t i = 0; i < 200; ++i) other_fit += fits(tag, *score(tag, row(other, i)));
    EXPECT_GE(fresh_fit, 48u);
    EXPECT_LE(other_fit, 10u);  // ~5 % of random directions lean toward axis 3 at even odds
}

TEST_F(FewShotClusters, WhitenedHeadAlsoLearnsTheCluster) {
    FewShotOptions o;
    o.shrinkage = 0.3f;  // the covariance path (the default 1 skips it)
    auto tag = train_few_shot("tag", {kDim, cluster(5), {}, background}, o);
    ASSERT_TRUE(tag) << tag.status().message();
    EXPECT_EQ(tag->trust, FewShotTrust::ok) << tag->trust_message;
    const std::vector<float> fresh = cluster(20);
    for (size_t i = 0; i < 20; ++i) EXPECT_GT(*raw_score(*tag, row(fresh, i)), 2.0f) << i;
    o.shrinkage = 0.0f;
    EXPECT_FALSE(train_few_shot("tag", {kDim, cluster(5), {}, background}, o));  // a singular covariance is refused
}

TEST_F(FewShotClusters, ManyPositivesLeaveOutASampleAndStayConsistent) {
    const FewShotTag tag = train(cluster(150));  // more than the 64 left out one at a time
    EXPECT_EQ(tag.n_positives, 150u);
    EXPECT_EQ(tag.trust, FewShotTrust::ok);
    EXPECT_GT(tag.loo_auc, 0.95f);
    EXPECT_GT(*score(tag, axis(3)), 0.9f);
}

TEST_F(FewShotClusters, RawScoreIsAZScoreOverTheBackground) {
    const FewShotTag tag = train(cluster(4));
    double s1 = 0, s2 = 0;
    for (size_t i = 0; i < 300; ++i) {
        const float r = *raw_score(tag, row(background, i));
        s1 += r, s2 += double(r) * r;
    }
    EXPECT_NEAR(s1 / 300, 0.0, 1e-3);
    EXPECT_NEAR(std::sqrt(s2 / 300 - (s1 / 300) * (s1 / 300)), 1.0, 1e-3);
}

TEST_F(FewShotClusters, NegativesAloneAreEnough) {
    const std::vector<float> pos = cluster(4), neg = rows(rng, 6, axis(5), 0.15);
    auto t = train_few_shot("tag", {kDim, pos, neg, {}});
    ASSERT_TRUE(t) << t.status().message();
    EXPECT_EQ(t->n_background, 0u);
    EXPECT_GT(*score(*t, axis(3)), *score(*t, axis(5)));
    EXPECT_GT(*score(*t, axis(3)), 0.5f);
}

TEST_F(FewShotClusters, TwoPositivesAreTooFew) {
    const FewShotTag tag = train(cluster(2));
    EXPECT_EQ(tag.trust, FewShotTrust::too_few);
    EXPECT_NE(tag.trust_message.find("too few"), std::string::npos) << tag.trust_message;
    EXPECT_GT(*score(tag, axis(3)), 0.5f);  // still scored, only flagged
}

TEST_F(FewShotClusters, UnrelatedPositivesAreTooMixed) {
    const FewShotTag tag = train(rows(rng, 6, {}, 1.0));
    EXPECT_EQ(tag.trust, FewShotTrust::too_mixed) << tag.loo_auc;
    EXPECT_LT(tag.loo_auc, 0.75f);
    EXPECT_NE(tag.trust_message.find("too mixed"), std::string::npos);
}

TEST_F(FewShotClusters, CalibrationIsMonotoneAndSpansZeroToOne) {
    const FewShotTag tag = train(cluster(5));
    EXPECT_GT(tag.platt_a, 0.0f);
    float last = -1;
    for (float raw = -10; raw <= 10; raw += 0.25f) {
        const float p = calibrate(tag, raw);
        EXPECT_GE(p, last) << raw;
        last = p;
    }
    EXPECT_LT(calibrate(tag, -10), 0.01f);
    EXPECT_GT(calibrate(tag, 10), 0.99f);
}

TEST_F(FewShotClusters, JsonRoundTripIsExact) {
    const FewShotTag a = train(cluster(5), rows(rng, 2, axis(5), 0.1));
    const std::string text = to_json(a);
    auto b = parse_few_shot(text);
    ASSERT_TRUE(b) << b.status().message();
    EXPECT_EQ(b->name, a.name);
    EXPECT_EQ(b->dim, a.dim);
    ASSERT_EQ(b->weights.size(), a.weights.size());
    EXPECT_EQ(std::memcmp(b->weights.data(), a.weights.data(), a.weights.size() * sizeof(float)), 0);
    EXPECT_EQ(b->bias, a.bias);
    EXPECT_EQ(b->platt_a, a.platt_a);
    EXPECT_EQ(b->platt_b, a.platt_b);
    EXPECT_EQ(b->loo_auc, a.loo_auc);
    EXPECT_EQ(b->n_negatives, 2u);
    EXPECT_EQ(b->trust, a.trust);
    EXPECT_EQ(to_json(*b), text);
}

TEST_F(FewShotClusters, WrongSizesAndBadRowsAreRefused) {
    const FewShotTag tag = train(cluster(3));
    auto s = score(tag, std::vector<float>(kDim + 1, 0.1f));
    ASSERT_FALSE(s);
    EXPECT_NE(s.status().message().find("17 values"), std::string::npos) << s.status().message();
    EXPECT_FALSE(score(tag, std::vector<float>(kDim, 0.0f)));
    std::vector<float> pos = cluster(3);
    std::fill(pos.begin() + kDim, pos.begin() + 2 * kDim, 0.0f);
    auto t = train_few_shot("tag", {kDim, pos, {}, background});
    ASSERT_FALSE(t);
    EXPECT_NE(t.status().message().find("positive example 2: all zeros"), std::string::npos) << t.status().message();
    EXPECT_FALSE(train_few_shot("tag", {kDim, {}, {}, background}));
    EXPECT_FALSE(train_few_shot("tag", {kDim, cluster(3), {}, {}}));
    EXPECT_FALSE(train_few_shot(" ", {kDim, cluster(3), {}, background}));
}

TEST_F(FewShotClusters, CorruptOrForeignJsonIsRefusedNamingWhat) {
    const std::string good = to_json(train(cluster(3)));
    auto expect_error = [](const std::string& text, const char* part) {
        auto r = parse_few_shot(text);
        ASSERT_FALSE(r);
        EXPECT_NE(r.status().message().find(part), std::string::npos) << r.status().message();
    };
    expect_error(good.substr(0, good.size() / 2), "few-shot tag:");
    expect_error("[]", "expected a JSON object");
    std::string other_dim = good;
    other_dim.replace(other_dim.find("\"dim\":16"), 8, "\"dim\":15");
    expect_error(other_dim, "'weights' has 16 values, 'dim' says 15");
    std::string other_format = good;
    other_format.replace(other_format.find("cuefinder-few-shot-tag"), 22, "something-else-format!");
    expect_error(other_format, "format 'something-else-format!'");
    std::string newer = good;
    newer.replace(newer.find("\"version\":1"), 11, "\"version\":2");
    expect_error(newer, "version 2");
}

Catalog cluster_catalog(SplitMix64& rng) {
    CatalogBuilder b(kDim, "toy-embedding-1 (16-d)");
    for (size_t t = 0; t < 120; ++t) {
        const std::vector<float> e = t < 20 ? rows(rng, 1, axis(3), 0.15) : rows(rng, 1, {}, 1.0);
        TrackMeta m;
        m.id = "t" + std::to_string(t);
        EXPECT_TRUE(b.add_track(m, e));
    }
    return test::open_built(b);
}

TEST(FewShotCatalog, LearnsFromTracksAndScoresTheCatalog) {
    SplitMix64 rng(11);
    const Catalog cat = cluster_catalog(rng);
    CatalogExamples ex;
    ex.positive_tracks = {0, 1, 2, 3};
    auto tag = train_few_shot_catalog("axis three", cat, ex);
    ASSERT_TRUE(tag) << tag.status().message();
    EXPECT_EQ(tag->embedding, "toy-embedding-1");
    EXPECT_EQ(tag->n_background, 116u);
    auto p = score_catalog(*tag, cat);
    ASSERT_TRUE(p);
    size_t hits_in_cluster = 0, hits_outside = 0;
    for (size_t t = 4; t < 120; ++t) (t < 20 ? hits_in_cluster : hits_outside) += fits(*tag, (*p)[t]);
    EXPECT_GE(hits_in_cluster, 15u);
    EXPECT_LE(hits_outside, 10u);
}

TEST(FewShotCatalog, RefusesBadTrackAndForeignTag) {
    SplitMix64 rng(12);
    const Catalog cat = cluster_catalog(rng);
    CatalogExamples ex;
    ex.positive_tracks = {0, 1, 977};
    auto bad = train_few_shot_catalog("x", cat, ex);
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.status().message().find("positive track 977: the catalog has 120 tracks"), std::string::npos);
    ex.positive_tracks = {0, 1, 2};
    auto tag = train_few_shot_catalog("x", cat, ex);
    ASSERT_TRUE(tag);
    FewShotTag foreign = *tag;
    foreign.embedding = "msd-musicnn-1";
    auto s = score_catalog(foreign, cat);
    ASSERT_FALSE(s);
    EXPECT_NE(s.status().message().find("trained on msd-musicnn-1"), std::string::npos) << s.status().message();
}

}  // namespace
}  // namespace cf::query
