// The text and picture search sessions of semantic_api.cpp, for other bindings that run an operation on
// one (suggest_api.cpp). One operation at a time per handle: beginning one abandons the previous; its
// result or failure is read from JavaScript with cf_sem_status / cf_sem_result as for cf_sem_search.
#pragma once

#include <string>
#include <vector>

#include "core/catalog/catalog.h"
#include "core/common/status.h"
#include "core/model/embedder.h"
#include "core/query/query_engine.h"
#include "core/semantic/semantic_search.h"

namespace cf::bindings {

struct SemanticParts {
    Embedder* embedder = nullptr;
    semantic::SemanticSearch* search = nullptr;            ///< attached and ready
    const std::vector<std::string>* image_labels = nullptr;  ///< may be empty
    const Catalog* catalog = nullptr;                       ///< null over raw arrays
    const query::QueryEngine* engine = nullptr;
    int handle = 0, generation = 0;
};

/// Starts an operation on handle `h` (status pending): its parts, or an error (no such handle, not
/// attached yet) — also recorded as the session's failure when the handle exists.
Result<SemanticParts> semantic_begin(int h);
/// The catalog handle `h` is attached to (no operation starts), or nullptr (no handle, raw arrays).
const Catalog* semantic_catalog(int h);
/// Whether operation `generation` on `h` is still the current one.
bool semantic_live(int h, int generation);
/// Ends the operation with a result (cf_sem_result) or a failure (cf_sem_status -1); ignored when it
/// is no longer current.
void semantic_done(int h, int generation, std::string result);
void semantic_failed(int h, int generation, std::string message);

}  // namespace cf::bindings
