// Playlists: checking the seed and options, scoring the catalog against the seed set, choosing the
// tracks (with an arc: near each position's tempo too) and handing them to the ordering
// (playlist_order.cpp).
#include "core/query/playlist.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <numeric>

#include "core/query/playlist_internal.h"
#include "core/semantic/text_matcher.h"

namespace cf::query {

namespace {

constexpr size_t kMaxTracks = 1000;

Status bad(std::string message) { return Status(ErrorCode::invalid_argument, "playlist: " + std::move(message)); }

std::string num(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

Status check_arc(const BpmArc& a) {
    for (float bpm : {a.start_bpm, a.peak_bpm, a.end_bpm})
        if (!(bpm >= 30 && bpm <= 300)) return bad("BPM arc value " + num(bpm) + " is outside 30..300");
    if (!(a.peak_at >= 0 && a.peak_at <= 1)) return bad("BPM arc peak position " + num(a.peak_at) + " is outside 0..1");
    return Status::ok();
}

Status check_options(const PlaylistOptions& o) {
    if (o.n == 0 || o.n > kMaxTracks) return bad("n = " + std::to_string(o.n) + " tracks: give 1.." + std::to_string(kMaxTracks));
    const TransitionWeights& w = o.weights;
    for (float x : {w.embedding, w.tempo, w.loudness, o.arc_weight, o.fit_weight})
        if (!(x >= 0) || !std::isfinite(x)) return bad("a weight is " + num(x) + ": weights must be finite and ≥ 0");
    if (!(o.softmin_temperature > 0)) return bad("soft-min temperature " + num(o.softmin_temperature) + " must be > 0");
    if (!(o.arc_pool_factor >= 1)) return bad("arc pool factor " + num(o.arc_pool_factor) + " must be ≥ 1");
    return o.bpm_arc ? check_arc(*o.bpm_arc) : Status::ok();
}

Status check_seed(const QueryEngine& engine, const PlaylistSeed& s) {
    if (!engine.catalog()) return bad("needs a catalog (the engine was made over raw arrays)");
    if (s.tracks.empty() && s.embeddings.empty() && s.scores.empty())
        return bad("the seed is empty: give catalog tracks, files or words");
    const size_t n = engine.n_tracks();
    for (uint32_t t : s.tracks)
        if (t >= n) return bad("seed track " + std::to_string(t) + " is not in the catalog (" + std::to_string(n) + " tracks)");
    for (size_t i = 0; i < s.embeddings.size(); ++i)
        if (s.embeddings[i].size() != engine.input_dim())
            return bad("seed file " + std::to_string(i + 1) + " has an embedding of " + std::to_string(s.embeddings[i].size()) +
                       " values; the catalog takes " + std::to_string(engine.input_dim()));
    if (!s.scores.empty() && s.scores.size() != n)
        return bad("seed scores have " + std::to_string(s.scores.size()) + " values for " + std::to_string(n) + " tracks");
    for (float x : s.scores)
        if (!std::isfinite(x)) return bad("seed scores contain a non-finite value");
    return Status::ok();
}

constexpr size_t kMaxScoredSeeds = 64;

// Every track's unit embedding, n × dim, read once for all seeds.
std::vector<float> all_embeddings(const QueryEngine& engine) {
    std::vector<float> out;
    out.reserve(engine.n_tracks() * engine.dim());
    for (uint32_t t = 0; t < engine.n_tracks(); ++t) {
        std::vector<float> e = engine.embedding(t);
        out.insert(out.end(), e.begin(), e.end());
    }
    return out;
}

std::vector<float> cosines(const std::vector<float>& embeddings, size_t dim, std::span<const float> unit) {
    std::vector<float> out(dim ? embeddings.size() / dim : 0);
    for (size_t t = 0; t < out.size(); ++t) {
        double dot = 0;
        for (size_t i = 0; i < dim && i < unit.size(); ++i) dot += double(embeddings[t * dim + i]) * unit[i];
        out[t] = float(dot);
    }
    return out;
}

// The seed tracks that are scored: all up to kMaxScoredSeeds, else that many evenly spaced (a lasso of
// thousands stays fast; the mean of 64 z-scored lists hardly moves with more).
std::vector<uint32_t> scored_tracks(const std::vector<uint32_t>& tracks) {
    if (tracks.size() <= kMaxScoredSeeds) return tracks;
    std::vector<uint32_t> out;
    for (size_t k = 0; k < kMaxScoredSeeds; ++k) out.push_back(tracks[k * tracks.size() / kMaxScoredSeeds]);
    return out;
}

// One similarity list per seed member, z-scored over the catalog.
Result<std::vector<std::vector<float>>> seed_lists(const QueryEngine& engine, const PlaylistSeed& s) {
    const std::vector<float> embeddings = all_embeddings(engine);
    const size_t dim = engine.dim();
    std::vector<std::vector<float>> lists;
    for (uint32_t t : scored_tracks(s.tracks))
        lists.push_back(cosines(embeddings, dim, std::span<const float>(embeddings).subspan(t * dim, dim)));
    for (size_t i = 0; i < s.embeddings.size(); ++i) {
        auto q = engine.catalog()->to_query(s.embeddings[i]);
        if (!q) return bad("seed file " + std::to_string(i + 1) + ": " + q.status().message());
        lists.push_back(cosines(embeddings, dim, unit_vector(*q)));
    }
    if (!s.scores.empty()) lists.push_back(s.scores);
    for (std::vector<float>& l : lists) {
        semantic::ZScale z = semantic::z_scale(l);
        for (float& x : l) x = z.z(x);
    }
    return lists;
}

float soft_min(const std::vector<std::vector<float>>& lists, uint32_t t, float temperature) {
    float lowest = lists[0][t];
    for (const auto& l : lists) lowest = std::min(lowest, l[t]);
    double sum = 0;
    for (const auto& l : lists) sum += std::exp(-(l[t] - lowest) / temperature);
    return lowest - temperature * float(std::log(sum / double(lists.size())));
}

// Round-robin over the seeds' neighbour lists: a track's score is minus its first turn.
std::vector<float> union_scores(const std::vector<std::vector<float>>& lists, size_t n) {
    std::vector<float> out(n, -float(n) * float(lists.size()));
    for (size_t k = 0; k < lists.size(); ++k) {
        std::vector<uint32_t> order(n);
        std::iota(order.begin(), order.end(), 0u);
        std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return lists[k][a] > lists[k][b]; });
        for (size_t r = 0; r < n; ++r) out[order[r]] = std::max(out[order[r]], -float(r * lists.size() + k));
    }
    return out;
}

float percentile(const std::vector<float>& sorted, float x) {
    auto lo = std::lower_bound(sorted.begin(), sorted.end(), x);
    auto hi = std::upper_bound(sorted.begin(), sorted.end(), x);
    return (float(lo - sorted.begin()) + 0.5f * float(hi - lo)) / float(sorted.size());
}

}  // namespace

// [SECTION] Arc and mix ---------------------------------------------------------------------------

Result<BpmArc> parse_bpm_arc(std::string_view text) {
    std::vector<float> v;
    size_t start = 0;
    while (start <= text.size()) {
        size_t end = std::min(text.find(':', start), text.size());
        std::string part(text.substr(start, end - start));
        char* stop = nullptr;
        float x = std::strtof(part.c_str(), &stop);
        if (part.empty() || *stop != '\0') return bad("BPM arc \"" + std::string(text) + "\": give START:PEAK:END (e.g. 90:140:100) or one BPM");
        v.push_back(x);
        start = end + 1;
    }
    if (v.size() != 1 && v.size() != 3) return bad("BPM arc \"" + std::string(text) + "\" has " + std::to_string(v.size()) + " values: give START:PEAK:END or one BPM");
    BpmArc arc = v.size() == 1 ? BpmArc{v[0], v[0], v[0]} : BpmArc{v[0], v[1], v[2]};
    if (Status st = check_arc(arc); !st) return st;
    return arc;
}

float arc_target_bpm(const BpmArc& arc, size_t i, size_t n) {
    if (n <= 1) return arc.start_bpm;
    float x = float(i) / float(n - 1);
    if (x <= arc.peak_at)
        return arc.peak_at <= 0 ? arc.peak_bpm : arc.start_bpm + (arc.peak_bpm - arc.start_bpm) * x / arc.peak_at;
    return arc.peak_bpm + (arc.end_bpm - arc.peak_bpm) * (x - arc.peak_at) / (1 - arc.peak_at);
}

std::vector<float> mix_scores(const MixedResult& result) {
    if (result.inputs.empty()) return {};
    if (result.inputs.size() == 1) return result.inputs[0].scores;
    std::vector<std::span<const float>> lists;
    std::vector<float> weights;
    for (const InputResult& in : result.inputs) lists.push_back(in.scores), weights.push_back(in.weight);
    if (!std::any_of(weights.begin(), weights.end(), [](float w) { return w > 0; })) weights.assign(weights.size(), 1.0f);
    return semantic::combine_scores(lists, weights);
}

// [SECTION] Selection -----------------------------------------------------------------------------

Result<std::vector<float>> seed_set_scores(const QueryEngine& engine, const PlaylistSeed& seed,
                                           const PlaylistOptions& options) {
    if (Status st = check_seed(engine, seed); !st) return st;
    if (!(options.softmin_temperature > 0)) return bad("soft-min temperature must be > 0");
    auto lists = seed_lists(engine, seed);
    if (!lists) return lists.status();
    const size_t n = engine.n_tracks();
    if (options.selection == SeedSetMode::union_nn) return union_scores(*lists, n);
    std::vector<float> out(n);
    for (uint32_t t = 0; t < n; ++t) {
        if (options.selection == SeedSetMode::soft_min) {
            out[t] = soft_min(*lists, t, options.softmin_temperature);
        } else {
            double sum = 0;
            for (const auto& l : *lists) sum += l[t];
            out[t] = float(sum / double(lists->size()));
        }
    }
    return out;
}

namespace {

struct Choice {
    std::vector<uint32_t> tracks;  ///< the n chosen
    std::vector<uint32_t> spare;   ///< with an arc: the rest of the pool, which may replace chosen ones
    size_t n_candidates = 0;
};

// Scores on a z scale over the catalog (a union's ranks too), for weighing fit against tempo.
std::vector<float> z_scored(std::vector<float> score) {
    semantic::ZScale z = semantic::z_scale(score);
    for (float& x : score) x = z.z(x);
    return score;
}

// Candidates best first: passing the filters, not seeds (seeds are added apart).
std::vector<uint32_t> candidates(const Catalog& cat, const std::vector<float>& score, const PlaylistSeed& seed,
                                 const PlaylistOptions& o) {
    std::vector<uint32_t> out;
    for (uint32_t t = 0; t < score.size(); ++t)
        if (cat.passes(t, o.filters) && std::find(seed.tracks.begin(), seed.tracks.end(), t) == seed.tracks.end())
            out.push_back(t);
    std::stable_sort(out.begin(), out.end(), [&](uint32_t a, uint32_t b) { return score[a] > score[b]; });
    return out;
}

// With an arc: fill each position in turn with the pool track best for fit and that position's tempo.
std::vector<uint32_t> arc_choice(const Catalog& cat, const std::vector<float>& score, const std::vector<uint32_t>& pool,
                                 size_t n_free, size_t n, const PlaylistOptions& o) {
    std::vector<uint32_t> out;
    std::vector<detail::TrackTraits> traits;
    for (uint32_t t : pool) traits.push_back(detail::traits_of(cat, t));
    std::vector<bool> used(pool.size(), false);
    for (size_t p = 0; p < n_free; ++p) {
        float target = arc_target_bpm(*o.bpm_arc, (p * n) / std::max<size_t>(n_free, 1), n);
        size_t best = pool.size();
        float best_u = 0;
        for (size_t i = 0; i < pool.size(); ++i) {
            if (used[i]) continue;
            float u = o.fit_weight * score[pool[i]] - o.arc_weight * detail::traits_arc_cost(traits[i], target);
            if (best == pool.size() || u > best_u) best = i, best_u = u;
        }
        used[best] = true;
        out.push_back(pool[best]);
    }
    return out;
}

Result<Choice> choose(const QueryEngine& engine, const std::vector<float>& score, const PlaylistSeed& seed,
                      const PlaylistOptions& o) {
    const Catalog& cat = *engine.catalog();
    std::vector<uint32_t> cand = candidates(cat, score, seed, o);
    Choice c;
    c.n_candidates = cand.size();
    if (o.include_seeds) {
        for (uint32_t t : seed.tracks)
            if (std::find(c.tracks.begin(), c.tracks.end(), t) == c.tracks.end()) c.tracks.push_back(t);
        std::stable_sort(c.tracks.begin(), c.tracks.end(), [&](uint32_t a, uint32_t b) { return score[a] > score[b]; });
        if (c.tracks.size() > o.n) c.tracks.resize(o.n);
        c.n_candidates += c.tracks.size();
    }
    const size_t n_free = o.n - c.tracks.size();
    if (cand.size() < n_free)
        return Status(ErrorCode::not_found, "playlist: " + std::to_string(c.n_candidates) + " tracks pass the filters; " +
                                                std::to_string(o.n) + " were asked for");
    if (!o.bpm_arc) {
        c.tracks.insert(c.tracks.end(), cand.begin(), cand.begin() + long(n_free));
        return c;
    }
    size_t pool = std::min(cand.size(), std::max(n_free, size_t(std::ceil(o.arc_pool_factor * float(n_free)))));
    cand.resize(std::min(pool, n_free + 500));
    std::vector<uint32_t> more = arc_choice(cat, z_scored(score), cand, n_free, o.n, o);
    c.tracks.insert(c.tracks.end(), more.begin(), more.end());
    for (uint32_t t : cand)
        if (std::find(more.begin(), more.end(), t) == more.end()) c.spare.push_back(t);
    return c;
}

// The entries of `order` with their costs and the playlist's summary.
Playlist describe(const Catalog& cat, std::span<const uint32_t> order, const PlaylistOptions& o) {
    Playlist pl;
    std::vector<detail::TrackTraits> traits;
    for (uint32_t t : order) traits.push_back(detail::traits_of(cat, t));
    double sum_t = 0, sum_a = 0, sum_err = 0;
    size_t n_err = 0;
    for (size_t k = 0; k < order.size(); ++k) {
        PlaylistEntry e;
        e.track = order[k];
        if (k > 0) e.transition_cost = detail::traits_cost(traits[k - 1], traits[k], o.weights);
        if (o.bpm_arc) {
            e.target_bpm = arc_target_bpm(*o.bpm_arc, k, order.size());
            e.arc_cost = detail::traits_arc_cost(traits[k], e.target_bpm);
            float err = detail::folded_bpm_error(traits[k].bpm, e.target_bpm);
            if (std::isfinite(err)) sum_err += std::fabs(err), ++n_err;
        }
        sum_t += e.transition_cost, sum_a += e.arc_cost;
        pl.entries.push_back(e);
    }
    pl.mean_transition_cost = order.size() > 1 ? float(sum_t / double(order.size() - 1)) : 0.0f;
    pl.mean_arc_cost = o.bpm_arc ? float(sum_a / double(order.size())) : 0.0f;
    if (o.bpm_arc && n_err > 0) pl.mean_abs_bpm_error = float(sum_err / double(n_err));
    pl.total_cost = float(sum_t + o.arc_weight * sum_a);
    return pl;
}

// The chosen tracks in order (spare ones may replace chosen ones that are not seeds).
std::vector<uint32_t> ordered(const Catalog& cat, const Choice& choice, const std::vector<float>* score,
                              const PlaylistSeed* seed, const PlaylistOptions& o) {
    std::vector<uint32_t> all = choice.tracks;
    if (o.order == OrderMethod::by_fit) {
        if (score) std::stable_sort(all.begin(), all.end(), [&](uint32_t a, uint32_t b) { return (*score)[a] > (*score)[b]; });
        return all;
    }
    all.insert(all.end(), choice.spare.begin(), choice.spare.end());
    std::vector<detail::TrackTraits> traits;
    for (uint32_t t : all) traits.push_back(detail::traits_of(cat, t));
    std::vector<float> bias;
    std::vector<bool> fixed(all.size(), false);
    if (!choice.spare.empty() && score) {
        std::vector<float> z = z_scored(*score);
        for (size_t i = 0; i < all.size(); ++i) bias.push_back(-o.fit_weight * z[all[i]]);
        for (size_t i = 0; i < all.size() && seed; ++i)
            fixed[i] = std::find(seed->tracks.begin(), seed->tracks.end(), all[i]) != seed->tracks.end();
    }
    detail::CostTables c = detail::cost_tables(traits, o, choice.tracks.size(), bias);
    std::vector<size_t> path = detail::greedy_path(c);
    if (o.order == OrderMethod::optimised) path = detail::improve_path(c, std::move(path), fixed);
    std::vector<uint32_t> out;
    for (size_t i : path) out.push_back(all[i]);
    return out;
}

}  // namespace

// [SECTION] Playlists -----------------------------------------------------------------------------

Result<Playlist> make_playlist(const QueryEngine& engine, const PlaylistSeed& seed, const PlaylistOptions& options) {
    if (Status st = check_options(options); !st) return st;
    auto score = seed_set_scores(engine, seed, options);
    if (!score) return score.status();
    auto choice = choose(engine, *score, seed, options);
    if (!choice) return choice.status();
    const Catalog& cat = *engine.catalog();
    std::vector<uint32_t> order = ordered(cat, *choice, &*score, &seed, options);
    Playlist pl = describe(cat, order, options);
    std::vector<float> sorted = *score;
    std::sort(sorted.begin(), sorted.end());
    for (PlaylistEntry& e : pl.entries) {
        e.fit = percentile(sorted, (*score)[e.track]);
        e.is_seed = std::find(seed.tracks.begin(), seed.tracks.end(), e.track) != seed.tracks.end();
    }
    pl.n_candidates = choice->n_candidates;
    return pl;
}

Result<Playlist> order_tracks(const QueryEngine& engine, std::span<const uint32_t> tracks, const PlaylistOptions& options) {
    PlaylistOptions o = options;
    o.n = std::max<size_t>(tracks.size(), 1);
    if (Status st = check_options(o); !st) return st;
    if (!engine.catalog()) return bad("needs a catalog (the engine was made over raw arrays)");
    if (tracks.empty()) return bad("no tracks to order");
    std::vector<uint32_t> list(tracks.begin(), tracks.end());
    for (size_t i = 0; i < list.size(); ++i) {
        if (list[i] >= engine.n_tracks())
            return bad("track " + std::to_string(list[i]) + " is not in the catalog (" + std::to_string(engine.n_tracks()) + " tracks)");
        if (std::find(list.begin(), list.begin() + long(i), list[i]) != list.begin() + long(i))
            return bad("track " + engine.catalog()->tracks()[list[i]].id + " is listed twice");
    }
    const Catalog& cat = *engine.catalog();
    Choice choice;
    choice.tracks = std::move(list);
    Playlist pl = describe(cat, ordered(cat, choice, nullptr, nullptr, o), o);
    pl.n_candidates = tracks.size();
    return pl;
}

}  // namespace cf::query
