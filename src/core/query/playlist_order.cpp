// Playlist costs and ordering: transition cost, the arc's per-position cost, greedy nearest neighbour,
// and the 2-opt / or-opt local search over a path (an open path, not a tour: the ends are free).
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "core/query/playlist_internal.h"
#include "core/rhythm/tempo_reading.h"

namespace cf::query {
namespace detail {

namespace {

constexpr float kNeutral = 0.5f;      // a part's cost when it cannot be measured
constexpr float kTempoScale = 0.5f;   // |log2 ratio| giving a tempo part of 1 (half an octave)
constexpr float kLoudnessScaleDb = 12.0f;
constexpr float kOctavePenalty = 0.25f;  // an arc met at half/double time costs this much more (log2)
constexpr float kEpsilon = 1e-6f;

float trust_of(const TempoReading& r) {
    switch (r.kind) {
        case TempoKind::steady: return 1.0f;
        case TempoKind::uncertain: return 0.5f;
        default: return 0.0f;
    }
}

float trusted(float part, float trust) { return trust * std::min(part, 1.0f) + (1 - trust) * kNeutral; }

}  // namespace

TrackTraits traits_of(const Catalog& catalog, uint32_t track) {
    const TrackMeta& m = catalog.tracks()[track];
    TempoReading r = tempo_reading(m.bpm, m.bpm_confidence);
    TrackTraits t;
    t.unit = catalog.embedding(track);
    t.bpm = r.kind == TempoKind::unknown ? 0.0f : float(r.bpm);
    t.tempo_trust = trust_of(r);
    t.lufs = m.loudness_lufs;
    return t;
}

float traits_cost(const TrackTraits& a, const TrackTraits& b, const TransitionWeights& w) {
    double dot = 0;
    for (size_t i = 0; i < a.unit.size() && i < b.unit.size(); ++i) dot += double(a.unit[i]) * b.unit[i];
    float embedding = std::clamp(float(1 - dot) / 2, 0.0f, 1.0f);
    float tempo = kNeutral;
    if (a.bpm > 0 && b.bpm > 0) {
        float l = std::log2(a.bpm / b.bpm);
        float d = std::min({std::fabs(l), std::fabs(l - 1), std::fabs(l + 1)});
        tempo = trusted(d / kTempoScale, std::min(a.tempo_trust, b.tempo_trust));
    }
    float loud = kNeutral;
    if (std::isfinite(a.lufs) && std::isfinite(b.lufs))
        loud = std::min(std::fabs(a.lufs - b.lufs) / kLoudnessScaleDb, 1.0f);
    return w.embedding * embedding + w.tempo * tempo + w.loudness * loud;
}

float traits_arc_cost(const TrackTraits& t, float target_bpm) {
    if (!(t.bpm > 0) || !(target_bpm > 0)) return kNeutral;
    float l = std::log2(t.bpm / target_bpm);
    float d = std::min({std::fabs(l), std::fabs(l - 1) + kOctavePenalty, std::fabs(l + 1) + kOctavePenalty});
    return trusted(d / kTempoScale, t.tempo_trust);
}

float folded_bpm_error(float bpm, float target_bpm) {
    if (!(bpm > 0)) return kUnknown;
    float best = bpm - target_bpm;
    for (float f : {0.5f, 2.0f})
        if (std::fabs(bpm * f - target_bpm) < std::fabs(best)) best = bpm * f - target_bpm;
    return best;
}

CostTables cost_tables(std::span<const TrackTraits> traits, const PlaylistOptions& options, size_t n_positions,
                       std::span<const float> bias) {
    CostTables c;
    c.m = traits.size();
    c.n_positions = n_positions;
    c.transition.assign(c.m * c.m, 0.0f);
    for (size_t i = 0; i < c.m; ++i)
        for (size_t j = i + 1; j < c.m; ++j)
            c.transition[i * c.m + j] = c.transition[j * c.m + i] = traits_cost(traits[i], traits[j], options.weights);
    if (!options.bpm_arc && bias.empty()) return c;
    c.at.assign(c.m * n_positions, 0.0f);
    for (size_t p = 0; p < n_positions; ++p) {
        float target = options.bpm_arc ? arc_target_bpm(*options.bpm_arc, p, n_positions) : 0.0f;
        for (size_t i = 0; i < c.m; ++i) {
            float& cell = c.at[i * n_positions + p];
            if (options.bpm_arc) cell = options.arc_weight * traits_arc_cost(traits[i], target);
            if (!bias.empty()) cell += bias[i];
        }
    }
    return c;
}

float path_cost(const CostTables& c, std::span<const size_t> path) {
    float sum = 0;
    for (size_t k = 0; k < path.size(); ++k) {
        sum += c.a(path[k], k);
        if (k + 1 < path.size()) sum += c.t(path[k], path[k + 1]);
    }
    return sum;
}

namespace {

std::vector<size_t> greedy_from(const CostTables& c, size_t start) {
    std::vector<size_t> path{start};
    const size_t n = c.n_positions;
    std::vector<bool> used(n, false);
    used[start] = true;
    while (path.size() < n) {
        size_t best = n;
        float best_cost = 0;
        for (size_t j = 0; j < n; ++j) {
            if (used[j]) continue;
            float cost = c.t(path.back(), j) + c.a(j, path.size());
            if (best == n || cost < best_cost) best = j, best_cost = cost;
        }
        used[best] = true;
        path.push_back(best);
    }
    return path;
}

// The cost of path positions lo..hi (their arc costs and the transitions touching them).
float range_cost(const CostTables& c, std::span<const size_t> path, size_t lo, size_t hi) {
    float sum = 0;
    for (size_t k = lo; k <= hi; ++k) sum += c.a(path[k], k);
    for (size_t k = lo == 0 ? 0 : lo - 1; k < hi + 1 && k + 1 < path.size(); ++k) sum += c.t(path[k], path[k + 1]);
    return sum;
}

// Applies `move` to path positions lo..hi when it lowers the cost; reports whether it did.
template <class Move>
bool try_move(const CostTables& c, std::vector<size_t>& path, size_t lo, size_t hi, Move move) {
    float before = range_cost(c, path, lo, hi);
    std::vector<size_t> saved(path.begin() + lo, path.begin() + hi + 1);
    move(path);
    if (range_cost(c, path, lo, hi) < before - kEpsilon) return true;
    std::copy(saved.begin(), saved.end(), path.begin() + lo);
    return false;
}

// How far a move may reach: everything for playlists up to 300 tracks, 60 positions beyond.
size_t reach(size_t m) { return m <= 300 ? m : 60; }

// A move's cost change is computed without touching the path: the transitions at its ends, plus (with
// position costs: an arc, a fit bias) the positions that change. The path is changed only when the
// move helps.
constexpr size_t kNone = SIZE_MAX;
float edge(const CostTables& c, size_t a, size_t b) { return a == kNone || b == kNone ? 0.0f : c.t(a, b); }

// Reversing p[i..j].
float two_opt_delta(const CostTables& c, const std::vector<size_t>& p, size_t i, size_t j) {
    size_t before = i > 0 ? p[i - 1] : kNone, after = j + 1 < p.size() ? p[j + 1] : kNone;
    float d = edge(c, before, p[j]) + edge(c, p[i], after) - edge(c, before, p[i]) - edge(c, p[j], after);
    if (c.at.empty()) return d;
    for (size_t k = i; k <= j; ++k) d += c.a(p[i + j - k], k) - c.a(p[k], k);
    return d;
}

// The position costs of taking the run p[i..i+len) out and putting it (reversed when flip) at `to`.
float or_opt_position_delta(const CostTables& c, const std::vector<size_t>& p, size_t i, size_t len, size_t to, bool flip) {
    float d = 0;
    for (size_t r = 0; r < len; ++r) d += c.a(flip ? p[i + len - 1 - r] : p[i + r], to + r) - c.a(p[i + r], i + r);
    if (to > i)  // the tracks after the run move back by len
        for (size_t k = i + len; k < to + len; ++k) d += c.a(p[k], k - len) - c.a(p[k], k);
    else         // the tracks from `to` move on by len
        for (size_t k = to; k < i; ++k) d += c.a(p[k], k + len) - c.a(p[k], k);
    return d;
}

// Taking the run p[i..i+len) out and putting it (reversed when flip) at index `to` of what is left.
float or_opt_delta(const CostTables& c, const std::vector<size_t>& p, size_t i, size_t len, size_t to, bool flip) {
    const size_t m = p.size();
    size_t before = i > 0 ? p[i - 1] : kNone, after = i + len < m ? p[i + len] : kNone;
    float d = edge(c, before, after) - edge(c, before, p[i]) - edge(c, p[i + len - 1], after);
    auto rest = [&](size_t k) { return k >= m - len ? kNone : (k < i ? p[k] : p[k + len]); };
    size_t left = to > 0 ? rest(to - 1) : kNone, right = rest(to);
    size_t first = flip ? p[i + len - 1] : p[i], last = flip ? p[i] : p[i + len - 1];
    d += edge(c, left, first) + edge(c, last, right) - edge(c, left, right);
    return c.at.empty() ? d : d + or_opt_position_delta(c, p, i, len, to, flip);
}

void move_run(std::vector<size_t>& p, size_t i, size_t len, size_t to, bool flip) {
    std::vector<size_t> run(p.begin() + long(i), p.begin() + long(i + len));
    if (flip) std::reverse(run.begin(), run.end());
    p.erase(p.begin() + long(i), p.begin() + long(i + len));
    p.insert(p.begin() + long(to), run.begin(), run.end());
}

bool two_opt_pass(const CostTables& c, std::vector<size_t>& path) {
    bool improved = false;
    for (size_t i = 0; i + 1 < path.size(); ++i)
        for (size_t j = i + 1; j < path.size() && j - i <= reach(path.size()); ++j)
            if (two_opt_delta(c, path, i, j) < -kEpsilon) {
                std::reverse(path.begin() + long(i), path.begin() + long(j + 1));
                improved = true;
            }
    return improved;
}

// Moves the run at i (length len) to start at `to` (to ≠ i), reversed or not.
bool or_opt_pass(const CostTables& c, std::vector<size_t>& path) {
    bool improved = false;
    const size_t m = path.size();
    for (size_t len = 1; len <= 3; ++len)
        for (size_t i = 0; i + len <= m; ++i)
            for (size_t to = 0; to + len <= m; ++to) {
                if (to == i || (to > i ? to - i : i - to) > reach(m)) continue;
                for (bool flip : {false, true})
                    if (or_opt_delta(c, path, i, len, to, flip) < -kEpsilon) {
                        move_run(path, i, len, to, flip);
                        improved = true;
                    }
            }
    return improved;
}

// Replaces a track (not fixed) by a spare one (not on the path) where that lowers the cost.
bool replace_pass(const CostTables& c, std::vector<size_t>& path, const std::vector<bool>& fixed) {
    std::vector<bool> on(c.m, false);
    for (size_t i : path) on[i] = true;
    bool improved = false;
    for (size_t k = 0; k < path.size(); ++k) {
        if (!fixed.empty() && fixed[path[k]]) continue;
        for (size_t u = 0; u < c.m; ++u) {
            if (on[u]) continue;
            size_t old = path[k];
            if (try_move(c, path, k, k, [&](std::vector<size_t>& p) { p[k] = u; }))
                on[old] = false, on[u] = true, improved = true;
        }
    }
    return improved;
}

}  // namespace

std::vector<size_t> greedy_path(const CostTables& c) {
    std::vector<size_t> best;
    float best_cost = 0;
    size_t n_starts = std::min<size_t>(c.n_positions, 200);
    for (size_t s = 0; s < n_starts; ++s) {
        std::vector<size_t> path = greedy_from(c, s * c.n_positions / n_starts);
        float cost = path_cost(c, path);
        if (best.empty() || cost < best_cost - kEpsilon) best = std::move(path), best_cost = cost;
    }
    return best;
}

std::vector<size_t> improve_path(const CostTables& c, std::vector<size_t> path, const std::vector<bool>& fixed) {
    for (int pass = 0; pass < 100; ++pass) {
        bool improved = two_opt_pass(c, path);
        improved |= or_opt_pass(c, path);
        if (c.m > path.size()) improved |= replace_pass(c, path, fixed);
        if (!improved) break;
    }
    return path;
}

}  // namespace detail

float transition_cost(const Catalog& catalog, uint32_t a, uint32_t b, const TransitionWeights& weights) {
    return detail::traits_cost(detail::traits_of(catalog, a), detail::traits_of(catalog, b), weights);
}

float arc_cost(const Catalog& catalog, uint32_t track, float target_bpm) {
    return detail::traits_arc_cost(detail::traits_of(catalog, track), target_bpm);
}

float mean_transition_cost(const Catalog& catalog, std::span<const uint32_t> order, const TransitionWeights& weights) {
    if (order.size() < 2) return 0.0f;
    double sum = 0;
    detail::TrackTraits prev = detail::traits_of(catalog, order[0]);
    for (size_t k = 1; k < order.size(); ++k) {
        detail::TrackTraits next = detail::traits_of(catalog, order[k]);
        sum += detail::traits_cost(prev, next, weights);
        prev = std::move(next);
    }
    return float(sum / double(order.size() - 1));
}

}  // namespace cf::query
