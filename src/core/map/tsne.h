// cuefinder core — 2-D embedding maps: Barnes-Hut t-SNE, step-wise so a UI can animate it.
//
//   cf::TsneOptions options;              // perplexity 30, 1000 iterations, theta 0.5, PCA init
//   options.seed = 7;
//   cf::Tsne tsne;
//   if (cf::Status s = tsne.init(data, n_points, dim, options); !s) { report(s.message()); return; }
//   while (tsne.step(5)) draw(tsne.embedding());  // ~1 ms per iteration at 400 points, ~30–45 ms at 10k (WASM)
//   // or, in one go, with progress and cancel:
//   cf::Result<std::vector<float>> xy = cf::tsne(data, n_points, dim, options, [](double f) { return true; });
//
// Why Barnes-Hut and not FFT-accelerated interpolation (FIt-SNE): the maps we draw have ~400 points
// (the demo catalog) to 10k–100k (large catalogs). Barnes-Hut is O(N log N) per iteration, needs no
// FFT grid (whose size grows with the spread of the layout) and keeps memory at O(N·k). Measured on
// the 2-core VM (docs/benchmarks/tsne.md, `bash tools/bench/tsne/run.sh`), this implementation in WASM
// on one thread already beats scikit-learn's native Barnes-Hut: 400 × 200-d in ~1.3 s (sklearn ≥ 3 s)
// and 10k × 200-d in 26–58 s (sklearn 100–190 s on one thread, slower on two), at the same
// trustworthiness. FIt-SNE's
// gain is mostly above ~50k points; for those the UI shows the PCA view first and animates t-SNE in
// a worker. The Morton-ordered quadtree traversal (tsne.cpp) halved our 10k time; that, not the
// algorithm family, was the measured bottleneck.
//
// ref: L. van der Maaten, "Accelerating t-SNE using Tree-Based Algorithms", JMLR 15 (2014):
//      sparse input affinities from the k = min(N−1, ⌊3·perplexity⌋) exact nearest neighbours
//      (vantage-point tree), per-point binary search for the Gaussian precision, P = (P + Pᵀ)/sum;
//      repulsion by a quadtree with the θ criterion.
// ref: scikit-learn ≥ 1.2 TSNE (method='barnes_hut') for the optimiser schedule we match: early
//      exaggeration 12 for 250 iterations with momentum 0.5, then momentum 0.8, delta-bar-delta gains
//      (+0.2 / ×0.8, min 0.01, reset with the momentum when exaggeration ends), learning rate
//      'auto' = max(N / early_exaggeration / 4, 50) with the gradient 4·(exag·F_attr − F_rep / Z),
//      PCA init scaled to std 1e-4 on the first axis.
//
// Determinism: the same data, options and seed give the same numbers on one platform (no threads, no
// unordered containers, our own random generator). Native and WASM agree closely but not bit for bit
// (libm exp/log differ).
//
// Memory: peak ≈ N·k·24 bytes for the affinities (k = 3·perplexity: 100k points, perplexity 30 ≈ 220 MB)
// plus O(N) for the embedding and the quadtree. The input is only read during init(); it is not kept.
//
// [SECTION] options
// [SECTION] step-wise t-SNE
// [SECTION] one-shot t-SNE
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/common/status.h"

namespace cf {

/// Callback for long jobs: fraction done in [0,1]; return false to cancel.
/// (Same type as cf::ProgressCallback in core/audio/audio_reader.h; redeclaring an alias to the same
/// type is allowed, so both headers can be included together.)
using ProgressCallback = std::function<bool(double fraction_done)>;

// [SECTION] options ------------------------------------------------------------------------------

enum class TsneInit {
    pca,     ///< first two principal components, scaled to std 1e-4 (deterministic; keeps global layout)
    random,  ///< Gaussian, std 1e-4, from `seed`
    given,   ///< TsneOptions::initial_layout (e.g. the current map, to restart at another perplexity),
             ///< centred and scaled like the PCA init (std 1e-4 on x, aspect kept)
};

struct TsneOptions {
    double perplexity = 30.0;            ///< effective number of neighbours; > 0. Clamped to (N−1)/3 for small N
    int n_iterations = 1000;             ///< total gradient steps, early exaggeration included; ≥ 0
    double theta = 0.5;                  ///< Barnes-Hut accuracy (0 = exact repulsion, O(N²)); in [0, 1]
    uint64_t seed = 0;                   ///< random init and vantage-point choice
    double learning_rate = 0.0;          ///< 0 = auto: max(N / early_exaggeration / 4, 50); else > 0
    double early_exaggeration = 12.0;    ///< P multiplier during the first iterations; ≥ 1
    int early_exaggeration_iterations = 250;  ///< ≥ 0
    double momentum_early = 0.5;         ///< momentum during early exaggeration; in [0, 1)
    double momentum_final = 0.8;         ///< momentum afterwards; in [0, 1)
    double min_gain = 0.01;              ///< lower bound of the per-coordinate gains; > 0
    TsneInit init = TsneInit::pca;       ///< initial layout
    std::vector<float> initial_layout;   ///< [n_points × 2] (x, y), finite; used only when init = given
    size_t max_memory_bytes = size_t(1) << 30;  ///< init() fails with too_large above this estimate
};

/// Checks every field; the message names the first bad one and its value ("perplexity = -1: ...").
Status validate(const TsneOptions& options);

// [SECTION] step-wise t-SNE ----------------------------------------------------------------------

class Tsne {
public:
    /// Validates the options and the data (finite values, n_points ≥ 1, dim ≥ 1), finds the nearest
    /// neighbours, builds the sparse affinities and the initial layout. `data` is [n_points × dim],
    /// row-major, and is not kept. `progress` is called during the neighbour search (the slow part) and
    /// may cancel (ErrorCode::cancelled). On error the object is left empty (step() returns false).
    /// N = 1 and N = 2 get fixed layouts ((0,0); (−1,0),(1,0)) and no iterations.
    Status init(const float* data, size_t n_points, size_t dim, const TsneOptions& options,
                const ProgressCallback& progress = {});

    /// Runs up to `n_iterations` more gradient steps (fewer at the end). Returns false when the
    /// schedule is complete (or init() failed), true if more steps remain.
    bool step(int n_iterations);

    /// The current layout, [n_points × 2] row-major (x, y); re-centred on the origin after every iteration.
    const std::vector<float>& embedding() const { return embedding_; }
    /// Gradient steps done so far.
    int iteration() const { return iteration_; }
    /// Total gradient steps of the schedule (0 for N ≤ 2).
    int n_iterations() const { return n_iterations_total_; }
    bool done() const { return iteration_ >= n_iterations_total_; }
    size_t n_points() const { return n_points_; }
    /// Perplexity actually used (options.perplexity, or (N−1)/3 when N is too small for it).
    double effective_perplexity() const { return perplexity_; }
    /// Human-readable notes about adjustments made (perplexity clamped, trivial layout); may be empty.
    const std::string& note() const { return note_; }
    /// KL(P‖Q) of the current layout, with Q's normaliser from the Barnes-Hut sum (so an estimate;
    /// exact when theta = 0). Computed on demand, O(nnz(P) + N log N). 0 for N ≤ 2.
    double kl_divergence_estimate() const;

private:
    void compute_gradient(double exaggeration, std::vector<double>& grad, double* sum_q_out) const;
    void publish_embedding();

    size_t n_points_ = 0;
    int iteration_ = 0;
    int n_iterations_total_ = 0;
    double perplexity_ = 0.0;
    double learning_rate_ = 0.0;
    TsneOptions options_;
    std::string note_;
    // Sparse symmetric P (CSR, both directions stored, sums to 1).
    std::vector<uint32_t> p_row_start_;
    std::vector<uint32_t> p_col_;
    std::vector<float> p_val_;
    // Optimiser state, [n × 2] doubles.
    std::vector<double> y_, update_, gains_, grad_;
    std::vector<float> embedding_;
};

// [SECTION] one-shot t-SNE -----------------------------------------------------------------------

/// Runs the whole schedule. `progress` gets the fraction done (neighbour search = first 20 %, then
/// the iterations) and may cancel (ErrorCode::cancelled). Returns the [n_points × 2] layout.
Result<std::vector<float>> tsne(const float* data, size_t n_points, size_t dim, const TsneOptions& options = {},
                                const ProgressCallback& progress = {});

}  // namespace cf
