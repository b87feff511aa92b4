// The adaptive session's per-catalog feature matrix (adaptive.h): embedding + concept columns,
// z-scored over the catalog, stored column-major so a re-rank is one axpy per feature.
#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdio>

#include "core/common/random.h"
#include "core/query/adaptive.h"

namespace cf::query {
namespace {

uint64_t fnv1a64(const std::vector<std::string>& ids) {
    uint64_t h = 0xcbf29ce484222325ull;
    for (const std::string& id : ids) {
        for (unsigned char c : id) h = (h ^ c) * 0x100000001b3ull;
        h = (h ^ '\n') * 0x100000001b3ull;
    }
    return h;
}

// Mean and sd over the finite values (NaN = unknown); sd 0 for a constant or unknown column.
void column_stats(std::span<const float> col, double& mean, double& sd) {
    double s = 0, s2 = 0;
    size_t n = 0;
    for (float v : col)
        if (std::isfinite(v)) s += v, s2 += double(v) * v, ++n;
    mean = n ? s / double(n) : 0;
    const double var = n ? s2 / double(n) - mean * mean : 0;
    sd = var > 1e-12 ? std::sqrt(var) : 0;
}

}  // namespace

Result<AdaptiveFeatures> AdaptiveFeatures::build(const QueryEngine& engine) {
    const size_t n = engine.n_tracks(), dim = engine.dim();
    std::vector<std::string> ids(n), keys;
    std::vector<float> emb(n * dim), values;
    const MatchExplainer* why = engine.explainer();
    if (why) keys = why->keys();
    values.resize(n * keys.size());
    for (uint32_t t = 0; t < n; ++t) {
        ids[t] = engine.catalog() ? engine.catalog()->tracks()[t].id : std::to_string(t);
        const std::vector<float> e = engine.embedding(t);
        std::copy(e.begin(), e.end(), emb.begin() + t * dim);
        if (why) {
            const std::vector<float> v = why->track_values(t);
            std::copy(v.begin(), v.end(), values.begin() + t * keys.size());
        }
    }
    auto f = from_arrays(std::move(ids), emb, dim, std::move(keys), values);
    if (f) f->catalog_ = engine.catalog();
    return f;
}

Result<AdaptiveFeatures> AdaptiveFeatures::from_arrays(std::vector<std::string> ids, std::span<const float> embeddings,
                                                       size_t dim, std::vector<std::string> keys,
                                                       std::span<const float> values) {
    const size_t n = ids.size(), c = keys.size();
    if (n == 0) return Status(ErrorCode::invalid_argument, "adaptive session: the catalog has no tracks");
    if (dim + c == 0) return Status(ErrorCode::invalid_argument, "adaptive session: the tracks have no embedding and no concept values");
    if (embeddings.size() != n * dim || values.size() != n * c)
        return Status(ErrorCode::invalid_argument, "adaptive session: " + std::to_string(n) + " tracks need " +
                                                       std::to_string(n * dim) + " embedding values and " + std::to_string(n * c) +
                                                       " concept values (got " + std::to_string(embeddings.size()) + " and " +
                                                       std::to_string(values.size()) + ")");
    for (float v : embeddings)
        if (!std::isfinite(v)) return Status(ErrorCode::invalid_argument, "adaptive session: a non-finite embedding value");
    AdaptiveFeatures f;
    f.ids_ = std::move(ids);
    f.keys_ = std::move(keys);
    f.dim_ = dim;
    const size_t nf = dim + c;
    f.cols_.resize(nf * n);
    for (size_t t = 0; t < n; ++t) {
        for (size_t j = 0; j < dim; ++j) f.cols_[j * n + t] = embeddings[t * dim + j];
        for (size_t j = 0; j < c; ++j) f.cols_[(dim + j) * n + t] = values[t * c + j];
    }
    f.finish();
    return f;
}

void AdaptiveFeatures::finish() {
    const size_t n = n_tracks();
    for (size_t j = 0; j < n_features(); ++j) {
        float* col = cols_.data() + j * n;
        double mean, sd;
        column_stats({col, n}, mean, sd);
        // A rare tag's spread is tiny: without a floor p = 0.05 would be "5 sd of sitar" and drown the rest.
        if (j >= dim_ && sd > 0) sd = std::max(sd, double(kConceptSdFloor));
        for (size_t t = 0; t < n; ++t)
            col[t] = (std::isfinite(col[t]) && sd > 0) ? float((col[t] - mean) / sd) : 0.0f;  // NaN → the mean
    }
    char key[64];
    std::snprintf(key, sizeof key, "n=%zu fnv1a64=%016" PRIx64, n, fnv1a64(ids_));
    catalog_key_ = key;
}

AdaptiveFeatures AdaptiveFeatures::tiled(size_t n_copies, float jitter, uint64_t seed) const {
    const size_t n = n_tracks(), nf = n_features();
    AdaptiveFeatures f;
    f.keys_ = keys_;
    f.dim_ = dim_;
    f.ids_.reserve(n * n_copies);
    for (size_t k = 0; k < n_copies; ++k)
        for (const std::string& id : ids_) f.ids_.push_back(k == 0 ? id : id + "#" + std::to_string(k));
    f.cols_.resize(nf * n * n_copies);
    SplitMix64 rng(seed);
    for (size_t j = 0; j < nf; ++j)  // columns are z-scored: jitter is in column sds
        for (size_t k = 0; k < n_copies; ++k)
            for (size_t t = 0; t < n; ++t)
                f.cols_[j * n * n_copies + k * n + t] = cols_[j * n + t] + (k ? jitter * float(rng.normal()) : 0.0f);
    f.finish();
    return f;
}

std::optional<uint32_t> AdaptiveFeatures::find(std::string_view id) const {
    if (catalog_) return catalog_->find(id);
    for (size_t t = 0; t < ids_.size(); ++t)
        if (ids_[t] == id) return uint32_t(t);
    return std::nullopt;
}

std::vector<float> AdaptiveFeatures::row(uint32_t t) const {
    std::vector<float> r(n_features());
    for (size_t j = 0; j < r.size(); ++j) r[j] = cols_[j * n_tracks() + t];
    return r;
}

}  // namespace cf::query
