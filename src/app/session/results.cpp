// cuefinder app session — filters → search options, the track search, the query's place on the map.
#include "app/session/results.h"

#include <algorithm>

namespace cf::app {

SearchOptions Filters::search_options(const Query& query) const {
    SearchOptions o;
    o.k = size_t(std::max(1, k));
    if (bpm) o.filters.bpm_min = bpm_min, o.filters.bpm_max = bpm_max;
    if (duration) o.filters.duration_min_s = duration_min_s, o.filters.duration_max_s = duration_max_s;
    if (moods)
        for (size_t m = 0; m < kNumMoods; ++m)
            if (mood_min[m] > 0) o.filters.mood_min[m] = mood_min[m];
    if (license) {
        for (auto& [kind, on] : license_kinds)
            if (on) o.filters.license_kinds.push_back(kind);
        if (o.filters.license_kinds.empty()) o.filters.license_kinds.push_back("(none)");  // nothing allowed
    }
    o.query_tags = query.tags;
    o.query_moods = query.moods;
    return o;
}

void Results::set(std::vector<SearchHit> list, bool fit) {
    hits = std::move(list);
    are_fit = fit;
    selected_row = hits.empty() ? -1 : 0;
}

int Results::row_of(uint32_t track) const {
    for (size_t i = 0; i < hits.size(); ++i)
        if (hits[i].track == track) return int(i);
    return -1;
}

Result<std::vector<SearchHit>> track_search(const query::QueryEngine& engine, const Query& query, const SearchOptions& options) {
    if (query.kind == Query::Kind::track) return engine.search_track(query.track_id, options);
    return engine.search(query.embedding, options, query_match_values(engine.explainer(), query));
}

std::vector<float> query_match_values(const query::MatchExplainer* e, const Query& query) {
    if (!e || query.kind != Query::Kind::file) return {};
    return e->values_of([&](std::string_view key) {
        if (key.starts_with("mood:")) {
            for (size_t i = 0; i < kNumMoods; ++i)
                if (key.substr(5) == kMoodNames[i]) return query.moods[i];
            return kUnknown;
        }
        auto it = query.all_tags.find(std::string(key));
        return it == query.all_tags.end() ? kUnknown : it->second;
    });
}

std::string hit_why(const SearchHit& hit) {
    if (!hit.why.empty()) return hit.why;
    std::string why;
    for (const std::string& s : hit.shared_tags) why += (why.empty() ? "" : ", ") + s;
    for (const std::string& s : hit.shared_moods) why += (why.empty() ? "" : ", ") + s;
    return why;
}

std::optional<MapPoint> query_map_position(const Catalog& catalog, const Query& query, const std::vector<float>& layout_xy) {
    if (query.kind == Query::Kind::file) {
        SearchOptions plain;
        plain.k = 10;
        auto q = catalog.to_query(query.embedding);  // the file's embedding in the catalog's space
        if (!q) return std::nullopt;
        auto nn = catalog.search(*q, plain);
        if (!nn) return std::nullopt;
        std::vector<uint32_t> idx;
        std::vector<float> w;
        for (const SearchHit& h : *nn) idx.push_back(h.track), w.push_back(std::max(0.0f, h.score) * std::max(0.0f, h.score));
        return place_among(layout_xy, idx, w);
    }
    if (auto t = catalog.find(query.track_id); t && 2 * *t + 1 < layout_xy.size())
        return MapPoint{layout_xy[2 * *t], layout_xy[2 * *t + 1]};
    return std::nullopt;
}

}  // namespace cf::app
