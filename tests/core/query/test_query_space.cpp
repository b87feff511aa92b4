// The query engine on a catalog with a similarity space (format v3): a file's embedding is mapped
// into the catalog's space before it meets the catalog (search, the track input, items), the match %
// is calibrated in that space, and a catalog from before (v2) searches exactly as it did.
#include <gtest/gtest.h>

#include <cmath>

#include "core/catalog/catalog.h"
#include "core/catalog/fixture_gen.h"
#include "core/query/query_engine.h"
#include "test_util.h"

namespace {

std::vector<float> file_embedding(size_t i, float scale) {
    const std::vector<float> v = cf::test::clustered_vectors(cf::test::kFixtureTracks, cf::test::kFixtureDim, 4, 42);
    std::vector<float> e(v.begin() + ptrdiff_t(i * cf::test::kFixtureDim), v.begin() + ptrdiff_t((i + 1) * cf::test::kFixtureDim));
    for (float& x : e) x = x * scale + 0.05f * std::sin(float(i + 1) * x);  // a file: near the track, not the same
    return e;
}

cf::Catalog open_v3() {
    auto cat = cf::Catalog::open(cf::test::test_data_dir() + "/catalog/fixture_v3.cfc");
    CF_ASSERT(cat.is_ok());
    return std::move(*cat);
}

float dot(const std::vector<float>& a, const std::vector<float>& b) {
    double d = 0;
    for (size_t i = 0; i < a.size(); ++i) d += double(a[i]) * b[i];
    return float(d);
}

TEST(QuerySpace, AFileSearchEqualsSearchingTheProjectedVector) {
    const cf::Catalog cat = open_v3();
    ASSERT_TRUE(cat.space());
    const cf::query::QueryEngine engine(cat);
    EXPECT_EQ(engine.input_dim(), cf::test::kFixtureDim);
    EXPECT_EQ(engine.dim(), 12u);
    cf::SearchOptions o;
    o.k = 7;
    for (size_t i : {0u, 5u, 13u}) {
        const std::vector<float> file = file_embedding(i, 2.0f);
        auto hits = engine.search(file, o);
        ASSERT_TRUE(hits) << hits.status().message();
        auto projected = cat.space()->apply(file);
        ASSERT_TRUE(projected);
        auto want = cat.search(*projected, o);
        ASSERT_TRUE(want);
        ASSERT_EQ(hits->size(), want->size());
        for (size_t r = 0; r < hits->size(); ++r) {
            EXPECT_EQ((*hits)[r].id, (*want)[r].id);
            EXPECT_EQ((*hits)[r].score, (*want)[r].score);
            EXPECT_TRUE(std::isfinite((*hits)[r].match_percent));
        }
    }
    // The stored-space vector is not a file's embedding: refused (other size), not searched wrongly.
    EXPECT_FALSE(engine.search(cat.embedding(0), o));
}

TEST(QuerySpace, TheTrackInputAndItemsAreMappedIntoTheSpace) {
    const cf::Catalog cat = open_v3();
    const cf::query::QueryEngine engine(cat);
    cf::query::MixedQuery q;
    q.track = cf::query::unit_vector(file_embedding(3, 1.0f));
    q.options.k = 5;
    cf::query::Item item;
    item.audio = file_embedding(8, 4.0f);
    q.items.push_back(item);
    auto r = engine.run(q, nullptr);
    ASSERT_TRUE(r) << r.status().message();
    ASSERT_EQ(r->inputs.size(), 1u);
    const std::vector<float> track = *cat.space()->apply(q.track);
    for (uint32_t t = 0; t < cat.size(); ++t) EXPECT_NEAR(r->inputs[0].scores[t], dot(cat.embedding(t), track), 1e-6);
    ASSERT_EQ(r->inputs[0].items.size(), 1u);
    EXPECT_NEAR(r->inputs[0].items[0].raw, dot(*cat.space()->apply(item.audio), track), 1e-6);
    EXPECT_TRUE(std::isfinite(r->inputs[0].items[0].match_percent));
    // Inputs of the stored dim are refused with the input dim in the message.
    q.track = cat.embedding(0);
    auto bad = engine.run(q, nullptr);
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.status().message().find("expected a 16-d embedding"), std::string::npos) << bad.status().message();
}

TEST(QuerySpace, MatchPercentIsCalibratedInTheSpace) {
    const cf::Catalog cat = open_v3();
    const cf::query::QueryEngine engine(cat);
    ASSERT_TRUE(engine.calibration());
    // The reference: each track's best cosine to another track, between the stored (space) embeddings.
    std::vector<float> want;
    for (uint32_t t = 0; t < cat.size(); ++t) {
        float best = -2;
        for (uint32_t u = 0; u < cat.size(); ++u)
            if (u != t) best = std::max(best, dot(cat.embedding(t), cat.embedding(u)));
        want.push_back(best);
    }
    std::sort(want.begin(), want.end());
    const auto ref = engine.calibration()->reference();
    ASSERT_EQ(ref.size(), want.size());
    for (size_t i = 0; i < want.size(); ++i) EXPECT_NEAR(ref[i], want[i], 1e-5);
}

TEST(QuerySpace, AnOldCatalogIsSearchedExactlyAsBefore) {
    auto cat = cf::Catalog::open(cf::test::test_data_dir() + "/catalog/fixture_v2.cfc");
    ASSERT_TRUE(cat);
    const cf::query::QueryEngine engine(*cat);
    EXPECT_EQ(engine.input_dim(), cat->dim());
    cf::SearchOptions o;
    o.k = 8;
    const std::vector<float> file = file_embedding(6, 3.0f);
    auto a = engine.search(file, o), b = cat->search(file, o);
    ASSERT_TRUE(a && b);
    for (size_t r = 0; r < 8; ++r) {
        EXPECT_EQ((*a)[r].id, (*b)[r].id);
        EXPECT_EQ((*a)[r].score, (*b)[r].score);
    }
}

}  // namespace
