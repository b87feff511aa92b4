// cuefinder core — learned similarity space (space.h).
//
// [SECTION] Space: apply, identity
// [SECTION] Serialization
// [SECTION] Symmetric eigen-decomposition (cyclic Jacobi)
// [SECTION] Whitening
// [SECTION] WCCN + LDA
// [SECTION] Fused spaces (two models; the query map by ridge regression)
// [SECTION] Contrastive stage (InfoNCE, Adam)
#include "core/index/space.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

#include "core/common/random.h"
#include "core/io/container.h"

namespace cf::index {

namespace {

constexpr uint32_t kSpaceEncoding = 1;

Status bad(std::string message) { return Status(ErrorCode::invalid_argument, std::move(message)); }

bool finite(const float* x, size_t n) {
    for (size_t i = 0; i < n; ++i)
        if (!std::isfinite(x[i])) return false;
    return true;
}

double norm_of(const float* x, size_t n) {
    double s = 0;
    for (size_t i = 0; i < n; ++i) s += double(x[i]) * x[i];
    return std::sqrt(s);
}

}  // namespace

// [SECTION] Space: apply, identity ----------------------------------------------------------------
void Space::affine(const float* input, float* out) const {
    CF_ASSERT(mean.size() == dim_in && matrix.size() == dim_in * dim_out);
    const double n = norm_of(input, dim_in);
    const double inv = n > 0 ? 1.0 / n : 0.0;
    std::vector<double> centred(dim_in);
    for (size_t i = 0; i < dim_in; ++i) centred[i] = n > 0 ? double(input[i]) * inv - mean[i] : 0.0;
    for (size_t r = 0; r < dim_out; ++r) {
        const float* row = matrix.data() + r * dim_in;
        double s = 0;
        for (size_t i = 0; i < dim_in; ++i) s += double(row[i]) * centred[i];
        out[r] = n > 0 ? float(s) : 0.0f;
    }
}

Status Space::apply(std::span<const float> input, std::span<float> out) const {
    if (input.size() != dim_in)
        return bad("space \"" + name + "\": input has " + std::to_string(input.size()) + " values, expected " +
                   std::to_string(dim_in) + (this->input.empty() ? "" : " (" + this->input + ")"));
    if (out.size() != dim_out) return bad("space \"" + name + "\": output has room for " + std::to_string(out.size()) +
                                          " values, expected " + std::to_string(dim_out));
    if (!finite(input.data(), input.size())) return bad("space \"" + name + "\": input has NaN/Inf values");
    if (norm_of(input.data(), input.size()) == 0) return bad("space \"" + name + "\": input is all zeros");
    affine(input.data(), out.data());
    const double n = norm_of(out.data(), out.size());
    if (!(n > 1e-12) || !std::isfinite(n))
        return bad("space \"" + name + "\": the input has no direction in this space (it is the catalog's mean)");
    for (float& v : out) v = float(v / n);
    return Status::ok();
}

Result<std::vector<float>> Space::apply(std::span<const float> input) const {
    std::vector<float> out(dim_out);
    CF_RETURN_IF_ERROR(apply(input, out));
    return out;
}

Space identity_space(size_t dim, std::string input) {
    Space s;
    s.name = "identity";
    s.input = std::move(input);
    s.dim_in = s.dim_out = dim;
    s.mean.assign(dim, 0.0f);
    s.matrix.assign(dim * dim, 0.0f);
    for (size_t i = 0; i < dim; ++i) s.matrix[i * dim + i] = 1.0f;
    return s;
}

// [SECTION] Serialization -------------------------------------------------------------------------
std::vector<uint8_t> serialize_space(const Space& s) {
    CF_ASSERT(s.mean.size() == s.dim_in && s.matrix.size() == s.dim_in * s.dim_out);
    PayloadWriter w;
    w.u32(kSpaceEncoding);
    w.u32(uint32_t(s.dim_in));
    w.u32(uint32_t(s.dim_out));
    w.u32(0);
    w.str(s.name);
    w.str(s.input);
    w.align(16);
    w.raw(s.mean.data(), s.mean.size() * 4);
    w.raw(s.matrix.data(), s.matrix.size() * 4);
    return std::move(w.bytes());
}

Result<Space> parse_space(std::span<const uint8_t> bytes, const std::string& context) {
    PayloadReader p(bytes, context);
    uint32_t encoding = 0, dim_in = 0, dim_out = 0, reserved = 0;
    Space s;
    p.u32(encoding) && p.u32(dim_in) && p.u32(dim_out) && p.u32(reserved);
    if (p.ok() && encoding != kSpaceEncoding) p.fail("unknown space encoding " + std::to_string(encoding));
    if (p.ok() && (dim_in == 0 || dim_out == 0 || dim_in > kMaxSpaceDim || dim_out > kMaxSpaceDim))
        p.fail("space dims " + std::to_string(dim_in) + " → " + std::to_string(dim_out) + " out of range (1.." +
               std::to_string(kMaxSpaceDim) + ")");
    p.ok() && p.str(s.name, 4096) && p.str(s.input, 4096) && p.align(16);
    if (p.ok()) p.array(s.mean, dim_in);
    if (p.ok()) p.array(s.matrix, uint64_t(dim_in) * dim_out);
    if (p.ok() && (!finite(s.mean.data(), s.mean.size()) || !finite(s.matrix.data(), s.matrix.size())))
        p.fail("space has NaN/Inf values");
    if (p.ok() && std::all_of(s.matrix.begin(), s.matrix.end(), [](float v) { return v == 0.0f; }))
        p.fail("space matrix is all zeros");
    if (p.ok() && p.remaining() != 0) p.fail(std::to_string(p.remaining()) + " bytes left after the space matrix");
    CF_RETURN_IF_ERROR(p.status());
    s.dim_in = dim_in;
    s.dim_out = dim_out;
    return s;
}

// [SECTION] Symmetric eigen-decomposition (cyclic Jacobi) -----------------------------------------
// ref: Jacobi eigenvalue algorithm (Golub & Van Loan, "Matrix Computations", 4th ed., §8.5.2–8.5.3,
// cyclic-by-row Jacobi). Each rotation J in the (p, q) plane zeroes A[p][q] of A ← Jᵀ A J; V ← V J
// accumulates the eigenvectors. Stops when the off-diagonal mass is negligible against the diagonal.
void symmetric_eigen(std::vector<double> a, size_t n, std::vector<double>& values, std::vector<double>& vectors) {
    CF_ASSERT(a.size() == n * n);
    std::vector<double> v(n * n, 0.0);
    for (size_t i = 0; i < n; ++i) v[i * n + i] = 1.0;
    auto off_and_diag = [&](double& off, double& diag) {
        off = diag = 0;
        for (size_t i = 0; i < n; ++i)
            for (size_t j = 0; j < n; ++j) (i == j ? diag : off) += a[i * n + j] * a[i * n + j];
    };
    for (int sweep = 0; sweep < 60; ++sweep) {
        double off = 0, diag = 0;
        off_and_diag(off, diag);
        if (off <= 1e-26 * diag || off == 0) break;
        for (size_t p = 0; p + 1 < n; ++p)
            for (size_t q = p + 1; q < n; ++q) {
                const double apq = a[p * n + q];
                if (std::fabs(apq) < 1e-300) continue;
                const double theta = (a[q * n + q] - a[p * n + p]) / (2.0 * apq);
                const double t = (theta >= 0 ? 1.0 : -1.0) / (std::fabs(theta) + std::sqrt(theta * theta + 1.0));
                const double c = 1.0 / std::sqrt(t * t + 1.0), s = t * c;
                for (size_t k = 0; k < n; ++k) {  // columns p, q: A J
                    const double akp = a[k * n + p], akq = a[k * n + q];
                    a[k * n + p] = c * akp - s * akq;
                    a[k * n + q] = s * akp + c * akq;
                }
                for (size_t k = 0; k < n; ++k) {  // rows p, q: Jᵀ (A J)
                    const double apk = a[p * n + k], aqk = a[q * n + k];
                    a[p * n + k] = c * apk - s * aqk;
                    a[q * n + k] = s * apk + c * aqk;
                }
                a[p * n + q] = a[q * n + p] = 0.0;  // zero by construction; keep rounding out of it
                for (size_t k = 0; k < n; ++k) {
                    const double vkp = v[k * n + p], vkq = v[k * n + q];
                    v[k * n + p] = c * vkp - s * vkq;
                    v[k * n + q] = s * vkp + c * vkq;
                }
            }
    }
    // Descending order (ties by index, so the result does not depend on the sort's stability).
    std::vector<size_t> order(n);
    std::iota(order.begin(), order.end(), size_t(0));
    std::sort(order.begin(), order.end(), [&](size_t x, size_t y) {
        return a[x * n + x] != a[y * n + y] ? a[x * n + x] > a[y * n + y] : x < y;
    });
    values.assign(n, 0.0);
    vectors.assign(n * n, 0.0);
    for (size_t k = 0; k < n; ++k) {
        values[k] = a[order[k] * n + order[k]];
        // A fixed sign per eigenvector (its largest-magnitude component positive): deterministic output.
        size_t big = 0;
        for (size_t i = 1; i < n; ++i)
            if (std::fabs(v[i * n + order[k]]) > std::fabs(v[big * n + order[k]])) big = i;
        const double sign = v[big * n + order[k]] < 0 ? -1.0 : 1.0;
        for (size_t i = 0; i < n; ++i) vectors[i * n + k] = sign * v[i * n + order[k]];
    }
}

// [SECTION] Whitening -----------------------------------------------------------------------------
Result<Space> fit_whitening(const float* rows, size_t n, size_t dim, const WhiteningOptions& o) {
    if (n < 2) return bad("whitening: needs at least 2 rows, got " + std::to_string(n));
    if (dim == 0 || dim > kMaxSpaceDim) return bad("whitening: dim " + std::to_string(dim) + " out of range");
    if (!(o.shrinkage >= 0 && o.shrinkage <= 1)) return bad("whitening: shrinkage " + std::to_string(o.shrinkage) + " is not in [0, 1]");
    if (o.keep_dims > dim) return bad("whitening: keep_dims " + std::to_string(o.keep_dims) + " > dim " + std::to_string(dim));
    if (!(o.min_eigen_fraction > 0)) return bad("whitening: min_eigen_fraction must be > 0");
    // Unit rows (as apply() sees its input), their mean, the covariance (double throughout).
    std::vector<double> unit(n * dim), mean(dim, 0.0);
    for (size_t r = 0; r < n; ++r) {
        const float* x = rows + r * dim;
        const double nr = norm_of(x, dim);
        if (!finite(x, dim) || !(nr > 0) || !std::isfinite(nr))
            return bad("whitening: row " + std::to_string(r) + " is zero or has NaN/Inf values");
        for (size_t i = 0; i < dim; ++i) mean[i] += (unit[r * dim + i] = x[i] / nr);
    }
    for (double& m : mean) m /= double(n);
    std::vector<double> cov(dim * dim, 0.0), c(dim);
    for (size_t r = 0; r < n; ++r) {
        for (size_t i = 0; i < dim; ++i) c[i] = unit[r * dim + i] - mean[i];
        for (size_t i = 0; i < dim; ++i)
            for (size_t j = i; j < dim; ++j) cov[i * dim + j] += c[i] * c[j];
    }
    for (size_t i = 0; i < dim; ++i)
        for (size_t j = i; j < dim; ++j) cov[j * dim + i] = cov[i * dim + j] /= double(n - 1);
    std::vector<double> lambda, vectors;
    symmetric_eigen(std::move(cov), dim, lambda, vectors);
    double mean_lambda = 0;
    for (double l : lambda) mean_lambda += std::max(l, 0.0);
    mean_lambda /= double(dim);
    if (!(mean_lambda > 0)) return bad("whitening: the rows do not vary (every row points the same way)");

    Space s;
    s.input = o.input;
    s.dim_in = dim;
    s.dim_out = o.keep_dims ? o.keep_dims : dim;
    char name[64];
    std::snprintf(name, sizeof name, "whiten s=%g", o.shrinkage);
    s.name = name;
    s.mean.assign(mean.begin(), mean.end());
    s.matrix.resize(s.dim_out * dim);
    for (size_t k = 0; k < s.dim_out; ++k) {
        const double shrunk = (1.0 - o.shrinkage) * std::max(lambda[k], 0.0) + o.shrinkage * mean_lambda;
        const double scale = 1.0 / std::sqrt(std::max(shrunk, o.min_eigen_fraction * mean_lambda));
        for (size_t i = 0; i < dim; ++i) s.matrix[k * dim + i] = float(vectors[i * dim + k] * scale);
    }
    return s;
}

// [SECTION] WCCN + LDA ----------------------------------------------------------------------------
namespace {

// Unit-length copies of a track's windows (double), or an error naming the window.
Status unit_windows(const TrackWindows& t, size_t track, size_t dim, std::vector<double>& out) {
    out.assign(t.n_windows * dim, 0.0);
    for (size_t w = 0; w < t.n_windows; ++w) {
        const float* x = t.rows + w * dim;
        const double nn = norm_of(x, dim);
        if (!finite(x, dim) || !(nn > 0) || !std::isfinite(nn))
            return bad("wccn: track " + std::to_string(track) + " window " + std::to_string(w) + " is zero or has NaN/Inf values");
        for (size_t i = 0; i < dim; ++i) out[w * dim + i] = x[i] / nn;
    }
    return Status::ok();
}

// U·diag(1/sqrt(l')) for the symmetric `scatter` (dim × dim), l' = (1 − s)·max(l, 0) + s·mean(l).
std::vector<double> shrunk_inverse_sqrt(std::vector<double> scatter, size_t dim, double shrinkage) {
    std::vector<double> l, u;
    symmetric_eigen(std::move(scatter), dim, l, u);
    double mean_l = 0;
    for (double& v : l) mean_l += (v = std::max(v, 0.0));
    mean_l /= double(dim);
    for (size_t k = 0; k < dim; ++k) {
        const double scale = 1.0 / std::sqrt((1.0 - shrinkage) * l[k] + shrinkage * mean_l + 1e-12);
        for (size_t i = 0; i < dim; ++i) u[i * dim + k] *= scale;
    }
    return u;
}

}  // namespace

Result<Space> fit_wccn(std::span<const TrackWindows> tracks, size_t dim, const WccnOptions& o) {
    if (dim == 0 || dim > kMaxSpaceDim) return bad("wccn: dim " + std::to_string(dim) + " out of range");
    if (!(o.shrinkage >= 0 && o.shrinkage <= 1)) return bad("wccn: shrinkage " + std::to_string(o.shrinkage) + " is not in [0, 1]");
    if (o.keep_dims > dim) return bad("wccn: keep_dims " + std::to_string(o.keep_dims) + " > dim " + std::to_string(dim));
    // Track vectors (unit mean of unit windows) and the within-track scatter.
    std::vector<double> x, within(dim * dim, 0.0), unit, r(dim);
    size_t n_within_rows = 0;
    for (size_t t = 0; t < tracks.size(); ++t) {
        if (tracks[t].n_windows == 0) continue;
        CF_RETURN_IF_ERROR(unit_windows(tracks[t], t, dim, unit));
        const size_t nw = tracks[t].n_windows;
        std::vector<double> m(dim, 0.0);
        for (size_t w = 0; w < nw; ++w)
            for (size_t i = 0; i < dim; ++i) m[i] += unit[w * dim + i] / double(nw);
        if (nw >= 2) {
            for (size_t w = 0; w < nw; ++w) {
                for (size_t i = 0; i < dim; ++i) r[i] = unit[w * dim + i] - m[i];
                for (size_t i = 0; i < dim; ++i)
                    for (size_t j = i; j < dim; ++j) within[i * dim + j] += r[i] * r[j];
            }
            n_within_rows += nw;
        }
        double mn = 0;
        for (double v : m) mn += v * v;
        mn = std::sqrt(mn);
        for (double v : m) x.push_back(mn > 0 ? v / mn : 0.0);
    }
    const size_t n = x.size() / dim;
    if (n < 2 || n_within_rows == 0)
        return bad("wccn: needs at least 2 tracks with windows and one with 2 or more, got " + std::to_string(n) +
                   " tracks and " + std::to_string(n_within_rows) + " windows in tracks of 2 or more");
    for (size_t i = 0; i < dim; ++i)
        for (size_t j = i; j < dim; ++j) within[j * dim + i] = within[i * dim + j] /= double(n_within_rows);
    std::vector<double> mean(dim, 0.0);
    for (size_t t = 0; t < n; ++t)
        for (size_t i = 0; i < dim; ++i) mean[i] += x[t * dim + i] / double(n);
    const std::vector<double> a = shrunk_inverse_sqrt(std::move(within), dim, o.shrinkage);  // dim × dim
    // Between-track covariance of Y = (x − mean)·A.
    std::vector<double> y(n * dim, 0.0), between(dim * dim, 0.0);
    for (size_t t = 0; t < n; ++t) {
        for (size_t i = 0; i < dim; ++i) r[i] = x[t * dim + i] - mean[i];
        for (size_t k = 0; k < dim; ++k) {
            double v = 0;
            for (size_t i = 0; i < dim; ++i) v += r[i] * a[i * dim + k];
            y[t * dim + k] = v;
        }
        for (size_t i = 0; i < dim; ++i)
            for (size_t j = i; j < dim; ++j) between[i * dim + j] += y[t * dim + i] * y[t * dim + j];
    }
    for (size_t i = 0; i < dim; ++i)
        for (size_t j = i; j < dim; ++j) between[j * dim + i] = between[i * dim + j] /= double(n);
    std::vector<double> b, v;
    symmetric_eigen(std::move(between), dim, b, v);
    Space s;
    s.input = o.input;
    s.dim_in = dim;
    s.dim_out = o.keep_dims ? o.keep_dims : dim;
    char name[96];
    std::snprintf(name, sizeof name, "wccn s=%g k=%zu%s", o.shrinkage, s.dim_out, o.weighted ? " weighted" : "");
    s.name = name;
    s.mean.assign(mean.begin(), mean.end());
    s.matrix.assign(s.dim_out * dim, 0.0f);
    for (size_t k = 0; k < s.dim_out; ++k) {
        const double bk = std::max(b[k], 0.0);
        const double weight = o.weighted ? std::sqrt(bk / (bk + 1.0)) : 1.0;
        for (size_t i = 0; i < dim; ++i) {  // row k of the matrix = column k of A·V, weighted
            double w = 0;
            for (size_t j = 0; j < dim; ++j) w += a[i * dim + j] * v[j * dim + k];
            s.matrix[k * dim + i] = float(w * weight);
        }
    }
    if (std::all_of(s.matrix.begin(), s.matrix.end(), [](float f) { return f == 0.0f; }))
        return bad("wccn: the tracks do not differ (every direction has zero between-track variance)");
    return s;
}

// [SECTION] Fused spaces (two models; the query map by ridge regression) ---------------------------
Result<std::vector<float>> fused_input(std::span<const float> main, std::span<const float> aux, double aux_weight) {
    if (!(aux_weight > 0) || !std::isfinite(aux_weight)) return bad("fused input: aux_weight must be > 0");
    const double nm = norm_of(main.data(), main.size()), na = norm_of(aux.data(), aux.size());
    if (main.empty() || aux.empty() || !finite(main.data(), main.size()) || !finite(aux.data(), aux.size()) || !(nm > 0) ||
        !(na > 0))
        return bad("fused input: both embeddings must be nonempty, finite and nonzero (" + std::to_string(main.size()) + " + " +
                   std::to_string(aux.size()) + " values)");
    std::vector<float> out;
    out.reserve(main.size() + aux.size());
    for (float v : main) out.push_back(float(v / nm));
    for (float v : aux) out.push_back(float(aux_weight * v / na));
    return out;
}

Result<std::vector<float>> FusedSpaces::input(std::span<const float> main, std::span<const float> aux) const {
    if (!main_block || !aux_block) return fused_input(main, aux, aux_weight);
    auto a = main_block->apply(main);
    if (!a) return a.status();
    auto b = aux_block->apply(aux);
    if (!b) return b.status();
    return fused_input(*a, *b, aux_weight);
}

Result<std::vector<float>> FusedSpaces::track_image(std::span<const float> main, std::span<const float> aux) const {
    auto in = input(main, aux);
    if (!in) return in.status();
    return tracks.apply(*in);
}

namespace {

// The PCA-whitening of one model's windows (every window of every track, unit length first).
Result<Space> fit_block(std::span<const TrackWindows> tracks, size_t dim, double shrinkage, const char* which) {
    std::vector<float> rows;
    for (const TrackWindows& t : tracks) rows.insert(rows.end(), t.rows, t.rows + t.n_windows * dim);
    WhiteningOptions wo;
    wo.shrinkage = shrinkage;
    auto s = fit_whitening(rows.data(), rows.size() / dim, dim, wo);
    if (!s) return Status(ErrorCode::invalid_argument, std::string("fused wccn: the ") + which + " block: " + s.status().message());
    return s;
}

// The fused windows of every track (FusedSpaces::input per window), or an error naming the track.
Status fuse_tracks(std::span<const TrackWindows> main, size_t dm, std::span<const TrackWindows> aux, size_t da, const FusedSpaces& f,
                   std::vector<std::vector<float>>& out) {
    if (main.size() != aux.size())
        return bad("fused wccn: " + std::to_string(main.size()) + " tracks of the main model, " + std::to_string(aux.size()) +
                   " of the aux model");
    out.assign(main.size(), {});
    for (size_t t = 0; t < main.size(); ++t) {
        if (main[t].n_windows != aux[t].n_windows)
            return bad("fused wccn: track " + std::to_string(t) + " has " + std::to_string(main[t].n_windows) + " main and " +
                       std::to_string(aux[t].n_windows) + " aux windows");
        for (size_t w = 0; w < main[t].n_windows; ++w) {
            auto in = f.input({main[t].rows + w * dm, dm}, {aux[t].rows + w * da, da});
            if (!in) return bad("fused wccn: track " + std::to_string(t) + " window " + std::to_string(w) + ": " + in.status().message());
            out[t].insert(out[t].end(), in->begin(), in->end());
        }
    }
    return Status::ok();
}

// (S + λI)⁻¹·R for the symmetric S (n × n) and R (n × m), λ ≥ 0; eigenvalues ≤ 1e-12·max are dropped
// when λ = 0 (a pseudo-inverse).
std::vector<double> solve_symmetric(std::vector<double> s, size_t n, double lambda, const std::vector<double>& r, size_t m) {
    std::vector<double> l, u;
    symmetric_eigen(std::move(s), n, l, u);
    const double floor = 1e-12 * std::max(l.empty() ? 0.0 : l[0], 0.0);
    std::vector<double> ut_r(n * m, 0.0), out(n * m, 0.0);
    for (size_t k = 0; k < n; ++k) {
        const double d = l[k] + lambda;
        if (!(d > floor) || !(d > 0)) continue;
        for (size_t j = 0; j < m; ++j) {
            double v = 0;
            for (size_t i = 0; i < n; ++i) v += u[i * n + k] * r[i * m + j];
            ut_r[k * m + j] = v / d;
        }
    }
    for (size_t i = 0; i < n; ++i)
        for (size_t k = 0; k < n; ++k) {
            const double uik = u[i * n + k];
            if (uik == 0) continue;
            for (size_t j = 0; j < m; ++j) out[i * m + j] += uik * ut_r[k * m + j];
        }
    return out;
}

// The affine map of the unit main windows that best predicts `tracks`' affine output (ridge), as a
// Space: matrix = Bᵀ, mean = x̄ − B(BᵀB)⁻¹ȳ, so affine(x) = Bᵀ(unit(x) − x̄) + ȳ.
Result<Space> fit_query_map(std::span<const TrackWindows> main, size_t dm, const std::vector<std::vector<float>>& fused,
                            const Space& tracks, double ridge) {
    const size_t df = tracks.dim_in, dout = tracks.dim_out;
    std::vector<double> xs, ys;
    std::vector<float> y(dout);
    for (size_t t = 0; t < main.size(); ++t)
        for (size_t w = 0; w < main[t].n_windows; ++w) {
            const float* x = main[t].rows + w * dm;
            const double n = norm_of(x, dm);
            for (size_t i = 0; i < dm; ++i) xs.push_back(x[i] / n);
            tracks.affine(fused[t].data() + w * df, y.data());
            ys.insert(ys.end(), y.begin(), y.end());
        }
    const size_t rows = xs.size() / dm;
    if (rows < 2) return bad("fused wccn: the query map needs at least 2 windows");
    std::vector<double> xm(dm, 0.0), ym(dout, 0.0);
    for (size_t r = 0; r < rows; ++r) {
        for (size_t i = 0; i < dm; ++i) xm[i] += xs[r * dm + i] / double(rows);
        for (size_t k = 0; k < dout; ++k) ym[k] += ys[r * dout + k] / double(rows);
    }
    std::vector<double> c(dm * dm, 0.0), d(dm * dout, 0.0), xc(dm);
    for (size_t r = 0; r < rows; ++r) {
        for (size_t i = 0; i < dm; ++i) xc[i] = xs[r * dm + i] - xm[i];
        for (size_t i = 0; i < dm; ++i) {
            for (size_t j = i; j < dm; ++j) c[i * dm + j] += xc[i] * xc[j];
            for (size_t k = 0; k < dout; ++k) d[i * dout + k] += xc[i] * (ys[r * dout + k] - ym[k]);
        }
    }
    double trace = 0;
    for (size_t i = 0; i < dm; ++i) {
        trace += c[i * dm + i];
        for (size_t j = i + 1; j < dm; ++j) c[j * dm + i] = c[i * dm + j];
    }
    const std::vector<double> b = solve_symmetric(std::move(c), dm, ridge * trace / double(dm), d, dout);  // dm × dout
    // The offset: s with Bᵀs = ȳ, least norm: s = B·(BᵀB)⁻¹·ȳ.
    std::vector<double> btb(dout * dout, 0.0);
    for (size_t i = 0; i < dm; ++i)
        for (size_t k = 0; k < dout; ++k)
            for (size_t j = 0; j < dout; ++j) btb[k * dout + j] += b[i * dout + k] * b[i * dout + j];
    const std::vector<double> g = solve_symmetric(std::move(btb), dout, 0.0, ym, 1);
    Space q;
    q.input = tracks.input;
    q.dim_in = dm;
    q.dim_out = dout;
    q.mean.assign(dm, 0.0f);
    q.matrix.assign(dout * dm, 0.0f);
    for (size_t i = 0; i < dm; ++i) {
        double s = 0;
        for (size_t k = 0; k < dout; ++k) s += b[i * dout + k] * g[k];
        q.mean[i] = float(xm[i] - s);
        for (size_t k = 0; k < dout; ++k) q.matrix[k * dm + i] = float(b[i * dout + k]);
    }
    if (!finite(q.matrix.data(), q.matrix.size()) || !finite(q.mean.data(), q.mean.size()))
        return bad("fused wccn: the query map has NaN/Inf values");
    return q;
}

}  // namespace

Result<FusedSpaces> fit_fused_wccn(std::span<const TrackWindows> main, size_t dim_main, std::span<const TrackWindows> aux,
                                   size_t dim_aux, const FusedWccnOptions& o) {
    if (dim_main == 0 || dim_aux == 0 || dim_main + dim_aux > kMaxSpaceDim)
        return bad("fused wccn: dims " + std::to_string(dim_main) + " + " + std::to_string(dim_aux) + " out of range");
    if (!(o.aux_weight > 0) || !std::isfinite(o.aux_weight)) return bad("fused wccn: aux_weight must be > 0");
    if (!(o.ridge >= 0) || !std::isfinite(o.ridge)) return bad("fused wccn: ridge must be ≥ 0");
    FusedSpaces out;
    out.aux_weight = o.aux_weight;
    std::vector<std::vector<float>> fused;
    CF_RETURN_IF_ERROR(fuse_tracks(main, dim_main, aux, dim_aux, out, fused));  // plain first: checks counts and values
    if (o.whiten_blocks) {
        auto mb = fit_block(main, dim_main, o.block_shrinkage, "main");
        if (!mb) return mb.status();
        auto ab = fit_block(aux, dim_aux, o.block_shrinkage, "aux");
        if (!ab) return ab.status();
        out.main_block = std::move(*mb);
        out.aux_block = std::move(*ab);
        CF_RETURN_IF_ERROR(fuse_tracks(main, dim_main, aux, dim_aux, out, fused));
    }
    std::vector<TrackWindows> ft(fused.size());
    for (size_t t = 0; t < fused.size(); ++t) ft[t] = {fused[t].data(), main[t].n_windows};
    auto tracks = fit_wccn(ft, dim_main + dim_aux, o.wccn);
    if (!tracks) return tracks.status();
    char name[200];
    char blocks[48] = "";
    if (o.whiten_blocks) std::snprintf(blocks, sizeof blocks, ", blocks whitened s=%g", o.block_shrinkage);
    std::snprintf(name, sizeof name, "fused %s b=%g%s", tracks->name.c_str(), o.aux_weight, blocks);
    tracks->name = name;
    auto queries = fit_query_map(main, dim_main, fused, *tracks, o.ridge);
    if (!queries) return queries.status();
    std::snprintf(name, sizeof name, "%s; queries: main only, ridge %g", tracks->name.c_str(), o.ridge);
    queries->name = name;
    out.tracks = std::move(*tracks);
    out.queries = std::move(*queries);
    return out;
}

// [SECTION] Contrastive stage (InfoNCE, Adam) -----------------------------------------------------
namespace {

// The trainable state: M (dim_out × dim_in) and Adam's moments.
struct Adam {
    std::vector<double> m, v;
    double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
    size_t step = 0;
    void update(std::vector<double>& w, const std::vector<double>& g, double lr) {
        if (m.empty()) m.assign(w.size(), 0.0), v.assign(w.size(), 0.0);
        ++step;
        const double c1 = 1.0 - std::pow(beta1, double(step)), c2 = 1.0 - std::pow(beta2, double(step));
        for (size_t i = 0; i < w.size(); ++i) {
            m[i] = beta1 * m[i] + (1 - beta1) * g[i];
            v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
            w[i] -= lr * (m[i] / c1) / (std::sqrt(v[i] / c2) + eps);
        }
    }
};

// One side of a batch: the centred inputs c, their projections h = M c, |h| and z = h / |h|.
struct Side {
    std::vector<double> c, h, z, norm;
};

void project(const std::vector<double>& w, size_t dout, size_t din, Side& s, size_t b) {
    s.h.assign(b * dout, 0.0);
    s.z.assign(b * dout, 0.0);
    s.norm.assign(b, 0.0);
    for (size_t i = 0; i < b; ++i) {
        const double* c = s.c.data() + i * din;
        double nn = 0;
        for (size_t r = 0; r < dout; ++r) {
            const double* row = w.data() + r * din;
            double v = 0;
            for (size_t k = 0; k < din; ++k) v += row[k] * c[k];
            s.h[i * dout + r] = v;
            nn += v * v;
        }
        s.norm[i] = std::max(std::sqrt(nn), 1e-12);
        for (size_t r = 0; r < dout; ++r) s.z[i * dout + r] = s.h[i * dout + r] / s.norm[i];
    }
}

// dL/dz (b × dout) → accumulates dL/dM += Σ_i (dL/dh_i) c_iᵀ, with dL/dh = (g − z (z·g)) / |h|.
void backprop(const Side& s, const std::vector<double>& gz, size_t dout, size_t din, size_t b, std::vector<double>& gw) {
    std::vector<double> gh(dout);
    for (size_t i = 0; i < b; ++i) {
        const double* z = s.z.data() + i * dout;
        const double* g = gz.data() + i * dout;
        double zg = 0;
        for (size_t r = 0; r < dout; ++r) zg += z[r] * g[r];
        for (size_t r = 0; r < dout; ++r) gh[r] = (g[r] - z[r] * zg) / s.norm[i];
        const double* c = s.c.data() + i * din;
        for (size_t r = 0; r < dout; ++r) {
            double* row = gw.data() + r * din;
            for (size_t k = 0; k < din; ++k) row[k] += gh[r] * c[k];
        }
    }
}

// Symmetric InfoNCE over the b × b similarity matrix S = Za Zbᵀ / τ (positives on the diagonal).
// Returns the loss and fills dL/dZa, dL/dZb.
double info_nce(const Side& a, const Side& bside, size_t dout, size_t b, double tau, std::vector<double>& ga,
                std::vector<double>& gb) {
    std::vector<double> s(b * b), g(b * b, 0.0);
    for (size_t i = 0; i < b; ++i)
        for (size_t j = 0; j < b; ++j) {
            double d = 0;
            for (size_t r = 0; r < dout; ++r) d += a.z[i * dout + r] * bside.z[j * dout + r];
            s[i * b + j] = d / tau;
        }
    double loss = 0;
    const double w = 1.0 / (2.0 * double(b));
    for (int dir = 0; dir < 2; ++dir)  // rows (a → b), then columns (b → a)
        for (size_t i = 0; i < b; ++i) {
            auto at = [&](size_t j) -> size_t { return dir == 0 ? i * b + j : j * b + i; };
            double mx = -1e300;
            for (size_t j = 0; j < b; ++j) mx = std::max(mx, s[at(j)]);
            double sum = 0;
            for (size_t j = 0; j < b; ++j) sum += std::exp(s[at(j)] - mx);
            loss += w * (std::log(sum) + mx - s[at(i)]);
            for (size_t j = 0; j < b; ++j) g[at(j)] += w * (std::exp(s[at(j)] - mx) / sum - (i == j ? 1.0 : 0.0));
        }
    ga.assign(b * dout, 0.0);
    gb.assign(b * dout, 0.0);
    for (size_t i = 0; i < b; ++i)
        for (size_t j = 0; j < b; ++j) {
            const double gij = g[i * b + j] / tau;
            for (size_t r = 0; r < dout; ++r) {
                ga[i * dout + r] += gij * bside.z[j * dout + r];
                gb[j * dout + r] += gij * a.z[i * dout + r];
            }
        }
    return loss;
}

Status check_contrastive(std::span<const TrackWindows> tracks, const Space& init, const ContrastiveOptions& o,
                         size_t& n_usable) {
    if (init.dim_in == 0 || init.mean.size() != init.dim_in || init.matrix.size() != init.dim_in * init.dim_out)
        return bad("contrastive: the initial space is empty or inconsistent");
    if (o.dim_out > init.dim_out)
        return bad("contrastive: dim_out " + std::to_string(o.dim_out) + " > the initial space's " + std::to_string(init.dim_out));
    if (!(o.temperature > 0) || !(o.learning_rate > 0) || o.batch < 2 || o.epochs == 0)
        return bad("contrastive: temperature and learning_rate must be > 0, batch ≥ 2, epochs ≥ 1");
    n_usable = 0;
    for (size_t t = 0; t < tracks.size(); ++t) {
        if (tracks[t].n_windows && !finite(tracks[t].rows, tracks[t].n_windows * init.dim_in))
            return bad("contrastive: track " + std::to_string(t) + " has NaN/Inf window values");
        n_usable += tracks[t].n_windows >= 2;
    }
    if (n_usable < 2)
        return bad("contrastive: needs at least 2 tracks with 2 or more windows, got " + std::to_string(n_usable));
    return Status::ok();
}

}  // namespace

Result<Space> fit_contrastive(std::span<const TrackWindows> tracks, const Space& init, const ContrastiveOptions& o,
                              ContrastiveReport* report) {
    size_t n_usable = 0;
    CF_RETURN_IF_ERROR(check_contrastive(tracks, init, o, n_usable));
    const size_t din = init.dim_in, dout = o.dim_out ? o.dim_out : init.dim_out;
    std::vector<uint32_t> usable;
    for (size_t t = 0; t < tracks.size(); ++t)
        if (tracks[t].n_windows >= 2) usable.push_back(uint32_t(t));
    // Each window as apply() sees it: unit length, centred on the init's mean.
    auto centred = [&](uint32_t t, size_t wi, double* out) {
        const float* x = tracks[t].rows + wi * din;
        const double nn = norm_of(x, din);
        for (size_t k = 0; k < din; ++k) out[k] = nn > 0 ? x[k] / nn - init.mean[k] : 0.0;
    };
    std::vector<double> w(init.matrix.begin(), init.matrix.begin() + ptrdiff_t(dout * din));
    Adam adam;
    SplitMix64 rng(o.seed);
    ContrastiveReport rep;
    rep.n_tracks_used = usable.size();
    const size_t batch = std::min(o.batch, usable.size());
    Side a, b;
    std::vector<double> ga, gb, gw;
    for (size_t epoch = 1; epoch <= o.epochs; ++epoch) {
        for (size_t i = usable.size(); i > 1; --i) std::swap(usable[i - 1], usable[rng.below(i)]);  // Fisher–Yates
        double loss_sum = 0;
        size_t n_batches = 0;
        // Whole batches only (a last batch of 1 would have no negative): the leftovers wait for the next shuffle.
        for (size_t start = 0; start + batch <= usable.size(); start += batch) {
            a.c.assign(batch * din, 0.0);
            b.c.assign(batch * din, 0.0);
            for (size_t i = 0; i < batch; ++i) {
                const uint32_t t = usable[start + i];
                const size_t nw = tracks[t].n_windows;
                const size_t wa = rng.below(nw), wb = (wa + 1 + rng.below(nw - 1)) % nw;  // two different windows
                centred(t, wa, a.c.data() + i * din);
                centred(t, wb, b.c.data() + i * din);
            }
            project(w, dout, din, a, batch);
            project(w, dout, din, b, batch);
            loss_sum += info_nce(a, b, dout, batch, o.temperature, ga, gb);
            gw.assign(dout * din, 0.0);
            backprop(a, ga, dout, din, batch, gw);
            backprop(b, gb, dout, din, batch, gw);
            adam.update(w, gw, o.learning_rate);
            ++n_batches;
        }
        rep.epoch_loss.push_back(float(loss_sum / double(std::max<size_t>(n_batches, 1))));
        if (o.progress && !o.progress(epoch, o.epochs, rep.epoch_loss.back()))
            return Status(ErrorCode::cancelled, "contrastive: cancelled after epoch " + std::to_string(epoch));
    }
    Space s;
    s.input = init.input;
    char name[160];
    std::snprintf(name, sizeof name, "contrastive t=%g e=%zu (%s)", double(o.temperature), o.epochs, init.name.c_str());
    s.name = name;
    s.dim_in = din;
    s.dim_out = dout;
    s.mean = init.mean;
    s.matrix.assign(w.begin(), w.end());
    if (!finite(s.matrix.data(), s.matrix.size())) return bad("contrastive: training diverged (NaN/Inf weights): lower the learning rate");
    if (report) *report = std::move(rep);
    return s;
}

}  // namespace cf::index
