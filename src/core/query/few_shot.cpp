// Few-shot custom tags: training, scoring, the catalog helpers (the JSON: few_shot_json.cpp).
//
// [SECTION] Rows and small linear algebra
// [SECTION] The head (shrinkage LDA) and its leave-one-out scores
// [SECTION] Calibration (Platt) and trust
// [SECTION] Public calls
#include "core/query/few_shot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace cf::query {
namespace {

using Vec = std::vector<double>;

Status bad(std::string message) { return Status(ErrorCode::invalid_argument, std::move(message)); }

// [SECTION] Rows and small linear algebra --------------------------------------------------------

struct Rows {
    size_t dim = 0;
    std::vector<float> values;  // unit rows, row-major
    size_t size() const { return dim ? values.size() / dim : 0; }
    const float* row(size_t i) const { return values.data() + i * dim; }
};

// `src` as unit rows; an error names `what` and the row ("positive example 2: all zeros").
Result<Rows> unit_rows(std::span<const float> src, size_t dim, const char* what) {
    if (src.size() % dim != 0)
        return bad(std::string(what) + " examples: " + std::to_string(src.size()) + " values is not a multiple of dim " +
                   std::to_string(dim));
    Rows r{dim, std::vector<float>(src.begin(), src.end())};
    for (size_t i = 0; i < r.size(); ++i) {
        float* x = r.values.data() + i * dim;
        double n2 = 0;
        for (size_t d = 0; d < dim; ++d) n2 += double(x[d]) * x[d];
        if (!std::isfinite(n2)) return bad(std::string(what) + " example " + std::to_string(i + 1) + ": NaN or Inf");
        if (n2 <= 0) return bad(std::string(what) + " example " + std::to_string(i + 1) + ": all zeros");
        const float inv = float(1.0 / std::sqrt(n2));
        for (size_t d = 0; d < dim; ++d) x[d] *= inv;
    }
    return r;
}

// Every k-th row so that at most `max_rows` stay (deterministic: the same catalog, the same tag).
Rows strided(Rows r, size_t max_rows) {
    const size_t n = r.size();
    if (n <= max_rows || max_rows == 0) return r;
    Rows out{r.dim, {}};
    out.values.reserve(max_rows * r.dim);
    for (size_t i = 0; i < max_rows; ++i) {
        const float* x = r.row(i * n / max_rows);
        out.values.insert(out.values.end(), x, x + r.dim);
    }
    return out;
}

Vec mean_of(const Rows& r) {
    Vec m(r.dim, 0.0);
    for (size_t i = 0; i < r.size(); ++i)
        for (size_t d = 0; d < r.dim; ++d) m[d] += r.row(i)[d];
    for (double& v : m) v /= double(std::max<size_t>(r.size(), 1));
    return m;
}

double dot(const Vec& w, const float* x) {
    double s = 0;
    for (size_t d = 0; d < w.size(); ++d) s += w[d] * x[d];
    return s;
}

// (1 − shrinkage)·Σ + shrinkage·(tr Σ / dim)·I of `r` around `mean`, lower-Cholesky-factored in place
// (dim × dim, row-major). Σ is positive semi-definite, so with shrinkage > 0 the factor exists.
Vec shrunk_covariance_factor(const Rows& r, const Vec& mean, double shrinkage) {
    const size_t D = r.dim, n = r.size();
    Vec c(D * D, 0.0), x(D);
    for (size_t i = 0; i < n; ++i) {
        for (size_t d = 0; d < D; ++d) x[d] = r.row(i)[d] - mean[d];
        for (size_t a = 0; a < D; ++a)
            for (size_t b = 0; b <= a; ++b) c[a * D + b] += x[a] * x[b];
    }
    double trace = 0;
    for (size_t d = 0; d < D; ++d) trace += c[d * D + d] / double(std::max<size_t>(n, 1));
    const double ridge = shrinkage * (trace > 1e-12 ? trace / double(D) : 1.0 / double(D));
    for (size_t a = 0; a < D; ++a)
        for (size_t b = 0; b <= a; ++b) c[a * D + b] = (1 - shrinkage) * c[a * D + b] / double(std::max<size_t>(n, 1)) + (a == b ? ridge : 0);
    for (size_t j = 0; j < D; ++j) {  // Cholesky–Banachiewicz on the lower triangle
        for (size_t k = 0; k < j; ++k) c[j * D + j] -= c[j * D + k] * c[j * D + k];
        c[j * D + j] = std::sqrt(std::max(c[j * D + j], 1e-300));
        for (size_t i = j + 1; i < D; ++i) {
            for (size_t k = 0; k < j; ++k) c[i * D + j] -= c[i * D + k] * c[j * D + k];
            c[i * D + j] /= c[j * D + j];
        }
    }
    return c;
}

Vec identity(size_t D) {
    Vec L(D * D, 0.0);
    for (size_t d = 0; d < D; ++d) L[d * D + d] = 1.0;
    return L;
}

// L Lᵀ x = v.
Vec solve(const Vec& L, Vec v) {
    const size_t D = v.size();
    for (size_t i = 0; i < D; ++i) {
        for (size_t k = 0; k < i; ++k) v[i] -= L[i * D + k] * v[k];
        v[i] /= L[i * D + i];
    }
    for (size_t i = D; i-- > 0;) {
        for (size_t k = i + 1; k < D; ++k) v[i] -= L[k * D + i] * v[k];
        v[i] /= L[i * D + i];
    }
    return v;
}

// [SECTION] The head (shrinkage LDA) and its leave-one-out scores --------------------------------

struct Head {
    Vec w;              // scaled: raw = w·x + bias is a z-score over the background
    double bias = 0;
};

// Scales `w` so the background rows score mean 0, sd 1 (`gap_sd`: the scale when they cannot say).
Head standardised(Vec w, const Rows& bg, double gap_sd) {
    double s1 = 0, s2 = 0;
    for (size_t i = 0; i < bg.size(); ++i) {
        const double s = dot(w, bg.row(i));
        s1 += s;
        s2 += s * s;
    }
    const double n = double(std::max<size_t>(bg.size(), 1));
    const double m = s1 / n, var = std::max(s2 / n - m * m, 0.0);
    const double sd = var > 1e-18 ? std::sqrt(var) : gap_sd;
    for (double& v : w) v /= sd;
    return {std::move(w), -m / sd};
}

struct Fit {
    Head head;
    std::vector<double> loo_pos;  // each positive scored by the head trained without it
    double loo_auc = NAN;
};

// Share of `others` scoring below `s` (ties count half).
double rank_of(double s, const std::vector<double>& others) {
    double below = 0;
    for (double o : others) below += o < s ? 1.0 : (o == s ? 0.5 : 0.0);
    return others.empty() ? 0.5 : below / double(others.size());
}

std::vector<double> scores(const Head& h, const Rows& r) {
    std::vector<double> s(r.size());
    for (size_t i = 0; i < r.size(); ++i) s[i] = dot(h.w, r.row(i)) + h.bias;
    return s;
}

constexpr size_t kMaxLeftOut = 64;

// Leave-one-out: w_i = w + Σ⁻¹(μ − x_i)/(n − 1) (the positives' mean without x_i), standardised on
// the background like the full head; x_i's score and its rank among background + negatives.
void leave_one_out(Fit& f, const Vec& w_unscaled, const Vec& L, const Vec& mu, const Rows& pos, const Rows& bg,
                   const Rows& neg, double gap_sd) {
    const size_t n = pos.size();
    if (n < 2) return;
    // A map lasso can pick thousands: left out are at most kMaxLeftOut positives, evenly strided (each
    // costs a pass over the background).
    const size_t n_out = std::min(n, kMaxLeftOut);
    double auc = 0;
    for (size_t j = 0; j < n_out; ++j) {
        const size_t i = j * n / n_out;
        Vec delta(mu.size());
        for (size_t d = 0; d < mu.size(); ++d) delta[d] = (mu[d] - pos.row(i)[d]) / double(n - 1);
        Vec wi = solve(L, std::move(delta));
        for (size_t d = 0; d < wi.size(); ++d) wi[d] += w_unscaled[d];
        const Head hi = standardised(std::move(wi), bg, gap_sd);
        const double s = dot(hi.w, pos.row(i)) + hi.bias;
        std::vector<double> others = scores(hi, bg);
        const std::vector<double> negs = scores(hi, neg);
        others.insert(others.end(), negs.begin(), negs.end());
        f.loo_pos.push_back(s);
        auc += rank_of(s, others);
    }
    f.loo_auc = auc / double(n_out);
}

Vec blend(const Vec& a, const Vec& b, double share_b) {
    Vec m(a.size());
    for (size_t d = 0; d < a.size(); ++d) m[d] = (1 - share_b) * a[d] + share_b * b[d];
    return m;
}

// The negatives side: the background's mean, blended with the explicit negatives' mean.
Vec negative_mean(const Rows& bg, const Rows& neg, bool have_background, double negative_weight) {
    if (!have_background) return mean_of(neg);
    if (neg.size() == 0) return mean_of(bg);
    return blend(mean_of(bg), mean_of(neg), negative_weight);
}

Fit fit_head(const Rows& pos, const Rows& neg, const Rows& bg, bool have_background, const FewShotOptions& o) {
    const Vec mu = mean_of(pos);
    const Vec m_neg = negative_mean(bg, neg, have_background, o.negative_weight);
    // shrinkage 1 (the default): the identity — w is the positives' mean minus the negative side (the
    // scale does not matter: the head is standardised); no dim² pass over the background.
    const Vec L = o.shrinkage >= 1.0f ? identity(mu.size()) : shrunk_covariance_factor(bg, mean_of(bg), o.shrinkage);
    Vec diff(mu.size());
    for (size_t d = 0; d < mu.size(); ++d) diff[d] = mu[d] - m_neg[d];
    const Vec w = solve(L, diff);
    double gap = 0;
    for (size_t d = 0; d < w.size(); ++d) gap += w[d] * diff[d];
    const double gap_sd = gap > 1e-18 ? gap : 1.0;  // one background row: the class gap is one unit
    Fit f;
    f.head = standardised(w, bg, gap_sd);
    leave_one_out(f, w, L, mu, pos, bg, neg, gap_sd);
    return f;
}

// [SECTION] Calibration (Platt) and trust ----------------------------------------------------------

// Platt (1999) with smoothed targets ((n+1)/(n+2), 1/(n+2)); both classes weigh 1 in total; a small
// ridge on a keeps it finite when the classes separate. Newton with step halving (Lin, Lin & Weng
// 2007: plain Newton can overshoot); a ≥ 0.05 keeps the map monotone and not flat.
struct PlattData {
    const std::vector<double>& pos;
    const std::vector<double>& neg;
    double tp, tn, wp, wn;
};

constexpr double kPlattRidge = 1e-3;

double log1pexp(double z) { return z > 0 ? z + std::log1p(std::exp(-z)) : std::log1p(std::exp(z)); }

// Weighted cross-entropy of σ(a·s + b) against the smoothed targets, plus the ridge.
double platt_loss(const PlattData& d, double a, double b) {
    double l = 0.5 * kPlattRidge * a * a;
    for (double s : d.pos) l += d.wp * (log1pexp(a * s + b) - d.tp * (a * s + b));
    for (double s : d.neg) l += d.wn * (log1pexp(a * s + b) - d.tn * (a * s + b));
    return l;
}

void platt(const std::vector<double>& pos, const std::vector<double>& neg, float* a_out, float* b_out) {
    const PlattData d{pos, neg, (double(pos.size()) + 1) / (double(pos.size()) + 2), 1 / (double(neg.size()) + 2),
                      1.0 / double(std::max<size_t>(pos.size(), 1)), 1.0 / double(std::max<size_t>(neg.size(), 1))};
    double a = 1, b = 0, loss = platt_loss(d, a, b);
    for (int it = 0; it < 100; ++it) {
        double ga = kPlattRidge * a, gb = 0, haa = kPlattRidge, hab = 0, hbb = 1e-12;
        auto add = [&](double s, double t, double wgt) {
            const double p = 1 / (1 + std::exp(-(a * s + b))), r = wgt * (p - t), q = wgt * std::max(p * (1 - p), 1e-12);
            ga += r * s, gb += r, haa += q * s * s, hab += q * s, hbb += q;
        };
        for (double s : pos) add(s, d.tp, d.wp);
        for (double s : neg) add(s, d.tn, d.wn);
        const double det = haa * hbb - hab * hab;
        if (!(det > 0)) break;
        const double da = (hbb * ga - hab * gb) / det, db = (haa * gb - hab * ga) / det;
        double step = 1, next = platt_loss(d, a - da, b - db);
        while (next > loss && step > 1e-6) step *= 0.5, next = platt_loss(d, a - step * da, b - step * db);
        if (!(next <= loss)) break;
        a -= step * da, b -= step * db;
        const bool done = loss - next < 1e-12;
        loss = next;
        if (done) break;
    }
    *a_out = float(std::max(a, 0.05));
    *b_out = float(b);
}

void judge_trust(FewShotTag& t, const FewShotOptions& o) {
    char msg[256];
    if (t.n_positives < o.min_positives) {
        t.trust = FewShotTrust::too_few;
        std::snprintf(msg, sizeof msg, "too few examples to trust: %zu positive%s, at least %zu needed", t.n_positives,
                      t.n_positives == 1 ? "" : "s", o.min_positives);
    } else if (t.loo_auc < o.min_loo_auc) {
        t.trust = FewShotTrust::too_mixed;
        std::snprintf(msg, sizeof msg,
                      "the examples are too mixed to trust: left out one at a time, an example ranks above only %.0f%% of "
                      "the other tracks (%.0f%% wanted); remove the ones that do not belong or add more alike",
                      100.0 * t.loo_auc, 100.0 * o.min_loo_auc);
    } else {
        t.trust = FewShotTrust::ok;
        msg[0] = 0;
    }
    t.trust_message = msg;
}

Status check_options(const std::string& name, size_t dim, const FewShotOptions& o) {
    if (name.find_first_not_of(" \t\r\n") == std::string::npos) return bad("few-shot tag: the name is empty");
    if (dim == 0) return bad("few-shot tag: dim is 0");
    if (!(o.shrinkage > 0 && o.shrinkage <= 1)) return bad("few-shot options: shrinkage " + std::to_string(o.shrinkage) + " is not in (0, 1]");
    if (!(o.negative_weight >= 0 && o.negative_weight <= 1)) return bad("few-shot options: negative_weight is not in [0, 1]");
    if (!(o.threshold >= 0 && o.threshold <= 1)) return bad("few-shot options: threshold is not in [0, 1]");
    if (!(o.min_loo_auc >= 0 && o.min_loo_auc <= 1)) return bad("few-shot options: min_loo_auc is not in [0, 1]");
    return Status::ok();
}

Result<float> checked_raw(const FewShotTag& tag, std::span<const float> x) {
    if (x.size() != tag.dim || tag.weights.size() != tag.dim)
        return bad("few-shot tag '" + tag.name + "': embedding has " + std::to_string(x.size()) + " values, the tag " +
                   std::to_string(tag.dim));
    double n2 = 0, s = 0;
    for (size_t d = 0; d < x.size(); ++d) n2 += double(x[d]) * x[d], s += double(tag.weights[d]) * x[d];
    if (!std::isfinite(n2) || !std::isfinite(s)) return bad("few-shot tag '" + tag.name + "': embedding has NaN or Inf");
    if (n2 <= 0) return bad("few-shot tag '" + tag.name + "': embedding is all zeros");
    return float(s / std::sqrt(n2) + tag.bias);
}

}  // namespace

// [SECTION] Public calls -----------------------------------------------------------------------------

const char* few_shot_trust_name(FewShotTrust trust) {
    switch (trust) {
        case FewShotTrust::ok: return "ok";
        case FewShotTrust::too_few: return "too_few";
        case FewShotTrust::too_mixed: return "too_mixed";
    }
    return "ok";
}

Result<FewShotTag> train_few_shot(std::string name, const FewShotExamples& ex, const FewShotOptions& o) {
    CF_RETURN_IF_ERROR(check_options(name, ex.dim, o));
    auto pos = unit_rows(ex.positives, ex.dim, "positive");
    if (!pos) return pos.status();
    auto neg = unit_rows(ex.negatives, ex.dim, "negative");
    if (!neg) return neg.status();
    auto bg = unit_rows(ex.background, ex.dim, "background");
    if (!bg) return bg.status();
    if (pos->size() == 0) return bad("few-shot tag '" + name + "': no positive examples");
    const bool have_background = bg->size() > 0;
    if (!have_background && neg->size() == 0)
        return bad("few-shot tag '" + name + "': needs negative examples or a background (a catalog) to compare with");
    const Rows& bg_rows = have_background ? strided(std::move(*bg), o.max_background) : *neg;
    const Fit f = fit_head(*pos, *neg, bg_rows, have_background, o);
    FewShotTag t;
    t.name = std::move(name);
    t.embedding = o.embedding;
    t.dim = ex.dim;
    t.weights.assign(f.head.w.begin(), f.head.w.end());
    t.bias = float(f.head.bias);
    t.threshold = o.threshold;
    t.n_positives = pos->size(), t.n_negatives = neg->size(), t.n_background = have_background ? bg_rows.size() : 0;
    t.loo_auc = float(f.loo_auc);
    std::vector<double> pos_scores = f.loo_pos.empty() ? scores(f.head, *pos) : f.loo_pos;
    std::vector<double> neg_scores = scores(f.head, bg_rows);
    if (have_background) {
        const std::vector<double> n = scores(f.head, *neg);
        neg_scores.insert(neg_scores.end(), n.begin(), n.end());
    }
    platt(pos_scores, neg_scores, &t.platt_a, &t.platt_b);
    judge_trust(t, o);
    return t;
}

float calibrate(const FewShotTag& tag, float raw) {
    return float(1.0 / (1.0 + std::exp(-(double(tag.platt_a) * raw + tag.platt_b))));
}

Result<float> raw_score(const FewShotTag& tag, std::span<const float> embedding) { return checked_raw(tag, embedding); }

Result<float> score(const FewShotTag& tag, std::span<const float> embedding) {
    auto r = checked_raw(tag, embedding);
    if (!r) return r.status();
    return calibrate(tag, *r);
}

std::string few_shot_embedding_key(std::string_view embedding_name) {
    const size_t start = embedding_name.find_first_not_of(' ');
    if (start == std::string_view::npos) return "";
    const size_t end = embedding_name.find(' ', start);
    return std::string(embedding_name.substr(start, end == std::string_view::npos ? end : end - start));
}

std::vector<float> catalog_input_embeddings(const Catalog& catalog) {
    std::vector<float> out;
    out.reserve(catalog.size() * catalog.input_dim());
    for (uint32_t t = 0; t < catalog.size(); ++t) {
        const std::vector<float> x = catalog.input_embedding(t);
        out.insert(out.end(), x.begin(), x.end());
    }
    return out;
}

namespace {

// Appends the input embeddings of `tracks` to `out`; an error names the bad index.
Status append_tracks(const Catalog& c, const std::vector<uint32_t>& tracks, const char* what, std::vector<float>& out) {
    for (uint32_t t : tracks) {
        if (t >= c.size())
            return bad(std::string(what) + " track " + std::to_string(t) + ": the catalog has " + std::to_string(c.size()) + " tracks");
        const std::vector<float> x = c.input_embedding(t);
        out.insert(out.end(), x.begin(), x.end());
    }
    return Status::ok();
}

// The catalog's tracks that are not examples, evenly strided to at most `max_rows`.
std::vector<float> background_of(const Catalog& c, const CatalogExamples& ex, size_t max_rows) {
    std::vector<char> used(c.size(), 0);
    for (uint32_t t : ex.positive_tracks) used[t] = 1;
    for (uint32_t t : ex.negative_tracks) used[t] = 1;
    std::vector<uint32_t> rest;
    for (uint32_t t = 0; t < c.size(); ++t)
        if (!used[t]) rest.push_back(t);
    const size_t n = rest.size(), keep = max_rows == 0 ? n : std::min(n, max_rows);
    std::vector<float> out;
    out.reserve(keep * c.input_dim());
    for (size_t i = 0; i < keep; ++i) {
        const std::vector<float> x = c.input_embedding(rest[i * n / keep]);
        out.insert(out.end(), x.begin(), x.end());
    }
    return out;
}

}  // namespace

Result<FewShotTag> train_few_shot_catalog(std::string name, const Catalog& catalog, const CatalogExamples& ex, FewShotOptions o) {
    const size_t dim = catalog.input_dim();
    std::vector<float> pos, neg;
    CF_RETURN_IF_ERROR(append_tracks(catalog, ex.positive_tracks, "positive", pos));
    CF_RETURN_IF_ERROR(append_tracks(catalog, ex.negative_tracks, "negative", neg));
    if (ex.positive_files.size() % dim != 0 || ex.negative_files.size() % dim != 0)
        return bad("few-shot tag '" + name + "': a dropped file's embedding does not have the catalog's " + std::to_string(dim) + " values");
    pos.insert(pos.end(), ex.positive_files.begin(), ex.positive_files.end());
    neg.insert(neg.end(), ex.negative_files.begin(), ex.negative_files.end());
    const std::vector<float> bg = background_of(catalog, ex, o.max_background);
    o.embedding = few_shot_embedding_key(catalog.embedding_name());
    return train_few_shot(std::move(name), {dim, pos, neg, bg}, o);
}

Status check_catalog(const FewShotTag& tag, const Catalog& catalog) {
    const std::string key = few_shot_embedding_key(catalog.embedding_name());
    const bool same_key = tag.embedding.empty() || key.empty() || tag.embedding == key;
    if (tag.dim == catalog.input_dim() && same_key) return Status::ok();
    return bad("tag '" + tag.name + "' was trained on " + (tag.embedding.empty() ? "an embedding" : tag.embedding) + " (" +
               std::to_string(tag.dim) + " values); the catalog has " + (key.empty() ? "an embedding" : key) + " (" +
               std::to_string(catalog.input_dim()) + " values)");
}

Result<std::vector<float>> score_catalog(const FewShotTag& tag, const Catalog& catalog) {
    CF_RETURN_IF_ERROR(check_catalog(tag, catalog));
    std::vector<float> out(catalog.size());
    for (uint32_t t = 0; t < catalog.size(); ++t) {
        auto p = score(tag, catalog.input_embedding(t));
        out[t] = p ? *p : NAN;  // a zero input embedding (never written by the builder) scores unknown
    }
    return out;
}

}  // namespace cf::query
