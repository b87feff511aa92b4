// Search options for the JavaScript entry points (catalog_api.cpp, semantic_api.cpp): the CLIs and
// the app pass them as "key\tvalue" lines; tabs and newlines are not allowed inside values (the JS
// side replaces them).
//
//   auto o = cf::web::parse_search_options("k\t10\nbpm_min\t90\nmood_min\trelaxed\t0.5");
//   if (!o) return error(o.status().message());     // "unknown search option 'x'"
//   cat.passes(track, o->filters);
#pragma once

#include <string>
#include <vector>

#include "core/catalog/catalog.h"
#include "core/common/status.h"

namespace cf::web {

/// Splits "a\tb\nc\td" into records of fields; empty lines are skipped. `text` may be null.
std::vector<std::vector<std::string>> parse_records(const char* text);

/// A number, or cf::kUnknown for "", "null", "nan" and text that is not a number.
float parse_float(const std::string& s);

/// Index into cf::kMoodNames, or -1.
int mood_index(const std::string& name);

/// Options from "key\tvalue" lines: k, bpm_min, bpm_max, duration_min_s, duration_max_s,
/// mood_min<TAB>name<TAB>v, license<TAB>kind, exact, query_tag<TAB>label<TAB>p,
/// query_mood<TAB>name<TAB>p. Errors (invalid_argument): an unknown key or mood, k outside [1, 100000].
Result<SearchOptions> parse_search_options(const char* text);

}  // namespace cf::web
