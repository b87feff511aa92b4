// C entry points for building a catalog from JavaScript (the `catalog build` CLI in Node): a builder
// that takes analysed tracks (the analysis JSON and the track's own fields as JSON; the core makes the
// catalog track, core/analysis/catalog_entry.h), a t-SNE layout for the map, and the writer.
// The similarity space (core/index/space.h) is fitted first, from every track's windows:
//   cf_space_reset(); cf_space_add_analysis(analysis, track) per track (or cf_space_add_windows);
//   cf_space_fit('{"kind": "wccn"}') → its report (the fused msd + mtt space when every analysis
//   carries mtt's embedding per window, the catalog profile's extra output); then cf_catalog_builder_new(...);
//   cf_catalog_builder_use_space(); cf_catalog_builder_add_analysis(...) per track; … write.
// Errors and returned strings: abi.h. Opening and searching a catalog: catalog_api.cpp.
#include <emscripten.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <sstream>
#include <string>
#include <vector>

#include "core/analysis/catalog_entry.h"
#include "core/catalog/catalog.h"
#include "core/catalog/license_policy.h"
#include "core/common/json.h"
#include "core/index/space.h"
#include "core/io/json_reader.h"
#include "core/map/tsne.h"
#include "bindings/web/abi.h"
#include "bindings/web/exports.h"

namespace {

struct BuildState {
    std::unique_ptr<cf::CatalogBuilder> builder;
};

/// The windows of every track for fitting a similarity space, and the space fitted last.
struct SpaceState {
    size_t dim = 0;
    std::vector<std::vector<float>> windows;  ///< per track, n × dim
    size_t aux_dim = 0;
    std::vector<std::vector<float>> aux_windows;  ///< per track, n × aux_dim: mtt's embedding on the same windows (or empty)
    std::optional<cf::index::Space> space;
    std::optional<cf::index::FusedSpaces> fused;  ///< when `space` is a fused space's query map
    std::unique_ptr<cf::Catalog> upgrading;   ///< cf_catalog_upgrade_open's catalog
};

SpaceState& space_state() {
    static SpaceState s;
    return s;
}

/// A number member of `o`, or `fallback` when absent; "" or what is wrong ("key: expected a number").
std::string number_option(const cf::JsonValue& o, const char* key, double& out) {
    const cf::JsonValue* v = o.find(key);
    if (!v) return "";
    if (!v->is_number()) return std::string("space options: ") + key + ": expected a number";
    out = v->number();
    return "";
}

/// The space `kind` ("wccn", "whiten", "contrastive": whitening then the contrastive stage) fitted on the
/// collected windows, with options from `o` (space.h's defaults for those absent).
cf::Result<cf::index::Space> fit_space(const SpaceState& s, const std::string& kind, const cf::JsonValue& o,
                                       cf::index::ContrastiveReport& report) {
    std::vector<cf::index::TrackWindows> tracks;
    std::vector<float> rows;
    for (const std::vector<float>& w : s.windows) {
        tracks.push_back({w.data(), w.size() / s.dim});
        rows.insert(rows.end(), w.begin(), w.end());
    }
    double shrinkage = kind == "wccn" ? 0.03 : 0.1, keep = kind == "wccn" ? 50 : 0, weighted = 1;
    std::string problem = number_option(o, "shrinkage", shrinkage) + number_option(o, "keep_dims", keep) +
                          number_option(o, "weighted", weighted);
    const std::string input = o.find("input") && o.find("input")->is_string() ? o.find("input")->string() : "";
    if (!problem.empty()) return cf::Status(cf::ErrorCode::invalid_argument, problem);
    if (!(keep >= 0)) return cf::Status(cf::ErrorCode::invalid_argument, "space options: keep_dims must be >= 0");
    if (kind == "wccn") {
        cf::index::WccnOptions wo;
        wo.shrinkage = shrinkage, wo.keep_dims = size_t(keep), wo.weighted = weighted != 0, wo.input = input;
        return cf::index::fit_wccn(tracks, s.dim, wo);
    }
    cf::index::WhiteningOptions wo;
    wo.shrinkage = shrinkage, wo.keep_dims = size_t(keep), wo.input = input;
    auto white = cf::index::fit_whitening(rows.data(), rows.size() / std::max<size_t>(s.dim, 1), s.dim, wo);
    if (!white || kind == "whiten") return white;
    if (kind != "contrastive")
        return cf::Status(cf::ErrorCode::invalid_argument, "space: unknown kind \"" + kind + "\" (wccn, whiten or contrastive)");
    cf::index::ContrastiveOptions co;
    double epochs = 200, batch = 128, temperature = 0.2, lr = 1e-3, seed = 1;
    problem = number_option(o, "epochs", epochs) + number_option(o, "batch", batch) + number_option(o, "temperature", temperature) +
              number_option(o, "learning_rate", lr) + number_option(o, "seed", seed);
    if (!problem.empty()) return cf::Status(cf::ErrorCode::invalid_argument, problem);
    co.epochs = size_t(std::max(0.0, epochs)), co.batch = size_t(std::max(0.0, batch)), co.temperature = float(temperature);
    co.learning_rate = float(lr), co.seed = uint64_t(std::max(0.0, seed));
    return cf::index::fit_contrastive(tracks, *white, co, &report);
}

/// The analysis's per-window embedding of the aux model (extra_outputs.mtt.embedding) when it was run
/// on every one of the track's n_windows analysed patches; else empty.
std::vector<float> aux_windows_of(const cf::JsonValue& analysis, size_t n_windows, size_t& dim) {
    const cf::JsonValue* x = analysis.find("extra_outputs");
    x = x ? x->find("mtt") : nullptr;
    x = x ? x->find("embedding") : nullptr;
    const cf::JsonValue* patches = x ? x->find("patches") : nullptr;
    const cf::JsonValue* rows = x ? x->find("per_patch") : nullptr;
    const cf::JsonValue* d = x ? x->find("dim") : nullptr;
    if (!patches || !rows || !d || !d->is_number() || d->number() < 1 || patches->items().size() != n_windows) return {};
    for (size_t i = 0; i < n_windows; ++i)
        if (!patches->items()[i].is_number() || patches->items()[i].number() != double(i)) return {};
    dim = size_t(d->number());
    if (rows->items().size() != n_windows * dim) return {};
    std::vector<float> out;
    out.reserve(rows->items().size());
    for (const cf::JsonValue& v : rows->items()) out.push_back(float(v.number()));
    return out;
}

/// The fused spaces (fit_fused_wccn) when every collected track has aux windows, with options from `o`.
std::optional<cf::Result<cf::index::FusedSpaces>> fit_fused(const SpaceState& s, const cf::JsonValue& o, const std::string& input) {
    const cf::JsonValue* flag = o.find("fused");
    if (flag && flag->is_bool() && !flag->boolean()) return std::nullopt;
    if (s.aux_dim == 0 || s.aux_windows.size() != s.windows.size()) return std::nullopt;
    std::vector<cf::index::TrackWindows> main, aux;
    for (size_t t = 0; t < s.windows.size(); ++t) {
        if (s.aux_windows[t].size() / s.aux_dim != s.windows[t].size() / s.dim) return std::nullopt;
        main.push_back({s.windows[t].data(), s.windows[t].size() / s.dim});
        aux.push_back({s.aux_windows[t].data(), s.aux_windows[t].size() / s.aux_dim});
    }
    cf::index::FusedWccnOptions fo;  // the recipe chosen held out by package (docs/benchmarks/matching.md)
    double shrinkage = fo.wccn.shrinkage, keep = double(fo.wccn.keep_dims);
    const std::string problem = number_option(o, "shrinkage", shrinkage) + number_option(o, "keep_dims", keep) +
                                number_option(o, "aux_weight", fo.aux_weight) + number_option(o, "ridge", fo.ridge);
    if (!problem.empty()) return cf::Result<cf::index::FusedSpaces>(cf::Status(cf::ErrorCode::invalid_argument, problem));
    fo.wccn.shrinkage = shrinkage, fo.wccn.keep_dims = size_t(std::max(0.0, keep)), fo.wccn.input = input;
    auto f = cf::index::fit_fused_wccn(main, s.dim, aux, s.aux_dim, fo);
    if (f) f->tracks.input = input + " + mtt/embedding";
    return f;
}

BuildState& build_state() {
    static BuildState s;
    return s;
}

using cf::bindings::fail;

}  // namespace

extern "C" {

EMSCRIPTEN_KEEPALIVE void cf_catalog_builder_new(int dim, const char* embedding_name) {
    build_state().builder = std::make_unique<cf::CatalogBuilder>(size_t(dim), embedding_name);
}

/// Forgets the collected windows and the fitted space.
EMSCRIPTEN_KEEPALIVE void cf_space_reset() { space_state() = SpaceState(); }

/// Collects one track's windows (the analysis's per-patch embeddings, as cf_catalog_builder_add_analysis
/// reads them) for cf_space_fit. Returns the track's number of windows (0: none, the track is left
/// out of the fit), or -1.
EMSCRIPTEN_KEEPALIVE int cf_space_add_analysis(const char* analysis_json, const char* track_json) {
    auto track = cf::parse_json(track_json ? track_json : "");
    if (!track) return fail("catalog track: " + track.status().message());
    auto analysis = cf::parse_json(analysis_json ? analysis_json : "");
    if (!analysis) return fail("analysis: " + analysis.status().message());
    auto entry = cf::catalog_entry(*analysis, *track, {});
    if (!entry) return fail(entry.status().message());
    SpaceState& s = space_state();
    const cf::TrackTimeline& t = entry->timeline;
    if (t.embedding_times_s.empty()) return 0;
    if (s.dim == 0) s.dim = t.embedding_dim;
    if (t.embedding_dim != s.dim)
        return fail("space: " + entry->meta.id + "'s windows have " + std::to_string(t.embedding_dim) + " values, the others " + std::to_string(s.dim));
    s.windows.push_back(t.embeddings);
    size_t aux_dim = 0;
    std::vector<float> aux = aux_windows_of(*analysis, t.embedding_times_s.size(), aux_dim);
    if (!aux.empty() && (s.aux_dim == 0 || s.aux_dim == aux_dim)) {
        s.aux_dim = aux_dim;
        s.aux_windows.resize(s.windows.size() - 1);  // a track before without aux windows keeps it unfused
        s.aux_windows.push_back(std::move(aux));
    }
    return int(t.embedding_times_s.size());
}

/// Collects one track's windows given as n × dim floats (e.g. a catalog's stored timeline windows).
/// Returns n, or -1.
EMSCRIPTEN_KEEPALIVE int cf_space_add_windows(const float* rows, int n, int dim) {
    SpaceState& s = space_state();
    if (n <= 0 || dim <= 0 || !rows) return 0;
    if (s.dim == 0) s.dim = size_t(dim);
    if (size_t(dim) != s.dim) return fail("space: windows of " + std::to_string(dim) + " values, the others " + std::to_string(s.dim));
    s.windows.emplace_back(rows, rows + size_t(n) * size_t(dim));
    return n;
}

/// Fits the similarity space on the collected windows. options_json: {"kind": "wccn" (default) |
/// "whiten" | "contrastive", "input": name, "shrinkage", "keep_dims", "weighted" (wccn), "epochs",
/// "batch", "temperature", "learning_rate", "seed" (contrastive)}. Returns {"name", "dim_in", "dim_out", "n_tracks",
/// "n_windows", "fit_s", "epoch_loss": [...]}, or NULL.
EMSCRIPTEN_KEEPALIVE const char* cf_space_fit(const char* options_json) {
    SpaceState& s = space_state();
    auto o = cf::parse_json(options_json && *options_json ? options_json : "{}");
    if (!o || !o->is_object()) return cf::bindings::fail_null("space options: expected a JSON object");
    const std::string kind = o->find("kind") && o->find("kind")->is_string() ? o->find("kind")->string() : "wccn";
    size_t n_windows = 0;
    for (const auto& w : s.windows) n_windows += w.size() / std::max<size_t>(s.dim, 1);
    const auto t0 = std::chrono::steady_clock::now();
    cf::index::ContrastiveReport report;
    s.fused.reset();
    const std::string input = o->find("input") && o->find("input")->is_string() ? o->find("input")->string() : "";
    auto fused = kind == "wccn" ? fit_fused(s, *o, input) : std::nullopt;
    if (fused && !*fused) return cf::bindings::fail_null(fused->status().message());
    cf::Result<cf::index::Space> space = fused ? cf::Result<cf::index::Space>((*fused)->queries) : fit_space(s, kind, *o, report);
    if (!space) return cf::bindings::fail_null(space.status().message());
    if (fused) s.fused = std::move(**fused);
    const double fit_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    s.space = std::move(*space);
    cf::JsonWriter w;
    w.begin_object().key("name").value(s.space->name).key("kind").value(kind).key("dim_in").value(s.space->dim_in);
    w.key("dim_out").value(s.space->dim_out).key("n_tracks").value(s.windows.size()).key("n_windows").value(n_windows);
    w.key("fused").value(s.fused.has_value());
    if (s.fused) w.key("tracks_space").value(s.fused->tracks.name).key("tracks_input").value(s.fused->tracks.input);
    w.key("fit_s").number(fit_s, "%.3f").key("epoch_loss").numbers(report.epoch_loss.data(), report.epoch_loss.size());
    return cf::bindings::text(w.end_object().take());
}

/// Opens a catalog to upgrade without analysing anything again (core: upgrade_builder): forgets the
/// collected windows and collects its stored timeline windows (unit length, int8) for cf_space_fit.
/// Returns the number of tracks with windows, or -1 (no timelines, already has a space, unreadable).
EMSCRIPTEN_KEEPALIVE int cf_catalog_upgrade_open(const char* path) {
    space_state() = SpaceState();
    SpaceState& s = space_state();
    auto c = cf::Catalog::open(path ? path : "");
    if (!c) return fail(c.status().message());
    if (c->space()) return fail("catalog " + std::string(path) + " already has a similarity space (" + c->space()->name + ")");
    if (const cf::Status st = c->timeline_status(); !st) return fail(st.message());
    s.dim = c->dim();
    int n = 0;
    for (uint32_t t = 0; t < c->size(); ++t) {
        std::vector<float> w = c->timeline(t).embeddings;
        if (w.empty()) continue;
        s.windows.push_back(std::move(w));
        ++n;
    }
    s.upgrading = std::make_unique<cf::Catalog>(std::move(*c));
    return n;
}

/// The builder for the opened catalog with the fitted space (after cf_catalog_upgrade_open and
/// cf_space_fit): its tracks, tags, timelines and map, stored in the space. Then
/// cf_catalog_builder_tsne_map (optional) and cf_catalog_builder_write. Returns 0, or -1.
EMSCRIPTEN_KEEPALIVE int cf_catalog_upgrade_builder() {
    SpaceState& s = space_state();
    if (!s.upgrading || !s.space) return fail("no catalog to upgrade or no space fitted (cf_catalog_upgrade_open, cf_space_fit)");
    auto b = cf::upgrade_builder(*s.upgrading, *s.space);
    if (!b) return fail(b.status().message());
    build_state().builder = std::make_unique<cf::CatalogBuilder>(std::move(*b));
    return 0;
}

/// Gives the builder the fitted space (call after cf_catalog_builder_new, before adding tracks): the
/// catalog is then written as format v3. Returns 0, or -1.
EMSCRIPTEN_KEEPALIVE int cf_catalog_builder_use_space() {
    BuildState& b = build_state();
    if (!b.builder) return fail("no catalog builder (cf_catalog_builder_new first)");
    if (!space_state().space) return fail("no similarity space fitted (cf_space_fit first)");
    const cf::Status st = b.builder->set_space(*space_state().space);
    return st ? 0 : fail(st.message());
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
    // A fused space: the track is stored at its two-model image (the query map stays the catalog's space).
    std::vector<float> image;
    const SpaceState& sp = space_state();
    if (sp.fused && s.builder->space() && s.builder->space()->name == sp.fused->queries.name) {
        size_t aux_dim = 0;
        const size_t n = entry->timeline.embedding_times_s.size();
        const std::vector<float> aux = aux_windows_of(*analysis, n, aux_dim);
        if (aux.empty() || aux_dim != sp.aux_dim)
            return fail(entry->meta.id + ": the catalog's fused similarity space needs mtt's embedding on every window (the catalog analysis profile)");
        std::vector<float> aux_mean(aux_dim, 0.0f);
        for (size_t i = 0; i < aux.size(); ++i) aux_mean[i % aux_dim] += aux[i] / float(n);
        auto im = sp.fused->track_image(entry->embedding, aux_mean);
        if (!im) return fail(entry->meta.id + ": " + im.status().message());
        image = std::move(*im);
    }
    const cf::Status st = s.builder->add_track(std::move(entry->meta), entry->embedding, entry->tag_probs, &entry->timeline, image);
    if (!st) return fail(st.message());
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

/// The map of the tracks added so far: t-SNE (core/map/tsne.h) of their stored unit embeddings (in the
/// catalog's similarity space when it has one), becoming the
/// catalog's map (CatalogBuilder::set_map). Returns 0, or -1 with the message (the builder then keeps
/// its PCA projection).
EMSCRIPTEN_KEEPALIVE int cf_catalog_builder_tsne_map(double perplexity, int n_iterations, double seed) {
    BuildState& s = build_state();
    if (!s.builder) return fail("no catalog builder");
    cf::TsneOptions o;
    o.perplexity = perplexity;
    o.n_iterations = n_iterations;
    o.seed = uint64_t(seed);
    auto xy = cf::tsne(s.builder->stored_embeddings().data(), s.builder->size(), s.builder->stored_dim(), o);
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
