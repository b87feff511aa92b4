// cuefinder core — a learned similarity space: an affine map from an embedding (the "input space",
// e.g. the msd-musicnn-1 embedding) to the space a catalog is searched in, then unit length.
//
//   // Fit (catalog build): rows = per-window embeddings of the catalog's tracks (n × 200).
//   auto white = cf::index::fit_whitening(rows.data(), n, 200, {.shrinkage = 0.1});
//   auto space = cf::index::fit_contrastive(windows_per_track, *white, {.epochs = 30});   // optional
//   // Use: every vector that meets the catalog goes through it.
//   auto q = space->apply(file_embedding);                  // unit length, dim_out values
//   // Store: serialize_space() / parse_space() (the catalog's SPCE section, docs/catalog-format.md).
//
// The map. apply(x) = normalize(matrix · (x / |x| − mean)): the input is scaled to unit length first
// (what the catalog did with every embedding before spaces existed, so a raw or a unit input gives the
// same answer), centred on the catalog's mean, projected, and scaled to unit length again, so search
// stays a dot product.
//
// Four trainers, all deterministic (same rows, options and seed → same bytes on every platform):
//   fit_wccn         within-track covariance normalisation + LDA (closed form, chosen held out by
//                    source package: docs/benchmarks/matching.md)
//   fit_fused_wccn   fit_wccn on two models' windows side by side for the catalog's tracks, and the
//                    map of the first model alone for file queries (the catalog build's default
//                    when the analyses carry both; see [SECTION] Fused spaces)
//   fit_whitening    PCA-whitening with shrinkage: each principal direction is scaled by
//                    1/sqrt(λ'), λ' = (1 − s)·λ + s·mean(λ). s = 0 whitens fully (the rows' covariance
//                    becomes the identity), s = 1 only rotates (cosine of the centred vectors).
//   fit_contrastive  a linear projection trained with InfoNCE (in-batch negatives, symmetric) where the
//                    positive pair is two different windows of one track, initialised from a Space
//                    (the whitening) and optimised with Adam: the second, contrastive stage HTCL puts on
//                    top of pretrained embeddings, with positives from the audio itself (no labels).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/common/status.h"

namespace cf::index {

inline constexpr size_t kMaxSpaceDim = 4096;  ///< dim_in and dim_out limit (checked by parse_space)

struct Space {
    std::string name;            ///< what made it, e.g. "whiten s=0.1" or "contrastive τ=0.1 (whiten s=0.1)"
    std::string input;           ///< the input embedding, e.g. "msd-musicnn-1/embedding"
    size_t dim_in = 0;           ///< input values
    size_t dim_out = 0;          ///< output values
    std::vector<float> mean;     ///< dim_in: subtracted from the unit-length input
    std::vector<float> matrix;   ///< dim_out × dim_in, row-major

    /// The unit-length image of `input` (dim_in values, any nonzero norm) into `out` (dim_out values).
    /// Errors (invalid_argument): wrong sizes, NaN/Inf, a zero input, or an input the map sends to 0
    /// (it equals the mean: no direction).
    Status apply(std::span<const float> input, std::span<float> out) const;
    Result<std::vector<float>> apply(std::span<const float> input) const;
    /// matrix · (unit(input) − mean) without the final normalisation (`out`: dim_out values).
    /// CF_ASSERT: sizes; a zero input gives zeros.
    void affine(const float* input, float* out) const;
};

/// The SPCE payload: u32 encoding (1), u32 dim_in, u32 dim_out, u32 reserved (0), name and input as
/// (u32 length + UTF-8), zeros to a multiple of 16 from the start, f32 mean[dim_in], f32
/// matrix[dim_out × dim_in]; nothing after.
std::vector<uint8_t> serialize_space(const Space& space);
/// Reads serialize_space()'s bytes. `context` names them in messages ("catalog.cfc: section SPCE").
/// Errors: truncated (ends early, naming what is missing), corrupt (unknown encoding, dims out of
/// range, NaN/Inf values, an all-zero matrix, bytes left over).
Result<Space> parse_space(std::span<const uint8_t> bytes, const std::string& context);

/// The identity space of `dim` (mean 0, identity matrix): apply() = unit length. For tests and for
/// comparing a learned space with the plain embedding.
Space identity_space(size_t dim, std::string input = "");

// [SECTION] Trainers ------------------------------------------------------------------------------

struct WhiteningOptions {
    double shrinkage = 0.1;   ///< 0..1: toward the mean eigenvalue (0 = full whitening, 1 = rotation only)
    size_t keep_dims = 0;     ///< output dims (the top principal directions); 0 = all
    /// Eigenvalues below this fraction of the mean eigenvalue are raised to it, so a direction the
    /// rows never vary in (a dead unit of a post-ReLU embedding) is not blown up by 1/sqrt(0).
    double min_eigen_fraction = 1e-4;
    std::string input;        ///< copied into Space::input
};

/// PCA-whitening fitted on `rows` (n × dim, each scaled to unit length first). Deterministic.
/// Errors (invalid_argument): n < 2, dim 0 or > kMaxSpaceDim, NaN/Inf or zero rows, shrinkage outside
/// [0, 1], keep_dims > dim.
Result<Space> fit_whitening(const float* rows, size_t n, size_t dim, const WhiteningOptions& options);

/// The windows of one track: n_windows × dim_in values (row-major, any norms).
struct TrackWindows {
    const float* rows = nullptr;
    size_t n_windows = 0;
};

struct WccnOptions {
    double shrinkage = 0.03;  ///< 0..1: the within-track eigenvalues toward their mean
    size_t keep_dims = 50;    ///< output dims: the top between-track directions (≤ dim; 0 = all)
    bool weighted = true;     ///< scale direction j by sqrt(b_j / (b_j + 1)) (b: between-track variance)
    std::string input;        ///< copied into Space::input
};

/// Within-track covariance normalisation + LDA, label-free: the "classes" are tracks, their samples
/// the track's windows. Closed form, deterministic. Every window is scaled to unit length (as apply()
/// sees its input); a track's vector x_t is its windows' mean at unit length (≈ the catalog's track
/// embedding). mean = the mean of the x_t; Sw = the windows' scatter around their track's mean (tracks
/// with ≥ 2 windows, divided by the number of those windows); A = U·diag(1/sqrt(l')) from Sw's eigen
/// (l' shrunk as in fit_whitening); then the principal axes V (variances b) of the x_t − mean mapped by
/// A; matrix = (A·V_k·diag(sqrt(b/(b+1))))ᵀ. Directions in which windows of one track vary as much as
/// tracks do are turned down; what tells tracks apart is kept (ref: Hatch, Kajarekar & Stolcke,
/// "Within-class covariance normalization for SVM-based speaker recognition", ICSLP 2006; Fisher LDA).
/// Errors (invalid_argument): dim 0 or > kMaxSpaceDim, fewer than 2 tracks with windows or no track
/// with 2, NaN/Inf or zero windows, shrinkage outside [0, 1], keep_dims > dim.
Result<Space> fit_wccn(std::span<const TrackWindows> tracks, size_t dim, const WccnOptions& options);

// [SECTION] Fused spaces: two models' embeddings ---------------------------------------------------
//
// The catalog's tracks are placed by two models at once (msd-musicnn-1 and mtt-musicnn-1 penultimate
// embeddings of the same windows), a file query by the first alone (what every front end analyses):
//   auto f = cf::index::fit_fused_wccn(msd_windows, 200, mtt_windows, 200, {});
//   stored image of track t:  f->tracks.apply(*fused_input(msd_t, mtt_t, f->aux_weight))
//   a file's query:           f->queries.apply(msd_file)        (the catalog's SPCE, Catalog::to_query)
// Each model's windows are first PCA-whitened on their own (fit_whitening, `block_shrinkage`; the
// blocks' Spaces main_block / aux_block, unit length out), then `tracks` is fit_wccn on the windows
// [main_block(main), β·aux_block(aux)]; `queries` is the ridge regression of
// tracks' affine output (before unit length) on the unit main window, over every window: an affine
// map of the main embedding alone into the same output space (asymmetric search: the catalog side
// knows more than a dropped file). Held out by source package: docs/benchmarks/matching.md.

struct FusedWccnOptions {
    WccnOptions wccn{0.03, 50, true, ""};  ///< fit_wccn on the fused windows (input: copied to both spaces)
    double aux_weight = 1.0;               ///< β: the aux block's weight after both are unit length, > 0
    bool whiten_blocks = true;             ///< PCA-whiten each model's windows before fusing them
    double block_shrinkage = 0.1;          ///< their fit_whitening shrinkage (0..1)
    /// The query map's ridge: λ = ridge · trace(C) / dim_main, C the centred main windows' scatter.
    double ridge = 0.01;
};

struct FusedSpaces {
    Space tracks;             ///< dim_in = dim_main + dim_aux: takes input(main, aux)
    Space queries;            ///< dim_in = dim_main: the main embedding alone, same dim_out
    double aux_weight = 1.0;  ///< β the spaces were fitted with
    std::optional<Space> main_block, aux_block;  ///< each model's whitening (whiten_blocks), or none

    /// What `tracks` takes: fused_input(main_block(main), aux_block(aux), aux_weight) (each block as
    /// is without its whitening). Errors: fused_input's and Space::apply's.
    Result<std::vector<float>> input(std::span<const float> main, std::span<const float> aux) const;
    /// A catalog track's stored image: tracks.apply(input(main, aux)), unit length.
    Result<std::vector<float>> track_image(std::span<const float> main, std::span<const float> aux) const;
};

/// [unit(main), aux_weight · unit(aux)]: the input FusedSpaces::tracks takes (for a track or a window).
/// Errors (invalid_argument): empty, NaN/Inf or all-zero blocks, aux_weight ≤ 0.
Result<std::vector<float>> fused_input(std::span<const float> main, std::span<const float> aux, double aux_weight);

/// Fits both spaces (above). `main` and `aux` hold the same tracks in the same order with the same
/// windows (n_windows equal per track; tracks with 0 windows are skipped). Deterministic.
/// Errors (invalid_argument): different track counts or window counts (naming the track), dims out of
/// range, options out of range, and fit_wccn's errors.
Result<FusedSpaces> fit_fused_wccn(std::span<const TrackWindows> main, size_t dim_main, std::span<const TrackWindows> aux,
                                   size_t dim_aux, const FusedWccnOptions& options);

struct ContrastiveOptions {
    size_t dim_out = 0;           ///< 0 = the init space's dim_out; fewer keeps its first rows
    float temperature = 0.1f;     ///< InfoNCE softmax temperature, > 0
    size_t epochs = 30;           ///< passes over the tracks (one positive pair per track per pass)
    size_t batch = 64;            ///< tracks per batch (the in-batch negatives), ≥ 2
    float learning_rate = 1e-3f;  ///< Adam step size
    uint64_t seed = 1;            ///< window pairs and batch order
    /// Called after each epoch with (epoch 1.., epochs, mean loss); returning false cancels.
    std::function<bool(size_t, size_t, float)> progress;
};

struct ContrastiveReport {
    std::vector<float> epoch_loss;  ///< mean InfoNCE loss per epoch
    size_t n_tracks_used = 0;       ///< tracks with ≥ 2 windows
};

/// A projection trained with InfoNCE on `tracks` (see the top of this file), starting from `init`
/// (its mean is kept). Deterministic for a seed. Errors: invalid_argument (fewer than 2 tracks with
/// ≥ 2 windows, bad options, init of another dim_in, NaN/Inf rows), cancelled (progress said stop).
Result<Space> fit_contrastive(std::span<const TrackWindows> tracks, const Space& init,
                              const ContrastiveOptions& options, ContrastiveReport* report = nullptr);

/// Eigen-decomposition of a symmetric n × n matrix (row-major; only used as symmetric) by cyclic
/// Jacobi rotations. `eigenvalues` descending; `eigenvectors` n × n row-major with eigenvector k in
/// column k. Deterministic. For n up to a few hundred (O(n³) per sweep).
void symmetric_eigen(std::vector<double> matrix, size_t n, std::vector<double>& eigenvalues,
                     std::vector<double>& eigenvectors);

}  // namespace cf::index
