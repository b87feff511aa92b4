// C entry points of the catalog for JavaScript (the `search` CLI in Node, the browser): open a catalog,
// search it; results come back as JSON. Errors and returned strings: abi.h. Building a catalog:
// catalog_build_api.cpp.
// The search itself is the core's query engine (core/query/query_engine.h), which also calibrates
// each catalog's match percent once, when it is opened.
#include <emscripten.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/catalog/catalog.h"
#include "core/common/json.h"
#include "core/query/query_engine.h"
#include "bindings/web/abi.h"
#include "bindings/web/exports.h"
#include "bindings/web/search_options.h"
#include "core/rhythm/tempo_reading.h"

namespace {

/// An open catalog and the engine over it (which borrows it: both live and die together).
struct OpenCatalog {
    std::unique_ptr<cf::Catalog> catalog;
    std::unique_ptr<cf::query::QueryEngine> engine;
};

struct CatalogState {
    std::map<int, OpenCatalog> open;
    int next_handle = 1;
};

CatalogState& cat_state() {
    static CatalogState s;
    return s;
}

const OpenCatalog* find_open(int handle) {
    auto it = cat_state().open.find(handle);
    return it == cat_state().open.end() ? nullptr : &it->second;
}

std::string no_handle(int handle) { return "no catalog with handle " + std::to_string(handle); }

// One hit: the track's metadata, the raw cosine and its calibrated match percent, why it matched.
void write_hit(cf::JsonWriter& w, const cf::Catalog& cat, const cf::SearchHit& h, size_t rank) {
    const cf::TrackMeta& t = cat.tracks()[h.track];
    w.begin_object().key("rank").value(rank).key("id").value(h.id).key("path").value(t.path).key("title").value(t.title);
    w.key("artist").value(t.artist).key("composer").value(t.composer).key("source").value(t.source);
    w.key("license").value(t.license).key("license_kind").value(cf::license_kind(t.license)).key("attribution").value(t.attribution);
    w.key("preview").value(t.preview).key("score").number(h.score).key("match_percent").number(h.match_percent, "%.1f");
    w.key("bpm").number(t.bpm, "%.1f");
    cf::write_tempo_json(w, cf::tempo_reading(t.bpm, t.bpm_confidence));
    w.key("duration_s").number(t.duration_s, "%.2f").key("loudness_lufs").number(t.loudness_lufs, "%.1f");
    w.key("top_tags").begin_array();
    for (const cf::TagScore& tag : t.top_tags) w.begin_array().value(tag.label).number(tag.prob, "%.3f").end_array();
    w.end_array().key("moods").begin_object();
    for (size_t m = 0; m < cf::kNumMoods; ++m) w.key(cf::kMoodNames[m]).number(t.moods[m], "%.3f");
    w.end_object().key("shared_tags").begin_array();
    for (const std::string& tag : h.shared_tags) w.value(tag);
    w.end_array().key("shared_moods").begin_array();
    for (const std::string& mood : h.shared_moods) w.value(mood);
    w.end_array().key("why").value(h.why).end_object();
}

// A file's concept values in the engine's explainer order, from "query_concepts" (none given: none).
std::vector<float> query_values(const cf::query::QueryEngine& engine, const std::vector<cf::TagScore>& concepts) {
    if (concepts.empty() || !engine.explainer()) return {};
    return engine.explainer()->values_of([&](std::string_view key) {
        for (const cf::TagScore& c : concepts)
            if (c.label == key) return c.prob;
        return cf::kUnknown;
    });
}

std::string hits_json(const cf::Catalog& cat, const std::vector<cf::SearchHit>& hits) {
    cf::JsonWriter w;
    w.begin_object().key("results").begin_array();
    for (size_t i = 0; i < hits.size(); ++i) write_hit(w, cat, hits[i], i + 1);
    return w.end_array().end_object().take();
}

// Keeps an opened catalog and its engine (the match calibration is computed once, here).
int add_open(cf::Catalog catalog) {
    CatalogState& s = cat_state();
    const int h = s.next_handle++;
    OpenCatalog& o = s.open[h];
    o.catalog = std::make_unique<cf::Catalog>(std::move(catalog));
    o.engine = std::make_unique<cf::query::QueryEngine>(*o.catalog);
    return h;
}

}  // namespace

extern "C" {

/// Opens a catalog directory or .cfc file; returns a handle > 0, or -1.
EMSCRIPTEN_KEEPALIVE int cf_catalog_open(const char* path) {
    auto c = cf::Catalog::open(path);
    if (!c) return cf::bindings::fail(c.status().message());
    return add_open(std::move(*c));
}

/// Opens catalog.cfc bytes (copied). Returns a handle > 0, or -1.
EMSCRIPTEN_KEEPALIVE int cf_catalog_open_buffer(const uint8_t* bytes, double n_bytes, const char* name) {
    auto c = cf::Catalog::open_memory(std::span<const uint8_t>(bytes, size_t(n_bytes)), name);
    if (!c) return cf::bindings::fail(c.status().message());
    return add_open(std::move(*c));
}

EMSCRIPTEN_KEEPALIVE void cf_catalog_close(int handle) { cat_state().open.erase(handle); }

/// The match percent (0..100, core/match/calibration.h) of a similarity on this catalog's scale, or NaN
/// when the catalog has no calibration (fewer than 2 tracks) or no such handle.
EMSCRIPTEN_KEEPALIVE double cf_catalog_match_percent(int handle, double similarity) {
    const OpenCatalog* o = find_open(handle);
    if (!o) return cf::bindings::fail_nan(no_handle(handle));
    const cf::match::MatchCalibration* cal = o->engine->calibration();
    if (!cal) return cf::bindings::fail_nan("the catalog has no match calibration (fewer than 2 tracks)");
    return double(cal->percent(float(similarity)));
}

EMSCRIPTEN_KEEPALIVE int cf_catalog_size(int handle) {
    const OpenCatalog* o = find_open(handle);
    return o ? int(o->catalog->size()) : cf::bindings::fail(no_handle(handle));
}

EMSCRIPTEN_KEEPALIVE int cf_catalog_dim(int handle) {
    const OpenCatalog* o = find_open(handle);
    return o ? int(o->catalog->dim()) : cf::bindings::fail(no_handle(handle));
}

/// Values of a file's embedding for cf_catalog_search (the catalog's space's input; dim without one), or -1.
EMSCRIPTEN_KEEPALIVE int cf_catalog_input_dim(int handle) {
    const OpenCatalog* o = find_open(handle);
    return o ? int(o->catalog->input_dim()) : cf::bindings::fail(no_handle(handle));
}

/// {"n_tracks", "dim", "input_dim", "format_version", "embedding", "space": {"name", "input", "dim_in",
/// "dim_out"} or null, "space_note": "" or the note for a catalog from before the learned similarity
/// space (Catalog::space_status: it is searched with the plain embedding; front ends show it once)}, or NULL.
EMSCRIPTEN_KEEPALIVE const char* cf_catalog_info(int handle) {
    const OpenCatalog* o = find_open(handle);
    if (!o) return cf::bindings::fail_null(no_handle(handle));
    const cf::Catalog& c = *o->catalog;
    cf::JsonWriter w;
    w.begin_object().key("n_tracks").value(c.size()).key("dim").value(c.dim()).key("input_dim").value(c.input_dim());
    w.key("format_version").value(size_t(c.format_version())).key("embedding").value(c.embedding_name()).key("space");
    if (const auto& s = c.space())
        w.begin_object().key("name").value(s->name).key("input").value(s->input).key("dim_in").value(s->dim_in)
            .key("dim_out").value(s->dim_out).end_object();
    else
        w.null();
    const cf::Status note = c.space_status();
    w.key("space_note").value(note ? std::string() : note.message());
    return cf::bindings::text(w.end_object().take());
}

/// Search by a file's embedding (input_dim floats: the core maps it into the catalog's similarity space)
/// or, when track_id is non-empty, by a catalog track. Returns
/// {"results": [...]} in rank order ("score": the raw cosine, "match_percent": calibrated 0..100 or
/// null, "why": what stands out — a file's needs "query_concepts"), or NULL. options_json: a JSON
/// object (search_options.h) or "".
EMSCRIPTEN_KEEPALIVE const char* cf_catalog_search(int handle, const float* query, int dim, const char* track_id,
                                                   const char* options_json) {
    const OpenCatalog* open = find_open(handle);
    if (!open) return cf::bindings::fail_null(no_handle(handle));
    auto r = cf::web::parse_search_request(options_json);  // search_options.h
    if (!r) return cf::bindings::fail_null(r.status().message());
    const cf::query::QueryEngine& engine = *open->engine;
    cf::Result<std::vector<cf::SearchHit>> hits =
        (track_id && *track_id) ? engine.search_track(track_id, r->options)
                                : engine.search(std::span<const float>(query, size_t(dim)), r->options, query_values(engine, r->query_concepts));
    if (!hits) return cf::bindings::fail_null(hits.status().message());
    return cf::bindings::text(hits_json(*open->catalog, *hits));
}

}  // extern "C"
