// Match calibration (core/match/calibration.h): the percent map, nearest-neighbour references, and its
// spread on the committed fixture catalog (tests/data/catalog/fixture_v1.cfc).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "core/catalog/catalog.h"
#include "core/catalog/export.h"
#include "core/index/quantizers.h"
#include "core/match/calibration.h"
#include "test_util.h"

namespace {

using cf::match::MatchCalibration;

cf::Catalog fixture() {
    auto cat = cf::Catalog::open(cf::test::test_data_dir() + "/catalog/fixture_v1.cfc");
    EXPECT_TRUE(cat.is_ok()) << cat.status().message();
    return std::move(*cat);
}

float dot(const std::vector<float>& a, const std::vector<float>& b) {
    double d = 0;
    for (size_t i = 0; i < a.size(); ++i) d += double(a[i]) * b[i];
    return float(d);
}

TEST(MatchCalibration, FractionBelowCountsTiesHalf) {
    const std::vector<float> s = {0.1f, 0.2f, 0.2f, 0.4f};
    EXPECT_FLOAT_EQ(cf::match::fraction_below(s, 0.0f), 0.0f);
    EXPECT_FLOAT_EQ(cf::match::fraction_below(s, 0.2f), 0.5f);  // 1 below + 2 ties / 2
    EXPECT_FLOAT_EQ(cf::match::fraction_below(s, 0.3f), 0.75f);
    EXPECT_FLOAT_EQ(cf::match::fraction_below(s, 1.0f), 1.0f);
    EXPECT_FLOAT_EQ(cf::match::fraction_below({}, 1.0f), 0.5f);
}

TEST(MatchCalibration, PercentIsMonotoneAndWithin0To100) {
    auto c = MatchCalibration::from_reference({0.97f, 0.91f, 0.99f, 0.93f, 0.95f, 0.95f});
    ASSERT_TRUE(c.is_ok());
    EXPECT_FLOAT_EQ(c->reference().front(), 0.91f);  // sorted
    float last = -1;
    for (int i = -200; i <= 200; ++i) {
        const float p = c->percent(float(i) / 100.0f);
        EXPECT_GE(p, last) << i;
        EXPECT_GE(p, 0.0f);
        EXPECT_LE(p, 100.0f);
        last = p;
    }
    EXPECT_FLOAT_EQ(c->percent(0.5f), 0.0f);
    EXPECT_FLOAT_EQ(c->percent(0.95f), 50.0f);
    EXPECT_FLOAT_EQ(c->percent(0.98f), 5.0f / 6.0f * 100.0f);
    EXPECT_FLOAT_EQ(c->percent(1.0f), 100.0f);
    EXPECT_TRUE(std::isnan(c->percent(cf::kUnknown)));
}

TEST(MatchCalibration, BadReferencesAreErrors) {
    auto empty = MatchCalibration::from_reference({});
    ASSERT_FALSE(empty.is_ok());
    EXPECT_NE(empty.status().message().find("no reference"), std::string::npos);
    auto nan = MatchCalibration::from_reference({0.5f, cf::kUnknown});
    ASSERT_FALSE(nan.is_ok());
    EXPECT_NE(nan.status().message().find("reference similarity 1 is not finite"), std::string::npos)
        << nan.status().message();
    auto one = cf::match::calibrate_nearest(1, [](uint32_t) { return 1.0f; });
    ASSERT_FALSE(one.is_ok());
    EXPECT_NE(one.status().message().find("at least 2 tracks"), std::string::npos);
    EXPECT_FALSE(cf::match::calibrate_nearest(5, [](uint32_t) { return 1.0f; }, 0).is_ok());
    auto none = cf::match::calibrate_nearest(5, [](uint32_t) { return cf::kUnknown; });
    ASSERT_FALSE(none.is_ok());
    EXPECT_NE(none.status().message().find("no track has a nearest neighbour"), std::string::npos);
}

TEST(MatchCalibration, NearestSamplesEvenlyAndSkipsTracksWithoutNeighbours) {
    std::vector<uint32_t> asked;
    auto c = cf::match::calibrate_nearest(10, [&](uint32_t t) {
        asked.push_back(t);
        return t == 4 ? cf::kUnknown : float(t);
    }, 5);
    ASSERT_TRUE(c.is_ok());
    EXPECT_EQ(asked, (std::vector<uint32_t>{0, 2, 4, 6, 8}));
    EXPECT_EQ(c->reference().size(), 4u);
    asked.clear();
    ASSERT_TRUE(cf::match::calibrate_nearest(3, [&](uint32_t t) { return asked.push_back(t), 0.5f; }, 512).is_ok());
    EXPECT_EQ(asked.size(), 3u);  // every track when there are fewer than max_anchors
}

// The reference of a catalog is each track's cosine to its nearest other track (brute force here).
TEST(MatchCalibration, CatalogReferenceIsEachTracksNearestNeighbour) {
    const cf::Catalog cat = fixture();
    auto c = cf::match::calibrate_catalog(cat);
    ASSERT_TRUE(c.is_ok()) << c.status().message();
    std::vector<float> expected;
    for (uint32_t a = 0; a < cat.size(); ++a) {
        float best = -2;
        for (uint32_t b = 0; b < cat.size(); ++b)
            if (b != a) best = std::max(best, dot(cat.embedding(a), cat.embedding(b)));
        expected.push_back(best);
    }
    std::sort(expected.begin(), expected.end());
    ASSERT_EQ(c->reference().size(), expected.size());
    for (size_t i = 0; i < expected.size(); ++i) EXPECT_NEAR(c->reference()[i], expected[i], 1e-5f) << i;
}

// What a result list reads on the fixture catalog (20 tracks in 4 clusters, 16-d): one query's
// neighbours spread from 95 % to 35 %; tracks of other clusters read 0 %.
TEST(MatchCalibration, FixtureSearchSpreadsScores) {
    const cf::Catalog cat = fixture();
    auto c = cf::match::calibrate_catalog(cat);
    ASSERT_TRUE(c.is_ok());
    cf::SearchOptions o;
    o.k = 5;
    auto hits = cat.search_track("fixture/track04", o);
    ASSERT_TRUE(hits.is_ok());
    c->apply(*hits);
    // Pinned on the committed fixture: the calibration (or the fixture's search) changed if these do.
    const float expected_percent[] = {95.0f, 77.5f, 67.5f, 35.0f, 0.0f};
    const float expected_cosine[] = {0.967f, 0.963f, 0.956f, 0.918f, 0.066f};
    for (size_t i = 0; i < 5; ++i) {
        EXPECT_NEAR((*hits)[i].score, expected_cosine[i], 5e-4f) << i;
        EXPECT_NEAR((*hits)[i].match_percent, expected_percent[i], 1e-3f) << i;
        EXPECT_FLOAT_EQ((*hits)[i].match_percent, c->percent((*hits)[i].score));
    }
}

// A catalog whose cosines are bunched like the demo catalog's (0.82–0.98: a shared direction + 30
// "packages" + noise, 425 tracks, 200-d): a top 5 within 0.01 of cosine reads far apart in percent.
TEST(MatchCalibration, DemoLikeCatalogTopResultsSpread) {
    const size_t n = 425, dim = 200, n_clusters = 30;
    cf::index::Rng rng(7);
    std::vector<float> shared(dim), centres(n_clusters * dim), v(dim);
    for (float& x : shared) x = float(rng.normal());
    for (float& x : centres) x = float(rng.normal());
    cf::CatalogBuilder b(dim, "demo-like");
    for (size_t i = 0; i < n; ++i) {
        const size_t c = rng.below(n_clusters);
        for (size_t d = 0; d < dim; ++d)
            v[d] = 3.0f * shared[d] + 0.8f * centres[c * dim + d] + 0.8f * float(rng.normal());
        cf::TrackMeta t;
        t.id = "demo/" + std::to_string(i);
        ASSERT_TRUE(b.add_track(t, v).is_ok());
    }
    ASSERT_TRUE(b.set_map(std::vector<float>(2 * n, 0.0f)).is_ok());  // no PCA: not what is tested
    auto bytes = b.build({});
    ASSERT_TRUE(bytes.is_ok());
    auto cat = cf::Catalog::open_buffer(std::move(*bytes), "demo-like");
    ASSERT_TRUE(cat.is_ok());
    auto c = cf::match::calibrate_catalog(*cat);
    ASSERT_TRUE(c.is_ok());
    EXPECT_EQ(c->reference().size(), n);
    cf::SearchOptions o;
    o.k = 5;
    auto hits = cat->search_track("demo/100", o);
    ASSERT_TRUE(hits.is_ok());
    c->apply(*hits);
    for (const cf::SearchHit& h : *hits)
        std::printf("  %s cosine %.3f match %.0f %%\n", h.id.c_str(), double(h.score), double(h.match_percent));
    EXPECT_GT((*hits)[0].score, 0.9f);
    EXPECT_LT((*hits)[0].score - (*hits)[4].score, 0.01f);                 // raw: bunched
    EXPECT_GT((*hits)[0].match_percent - (*hits)[4].match_percent, 40.0f);  // calibrated: spread
    EXPECT_GT((*hits)[0].match_percent, 70.0f);
}

// A query from outside the catalog (a dropped file) is mapped the same way, and the export carries it.
TEST(MatchCalibration, OutsideQueryAndExports) {
    const cf::Catalog cat = fixture();
    auto c = cf::match::calibrate_catalog(cat);
    ASSERT_TRUE(c.is_ok());
    std::vector<float> q = cat.embedding(7);
    for (size_t i = 0; i < q.size(); ++i) q[i] += 0.05f * float(i % 3);
    cf::SearchOptions o;
    o.k = 3;
    auto hits = cat.search(q, o);
    ASSERT_TRUE(hits.is_ok());
    c->apply(*hits);
    EXPECT_FLOAT_EQ((*hits)[1].match_percent, c->percent((*hits)[1].score));
    const std::vector<cf::ExportRow> rows = cf::export_rows(*hits);
    EXPECT_FLOAT_EQ(rows[0].match_percent, (*hits)[0].match_percent);
    char pct[16];
    std::snprintf(pct, sizeof pct, "%.1f", double(rows[0].match_percent));
    const std::string csv = cf::export_csv(cat, rows), json = cf::export_json(cat, rows, "q");
    EXPECT_NE(csv.find(",score,match_percent,bpm,"), std::string::npos);
    EXPECT_NE(csv.find("," + std::string(pct) + ","), std::string::npos) << csv;
    EXPECT_NE(json.find("\"match_percent\":" + std::string(pct)), std::string::npos) << json;
}

}  // namespace
