// The learned similarity space (core/index/space.h): the eigen-solver, whitening, the contrastive
// stage and the SPCE bytes.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "core/common/random.h"
#include "core/index/space.h"

namespace {

using cf::index::Space;

cf::index::WhiteningOptions whitening(double shrinkage, size_t keep_dims = 0) {
    cf::index::WhiteningOptions o;
    o.shrinkage = shrinkage;
    o.keep_dims = keep_dims;
    return o;
}

std::vector<double> covariance(const std::vector<float>& y, size_t n, size_t d) {
    std::vector<double> mean(d, 0.0), cov(d * d, 0.0);
    for (size_t r = 0; r < n; ++r)
        for (size_t i = 0; i < d; ++i) mean[i] += y[r * d + i] / double(n);
    for (size_t r = 0; r < n; ++r)
        for (size_t i = 0; i < d; ++i)
            for (size_t j = 0; j < d; ++j) cov[i * d + j] += (y[r * d + i] - mean[i]) * (y[r * d + j] - mean[j]) / double(n - 1);
    return cov;
}

// Correlated rows with a common offset (as post-ReLU embeddings have): x = offset + A·g.
std::vector<float> correlated_rows(size_t n, size_t d, uint64_t seed) {
    cf::SplitMix64 rng(seed);
    std::vector<double> a(d * d);
    for (double& v : a) v = rng.normal() * (0.2 + rng.uniform());
    std::vector<float> rows(n * d);
    std::vector<double> g(d);
    for (size_t r = 0; r < n; ++r) {
        for (double& v : g) v = rng.normal();
        for (size_t i = 0; i < d; ++i) {
            double s = 3.0;
            for (size_t k = 0; k < d; ++k) s += a[i * d + k] * g[k] * (k < d / 2 ? 1.0 : 0.1);
            rows[r * d + i] = float(s);
        }
    }
    return rows;
}

std::vector<float> project_all(const Space& s, const std::vector<float>& rows, size_t n) {
    std::vector<float> y(n * s.dim_out);
    for (size_t r = 0; r < n; ++r) s.affine(rows.data() + r * s.dim_in, y.data() + r * s.dim_out);
    return y;
}

TEST(Space, JacobiDiagonalisesASymmetricMatrix) {
    const size_t n = 9;
    cf::SplitMix64 rng(3);
    std::vector<double> a(n * n);
    for (size_t i = 0; i < n; ++i)
        for (size_t j = i; j < n; ++j) a[i * n + j] = a[j * n + i] = rng.normal();
    std::vector<double> values, vectors;
    cf::index::symmetric_eigen(a, n, values, vectors);
    for (size_t k = 0; k + 1 < n; ++k) EXPECT_GE(values[k], values[k + 1]);
    for (size_t k = 0; k < n; ++k)
        for (size_t i = 0; i < n; ++i) {  // (A v_k)_i = λ_k v_ik, and the vectors are orthonormal
            double av = 0, dot = 0;
            for (size_t j = 0; j < n; ++j) av += a[i * n + j] * vectors[j * n + k], dot += vectors[j * n + k] * vectors[j * n + i];
            EXPECT_NEAR(av, values[k] * vectors[i * n + k], 1e-9);
            EXPECT_NEAR(dot, i == k ? 1.0 : 0.0, 1e-9);
        }
}

TEST(Space, FullWhiteningGivesIdentityCovarianceOnItsInput) {
    const size_t n = 400, d = 12;
    const std::vector<float> rows = correlated_rows(n, d, 7);
    auto s = cf::index::fit_whitening(rows.data(), n, d, [] { auto o = whitening(0.0); o.min_eigen_fraction = 1e-12; return o; }());
    ASSERT_TRUE(s) << s.status().message();
    EXPECT_EQ(s->dim_in, d);
    EXPECT_EQ(s->dim_out, d);
    const std::vector<double> cov = covariance(project_all(*s, rows, n), n, d);
    // float32 storage of the matrix (≈ 1e-7 relative) on a covariance whose eigenvalues span ~100×.
    for (size_t i = 0; i < d; ++i)
        for (size_t j = 0; j < d; ++j) EXPECT_NEAR(cov[i * d + j], i == j ? 1.0 : 0.0, 1e-3) << i << "," << j;
}

TEST(Space, ShrinkageMovesFromWhiteningTowardARotation) {
    const size_t n = 400, d = 10;
    const std::vector<float> rows = correlated_rows(n, d, 11);
    double previous_spread = 0;
    for (double shrinkage : {0.0, 0.3, 0.7, 1.0}) {
        auto s = cf::index::fit_whitening(rows.data(), n, d, whitening(shrinkage));
        ASSERT_TRUE(s);
        const std::vector<double> cov = covariance(project_all(*s, rows, n), n, d);
        // The output axes stay the principal axes (diagonal covariance) and their variances, λ/λ',
        // fall from the first axis to the last once shrinkage is above 0.
        double lo = 1e300, hi = 0;
        for (size_t i = 0; i < d; ++i) {
            for (size_t j = 0; j < d; ++j)
                if (i != j) EXPECT_NEAR(cov[i * d + j] / std::sqrt(cov[i * d + i] * cov[j * d + j]), 0.0, 1e-3);
            if (i > 0 && shrinkage > 0) EXPECT_LE(cov[i * d + i], cov[(i - 1) * d + i - 1] * (1 + 1e-6));
            lo = std::min(lo, cov[i * d + i]), hi = std::max(hi, cov[i * d + i]);
        }
        const double spread = hi / lo;  // 1 for full whitening; the input's condition number for s = 1
        EXPECT_GE(spread, previous_spread * (1 - 1e-6)) << "shrinkage " << shrinkage;
        previous_spread = spread;
        if (shrinkage == 1.0) {  // a scaled rotation: the rows of the matrix are orthogonal, of equal length
            for (size_t i = 0; i < d; ++i)
                for (size_t j = 0; j < d; ++j) {
                    double dot = 0, ii = 0;
                    for (size_t k = 0; k < d; ++k) dot += double(s->matrix[i * d + k]) * s->matrix[j * d + k], ii += double(s->matrix[k]) * s->matrix[k];
                    EXPECT_NEAR(dot / ii, i == j ? 1.0 : 0.0, 1e-5);
                }
        }
    }
    EXPECT_GT(previous_spread, 10.0);  // the data is far from white, so the test above means something
}

TEST(Space, KeepDimsKeepsTheTopDirectionsAndApplyIsUnitLength) {
    const size_t n = 200, d = 8;
    const std::vector<float> rows = correlated_rows(n, d, 5);
    auto s = cf::index::fit_whitening(rows.data(), n, d, whitening(0.1, 3));
    ASSERT_TRUE(s);
    EXPECT_EQ(s->dim_out, 3u);
    auto y = s->apply(std::span<const float>(rows.data(), d));
    ASSERT_TRUE(y);
    double nn = 0;
    for (float v : *y) nn += double(v) * v;
    EXPECT_NEAR(nn, 1.0, 1e-6);
    // The input's norm does not matter (it is scaled to unit length first).
    std::vector<float> scaled(rows.begin(), rows.begin() + d);
    for (float& v : scaled) v *= 7.5f;
    auto y2 = s->apply(scaled);
    ASSERT_TRUE(y2);
    for (size_t i = 0; i < 3; ++i) EXPECT_NEAR((*y)[i], (*y2)[i], 1e-6);
    EXPECT_FALSE(s->apply(std::vector<float>(d, 0.0f)));
    EXPECT_FALSE(s->apply(std::vector<float>(d + 1, 1.0f)));
    EXPECT_FALSE(cf::index::fit_whitening(rows.data(), 1, d, {}));
    EXPECT_FALSE(cf::index::fit_whitening(rows.data(), n, d, whitening(1.5)));
    EXPECT_FALSE(cf::index::fit_whitening(rows.data(), n, d, whitening(0.1, d + 1)));
}

// Synthetic tracks: each a point in 6 "signal" dims; its windows add a large shared nuisance (10
// dims, the same distribution for every track) and a little noise. Whitening cannot tell nuisance
// from signal; two windows of one track agree on the signal only, so the contrastive stage should
// learn to listen to it.
struct Synthetic {
    size_t n_tracks = 40, n_windows = 6, dim = 16;
    std::vector<std::vector<float>> windows;  // per track, n_windows × dim
};

Synthetic synthetic(uint64_t seed, uint64_t window_seed) {
    Synthetic s;
    cf::SplitMix64 rng(seed), wrng(window_seed);
    for (size_t t = 0; t < s.n_tracks; ++t) {
        std::vector<float> centre(6);
        for (float& c : centre) c = float(rng.normal());
        std::vector<float> w(s.n_windows * s.dim);
        for (size_t k = 0; k < s.n_windows; ++k)
            for (size_t i = 0; i < s.dim; ++i)
                w[k * s.dim + i] = 4.0f + (i < 6 ? centre[i] + 0.3f * float(wrng.normal()) : 2.5f * float(wrng.normal()));
        s.windows.push_back(std::move(w));
    }
    return s;
}

// Fraction of rows whose nearest other row (cosine of space.apply) is of the same track.
double agreement(const Space& space, const std::vector<std::vector<float>>& rows, size_t per_track) {
    std::vector<std::vector<float>> z;
    for (const auto& r : rows) z.push_back(*space.apply(r));
    size_t hits = 0;
    for (size_t i = 0; i < z.size(); ++i) {
        double best = -2;
        size_t best_j = 0;
        for (size_t j = 0; j < z.size(); ++j) {
            if (j == i) continue;
            double d = 0;
            for (size_t r = 0; r < z[i].size(); ++r) d += double(z[i][r]) * z[j][r];
            if (d > best) best = d, best_j = j;
        }
        hits += best_j / per_track == i / per_track;
    }
    return double(hits) / double(z.size());
}

// Fraction of windows whose nearest other window (cosine in the space) is of the same track.
double window_agreement(const Space& space, const Synthetic& s) {
    std::vector<std::vector<float>> rows;
    for (size_t t = 0; t < s.n_tracks; ++t)
        for (size_t k = 0; k < s.n_windows; ++k)
            rows.emplace_back(s.windows[t].begin() + ptrdiff_t(k * s.dim), s.windows[t].begin() + ptrdiff_t((k + 1) * s.dim));
    return agreement(space, rows, s.n_windows);
}

std::vector<cf::index::TrackWindows> views(const Synthetic& s) {
    std::vector<cf::index::TrackWindows> v;
    for (const auto& w : s.windows) v.push_back({w.data(), s.n_windows});
    return v;
}

TEST(Space, ContrastiveStageRaisesSameTrackWindowAgreementAndIsDeterministic) {
    const Synthetic train = synthetic(1, 2), held_out = synthetic(1, 99);  // same tracks, new windows
    std::vector<float> rows;
    for (const auto& w : train.windows) rows.insert(rows.end(), w.begin(), w.end());
    auto white = cf::index::fit_whitening(rows.data(), rows.size() / train.dim, train.dim, whitening(0.1));
    ASSERT_TRUE(white);
    cf::index::ContrastiveOptions o;
    o.epochs = 300;
    o.batch = 8;
    o.learning_rate = 1e-2f;
    o.temperature = 0.2f;
    cf::index::ContrastiveReport report;
    auto learned = cf::index::fit_contrastive(views(train), *white, o, &report);
    ASSERT_TRUE(learned) << learned.status().message();
    EXPECT_EQ(report.n_tracks_used, train.n_tracks);
    ASSERT_EQ(report.epoch_loss.size(), o.epochs);
    EXPECT_LT(report.epoch_loss.back(), report.epoch_loss.front());
    const double before = window_agreement(*white, held_out), after = window_agreement(*learned, held_out);
    EXPECT_GT(after, before + 0.3) << "whitened " << before << " → contrastive " << after;
    // Deterministic for a seed; another seed gives other weights.
    auto again = cf::index::fit_contrastive(views(train), *white, o);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->matrix, learned->matrix);
    o.seed = 2;
    auto other = cf::index::fit_contrastive(views(train), *white, o);
    ASSERT_TRUE(other);
    EXPECT_NE(other->matrix, learned->matrix);
}

TEST(Space, WccnTurnsDownWhatWindowsOfOneTrackDisagreeOn) {
    const Synthetic train = synthetic(1, 2), held_out = synthetic(1, 99);
    std::vector<float> rows;
    for (const auto& w : train.windows) rows.insert(rows.end(), w.begin(), w.end());
    auto white = cf::index::fit_whitening(rows.data(), rows.size() / train.dim, train.dim, whitening(0.1));
    ASSERT_TRUE(white);
    cf::index::WccnOptions o;
    o.keep_dims = 6;
    auto wccn = cf::index::fit_wccn(views(train), train.dim, o);
    ASSERT_TRUE(wccn) << wccn.status().message();
    EXPECT_EQ(wccn->dim_out, 6u);
    const double before = window_agreement(*white, held_out), after = window_agreement(*wccn, held_out);
    EXPECT_GT(after, before + 0.4) << "whitened " << before << " → wccn " << after;
    auto again = cf::index::fit_wccn(views(train), train.dim, o);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->matrix, wccn->matrix);
    // Checks: too few tracks, no track with 2 windows, a zero window, keep_dims too large.
    std::vector<cf::index::TrackWindows> one = {{train.windows[0].data(), train.n_windows}};
    EXPECT_FALSE(cf::index::fit_wccn(one, train.dim, o));
    std::vector<cf::index::TrackWindows> singles = {{train.windows[0].data(), 1}, {train.windows[1].data(), 1}};
    EXPECT_FALSE(cf::index::fit_wccn(singles, train.dim, o));
    std::vector<float> zeros(train.dim * 2, 0.0f);
    std::vector<cf::index::TrackWindows> zero = views(train);
    zero[3] = {zeros.data(), 2};
    auto z = cf::index::fit_wccn(zero, train.dim, o);
    ASSERT_FALSE(z);
    EXPECT_NE(z.status().message().find("track 3 window 0"), std::string::npos) << z.status().message();
    o.keep_dims = train.dim + 1;
    EXPECT_FALSE(cf::index::fit_wccn(views(train), train.dim, o));
}

// Two models of the same synthetic tracks (8 latent signal dims per track). Model A's windows carry
// signal dims 0–3 and model B's dims 4–7 (`shared`: B carries a fixed mix of A's dims 0–3 instead,
// so B is predictable from A), each with its own large nuisance and a little noise.
struct TwoModels {
    size_t n_tracks = 40, n_windows = 6, dim_a = 12, dim_b = 10;
    std::vector<std::vector<float>> a, b;  // per track, n_windows × dim
};

TwoModels two_models(uint64_t seed, uint64_t window_seed, bool shared) {
    TwoModels m;
    cf::SplitMix64 rng(seed), wrng(window_seed);
    for (size_t t = 0; t < m.n_tracks; ++t) {
        std::vector<float> c(8);
        for (float& v : c) v = float(rng.normal());
        std::vector<float> a(m.n_windows * m.dim_a), b(m.n_windows * m.dim_b);
        for (size_t k = 0; k < m.n_windows; ++k) {
            for (size_t i = 0; i < m.dim_a; ++i)
                a[k * m.dim_a + i] = 4.0f + (i < 4 ? c[i] + 0.3f * float(wrng.normal()) : 2.5f * float(wrng.normal()));
            for (size_t i = 0; i < m.dim_b; ++i) {
                const float sig = shared ? c[i % 4] - 0.5f * c[(i + 1) % 4] : c[4 + i % 4];
                b[k * m.dim_b + i] = 3.0f + (i < 4 ? sig + 0.3f * float(wrng.normal()) : 2.0f * float(wrng.normal()));
            }
        }
        m.a.push_back(std::move(a));
        m.b.push_back(std::move(b));
    }
    return m;
}

std::vector<cf::index::TrackWindows> windows_of(const std::vector<std::vector<float>>& w, size_t n) {
    std::vector<cf::index::TrackWindows> v;
    for (const auto& x : w) v.push_back({x.data(), n});
    return v;
}

// Per window, its fused input (what the tracks space takes), as rows.
std::vector<std::vector<float>> fused_rows(const TwoModels& m, const cf::index::FusedSpaces& f) {
    std::vector<std::vector<float>> out;
    for (size_t t = 0; t < m.n_tracks; ++t)
        for (size_t k = 0; k < m.n_windows; ++k)
            out.push_back(*f.input({m.a[t].data() + k * m.dim_a, m.dim_a}, {m.b[t].data() + k * m.dim_b, m.dim_b}));
    return out;
}

TEST(Space, FusedInputIsBothBlocksAtUnitLengthWeighted) {
    const std::vector<float> a = {3, 4}, b = {0, 0, 2};
    auto f = cf::index::fused_input(a, b, 0.5);
    ASSERT_TRUE(f) << f.status().message();
    const std::vector<float> want = {0.6f, 0.8f, 0.0f, 0.0f, 0.5f};
    ASSERT_EQ(f->size(), want.size());
    for (size_t i = 0; i < want.size(); ++i) EXPECT_NEAR((*f)[i], want[i], 1e-6) << i;
    const std::vector<float> zero = {0, 0}, nan = {NAN, 1};
    EXPECT_FALSE(cf::index::fused_input(zero, b, 0.5));
    EXPECT_FALSE(cf::index::fused_input(nan, b, 0.5));
    EXPECT_FALSE(cf::index::fused_input(a, {}, 0.5));
    EXPECT_FALSE(cf::index::fused_input(a, b, 0.0));
}

TEST(Space, FusedWccnSeesWhatEitherModelAloneMisses) {
    const TwoModels train = two_models(1, 2, false), held_out = two_models(1, 99, false);  // same tracks, new windows
    cf::index::FusedWccnOptions o;
    o.wccn.keep_dims = 8;
    auto f = cf::index::fit_fused_wccn(windows_of(train.a, train.n_windows), train.dim_a, windows_of(train.b, train.n_windows),
                                       train.dim_b, o);
    ASSERT_TRUE(f) << f.status().message();
    EXPECT_EQ(f->tracks.dim_in, train.dim_a + train.dim_b);
    EXPECT_EQ(f->queries.dim_in, train.dim_a);
    EXPECT_EQ(f->tracks.dim_out, 8u);
    EXPECT_EQ(f->queries.dim_out, 8u);
    EXPECT_NE(f->queries.name.find("fused wccn"), std::string::npos) << f->queries.name;
    cf::index::WccnOptions one = o.wccn;
    one.keep_dims = 4;
    auto a_only = cf::index::fit_wccn(windows_of(train.a, train.n_windows), train.dim_a, one);
    ASSERT_TRUE(a_only);
    std::vector<std::vector<float>> a_rows;
    for (size_t t = 0; t < held_out.n_tracks; ++t)
        for (size_t k = 0; k < held_out.n_windows; ++k)
            a_rows.emplace_back(held_out.a[t].begin() + ptrdiff_t(k * held_out.dim_a), held_out.a[t].begin() + ptrdiff_t((k + 1) * held_out.dim_a));
    const double single = agreement(*a_only, a_rows, held_out.n_windows);
    const double fused = agreement(f->tracks, fused_rows(held_out, *f), held_out.n_windows);
    EXPECT_GT(fused, single + 0.2) << "model A alone " << single << " → fused " << fused;
    // Deterministic.
    auto again = cf::index::fit_fused_wccn(windows_of(train.a, train.n_windows), train.dim_a, windows_of(train.b, train.n_windows),
                                           train.dim_b, o);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->tracks.matrix, f->tracks.matrix);
    EXPECT_EQ(again->queries.matrix, f->queries.matrix);
    EXPECT_EQ(again->queries.mean, f->queries.mean);
    // Each model's block is whitened on its own first (the default); without it the input is the plain
    // fused_input and the fused space still beats one model.
    ASSERT_TRUE(f->main_block && f->aux_block);
    EXPECT_EQ(f->main_block->dim_in, train.dim_a);
    EXPECT_EQ(f->aux_block->dim_out, train.dim_b);
    const std::vector<float> a0(train.a[0].begin(), train.a[0].begin() + ptrdiff_t(train.dim_a));
    const std::vector<float> b0(train.b[0].begin(), train.b[0].begin() + ptrdiff_t(train.dim_b));
    EXPECT_EQ(*f->input(a0, b0), *cf::index::fused_input(*f->main_block->apply(a0), *f->aux_block->apply(b0), f->aux_weight));
    o.whiten_blocks = false;
    auto plain = cf::index::fit_fused_wccn(windows_of(train.a, train.n_windows), train.dim_a, windows_of(train.b, train.n_windows),
                                           train.dim_b, o);
    ASSERT_TRUE(plain);
    EXPECT_FALSE(plain->main_block || plain->aux_block);
    EXPECT_EQ(*plain->input(a0, b0), *cf::index::fused_input(a0, b0, o.aux_weight));
    EXPECT_GT(agreement(plain->tracks, fused_rows(held_out, *plain), held_out.n_windows), single + 0.2);
}

TEST(Space, FusedQueryMapPredictsTheTrackImageFromTheMainModelAlone) {
    const TwoModels m = two_models(3, 4, /*shared=*/true);
    cf::index::FusedWccnOptions o;
    o.wccn.keep_dims = 4;
    const auto a = windows_of(m.a, m.n_windows), b = windows_of(m.b, m.n_windows);
    auto f = cf::index::fit_fused_wccn(a, m.dim_a, b, m.dim_b, o);
    ASSERT_TRUE(f) << f.status().message();
    // Least squares with an intercept: over the windows it was fitted on, the query map's mean output
    // equals the tracks space's mean output (before unit length).
    const std::vector<std::vector<float>> fused = fused_rows(m, *f);
    std::vector<double> mean_q(4, 0.0), mean_t(4, 0.0);
    std::vector<float> yq(4), yt(4);
    double cos_sum = 0;
    for (size_t r = 0; r < fused.size(); ++r) {
        const float* main = m.a[r / m.n_windows].data() + (r % m.n_windows) * m.dim_a;
        f->queries.affine(main, yq.data());
        f->tracks.affine(fused[r].data(), yt.data());
        double d = 0, nq = 0, nt = 0;
        for (size_t k = 0; k < 4; ++k) {
            mean_q[k] += yq[k] / double(fused.size());
            mean_t[k] += yt[k] / double(fused.size());
            d += double(yq[k]) * yt[k], nq += double(yq[k]) * yq[k], nt += double(yt[k]) * yt[k];
        }
        cos_sum += d / std::sqrt(nq * nt);
    }
    for (size_t k = 0; k < 4; ++k) EXPECT_NEAR(mean_q[k], mean_t[k], 1e-4) << k;
    // Model B only re-mixes what A sees: the main model alone lands where the fused input does.
    EXPECT_GT(cos_sum / double(fused.size()), 0.9);
}

TEST(Space, FusedWccnChecksItsInputs) {
    const TwoModels m = two_models(1, 2, false);
    const auto a = windows_of(m.a, m.n_windows), b = windows_of(m.b, m.n_windows);
    cf::index::FusedWccnOptions o;
    auto fewer = b;
    fewer.pop_back();
    EXPECT_FALSE(cf::index::fit_fused_wccn(a, m.dim_a, fewer, m.dim_b, o));
    auto short_track = b;
    short_track[5].n_windows = 3;
    auto e = cf::index::fit_fused_wccn(a, m.dim_a, short_track, m.dim_b, o);
    ASSERT_FALSE(e);
    EXPECT_NE(e.status().message().find("track 5"), std::string::npos) << e.status().message();
    std::vector<float> zeros(m.n_windows * m.dim_b, 0.0f);
    auto zero = b;
    zero[2] = {zeros.data(), m.n_windows};
    e = cf::index::fit_fused_wccn(a, m.dim_a, zero, m.dim_b, o);
    ASSERT_FALSE(e);
    EXPECT_NE(e.status().message().find("track 2 window 0"), std::string::npos) << e.status().message();
    o.aux_weight = 0;
    EXPECT_FALSE(cf::index::fit_fused_wccn(a, m.dim_a, b, m.dim_b, o));
    o.aux_weight = 0.5;
    o.ridge = -1;
    EXPECT_FALSE(cf::index::fit_fused_wccn(a, m.dim_a, b, m.dim_b, o));
    o.ridge = 0.01;
    EXPECT_FALSE(cf::index::fit_fused_wccn(a, m.dim_a, b, 0, o));
}

TEST(Space, ContrastiveChecksItsInputsAndCancels) {
    const Synthetic s = synthetic(4, 5);
    const Space id = cf::index::identity_space(s.dim);
    std::vector<cf::index::TrackWindows> one = {{s.windows[0].data(), s.n_windows}, {s.windows[1].data(), 1}};
    EXPECT_FALSE(cf::index::fit_contrastive(one, id, {}));  // only one track with 2 windows
    cf::index::ContrastiveOptions o;
    o.temperature = 0;
    EXPECT_FALSE(cf::index::fit_contrastive(views(s), id, o));
    o = {};
    o.dim_out = s.dim + 1;
    EXPECT_FALSE(cf::index::fit_contrastive(views(s), id, o));
    o = {};
    o.progress = [](size_t epoch, size_t, float) { return epoch < 2; };
    auto r = cf::index::fit_contrastive(views(s), id, o);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.status().code(), cf::ErrorCode::cancelled);
    o = {};
    o.dim_out = 5;
    o.epochs = 2;
    auto small = cf::index::fit_contrastive(views(s), id, o);
    ASSERT_TRUE(small);
    EXPECT_EQ(small->dim_out, 5u);
}

TEST(Space, SerializeRoundTrips) {
    const std::vector<float> rows = correlated_rows(50, 6, 9);
    auto s = cf::index::fit_whitening(rows.data(), 50, 6, [] { auto o = whitening(0.2, 4); o.input = "msd-musicnn-1/embedding"; return o; }());
    ASSERT_TRUE(s);
    const std::vector<uint8_t> bytes = cf::index::serialize_space(*s);
    auto back = cf::index::parse_space(bytes, "SPCE");
    ASSERT_TRUE(back) << back.status().message();
    EXPECT_EQ(back->name, s->name);
    EXPECT_EQ(back->input, "msd-musicnn-1/embedding");
    EXPECT_EQ(back->dim_in, 6u);
    EXPECT_EQ(back->dim_out, 4u);
    EXPECT_EQ(back->mean, s->mean);
    EXPECT_EQ(back->matrix, s->matrix);
    EXPECT_EQ(cf::index::serialize_space(*back), bytes);
}

TEST(Space, TruncatedOrCorruptBytesAreErrorsNamingTheProblem) {
    const std::vector<uint8_t> bytes = cf::index::serialize_space(cf::index::identity_space(5, "x"));
    for (size_t n = 0; n < bytes.size(); ++n) {
        auto r = cf::index::parse_space(std::span<const uint8_t>(bytes.data(), n), "cat.cfc: section SPCE");
        ASSERT_FALSE(r) << "accepted " << n << " of " << bytes.size() << " bytes";
        EXPECT_NE(r.status().message().find("cat.cfc: section SPCE"), std::string::npos) << r.status().message();
    }
    auto corrupt = [&](size_t at, const void* value, size_t size) {
        std::vector<uint8_t> b = bytes;
        std::memcpy(b.data() + at, value, size);
        auto r = cf::index::parse_space(b, "SPCE");
        EXPECT_FALSE(r);
        return r ? std::string() : r.status().message();
    };
    const uint32_t two = 2, huge = 1u << 20;
    EXPECT_NE(corrupt(0, &two, 4).find("unknown space encoding 2"), std::string::npos);
    EXPECT_NE(corrupt(4, &huge, 4).find("out of range"), std::string::npos);
    const float nan = std::nanf("");
    EXPECT_NE(corrupt(bytes.size() - 4, &nan, 4).find("NaN/Inf"), std::string::npos);
    std::vector<uint8_t> longer = bytes;
    longer.push_back(0);
    auto r = cf::index::parse_space(longer, "SPCE");
    ASSERT_FALSE(r);
    EXPECT_NE(r.status().message().find("1 bytes left"), std::string::npos) << r.status().message();
}

}  // namespace
