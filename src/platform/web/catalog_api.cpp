// C entry points of the catalog for JavaScript (the `search` CLI in Node, the browser): open a catalog,
// search it; results come back as JSON. Strings returned stay valid until the next call that returns a
// string. Building a catalog: catalog_build_api.cpp.
#include <emscripten.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/analysis/analysis_json.h"
#include "core/catalog/catalog.h"
#include "core/match/calibration.h"
#include "platform/web/search_options.h"

namespace {

struct CatalogState {
    std::map<int, std::unique_ptr<cf::Catalog>> open;
    std::map<int, cf::match::MatchCalibration> calibration;  ///< per open catalog (none: fewer than 2 tracks)
    int next_handle = 1;
    std::string text;
};

CatalogState& cat_state() {
    static CatalogState s;
    return s;
}

const char* set_text(std::string t) {
    cat_state().text = std::move(t);
    return cat_state().text.c_str();
}

std::string num(double v, const char* fmt = "%.6g") {
    if (!std::isfinite(v)) return "null";
    char buf[40];
    std::snprintf(buf, sizeof buf, fmt, v);
    return buf;
}

std::string hits_json(const cf::Catalog& cat, const std::vector<cf::SearchHit>& hits) {
    std::string o = "{\"results\":[";
    for (size_t i = 0; i < hits.size(); ++i) {
        const cf::SearchHit& h = hits[i];
        const cf::TrackMeta& t = cat.tracks()[h.track];
        if (i) o += ",";
        o += "{\"rank\":" + std::to_string(i + 1) + ",\"id\":" + cf::json_quote(h.id) + ",\"path\":" + cf::json_quote(t.path) +
             ",\"title\":" + cf::json_quote(t.title) + ",\"artist\":" + cf::json_quote(t.artist) + ",\"composer\":" + cf::json_quote(t.composer) +
             ",\"source\":" + cf::json_quote(t.source) + ",\"license\":" + cf::json_quote(t.license) +
             ",\"license_kind\":" + cf::json_quote(cf::license_kind(t.license)) + ",\"attribution\":" + cf::json_quote(t.attribution) +
             ",\"preview\":" + cf::json_quote(t.preview) + ",\"score\":" + num(h.score) +
             ",\"match_percent\":" + num(h.match_percent, "%.1f") + ",\"bpm\":" + num(t.bpm, "%.1f") +
             ",\"duration_s\":" + num(t.duration_s, "%.2f") + ",\"loudness_lufs\":" + num(t.loudness_lufs, "%.1f") + ",\"top_tags\":[";
        for (size_t j = 0; j < t.top_tags.size(); ++j)
            o += (j ? "," : "") + std::string("[") + cf::json_quote(t.top_tags[j].label) + "," + num(t.top_tags[j].prob, "%.3f") + "]";
        o += "],\"moods\":{";
        for (size_t m = 0; m < cf::kNumMoods; ++m) o += (m ? "," : "") + cf::json_quote(cf::kMoodNames[m]) + ":" + num(t.moods[m], "%.3f");
        o += "},\"shared_tags\":[";
        for (size_t j = 0; j < h.shared_tags.size(); ++j) o += (j ? "," : "") + cf::json_quote(h.shared_tags[j]);
        o += "],\"shared_moods\":[";
        for (size_t j = 0; j < h.shared_moods.size(); ++j) o += (j ? "," : "") + cf::json_quote(h.shared_moods[j]);
        o += "]}";
    }
    return o + "]}";
}

// Keeps an opened catalog and its match calibration (computed once here, from its own embeddings).
int add_open(cf::Catalog catalog) {
    CatalogState& s = cat_state();
    const int h = s.next_handle++;
    if (auto cal = cf::match::calibrate_catalog(catalog)) s.calibration.emplace(h, std::move(*cal));
    s.open[h] = std::make_unique<cf::Catalog>(std::move(catalog));
    return h;
}

}  // namespace

extern "C" {

EMSCRIPTEN_KEEPALIVE const char* cf_catalog_last_text() { return cat_state().text.c_str(); }

/// Opens a catalog directory or .cfc file; returns a handle > 0, or -1 with the message.
EMSCRIPTEN_KEEPALIVE int cf_catalog_open(const char* path) {
    auto c = cf::Catalog::open(path);
    if (!c) return set_text(c.status().message()), -1;
    return add_open(std::move(*c));
}

/// Opens catalog.cfc bytes (copied). Returns a handle > 0, or -1.
EMSCRIPTEN_KEEPALIVE int cf_catalog_open_buffer(const uint8_t* bytes, double n_bytes, const char* name) {
    auto c = cf::Catalog::open_memory(std::span<const uint8_t>(bytes, size_t(n_bytes)), name);
    if (!c) return set_text(c.status().message()), -1;
    return add_open(std::move(*c));
}

EMSCRIPTEN_KEEPALIVE void cf_catalog_close(int handle) {
    cat_state().open.erase(handle);
    cat_state().calibration.erase(handle);
}

/// The match percent (0..100, core/match/calibration.h) of a similarity on this catalog's scale, or -1
/// when the catalog has no calibration (fewer than 2 tracks) or no such handle.
EMSCRIPTEN_KEEPALIVE double cf_catalog_match_percent(int handle, double similarity) {
    auto it = cat_state().calibration.find(handle);
    return it == cat_state().calibration.end() ? -1.0 : double(it->second.percent(float(similarity)));
}

EMSCRIPTEN_KEEPALIVE int cf_catalog_size(int handle) {
    auto it = cat_state().open.find(handle);
    return it == cat_state().open.end() ? -1 : int(it->second->size());
}

EMSCRIPTEN_KEEPALIVE int cf_catalog_dim(int handle) {
    auto it = cat_state().open.find(handle);
    return it == cat_state().open.end() ? -1 : int(it->second->dim());
}

/// Search by embedding (dim floats) or, when track_id is non-empty, by a catalog track. Returns
/// {"results": [...]} in rank order ("score": the raw cosine, "match_percent": calibrated 0..100 or
/// null), or {"error": ...}.
EMSCRIPTEN_KEEPALIVE const char* cf_catalog_search(int handle, const float* query, int dim, const char* track_id, const char* options) {
    auto it = cat_state().open.find(handle);
    if (it == cat_state().open.end()) return set_text("{\"error\":\"no such catalog handle\"}");
    const cf::Catalog& cat = *it->second;
    auto o = cf::web::parse_search_options(options);  // search_options.h
    if (!o) return set_text("{\"error\":" + cf::json_quote(o.status().message()) + "}");
    cf::Result<std::vector<cf::SearchHit>> hits = (track_id && *track_id)
                                                      ? cat.search_track(track_id, *o)
                                                      : cat.search(std::span<const float>(query, size_t(dim)), *o);
    if (!hits) return set_text("{\"error\":" + cf::json_quote(hits.status().message()) + "}");
    if (auto cal = cat_state().calibration.find(handle); cal != cat_state().calibration.end()) cal->second.apply(*hits);
    return set_text(hits_json(cat, *hits));
}

}  // extern "C"
