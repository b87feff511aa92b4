// cuefinder app session — the mixed query: a track (dropped or chosen), words and a picture, each
// scored over the catalog, z-combined with weights, top-k with filters, "why" per hit. Kept apart so
// the core's query engine (src/core/query/) can replace it in one place.
#pragma once

#include <optional>
#include <span>
#include <vector>

#include "app/session/query.h"
#include "core/catalog/catalog.h"
#include "core/semantic/text_matcher.h"

namespace cf::app {

struct MixedQuery {
    const Query* track = nullptr;                         ///< the track part (kind none: no track part)
    const semantic::PreparedText* text = nullptr;         ///< the words part
    std::span<const float> image_scores;                  ///< the picture's per-track scores (empty: none)
    const semantic::PreparedText* image_sees = nullptr;   ///< for "why"
    const semantic::PreparedText* image_feels = nullptr;
    float weight_track = 1.0f, weight_text = 1.0f, weight_image = 1.0f;
};

/// Hits ranked by the combined score; each hit's score is its fraction of the catalog below (0..1).
/// Every weight 0 (or no part): no hits.
std::vector<SearchHit> mixed_search(const Catalog& catalog, const semantic::TextMatcher& matcher, const MixedQuery& q,
                                    const SearchOptions& options);

/// The query's concept values (tags and moods the matcher knows): a catalog track's own, or a
/// dropped file's from its analysis.
std::vector<float> query_concept_values(const Catalog& catalog, const semantic::TextMatcher& matcher, const Query& query);

}  // namespace cf::app
