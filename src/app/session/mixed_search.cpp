// cuefinder app session — the app's parts → the core's mixed query, and its rows → the matches list.
#include "app/session/mixed_search.h"

#include <string>

#include "app/session/results.h"
#include "app/session/words_model.h"
#include "core/semantic/semantic_search.h"

namespace cf::app {

query::MixedQuery mixed_query(const Catalog& catalog, const Query& track, const TextPart& text, const ImagePart& image,
                              const MixWeights& weights, const SearchOptions& options, const query::MatchExplainer* explainer) {
    query::MixedQuery q;
    if (track.kind == Query::Kind::track) q.track_index = catalog.find(track.track_id);
    else if (track.kind == Query::Kind::file) q.track = query::unit_vector(track.embedding);
    q.track_tags = track.tags;
    q.track_values = query_match_values(explainer, track);
    if (text.prepared) q.texts.push_back(query::TextQuery{text.text, *text.prepared});
    if (!image.name.empty()) q.picture = image.picture;
    q.weights = query::Weights{weights.track, weights.text, weights.image};
    q.options = options;
    return q;
}

Result<std::vector<SearchHit>> mixed_search(const query::QueryEngine& engine, const semantic::TextMatcher& matcher,
                                            const query::MixedQuery& q) {
    const bool has_track = !q.track.empty() || q.track_index;
    const bool weighted = (has_track && q.weights.track > 0) || (!q.texts.empty() && q.weights.text > 0) || (q.picture && q.weights.picture > 0);
    if (!weighted) return std::vector<SearchHit>{};  // every weight at 0
    auto r = engine.run(q, &matcher);
    if (!r) return r.status();
    std::vector<SearchHit> hits;
    for (query::ResultRow& row : r->results) {
        SearchHit h;
        h.track = row.track;
        h.id = engine.catalog()->tracks()[row.track].id;
        h.score = row.score;
        h.shared_tags = std::move(row.words);
        hits.push_back(std::move(h));
    }
    return hits;
}

std::vector<float> query_concept_values(const Catalog& catalog, const semantic::TextMatcher& m, const Query& query) {
    if (query.kind == Query::Kind::track) {
        if (auto t = catalog.find(query.track_id)) {
            auto v = m.track_values(*t);
            return {v.begin(), v.end()};
        }
    }
    return semantic::item_concept_values(m.concepts(), [&](const std::string& set, const std::string& label) {
        if (set == "mood") {
            for (size_t i = 0; i < kNumMoods; ++i)
                if (label == kMoodNames[i]) return query.moods[i];
            return kUnknown;
        }
        auto it = query.all_tags.find(set + ":" + label);
        return it == query.all_tags.end() ? kUnknown : it->second;
    });
}

}  // namespace cf::app
