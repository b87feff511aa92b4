// C entry points for building a catalog from JavaScript (the `catalog build` CLI in Node): a builder
// that takes analysed tracks, a t-SNE layout for the map, and the writer. Records cross the boundary as
// "key\tvalue" lines (tabs and newlines are not allowed inside values; the JS side replaces them).
// Every call returns 0 or -1; after -1, cf_catalog_build_last_text() holds the message (valid until the
// next failing call). Opening and searching a catalog: catalog_api.cpp.
#include <emscripten.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <span>
#include <sstream>
#include <string>
#include <vector>

#include "core/catalog/catalog.h"
#include "core/map/tsne.h"
#include "platform/web/search_options.h"

namespace {

struct BuildState {
    std::unique_ptr<cf::CatalogBuilder> builder;
    std::string text;
};

BuildState& build_state() {
    static BuildState s;
    return s;
}

const char* set_text(std::string t) {
    build_state().text = std::move(t);
    return build_state().text.c_str();
}

}  // namespace

extern "C" {

EMSCRIPTEN_KEEPALIVE const char* cf_catalog_build_last_text() { return build_state().text.c_str(); }

EMSCRIPTEN_KEEPALIVE void cf_catalog_builder_new(int dim, const char* embedding_name) {
    build_state().builder = std::make_unique<cf::CatalogBuilder>(size_t(dim), embedding_name);
}

/// The catalog's tag labels for the TAGP section (CatalogBuilder::set_tag_labels): one label per line,
/// written "<set>:<label>" ("msd:rock\nmsd:pop\n…\nmtt:piano"); empty lines are skipped. Call after
/// cf_catalog_builder_new and before the first cf_catalog_builder_add; every track then needs a "tagp"
/// line. Returns 0, or -1 (message in cf_catalog_build_last_text()).
EMSCRIPTEN_KEEPALIVE int cf_catalog_builder_set_tag_labels(const char* newline_separated) {
    BuildState& s = build_state();
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
/// (0..1) in label order, comma-separated. Returns 0, or -1 (message in cf_catalog_build_last_text()).
EMSCRIPTEN_KEEPALIVE int cf_catalog_builder_add(const char* meta, const float* embedding) {
    BuildState& s = build_state();
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
    BuildState& s = build_state();
    if (!s.builder) return set_text("no catalog builder"), -1;
    const cf::Status st = s.builder->set_map(std::span<const float>(xy, size_t(n_points) * 2), cf::MapKind(kind));
    if (!st) return set_text(st.message()), -1;
    return 0;
}

EMSCRIPTEN_KEEPALIVE int cf_catalog_builder_write(const char* dir) {
    BuildState& s = build_state();
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

}  // extern "C"
