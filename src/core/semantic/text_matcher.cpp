#include "core/semantic/text_matcher.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <utility>

#include "core/common/stats.h"
#include "core/semantic/text_encoder.h"

namespace cf::semantic {

namespace {

bool all_finite(std::span<const float> v) {
    return std::all_of(v.begin(), v.end(), [](float x) { return std::isfinite(x); });
}

// Φ⁻¹(p) for p clamped to 0.005..0.995 (the normal score of a rank): Newton's method on the normal
// CDF, which converges monotonically from 0 on either side.
float normal_score(double p) {
    p = std::clamp(p, 0.005, 0.995);
    double x = 0;
    for (int i = 0; i < 60; ++i) {
        const double f = 0.5 * std::erfc(-x / std::sqrt(2.0)) - p;
        const double step = f / (std::exp(-0.5 * x * x) / std::sqrt(2.0 * 3.14159265358979323846));
        x -= step;
        if (std::abs(step) < 1e-10) break;
    }
    return float(x);
}

void mean_sd(std::span<const float> v, float* mean, float* sd) {
    double s = 0, s2 = 0;
    for (float x : v) s += x;
    const double m = v.empty() ? 0.0 : s / double(v.size());
    for (float x : v) s2 += (x - m) * (x - m);
    *mean = float(m);
    const double var = v.size() > 1 ? s2 / double(v.size()) : 0.0;
    *sd = float(std::sqrt(var));
    if (!(*sd > 1e-12f)) *sd = 1.0f;
}

// Solves (A) X = B in place for symmetric positive definite A (n × n, row-major), B n × m. Cholesky.
bool cholesky_solve(std::vector<double>& a, size_t n, std::vector<double>& b, size_t m) {
    for (size_t j = 0; j < n; ++j) {
        double d = a[j * n + j];
        for (size_t k = 0; k < j; ++k) d -= a[j * n + k] * a[j * n + k];
        if (!(d > 0)) return false;
        const double l = std::sqrt(d);
        a[j * n + j] = l;
        for (size_t i = j + 1; i < n; ++i) {
            double s = a[i * n + j];
            for (size_t k = 0; k < j; ++k) s -= a[i * n + k] * a[j * n + k];
            a[i * n + j] = s / l;
        }
    }
    for (size_t c = 0; c < m; ++c) {
        for (size_t i = 0; i < n; ++i) {  // L y = b
            double s = b[i * m + c];
            for (size_t k = 0; k < i; ++k) s -= a[i * n + k] * b[k * m + c];
            b[i * m + c] = s / a[i * n + i];
        }
        for (size_t ii = n; ii-- > 0;) {  // Lᵀ x = y
            double s = b[ii * m + c];
            for (size_t k = ii + 1; k < n; ++k) s -= a[k * n + ii] * b[k * m + c];
            b[ii * m + c] = s / a[ii * n + ii];
        }
    }
    return true;
}

// Subtracts `center` from the kTextDim floats at `v` and scales them to unit length; false when
// nothing is left (the vector was the centre).
bool center_unit(float* v, const std::vector<float>& center) {
    double n = 0;
    for (size_t k = 0; k < kTextDim; ++k) {
        v[k] -= center[k];
        n += double(v[k]) * v[k];
    }
    if (!(n > 1e-12)) return false;
    const double inv = 1.0 / std::sqrt(n);
    for (size_t k = 0; k < kTextDim; ++k) v[k] = float(v[k] * inv);
    return true;
}

// The mean of the C concept embeddings, or empty when centring would leave a concept without a
// direction (fewer than two distinct concepts).
std::vector<float> concept_center(const std::vector<float>& e, size_t c) {
    std::vector<float> mean(kTextDim, 0.0f);
    if (c < 2) return {};
    for (size_t j = 0; j < c; ++j)
        for (size_t k = 0; k < kTextDim; ++k) mean[k] += e[j * kTextDim + k] / float(c);
    for (size_t j = 0; j < c; ++j) {
        double d = 0;
        for (size_t k = 0; k < kTextDim; ++k) d += double(e[j * kTextDim + k] - mean[k]) * (e[j * kTextDim + k] - mean[k]);
        if (!(d > 1e-12)) return {};
    }
    return mean;
}

}  // namespace

const char* text_method_name(TextMethod method) {
    switch (method) {
        case TextMethod::bridge: return "bridge";
        case TextMethod::projection: return "projection";
        case TextMethod::ensemble: return "ensemble";
    }
    return "?";
}

bool parse_text_method(std::string_view name, TextMethod* out) {
    for (TextMethod m : {TextMethod::bridge, TextMethod::projection, TextMethod::ensemble})
        if (name == text_method_name(m)) {
            *out = m;
            return true;
        }
    return false;
}

Result<TextMatcher> TextMatcher::build(std::vector<Concept> concepts, std::vector<float> concept_embeddings,
                                       std::vector<float> values, size_t n_tracks, std::vector<float> audio,
                                       size_t audio_dim, const TextMatcherOptions& options) {
    const size_t c = concepts.size();
    if (c == 0) return Status(ErrorCode::invalid_argument, "text matcher: no concepts");
    if (n_tracks == 0) return Status(ErrorCode::invalid_argument, "text matcher: the catalog has no tracks");
    if (concept_embeddings.size() != c * kTextDim || !all_finite(concept_embeddings))
        return Status(ErrorCode::invalid_argument, "text matcher: expected " + std::to_string(c) + " finite concept embeddings of " +
                                                       std::to_string(kTextDim) + " values");
    if (values.size() != n_tracks * c)
        return Status(ErrorCode::invalid_argument, "text matcher: expected " + std::to_string(n_tracks) + " × " + std::to_string(c) +
                                                       " concept values, got " + std::to_string(values.size()));
    if (!audio.empty() && (audio_dim == 0 || audio.size() != n_tracks * audio_dim || !all_finite(audio)))
        return Status(ErrorCode::invalid_argument, "text matcher: expected " + std::to_string(n_tracks) +
                                                       " finite audio embeddings of " + std::to_string(audio_dim) + " values");
    if (options.top_k == 0 || !(options.temperature > 0) || !(options.sd_floor > 0) || !(options.ridge_alpha > 0))
        return Status(ErrorCode::invalid_argument, "text matcher: top_k, temperature, sd_floor and ridge_alpha must be > 0");
    if (!(options.ensemble_bridge_weight >= 0 && options.ensemble_bridge_weight <= 1) || !std::isfinite(options.ensemble_exact_cosine))
        return Status(ErrorCode::invalid_argument, "text matcher: ensemble_bridge_weight must be in 0..1 and ensemble_exact_cosine finite");
    TextMatcher m;
    m.concepts_ = std::move(concepts);
    m.concept_embeddings_ = std::move(concept_embeddings);
    m.values_ = std::move(values);
    m.n_tracks_ = n_tracks;
    m.options_ = options;
    if (options.center_text) {
        m.text_center_ = concept_center(m.concept_embeddings_, c);
        if (!m.text_center_.empty())
            for (size_t j = 0; j < c; ++j) center_unit(m.concept_embeddings_.data() + j * kTextDim, m.text_center_);
    }
    m.fill_concept_stats();
    if (!audio.empty()) {
        m.audio_ = std::move(audio);
        m.audio_dim_ = audio_dim;
        CF_RETURN_IF_ERROR(m.fit_projection());
    }
    return m;
}

std::span<const float> TextMatcher::track_values(uint32_t track) const {
    CF_ASSERT(track < n_tracks_);
    return {values_.data() + size_t(track) * concepts_.size(), concepts_.size()};
}

std::span<const float> TextMatcher::concept_embedding(uint32_t c) const {
    CF_ASSERT(c < concepts_.size());
    return {concept_embeddings_.data() + size_t(c) * kTextDim, kTextDim};
}

// W = (XᵀX + αI)⁻¹ XᵀT with X = [a, 1] and T the tracks' tag-text targets (see the header).
Status TextMatcher::fit_projection() {
    const size_t c = concepts_.size(), d1 = audio_dim_ + 1;
    const size_t n_fit = std::min(n_tracks_, std::max<size_t>(1, options_.max_training_tracks));
    std::vector<double> xtx(d1 * d1, 0.0), xtf(d1 * c, 0.0);
    std::vector<double> x(d1), f(c), t(kTextDim);
    std::vector<double> xtt(d1 * kTextDim, 0.0);
    for (size_t i = 0; i < n_fit; ++i) {
        const size_t n = n_fit == n_tracks_ ? i : size_t(double(i) * double(n_tracks_) / double(n_fit));
        for (size_t k = 0; k < audio_dim_; ++k) x[k] = audio_[n * audio_dim_ + k];
        x[audio_dim_] = 1.0;
        // Target: the concepts this track has more of than the catalog's average, by how much.
        std::fill(t.begin(), t.end(), 0.0);
        for (size_t j = 0; j < c; ++j) {
            const double above = double(values_[n * c + j]) - mean_[j];
            if (above <= 0) continue;
            const float* e = concept_embeddings_.data() + j * kTextDim;
            for (size_t k = 0; k < kTextDim; ++k) t[k] += above * e[k];
        }
        double tn = 0;
        for (double v : t) tn += v * v;
        if (!(tn > 0)) continue;  // an entirely average track says nothing
        tn = 1.0 / std::sqrt(tn);
        for (size_t a = 0; a < d1; ++a) {
            for (size_t b = a; b < d1; ++b) xtx[a * d1 + b] += x[a] * x[b];
            const double xa = x[a] * tn;
            double* row = xtt.data() + a * kTextDim;
            for (size_t k = 0; k < kTextDim; ++k) row[k] += xa * t[k];
        }
    }
    double sq_norms = 0;  // Σ‖a‖² over the fitted tracks = the trace of XᵀX without the bias
    for (size_t a = 0; a < audio_dim_; ++a) sq_norms += xtx[a * d1 + a];
    const double alpha = options_.ridge_alpha * std::max(sq_norms, 1e-12);  // = ridge_alpha · N · mean ‖a‖²
    for (size_t a = 0; a < d1; ++a) {
        for (size_t b = 0; b < a; ++b) xtx[a * d1 + b] = xtx[b * d1 + a];
        if (a < audio_dim_) xtx[a * d1 + a] += alpha;  // the bias is not penalised
    }
    if (!cholesky_solve(xtx, d1, xtt, kTextDim))
        return Status(ErrorCode::invalid_argument, "text matcher: the projection's normal equations are singular");
    w_.assign(xtt.begin(), xtt.end());
    gram_.assign(d1 * d1, 0.0f);
    for (size_t a = 0; a < d1; ++a)
        for (size_t b = a; b < d1; ++b) {
            double s = 0;
            for (size_t k = 0; k < kTextDim; ++k) s += double(w_[a * kTextDim + k]) * w_[b * kTextDim + k];
            gram_[a * d1 + b] = gram_[b * d1 + a] = float(s);
        }
    track_norms_.resize(n_tracks_);
    for (size_t n = 0; n < n_tracks_; ++n) track_norms_[n] = projected_norm(audio_.data() + n * audio_dim_);
    fill_common_scores();
    return Status::ok();
}

// Every track's projection score for the mean text of the concepts the catalog knows: what the
// projection says whatever the word (the mean of its scores over those concepts, up to a constant).
void TextMatcher::fill_common_scores() {
    std::vector<float> mean_text(kTextDim, 0.0f);  // the sum: the scale does not change a cosine
    for (size_t j = 0; j < concepts_.size(); ++j)
        if (known_[j])
            for (size_t k = 0; k < kTextDim; ++k) mean_text[k] += concept_embeddings_[j * kTextDim + k];
    PreparedText q;
    q.audio_direction = audio_direction(mean_text);
    common_.resize(n_tracks_);
    for (size_t n = 0; n < n_tracks_; ++n) common_[n] = projection_score(q, audio_.data() + n * audio_dim_, track_norms_[n]);
}

// W·text: the direction in [audio, 1] whose dot product with a track is its projection's dot product with the text.
std::vector<float> TextMatcher::audio_direction(std::span<const float> text) const {
    const size_t d1 = audio_dim_ + 1;
    std::vector<float> u(d1, 0.0f);
    for (size_t a = 0; a < d1; ++a) {
        double s = 0;
        for (size_t k = 0; k < kTextDim; ++k) s += double(w_[a * kTextDim + k]) * text[k];
        u[a] = float(s);
    }
    return u;
}

float TextMatcher::projected_norm(const float* audio) const {
    const size_t d = audio_dim_, d1 = d + 1;
    double s = 0;
    for (size_t a = 0; a < d1; ++a) {
        const double xa = a < d ? audio[a] : 1.0;
        const float* g = gram_.data() + a * d1;
        double r = 0;
        for (size_t b = 0; b < d; ++b) r += double(g[b]) * audio[b];
        r += g[d];
        s += xa * r;
    }
    return float(std::sqrt(std::max(s, 1e-30)));
}

Result<PreparedText> TextMatcher::prepare(std::span<const float> query, TextMethod method) const {
    if (query.size() != kTextDim || !all_finite(query))
        return Status(ErrorCode::invalid_argument, "text query: expected " + std::to_string(kTextDim) + " finite values");
    if (method != TextMethod::bridge && !has_projection())
        return Status(ErrorCode::invalid_argument, std::string("text query: the ") + text_method_name(method) +
                                                       " method needs the catalog's audio embeddings");
    std::vector<float> centred;
    if (!text_center_.empty()) {
        centred.assign(query.begin(), query.end());
        if (!center_unit(centred.data(), text_center_))
            return Status(ErrorCode::invalid_argument, "text query: the embedding has no direction of its own (it is the concepts' mean)");
        query = centred;
    }
    PreparedText q;
    q.method = method;
    // Bridge weights: softmax over the top_k concept similarities.
    const size_t c = concepts_.size();
    std::vector<std::pair<float, uint32_t>> sims;
    for (size_t j = 0; j < c; ++j) {
        if (!known_[j]) continue;
        const float* e = concept_embeddings_.data() + j * kTextDim;
        double s = 0;
        for (size_t k = 0; k < kTextDim; ++k) s += double(e[k]) * query[k];
        sims.push_back({float(s), uint32_t(j)});
    }
    const size_t k = std::min(options_.top_k, sims.size());
    std::partial_sort(sims.begin(), sims.begin() + ptrdiff_t(k), sims.end(),
                      [](const auto& a, const auto& b) { return a.first > b.first || (a.first == b.first && a.second < b.second); });
    q.bridge_share = bridge_share(sims.empty() ? -1.0f : sims[0].first);
    double total = 0;
    for (size_t i = 0; i < k; ++i) total += std::exp((sims[i].first - sims[0].first) / options_.temperature);
    for (size_t i = 0; i < k; ++i) {
        const float w = float(std::exp((sims[i].first - sims[0].first) / options_.temperature) / total);
        if (w >= 1e-3f) q.weights.push_back({sims[i].second, w, sims[i].first});  // negligible: left out
    }
    if (method != TextMethod::bridge) q.audio_direction = audio_direction(query);
    // Raw scores of the catalog (each method's, sorted, for the ensemble's percentiles).
    std::vector<float> bridge, proj;
    if (method != TextMethod::projection) {
        bridge.resize(n_tracks_);
        for (size_t n = 0; n < n_tracks_; ++n) bridge[n] = bridge_score(q, values_.data() + n * c);
    }
    if (method != TextMethod::bridge) {
        proj.resize(n_tracks_);
        for (size_t n = 0; n < n_tracks_; ++n) proj[n] = projection_score(q, audio_.data() + n * audio_dim_, track_norms_[n]);
    }
    if (method == TextMethod::bridge) q.scores = std::move(bridge);
    else if (method == TextMethod::projection) q.scores = std::move(proj);
    else {
        q.sorted_bridge = bridge;
        std::sort(q.sorted_bridge.begin(), q.sorted_bridge.end());
        q.sorted_projection = proj;
        std::sort(q.sorted_projection.begin(), q.sorted_projection.end());
        q.bridge_share = discounted_share(q.bridge_share, proj, &q.projection_common);
        q.scores.resize(n_tracks_);
        for (size_t n = 0; n < n_tracks_; ++n)
            q.scores[n] = q.bridge_share * fraction_below(q.sorted_bridge, bridge[n]) +
                          (1.0f - q.bridge_share) * fraction_below(q.sorted_projection, proj[n]);
    }
    q.sorted_scores = q.scores;
    std::sort(q.sorted_scores.begin(), q.sorted_scores.end());
    return q;
}

PreparedText TextMatcher::prepare_weights(std::vector<ConceptWeight> weights) const {
    PreparedText q;
    q.method = TextMethod::bridge;
    for (const ConceptWeight& w : weights) CF_ASSERT(w.index < concepts_.size() && std::isfinite(w.weight));
    weights.erase(std::remove_if(weights.begin(), weights.end(), [&](const ConceptWeight& w) { return !known_[w.index]; }), weights.end());
    std::stable_sort(weights.begin(), weights.end(),
                     [](const ConceptWeight& a, const ConceptWeight& b) { return std::fabs(a.weight) > std::fabs(b.weight); });
    q.weights = std::move(weights);
    q.scores.resize(n_tracks_);
    for (size_t n = 0; n < n_tracks_; ++n) q.scores[n] = bridge_score(q, values_.data() + n * concepts_.size());
    q.sorted_scores = q.scores;
    std::sort(q.sorted_scores.begin(), q.sorted_scores.end());
    return q;
}

float TextMatcher::bridge_score(const PreparedText& q, const float* values) const {
    double s = 0;
    for (const ConceptWeight& w : q.weights) s += double(w.weight) * concept_z(w.index, values[w.index]);
    return float(s);
}

float TextMatcher::concept_z(uint32_t j, float v) const {
    if (!std::isfinite(v)) return 0.0f;  // unknown counts as the catalog's mean
    if (options_.evidence == Evidence::probability) return (v - mean_[j]) / sd_[j];
    const RankTable& t = ranks_[j];
    const size_t i = size_t(std::lower_bound(t.values.begin(), t.values.end(), v) - t.values.begin());
    if (i < t.values.size() && t.values[i] == v) return t.z[i];
    const uint32_t below = i < t.values.size() ? t.below[i] : t.n;  // every value before i is below v
    return normal_score(double(below) / double(t.n));
}

TextMatcher::RankTable TextMatcher::rank_table(const std::vector<float>& known) {
    CF_ASSERT(std::is_sorted(known.begin(), known.end()));
    RankTable t;
    t.n = uint32_t(known.size());
    for (size_t i = 0; i < known.size();) {
        size_t j = i;
        while (j < known.size() && known[j] == known[i]) ++j;
        t.values.push_back(known[i]);
        t.below.push_back(uint32_t(i));
        t.z.push_back(normal_score((double(i) + 0.5 * double(j - i)) / double(known.size())));
        i = j;
    }
    return t;
}

// Per concept, over the tracks that have a value: the mean probability and sd (floored), the rank
// table, whether any track has one. A missing value becomes the mean (rank evidence: the median).
void TextMatcher::fill_concept_stats() {
    const size_t c = concepts_.size();
    mean_.assign(c, 0.0f), sd_.assign(c, 1.0f), known_.assign(c, 0), ranks_.assign(c, {});
    for (size_t j = 0; j < c; ++j) {
        std::vector<float> known;
        for (size_t n = 0; n < n_tracks_; ++n)
            if (std::isfinite(values_[n * c + j])) known.push_back(values_[n * c + j]);
        known_[j] = !known.empty();
        if (known.empty()) continue;
        double s = 0, s2 = 0;
        for (float v : known) s += v;
        const double mean = s / double(known.size());
        for (float v : known) s2 += (v - mean) * (v - mean);
        mean_[j] = float(mean);
        sd_[j] = std::max(options_.sd_floor, float(std::sqrt(s2 / double(known.size()))));
        float missing = mean_[j];
        if (options_.evidence == Evidence::normal_rank) {
            std::sort(known.begin(), known.end());
            missing = known[known.size() / 2];
            ranks_[j] = rank_table(known);
        }
        for (size_t n = 0; n < n_tracks_; ++n)
            if (!std::isfinite(values_[n * c + j])) values_[n * c + j] = missing;
    }
}

float TextMatcher::projection_score(const PreparedText& q, const float* audio, float norm) const {
    const float* u = q.audio_direction.data();
    double s = u[audio_dim_];
    for (size_t k = 0; k < audio_dim_; ++k) s += double(u[k]) * audio[k];
    return float(s / norm);
}

float TextMatcher::score_item(const PreparedText& q, std::span<const float> values, std::span<const float> audio) const {
    CF_ASSERT(values.size() == concepts_.size());
    if (q.method == TextMethod::bridge) return bridge_score(q, values.data());
    CF_ASSERT(audio.size() == audio_dim_);
    const float p = projection_score(q, audio.data(), projected_norm(audio.data()));
    if (q.method == TextMethod::projection) return p;
    return q.bridge_share * fraction_below(q.sorted_bridge, bridge_score(q, values.data())) +
           (1.0f - q.bridge_share) * fraction_below(q.sorted_projection, p);
}

float TextMatcher::bridge_share(float nearest_cosine) const {
    const float w = options_.ensemble_bridge_weight, lo = options_.ensemble_exact_cosine;
    if (lo >= 1.0f) return w;
    const float g = std::clamp((nearest_cosine - lo) / (1.0f - lo), 0.0f, 1.0f);
    return w + (1.0f - w) * g;
}

// The bridge's share once the projection's (1 − share) is scaled by 1 − ρ⁺² (see the option).
float TextMatcher::discounted_share(float share, std::span<const float> proj, float* rho) const {
    double corr = 0.0;  // a flat list (every track alike) has nothing word-independent to discount
    *rho = pearson(proj, std::span<const float>(common_), &corr) ? float(corr) : 0.0f;
    if (!options_.ensemble_discount_common) return share;
    const float r = std::max(*rho, 0.0f);
    const float projection = (1.0f - share) * (1.0f - r * r);
    return share + projection > 0 ? share / (share + projection) : share;
}

float TextMatcher::percentile(const PreparedText& q, float raw_score) { return fraction_below(q.sorted_scores, raw_score); }

std::vector<Contribution> TextMatcher::explain(const PreparedText& q, std::span<const float> values, size_t max_items) const {
    CF_ASSERT(values.size() == concepts_.size());
    std::vector<Contribution> out;
    for (const ConceptWeight& w : q.weights) {
        if (w.weight <= 0) continue;
        const float c = w.weight * concept_z(w.index, values[w.index]);
        if (c > 0) out.push_back({w.index, c});
    }
    std::stable_sort(out.begin(), out.end(), [](const Contribution& a, const Contribution& b) { return a.value > b.value; });
    // Only what carried the score: at least a tenth of the largest part.
    if (!out.empty()) {
        const float floor = 0.1f * out[0].value;
        out.erase(std::find_if(out.begin(), out.end(), [&](const Contribution& c) { return c.value < floor; }), out.end());
    }
    // One entry per word: "instrumental" can come from three MTT tags.
    std::vector<Contribution> unique;
    for (const Contribution& c : out) {
        bool seen = false;
        for (const Contribution& u : unique) seen = seen || concepts_[u.index].words == concepts_[c.index].words;
        if (!seen) unique.push_back(c);
        if (unique.size() == max_items) break;
    }
    return unique;
}

std::string TextMatcher::explain_text(const PreparedText& q, std::span<const float> values, size_t max_items) const {
    std::string out;
    for (const Contribution& c : explain(q, values, max_items)) {
        if (!out.empty()) out += ", ";
        out += concepts_[c.index].words;
    }
    return out;
}

ZScale z_scale(std::span<const float> scores) {
    ZScale z;
    mean_sd(scores, &z.mean, &z.sd);
    return z;
}

std::vector<float> combine_scores(const std::vector<std::span<const float>>& scores, std::span<const float> weights) {
    CF_ASSERT(scores.size() == weights.size() && !scores.empty());
    const size_t n = scores[0].size();
    std::vector<float> out(n, 0.0f);
    bool any = false;
    for (size_t i = 0; i < scores.size(); ++i) {
        CF_ASSERT(scores[i].size() == n);
        if (!(weights[i] > 0)) continue;
        any = true;
        const ZScale z = z_scale(scores[i]);
        for (size_t t = 0; t < n; ++t) out[t] += weights[i] * (scores[i][t] - z.mean) / z.sd;
    }
    CF_ASSERT(any);
    return out;
}

std::vector<uint32_t> top_tracks(std::span<const float> scores, size_t k, const std::function<bool(uint32_t)>& passes) {
    std::vector<uint32_t> idx;
    idx.reserve(scores.size());
    for (uint32_t t = 0; t < scores.size(); ++t)
        if (!passes || passes(t)) idx.push_back(t);
    const size_t m = std::min(k, idx.size());
    std::partial_sort(idx.begin(), idx.begin() + ptrdiff_t(m), idx.end(), [&](uint32_t a, uint32_t b) {
        return scores[a] > scores[b] || (scores[a] == scores[b] && a < b);
    });
    idx.resize(m);
    return idx;
}

}  // namespace cf::semantic
