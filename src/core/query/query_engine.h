// cuefinder core — the one query engine: "combine words, picture and track" lives here. The app,
// `./cuefinder search` and `./cuefinder tag` all ask it; they only format what it returns.
//
//   cf::query::QueryEngine engine(catalog);                  // once per catalog: calibrates match %
//   auto hits = engine.search(embedding, options);          // track only: SearchHits with match_percent
//
//   cf::query::MixedQuery q;                                // any mix of inputs:
//   q.track = cf::query::unit_vector(file_embedding);       //   a track embedding (cosine), or
//   q.track_index = catalog.find("supertux/airship_2");     //   a catalog track (left out of results)
//   q.texts.push_back({"calm piano", *matcher.prepare(text_embedding, TextMethod::ensemble)});
//   q.picture = std::move(picture);                         //   prepare_picture() (picture_query.h)
//   q.weights = {.track = 1, .text = 0.5f, .picture = 1};
//   q.options.k = 10;  q.options.filters.bpm_min = 90;      //   filters apply before top-k
//   auto r = engine.run(q, &matcher);                       // the matcher SemanticSearch fitted on it
//   for (const cf::query::ResultRow& row : r->results)      // best first
//       show(row.track, row.score, row.why);                //   score: percentile of the mix, 0..1
//
// Which space. A file's embedding (MixedQuery::track, Item::audio, search()'s query: input_dim()
// values, as the analysis gives them) is mapped into the catalog's similarity space by the engine
// (Catalog::to_query: the learned space of a format v3 catalog, the identity for older ones) for every
// track-to-track comparison. The text matcher's audio projection stays in the input space: it was
// fitted on the catalog's input embeddings (Catalog::input_embedding; a learned space lowers zero-shot
// ROC-AUC, docs/benchmarks/zeroshot.md), so an item's words are scored from Item::audio as given.
//
// How inputs combine. Each input gives one raw score per catalog track: a text its prepared query's
// scores (core/semantic/text_matcher.h), a picture "sees" (its classes' words) and "feels" (its colour
// moods) z-combined 1:1, a track the cosine with its unit embedding. With one input the mix is that
// input's raw score; with several, each input's scores are z-normalised over the catalog and summed
// with their weights (semantic::combine_scores: a weight 0 removes an input from the mix, not from
// the listed inputs). A result's score is the mix's percentile among the catalog. Items (dropped files,
// not in the catalog) are scored per input on the catalog's scale: raw, percentile among the catalog,
// match percent (track input) and an explanation.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/catalog/catalog.h"
#include "core/common/status.h"
#include "core/image/colour.h"
#include "core/match/calibration.h"
#include "core/query/match_why.h"
#include "core/semantic/image_query.h"
#include "core/semantic/text_matcher.h"

namespace cf::query {

// [SECTION] Inputs --------------------------------------------------------------------------------

/// A picture as a query (prepare_picture() in picture_query.h makes one).
struct PictureQuery {
    std::string name;                             ///< shown as the input's name (a path, a file name)
    std::vector<semantic::ImageClass> classes;    ///< what the image model sees, best first
    ColourFeel feel;                              ///< how its colours feel
    std::optional<semantic::PreparedText> sees;   ///< the classes' words through the text matcher
    std::optional<semantic::PreparedText> feels;  ///< the feel's mood weights (none: a neutral picture)
    /// "sees: seashore, sandbar; feels: bright, calm" (semantic::image_explanation).
    std::string explanation() const { return semantic::image_explanation(classes, feel); }
};

struct TextQuery {
    std::string text;                ///< the words as typed
    semantic::PreparedText prepared;  ///< matcher.prepare(embedding, method)
};

/// Something scored beside the catalog (a dropped file): concept values in matcher.concepts() order
/// (NaN = unknown: the concept's catalog mean) and its unit audio embedding (input_dim() floats: the
/// file's own embedding, which the engine maps into the catalog's space; or empty).
struct Item {
    std::vector<float> values;
    std::vector<float> audio;
    std::vector<float> audio_in_space;  ///< set by the engine: `audio` in the catalog's space (a space only)
};

struct Weights {
    float track = 1, text = 1, picture = 1;  ///< ≥ 0; every text input gets `text`
};

struct MixedQuery {
    std::vector<float> track;                ///< a file's unit track embedding (unit_vector(); input_dim() values), or empty
    std::optional<uint32_t> track_index;     ///< a catalog track as the track input; never a result
    std::vector<TextQuery> texts;            ///< each text is its own input, in order
    std::optional<PictureQuery> picture;
    Weights weights;
    SearchOptions options;                   ///< k and filters (applied before top-k); exclude_track too
    std::vector<TagScore> track_tags;        ///< the query track's top tags (ResultRow::words without an explainer)
    /// A file's concept values in MatchExplainer::keys() order (QueryEngine::explainer()->values_of), for
    /// the "why" of a track input; a catalog track (track_index) brings its own.
    std::vector<float> track_values;
    std::vector<Item> items;
    size_t top_per_input = 0;                ///< each input's own best tracks (InputResult::top)
    size_t explain_n = 3;                    ///< concepts per explanation
    semantic::TextMethod method = semantic::TextMethod::ensemble;  ///< what the texts were prepared with
};

/// `v` scaled to unit length (the catalog's embeddings are unit vectors); empty for a zero vector.
std::vector<float> unit_vector(std::span<const float> v);

// [SECTION] Results -------------------------------------------------------------------------------

enum class InputKind { text, picture, track };
const char* input_kind_name(InputKind kind);  ///< "text", "image", "track" (the CLI's JSON names)

/// One input's score of one track or item.
struct InputScore {
    float raw = 0;                 ///< the input's raw score
    float percentile = 0;          ///< fraction of the catalog scoring lower (ties half), 0..1
    float match_percent = kUnknown;  ///< track input on a calibrated catalog: 0..100, else NaN
    std::string why;  ///< "fits: piano, calm", "sees: …; feels: … (fits: …)", "like the track (both: piano · more: drums)"
};

struct RankedTrack {
    uint32_t track = 0;
    InputScore score;
};

struct InputResult {
    InputKind kind = InputKind::text;
    size_t index = 0;                 ///< texts: index into MixedQuery::texts
    float weight = 1;
    std::vector<float> scores;        ///< raw score of every catalog track
    std::vector<float> sorted;        ///< the same, ascending (percentiles)
    std::vector<InputScore> items;    ///< per MixedQuery::items
    std::vector<RankedTrack> top;     ///< its own best top_per_input tracks (filters applied)
};

struct ResultRow {
    uint32_t track = 0;
    float score = 0;                  ///< the mix's percentile among the catalog, 0..1
    float raw = 0;                    ///< the mix (one input: its raw score)
    std::string why;                  ///< the inputs' explanations joined ("; "), the track's left out when mixed
    std::vector<InputScore> inputs;   ///< per MixedResult::inputs
    /// Words for a short "why" column: what stands out in the track input's match (match_why.h: "piano",
    /// "more drums"; without concept values: top tags both share, ≤ 2, both ≥ 0.1), then the concepts
    /// that carried the words' and the picture's scores (≤ 3 each, unique).
    std::vector<std::string> words;
};

struct MixedResult {
    std::vector<InputResult> inputs;  ///< texts in order, then the picture, then the track
    std::vector<ResultRow> results;   ///< best first, at most options.k
};

// [SECTION] The engine ----------------------------------------------------------------------------

class QueryEngine {
public:
    /// Over an open catalog (borrowed: it must outlive the engine). Calibrates the match percent once
    /// (none for a catalog of fewer than 2 tracks).
    explicit QueryEngine(const Catalog& catalog);
    /// Over raw arrays (evaluations): n_tracks × dim unit embeddings (dim 0: none). No metadata, so
    /// no filters, no track-only search and no calibration.
    QueryEngine(std::vector<float> audio, size_t n_tracks, size_t dim);

    size_t n_tracks() const { return n_tracks_; }
    size_t dim() const { return dim_; }
    /// Values of a file's embedding (search(), MixedQuery::track, Item::audio): the catalog's
    /// input_dim() (its space's input), dim() over raw arrays.
    size_t input_dim() const { return catalog_ ? catalog_->input_dim() : dim_; }
    const Catalog* catalog() const { return catalog_; }
    /// The catalog's cosine → match percent, or null (raw arrays, fewer than 2 tracks).
    const match::MatchCalibration* calibration() const { return calibration_ ? &*calibration_ : nullptr; }
    /// What stands out in a match (match_why.h), or null over raw arrays.
    const MatchExplainer* explainer() const { return explainer_ ? &*explainer_ : nullptr; }
    /// Track t's unit embedding (dim floats).
    std::vector<float> embedding(uint32_t t) const;
    /// The same into `out` (dim() floats), without allocating.
    void embedding_into(uint32_t t, float* out) const;

    /// Track-only similarity search (Catalog::search / search_track) with match_percent set, and each
    /// hit's `why` when the query's concept values are known (search_track; `query_values` of a file in
    /// explainer()->keys() order). Errors: those of the catalog; invalid_argument over raw arrays.
    Result<std::vector<SearchHit>> search(std::span<const float> query, const SearchOptions& options,
                                          std::span<const float> query_values = {}) const;
    Result<std::vector<SearchHit>> search_track(std::string_view id, const SearchOptions& options) const;

    /// The mixed query. `matcher` (fitted on the same tracks, same order) is needed for texts and
    /// pictures; null is fine for a track alone. Errors (invalid_argument): no input, a track of the
    /// wrong size or a track_index out of range, filters over raw arrays, every weight 0 with several
    /// inputs, items of the wrong size, a matcher missing or fitted on other tracks.
    Result<MixedResult> run(const MixedQuery& query, const semantic::TextMatcher* matcher) const;
    /// The mix's raw score of every catalog track (run()'s MixedResult::results[i].raw, for all tracks),
    /// without ranking, percentiles or explanations: what an adaptive session re-ranks. Errors: run()'s.
    Result<std::vector<float>> mix_scores(const MixedQuery& query, const semantic::TextMatcher* matcher) const;

private:
    Status check(const MixedQuery& query, const semantic::TextMatcher* matcher) const;
    Result<MixedQuery> in_catalog_space(const MixedQuery& query) const;
    Result<std::optional<MixedQuery>> checked(const MixedQuery& query, const semantic::TextMatcher* matcher) const;
    std::vector<float> cosines(std::span<const float> unit_query) const;

    const Catalog* catalog_ = nullptr;
    std::vector<float> audio_;  ///< raw arrays only: n × dim
    size_t n_tracks_ = 0, dim_ = 0;
    std::optional<match::MatchCalibration> calibration_;
    std::optional<MatchExplainer> explainer_;
};

}  // namespace cf::query
