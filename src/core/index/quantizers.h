// cuefinder core — vector quantizers used by the catalog: k-means, per-dimension int8 scalar
// quantization (SQ8) and product quantization (PQ, 8-bit codes),
//
//   cf::index::ScalarQuantizer8 sq = cf::index::ScalarQuantizer8::train(data, n, dim);
//   std::vector<int8_t> codes = sq.encode_all(data, n);
//   float s = sq.dot(query, codes.data() + i * dim);   // ≈ dot(query, x_i)
//
//   cf::index::ProductQuantizer pq = cf::index::ProductQuantizer::train(data, n, dim, n_sub, seed);
//
// Everything is deterministic for a given seed (own splitmix64 generator, no std distributions, whose
// output differs between standard libraries), so a catalog rebuild writes identical bytes.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/common/random.h"
#include <vector>

namespace cf::index {

/// The core's deterministic generator (common/random.h).
using Rng = cf::SplitMix64;

struct KMeansOptions {
    size_t n_iterations = 20;         ///< Lloyd iterations
    size_t max_points_per_centroid = 64;  ///< training subsample: at most k·this points (like FAISS)
    uint64_t seed = 1234;
};

/// Lloyd k-means (squared L2) on n points of `dim` floats; returns k·dim centroids. Initial centroids
/// are k distinct random points; an empty cluster is re-seeded from a random point. n ≥ k (CF_ASSERT).
std::vector<float> kmeans(const float* data, size_t n, size_t dim, size_t k, const KMeansOptions& options = {});

/// Index of the centroid nearest (squared L2) to x. `centroid_half_norms[j]` = ‖c_j‖²/2.
size_t nearest_centroid(const float* x, const float* centroids, const float* centroid_half_norms, size_t k,
                        size_t dim);

/// Per-dimension int8 scalar quantization: x[i] ≈ offset[i] + scale[i]·code[i], code ∈ [−127, 127],
/// with [offset − 127·scale, offset + 127·scale] = [min, max] of dimension i over the training data.
struct ScalarQuantizer8 {
    size_t dim = 0;
    std::vector<float> scale;   ///< per dimension, > 0
    std::vector<float> offset;  ///< per dimension

    static ScalarQuantizer8 train(const float* data, size_t n, size_t dim);
    void encode(const float* x, int8_t* code) const;
    std::vector<int8_t> encode_all(const float* data, size_t n) const;
    void decode(const int8_t* code, float* x) const;

    /// Per-query precomputation for dot(): w[i] = q[i]·scale[i], bias = Σ q[i]·offset[i].
    struct Query {
        std::vector<float> w;
        float bias = 0.0f;
    };
    Query prepare(const float* q) const;
    /// ≈ dot(q, x) for the vector encoded as `code`, from prepare(q).
    float dot(const Query& pq, const int8_t* code) const;
};

/// Product quantizer with n_sub sub-quantizers of 256 centroids each (8-bit codes). Sub-space m covers
/// dimensions [m·dim/n_sub, (m+1)·dim/n_sub), so n_sub need not divide dim. `codebook` stores 256 rows of
/// dim floats: row j holds centroid j of every sub-quantizer in its own dimensions.
struct ProductQuantizer {
    size_t dim = 0;
    size_t n_sub = 0;
    std::vector<float> codebook;  ///< 256 × dim

    size_t sub_begin(size_t m) const { return m * dim / n_sub; }
    size_t sub_end(size_t m) const { return (m + 1) * dim / n_sub; }

    /// Trains on n vectors (n ≥ 256 for a full codebook; fewer points give duplicate centroids).
    static ProductQuantizer train(const float* data, size_t n, size_t dim, size_t n_sub, const KMeansOptions& options);
    void encode(const float* x, uint8_t* code) const;
    void decode(const uint8_t* code, float* x) const;
    /// Inner-product lookup table: lut[m·256 + j] = Σ_{i in sub-space m} q[i]·codebook[j·dim + i].
    void inner_product_table(const float* q, float* lut) const;
};


/// Normalises x to unit L2 norm in place; leaves an all-zero vector as is. Returns the original norm.
float normalize_l2(float* x, size_t dim);

}  // namespace cf::index
