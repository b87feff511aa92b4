// cuefinder core — playlists: a seed (tracks, dropped files, words, a picture, a map lasso) → N catalog
// tracks that match the seed SET as a whole, in a smooth order (adjacent tracks close in embedding,
// tempo allowing half/double time, and loudness), optionally along a tempo arc (warm-up → peak →
// cool-down). The app, `./cuefinder playlist` and tools/bench/playlist share this one implementation.
//
//   cf::query::QueryEngine engine(catalog);
//   cf::query::PlaylistSeed seed;
//   seed.tracks = {*catalog.find("supertux/airship_2"), *catalog.find("supertux/bonus")};  // a lasso, picks
//   seed.embeddings.push_back(file_embedding);          // a dropped file: its analysis's embedding (input_dim())
//   seed.scores = query::mix_scores(*engine.run(words_query, &matcher));  // words / a picture: one score per track
//   cf::query::PlaylistOptions o;
//   o.n = 20;
//   o.bpm_arc = cf::query::BpmArc{90, 140, 100};        // or *parse_bpm_arc("90:140:100")
//   auto pl = cf::query::make_playlist(engine, seed, o);
//   if (!pl) return pl.status();                         // "playlist: the seed is empty: …"
//   for (const cf::query::PlaylistEntry& e : pl->entries)
//       show(e.track, e.fit, e.transition_cost, e.target_bpm);  // the map draws the path in this order
//   std::string m3u = cf::query::to_m3u8(catalog, *pl, {});   // also to_xspf, to_csv (credits)
//
// Selection. Each seed gives one similarity per catalog track: a seed track or file the cosine in the
// catalog's similarity space, a words/picture query its scores. Each list is z-scored over the catalog
// and the lists are joined into one score per track: by default their mean (SeedSetMode::mean: a track
// scores high when it is close to the seeds together), or a soft minimum (SeedSetMode::soft_min,
// temperature PlaylistOptions::softmin_temperature: close to EVERY seed). Either matches the set as a
// whole rather than the union of each seed's nearest neighbours (SeedSetMode::union_nn, kept as the
// benchmark's baseline). On the demo catalog the mean beat the soft minimum at every temperature on
// the tuning half of the packages (docs/benchmarks/playlists.md), hence the default.
//
// Order. The cost of a path is the sum of its transition costs plus, with a BPM arc, arc_weight times
// each track's distance from its position's target tempo. The order starts from the best greedy
// nearest-neighbour path over every start (up to 200) and is improved by 2-opt (reversing a stretch)
// and or-opt (moving a run of 1–3 tracks; beyond 300 tracks moves reach 60 positions) until no move
// helps: never worse than greedy, deterministic. n = 100 takes ~9 ms in WASM (~40 ms with an arc). With an
// arc the tracks are first chosen per position (fit and tempo) from arc_pool_factor·n best-fitting
// ones, and the search may also swap a chosen track (not a seed) for a spare one of that pool.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/catalog/catalog.h"
#include "core/common/status.h"
#include "core/query/query_engine.h"

namespace cf::query {

// [SECTION] Options -------------------------------------------------------------------------------

/// A tempo arc: the target BPM rises linearly from start_bpm to peak_bpm at position peak_at (0..1 of
/// the playlist) and falls linearly to end_bpm at the last track.
struct BpmArc {
    float start_bpm = 0, peak_bpm = 0, end_bpm = 0;  ///< each in 30..300
    float peak_at = 0.5f;                             ///< where the peak is, 0..1
};

/// "90:140:100" (start:peak:end) or "120" (a flat target). Errors (invalid_argument) name the text.
Result<BpmArc> parse_bpm_arc(std::string_view text);
/// The arc's target BPM at position `i` of `n` tracks (i < n; n = 1: start_bpm).
float arc_target_bpm(const BpmArc& arc, size_t i, size_t n);

/// How much each part of a transition counts (each part is scaled to about 0..1: see transition_cost).
struct TransitionWeights {
    float embedding = 1.0f;  ///< cosine distance in the catalog's space
    float tempo = 0.5f;      ///< tempo distance allowing half/double time
    float loudness = 0.25f;  ///< loudness difference
};

enum class SeedSetMode {
    mean,      ///< the mean of the seeds' z-scored similarities (the default)
    soft_min,  ///< close to every seed: a soft minimum of the z-scored similarities
    union_nn,  ///< each seed's nearest neighbours in turn (the baseline: no "set" at all)
};

enum class OrderMethod {
    optimised,  ///< best greedy start + 2-opt + or-opt (the default)
    greedy,     ///< greedy nearest neighbour from the best start (the benchmark's baseline)
    by_fit,     ///< best fit first (no ordering)
};

struct PlaylistOptions {
    size_t n = 20;                        ///< tracks in the playlist, 1..1000
    std::optional<BpmArc> bpm_arc;        ///< a target tempo per position, or none
    float arc_weight = 1.0f;              ///< how much a position's tempo miss costs against a transition
    TransitionWeights weights;
    SearchFilters filters;                ///< tracks must pass (Catalog::passes)
    bool include_seeds = true;            ///< catalog seed tracks are in the playlist (else left out)
    SeedSetMode selection = SeedSetMode::mean;
    float softmin_temperature = 1.0f;     ///< in z units; large → the mean, small → the worst seed alone
    OrderMethod order = OrderMethod::optimised;
    /// With a BPM arc the playlist is chosen from this many times n best-fitting tracks, so that tracks
    /// near each position's tempo can be found; fit still counts (fit_weight).
    float arc_pool_factor = 3.0f;
    float fit_weight = 1.0f;              ///< with an arc: a z unit of fit against arc cost when choosing
};

/// The seed: any mix of catalog tracks, files' embeddings and per-track scores; at least one.
struct PlaylistSeed {
    /// Catalog track indices (a selection, a lasso, picks). Beyond 64, 64 evenly spaced ones are scored
    /// (all are still seeds: in the playlist with include_seeds, never chosen again without).
    std::vector<uint32_t> tracks;
    std::vector<std::vector<float>> embeddings;  ///< files' embeddings as analysed (input_dim() values each)
    std::vector<float> scores;                   ///< one score per catalog track (mix_scores()), or empty
};

// [SECTION] Results -------------------------------------------------------------------------------

struct PlaylistEntry {
    uint32_t track = 0;
    float fit = 0;              ///< how well it matches the seed set: percentile among the catalog, 0..1
    float transition_cost = 0;  ///< from the previous entry (0 for the first)
    float target_bpm = kUnknown;  ///< the arc's target at this position (NaN without an arc)
    float arc_cost = 0;         ///< the tempo miss against target_bpm (0 without an arc)
    bool is_seed = false;       ///< a seed track
};

struct Playlist {
    std::vector<PlaylistEntry> entries;  ///< in play order
    float mean_transition_cost = 0;      ///< over the n − 1 transitions (0 for one track)
    float mean_arc_cost = 0;             ///< over the entries (0 without an arc)
    /// |bpm − target| over entries with a known bpm, bpm taken at ×½, ×1 or ×2, whichever is nearest
    /// (NaN without an arc or without known tempos)
    float mean_abs_bpm_error = kUnknown;
    float total_cost = 0;                ///< the optimised objective: Σ transitions + arc_weight·Σ arc
    size_t n_candidates = 0;             ///< tracks that passed the filters
};

// [SECTION] Calls ---------------------------------------------------------------------------------

/// The playlist. Errors (invalid_argument, each naming the problem): n = 0 or > 1000, an empty seed,
/// a seed track out of range, a file embedding of the wrong size, scores of the wrong size or with
/// NaN, a bad arc (bpm outside 30..300, peak_at outside 0..1), negative weights, an engine over raw
/// arrays (no catalog); not_found when fewer than n tracks pass the filters (says how many do).
Result<Playlist> make_playlist(const QueryEngine& engine, const PlaylistSeed& seed, const PlaylistOptions& options);

/// Orders given tracks (a selection as it is) by options.order with options' weights and arc; n is
/// ignored, fit is left 0. Errors: an empty list, a repeated track, a track out of range.
Result<Playlist> order_tracks(const QueryEngine& engine, std::span<const uint32_t> tracks,
                              const PlaylistOptions& options);

/// Seed-set score of every catalog track (higher = fits the set better) by options.selection; the
/// errors of make_playlist's seed checks. For union_nn: a rank-based score (round-robin over the seeds'
/// neighbour lists).
Result<std::vector<float>> seed_set_scores(const QueryEngine& engine, const PlaylistSeed& seed,
                                           const PlaylistOptions& options);

/// The cost of playing b right after a (symmetric, ≥ 0): weights.embedding·(1 − cos)/2 (0..1) +
/// weights.tempo·tempo part + weights.loudness·loudness part. Tempo part: the smallest |log2| of the
/// BPM ratio over b×½, ×1, ×2 over 0.5 (0..1), trusted by how sure both readings are (core/rhythm/
/// tempo_reading.h: steady 1, uncertain 0.5, free/unknown 0) and otherwise the neutral 0.5.
/// Loudness part: |ΔLUFS| / 12 dB capped at 1, 0.5 when either is unknown.
float transition_cost(const Catalog& catalog, uint32_t a, uint32_t b, const TransitionWeights& weights);

/// A track's tempo miss against a target BPM: |log2(bpm/target)| (half/double counted with +0.25),
/// scaled like the tempo part (0..1, neutral 0.5 when the track's tempo is unsure).
float arc_cost(const Catalog& catalog, uint32_t track, float target_bpm);

/// The mean transition cost of playing `order` as given (the benchmark's catalog and random orders).
float mean_transition_cost(const Catalog& catalog, std::span<const uint32_t> order, const TransitionWeights& weights);

/// One score per catalog track from a mixed query's inputs (words, picture, track): each input's raw
/// scores z-combined with its weight, as QueryEngine::run mixes them; the raw scores with one input.
std::vector<float> mix_scores(const MixedResult& result);

// [SECTION] Export --------------------------------------------------------------------------------

struct PlaylistExportOptions {
    std::string title = "cuefinder playlist";
    /// Where each catalog track's audio is, relative to the catalog directory (e.g. "audio/<file>" from
    /// catalog.json's full audio), one per catalog track or empty. An empty entry (or list) falls back
    /// to "previews/<TrackMeta::preview>", then TrackMeta::path.
    std::vector<std::string> locations;
    std::string base;  ///< prefix for every location ("" = relative to the catalog directory)
};

/// "#EXTM3U", "#PLAYLIST:<title>", then per entry "#EXTINF:<seconds>,<artist> - <title>" (seconds −1 when
/// unknown) and its location; LF line ends, UTF-8.
std::string to_m3u8(const Catalog& catalog, const Playlist& playlist, const PlaylistExportOptions& options);
/// XSPF 1 (xmlns http://xspf.org/ns/0/): title, and per track location (URI-escaped), title, creator,
/// annotation (license and attribution), duration (ms), all XML-escaped.
std::string to_xspf(const Catalog& catalog, const Playlist& playlist, const PlaylistExportOptions& options);
/// CSV with credits (core/common/csv.h: quoted, formula-safe, CRLF): position,id,title,artist,composer,
/// license,attribution,source,bpm,target_bpm,fit,transition_cost,location.
std::string to_csv(const Catalog& catalog, const Playlist& playlist, const PlaylistExportOptions& options);

}  // namespace cf::query
