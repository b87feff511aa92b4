// AdaptiveSession on a synthetic catalog of three packages: a (piano, embedding cluster 0), b
// (electronic, cluster 1), c (vocals, cluster 2), 30 tracks each; the base query favours a. Likes and
// skips must move whole packages, undo must restore the exact ranking, learned() must name the
// concepts that set the packages apart, and JSON must round-trip and refuse another catalog.
#include <gtest/gtest.h>

#include <cmath>

#include "core/common/random.h"
#include "core/query/adaptive.h"

using namespace cf;
using namespace cf::query;

namespace {

constexpr size_t kPerPackage = 30, kDim = 6;
const char* kPackages[3] = {"a", "b", "c"};

AdaptiveFeatures make_features(const char* suffix = "") {
    SplitMix64 rng(7);
    std::vector<std::string> ids;
    std::vector<float> emb, values;
    for (size_t p = 0; p < 3; ++p)
        for (size_t i = 0; i < kPerPackage; ++i) {
            ids.push_back(std::string(kPackages[p]) + "/" + std::to_string(i) + suffix);
            for (size_t d = 0; d < kDim; ++d) emb.push_back((d == p ? 1.0f : 0.0f) + 0.6f * float(rng.normal()));
            for (size_t c = 0; c < 3; ++c) values.push_back((c == p ? 0.7f : 0.1f) + 0.1f * float(rng.uniform()));
            values.push_back(float(rng.uniform()));  // mood:happy: noise
        }
    auto f = AdaptiveFeatures::from_arrays(ids, emb, kDim, {"mtt:piano", "msd:electronic", "mtt:vocals", "mood:happy"}, values);
    EXPECT_TRUE(f) << f.status().message();
    return std::move(*f);
}

// Base: package a first (1.0), then b and c, with a little noise.
std::vector<float> base_scores() {
    SplitMix64 rng(3);
    std::vector<float> s;
    for (size_t p = 0; p < 3; ++p)
        for (size_t i = 0; i < kPerPackage; ++i) s.push_back((p == 0 ? 1.0f : 0.0f) + 0.3f * float(rng.uniform()));
    return s;
}

size_t count_in(const std::vector<AdaptiveRow>& rows, size_t package) {
    size_t n = 0;
    for (const AdaptiveRow& r : rows) n += r.track / kPerPackage == package;
    return n;
}

uint32_t track(size_t package, size_t i) { return uint32_t(package * kPerPackage + i); }

}  // namespace

TEST(Adaptive, LikesMoveTheirPackageUp) {
    const AdaptiveFeatures f = make_features();
    AdaptiveSession s(f);
    ASSERT_TRUE(s.set_base(base_scores()));
    const size_t before = count_in(*s.rerank(20), 1);
    for (size_t i = 0; i < 3; ++i) ASSERT_TRUE(s.like(track(1, i)));
    const std::vector<AdaptiveRow> after = *s.rerank(20);
    EXPECT_LE(before, 2u);
    EXPECT_GE(count_in(after, 1), before + 8) << "liking 3 tracks of b should bring b up";
}

TEST(Adaptive, SkipsMoveTheirPackageDown) {
    const AdaptiveFeatures f = make_features();
    AdaptiveSession s(f);
    ASSERT_TRUE(s.set_base(base_scores()));
    EXPECT_EQ(count_in(*s.rerank(10), 0), 10u);
    for (size_t i = 0; i < 6; ++i) ASSERT_TRUE(s.skip(track(0, i)));
    EXPECT_LE(count_in(*s.rerank(10), 0), 5u);
}

TEST(Adaptive, JudgedTracksNeverComeBack) {
    const AdaptiveFeatures f = make_features();
    AdaptiveSession s(f);
    ASSERT_TRUE(s.set_base(base_scores()));
    const std::vector<AdaptiveRow> first = *s.rerank(5);
    ASSERT_TRUE(s.like(first[0].track));
    ASSERT_TRUE(s.skip(first[1].track));
    const std::vector<AdaptiveRow> all = *s.rerank(f.n_tracks());
    for (const AdaptiveRow& r : all) {
        EXPECT_NE(r.track, first[0].track);
        EXPECT_NE(r.track, first[1].track);
    }
    EXPECT_EQ(all.size(), f.n_tracks() - 2);
}

TEST(Adaptive, UndoRestoresTheExactRanking) {
    const AdaptiveFeatures f = make_features();
    AdaptiveSession s(f);
    ASSERT_TRUE(s.set_base(base_scores()));
    ASSERT_TRUE(s.like(track(1, 0)));
    const std::vector<float> before = s.scores();
    const std::vector<AdaptiveRow> rows = *s.rerank(15);
    ASSERT_TRUE(s.skip(track(0, 4)));
    ASSERT_TRUE(s.remark("more vocals", std::vector<float>(f.n_tracks(), 0.5f)));
    EXPECT_TRUE(s.undo());
    EXPECT_TRUE(s.undo());
    EXPECT_EQ(s.scores(), before);
    const std::vector<AdaptiveRow> again = *s.rerank(15);
    ASSERT_EQ(again.size(), rows.size());
    for (size_t i = 0; i < rows.size(); ++i) EXPECT_EQ(again[i].track, rows[i].track);
    EXPECT_TRUE(s.undo());
    EXPECT_FALSE(s.undo());
    EXPECT_TRUE(s.learned().text().empty());
}

TEST(Adaptive, LearnedNamesTheConceptsThatSetPackagesApart) {
    const AdaptiveFeatures f = make_features();
    AdaptiveSession s(f);
    ASSERT_TRUE(s.set_base(base_scores()));
    for (size_t i = 0; i < 4; ++i) ASSERT_TRUE(s.like(track(1, i)));
    for (size_t i = 0; i < 4; ++i) ASSERT_TRUE(s.skip(track(0, i)));
    const Learned l = s.learned();
    ASSERT_FALSE(l.likes.empty());
    ASSERT_FALSE(l.skips.empty());
    EXPECT_EQ(l.likes[0].words, "electronic");
    EXPECT_EQ(l.skips[0].words, "piano");
    EXPECT_NE(l.text().find("you like: electronic"), std::string::npos) << l.text();
    EXPECT_NE(l.text().find("you skip: piano"), std::string::npos) << l.text();
    const std::vector<AdaptiveRow> rows = *s.rerank(5);
    size_t checked = 0;
    for (const AdaptiveRow& r : rows) {
        if (r.track / kPerPackage != 1 || f.column(kDim + 1)[r.track] < 1.0f) continue;
        EXPECT_EQ(r.why.rfind("electronic", 0), 0u) << r.why;  // the first learned like it has
        ++checked;
    }
    EXPECT_GE(checked, 1u) << "some b track in the top 5 is clearly electronic";
}

TEST(Adaptive, RemarkAddsToTheQuery) {
    const AdaptiveFeatures f = make_features();
    AdaptiveSession s(f);
    ASSERT_TRUE(s.set_base(base_scores()));
    std::vector<float> vocals(f.n_tracks());
    for (uint32_t t = 0; t < f.n_tracks(); ++t) vocals[t] = f.column(kDim + 2)[t];
    ASSERT_TRUE(s.remark("more vocals", vocals));
    EXPECT_GE(count_in(*s.rerank(20), 2), 5u);
    EXPECT_FALSE(s.remark("  ", vocals));
    EXPECT_FALSE(s.remark("x", std::vector<float>(3, 0.0f)));
}

TEST(Adaptive, JsonRoundTrip) {
    const AdaptiveFeatures f = make_features();
    AdaptiveSession s(f);
    ASSERT_TRUE(s.set_base(base_scores()));
    ASSERT_TRUE(s.like(track(2, 1)));
    ASSERT_TRUE(s.skip(track(0, 3)));
    std::vector<float> remark(f.n_tracks(), 0.0f);
    remark[5] = 3;
    ASSERT_TRUE(s.remark("no \"piano\"", remark));
    s.set_query(R"({"text": "calm"})");
    const std::string json = s.to_json();
    EXPECT_NE(json.find("\"id\":\"c/1\""), std::string::npos) << json;
    auto scores_of = [&](const std::string& text) -> Result<std::vector<float>> {
        EXPECT_EQ(text, "no \"piano\"");
        return remark;
    };
    auto back = AdaptiveSession::from_json(f, json, scores_of);
    ASSERT_TRUE(back) << back.status().message();
    ASSERT_TRUE(back->set_base(base_scores()));
    EXPECT_EQ(back->query(), R"({"text": "calm"})");
    EXPECT_EQ(back->to_json(), json);
    EXPECT_EQ(back->scores(), s.scores());
    auto no_text = AdaptiveSession::from_json(f, json);
    ASSERT_FALSE(no_text);
    EXPECT_NE(no_text.status().message().find("needs the text model"), std::string::npos);
}

TEST(Adaptive, RefusesAnotherCatalog) {
    const AdaptiveFeatures f = make_features(), other = make_features("x");
    AdaptiveSession s(f);
    ASSERT_TRUE(s.like(3));
    auto r = AdaptiveSession::from_json(other, s.to_json());
    ASSERT_FALSE(r);
    EXPECT_NE(r.status().message().find("this session is for catalog"), std::string::npos) << r.status().message();
}

TEST(Adaptive, BadInputIsNamed) {
    const AdaptiveFeatures f = make_features();
    AdaptiveSession s(f);
    Status st = s.like(uint32_t(f.n_tracks()));
    ASSERT_FALSE(st);
    EXPECT_NE(st.message().find("no track 90"), std::string::npos) << st.message();
    EXPECT_FALSE(s.skip(100000));
    EXPECT_FALSE(s.set_base(std::vector<float>(5, 1.0f)));
    EXPECT_FALSE(s.rerank(0));
    SearchFilters bpm;
    bpm.bpm_min = 100;
    EXPECT_FALSE(s.rerank(5, bpm));  // from arrays: no metadata to filter on
    const std::string key = f.catalog_key();
    auto unknown = AdaptiveSession::from_json(
        f, R"({"format":"cuefinder-session","version":1,"catalog":")" + key + R"(","events":[{"kind":"like","id":"zz/9"}]})");
    ASSERT_FALSE(unknown);
    EXPECT_NE(unknown.status().message().find("zz/9"), std::string::npos);
    EXPECT_FALSE(AdaptiveSession::from_json(f, "{\"format\":"));
    EXPECT_FALSE(AdaptiveSession::from_json(f, R"({"format":"something else"})"));
    EXPECT_FALSE(AdaptiveSession::from_json(f, R"({"format":"cuefinder-session","version":1,"catalog":")" + key +
                                                   R"(","events":[{"kind":"love","id":"a/1"}]})"));
    EXPECT_FALSE(AdaptiveFeatures::from_arrays({"a", "b"}, std::vector<float>(3, 1.0f), 2, {}, {}));
}

TEST(Adaptive, TiledCopiesKeepTheFirstCopyAndJitterTheRest) {
    const AdaptiveFeatures f = make_features();
    const AdaptiveFeatures big = f.tiled(3, 0.1f, 1);
    ASSERT_EQ(big.n_tracks(), 3 * f.n_tracks());
    EXPECT_EQ(big.ids()[f.n_tracks()], "a/0#1");
    EXPECT_TRUE(big.find("c/29#2").has_value());
    AdaptiveSession s(big);
    ASSERT_TRUE(s.like(*big.find("b/0")));
    ASSERT_TRUE(s.like(*big.find("b/1")));
    size_t b = 0;
    const std::vector<AdaptiveRow> top = *s.rerank(30);
    for (const AdaptiveRow& r : top) b += big.ids()[r.track][0] == 'b';
    EXPECT_GE(b, 25u);
}
