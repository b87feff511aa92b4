// cuefinder core — text → music: scores every catalog track for a sentence embedding.
//
//   cf::semantic::TextMatcher m = *cf::semantic::TextMatcher::build(
//       concepts, concept_embeddings,          // C concepts (core/semantic/concepts.h), C × 512 unit rows
//       values, n_tracks,                      // the catalog's concept values, N × C (tag/mood probabilities)
//       audio, 200, {});                       // the catalog's unit audio embeddings, N × 200 (or empty)
//   cf::semantic::PreparedText q = *m.prepare(query_embedding, cf::semantic::TextMethod::bridge);
//   // q.scores[n]: raw score of track n; m.percentile(q, q.scores[n]): calibrated 0..1
//   auto why = m.explain(q, m.track_values(n), 3);            // the concepts that carried the score
//   float s = m.score_item(q, file_values, file_embedding);   // a dropped file, same scale
//
// Two ways into one space (docs/benchmarks/zeroshot.md measures both on labelled audio):
//   bridge      the query is compared with the text embedding of every concept the audio models
//               output (MSD/MTT tags, moods); the top_k most similar concepts get softmax weights
//               (temperature) and a track scores Σ weight · z, z = how much the track's probability of
//               that concept stands out in the catalog: the normal score of its rank there (or, with
//               Evidence::probability, its distance from the mean in standard deviations).
//   projection  a linear map W (ridge regression, closed form) from [audio embedding, 1] to the text
//               space, fitted on the catalog with each track's tag texts as the target: the
//               normalised sum of its concepts' embeddings weighted by how far its probability is
//               above the catalog's mean (Choi et al., "Zero-shot learning for audio-based music
//               classification and tagging", ICASSP 2019). A track scores cos(W·[a, 1], query).
//   ensemble    the weighted mean of both methods' percentiles among the catalog (the default: best on
//               both labelled sets, mostly for words outside the models' vocabularies); the projection's
//               share shrinks by how much of its ranking is the same for every word (ensemble_discount_common).
// Calibration: a score's percentile among the catalog's scores for the same query (0.9 = better than
// 90 % of the catalog), so scores of different queries and of a dropped file read alike.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "core/common/status.h"
#include "core/match/calibration.h"
#include "core/semantic/concepts.h"

namespace cf::semantic {

enum class TextMethod { bridge, projection, ensemble };
const char* text_method_name(TextMethod method);
/// "bridge", "projection", "ensemble" → the method; nullopt-like false when unknown.
bool parse_text_method(std::string_view name, TextMethod* out);

enum class Evidence { probability, normal_rank };

struct TextMatcherOptions {
    // K and T chosen on set 1, where the mean ROC-AUC is flat around them (K 5–20 and T 0.02–0.05
    // within 0.02); their set-1 optimum does not carry over to set 2, so they stay (docs/benchmarks/zeroshot.md).
    size_t top_k = 10;           ///< bridge: concepts weighted per query
    float temperature = 0.05f;   ///< bridge: softmax temperature over query–concept cosines
    /// bridge: what a concept's z is taken on. normal_rank: the normal score of the value's rank among
    /// the catalog (Φ⁻¹ of its fraction below, ties half, clamped to 0.005..0.995): scale-free, so a
    /// tagger whose probabilities crowd near 0 weighs like one that spreads them; on the probabilities
    /// a tag ten times likelier (0.002 → 0.02) hardly moves z. Chosen on set 1 with the other defaults
    /// as they were (ensemble 0.840 → 0.855 through the core; logits less) and scored on set 2 (0.739 →
    /// 0.741); docs/benchmarks/zeroshot.md, "Evidence". probability: (p − mean) / max(sd, sd_floor).
    Evidence evidence = Evidence::normal_rank;
    float sd_floor = 0.01f;      ///< bridge, evidence probability: smallest per-concept standard deviation in z
    /// projection: ridge penalty α = ridge_alpha · N · mean ‖a‖² (scale-free; the bias is not penalised)
    float ridge_alpha = 0.02f;
    size_t max_training_tracks = 20000;  ///< projection: fitted on an even sample of at most this many
    /// Both methods: compare texts after removing what every concept's text shares (the mean of the
    /// concept embeddings: the prompt templates, "music"), concepts and queries renormalised. Raw
    /// USE cosines of any two music words lie in 0.7–0.85, so what the words differ in is a small
    /// part of each cosine (docs/benchmarks/zeroshot.md, "Why organ inverted").
    bool center_text = false;
    /// ensemble: the bridge's share of the mean of the two percentiles (the projection has the rest).
    /// 0.4 (with ensemble_exact_cosine 0.9) is the best share on set 1 once all its 279 clips were
    /// analysed (0.3 had been chosen on 107 of them; set 1 is flat from 0.3 to 0.45 within 0.001) and
    /// is scored on set 2, which nothing is chosen on; set 2's own best (0.6) is scored on set 1 the
    /// other way round (docs/benchmarks/zeroshot.md, "Choosing the defaults across sets").
    float ensemble_bridge_weight = 0.4f;
    /// ensemble: the bridge's share rises from ensemble_bridge_weight to 1 as the query's nearest
    /// concept gets from this cosine to an exact match (a query that is one of the models' tags is
    /// what the bridge answers best: the tag itself; a word far from every tag is better served by the
    /// smoother projection). ≥ 1: the share is always ensemble_bridge_weight.
    float ensemble_exact_cosine = 0.9f;
    /// ensemble: the projection's share is scaled by 1 − ρ⁺², ρ the correlation over the catalog of the
    /// query's projection scores with every track's projection score for the concepts' mean text (what
    /// the projection ranks first whatever the word), then both shares renormalised. A projection that
    /// orders a catalog by source (real recordings first for every word) says nothing about the word:
    /// that was why organ fell on set 2. Found on set 2 (its diagnosis), the form chosen on set 1, where
    /// it changes the mean by −0.001 (docs/benchmarks/zeroshot.md, "word-independent part").
    bool ensemble_discount_common = true;
};

struct ConceptWeight {
    uint32_t index = 0;  ///< into TextMatcher::concepts()
    float weight = 0;      ///< softmax weight (bridge) or a given weight (may be negative: "less of")
    float similarity = 0;  ///< query–concept cosine (0 for given weights)
};

struct Contribution {
    uint32_t index = 0;  ///< into TextMatcher::concepts()
    float value = 0;  ///< weight · z of the track for this concept
};

/// A query prepared against one catalog: its weights, its direction in the audio space and the raw
/// score of every catalog track (what calibrates all other scores of the query).
struct PreparedText {
    TextMethod method = TextMethod::bridge;
    std::vector<ConceptWeight> weights;   ///< bridge concepts, largest |weight| first
    std::vector<float> audio_direction;   ///< projection: W·q, audio_dim + 1 values
    std::vector<float> scores;            ///< raw score per catalog track
    std::vector<float> sorted_scores;     ///< ascending copy, for percentiles
    std::vector<float> sorted_bridge, sorted_projection;  ///< ensemble: each method's sorted catalog scores
    float bridge_share = 0.5f;            ///< ensemble: the bridge percentile's weight for this query
    float projection_common = 0;          ///< ensemble: ρ of the projection's scores with the word-independent ones
};

class TextMatcher {
public:
    /// Errors (invalid_argument): sizes that do not match, non-finite embeddings, no tracks, no concepts.
    /// Unknown (NaN) concept values count as the concept's catalog mean. A concept no catalog track has
    /// a value for (e.g. MTT tags in a catalog without TAGP) is never weighted: it could not rank the
    /// catalog, and an item's value for it would have nothing to be compared with.
    static Result<TextMatcher> build(std::vector<Concept> concepts, std::vector<float> concept_embeddings,
                                     std::vector<float> values, size_t n_tracks, std::vector<float> audio,
                                     size_t audio_dim, const TextMatcherOptions& options = {});

    size_t n_tracks() const { return n_tracks_; }
    size_t n_concepts() const { return concepts_.size(); }
    size_t audio_dim() const { return audio_dim_; }
    bool has_projection() const { return !w_.empty(); }
    const std::vector<Concept>& concepts() const { return concepts_; }
    const TextMatcherOptions& options() const { return options_; }
    /// The concept values of catalog track `track` (C floats, NaN replaced by the mean).
    std::span<const float> track_values(uint32_t track) const;
    /// The unit text embedding of concept `c` as the matcher compares it (centred when center_text).
    std::span<const float> concept_embedding(uint32_t c) const;

    /// Prepares a unit text embedding (kTextDim floats). Errors: wrong size, non-finite, zero (or, when
    /// centred, equal to the concepts' mean); projection or ensemble without audio embeddings.
    Result<PreparedText> prepare(std::span<const float> query, TextMethod method) const;
    /// A bridge query from given concept weights (e.g. a picture's colour moods).
    PreparedText prepare_weights(std::vector<ConceptWeight> weights) const;

    /// Raw score of an item outside the catalog: its concept values (C; NaN = mean) and its unit audio
    /// embedding (audio_dim; may be empty for the bridge).
    float score_item(const PreparedText& query, std::span<const float> values, std::span<const float> audio) const;
    /// Calibrated score: the fraction of catalog tracks that score lower (ties count half), 0..1.
    static float percentile(const PreparedText& query, float raw_score);
    /// What carried an item's score: weight · z per positively weighted concept, positive ones, largest
    /// first (a "less of" weight is not listed: "sad" must not explain a match for "less sad").
    std::vector<Contribution> explain(const PreparedText& query, std::span<const float> values, size_t max_items) const;
    /// The explanation as words: "piano, calm, classical".
    std::string explain_text(const PreparedText& query, std::span<const float> values, size_t max_items) const;

private:
    /// A concept's catalog values, distinct and ascending, with how many values lie below each and the
    /// z of each (a catalog of uint8 probability codes has ≤ 256 per concept, whatever its size).
    struct RankTable {
        std::vector<float> values, z;
        std::vector<uint32_t> below;
        uint32_t n = 0;
    };
    float bridge_score(const PreparedText& q, const float* values) const;
    float concept_z(uint32_t index, float value) const;  ///< value NaN: 0 (as the catalog's mean)
    void fill_concept_stats();
    static RankTable rank_table(const std::vector<float>& known);  ///< known: ascending
    float projection_score(const PreparedText& q, const float* audio, float norm) const;
    float projected_norm(const float* audio) const;
    std::vector<float> audio_direction(std::span<const float> text) const;
    float bridge_share(float nearest_cosine) const;
    float discounted_share(float share, std::span<const float> projection_scores, float* rho) const;
    Status fit_projection();
    void fill_common_scores();

    std::vector<Concept> concepts_;
    std::vector<float> concept_embeddings_;  ///< C × kTextDim (centred and renormalised when center_text)
    std::vector<float> text_center_;         ///< kTextDim: subtracted from queries (empty: not centred)
    std::vector<float> values_;              ///< N × C
    std::vector<float> mean_, sd_;           ///< per concept: the catalog's mean probability and sd (floored)
    std::vector<RankTable> ranks_;           ///< per concept (evidence normal_rank)
    std::vector<uint8_t> known_;             ///< per concept: the catalog has values for it (else never weighted)
    std::vector<float> audio_;               ///< N × D
    std::vector<float> track_norms_;         ///< ‖Wᵀ[a, 1]‖ per track
    std::vector<float> common_;              ///< per track: its projection score for the known concepts' mean text
    std::vector<float> w_;                   ///< (D + 1) × kTextDim
    std::vector<float> gram_;                ///< W·Wᵀ, (D + 1)²
    size_t n_tracks_ = 0, audio_dim_ = 0;
    TextMatcherOptions options_;
};

/// The fraction of `sorted` below `x` (ties count half), 0..1; 0.5 for an empty list. One helper for
/// every percentile calibration of the core (core/match/calibration.h).
using cf::match::fraction_below;

/// How combine_scores() z-normalises a list: its mean and (population) standard deviation, sd 1 for a
/// constant or one-element list. z() puts a score from outside the list (a dropped file's) on its scale.
struct ZScale {
    float mean = 0, sd = 1;
    float z(float x) const { return (x - mean) / sd; }
};
ZScale z_scale(std::span<const float> scores);

/// Combines per-track score lists with weights: each list is z-normalised over its tracks first, so a
/// weight says how much that input counts ("like this track, but calmer"). Lists of different sizes
/// or an all-zero weight vector are programmer errors (CF_ASSERT). Weights ≤ 0 skip a list.
std::vector<float> combine_scores(const std::vector<std::span<const float>>& scores, std::span<const float> weights);

/// The best `k` tracks by score among those `passes` accepts (nullptr: all), best first; ties by index.
std::vector<uint32_t> top_tracks(std::span<const float> scores, size_t k, const std::function<bool(uint32_t)>& passes);

}  // namespace cf::semantic
