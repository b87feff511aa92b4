// The adaptive session's refit, re-rank and learned words (adaptive.h).
#include <algorithm>
#include <cmath>
#include <map>

#include "core/query/adaptive.h"
#include "core/semantic/concepts.h"
#include "core/semantic/text_matcher.h"

namespace cf::query {
namespace {

// The last judgement of each track wins (a like then a skip of the same track is a skip), in the
// order tracks were first judged.
std::vector<std::pair<uint32_t, double>> judged_tracks(const std::vector<SessionEvent>& events) {
    std::vector<std::pair<uint32_t, double>> out;
    for (const SessionEvent& e : events) {
        if (e.kind == SessionEvent::Kind::remark) continue;
        const double y = e.kind == SessionEvent::Kind::like ? 1.0 : 0.0;
        auto it = std::find_if(out.begin(), out.end(), [&](const auto& p) { return p.first == e.track; });
        if (it == out.end()) out.emplace_back(e.track, y);
        else it->second = y;
    }
    return out;
}

std::string key_words(const std::string& key) {
    const size_t colon = key.find(':');
    if (colon == std::string::npos) return key;
    return semantic::concept_words(std::string_view(key).substr(0, colon), std::string_view(key).substr(colon + 1));
}

// Solves A·x = b (m × m, row-major) in place by Gaussian elimination with partial pivoting.
// A is D·K + λ·I with λ > 0 and D, K ≥ 0: never singular.
std::vector<double> solve(std::vector<double> a, std::vector<double> b) {
    const size_t m = b.size();
    for (size_t c = 0; c < m; ++c) {
        size_t p = c;
        for (size_t r = c + 1; r < m; ++r)
            if (std::fabs(a[r * m + c]) > std::fabs(a[p * m + c])) p = r;
        if (p != c) {
            for (size_t k = 0; k < m; ++k) std::swap(a[c * m + k], a[p * m + k]);
            std::swap(b[c], b[p]);
        }
        for (size_t r = c + 1; r < m; ++r) {
            const double f = a[r * m + c] / a[c * m + c];
            for (size_t k = c; k < m; ++k) a[r * m + k] -= f * a[c * m + k];
            b[r] -= f * b[c];
        }
    }
    std::vector<double> x(m);
    for (size_t r = m; r-- > 0;) {
        double s = b[r];
        for (size_t k = r + 1; k < m; ++k) s -= a[r * m + k] * x[k];
        x[r] = s / a[r * m + r];
    }
    return x;
}

// ref: Newton's method on the dual coefficients of L2-regularised logistic regression (w = Xᵀα, the
// representer theorem): gradient Xᵀ(g + λα), Hessian XᵀDX + λI, so the step Xᵀδ with (DK + λI)δ = g + λα.
std::vector<double> fit_dual(const std::vector<double>& k, const std::vector<double>& offset, const std::vector<double>& y,
                             double l2, size_t iterations) {
    const size_t m = y.size();
    std::vector<double> alpha(m, 0.0);
    for (size_t it = 0; it < iterations; ++it) {
        std::vector<double> a(m * m), rhs(m);
        for (size_t i = 0; i < m; ++i) {
            double f = offset[i];
            for (size_t j = 0; j < m; ++j) f += k[i * m + j] * alpha[j];
            const double p = 1.0 / (1.0 + std::exp(-f)), d = std::max(p * (1 - p), 1e-9);
            for (size_t j = 0; j < m; ++j) a[i * m + j] = d * k[i * m + j] + (i == j ? l2 : 0.0);
            rhs[i] = (p - y[i]) + l2 * alpha[i];
        }
        const std::vector<double> step = solve(std::move(a), std::move(rhs));
        double moved = 0;
        for (size_t i = 0; i < m; ++i) alpha[i] -= step[i], moved = std::max(moved, std::fabs(step[i]));
        if (moved < 1e-7) break;
    }
    return alpha;
}

}  // namespace

// Scale of feature f's column in the model: each block's ‖x‖² share is its weight².
static float block_scale(const AdaptiveFeatures& f, const AdaptiveOptions& o, size_t j) {
    if (j < f.dim()) return o.embedding_weight / std::sqrt(float(f.dim()));
    return o.concept_weight / std::sqrt(float(f.n_concepts()));
}

float AdaptiveSession::offset(uint32_t t) const {
    float s = base_z_.empty() ? 0.0f : options_.prior_weight * base_z_[t];
    for (const std::vector<float>& r : remarks_z_) s += options_.remark_weight * r[t];
    return s;
}

void AdaptiveSession::refit() {
    const std::vector<std::pair<uint32_t, double>> judged = judged_tracks(events_);
    const size_t m = judged.size(), nf = features_->n_features();
    std::fill(w_.begin(), w_.end(), 0.0f);
    bias_ = 0;
    if (m == 0) return;
    std::vector<std::vector<float>> x(m);
    std::vector<double> y(m), off(m), k(m * m);
    for (size_t i = 0; i < m; ++i) {
        x[i] = features_->row(judged[i].first);
        for (size_t j = 0; j < nf; ++j) x[i][j] *= block_scale(*features_, options_, j);
        y[i] = judged[i].second;
        off[i] = offset(judged[i].first);
    }
    for (size_t i = 0; i < m; ++i)
        for (size_t j = 0; j <= i; ++j) {
            double d = 1.0;  // the bias, as a constant feature
            for (size_t f = 0; f < nf; ++f) d += double(x[i][f]) * x[j][f];
            k[i * m + j] = k[j * m + i] = d;
        }
    const std::vector<double> alpha = fit_dual(k, off, y, options_.l2, options_.newton_iterations);
    for (size_t f = 0; f < nf; ++f) {
        double s = 0;
        for (size_t i = 0; i < m; ++i) s += alpha[i] * x[i][f];
        w_[f] = float(s) * block_scale(*features_, options_, f);
    }
    for (double a : alpha) bias_ += float(a);
}

// One axpy per feature over the column-major matrix: vectorises (-msimd128, SSE) without reassociating
// a sum, so every platform gives the same scores.
std::vector<float> AdaptiveSession::scores() const {
    const size_t n = features_->n_tracks();
    std::vector<float> s(n);
    for (uint32_t t = 0; t < n; ++t) s[t] = offset(t) + bias_;
    for (size_t f = 0; f < w_.size(); ++f) {
        if (w_[f] == 0.0f) continue;
        const float w = w_[f];
        const float* col = features_->column(f).data();
        float* out = s.data();
        for (size_t t = 0; t < n; ++t) out[t] += w * col[t];
    }
    return s;
}

// The learned likes (by words) the track clearly has (z ≥ 1 on one of the words' concepts), ≤ 2.
std::string AdaptiveSession::why(uint32_t t, const Learned& learned) const {
    std::string out;
    size_t n = 0;
    for (const LearnedConcept& like : learned.likes) {
        bool has = false;
        for (size_t j = 0; j < features_->n_concepts() && !has; ++j)
            has = key_words(features_->keys()[j]) == like.words && features_->column(features_->dim() + j)[t] >= 1.0f;
        if (!has) continue;
        out += (out.empty() ? "" : ", ") + like.words;
        if (++n == 2) break;
    }
    return out;
}

Result<std::vector<AdaptiveRow>> AdaptiveSession::rerank(size_t k, const SearchFilters& filters, std::vector<float>* all_scores) const {
    if (k == 0) return Status(ErrorCode::invalid_argument, "adaptive session: k must be at least 1");
    const Catalog* cat = features_->catalog();
    if (filters.active() && !cat)
        return Status(ErrorCode::invalid_argument, "adaptive session: filters need a catalog's metadata");
    std::vector<float> s = scores();
    std::vector<char> judged(s.size(), 0);
    for (const SessionEvent& e : events_)
        if (e.kind != SessionEvent::Kind::remark) judged[e.track] = 1;
    const bool filter = filters.active();
    auto passes = [&](uint32_t t) { return !judged[t] && (!filter || cat->passes(t, filters)); };
    std::vector<AdaptiveRow> rows;
    const Learned l = learned();
    for (uint32_t t : semantic::top_tracks(s, k, passes)) {
        const float base = base_z_.empty() ? 0.0f : base_z_[t];
        rows.push_back({t, s[t], base, s[t] - offset(t), why(t, l)});
    }
    if (all_scores) *all_scores = std::move(s);
    return rows;
}

Learned AdaptiveSession::learned() const {
    std::map<std::string, float> by_words;
    for (size_t j = 0; j < features_->n_concepts(); ++j) by_words[key_words(features_->keys()[j])] += w_[features_->dim() + j];
    float top = 0;
    for (const auto& [w, v] : by_words) top = std::max(top, std::fabs(v));
    std::vector<LearnedConcept> likes, skips;
    for (const auto& [w, v] : by_words) {
        if (std::fabs(v) < std::max(1e-4f, 0.3f * top)) continue;  // only what carries the ranking
        (v > 0 ? likes : skips).push_back({w, std::fabs(v)});
    }
    auto order = [&](std::vector<LearnedConcept>& cs) {
        std::sort(cs.begin(), cs.end(), [](const auto& a, const auto& b) { return a.weight > b.weight || (a.weight == b.weight && a.words < b.words); });
        if (cs.size() > options_.learned_n) cs.resize(options_.learned_n);
    };
    order(likes);
    order(skips);
    return {likes, skips};
}

}  // namespace cf::query
