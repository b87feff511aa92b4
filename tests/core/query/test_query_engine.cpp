// QueryEngine on a small synthetic catalog whose answers are known: 12 tracks with 4-d embeddings,
// three tag concepts ("word0".."word2", orthogonal text embeddings) and the "happy" mood; a TextMatcher
// fitted on the catalog's concept values (bridge only: no audio projection).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "core/query/query_engine.h"
#include "core/query/query_test_util.h"

using namespace cf;
using namespace cf::query;
namespace sem = cf::semantic;

namespace {

constexpr size_t kTracks = 12, kDim = 4;

std::vector<sem::Concept> concepts() {
    return {{"mtt", "c0", "word0"}, {"mtt", "c1", "word1"}, {"mtt", "c2", "word2"}, {"mood", "happy", "happy"}};
}

// Track t: embedding along (cos a, sin a, 0.3, t % 2), tag c_j probability that varies with t and j.
float tag_prob(size_t t, size_t j) { return float((t * (3 + 2 * j) + 5 * j) % 11) / 10.0f; }

Catalog make_catalog() {
    CatalogBuilder b(kDim, "test-4d");
    EXPECT_TRUE(b.set_tag_labels({"mtt:c0", "mtt:c1", "mtt:c2"}));
    for (size_t t = 0; t < kTracks; ++t) {
        TrackMeta m;
        m.id = "t" + std::to_string(t);
        m.bpm = 70.0f + 10.0f * float(t);
        m.moods[0] = float(t % 5) / 4.0f;  // happy
        m.top_tags = {{"c" + std::to_string(t % 3), 0.8f}, {"c" + std::to_string((t + 1) % 3), 0.2f}};
        const float a = 0.5f * float(t);
        const float e[kDim] = {std::cos(a), std::sin(a), 0.3f, float(t % 2)};
        const float p[3] = {tag_prob(t, 0), tag_prob(t, 1), tag_prob(t, 2)};
        EXPECT_TRUE(b.add_track(m, e, p));
    }
    return test::open_built(b);
}

std::vector<float> axis(size_t j) { return test::text_axis(j); }

sem::TextMatcher make_matcher(const Catalog& cat) { return test::axis_matcher(cat, concepts()); }

struct QueryEngineOnCatalog : testing::Test {
    Catalog cat = make_catalog();
    sem::TextMatcher matcher = make_matcher(cat);
    QueryEngine engine{cat};
    TextQuery text(size_t j) const { return {"word" + std::to_string(j), *matcher.prepare(axis(j), sem::TextMethod::bridge)}; }
};

std::vector<double> z(const std::vector<float>& v) {
    double m = 0, s = 0;
    for (float x : v) m += x;
    m /= double(v.size());
    for (float x : v) s += (x - m) * (x - m);
    const double sd = std::sqrt(s / double(v.size()));
    std::vector<double> out;
    for (float x : v) out.push_back((x - m) / sd);
    return out;
}

std::vector<uint32_t> tracks_of(const MixedResult& r) {
    std::vector<uint32_t> t;
    for (const ResultRow& row : r.results) t.push_back(row.track);
    return t;
}

}  // namespace

TEST_F(QueryEngineOnCatalog, TrackSearchIsCalibratedOnce) {
    ASSERT_NE(engine.calibration(), nullptr);
    SearchOptions o;
    o.k = 5;
    auto hits = engine.search_track("t3", o);
    ASSERT_TRUE(hits) << hits.status().message();
    ASSERT_EQ(hits->size(), 5u);
    for (const SearchHit& h : *hits) {
        EXPECT_NE(h.id, "t3") << "the query track is left out";
        EXPECT_EQ(h.match_percent, engine.calibration()->percent(h.score));
        EXPECT_TRUE(h.match_percent >= 0 && h.match_percent <= 100);
    }
    // The same query as an embedding (search()) finds the track itself first, at 100 %.
    auto self = engine.search(engine.embedding(3), o);
    ASSERT_TRUE(self);
    EXPECT_EQ((*self)[0].id, "t3");
    EXPECT_EQ((*self)[0].match_percent, 100.0f);
    QueryEngine raw(std::vector<float>(kTracks * kDim, 0.5f), kTracks, kDim);
    EXPECT_FALSE(raw.search(engine.embedding(3), o)) << "raw arrays have no index";
    EXPECT_EQ(raw.calibration(), nullptr);
}

TEST_F(QueryEngineOnCatalog, OneInputIsItsRawScoreAndSeveralAreZCombined) {
    MixedQuery q;
    q.texts.push_back(text(1));
    q.options.k = kTracks;
    auto one = engine.run(q, &matcher);
    ASSERT_TRUE(one) << one.status().message();
    ASSERT_EQ(one->results.size(), kTracks);
    for (const ResultRow& row : one->results) EXPECT_EQ(row.raw, q.texts[0].prepared.scores[row.track]);

    q.track_index = 0;
    q.weights.track = 2.0f;
    q.weights.text = 0.5f;
    auto two = engine.run(q, &matcher);
    ASSERT_TRUE(two) << two.status().message();
    ASSERT_EQ(two->inputs.size(), 2u);
    EXPECT_EQ(two->inputs[1].kind, InputKind::track);
    const std::vector<double> zt = z(two->inputs[0].scores), zc = z(two->inputs[1].scores);
    std::vector<double> want;
    for (uint32_t t = 0; t < kTracks; ++t) want.push_back(0.5 * zt[t] + 2.0 * zc[t]);
    ASSERT_EQ(two->results.size(), kTracks - 1) << "the query track (track_index) is left out";
    for (size_t r = 0; r < two->results.size(); ++r) {
        const ResultRow& row = two->results[r];
        EXPECT_NEAR(row.raw, want[row.track], 1e-5) << row.track;
        // Its percentile among the whole catalog, the query track included (ties: none here).
        const double below = double(std::count_if(want.begin(), want.end(), [&](double x) { return x < want[row.track] - 1e-5; }));
        EXPECT_NEAR(row.score, (below + 0.5) / kTracks, 1e-6);
        if (r > 0) {
            EXPECT_LE(row.raw, two->results[r - 1].raw) << "best first";
        }
    }
}

// mix_scores: the mix of run() for every track (the query track too), without ranking.
TEST_F(QueryEngineOnCatalog, MixScoresAreRunsRawScoresForEveryTrack) {
    MixedQuery q;
    q.texts.push_back(text(1));
    q.track_index = 2;
    q.weights.text = 0.5f;
    q.options.k = kTracks;
    auto r = engine.run(q, &matcher);
    auto all = engine.mix_scores(q, &matcher);
    ASSERT_TRUE(r && all) << all.status().message();
    ASSERT_EQ(all->size(), size_t(kTracks));
    for (const ResultRow& row : r->results) EXPECT_FLOAT_EQ((*all)[row.track], row.raw) << row.track;
    q.texts.clear();  // one input: its raw scores, the cosines
    auto cos = engine.mix_scores(q, nullptr);
    ASSERT_TRUE(cos);
    EXPECT_NEAR((*cos)[2], 1.0f, 1e-5f) << "the query track with itself";
    q.track_index = uint32_t(kTracks);
    EXPECT_FALSE(engine.mix_scores(q, nullptr)) << "run()'s checks";
}

TEST_F(QueryEngineOnCatalog, WeightZeroRemovesAnInputFromTheMix) {
    MixedQuery q;
    q.track = unit_vector(engine.embedding(5));
    q.texts.push_back(text(2));
    q.weights.text = 0;
    q.options.k = 6;
    auto mixed = engine.run(q, &matcher);
    ASSERT_TRUE(mixed) << mixed.status().message();
    EXPECT_EQ(mixed->inputs.size(), 2u) << "still listed";
    q.texts.clear();
    auto track_only = engine.run(q, &matcher);
    ASSERT_TRUE(track_only);
    EXPECT_EQ(tracks_of(*mixed), tracks_of(*track_only));
    EXPECT_EQ(mixed->results[0].track, 5u) << "a track embedding (not track_index) is not excluded";
    // Every weight 0 with two inputs has nothing to rank by.
    q.texts.push_back(text(2));
    q.weights.track = 0;
    auto none = engine.run(q, &matcher);
    ASSERT_FALSE(none);
    EXPECT_NE(none.status().message().find("weight 0"), std::string::npos);
}

TEST_F(QueryEngineOnCatalog, FiltersApplyBeforeTopK) {
    MixedQuery q;
    q.texts.push_back(text(0));
    q.options.k = 3;
    auto plain = engine.run(q, &matcher);
    ASSERT_TRUE(plain);
    q.options.filters.bpm_min = 70.0f + 10.0f * 6;  // tracks 6..11
    q.top_per_input = 4;
    auto filtered = engine.run(q, &matcher);
    ASSERT_TRUE(filtered);
    ASSERT_EQ(filtered->results.size(), 3u) << "k results although some of the best are filtered out";
    for (uint32_t t : tracks_of(*filtered)) EXPECT_GE(t, 6u);
    ASSERT_EQ(filtered->inputs[0].top.size(), 4u);
    for (const RankedTrack& r : filtered->inputs[0].top) EXPECT_GE(r.track, 6u) << "the per-input lists too";
    // The best passing track is the best of tracks 6..11 by the text's raw score.
    uint32_t best = 6;
    for (uint32_t t = 7; t < kTracks; ++t)
        if (q.texts[0].prepared.scores[t] > q.texts[0].prepared.scores[best]) best = t;
    EXPECT_EQ(filtered->results[0].track, best);
    // Raw arrays have no metadata to filter on.
    QueryEngine raw(std::vector<float>(kTracks * kDim, 0.5f), kTracks, kDim);
    EXPECT_FALSE(raw.run(q, &matcher));
}

TEST_F(QueryEngineOnCatalog, TheQueryTrackIsNeverAResult) {
    MixedQuery q;
    q.track_index = 4;
    q.options.k = kTracks;
    q.top_per_input = kTracks;
    auto r = engine.run(q, &matcher);
    ASSERT_TRUE(r) << r.status().message();
    EXPECT_EQ(r->results.size(), kTracks - 1);
    for (uint32_t t : tracks_of(*r)) EXPECT_NE(t, 4u);
    for (const RankedTrack& t : r->inputs[0].top) EXPECT_NE(t.track, 4u);
    EXPECT_NEAR(r->inputs[0].scores[4], 1.0f, 1e-5f) << "it still has its cosine";
    const MatchExplainer& e = *engine.explainer();
    const std::string w = e.explain(e.track_values(4), e.track_values(r->results[0].track)).text();
    EXPECT_EQ(r->results[0].why, w.empty() ? "like the track" : "like the track (" + w + ")");
    EXPECT_TRUE(std::isfinite(r->results[0].inputs[0].match_percent)) << "the track input is calibrated";
}

TEST_F(QueryEngineOnCatalog, ItemsAreScoredOnTheCatalogsScale) {
    MixedQuery q;
    q.texts.push_back(text(1));
    q.track = unit_vector(engine.embedding(2));
    PictureQuery p;
    // Weights whose scores are not z-scores already (sd ≠ 1), so the item's z is checked.
    p.sees = matcher.prepare_weights({{0, 0.5f, 0.0f}, {1, 0.3f, 0.0f}});
    p.feels = matcher.prepare_weights({{3, -0.4f, 0.0f}});  // less "happy"
    q.picture = p;
    for (uint32_t t : {7u, 9u}) {
        auto v = matcher.track_values(t);
        q.items.push_back({{v.begin(), v.end()}, engine.embedding(t)});
    }
    auto r = engine.run(q, &matcher);
    ASSERT_TRUE(r) << r.status().message();
    ASSERT_EQ(r->inputs.size(), 3u);
    for (const InputResult& in : r->inputs) {
        ASSERT_EQ(in.items.size(), 2u);
        for (size_t i = 0; i < 2; ++i) {
            const uint32_t t = i ? 9 : 7;
            EXPECT_NEAR(in.items[i].raw, in.scores[t], 1e-5f) << input_kind_name(in.kind);
            EXPECT_EQ(in.items[i].percentile, sem::fraction_below(in.sorted, in.items[i].raw));
        }
        if (in.kind == InputKind::track) {
            EXPECT_EQ(in.items[0].match_percent, engine.calibration()->percent(in.items[0].raw));
        } else {
            EXPECT_TRUE(std::isnan(in.items[0].match_percent));
        }
    }
    q.items[0].values.pop_back();
    auto bad = engine.run(q, &matcher);
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.status().message().find("item 0"), std::string::npos);
}

TEST_F(QueryEngineOnCatalog, ExplanationsNameTheConceptsThatCarriedTheScore) {
    MixedQuery q;
    q.texts.push_back(text(2));
    PictureQuery p;
    p.name = "photo.jpg";
    p.classes = {{"dishwasher, dish washer", "dishwasher", 0.6f}};
    p.feel.description = "bright";
    p.sees = *matcher.prepare(axis(0), sem::TextMethod::bridge);
    p.feels = matcher.prepare_weights({{3, 1.0f, 0.0f}});  // more "happy"
    q.picture = p;
    q.options.k = 3;
    auto r = engine.run(q, &matcher);
    ASSERT_TRUE(r) << r.status().message();
    ASSERT_EQ(r->inputs.size(), 2u);
    EXPECT_EQ(r->inputs[1].kind, InputKind::picture);
    // The picture's scores: sees and feels z-combined 1:1.
    const std::vector<float> want = sem::combine_scores({p.sees->scores, p.feels->scores}, std::vector<float>{1, 1});
    EXPECT_EQ(r->inputs[1].scores, want);
    int carried_rows = 0;
    for (const ResultRow& row : r->results) {
        ASSERT_EQ(row.inputs.size(), 2u);
        // The words explain a row only where their concept carried it (raw > 0: word2 above the
        // catalog's middle); a row the picture carried says so instead of naming word2.
        const std::string& text_why = row.inputs[0].why;
        const bool carried = row.inputs[0].raw > 0;
        EXPECT_EQ(text_why.rfind("fits: ", 0) == 0, carried) << text_why;
        EXPECT_EQ(text_why.find("word2") != std::string::npos, carried) << text_why;
        EXPECT_EQ(row.inputs[1].why.rfind("sees: dishwasher; feels: bright", 0), 0u) << row.inputs[1].why;
        EXPECT_EQ(row.why, text_why + "; " + row.inputs[1].why);
        ASSERT_FALSE(row.words.empty());
        if (carried) EXPECT_EQ(row.words[0], "word2") << "the words' concept first";
        carried_rows += carried;
    }
    EXPECT_GE(carried_rows, 2) << "the top rows are mostly the words' (1:1 with the picture)";
}

TEST_F(QueryEngineOnCatalog, TheAppsWordsSayWhatStandsOutInTheMatch) {
    MixedQuery q;
    q.track_index = 0;
    q.options.k = kTracks;
    auto r = engine.run(q, &matcher);
    ASSERT_TRUE(r);
    const MatchExplainer& e = *engine.explainer();
    std::set<std::vector<std::string>> distinct;
    for (const ResultRow& row : r->results) {
        EXPECT_EQ(row.words, e.explain(e.track_values(0), e.track_values(row.track)).words()) << row.track;
        distinct.insert(row.words);
    }
    EXPECT_GE(distinct.size(), 4u) << "the rows do not all read the same";
    // A file with its concept values explains the same way as the catalog track it equals.
    MixedQuery f;
    f.track = engine.embedding(0);
    f.track_values = e.track_values(0);
    f.options.k = kTracks;
    auto rf = engine.run(f, &matcher);
    ASSERT_TRUE(rf);
    EXPECT_EQ(rf->results[1].words, r->results[0].words) << "[0] of the file is track 0 itself";
}

TEST_F(QueryEngineOnCatalog, WithoutConceptValuesTheWordsAreTheTagsBothTracksShare) {
    MixedQuery q;
    q.track = engine.embedding(0);  // a file: top tags c0 0.8, c1 0.2, no concept values
    q.track_tags = cat.tracks()[0].top_tags;
    q.options.k = kTracks;
    auto r = engine.run(q, &matcher);
    ASSERT_TRUE(r);
    for (const ResultRow& row : r->results) {
        const auto& tags = cat.tracks()[row.track].top_tags;
        std::vector<std::string> want;
        for (const char* label : {"c0", "c1"})
            for (const TagScore& s : tags)
                if (s.label == label && s.prob >= 0.1f) want.push_back(label);
        EXPECT_EQ(row.words, want) << row.track;
    }
}

TEST_F(QueryEngineOnCatalog, TrackSearchHitsSayWhatStandsOut) {
    SearchOptions o;
    o.k = 5;
    auto hits = engine.search_track("t3", o);
    ASSERT_TRUE(hits);
    const MatchExplainer& e = *engine.explainer();
    for (const SearchHit& h : *hits) {
        const std::string w = e.explain(e.track_values(3), e.track_values(h.track)).text();
        EXPECT_EQ(h.why, w.empty() ? "similar overall" : w);
    }
    auto file = engine.search(engine.embedding(3), o, e.track_values(3));
    ASSERT_TRUE(file);
    EXPECT_EQ((*file)[1].why, (*hits)[0].why) << "[0] of the file is t3 itself";
    auto bare = engine.search(engine.embedding(3), o);
    ASSERT_TRUE(bare);
    EXPECT_EQ((*bare)[1].why, "") << "no concept values, no why";
}

TEST_F(QueryEngineOnCatalog, BadQueriesGetClearErrors) {
    MixedQuery q;
    auto none = engine.run(q, &matcher);
    ASSERT_FALSE(none);
    EXPECT_NE(none.status().message().find("nothing to search for"), std::string::npos);
    q.track = {1, 0, 0};
    auto dim = engine.run(q, &matcher);
    ASSERT_FALSE(dim);
    EXPECT_NE(dim.status().message().find("expected a 4-d embedding, got 3"), std::string::npos);
    q.track.clear();
    q.track_index = 99;
    EXPECT_FALSE(engine.run(q, &matcher));
    q.track_index.reset();
    q.texts.push_back(text(0));
    auto no_matcher = engine.run(q, nullptr);
    ASSERT_FALSE(no_matcher);
    EXPECT_NE(no_matcher.status().message().find("text matcher"), std::string::npos);
}

TEST_F(QueryEngineOnCatalog, RawArraysGiveTheCatalogsAnswers) {
    std::vector<float> audio;
    for (uint32_t t = 0; t < kTracks; ++t) {
        const std::vector<float> e = engine.embedding(t);
        audio.insert(audio.end(), e.begin(), e.end());
    }
    QueryEngine raw(audio, kTracks, kDim);
    MixedQuery q;
    q.texts.push_back(text(1));
    q.track = unit_vector(engine.embedding(8));
    q.options.k = 5;
    auto a = engine.run(q, &matcher), b = raw.run(q, &matcher);
    ASSERT_TRUE(a && b);
    EXPECT_EQ(tracks_of(*a), tracks_of(*b));
    EXPECT_TRUE(std::isnan(b->results[0].inputs[1].match_percent)) << "no calibration without a catalog";
}

TEST(QueryEngine, UnitVector) {
    const std::vector<float> v = unit_vector(std::vector<float>{3, 4});
    ASSERT_EQ(v.size(), 2u);
    EXPECT_FLOAT_EQ(v[0], 0.6f);
    EXPECT_FLOAT_EQ(v[1], 0.8f);
    EXPECT_TRUE(unit_vector(std::vector<float>{0, 0}).empty());
}
