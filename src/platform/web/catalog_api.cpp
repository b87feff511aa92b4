// C entry points of the catalog for JavaScript (the `catalog build` and `search` CLIs in Node, later
// the browser): build a catalog from analysed tracks, open one, search it. Records cross the boundary
// as "key\tvalue" lines (tabs and newlines are not allowed inside values; the JS side replaces them);
// results come back as JSON. Strings returned stay valid until the next call that returns a string.
#include <emscripten.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "core/analysis/analysis_json.h"
#include "core/catalog/catalog.h"
#include "core/map/tsne.h"
#include "core/match/calibration.h"
#include "platform/web/search_options.h"

namespace {

struct CatalogState {
    std::unique_ptr<cf::CatalogBuilder> builder;
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

EMSCRIPTEN_KEEPALIVE void cf_catalog_builder_new(int dim, const char* embedding_name) {
    cat_state().builder = std::make_unique<cf::CatalogBuilder>(size_t(dim), embedding_name);
}

/// The catalog's tag labels for the TAGP section (CatalogBuilder::set_tag_labels): one label per line,
/// written "<set>:<label>" ("msd:rock\nmsd:pop\n…\nmtt:piano"); empty lines are skipped. Call after
/// cf_catalog_builder_new and before the first cf_catalog_builder_add; every track then needs a "tagp"
/// line. Returns 0, or -1 (message in cf_catalog_last_text()).
EMSCRIPTEN_KEEPALIVE int cf_catalog_builder_set_tag_labels(const char* newline_separated) {
    CatalogState& s = cat_state();
    if (!s.builder) return set_text("no catalog builder (cf_catalog_builder_new first)"), -1;
    std::vector<std::string> labels;
    std::stringstream in(newline_separated ? newline_separated : "");
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (!line.empty()) labels.push_back(std::move(line));
    }
    const cf::Status st = s.builder->set_tag_labels(std::move(labels));
    if (!st) return set_text(st.message()), -1;
    return 0;
}

/// meta: "key\tvalue" lines (id, title, artist, composer, genre, source, license, attribution, path,
/// preview, duration_s, bpm, bpm_confidence, loudness_lufs, segment_start_s, segment_duration_s),
/// "tag\tlabel\tprob" lines (best first), "mood\tname\tvalue" lines and, when the catalog has tag
/// labels (cf_catalog_builder_set_tag_labels), one "tagp\tp0,p1,…" line: every label's probability
/// (0..1) in label order, comma-separated. Returns 0, or -1 (message in cf_catalog_last_text()).
EMSCRIPTEN_KEEPALIVE int cf_catalog_builder_add(const char* meta, const float* embedding) {
    CatalogState& s = cat_state();
    if (!s.builder) return set_text("no catalog builder (cf_catalog_builder_new first)"), -1;
    cf::TrackMeta t;
    std::vector<float> tag_probs;
    for (const auto& f : cf::web::parse_records(meta)) {
        const std::string& k = f[0];
        const std::string v = f.size() > 1 ? f[1] : "";
        if (k == "id") t.id = v;
        else if (k == "title") t.title = v;
        else if (k == "artist") t.artist = v;
        else if (k == "composer") t.composer = v;
        else if (k == "genre") t.genre = v;
        else if (k == "source") t.source = v;
        else if (k == "license") t.license = v;
        else if (k == "attribution") t.attribution = v;
        else if (k == "path") t.path = v;
        else if (k == "preview") t.preview = v;
        else if (k == "duration_s") t.duration_s = cf::web::parse_float(v);
        else if (k == "bpm") t.bpm = cf::web::parse_float(v);
        else if (k == "bpm_confidence") t.bpm_confidence = cf::web::parse_float(v);
        else if (k == "loudness_lufs") t.loudness_lufs = cf::web::parse_float(v);
        else if (k == "segment_start_s") t.segment_start_s = cf::web::parse_float(v);
        else if (k == "segment_duration_s") t.segment_duration_s = cf::web::parse_float(v);
        else if (k == "tag" && f.size() >= 3) t.top_tags.push_back({f[1], cf::web::parse_float(f[2])});
        else if (k == "mood" && f.size() >= 3) {
            const int m = cf::web::mood_index(f[1]);
            if (m >= 0) t.moods[size_t(m)] = cf::web::parse_float(f[2]);
        } else if (k == "tagp") {
            // An unparsable value becomes NaN, which add_track rejects naming the track and the label.
            tag_probs.clear();
            size_t start = 0;
            while (start <= v.size()) {
                const size_t comma = v.find(',', start);
                const size_t end = comma == std::string::npos ? v.size() : comma;
                const std::string field = v.substr(start, end - start);
                char* stop = nullptr;
                const float p = std::strtof(field.c_str(), &stop);
                tag_probs.push_back(field.empty() || *stop != '\0' ? cf::kUnknown : p);
                if (comma == std::string::npos) break;
                start = comma + 1;
            }
        }
    }
    const cf::Status st =
        s.builder->add_track(std::move(t), std::span<const float>(embedding, s.builder->dim()), tag_probs);
    if (!st) return set_text(st.message()), -1;
    return 0;
}

/// kind: 1 = t-SNE, 2 = PCA.
EMSCRIPTEN_KEEPALIVE int cf_catalog_builder_set_map(const float* xy, int n_points, int kind) {
    CatalogState& s = cat_state();
    if (!s.builder) return set_text("no catalog builder"), -1;
    const cf::Status st = s.builder->set_map(std::span<const float>(xy, size_t(n_points) * 2), cf::MapKind(kind));
    if (!st) return set_text(st.message()), -1;
    return 0;
}

EMSCRIPTEN_KEEPALIVE int cf_catalog_builder_write(const char* dir) {
    CatalogState& s = cat_state();
    if (!s.builder) return set_text("no catalog builder"), -1;
    const cf::Status st = s.builder->write(dir, {});
    if (!st) return set_text(st.message()), -1;
    return 0;
}

/// t-SNE layout of n × dim floats into out_xy (n × 2). Returns 0, or -1 with the message.
EMSCRIPTEN_KEEPALIVE int cf_tsne_2d(const float* data, int n_points, int dim, double perplexity, int n_iterations, double seed,
                                    float* out_xy) {
    cf::TsneOptions o;
    o.perplexity = perplexity;
    o.n_iterations = n_iterations;
    o.seed = uint64_t(seed);
    auto r = cf::tsne(data, size_t(n_points), size_t(dim), o);
    if (!r) return set_text(r.status().message()), -1;
    std::copy(r->begin(), r->end(), out_xy);
    return 0;
}

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
