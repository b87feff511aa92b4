// cuefinder app session — filters, the track search and the matches list.
//
//   cf::app::Filters f;  f.bpm = true;  f.bpm_min = 90;  f.bpm_max = 130;
//   cf::SearchOptions o = f.search_options(query);
//   auto hits = cf::app::track_search(engine, query, o);   // cosine, calibrated % (core/query)
#pragma once

#include <array>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "app/session/query.h"
#include "core/catalog/catalog.h"
#include "core/query/query_engine.h"

namespace cf::app {

/// The filters panel's values (each group applies only when its switch is on).
struct Filters {
    bool bpm = false, duration = false, moods = false, license = false;
    float bpm_min = 80, bpm_max = 140, duration_min_s = 60, duration_max_s = 300;
    std::array<float, kNumMoods> mood_min = {0, 0, 0, 0, 0};
    std::map<std::string, bool> license_kinds;  ///< license kind → allowed (every kind of the catalog)
    int k = 25;                                 ///< matches to show

    /// The core's search options for `query` (k, the switched-on filters, the query's tags and moods
    /// for "why it matched"). License filter on with every kind off: nothing passes.
    SearchOptions search_options(const Query& query) const;
};

/// The matches list and its selected row.
struct Results {
    std::vector<SearchHit> hits;
    int selected_row = -1;            ///< -1: none
    bool are_fit = false;             ///< scores are calibrated fits (0..1, words/picture), not cosines

    void clear() { hits.clear(), selected_row = -1, are_fit = false; }
    /// Replaces the list; the first row is selected.
    void set(std::vector<SearchHit> list, bool fit);
    bool has_selection() const { return selected_row >= 0 && size_t(selected_row) < hits.size(); }
    const SearchHit* selected() const { return has_selection() ? &hits[size_t(selected_row)] : nullptr; }
    /// The row showing `track`, or -1.
    int row_of(uint32_t track) const;
};

/// Tracks nearest to the query's embedding (a catalog track is left out of its own list), ranked by
/// cosine, with the calibrated match % (the core's query engine).
Result<std::vector<SearchHit>> track_search(const query::QueryEngine& engine, const Query& query, const SearchOptions& options);

/// A dropped file's concept values in the engine's explainer order (core/query/match_why.h), from its
/// analysis (every tag and the moods); empty for a catalog track (the engine has its own) or no explainer.
std::vector<float> query_match_values(const query::MatchExplainer* explainer, const Query& query);

/// A hit's "why" as the app shows it: what stands out in the match (SearchHit::why), else the shared
/// tags and moods, else the mixed query's words (in shared_tags).
std::string hit_why(const SearchHit& hit);

/// Where a query goes on the map: a dropped file among its 10 nearest tracks (unfiltered, weighted by
/// squared similarity), a catalog track at its own place. nullopt when neither applies.
std::optional<MapPoint> query_map_position(const Catalog& catalog, const Query& query, const std::vector<float>& layout_xy);

}  // namespace cf::app
