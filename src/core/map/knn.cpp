// Exact kNN for t-SNE: a vantage-point tree for large inputs, brute force for small ones.
// Why a VP tree: audio embeddings are 200-d but lie near a low-dimensional set (clusters of styles),
// where metric-tree pruning works; for unstructured data it degrades gracefully to a brute-force scan.
#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "core/map/detail/knn.h"
#include "core/map/detail/random.h"

namespace cf::map_detail {
namespace {

using Candidate = std::pair<float, uint32_t>;  // (distance, id): lexicographic order breaks ties by id

class VpTree {
public:
    VpTree(const float* data, size_t n, size_t dim, uint64_t seed) : data_(data), dim_(dim), rng_(seed) {
        items_.resize(n);
        for (size_t i = 0; i < n; ++i) items_[i] = uint32_t(i);
        nodes_.reserve(2 * (n / kBucket + 1));
        scratch_.reserve(n);
        root_ = build(0, n);
    }

    /// k nearest of row q (q excluded) into `heap` (a max-heap on Candidate), sorted nearest first.
    void search(uint32_t q, size_t k, std::vector<Candidate>& heap) const {
        heap.clear();
        visit(root_, q, k, heap);
        std::sort_heap(heap.begin(), heap.end());
    }

private:
    static constexpr size_t kBucket = 16;
    struct Node {
        uint32_t begin = 0, end = 0;  ///< leaf: items_[begin, end); inner: items_[begin] is the vantage point
        float threshold = 0.0f;       ///< inner: median distance to the vantage point
        int32_t inside = -1, outside = -1;
    };

    float distance(uint32_t a, uint32_t b) const {
        return std::sqrt(squared_distance_best(data_ + size_t(a) * dim_, data_ + size_t(b) * dim_, dim_));
    }

    int32_t build(size_t lo, size_t hi) {
        if (lo >= hi) return -1;
        const int32_t id = int32_t(nodes_.size());
        nodes_.emplace_back();
        Node node;
        node.begin = uint32_t(lo);
        node.end = uint32_t(hi);
        if (hi - lo <= kBucket) {
            nodes_[size_t(id)] = node;
            return id;
        }
        std::swap(items_[lo], items_[lo + rng_.below(hi - lo)]);
        const uint32_t vp = items_[lo];
        scratch_.clear();
        for (size_t i = lo + 1; i < hi; ++i) scratch_.emplace_back(distance(vp, items_[i]), items_[i]);
        const size_t half = scratch_.size() / 2;
        std::nth_element(scratch_.begin(), scratch_.begin() + std::ptrdiff_t(half), scratch_.end());
        node.threshold = scratch_[half].first;
        for (size_t i = 0; i < scratch_.size(); ++i) items_[lo + 1 + i] = scratch_[i].second;
        const size_t mid = lo + 1 + half;
        node.inside = build(lo + 1, mid);   // distances ≤ threshold
        node.outside = build(mid, hi);      // distances ≥ threshold
        nodes_[size_t(id)] = node;
        return id;
    }

    static void consider(std::vector<Candidate>& heap, size_t k, Candidate c) {
        if (heap.size() < k) {
            heap.push_back(c);
            std::push_heap(heap.begin(), heap.end());
        } else if (c < heap.front()) {
            std::pop_heap(heap.begin(), heap.end());
            heap.back() = c;
            std::push_heap(heap.begin(), heap.end());
        }
    }
    static float tau(const std::vector<Candidate>& heap, size_t k) {
        return heap.size() < k ? std::numeric_limits<float>::infinity() : heap.front().first;
    }

    void visit(int32_t node_id, uint32_t q, size_t k, std::vector<Candidate>& heap) const {
        if (node_id < 0) return;
        const Node& node = nodes_[size_t(node_id)];
        if (node.inside < 0 && node.outside < 0) {
            for (uint32_t i = node.begin; i < node.end; ++i)
                if (items_[i] != q) consider(heap, k, {distance(q, items_[i]), items_[i]});
            return;
        }
        const uint32_t vp = items_[node.begin];
        const float d = distance(q, vp);
        if (vp != q) consider(heap, k, {d, vp});
        // Children may hold points exactly at the threshold on either side: inclusive tests.
        if (d < node.threshold) {
            if (d - tau(heap, k) <= node.threshold) visit(node.inside, q, k, heap);
            if (d + tau(heap, k) >= node.threshold) visit(node.outside, q, k, heap);
        } else {
            if (d + tau(heap, k) >= node.threshold) visit(node.outside, q, k, heap);
            if (d - tau(heap, k) <= node.threshold) visit(node.inside, q, k, heap);
        }
    }

    const float* data_;
    size_t dim_;
    SplitMix64 rng_;
    std::vector<uint32_t> items_;
    std::vector<Node> nodes_;
    std::vector<Candidate> scratch_;
    int32_t root_ = -1;
};

}  // namespace

Result<KnnResult> exact_knn(const float* data, size_t n, size_t dim, size_t k, uint64_t seed,
                            const ProgressCallback& progress, size_t brute_force_below) {
    CF_ASSERT(data != nullptr && k >= 1 && k < n);
    KnnResult out;
    out.k = k;
    out.index.resize(n * k);
    out.squared_distance.resize(n * k);
    const size_t report_every = 256;
    std::vector<Candidate> found;
    if (n < brute_force_below) {
        std::vector<Candidate> all(n - 1);
        for (size_t i = 0; i < n; ++i) {
            if (progress && i % report_every == 0 && !progress(double(i) / double(n)))
                return Status(ErrorCode::cancelled, "t-SNE: neighbour search cancelled");
            const float* row = data + i * dim;
            size_t m = 0;
            for (size_t j = 0; j < n; ++j)
                if (j != i) all[m++] = {squared_distance_best(row, data + j * dim, dim), uint32_t(j)};
            std::partial_sort(all.begin(), all.begin() + std::ptrdiff_t(k), all.end());
            for (size_t r = 0; r < k; ++r) {
                out.index[i * k + r] = all[r].second;
                out.squared_distance[i * k + r] = all[r].first;
            }
        }
    } else {
        const VpTree tree(data, n, dim, seed);
        for (size_t i = 0; i < n; ++i) {
            if (progress && i % report_every == 0 && !progress(double(i) / double(n)))
                return Status(ErrorCode::cancelled, "t-SNE: neighbour search cancelled");
            tree.search(uint32_t(i), k, found);
            for (size_t r = 0; r < k; ++r) {
                const uint32_t j = found[r].second;
                out.index[i * k + r] = j;
                out.squared_distance[i * k + r] = squared_distance_best(data + i * dim, data + size_t(j) * dim, dim);
            }
        }
    }
    if (progress && !progress(1.0)) return Status(ErrorCode::cancelled, "t-SNE: neighbour search cancelled");
    return out;
}

}  // namespace cf::map_detail
