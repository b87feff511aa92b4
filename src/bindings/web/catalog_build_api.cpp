// C entry points for building a catalog from JavaScript (the `catalog build` CLI in Node): a builder
// that takes analysed tracks (the analysis JSON and the track's own fields as JSON; the core makes the
// catalog track, core/analysis/catalog_entry.h), a t-SNE layout for the map, and the writer.
// Errors and returned strings: abi.h. Opening and searching a catalog: catalog_api.cpp.
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
#include "core/catalog/license_policy.h"
#include "core/common/json.h"
#include "core/io/json_reader.h"
#include "core/map/tsne.h"
#include "bindings/web/abi.h"
#include "bindings/web/exports.h"

namespace {

struct BuildState {
    std::unique_ptr<cf::CatalogBuilder> builder;
    std::vector<float> unit_embeddings;  ///< the added tracks' embeddings as built (n × dim): the t-SNE input
};

BuildState& build_state() {
    static BuildState s;
    return s;
}

using cf::bindings::fail;

}  // namespace

extern "C" {

EMSCRIPTEN_KEEPALIVE void cf_catalog_builder_new(int dim, const char* embedding_name) {
    build_state().builder = std::make_unique<cf::CatalogBuilder>(size_t(dim), embedding_name);
    build_state().unit_embeddings.clear();
}

/// The catalog's tag labels for the TAGP section (CatalogBuilder::set_tag_labels): one label per line,
/// written "<set>:<label>" ("msd:rock\nmsd:pop\n…\nmtt:piano"); empty lines are skipped. Call after
/// cf_catalog_builder_new and before the first cf_catalog_builder_add_analysis; every track's analysis then
/// needs a probability for each. Returns 0, or -1.
EMSCRIPTEN_KEEPALIVE int cf_catalog_builder_set_tag_labels(const char* newline_separated) {
    BuildState& s = build_state();
    if (!s.builder) return fail("no catalog builder (cf_catalog_builder_new first)");
    std::vector<std::string> labels;
    std::stringstream in(newline_separated ? newline_separated : "");
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (!line.empty()) labels.push_back(std::move(line));
    }
    const cf::Status st = s.builder->set_tag_labels(std::move(labels));
    if (!st) return fail(st.message());
    return 0;
}

/// Adds the track of one analysis (core/analysis/catalog_entry.h): analysis_json is the JSON of
/// cf_analysis_json (with patch embeddings), track_json the track's own fields {"id", "title"?, ...,
/// "path", "file_name"?, "preview"?}. The catalog's tag labels (cf_catalog_builder_set_tag_labels)
/// are looked up in the analysis's tags. Returns 0, or -1.
EMSCRIPTEN_KEEPALIVE int cf_catalog_builder_add_analysis(const char* analysis_json, const char* track_json) {
    BuildState& s = build_state();
    if (!s.builder) return fail("no catalog builder (cf_catalog_builder_new first)");
    auto track = cf::parse_json(track_json ? track_json : "");
    if (!track) return fail("catalog track: " + track.status().message());
    auto analysis = cf::parse_json(analysis_json ? analysis_json : "");
    if (!analysis) return fail("analysis: " + analysis.status().message());
    auto entry = cf::catalog_entry(*analysis, *track, s.builder->tag_labels());
    if (!entry) return fail(entry.status().message());
    const cf::Status st = s.builder->add_track(std::move(entry->meta), entry->embedding, entry->tag_probs, &entry->timeline);
    if (!st) return fail(st.message());
    s.unit_embeddings.insert(s.unit_embeddings.end(), entry->embedding.begin(), entry->embedding.end());
    return 0;
}

/// The summary (core/analysis/track_summary.h) of an analysis given as cf_analysis_json's JSON, as JSON:
/// {"top_tags": {"<model key>": [[label, p], ...]}, "moods": {"<mood>": p or null}, "segment_start_s",
/// "segment_duration_s"}; or NULL.
EMSCRIPTEN_KEEPALIVE const char* cf_catalog_track_summary(const char* analysis_json) {
    auto analysis = cf::parse_json(analysis_json ? analysis_json : "");
    if (!analysis) return cf::bindings::fail_null("analysis: " + analysis.status().message());
    auto summary = cf::summarize_analysis_json(*analysis);
    if (!summary) return cf::bindings::fail_null(summary.status().message());
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
    return cf::bindings::text(w.take());
}

EMSCRIPTEN_KEEPALIVE int cf_catalog_builder_write(const char* dir) {
    BuildState& s = build_state();
    if (!s.builder) return fail("no catalog builder");
    const cf::Status st = s.builder->write(dir, {});
    if (!st) return fail(st.message());
    return 0;
}

/// The map of the tracks added so far: t-SNE (core/map/tsne.h) of their unit embeddings, becoming the
/// catalog's map (CatalogBuilder::set_map). Returns 0, or -1 with the message (the builder then keeps
/// its PCA projection).
EMSCRIPTEN_KEEPALIVE int cf_catalog_builder_tsne_map(double perplexity, int n_iterations, double seed) {
    BuildState& s = build_state();
    if (!s.builder) return fail("no catalog builder");
    cf::TsneOptions o;
    o.perplexity = perplexity;
    o.n_iterations = n_iterations;
    o.seed = uint64_t(seed);
    auto xy = cf::tsne(s.unit_embeddings.data(), s.builder->size(), s.builder->dim(), o);
    if (!xy) return fail(xy.status().message());
    const cf::Status st = s.builder->set_map(*xy, cf::MapKind::tsne);
    if (!st) return fail(st.message());
    return 0;
}

/// May the catalog site publish the full-length audio of a track with this license string
/// (core/catalog/license_policy.h, for a free non-commercial site)? 1 allowed, 0 denied (the license says
/// no), -1 unknown: empty or not recognised, with the reason in cf_error() (abi.h's convention).
EMSCRIPTEN_KEEPALIVE int cf_license_allows_audio(const char* license) {
    const cf::AudioLicenseDecision d = cf::full_audio_permission(license ? license : "");
    if (d.verdict == cf::AudioVerdict::unknown) return fail(d.reason);
    return int(d.verdict);
}

/// The same decision as JSON: {"verdict": "allowed"|"denied"|"unknown", "family", "reason"}. Never NULL.
EMSCRIPTEN_KEEPALIVE const char* cf_license_audio_policy(const char* license) {
    const cf::AudioLicenseDecision d = cf::full_audio_permission(license ? license : "");
    cf::JsonWriter w;
    w.begin_object().key("verdict").value(cf::audio_verdict_name(d.verdict)).key("family").value(d.family);
    w.key("reason").value(d.reason).end_object();
    return cf::bindings::text(w.take());
}

}  // extern "C"
