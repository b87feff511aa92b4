// cuefinder app session — the app's query parts as the core query engine's mixed query
// (core/query/query_engine.h owns the mix: track + words + picture, filters, top-k, explanations).
#pragma once

#include <optional>
#include <vector>

#include "app/session/query.h"
#include "core/catalog/catalog.h"
#include "core/query/query_engine.h"
#include "core/semantic/text_matcher.h"

namespace cf::app {

struct TextPart;
struct ImagePart;

struct MixWeights {
    float track = 1.0f, text = 1.0f, image = 1.0f;  ///< 0 leaves a part out
};

/// The engine's mixed query: the query track (a catalog track by index, never a result; a dropped
/// file by its unit embedding and, with `explainer`, its concept values for the "why"), the words, the
/// picture, their weights and `options`.
query::MixedQuery mixed_query(const Catalog& catalog, const Query& track, const TextPart& text, const ImagePart& image,
                              const MixWeights& weights, const SearchOptions& options,
                              const query::MatchExplainer* explainer = nullptr);

/// The mixed query's matches as the list the app shows: score = the mix's percentile (0..1), the
/// "why" words in shared_tags. No part with a weight above 0: no matches.
Result<std::vector<SearchHit>> mixed_search(const query::QueryEngine& engine, const semantic::TextMatcher& matcher,
                                            const query::MixedQuery& q);

/// The query's concept values (tags and moods the matcher knows): a catalog track's own, or a
/// dropped file's from its analysis.
std::vector<float> query_concept_values(const Catalog& catalog, const semantic::TextMatcher& matcher, const Query& query);

}  // namespace cf::app
