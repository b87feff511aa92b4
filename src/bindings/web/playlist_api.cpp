// Playlists for JavaScript (core/query/playlist.h): `./cuefinder playlist` and tools/bench/playlist. A
// handle owns its catalog, the query engine over it and its last playlist (what cf_playlist_export
// writes).
//
//   h = cf_playlist_open("demo/catalog")
//   cf_playlist_make(h, '{"seed": ["pkg/a", "pkg/b"], "n": 20, "bpm_arc": "90:140:100"}', files, n_files, dim,
//                    scores, n_scores)              // {"entries": [...], "mean_transition_cost", ...}
//   cf_playlist_export(h, "m3u8", '{"title": "run", "locations": {"pkg/a": "audio/1f.opus"}}')  // or xspf, csv
//   cf_playlist_order_cost(h, '["pkg/a", "pkg/b"]', '{"weights": {...}}')  // mean transition cost as given
//
// Spec keys (all optional but a seed: "seed" ids, files or scores): "seed" [ids], "n", "bpm_arc"
// ("START:PEAK:END" or "BPM"), "arc_weight", "weights" {"embedding", "tempo", "loudness"},
// "include_seeds", "selection" ("soft_min" | "mean" | "union"), "temperature", "order" ("optimised" |
// "greedy" | "by_fit"), "arc_pool_factor", "fit_weight", and the search filters of search_options.h
// (bpm_min, license, ...). An unknown key or a wrong type is an error naming the key.
#include <emscripten.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bindings/web/abi.h"
#include "bindings/web/exports.h"
#include "bindings/web/search_options.h"
#include "core/catalog/catalog.h"
#include "core/common/json.h"
#include "core/io/json_reader.h"
#include "core/query/playlist.h"
#include "core/query/query_engine.h"
#include "core/rhythm/tempo_reading.h"

namespace {

namespace qry = cf::query;
using cf::ErrorCode;
using cf::JsonValue;
using cf::Result;
using cf::Status;

struct OpenPlaylist {
    std::unique_ptr<cf::Catalog> catalog;
    std::unique_ptr<qry::QueryEngine> engine;
    std::optional<qry::Playlist> last;
};

std::map<int, std::unique_ptr<OpenPlaylist>>& handles() {
    static std::map<int, std::unique_ptr<OpenPlaylist>> h;
    return h;
}

OpenPlaylist* find(int h) {
    auto it = handles().find(h);
    return it == handles().end() ? nullptr : it->second.get();
}

std::string no_handle(int h) { return "no playlist catalog with handle " + std::to_string(h); }

Status bad(const std::string& message) { return Status(ErrorCode::invalid_argument, "playlist: " + message); }

Result<float> number(const std::string& key, const JsonValue& v) {
    if (!v.is_number()) return bad("\"" + key + "\" must be a number");
    return float(v.number());
}

Result<bool> flag(const std::string& key, const JsonValue& v) {
    if (!v.is_bool()) return bad("\"" + key + "\" must be true or false");
    return v.boolean();
}

Status apply_weights(const JsonValue& v, qry::TransitionWeights& w) {
    if (!v.is_object()) return bad("\"weights\" must be an object {\"embedding\", \"tempo\", \"loudness\"}");
    for (const auto& [k, x] : v.members()) {
        float* slot = k == "embedding" ? &w.embedding : k == "tempo" ? &w.tempo : k == "loudness" ? &w.loudness : nullptr;
        if (!slot) return bad("unknown weight \"" + k + "\" (embedding, tempo, loudness)");
        auto n = number("weights." + k, x);
        if (!n) return n.status();
        *slot = *n;
    }
    return Status::ok();
}

Result<std::vector<uint32_t>> track_ids(const cf::Catalog& cat, const JsonValue& v, const std::string& key) {
    if (!v.is_array()) return bad("\"" + key + "\" must be a list of track ids");
    std::vector<uint32_t> out;
    for (const JsonValue& id : v.items()) {
        auto t = id.is_string() ? cat.find(id.string()) : std::nullopt;
        if (!t) return Status(ErrorCode::not_found, "playlist: track \"" + id.string() + "\" is not in the catalog");
        out.push_back(*t);
    }
    return out;
}

Status apply_choice(const std::string& k, const JsonValue& v, qry::PlaylistOptions& o) {
    const std::string s = v.string();
    if (k == "selection") {
        if (s == "soft_min") o.selection = qry::SeedSetMode::soft_min;
        else if (s == "mean") o.selection = qry::SeedSetMode::mean;
        else if (s == "union") o.selection = qry::SeedSetMode::union_nn;
        else return bad("\"selection\" is soft_min, mean or union (got \"" + s + "\")");
    } else {
        if (s == "optimised") o.order = qry::OrderMethod::optimised;
        else if (s == "greedy") o.order = qry::OrderMethod::greedy;
        else if (s == "by_fit") o.order = qry::OrderMethod::by_fit;
        else return bad("\"order\" is optimised, greedy or by_fit (got \"" + s + "\")");
    }
    return Status::ok();
}

// One option key of the spec (the seed ids are read apart).
Status apply_option(const std::string& k, const JsonValue& v, qry::PlaylistOptions& o) {
    if (k == "n") {
        if (!v.is_number() || v.number() < 0) return bad("\"n\" must be a number of tracks");
        o.n = size_t(v.number());
    } else if (k == "bpm_arc") {
        if (v.is_null()) return Status::ok();
        auto arc = qry::parse_bpm_arc(v.string());
        if (!arc) return arc.status();
        o.bpm_arc = *arc;
    } else if (k == "weights") {
        return apply_weights(v, o.weights);
    } else if (k == "selection" || k == "order") {
        return apply_choice(k, v, o);
    } else if (k == "include_seeds") {
        auto b = flag(k, v);
        if (!b) return b.status();
        o.include_seeds = *b;
    } else {
        float* slot = k == "arc_weight" ? &o.arc_weight : k == "temperature" ? &o.softmin_temperature
                    : k == "arc_pool_factor" ? &o.arc_pool_factor : k == "fit_weight" ? &o.fit_weight : nullptr;
        if (slot) {
            auto n = number(k, v);
            if (!n) return n.status();
            *slot = *n;
            return Status::ok();
        }
        cf::SearchOptions so;
        so.filters = o.filters;
        auto applied = cf::web::apply_search_option(k, v, so);
        if (!applied) return applied.status();
        if (!*applied) return bad("unknown key \"" + k + "\"");
        o.filters = so.filters;
    }
    return Status::ok();
}

struct Request {
    qry::PlaylistOptions options;
    std::vector<uint32_t> seed_tracks;
};

Result<Request> parse_spec(const cf::Catalog& cat, const char* text) {
    auto j = cf::parse_json(text && *text ? text : "{}");
    if (!j) return bad("spec: " + j.status().message());
    if (!j->is_object()) return bad("the spec must be a JSON object");
    Request r;
    for (const auto& [k, v] : j->members()) {
        if (k == "seed") {
            auto ids = track_ids(cat, v, k);
            if (!ids) return ids.status();
            r.seed_tracks = std::move(*ids);
        } else if (Status st = apply_option(k, v, r.options); !st) {
            return st;
        }
    }
    return r;
}

void write_entry(cf::JsonWriter& w, const cf::Catalog& cat, const qry::PlaylistEntry& e, size_t position) {
    const cf::TrackMeta& t = cat.tracks()[e.track];
    w.begin_object().key("position").value(position).key("track").value(size_t(e.track)).key("id").value(t.id);
    w.key("title").value(t.title).key("artist").value(t.artist).key("composer").value(t.composer);
    w.key("source").value(t.source).key("license").value(t.license).key("attribution").value(t.attribution);
    w.key("path").value(t.path).key("preview").value(t.preview);
    w.key("bpm").number(t.bpm, "%.1f");
    cf::write_tempo_json(w, cf::tempo_reading(t.bpm, t.bpm_confidence));
    w.key("loudness_lufs").number(t.loudness_lufs, "%.1f").key("duration_s").number(t.duration_s, "%.2f");
    const auto& xy = cat.map_xy();
    if (xy.size() >= 2 * (size_t(e.track) + 1)) w.key("x").number(xy[2 * e.track]).key("y").number(xy[2 * e.track + 1]);
    w.key("fit").number(e.fit, "%.4f").key("transition_cost").number(e.transition_cost, "%.4f");
    w.key("target_bpm").number(e.target_bpm, "%.1f").key("arc_cost").number(e.arc_cost, "%.4f");
    w.key("is_seed").value(e.is_seed).end_object();
}

std::string playlist_json(const cf::Catalog& cat, const qry::Playlist& p) {
    cf::JsonWriter w;
    w.begin_object().key("n_tracks").value(p.entries.size()).key("n_candidates").value(p.n_candidates);
    w.key("mean_transition_cost").number(p.mean_transition_cost, "%.5f").key("mean_arc_cost").number(p.mean_arc_cost, "%.5f");
    w.key("mean_abs_bpm_error").number(p.mean_abs_bpm_error, "%.2f").key("total_cost").number(p.total_cost, "%.5f");
    w.key("entries").begin_array();
    for (size_t k = 0; k < p.entries.size(); ++k) write_entry(w, cat, p.entries[k], k + 1);
    w.end_array().end_object();
    return w.take();
}

Result<qry::PlaylistSeed> seed_of(const OpenPlaylist& p, std::vector<uint32_t> tracks, const float* files, int n_files,
                                  int dim, const float* scores, int n_scores) {
    qry::PlaylistSeed seed;
    seed.tracks = std::move(tracks);
    if (n_files < 0 || n_scores < 0 || dim < 0) return bad("negative count");
    if (n_files > 0 && (!files || size_t(dim) != p.engine->input_dim()))
        return bad("the files' embeddings have " + std::to_string(dim) + " values; the catalog takes " +
                   std::to_string(p.engine->input_dim()));
    for (int i = 0; i < n_files; ++i) seed.embeddings.emplace_back(files + size_t(i) * size_t(dim), files + size_t(i + 1) * size_t(dim));
    if (n_scores > 0 && scores) seed.scores.assign(scores, scores + n_scores);
    return seed;
}

Result<qry::PlaylistExportOptions> export_options(const cf::Catalog& cat, const char* text) {
    auto j = cf::parse_json(text && *text ? text : "{}");
    if (!j || !j->is_object()) return bad("export options must be a JSON object");
    qry::PlaylistExportOptions o;
    for (const auto& [k, v] : j->members()) {
        if (k == "title" || k == "base") {
            if (!v.is_string()) return bad("\"" + k + "\" must be a string");
            (k == "title" ? o.title : o.base) = v.string();
        } else if (k == "locations") {
            if (!v.is_object()) return bad("\"locations\" must map track ids to paths");
            o.locations.assign(cat.size(), "");
            for (const auto& [id, loc] : v.members())
                if (auto t = cat.find(id); t && loc.is_string()) o.locations[*t] = loc.string();
        } else {
            return bad("unknown export option \"" + k + "\" (title, base, locations)");
        }
    }
    return o;
}

}  // namespace

extern "C" {

EMSCRIPTEN_KEEPALIVE int cf_playlist_open(const char* catalog_path) {
    try {
        auto c = cf::Catalog::open(catalog_path ? catalog_path : "");
        if (!c) return cf::bindings::fail(c.status().message());
        auto p = std::make_unique<OpenPlaylist>();
        p->catalog = std::make_unique<cf::Catalog>(std::move(*c));
        p->engine = std::make_unique<qry::QueryEngine>(*p->catalog);
        static int next = 1;
        handles()[next] = std::move(p);
        return next++;
    } catch (const std::exception& e) {
        return cf::bindings::fail(std::string("playlist: ") + e.what());
    }
}

EMSCRIPTEN_KEEPALIVE void cf_playlist_free(int h) { handles().erase(h); }

EMSCRIPTEN_KEEPALIVE const char* cf_playlist_make(int h, const char* spec_json, const float* files, int n_files, int dim,
                                                  const float* scores, int n_scores) {
    try {
        OpenPlaylist* p = find(h);
        if (!p) return cf::bindings::fail_null(no_handle(h));
        auto req = parse_spec(*p->catalog, spec_json);
        if (!req) return cf::bindings::fail_null(req.status().message());
        auto seed = seed_of(*p, std::move(req->seed_tracks), files, n_files, dim, scores, n_scores);
        if (!seed) return cf::bindings::fail_null(seed.status().message());
        auto pl = qry::make_playlist(*p->engine, *seed, req->options);
        if (!pl) return cf::bindings::fail_null(pl.status().message());
        p->last = std::move(*pl);
        return cf::bindings::text(playlist_json(*p->catalog, *p->last));
    } catch (const std::exception& e) {
        return cf::bindings::fail_null(std::string("playlist: ") + e.what());
    }
}

EMSCRIPTEN_KEEPALIVE const char* cf_playlist_export(int h, const char* format, const char* options_json) {
    try {
        OpenPlaylist* p = find(h);
        if (!p) return cf::bindings::fail_null(no_handle(h));
        if (!p->last) return cf::bindings::fail_null("playlist: nothing to export yet (make a playlist first)");
        auto o = export_options(*p->catalog, options_json);
        if (!o) return cf::bindings::fail_null(o.status().message());
        const std::string f = format ? format : "";
        if (f == "m3u8" || f == "m3u") return cf::bindings::text(qry::to_m3u8(*p->catalog, *p->last, *o));
        if (f == "xspf") return cf::bindings::text(qry::to_xspf(*p->catalog, *p->last, *o));
        if (f == "csv") return cf::bindings::text(qry::to_csv(*p->catalog, *p->last, *o));
        return cf::bindings::fail_null("playlist: unknown export format \"" + f + "\" (m3u8, xspf, csv)");
    } catch (const std::exception& e) {
        return cf::bindings::fail_null(std::string("playlist: ") + e.what());
    }
}

EMSCRIPTEN_KEEPALIVE double cf_playlist_order_cost(int h, const char* ids_json, const char* spec_json) {
    try {
        OpenPlaylist* p = find(h);
        if (!p) return cf::bindings::fail(no_handle(h));
        auto ids = cf::parse_json(ids_json ? ids_json : "");
        if (!ids) return cf::bindings::fail("playlist: order: " + ids.status().message());
        auto order = track_ids(*p->catalog, *ids, "order");
        if (!order) return cf::bindings::fail(order.status().message());
        auto req = parse_spec(*p->catalog, spec_json);
        if (!req) return cf::bindings::fail(req.status().message());
        return qry::mean_transition_cost(*p->catalog, *order, req->options.weights);
    } catch (const std::exception& e) {
        return cf::bindings::fail(std::string("playlist: ") + e.what());
    }
}

}  // extern "C"
