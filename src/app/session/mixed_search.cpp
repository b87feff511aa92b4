// cuefinder app session — the mixed query (track + words + picture) over the catalog.
#include "app/session/mixed_search.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/semantic/semantic_search.h"

namespace cf::app {

namespace {

// Cosine of the query embedding to every track (the catalog's embeddings are unit vectors).
std::vector<float> track_similarity(const Catalog& catalog, const std::vector<float>& query) {
    double norm = 0;
    for (float v : query) norm += double(v) * v;
    const float inv = norm > 0 ? float(1.0 / std::sqrt(norm)) : 0.0f;
    std::vector<float> similarity(catalog.size());
    for (uint32_t t = 0; t < catalog.size(); ++t) {
        const std::vector<float> e = catalog.embedding(t);
        double s = 0;
        for (size_t d = 0; d < e.size() && d < query.size(); ++d) s += double(e[d]) * query[d];
        similarity[t] = float(s) * inv;
    }
    return similarity;
}

// Why: tags the query track and this one share (at most 2), then the concepts that carried the
// words' and the picture's scores for this track.
std::vector<std::string> explain_hit(const Catalog& catalog, const semantic::TextMatcher& m, const MixedQuery& q, bool track_part,
                                     uint32_t t) {
    std::vector<std::string> why;
    auto add = [&](const semantic::PreparedText& p) {
        for (const semantic::Contribution& c : m.explain(p, m.track_values(t), 3)) {
            const std::string& w = m.concepts()[c.index].words;
            if (std::find(why.begin(), why.end(), w) == why.end()) why.push_back(w);
        }
    };
    if (track_part) {
        size_t shared = 0;
        for (const TagScore& qt : q.track->tags) {
            if (qt.prob < 0.1f || shared == 2) continue;
            for (const TagScore& s : catalog.tracks()[t].top_tags)
                if (s.label == qt.label && s.prob >= 0.1f && std::find(why.begin(), why.end(), s.label) == why.end())
                    why.push_back(s.label), ++shared;
        }
    }
    if (q.text && q.weight_text > 0) add(*q.text);
    if (q.image_sees && q.weight_image > 0) add(*q.image_sees);
    if (q.image_feels && q.weight_image > 0) add(*q.image_feels);
    return why;
}

}  // namespace

std::vector<SearchHit> mixed_search(const Catalog& catalog, const semantic::TextMatcher& m, const MixedQuery& q,
                                    const SearchOptions& o) {
    std::vector<std::span<const float>> lists;
    std::vector<float> weights;
    std::vector<float> similarity;
    std::optional<uint32_t> exclude;
    const bool has_track = q.track && q.track->kind != Query::Kind::none;
    if (has_track && !q.track->embedding.empty() && q.weight_track > 0) {
        similarity = track_similarity(catalog, q.track->embedding);
        lists.push_back(similarity);
        weights.push_back(q.weight_track);
    }
    if (has_track && q.track->kind == Query::Kind::track) exclude = catalog.find(q.track->track_id);
    if (q.text && q.weight_text > 0) lists.push_back(q.text->scores), weights.push_back(q.weight_text);
    if (!q.image_scores.empty() && q.weight_image > 0) lists.push_back(q.image_scores), weights.push_back(q.weight_image);
    if (lists.empty()) return {};  // every weight at 0
    const std::vector<float> combined = semantic::combine_scores(lists, weights);
    std::vector<float> sorted = combined;
    std::sort(sorted.begin(), sorted.end());
    const std::vector<uint32_t> top = semantic::top_tracks(combined, o.k, [&](uint32_t t) {
        return (!exclude || t != *exclude) && catalog.passes(t, o.filters);
    });
    std::vector<SearchHit> hits;
    for (uint32_t t : top) {
        SearchHit h;
        h.track = t;
        h.id = catalog.tracks()[t].id;
        h.score = semantic::fraction_below(sorted, combined[t]);
        h.shared_tags = explain_hit(catalog, m, q, !similarity.empty(), t);
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
