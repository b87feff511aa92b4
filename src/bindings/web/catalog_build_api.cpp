// C entry points for building a catalog from JavaScript (the `catalog build` CLI in Node): a builder
// that takes analysed tracks (the analysis JSON and the track's own fields as JSON; the core makes the
// catalog track, core/analysis/catalog_entry.h), a t-SNE layout for the map, and the writer.
// Every call returns 0 or -1; after -1, cf_catalog_build_last_text() holds the message (valid until the
// next failing call). Opening and searching a catalog: catalog_api.cpp.
#include <emscripten.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <span>
#include <sstream>
#include <string>
#include <vector>

#include "core/analysis/catalog_entry.h"
#include "core/catalog/catalog.h"
#include "core/common/json.h"
#include "core/io/json_reader.h"
#include "core/map/tsne.h"

namespace {

struct BuildState {
    std::unique_ptr<cf::CatalogBuilder> builder;
    std::vector<float> unit_embeddings;  ///< the added tracks' embeddings as built (n × dim): the t-SNE input
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
    build_state().unit_embeddings.clear();
}

/// The catalog's tag labels for the TAGP section (CatalogBuilder::set_tag_labels): one label per line,
/// written "<set>:<label>" ("msd:rock\nmsd:pop\n…\nmtt:piano"); empty lines are skipped. Call after
/// cf_catalog_builder_new and before the first cf_catalog_builder_add_analysis; every track's analysis then
/// needs a probability for each. Returns 0, or -1 (message in cf_catalog_build_last_text()).
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

/// Adds the track of one analysis (core/analysis/catalog_entry.h): analysis_json is the JSON of
/// cf_analysis_json (with patch embeddings), track_json the track's own fields {"id", "title"?, ...,
/// "path", "file_name"?, "preview"?}. The catalog's tag labels (cf_catalog_builder_set_tag_labels)
/// are looked up in the analysis's tags. Returns 0, or -1 (message in cf_catalog_build_last_text()).
EMSCRIPTEN_KEEPALIVE int cf_catalog_builder_add_analysis(const char* analysis_json, const char* track_json) {
    BuildState& s = build_state();
    if (!s.builder) return set_text("no catalog builder (cf_catalog_builder_new first)"), -1;
    auto track = cf::parse_json(track_json ? track_json : "");
    if (!track) return set_text("catalog track: " + track.status().message()), -1;
    auto analysis = cf::parse_json(analysis_json ? analysis_json : "");
    if (!analysis) return set_text("analysis: " + analysis.status().message()), -1;
    auto entry = cf::catalog_entry(*analysis, *track, s.builder->tag_labels());
    if (!entry) return set_text(entry.status().message()), -1;
    const cf::Status st = s.builder->add_track(std::move(entry->meta), entry->embedding, entry->tag_probs);
    if (!st) return set_text(st.message()), -1;
    s.unit_embeddings.insert(s.unit_embeddings.end(), entry->embedding.begin(), entry->embedding.end());
    return 0;
}

/// The summary (core/analysis/track_summary.h) of an analysis given as cf_analysis_json's JSON, as JSON in
/// cf_catalog_build_last_text(): {"top_tags": {"<model key>": [[label, p], ...]}, "moods": {"<mood>": p
/// or null}, "segment_start_s", "segment_duration_s"}. Returns 0, or -1 with the message.
EMSCRIPTEN_KEEPALIVE int cf_catalog_track_summary(const char* analysis_json) {
    auto analysis = cf::parse_json(analysis_json ? analysis_json : "");
    if (!analysis) return set_text("analysis: " + analysis.status().message()), -1;
    auto summary = cf::summarize_analysis_json(*analysis);
    if (!summary) return set_text(summary.status().message()), -1;
    cf::JsonWriter w;
    w.begin_object().key("top_tags").begin_object();
    for (const auto& [key, tags] : summary->top_tags_by_model) {
        w.key(key).begin_array();
        for (const cf::TagScore& t : tags) w.begin_array().value(t.label).number(t.prob, "%.6g").end_array();
        w.end_array();
    }
    w.end_object().key("moods").begin_object();
    for (size_t m = 0; m < cf::kNumMoods; ++m) w.key(cf::kMoodNames[m]).number(summary->moods[m], "%.6g");
    w.end_object();
    w.key("segment_start_s").number(summary->segment_start_s, "%.3f");
    w.key("segment_duration_s").number(summary->segment_duration_s, "%.3f");
    w.end_object();
    set_text(w.take());
    return 0;
}

EMSCRIPTEN_KEEPALIVE int cf_catalog_builder_write(const char* dir) {
    BuildState& s = build_state();
    if (!s.builder) return set_text("no catalog builder"), -1;
    const cf::Status st = s.builder->write(dir, {});
    if (!st) return set_text(st.message()), -1;
    return 0;
}

/// The map of the tracks added so far: t-SNE (core/map/tsne.h) of their unit embeddings, becoming the
/// catalog's map (CatalogBuilder::set_map). Returns 0, or -1 with the message (the builder then keeps
/// its PCA projection).
EMSCRIPTEN_KEEPALIVE int cf_catalog_builder_tsne_map(double perplexity, int n_iterations, double seed) {
    BuildState& s = build_state();
    if (!s.builder) return set_text("no catalog builder"), -1;
    cf::TsneOptions o;
    o.perplexity = perplexity;
    o.n_iterations = n_iterations;
    o.seed = uint64_t(seed);
    auto xy = cf::tsne(s.unit_embeddings.data(), s.builder->size(), s.builder->dim(), o);
    if (!xy) return set_text(xy.status().message()), -1;
    const cf::Status st = s.builder->set_map(*xy, cf::MapKind::tsne);
    if (!st) return set_text(st.message()), -1;
    return 0;
}

}  // extern "C"
