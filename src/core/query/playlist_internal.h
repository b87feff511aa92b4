// cuefinder core — playlist internals shared by playlist.cpp and playlist_order.cpp (not a public API).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/catalog/catalog.h"
#include "core/query/playlist.h"

namespace cf::query::detail {

/// What a transition looks at, per track, read once.
struct TrackTraits {
    std::vector<float> unit;  ///< unit embedding in the catalog's space
    float bpm = 0;            ///< 0: unknown
    float tempo_trust = 0;    ///< steady 1, uncertain 0.5, free/unknown 0
    float lufs = kUnknown;
};

TrackTraits traits_of(const Catalog& catalog, uint32_t track);
float traits_cost(const TrackTraits& a, const TrackTraits& b, const TransitionWeights& w);
float traits_arc_cost(const TrackTraits& t, float target_bpm);
/// The bpm's nearest of ×½, ×1, ×2 to the target minus the target, NaN for an unknown bpm.
float folded_bpm_error(float bpm, float target_bpm);

/// Costs of one ordering problem over m tracks and n_positions positions (n_positions ≤ m: with an
/// arc, spare tracks may replace chosen ones): transitions (m × m, symmetric) and each track at each
/// position (m × n_positions: arc_weight·arc cost plus the track's bias; empty without either).
struct CostTables {
    size_t m = 0, n_positions = 0;
    std::vector<float> transition;
    std::vector<float> at;
    float t(size_t a, size_t b) const { return transition[a * m + b]; }
    float a(size_t track, size_t position) const { return at.empty() ? 0.0f : at[track * n_positions + position]; }
};

/// `bias`: per track, added at every position (−fit_weight·fit when spare tracks compete), or empty.
CostTables cost_tables(std::span<const TrackTraits> traits, const PlaylistOptions& options, size_t n_positions,
                       std::span<const float> bias = {});
/// Σ transitions + Σ position costs of a path (indices into the tables).
float path_cost(const CostTables& c, std::span<const size_t> path);
/// The best greedy nearest-neighbour path through tracks 0..n_positions−1 over the starts tried (all up
/// to 200 tracks).
std::vector<size_t> greedy_path(const CostTables& c);
/// 2-opt + or-opt (and, when m > n_positions, replacing a track not `fixed` by a spare one) from
/// `path` until no move lowers path_cost. `fixed`: per track, or empty.
std::vector<size_t> improve_path(const CostTables& c, std::vector<size_t> path, const std::vector<bool>& fixed = {});

}  // namespace cf::query::detail
