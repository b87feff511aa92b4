// Internal (no stability promise): exact k-nearest neighbours for t-SNE's input affinities, and the
// squared-distance kernel they share with trustworthiness().
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/map/tsne.h"  // ProgressCallback
#include "core/common/status.h"
#include "core/dsp/simd.h"

namespace cf::map_detail {

/// Squared Euclidean distance, written once over an ops struct (core/dsp/simd.h). The SIMD path keeps
/// `lanes` partial sums, so it is not bit-identical to the scalar one (different summation order);
/// tests/core/map/test_map_kernels.cpp bounds the difference.
template <class O>
inline float squared_distance(const float* a, const float* b, size_t dim) {
    size_t i = 0;
    float total = 0.0f;
    if constexpr (O::lanes > 1) {
        typename O::V acc = O::set1(0.0f);
        for (; i + O::lanes <= dim; i += O::lanes) {
            const typename O::V d = O::sub(O::load(a + i), O::load(b + i));
            acc = O::add(acc, O::mul(d, d));
        }
        float lanes_out[O::lanes];
        O::store(lanes_out, acc);
        for (int l = 0; l < O::lanes; ++l) total += lanes_out[l];
    }
    for (; i < dim; ++i) {
        const float d = a[i] - b[i];
        total += d * d;
    }
    return total;
}

/// The kernel used by the map code in this build (SIMD when available).
inline float squared_distance_best(const float* a, const float* b, size_t dim) {
    return squared_distance<cf::simd::SimdOps>(a, b, dim);
}

struct KnnResult {
    size_t k = 0;
    std::vector<uint32_t> index;          ///< [n × k] neighbour ids, nearest first (ties: smaller id first)
    std::vector<float> squared_distance;  ///< [n × k]
};

/// Exact k nearest neighbours of every row (itself excluded), 1 ≤ k ≤ n − 1. Uses a vantage-point tree
/// (Yianilos 1993) above `brute_force_below` points, brute force below it. Deterministic for a seed.
/// `progress` (fraction of rows done) may cancel: returns ErrorCode::cancelled.
Result<KnnResult> exact_knn(const float* data, size_t n, size_t dim, size_t k, uint64_t seed,
                            const ProgressCallback& progress = {}, size_t brute_force_below = 2048);

}  // namespace cf::map_detail
