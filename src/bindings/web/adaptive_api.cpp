// Adaptive like/skip sessions for JavaScript (core/query/adaptive.h): `./cuefinder search --like/--skip/
// --remark` and tools/bench/session. A handle owns its catalog, query engine, features and session.
//
//   h = cf_adaptive_open("demo/catalog", 1, 0)        // n_copies > 1: jittered copies (scale benchmarks)
//   cf_adaptive_base_track(h, "supertux/airship_2")   // or cf_adaptive_set_base(h, scores, n) / base_embedding
//   cf_adaptive_event(h, "like", "pkg/track")         // "like" | "skip" by id; 0 or -1 (unknown id named)
//   cf_adaptive_remark(h, "more upbeat", scores, n)   // a remark's raw scores (the text search's raw per track)
//   cf_adaptive_rerank(h, 10, '{"bpm_min": 90}')      // {"results": [...], "learned": {...}, "events": n}
//   cf_adaptive_session_json(h)                       // AdaptiveSession::to_json
//   cf_adaptive_set_options(h, '{"l2": 0.1}')         // a new session with these options (before the base)
#include <emscripten.h>

#include <algorithm>
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
#include "core/query/adaptive.h"
#include "core/query/query_engine.h"

namespace {

namespace qry = cf::query;

struct Adaptive {
    std::unique_ptr<cf::Catalog> catalog;
    std::unique_ptr<qry::QueryEngine> engine;
    std::unique_ptr<qry::AdaptiveFeatures> features;
    std::unique_ptr<qry::AdaptiveSession> session;
    size_t n_copies = 1;
};

std::map<int, std::unique_ptr<Adaptive>>& sessions() {
    static std::map<int, std::unique_ptr<Adaptive>> s;
    return s;
}

Adaptive* find(int h) {
    auto it = sessions().find(h);
    return it == sessions().end() ? nullptr : it->second.get();
}

std::string no_handle(int h) { return "no adaptive session with handle " + std::to_string(h); }

cf::Result<std::unique_ptr<Adaptive>> open(const char* path, int n_copies, double jitter) {
    if (n_copies < 1) return cf::Status(cf::ErrorCode::invalid_argument, "adaptive session: n_copies must be at least 1");
    auto c = cf::Catalog::open(path);
    if (!c) return c.status();
    auto a = std::make_unique<Adaptive>();
    a->catalog = std::make_unique<cf::Catalog>(std::move(*c));
    a->engine = std::make_unique<qry::QueryEngine>(*a->catalog);
    auto f = qry::AdaptiveFeatures::build(*a->engine);
    if (!f) return f.status();
    a->n_copies = size_t(n_copies);
    a->features = std::make_unique<qry::AdaptiveFeatures>(n_copies > 1 ? f->tiled(a->n_copies, float(jitter), 1) : std::move(*f));
    a->session = std::make_unique<qry::AdaptiveSession>(*a->features);
    return a;
}

// Cosine of every catalog track with a unit query in the catalog's space, repeated per copy.
cf::Status set_cosine_base(Adaptive& a, const std::vector<float>& unit_query) {
    const size_t n = a.catalog->size();
    std::vector<float> base(n * a.n_copies);
    for (uint32_t t = 0; t < n; ++t) {
        const std::vector<float> e = a.catalog->embedding(t);
        float d = 0;
        for (size_t j = 0; j < e.size(); ++j) d += e[j] * unit_query[j];
        for (size_t k = 0; k < a.n_copies; ++k) base[k * n + t] = d;
    }
    return a.session->set_base(base);
}

// {"prior_weight", "remark_weight", "l2", "embedding_weight", "concept_weight"} (each optional, >= 0).
cf::Result<qry::AdaptiveOptions> parse_options(const char* json) {
    auto v = cf::parse_json(json);
    if (!v) return v.status().with_context("adaptive options");
    qry::AdaptiveOptions o;
    const std::pair<const char*, float*> keys[] = {{"prior_weight", &o.prior_weight}, {"remark_weight", &o.remark_weight},
                                                   {"l2", &o.l2}, {"embedding_weight", &o.embedding_weight},
                                                   {"concept_weight", &o.concept_weight}};
    for (const cf::JsonValue::Member& member : v->members()) {
        const std::string& key = member.first;
        const cf::JsonValue& value = member.second;
        auto it = std::find_if(std::begin(keys), std::end(keys), [&](const auto& k) { return key == k.first; });
        if (it == std::end(keys)) return cf::Status(cf::ErrorCode::invalid_argument, "adaptive options: unknown key \"" + key + "\"");
        if (!value.is_number() || value.number() < 0)
            return cf::Status(cf::ErrorCode::invalid_argument, "adaptive options: \"" + key + "\" must be a number >= 0");
        *it->second = float(value.number());
    }
    if (o.l2 <= 0) return cf::Status(cf::ErrorCode::invalid_argument, "adaptive options: \"l2\" must be > 0");
    return o;
}

void write_row(cf::JsonWriter& w, const Adaptive& a, const qry::AdaptiveRow& r, size_t rank) {
    const uint32_t t = uint32_t(r.track % a.catalog->size());
    const cf::TrackMeta& m = a.catalog->tracks()[t];
    w.begin_object().key("rank").value(rank).key("id").value(a.features->ids()[r.track]).key("path").value(m.path);
    w.key("title").value(m.title).key("artist").value(m.artist).key("source").value(m.source);
    w.key("license").value(m.license).key("license_kind").value(cf::license_kind(m.license)).key("attribution").value(m.attribution);
    w.key("bpm").number(m.bpm, "%.1f").key("score").number(r.score, "%.4f").key("base").number(r.base, "%.4f");
    w.key("learned").number(r.learned, "%.4f").key("why").value(r.why).end_object();
}

void write_learned(cf::JsonWriter& w, const qry::Learned& l) {
    auto side = [&](const char* name, const std::vector<qry::LearnedConcept>& cs) {
        w.key(name).begin_array();
        for (const qry::LearnedConcept& c : cs) w.begin_object().key("words").value(c.words).key("weight").number(c.weight, "%.4f").end_object();
        w.end_array();
    };
    w.begin_object();
    side("likes", l.likes);
    side("skips", l.skips);
    w.key("text").value(l.text()).end_object();
}

}  // namespace

extern "C" {

EMSCRIPTEN_KEEPALIVE int cf_adaptive_open(const char* catalog_path, int n_copies, double jitter) {
    try {
        auto a = open(catalog_path, n_copies, jitter);
        if (!a) return cf::bindings::fail(a.status().message());
        static int next = 0;
        sessions()[++next] = std::move(*a);
        return next;
    } catch (const std::exception& e) {
        return cf::bindings::fail(std::string("adaptive session: ") + e.what());
    }
}

EMSCRIPTEN_KEEPALIVE void cf_adaptive_free(int h) { sessions().erase(h); }

EMSCRIPTEN_KEEPALIVE int cf_adaptive_size(int h) {
    Adaptive* a = find(h);
    return a ? int(a->features->n_tracks()) : cf::bindings::fail(no_handle(h));
}

EMSCRIPTEN_KEEPALIVE int cf_adaptive_set_options(int h, const char* options_json) {
    Adaptive* a = find(h);
    if (!a) return cf::bindings::fail(no_handle(h));
    auto o = parse_options(options_json);
    if (!o) return cf::bindings::fail(o.status().message());
    a->session = std::make_unique<qry::AdaptiveSession>(*a->features, *o);
    return 0;
}

EMSCRIPTEN_KEEPALIVE int cf_adaptive_set_base(int h, const float* scores, int n) {
    Adaptive* a = find(h);
    if (!a) return cf::bindings::fail(no_handle(h));
    cf::Status st = a->session->set_base(std::span<const float>(scores, size_t(std::max(n, 0))));
    return st ? 0 : cf::bindings::fail(st.message());
}

EMSCRIPTEN_KEEPALIVE int cf_adaptive_base_track(int h, const char* id) {
    Adaptive* a = find(h);
    if (!a) return cf::bindings::fail(no_handle(h));
    const std::optional<uint32_t> t = a->catalog->find(id);
    if (!t) return cf::bindings::fail("no track \"" + std::string(id) + "\" in the catalog");
    cf::Status st = set_cosine_base(*a, a->catalog->embedding(*t));
    return st ? 0 : cf::bindings::fail(st.message());
}

EMSCRIPTEN_KEEPALIVE int cf_adaptive_base_embedding(int h, const float* embedding, int dim) {
    Adaptive* a = find(h);
    if (!a) return cf::bindings::fail(no_handle(h));
    auto q = a->catalog->to_query(std::span<const float>(embedding, size_t(std::max(dim, 0))));
    if (!q) return cf::bindings::fail(q.status().message());
    cf::Status st = set_cosine_base(*a, qry::unit_vector(*q));
    return st ? 0 : cf::bindings::fail(st.message());
}

EMSCRIPTEN_KEEPALIVE int cf_adaptive_event(int h, const char* kind, const char* id) {
    Adaptive* a = find(h);
    if (!a) return cf::bindings::fail(no_handle(h));
    const std::string k = kind;
    if (k != "like" && k != "skip") return cf::bindings::fail("adaptive session: unknown event \"" + k + "\" (like or skip)");
    const std::optional<uint32_t> t = a->features->find(id);
    if (!t) return cf::bindings::fail("--" + k + ": no track \"" + std::string(id) + "\" in the catalog");
    cf::Status st = k == "like" ? a->session->like(*t) : a->session->skip(*t);
    return st ? 0 : cf::bindings::fail(st.message());
}

EMSCRIPTEN_KEEPALIVE int cf_adaptive_remark(int h, const char* text, const float* scores, int n) {
    Adaptive* a = find(h);
    if (!a) return cf::bindings::fail(no_handle(h));
    cf::Status st = a->session->remark(text, std::span<const float>(scores, size_t(std::max(n, 0))));
    return st ? 0 : cf::bindings::fail(st.message());
}

EMSCRIPTEN_KEEPALIVE int cf_adaptive_undo(int h) {
    Adaptive* a = find(h);
    if (!a) return cf::bindings::fail(no_handle(h));
    return a->session->undo() ? 1 : 0;
}

EMSCRIPTEN_KEEPALIVE const char* cf_adaptive_rerank(int h, int k, const char* options_json) {
    Adaptive* a = find(h);
    if (!a) return cf::bindings::fail_null(no_handle(h));
    auto o = cf::web::parse_search_options(options_json);
    if (!o) return cf::bindings::fail_null(o.status().message());
    if (a->n_copies > 1 && o->filters.active())
        return cf::bindings::fail_null("adaptive session: filters need the catalog's metadata (not on jittered copies)");
    auto rows = a->session->rerank(size_t(std::max(k, 0)), a->n_copies > 1 ? cf::SearchFilters{} : o->filters);
    if (!rows) return cf::bindings::fail_null(rows.status().message());
    cf::JsonWriter w;
    w.begin_object().key("results").begin_array();
    for (size_t i = 0; i < rows->size(); ++i) write_row(w, *a, (*rows)[i], i + 1);
    w.end_array().key("learned");
    write_learned(w, a->session->learned());
    w.key("events").value(a->session->events().size()).end_object();
    return cf::bindings::text(w.take());
}

EMSCRIPTEN_KEEPALIVE void cf_adaptive_set_query(int h, const char* query) {
    if (Adaptive* a = find(h)) a->session->set_query(query);
}

EMSCRIPTEN_KEEPALIVE const char* cf_adaptive_session_json(int h) {
    Adaptive* a = find(h);
    if (!a) return cf::bindings::fail_null(no_handle(h));
    return cf::bindings::text(a->session->to_json());
}

}  // extern "C"
