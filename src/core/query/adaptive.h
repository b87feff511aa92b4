// cuefinder core — an adaptive session: like / skip / typed remarks refit a small model after every
// input and re-rank the catalog (issue 16, part 1). The app, `./cuefinder search --like/--skip/--remark`
// and tools/bench/session share this one implementation.
//
//   cf::query::AdaptiveFeatures f = cf::query::AdaptiveFeatures::build(engine);  // once per catalog
//   cf::query::AdaptiveSession s(f);                       // borrows f: it must outlive the session
//   s.set_base(mixed_result.inputs[0].scores);             // the original query's raw score per track
//   s.like(catalog.find("supertux/airship_2").value());    // Status: bad index → invalid_argument
//   s.skip(17);
//   s.remark("more upbeat", prepared_text.scores);         // a remark: its words' raw score per track
//   s.undo();                                              // false when there is nothing to undo
//   auto rows = s.rerank(10, filters);                     // judged tracks never come back
//   for (const cf::query::AdaptiveRow& r : *rows) show(r.track, r.score, r.why);
//   s.learned().text();                                    // "you like: piano, calm · you skip: electronic"
//   std::string json = s.to_json();                        // persist / export; names the catalog
//   auto back = cf::query::AdaptiveSession::from_json(f, json, remark_scores);  // refuses another catalog
//   back->set_base(scores);                                // the base is not in the JSON: run the query again
//
// The model. A track's session score is  prior·z(base) + Σ remark_weight·z(remark) + b + w·x(track):
// the original query (and every remark) is a fixed offset — the prior toward what was asked — and
// w, b are an L2-regularised logistic regression fitted on the judged tracks (like = 1, skip = 0) after
// every input. x is the track's embedding in the catalog's space and its concept values (tag and mood
// probabilities, MatchExplainer's keys), every column z-scored over the catalog (a concept's spread
// floored at kConceptSdFloor), each block scaled to
// its weight. The fit runs in the dual (w = Σ α_i x_i, a Newton solve on the judged tracks only), the
// re-rank is one pass over a column-major feature matrix (axpy per feature: vectorises with -msimd128
// without fast-math). learned() reads w's concept part: positive = what you like, negative = skip.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/catalog/catalog.h"
#include "core/common/status.h"
#include "core/query/query_engine.h"

namespace cf::query {

/// Concept columns are z-scored with at least this spread (probability units): rare tags stay quiet.
inline constexpr float kConceptSdFloor = 0.05f;

/// The per-catalog feature matrix of adaptive sessions (build once, share between sessions).
class AdaptiveFeatures {
public:
    /// From a query engine: its embeddings (the catalog's space) and, with a catalog, its concept values
    /// (explainer()). Over raw arrays only the embeddings; ids are then "0", "1", …
    /// Errors (invalid_argument): no tracks, no features.
    static Result<AdaptiveFeatures> build(const QueryEngine& engine);
    /// From arrays (tests, benchmarks): n × dim embeddings, n × keys.size() concept values (NaN = the
    /// concept's mean), the track ids (n, unique). Errors: sizes that do not match, non-finite embeddings.
    static Result<AdaptiveFeatures> from_arrays(std::vector<std::string> ids, std::span<const float> embeddings,
                                                size_t dim, std::vector<std::string> keys, std::span<const float> values);
    /// `n_copies` copies of every track, each embedding and value jittered by N(0, jitter²) per column
    /// sd (deterministic in `seed`): a large catalog for scale benchmarks. Ids get "#copy" appended.
    AdaptiveFeatures tiled(size_t n_copies, float jitter, uint64_t seed) const;

    size_t n_tracks() const { return ids_.size(); }
    size_t dim() const { return dim_; }                      ///< embedding columns
    size_t n_concepts() const { return keys_.size(); }       ///< concept columns
    size_t n_features() const { return dim_ + keys_.size(); }
    const std::vector<std::string>& keys() const { return keys_; }  ///< "msd:rock", …, "mood:happy"
    const std::vector<std::string>& ids() const { return ids_; }
    std::optional<uint32_t> find(std::string_view id) const;
    /// "n=425 fnv1a64=…": names the catalog (its id list) in a session's JSON.
    const std::string& catalog_key() const { return catalog_key_; }
    const Catalog* catalog() const { return catalog_; }      ///< for filters; null from arrays
    /// Feature f of every track (n_tracks floats): z-scored, unscaled by block weights.
    std::span<const float> column(size_t f) const { return {cols_.data() + f * n_tracks(), n_tracks()}; }
    /// Track t's row (n_features floats, gathered from the columns).
    std::vector<float> row(uint32_t t) const;

private:
    void finish();  ///< z-scores the columns, sets catalog_key_
    std::vector<std::string> ids_, keys_;
    std::vector<float> cols_;  ///< n_features × n_tracks, column-major
    size_t dim_ = 0;
    std::string catalog_key_;
    const Catalog* catalog_ = nullptr;
};

struct AdaptiveOptions {
    // prior_weight, l2 and the block weights: chosen by tools/bench/session/run.mjs on half of the
    // demo catalog's targets (docs/benchmarks/sessions.md: the largest prior within 0.005 of the best).
    float prior_weight = 0.25f;     ///< weight of z(base) in the score (the pull toward the query)
    float remark_weight = 1.0f;     ///< weight of each remark's z-scores (at the default prior: 4× the query's pull)
    float l2 = 0.1f;                ///< L2 penalty on w (and b)
    float embedding_weight = 0.5f;  ///< the embedding block's share of ‖x‖² (columns scaled by w/√dim)
    float concept_weight = 1.0f;    ///< the concept block's share of ‖x‖²
    size_t newton_iterations = 12;
    size_t learned_n = 3;           ///< concepts named per side in learned()
};

struct SessionEvent {
    enum class Kind { like, skip, remark };
    Kind kind = Kind::like;
    uint32_t track = 0;  ///< like, skip
    std::string text;    ///< remark
};
const char* event_kind_name(SessionEvent::Kind kind);  ///< "like", "skip", "remark"

struct LearnedConcept {
    std::string words;  ///< "piano" (the concept's words; the same words of several sets summed)
    float weight = 0;   ///< |w| in the model's units (z-scored concept), largest first
};

struct Learned {
    std::vector<LearnedConcept> likes, skips;
    /// "you like: piano, calm · you skip: electronic, vocals" ("" before any like or skip).
    std::string text() const;
};

struct AdaptiveRow {
    uint32_t track = 0;
    float score = 0;    ///< the session score (a logit; higher is better)
    float base = 0;     ///< z(base) of the track
    float learned = 0;  ///< w·x + b: what the likes and skips added
    std::string why;    ///< learned likes this track has (z ≥ 1), ≤ 2: "piano, calm" ("" when none)
};

class AdaptiveSession {
public:
    explicit AdaptiveSession(const AdaptiveFeatures& features, AdaptiveOptions options = {});

    /// The original query's raw score per catalog track (any scale: z-scored here). Without a base
    /// every track starts equal. Errors (invalid_argument): wrong size, non-finite values.
    Status set_base(std::span<const float> base_scores);
    /// Errors (invalid_argument): a track index out of range (the message names it).
    Status like(uint32_t track);
    Status skip(uint32_t track);
    /// A remark's raw score per catalog track (a PreparedText's scores). Errors: empty text, wrong size.
    Status remark(std::string text, std::span<const float> scores);
    /// Takes back the last input; false when there is none.
    bool undo();
    const std::vector<SessionEvent>& events() const { return events_; }
    /// What the base was (opaque to the core: e.g. the app's query as JSON), kept in to_json() so a
    /// saved session says which query to run again before set_base(). Empty by default.
    void set_query(std::string query) { query_ = std::move(query); }
    const std::string& query() const { return query_; }

    /// The best k tracks not yet judged that pass `filters` (a catalog's; from arrays only inactive
    /// filters), best first, ties by index. Errors: k = 0, active filters without a catalog.
    /// `all_scores`, when given, receives scores() (computed once for both).
    Result<std::vector<AdaptiveRow>> rerank(size_t k, const SearchFilters& filters = {}, std::vector<float>* all_scores = nullptr) const;
    /// Every track's session score (n_tracks floats), the judged ones included.
    std::vector<float> scores() const;
    Learned learned() const;

    /// {"format": "cuefinder-session", "version": 1, "catalog": catalog_key, "query": query(),
    ///  "events": [{"kind", "id"|"text"}]}
    std::string to_json() const;
    /// Gives a remark's scores when a session is read back (null: a session with remarks is refused).
    using RemarkScores = std::function<Result<std::vector<float>>(const std::string& text)>;
    /// Errors: corrupt JSON or format (naming what), another catalog ("this session is for catalog …"),
    /// an unknown track id (naming it), remarks without `remark_scores`.
    static Result<AdaptiveSession> from_json(const AdaptiveFeatures& features, std::string_view json,
                                             const RemarkScores& remark_scores = nullptr, AdaptiveOptions options = {});

private:
    Status check_track(uint32_t track) const;
    void refit();
    float offset(uint32_t track) const;     ///< prior·z(base) + the remarks' z
    std::string why(uint32_t track, const Learned& learned) const;  ///< AdaptiveRow::why
    const AdaptiveFeatures* features_;
    AdaptiveOptions options_;
    std::vector<SessionEvent> events_;
    std::string query_;
    std::vector<float> base_z_;                  ///< empty: no base
    std::vector<std::vector<float>> remarks_z_;  ///< per remark event, in order
    std::vector<float> w_;                       ///< per feature, block weights folded in
    float bias_ = 0;
};

}  // namespace cf::query
