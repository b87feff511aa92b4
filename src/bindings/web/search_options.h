// Search options for the JavaScript entry points (catalog_api.cpp, semantic_api.cpp) as a JSON object:
//
//   {"k": 10, "bpm_min": 90, "bpm_max": 130, "duration_min_s": 60, "duration_max_s": 300,
//    "mood_min": {"relaxed": 0.5}, "license": ["cc-by", "cc0"], "exact": true,
//    "query_tags": {"rock": 0.8}, "query_moods": {"happy": 0.3},
//    "query_concepts": {"msd:rock": 0.8, "mtt:piano": 0.1, "mood:happy": 0.3}}
//
// query_concepts (a dropped file's every tag and mood, for the "why" of each result: core/query/
// match_why.h) is read by parse_search_request only.
//
// Every key is optional; null for a number means unknown (no bound). An unknown key, a wrong type, an
// unknown mood in mood_min or k outside [1, 100000] is an error naming the key. Unknown mood names in
// query_moods (a query's own analysis) are skipped.
//
//   auto v = cf::parse_json(text);  auto o = cf::web::parse_search_options(*v);
#pragma once

#include <string>

#include "core/catalog/catalog.h"
#include "core/common/status.h"
#include "core/io/json_reader.h"

namespace cf::web {

/// Index into cf::kMoodNames, or -1.
int mood_index(const std::string& name);

/// Applies the search option `key` = `value` to `o`. Returns false (and leaves `o`) when `key` is not
/// a search option, an error (invalid_argument, naming the key) when its value is wrong.
Result<bool> apply_search_option(const std::string& key, const JsonValue& value, SearchOptions& o);

/// The options of a JSON object (see above); an empty text is no options.
Result<SearchOptions> parse_search_options(const char* json_text);

/// The options and the query's concept values ("query_concepts": key → probability, null = unknown).
struct SearchRequest {
    SearchOptions options;
    std::vector<TagScore> query_concepts;  ///< label = the concept key ("msd:rock", "mood:happy")
};
Result<SearchRequest> parse_search_request(const char* json_text);

}  // namespace cf::web
