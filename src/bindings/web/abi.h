// The one error convention of every C export the JavaScript side calls (src/bindings/web/*.cpp; the
// list of exports with one line each: exports.h):
//
//   * an export returning int or double returns a value < 0 on failure (a handle, count or index is
//     >= 0 when it worked). Exceptions, where a result can legitimately be negative: cf_tsne_kl and
//     cf_catalog_match_percent return NaN on failure (test with Number.isNaN);
//   * an export returning a string (const char*) returns NULL (0) on failure;
//   * the message of the last failure is read with the one export cf_error() (UTF-8; "" when nothing
//     failed yet). It stays valid until the next failure; a successful call does not clear it;
//   * a returned string lives in one buffer per module: it stays valid until the next call of any
//     export that returns a string (cf_error() excepted, which has its own). Copy it out at once
//     (web/core_client.js: core.text / core.json / core.mustJson do);
//   * exports returning pointers to floats (cf_decoded_samples, cf_tsne_coords) return NULL on
//     failure; the floats are valid until the next call on the same object and until the heap grows;
//   * async work (cf_sem_*) reports its failure when polled: cf_sem_status returns -1 and sets
//     cf_error().
//   * two string exports never fail: cf_analysis_json (a failed analysis is a result, {"file", "error",
//     "code"}, which the CLI prints as that file's output) and cf_analysis_stage (a static string that
//     does not use the result buffer);
//   * void exports cannot fail (setters of the app's state, frees; unknown handles are ignored).
//
// Exceptions never cross into JS: an export that can throw (allocation) catches and fails.
//
//   if (!cat) return cf::bindings::fail(cat.status().message());        // int export: -1
//   if (!hits) return cf::bindings::fail_null(hits.status().message()); // string export: NULL
//   return cf::bindings::text(writer.take());                           // string export: the JSON
#pragma once

#include <string>

namespace cf::bindings {

/// Records `message` as the last failure (cf_error()) and returns -1.
int fail(std::string message);

/// Records `message` and returns NaN (exports whose double result can be negative).
double fail_nan(std::string message);

/// Records `message` and returns nullptr (string- and pointer-returning exports).
const char* fail_null(std::string message);

/// Keeps `s` in the module's one result buffer and returns it (valid until the next string export).
const char* text(std::string s);

}  // namespace cf::bindings
