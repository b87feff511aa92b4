#include "core/index/quantizers.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/common/status.h"
#include "core/index/kernels.h"

namespace cf::index {

size_t nearest_centroid(const float* x, const float* centroids, const float* half_norms, size_t k, size_t dim) {
    // argmin ‖x − c‖² = argmax x·c − ‖c‖²/2 (the dot goes through the SIMD kernel).
    size_t best = 0;
    float best_score = -std::numeric_limits<float>::infinity();
    for (size_t j = 0; j < k; ++j) {
        const float s = dot(x, centroids + j * dim, dim) - half_norms[j];
        if (s > best_score) { best_score = s; best = j; }
    }
    return best;
}

std::vector<float> kmeans(const float* data, size_t n, size_t dim, size_t k, const KMeansOptions& options) {
    CF_ASSERT(k > 0 && n >= k && dim > 0);
    Rng rng(options.seed);
    // Deterministic subsample: a partial Fisher–Yates over the point indices.
    const size_t n_train = std::min(n, k * std::max<size_t>(options.max_points_per_centroid, 1));
    std::vector<uint32_t> order(n);
    for (size_t i = 0; i < n; ++i) order[i] = uint32_t(i);
    for (size_t i = 0; i < n_train; ++i) std::swap(order[i], order[i + rng.below(n - i)]);
    std::vector<float> train(n_train * dim);
    for (size_t i = 0; i < n_train; ++i) std::copy_n(data + size_t(order[i]) * dim, dim, train.data() + i * dim);

    std::vector<float> centroids(k * dim);
    for (size_t j = 0; j < k; ++j) std::copy_n(train.data() + j * dim, dim, centroids.data() + j * dim);  // shuffled
    std::vector<float> half_norms(k), sums(k * dim);
    std::vector<size_t> counts(k), assign(n_train);
    for (size_t it = 0; it < options.n_iterations; ++it) {
        for (size_t j = 0; j < k; ++j) half_norms[j] = 0.5f * dot(centroids.data() + j * dim, centroids.data() + j * dim, dim);
        std::fill(sums.begin(), sums.end(), 0.0f);
        std::fill(counts.begin(), counts.end(), 0);
        for (size_t i = 0; i < n_train; ++i) {
            const float* x = train.data() + i * dim;
            const size_t c = nearest_centroid(x, centroids.data(), half_norms.data(), k, dim);
            assign[i] = c;
            ++counts[c];
            float* s = sums.data() + c * dim;
            for (size_t d = 0; d < dim; ++d) s[d] += x[d];
        }
        for (size_t j = 0; j < k; ++j) {
            float* c = centroids.data() + j * dim;
            if (counts[j] == 0) {
                // Re-seed from a random training point, nudged so it does not tie with its own centroid.
                const float* x = train.data() + rng.below(n_train) * dim;
                for (size_t d = 0; d < dim; ++d) c[d] = x[d] * (1.0f + 1e-3f * float(rng.uniform() - 0.5));
                continue;
            }
            const float inv = 1.0f / float(counts[j]);
            for (size_t d = 0; d < dim; ++d) c[d] = sums[j * dim + d] * inv;
        }
    }
    return centroids;
}

// ---- SQ8 -----------------------------------------------------------------------------------------
ScalarQuantizer8 ScalarQuantizer8::train(const float* data, size_t n, size_t dim) {
    ScalarQuantizer8 sq;
    sq.dim = dim;
    sq.scale.assign(dim, 1.0f);
    sq.offset.assign(dim, 0.0f);
    for (size_t d = 0; d < dim; ++d) {
        float lo = std::numeric_limits<float>::infinity(), hi = -lo;
        for (size_t i = 0; i < n; ++i) { lo = std::min(lo, data[i * dim + d]); hi = std::max(hi, data[i * dim + d]); }
        if (n == 0) lo = hi = 0.0f;
        sq.offset[d] = 0.5f * (lo + hi);
        const float half_range = 0.5f * (hi - lo);
        sq.scale[d] = half_range > 0.0f ? half_range / 127.0f : 1.0f;
    }
    return sq;
}

void ScalarQuantizer8::encode(const float* x, int8_t* code) const {
    for (size_t d = 0; d < dim; ++d) {
        const float v = std::nearbyint((x[d] - offset[d]) / scale[d]);
        code[d] = int8_t(std::clamp(v, -127.0f, 127.0f));
    }
}

std::vector<int8_t> ScalarQuantizer8::encode_all(const float* data, size_t n) const {
    std::vector<int8_t> codes(n * dim);
    for (size_t i = 0; i < n; ++i) encode(data + i * dim, codes.data() + i * dim);
    return codes;
}

void ScalarQuantizer8::decode(const int8_t* code, float* x) const {
    for (size_t d = 0; d < dim; ++d) x[d] = offset[d] + scale[d] * float(code[d]);
}

ScalarQuantizer8::Query ScalarQuantizer8::prepare(const float* q) const {
    Query p;
    p.w.resize(dim);
    for (size_t d = 0; d < dim; ++d) p.w[d] = q[d] * scale[d];
    p.bias = index::dot(q, offset.data(), dim);
    return p;
}

float ScalarQuantizer8::dot(const Query& pq, const int8_t* code) const {
    return pq.bias + dot_i8(pq.w.data(), code, dim);
}

// ---- PQ ------------------------------------------------------------------------------------------
ProductQuantizer ProductQuantizer::train(const float* data, size_t n, size_t dim, size_t n_sub,
                                         const KMeansOptions& options) {
    CF_ASSERT(n_sub > 0 && n_sub <= dim && n > 0);
    ProductQuantizer pq;
    pq.dim = dim;
    pq.n_sub = n_sub;
    pq.codebook.assign(256 * dim, 0.0f);
    for (size_t m = 0; m < n_sub; ++m) {
        const size_t b = pq.sub_begin(m), e = pq.sub_end(m), sd = e - b;
        // 256·32 points per sub-space: the sub-spaces are 3–8-d, more points change little.
        const size_t n_use = std::min(n, size_t(256) * std::min<size_t>(options.max_points_per_centroid, 32));
        std::vector<float> sub(n_use * sd);
        // The same evenly strided subsample for every sub-space.
        for (size_t i = 0; i < n_use; ++i) {
            const size_t src = i * n / n_use;
            std::copy_n(data + src * dim + b, sd, sub.data() + i * sd);
        }
        KMeansOptions o = options;
        o.seed = options.seed + 1000 + m;
        const size_t k = std::min<size_t>(256, n_use);
        const std::vector<float> c = kmeans(sub.data(), n_use, sd, k, o);
        for (size_t j = 0; j < 256; ++j)
            std::copy_n(c.data() + (j % k) * sd, sd, pq.codebook.data() + j * dim + b);
    }
    return pq;
}

void ProductQuantizer::encode(const float* x, uint8_t* code) const {
    for (size_t m = 0; m < n_sub; ++m) {
        const size_t b = sub_begin(m), sd = sub_end(m) - b;
        size_t best = 0;
        float best_d = std::numeric_limits<float>::infinity();
        for (size_t j = 0; j < 256; ++j) {
            const float d = l2_sq(x + b, codebook.data() + j * dim + b, sd);
            if (d < best_d) { best_d = d; best = j; }
        }
        code[m] = uint8_t(best);
    }
}

void ProductQuantizer::decode(const uint8_t* code, float* x) const {
    for (size_t m = 0; m < n_sub; ++m)
        for (size_t i = sub_begin(m); i < sub_end(m); ++i) x[i] = codebook[size_t(code[m]) * dim + i];
}

void ProductQuantizer::inner_product_table(const float* q, float* lut) const {
    for (size_t m = 0; m < n_sub; ++m) {
        const size_t b = sub_begin(m), sd = sub_end(m) - b;
        for (size_t j = 0; j < 256; ++j) lut[m * 256 + j] = index::dot(q + b, codebook.data() + j * dim + b, sd);
    }
}


float normalize_l2(float* x, size_t dim) {
    double s = 0.0;
    for (size_t d = 0; d < dim; ++d) s += double(x[d]) * x[d];
    const float norm = float(std::sqrt(s));
    if (norm > 0.0f) for (size_t d = 0; d < dim; ++d) x[d] /= norm;
    return norm;
}

}  // namespace cf::index
