// cuefinder core — vector quantizers used by the catalog: k-means, per-dimension int8 scalar
// quantization (SQ8) and product quantization (PQ, 8-bit codes), plus a PCA 2-D projection.
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
#include <vector>

namespace cf::index {

/// splitmix64: tiny, fast, identical on every platform.
struct Rng {
    uint64_t state;
    explicit Rng(uint64_t seed) : state(seed) {}
    uint64_t next() {
        uint64_t z = (state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    /// Uniform in [0, n) (n > 0); the modulo bias is < n / 2⁶⁴, negligible here.
    uint64_t below(uint64_t n) { return next() % n; }
    /// Uniform in [0, 1).
    double uniform() { return double(next() >> 11) * (1.0 / 9007199254740992.0); }
    /// Standard normal (Box–Muller).
    double normal();
};

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

/// First two principal components of n points (power iteration with deflation on the covariance,
/// fixed start vector, 100 iterations), as n × 2 floats (x, y) scaled to [-1, 1] on the larger axis.
/// The fallback for the explorer map when no t-SNE layout was supplied.
std::vector<float> pca_2d(const float* data, size_t n, size_t dim);

/// Normalises x to unit L2 norm in place; leaves an all-zero vector as is. Returns the original norm.
float normalize_l2(float* x, size_t dim);

}  // namespace cf::index
