// Deterministic synthetic point sets for the map tests.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <utility>
#include <vector>

#include "core/map/detail/random.h"

namespace cf::test {

/// `n_clusters` isotropic Gaussian clusters (std 1) in `dim` dimensions, centres drawn with std
/// `centre_spread` (so centres are ≈ centre_spread·√(2·dim) apart), `per_cluster` points each.
struct Clusters {
    std::vector<float> data;  ///< [n × dim]
    std::vector<int> label;   ///< [n]
    size_t n = 0, dim = 0;
};
inline Clusters gaussian_clusters(size_t n_clusters, size_t per_cluster, size_t dim, double centre_spread,
                                  uint64_t seed) {
    map_detail::SplitMix64 rng(seed);
    Clusters c;
    c.n = n_clusters * per_cluster;
    c.dim = dim;
    std::vector<double> centre(dim);
    for (size_t k = 0; k < n_clusters; ++k) {
        for (double& x : centre) x = centre_spread * rng.normal();
        for (size_t p = 0; p < per_cluster; ++p) {
            for (size_t d = 0; d < dim; ++d) c.data.push_back(float(centre[d] + rng.normal()));
            c.label.push_back(int(k));
        }
    }
    return c;
}

/// Leave-one-out accuracy of a k-nearest-neighbour majority vote in a 2-D layout.
inline double knn_label_accuracy(const std::vector<float>& xy, const std::vector<int>& label, size_t k) {
    const size_t n = label.size();
    size_t correct = 0;
    std::vector<std::pair<float, size_t>> d(n);
    for (size_t i = 0; i < n; ++i) {
        for (size_t j = 0; j < n; ++j) {
            const float dx = xy[2 * i] - xy[2 * j], dy = xy[2 * i + 1] - xy[2 * j + 1];
            d[j] = {j == i ? INFINITY : dx * dx + dy * dy, j};
        }
        std::partial_sort(d.begin(), d.begin() + std::ptrdiff_t(k), d.end());
        std::vector<int> votes(64, 0);
        for (size_t r = 0; r < k; ++r) ++votes[size_t(label[d[r].second])];
        int best = 0;
        for (int l = 1; l < 64; ++l)
            if (votes[size_t(l)] > votes[size_t(best)]) best = l;
        if (best == label[i]) ++correct;
    }
    return double(correct) / double(n);
}

}  // namespace cf::test
