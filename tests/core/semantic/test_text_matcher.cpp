// TextMatcher on synthetic catalogs whose answers are known: concepts with orthogonal text
// embeddings, tracks whose concept values (and audio embeddings) are made to fit.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "core/common/random.h"
#include "core/semantic/text_encoder.h"
#include "core/semantic/text_matcher.h"

using namespace cf;
using namespace cf::semantic;

namespace {

constexpr size_t kConcepts = 6, kTracks = 200, kAudio = 8;

std::vector<Concept> concepts() {
    std::vector<Concept> c;
    for (size_t j = 0; j < kConcepts; ++j) c.push_back({"mtt", "c" + std::to_string(j), "word" + std::to_string(j)});
    return c;
}

std::vector<float> axis(size_t j) {
    std::vector<float> v(kTextDim, 0.0f);
    v[j] = 1.0f;
    return v;
}

std::vector<float> axes() {
    std::vector<float> e;
    for (size_t j = 0; j < kConcepts; ++j) {
        auto a = axis(j);
        e.insert(e.end(), a.begin(), a.end());
    }
    return e;
}

// Audio: random unit vectors; concept values: a logistic function of the audio (concept j follows
// audio dimension j), so a linear projection can learn them.
struct Synthetic {
    std::vector<float> audio, values;
};
Synthetic synthetic(uint64_t seed) {
    SplitMix64 rng(seed);
    Synthetic s;
    for (size_t n = 0; n < kTracks; ++n) {
        std::vector<float> a(kAudio);
        double norm = 0;
        for (float& x : a) x = float(rng.uniform() * 2 - 1), norm += double(x) * x;
        for (float& x : a) x = float(x / std::sqrt(norm));
        s.audio.insert(s.audio.end(), a.begin(), a.end());
        for (size_t j = 0; j < kConcepts; ++j) s.values.push_back(float(1.0 / (1.0 + std::exp(-6.0 * a[j]))));
    }
    return s;
}

// Fraction of pairs (i, j) with values[i] > values[j] that the scores order the same way.
double pair_agreement(const std::vector<float>& scores, const Synthetic& s, size_t concept_index) {
    double ok = 0, total = 0;
    for (size_t i = 0; i < kTracks; ++i)
        for (size_t j = 0; j < kTracks; ++j) {
            const float vi = s.values[i * kConcepts + concept_index], vj = s.values[j * kConcepts + concept_index];
            if (vi <= vj + 0.05f) continue;
            total += 1;
            ok += scores[i] > scores[j] ? 1.0 : 0.0;
        }
    return ok / total;
}

// z of track n for concept j over the catalog on the probabilities: (p − mean) / sd (population).
double z_probability(const Synthetic& s, size_t n, size_t j) {
    double mean = 0, var = 0;
    for (size_t t = 0; t < kTracks; ++t) mean += s.values[t * kConcepts + j];
    mean /= kTracks;
    for (size_t t = 0; t < kTracks; ++t) var += std::pow(s.values[t * kConcepts + j] - mean, 2);
    return (s.values[n * kConcepts + j] - mean) / std::sqrt(var / kTracks);
}

// The normal score of value v's rank among a catalog column (ties half, clamped 0.005..0.995),
// found by bisection on the normal CDF (the core uses Newton's method).
double normal_rank(const std::vector<float>& column, float v) {
    double below = 0;
    for (float x : column) below += x < v ? 1.0 : x == v ? 0.5 : 0.0;
    const double p = std::clamp(below / double(column.size()), 0.005, 0.995);
    double lo = -4, hi = 4;
    for (int i = 0; i < 100; ++i) {
        const double mid = 0.5 * (lo + hi);
        (0.5 * std::erfc(-mid / std::sqrt(2.0)) < p ? lo : hi) = mid;
    }
    return 0.5 * (lo + hi);
}
std::vector<float> column(const Synthetic& s, size_t j) {
    std::vector<float> c;
    for (size_t t = 0; t < kTracks; ++t) c.push_back(s.values[t * kConcepts + j]);
    return c;
}
double z_rank(const Synthetic& s, size_t n, size_t j) { return normal_rank(column(s, j), s.values[n * kConcepts + j]); }

}  // namespace

TEST(TextMatcher, BridgeWeighsTheNearestConceptsAndRanksByThem) {
    Synthetic s = synthetic(1);
    auto m = TextMatcher::build(concepts(), axes(), s.values, kTracks, {}, 0);
    ASSERT_TRUE(m.is_ok()) << m.status().message();
    // A query halfway between concepts 1 and 3: both weighted equally, the others ~0.
    std::vector<float> q(kTextDim, 0.0f);
    q[1] = q[3] = std::sqrt(0.5f);
    auto p = m->prepare(q, TextMethod::bridge);
    ASSERT_TRUE(p.is_ok());
    ASSERT_EQ(p->weights.size(), 2u) << "negligible weights are left out";
    EXPECT_NEAR(p->weights[0].weight, 0.5f, 1e-4f);
    EXPECT_NEAR(p->weights[1].weight, 0.5f, 1e-4f);
    EXPECT_NEAR(p->weights[0].similarity, std::sqrt(0.5f), 1e-5f);
    // The best track has the largest z-sum of concepts 1 and 3.
    size_t best = 0;
    for (size_t n = 1; n < kTracks; ++n)
        if (p->scores[n] > p->scores[best]) best = n;
    auto z = [&](size_t n, size_t j) { return z_rank(s, n, j); };
    for (size_t n = 0; n < kTracks; ++n) EXPECT_NEAR(p->scores[n], 0.5 * (z(n, 1) + z(n, 3)), 1e-3) << n;
    for (size_t n = 0; n < kTracks; ++n) EXPECT_GE(z(best, 1) + z(best, 3), z(n, 1) + z(n, 3) - 1e-4);
}

TEST(TextMatcher, TheBridgeTakesZOnRankNormalScoresOrOnProbabilities) {
    Synthetic s = synthetic(2);
    std::vector<float> q(kTextDim, 0.0f);
    q[1] = q[3] = std::sqrt(0.5f);
    for (Evidence ev : {Evidence::normal_rank, Evidence::probability}) {
        TextMatcherOptions o;
        o.evidence = ev;
        auto m = TextMatcher::build(concepts(), axes(), s.values, kTracks, {}, 0, o);
        ASSERT_TRUE(m.is_ok());
        auto p = m->prepare(q, TextMethod::bridge);
        ASSERT_TRUE(p.is_ok());
        auto z = ev == Evidence::normal_rank ? z_rank : z_probability;
        for (size_t n = 0; n < kTracks; n += 7) EXPECT_NEAR(p->scores[n], 0.5 * (z(s, n, 1) + z(s, n, 3)), 1e-4) << n;
    }
}

TEST(TextMatcher, ADroppedFilesValueReadsByItsRankAmongTheCatalog) {
    // Catalog values on uint8 codes (as a catalog stores them), many ties; a dropped file's exact
    // probability falls between codes and reads by how many catalog values lie below it.
    std::vector<float> values(kTracks * kConcepts);
    for (size_t n = 0; n < kTracks; ++n)
        for (size_t j = 0; j < kConcepts; ++j) values[n * kConcepts + j] = float((n * 7 + j * 13) % 40) / 255.0f;
    auto m = TextMatcher::build(concepts(), axes(), values, kTracks, {}, 0);
    ASSERT_TRUE(m.is_ok());
    auto p = m->prepare(axis(2), TextMethod::bridge);
    ASSERT_TRUE(p.is_ok());
    ASSERT_EQ(p->weights.size(), 1u);
    std::vector<float> col, item(kConcepts, 0.1f);
    for (size_t n = 0; n < kTracks; ++n) col.push_back(values[n * kConcepts + 2]);
    for (float v : {0.0f, 1e-7f, 0.5f / 255.0f, 10.0f / 255.0f, 10.3f / 255.0f, 39.0f / 255.0f, 0.9f}) {
        item[2] = v;
        EXPECT_NEAR(m->score_item(*p, item, {}), normal_rank(col, v), 1e-4) << v;
    }
    // A catalog track scores what the same values score as a dropped file.
    for (uint32_t n = 0; n < kTracks; n += 13) EXPECT_FLOAT_EQ(m->score_item(*p, m->track_values(n), {}), p->scores[n]);
    item[2] = 1.0f;
    EXPECT_NEAR(m->score_item(*p, item, {}), 2.5758, 1e-3) << "above every catalog value: Φ⁻¹(0.995)";
}

TEST(TextMatcher, PercentileCalibratesAgainstTheCatalog) {
    Synthetic s = synthetic(2);
    auto m = TextMatcher::build(concepts(), axes(), s.values, kTracks, {}, 0);
    ASSERT_TRUE(m.is_ok());
    auto p = m->prepare(axis(0), TextMethod::bridge);
    ASSERT_TRUE(p.is_ok());
    float lo = 1e9f, hi = -1e9f;
    for (float v : p->scores) lo = std::min(lo, v), hi = std::max(hi, v);
    EXPECT_NEAR(TextMatcher::percentile(*p, hi), 1.0f - 0.5f / kTracks, 1e-6f);
    EXPECT_NEAR(TextMatcher::percentile(*p, lo), 0.5f / kTracks, 1e-6f);
    EXPECT_EQ(TextMatcher::percentile(*p, hi + 1), 1.0f);
    EXPECT_EQ(TextMatcher::percentile(*p, lo - 1), 0.0f);
    // Monotonic, and the median track sits near 0.5.
    std::vector<float> sorted = p->sorted_scores;
    EXPECT_NEAR(TextMatcher::percentile(*p, sorted[kTracks / 2]), 0.5f, 0.01f);
    for (size_t i = 1; i < kTracks; ++i) EXPECT_LE(TextMatcher::percentile(*p, sorted[i - 1]), TextMatcher::percentile(*p, sorted[i]));
    // A dropped file: its score on the same scale as the catalog's.
    EXPECT_FLOAT_EQ(m->score_item(*p, m->track_values(7), {}), p->scores[7]);
}

TEST(TextMatcher, ExplanationsNameTheConceptsThatCarriedTheScore) {
    Synthetic s = synthetic(3);
    auto m = TextMatcher::build(concepts(), axes(), s.values, kTracks, {}, 0);
    ASSERT_TRUE(m.is_ok());
    std::vector<float> q(kTextDim, 0.0f);
    q[2] = q[4] = std::sqrt(0.5f);
    auto p = m->prepare(q, TextMethod::bridge);
    ASSERT_TRUE(p.is_ok());
    // A track high on concept 4 only.
    std::vector<float> v(kConcepts, 0.5f);
    v[2] = 0.0f;
    v[4] = 1.0f;
    auto why = m->explain(*p, v, 3);
    ASSERT_EQ(why.size(), 1u);
    EXPECT_EQ(why[0].index, 4u);
    EXPECT_GT(why[0].value, 0.0f);
    EXPECT_EQ(m->explain_text(*p, v, 3), "word4");
    v[2] = 1.0f;
    EXPECT_EQ(m->explain(*p, v, 3).size(), 2u);
    EXPECT_EQ(m->explain(*p, v, 1).size(), 1u);
    // Unknown values count as the mean: no contribution.
    std::vector<float> unknown(kConcepts, std::nanf(""));
    EXPECT_TRUE(m->explain(*p, unknown, 3).empty());
    EXPECT_FLOAT_EQ(m->score_item(*p, unknown, {}), 0.0f);
}

TEST(TextMatcher, ProjectionLearnsTheTagTextsFromAudio) {
    Synthetic s = synthetic(4);
    auto m = TextMatcher::build(concepts(), axes(), s.values, kTracks, s.audio, kAudio, {.ridge_alpha = 0.001f});
    ASSERT_TRUE(m.is_ok()) << m.status().message();
    ASSERT_TRUE(m->has_projection());
    for (size_t j = 0; j < kConcepts; ++j) {
        auto p = m->prepare(axis(j), TextMethod::projection);
        ASSERT_TRUE(p.is_ok());
        // Chance is 0.5; the target (normalised, clipped at the mean) is not linear in the audio.
        EXPECT_GT(pair_agreement(p->scores, s, j), 0.85) << "concept " << j;
        // Same score for a catalog track whether scored in the catalog or as an item.
        const float item = m->score_item(*p, m->track_values(5), std::span<const float>(s.audio.data() + 5 * kAudio, kAudio));
        EXPECT_NEAR(item, p->scores[5], 1e-4f);
        auto e = m->prepare(axis(j), TextMethod::ensemble);
        ASSERT_TRUE(e.is_ok());
        EXPECT_GT(pair_agreement(e->scores, s, j), 0.85) << "concept " << j;
        EXPECT_NEAR(m->score_item(*e, m->track_values(9), std::span<const float>(s.audio.data() + 9 * kAudio, kAudio)), e->scores[9], 1e-4f);
    }
}

TEST(TextMatcher, ErrorsNameTheProblem) {
    Synthetic s = synthetic(5);
    auto bad = TextMatcher::build(concepts(), axes(), std::vector<float>(3), kTracks, {}, 0);
    ASSERT_FALSE(bad.is_ok());
    EXPECT_NE(bad.status().message().find("concept values"), std::string::npos);
    EXPECT_FALSE(TextMatcher::build({}, {}, {}, 0, {}, 0).is_ok());
    auto m = TextMatcher::build(concepts(), axes(), s.values, kTracks, {}, 0);
    ASSERT_TRUE(m.is_ok());
    auto p = m->prepare(std::vector<float>(10, 0.1f), TextMethod::bridge);
    EXPECT_FALSE(p.is_ok());
    auto q = m->prepare(axis(0), TextMethod::projection);
    ASSERT_FALSE(q.is_ok());
    EXPECT_NE(q.status().message().find("audio embeddings"), std::string::npos);
    TextMethod method;
    EXPECT_TRUE(parse_text_method("ensemble", &method));
    EXPECT_EQ(method, TextMethod::ensemble);
    EXPECT_FALSE(parse_text_method("magic", &method));
}

TEST(TextMatcher, GivenWeightsScoreLikeAQuery) {
    Synthetic s = synthetic(6);
    auto m = TextMatcher::build(concepts(), axes(), s.values, kTracks, {}, 0);
    ASSERT_TRUE(m.is_ok());
    // "More of concept 0, less of concept 1."
    PreparedText p = m->prepare_weights({{1, -0.5f, 0}, {0, 1.0f, 0}});
    EXPECT_EQ(p.weights[0].index, 0u);
    std::vector<float> v(kConcepts, 0.5f);
    v[0] = 0.9f;
    v[1] = 0.1f;
    std::vector<float> w = v;
    w[1] = 0.9f;
    EXPECT_GT(m->score_item(p, v, {}), m->score_item(p, w, {}));
}

TEST(TextMatcher, CombineAndTopTracks) {
    const std::vector<float> a = {1, 2, 3, 4}, b = {40, 30, 20, 10};
    const float w1[] = {1.0f, 0.0f};
    auto c = combine_scores({a, b}, w1);
    EXPECT_LT(c[0], c[3]);
    const float w2[] = {1.0f, 1.0f};
    c = combine_scores({a, b}, w2);
    for (float x : c) EXPECT_NEAR(x, 0.0f, 1e-5f);  // equal and opposite
    const float w3[] = {1.0f, 3.0f};
    c = combine_scores({a, b}, w3);
    EXPECT_GT(c[0], c[3]);
    auto top = top_tracks(a, 2, nullptr);
    EXPECT_EQ(top, (std::vector<uint32_t>{3, 2}));
    top = top_tracks(a, 10, [](uint32_t t) { return t % 2 == 0; });
    EXPECT_EQ(top, (std::vector<uint32_t>{2, 0}));
    const std::vector<float> ties = {1, 1, 1};
    EXPECT_EQ(top_tracks(ties, 2, nullptr), (std::vector<uint32_t>{0, 1}));
}

TEST(TextMatcher, ConceptsTheCatalogHasNoValuesForAreNeverWeighted) {
    // Concept 2 is unknown for every track (a catalog without that model's tags).
    Synthetic s = synthetic(7);
    for (size_t n = 0; n < kTracks; ++n) s.values[n * kConcepts + 2] = std::nanf("");
    auto m = TextMatcher::build(concepts(), axes(), s.values, kTracks, {}, 0);
    ASSERT_TRUE(m.is_ok());
    auto p = m->prepare(axis(2), TextMethod::bridge);  // a query that is exactly the unknown concept
    ASSERT_TRUE(p.is_ok());
    for (const ConceptWeight& w : p->weights) EXPECT_NE(w.index, 2u);
    // A dropped file with a value for it: no huge z out of an unknown concept.
    std::vector<float> item(kConcepts, 0.5f);
    item[2] = 1.0f;
    std::vector<float> same = item;
    same[2] = 0.0f;
    EXPECT_FLOAT_EQ(m->score_item(*p, item, {}), m->score_item(*p, same, {}));
    EXPECT_LE(TextMatcher::percentile(*p, m->score_item(*p, item, {})), 1.0f);
    // Given weights on it are dropped too.
    PreparedText g = m->prepare_weights({{2, 1.0f, 0}, {0, 0.5f, 0}});
    ASSERT_EQ(g.weights.size(), 1u);
    EXPECT_EQ(g.weights[0].index, 0u);
}

TEST(TextMatcher, ALessOfWeightDoesNotExplainAMatch) {
    Synthetic s = synthetic(8);
    auto m = TextMatcher::build(concepts(), axes(), s.values, kTracks, {}, 0);
    ASSERT_TRUE(m.is_ok());
    // "More of 0, less of 1": a track low on 1 scores well, but only concept 0 may explain it.
    PreparedText p = m->prepare_weights({{0, 1.0f, 0}, {1, -1.0f, 0}});
    std::vector<float> v(kConcepts, 0.5f);
    v[0] = 0.9f;
    v[1] = 0.0f;
    const auto why = m->explain(p, v, 3);
    ASSERT_EQ(why.size(), 1u);
    EXPECT_EQ(why[0].index, 0u);
    v[0] = 0.5f;  // only "less of 1" holds: nothing to name
    EXPECT_TRUE(m->explain(p, v, 3).empty());
    EXPECT_GT(m->score_item(p, v, {}), 0.0f);
}

namespace {

// Concept texts that share a large common part (as every "… music" prompt does): e_j = axis j + 2 ·
// axis 9, and concept 0 a hub with three times the common part. A query that is mostly the common
// part, with a little of concept 2's own direction.
std::vector<float> shared_part_concepts() {
    std::vector<float> e;
    for (size_t j = 0; j < kConcepts; ++j) {
        std::vector<float> v = axis(j);
        v[9] = j == 0 ? 6.0f : 2.0f;
        double n = 0;
        for (float x : v) n += double(x) * x;
        for (float& x : v) x = float(x / std::sqrt(n));
        e.insert(e.end(), v.begin(), v.end());
    }
    return e;
}

std::vector<float> mostly_shared_query() {
    std::vector<float> q(kTextDim, 0.0f);
    q[9] = 1.0f;
    q[2] = 0.2f;
    const float n = std::sqrt(1.0f + 0.04f);
    for (float& x : q) x /= n;
    return q;
}

}  // namespace

TEST(TextMatcher, CentringTheTextsLetsTheOwnDirectionDecideNotTheSharedPart) {
    Synthetic s = synthetic(7);
    auto raw = TextMatcher::build(concepts(), shared_part_concepts(), s.values, kTracks, {}, 0, {.center_text = false});
    auto centred = TextMatcher::build(concepts(), shared_part_concepts(), s.values, kTracks, {}, 0, {.center_text = true});
    ASSERT_TRUE(raw.is_ok() && centred.is_ok());
    auto pr = raw->prepare(mostly_shared_query(), TextMethod::bridge);
    auto pc = centred->prepare(mostly_shared_query(), TextMethod::bridge);
    ASSERT_TRUE(pr.is_ok() && pc.is_ok());
    // Raw cosines: the hub (most of the shared part) is nearest; centred: concept 2, the query's own direction.
    EXPECT_EQ(pr->weights[0].index, 0u);
    EXPECT_EQ(pc->weights[0].index, 2u);
    EXPECT_GT(pc->weights[0].weight, 0.9f);
    // The centred concept embeddings are unit vectors that sum to zero (the mean was removed before
    // renormalising, so their unnormalised sum is zero; the normalised ones have no shared direction left).
    double shared = 0;
    for (uint32_t j = 0; j < kConcepts; ++j) {
        auto e = centred->concept_embedding(j);
        double n = 0;
        for (float x : e) n += double(x) * x;
        EXPECT_NEAR(n, 1.0, 1e-5);
        shared += e[9];
    }
    EXPECT_LT(std::fabs(shared), 0.5) << "most of the common part is gone";
    // A query that is the concepts' mean has no direction of its own once centred: a clear error.
    std::vector<float> mean(kTextDim, 0.0f);
    auto e = shared_part_concepts();
    for (size_t j = 0; j < kConcepts; ++j)
        for (size_t k = 0; k < kTextDim; ++k) mean[k] += e[j * kTextDim + k] / float(kConcepts);
    auto bad = centred->prepare(mean, TextMethod::bridge);
    ASSERT_FALSE(bad.is_ok());
    EXPECT_NE(bad.status().message().find("no direction"), std::string::npos);
    EXPECT_TRUE(raw->prepare(mean, TextMethod::bridge).is_ok());
}

TEST(TextMatcher, CentringAppliesToTheProjectionToo) {
    Synthetic s = synthetic(8);
    auto m = TextMatcher::build(concepts(), shared_part_concepts(), s.values, kTracks, s.audio, kAudio,
                                {.ridge_alpha = 0.001f, .center_text = true});
    ASSERT_TRUE(m.is_ok()) << m.status().message();
    // Concept j's own raw text (shared part included) still finds the tracks with much of concept j.
    auto e = shared_part_concepts();
    for (size_t j = 0; j < kConcepts; ++j) {
        auto p = m->prepare(std::span<const float>(e.data() + j * kTextDim, kTextDim), TextMethod::projection);
        ASSERT_TRUE(p.is_ok());
        EXPECT_GT(pair_agreement(p->scores, s, j), 0.8) << "concept " << j;
    }
}

TEST(TextMatcher, EnsembleWeightMovesBetweenTheTwoMethods) {
    Synthetic s = synthetic(9);
    for (float w : {0.0f, 0.3f, 1.0f}) {
        auto m = TextMatcher::build(concepts(), axes(), s.values, kTracks, s.audio, kAudio,
                                    {.ensemble_bridge_weight = w, .ensemble_discount_common = false});
        ASSERT_TRUE(m.is_ok());
        std::vector<float> q(kTextDim, 0.0f);
        q[1] = 0.8f, q[4] = 0.6f;
        auto b = m->prepare(q, TextMethod::bridge), p = m->prepare(q, TextMethod::projection), e = m->prepare(q, TextMethod::ensemble);
        ASSERT_TRUE(b.is_ok() && p.is_ok() && e.is_ok());
        for (size_t n = 0; n < kTracks; n += 17)
            EXPECT_NEAR(e->scores[n], w * TextMatcher::percentile(*b, b->scores[n]) + (1 - w) * TextMatcher::percentile(*p, p->scores[n]),
                        1e-5f) << "w " << w << " track " << n;
    }
    EXPECT_FALSE(TextMatcher::build(concepts(), axes(), s.values, kTracks, {}, 0, {.ensemble_bridge_weight = 1.5f}).is_ok());
}

TEST(TextMatcher, AQueryThatIsOneOfTheTagsLeansOnTheBridge) {
    Synthetic s = synthetic(10);
    auto m = TextMatcher::build(concepts(), axes(), s.values, kTracks, s.audio, kAudio,
                                {.ensemble_bridge_weight = 0.3f, .ensemble_exact_cosine = 0.9f, .ensemble_discount_common = false});
    ASSERT_TRUE(m.is_ok());
    auto check = [&](const std::vector<float>& q, float share) {
        auto b = m->prepare(q, TextMethod::bridge), p = m->prepare(q, TextMethod::projection), e = m->prepare(q, TextMethod::ensemble);
        ASSERT_TRUE(b.is_ok() && p.is_ok() && e.is_ok());
        EXPECT_NEAR(e->bridge_share, share, 1e-4f);
        for (size_t n = 0; n < kTracks; n += 13) {
            const float want = share * TextMatcher::percentile(*b, b->scores[n]) + (1 - share) * TextMatcher::percentile(*p, p->scores[n]);
            EXPECT_NEAR(e->scores[n], want, 1e-5f);
            auto audio = std::span<const float>(s.audio.data() + n * kAudio, kAudio);
            EXPECT_NEAR(m->score_item(*e, m->track_values(uint32_t(n)), audio), e->scores[n], 1e-4f) << "a dropped file reads alike";
        }
    };
    check(axis(2), 1.0f);  // exactly a tag: the bridge alone
    std::vector<float> far(kTextDim, 0.0f);
    far[2] = 0.6f, far[20] = 0.8f;  // nearest concept at cosine 0.6 < 0.9: the base share
    check(far, 0.3f);
    std::vector<float> mid(kTextDim, 0.0f);
    mid[2] = 0.95f, mid[20] = std::sqrt(1.0f - 0.95f * 0.95f);  // halfway from 0.9 to 1
    check(mid, 0.3f + 0.7f * 0.5f);
}

namespace {

// Pearson correlation, written out here (the core has its own in core/common/stats.h).
double correlation(const std::vector<float>& a, const std::vector<float>& b) {
    double ma = 0, mb = 0, ab = 0, aa = 0, bb = 0;
    for (size_t i = 0; i < a.size(); ++i) ma += a[i] / double(a.size()), mb += b[i] / double(b.size());
    for (size_t i = 0; i < a.size(); ++i) ab += (a[i] - ma) * (b[i] - mb), aa += (a[i] - ma) * (a[i] - ma), bb += (b[i] - mb) * (b[i] - mb);
    return ab / std::sqrt(aa * bb);
}

// The unit mean of the concepts' text embeddings: what every word of the matcher shares.
std::vector<float> mean_text(const std::vector<float>& embeddings) {
    std::vector<float> m(kTextDim, 0.0f);
    for (size_t i = 0; i < embeddings.size(); ++i) m[i % kTextDim] += embeddings[i];
    double n = 0;
    for (float x : m) n += double(x) * x;
    for (float& x : m) x = float(x / std::sqrt(n));
    return m;
}

}  // namespace

// The defaults as docs/benchmarks/zeroshot.md chose them across the two labelled sets: a word far from
// every tag gets the bridge share 0.4 (the projection 0.6), an exact tag the bridge alone, and a query
// halfway from cosine 0.9 to an exact match halfway from 0.4 to 1; then the projection's share is
// scaled by 1 − ρ⁺², ρ its scores' correlation with the projection's scores for the concepts' mean text.
TEST(TextMatcher, DefaultEnsembleSharesAreTheCrossSetChoice) {
    Synthetic s = synthetic(11);
    auto m = TextMatcher::build(concepts(), axes(), s.values, kTracks, s.audio, kAudio);
    ASSERT_TRUE(m.is_ok());
    auto common = m->prepare(mean_text(axes()), TextMethod::projection);
    ASSERT_TRUE(common.is_ok());
    auto check = [&](const std::vector<float>& q, float base) {
        auto b = m->prepare(q, TextMethod::bridge), p = m->prepare(q, TextMethod::projection), e = m->prepare(q, TextMethod::ensemble);
        ASSERT_TRUE(b.is_ok() && p.is_ok() && e.is_ok());
        const double rho = correlation(p->scores, common->scores), r = std::max(rho, 0.0);
        const double share = base / (base + (1 - base) * (1 - r * r));
        EXPECT_NEAR(e->projection_common, rho, 1e-4);
        EXPECT_NEAR(e->bridge_share, share, 1e-4);
        for (size_t n = 0; n < kTracks; n += 11)
            EXPECT_NEAR(e->scores[n], share * TextMatcher::percentile(*b, b->scores[n]) + (1 - share) * TextMatcher::percentile(*p, p->scores[n]),
                        1e-5f);
    };
    std::vector<float> far(kTextDim, 0.0f), mid(kTextDim, 0.0f);
    far[3] = 0.6f, far[30] = 0.8f;
    mid[3] = 0.95f, mid[30] = std::sqrt(1.0f - 0.95f * 0.95f);
    check(far, 0.4f);
    check(axis(3), 1.0f);
    check(mid, 0.4f + 0.6f * 0.5f);
    std::vector<float> between(kTextDim, 0.0f);  // a far word whose projection does not follow the common scores
    between[0] = 0.5f, between[1] = -0.5f, between[30] = std::sqrt(0.5f);
    check(between, 0.4f);
}

// A query that asks for what every word asks for (the concepts' mean text): its projection ranking is
// the word-independent one (ρ = 1), so the projection gets no say and the ensemble is the bridge's
// percentile; without the discount it keeps its 0.6.
TEST(TextMatcher, AProjectionThatSaysTheSameForEveryWordGetsNoShare) {
    Synthetic s = synthetic(12);
    for (bool discount : {true, false}) {
        auto m = TextMatcher::build(concepts(), axes(), s.values, kTracks, s.audio, kAudio, {.ensemble_discount_common = discount});
        ASSERT_TRUE(m.is_ok());
        const std::vector<float> q = mean_text(axes());  // cosine 0.41 to each concept: a far word
        auto b = m->prepare(q, TextMethod::bridge), e = m->prepare(q, TextMethod::ensemble);
        ASSERT_TRUE(b.is_ok() && e.is_ok());
        EXPECT_NEAR(e->projection_common, 1.0f, 1e-5f);
        EXPECT_NEAR(e->bridge_share, discount ? 1.0f : 0.4f, 1e-5f);
        if (discount) {
            for (size_t n = 0; n < kTracks; n += 7) EXPECT_NEAR(e->scores[n], TextMatcher::percentile(*b, b->scores[n]), 1e-6f);
        }
    }
}
