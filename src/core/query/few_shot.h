// cuefinder core — few-shot custom tags: a named tag learned from a few example tracks, applied to a
// whole catalog or to a dropped file, kept as a small JSON.
//
//   cf::query::CatalogExamples ex;                         // from a map lasso, picked tracks, dropped files
//   ex.positive_tracks = {12, 40, 41};                     //   catalog track indices
//   ex.positive_files = file_embedding;                    //   + dropped files: input_dim() floats each
//   auto tag = cf::query::train_few_shot_catalog("rainy evening", catalog, ex);  // the rest = background
//   if (!tag) show_error(tag.status().message());          // no positives, wrong size, …
//   if (tag->trust != cf::query::FewShotTrust::ok) warn(tag->trust_message);   // too few / too mixed
//   auto p = cf::query::score_catalog(*tag, catalog);      // per track, 0..1 (colour the map, filter)
//   bool f = cf::query::fits(*tag, (*p)[t]);               //   p ≥ tag.threshold
//   std::string json = cf::query::to_json(*tag);           // IndexedDB / export (~4 kB for 200-d)
//   auto again = cf::query::parse_few_shot(json);          // import; then check_catalog(*again, catalog)
//
// Without a catalog (the CLI with files only): train_few_shot() on flat row-major embeddings, and
// score() per embedding.
//
// The model. Inputs are input-space embeddings (Catalog::input_embedding; a file's analysis embedding,
// msd-musicnn-1 200-d mean), made unit length. The head is linear, a shrinkage LDA:
//   w = ((1 − s)·Σ_bg + s·I·tr(Σ_bg)/dim)⁻¹ (mean(positives) − mean(negatives side)),
// Σ_bg the covariance of the background (unlabelled tracks: the catalog), the negatives side the
// background's mean blended with the explicit negatives' mean (FewShotOptions::negative_weight). The
// default s = 1 drops the covariance: w is the direction from the background's mean to the positives'
// mean. Chosen on zero-shot set 1 (docs/benchmarks/fewshot.md): whitening with the background's
// covariance (s < 1) lowered the held-out ROC-AUC at every K (s = 0.5: 0.878 vs 0.903 at K = 3).
// No iterations, stable with 3 examples, leave-one-out fits are a rank-one update.
// raw = w·x + bias is scaled so the background has mean 0 and standard deviation 1 (a z-score).
//
// Calibration. Platt scaling p = 1 / (1 + exp(−(a·raw + b))), a > 0, fitted on the positives'
// leave-one-out raw scores (each scored by the head trained without it: what a new true example would
// score) against the background (and negatives), both classes weighted equally and with Platt's
// smoothed targets ((n+1)/(n+2), 1/(n+2)). So p is the chance that a track is like the examples rather
// than like the background, at even prior odds; p = 0.5 is where the two are equally likely.
//
// Trust. too_few: fewer than min_positives (3) positives (still trained: scores are shown, flagged).
// too_mixed: left out one at a time (at most 64 of them, evenly strided), the positives rank on average
// above less than min_loo_auc of the background and negatives (the examples do not agree on what they
// share). The message says so in words. On the evaluation sets, draws flagged too_mixed had a clearly
// lower held-out AUC than draws judged ok (docs/benchmarks/fewshot.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/catalog/catalog.h"
#include "core/common/status.h"

namespace cf::query {

enum class FewShotTrust {
    ok,         ///< enough positives that agree with each other
    too_few,    ///< fewer than FewShotOptions::min_positives positives
    too_mixed,  ///< the examples' leave-one-out ranking is weak (FewShotTag::loo_auc < min_loo_auc)
};

/// "ok" | "too_few" | "too_mixed" (the JSON's names).
const char* few_shot_trust_name(FewShotTrust trust);

struct FewShotOptions {
    float shrinkage = 1.0f;          ///< (0, 1]: weight of the identity in the background covariance (1: none)
    float negative_weight = 0.5f;    ///< 0..1: share of the explicit negatives' mean in the negative side
    size_t max_background = 3000;    ///< background rows used (evenly strided above this)
    size_t min_positives = 3;        ///< fewer: trust too_few
    float min_loo_auc = 0.75f;       ///< lower leave-one-out AUC: trust too_mixed
    float threshold = 0.5f;          ///< fits(): calibrated score ≥ this
    std::string embedding;           ///< what the rows are ("msd-musicnn-1"; few_shot_embedding_key())
};

/// A trained tag. Plain data: to_json()/parse_few_shot() keep every field.
struct FewShotTag {
    std::string name;              ///< as the person named it (non-empty)
    std::string embedding;         ///< the embedding it was trained on ("msd-musicnn-1")
    size_t dim = 0;                ///< values per embedding
    std::vector<float> weights;    ///< dim values: raw = weights · unit(x) + bias
    float bias = 0.0f;
    float platt_a = 1.0f;          ///< calibration: p = 1 / (1 + exp(−(platt_a·raw + platt_b))), platt_a > 0
    float platt_b = 0.0f;
    float threshold = 0.5f;        ///< fits(): p ≥ threshold
    size_t n_positives = 0, n_negatives = 0, n_background = 0;  ///< examples it was trained on
    float loo_auc = 0.0f;          ///< leave-one-out AUC of the positives (NaN with < 2 positives)
    FewShotTrust trust = FewShotTrust::ok;
    std::string trust_message;     ///< for people: "" when ok
};

/// Row-major example embeddings, `dim` values per row (any nonzero norm; each is made unit length).
struct FewShotExamples {
    size_t dim = 0;
    std::span<const float> positives;   ///< ≥ 1 row
    std::span<const float> negatives;   ///< optional
    std::span<const float> background;  ///< unlabelled tracks (negatives and/or background needed)
};

/// Trains a tag. Errors (invalid_argument, naming the input): empty name, dim 0, a span whose size is
/// not a multiple of dim, no positives, neither negatives nor background, a NaN/Inf or all-zero row
/// ("positive example 2: all zeros"), options out of range.
Result<FewShotTag> train_few_shot(std::string name, const FewShotExamples& examples, const FewShotOptions& options = {});

/// The calibrated score (0..1) of one embedding (dim values, any nonzero norm). Errors: wrong size,
/// NaN/Inf, all zeros.
Result<float> score(const FewShotTag& tag, std::span<const float> embedding);
/// The uncalibrated z-score (0 = the background's mean), same errors.
Result<float> raw_score(const FewShotTag& tag, std::span<const float> embedding);
/// Calibrated score of a raw score (monotone increasing).
float calibrate(const FewShotTag& tag, float raw);
inline bool fits(const FewShotTag& tag, float probability) { return probability >= tag.threshold; }

// [SECTION] Catalog ----------------------------------------------------------------------------------

/// Examples from a catalog and dropped files.
struct CatalogExamples {
    std::vector<uint32_t> positive_tracks;  ///< track indices
    std::vector<uint32_t> negative_tracks;
    std::vector<float> positive_files;      ///< dropped files: input_dim() floats each, row-major
    std::vector<float> negative_files;
};

/// "msd-musicnn-1" from a catalog's embedding name ("msd-musicnn-1 embedding (200-d, …)"): its first word.
std::string few_shot_embedding_key(std::string_view embedding_name);

/// The catalog's input embeddings, size() × input_dim(), row-major, unit length.
std::vector<float> catalog_input_embeddings(const Catalog& catalog);

/// Trains on catalog tracks and files; the background is every other catalog track (evenly strided to
/// options.max_background). options.embedding is set from the catalog. Errors: as train_few_shot, plus
/// a track index out of range ("positive track 977: the catalog has 425 tracks").
Result<FewShotTag> train_few_shot_catalog(std::string name, const Catalog& catalog, const CatalogExamples& examples,
                                          FewShotOptions options = {});

/// OK when the tag fits the catalog's input embedding (same dim and embedding key), else
/// invalid_argument: "tag 'x' was trained on msd-musicnn-1 (200 values), the catalog has …".
Status check_catalog(const FewShotTag& tag, const Catalog& catalog);

/// Calibrated score of every catalog track (size() values, track order). Errors: check_catalog's.
Result<std::vector<float>> score_catalog(const FewShotTag& tag, const Catalog& catalog);

// [SECTION] JSON ---------------------------------------------------------------------------------------

/// {"format": "cuefinder-few-shot-tag", "version": 1, "name", "embedding", "dim", "weights": [...],
///  "bias", "calibration": {"method": "platt", "a", "b"}, "threshold", "n_positives", "n_negatives",
///  "n_background", "loo_auc", "trust", "trust_message"}. Floats with 9 significant digits: a round
/// trip gives back the same floats.
std::string to_json(const FewShotTag& tag);

/// Reads to_json()'s text. Errors (corrupt, naming what): not JSON, another format or a newer
/// version, a missing or mistyped member ("few-shot tag: 'weights' has 199 values, 'dim' says 200"),
/// non-finite numbers, platt a ≤ 0.
Result<FewShotTag> parse_few_shot(std::string_view json);

}  // namespace cf::query
