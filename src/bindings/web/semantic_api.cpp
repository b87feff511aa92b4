// C entry points of text and picture → music search for JavaScript (`./cuefinder search --text/--image`,
// `./cuefinder tag`, tools/eval/zeroshot/run.mjs): cf::semantic::SemanticSearch over a catalog opened
// by path (or raw arrays, for evaluations), with the platform's Embedder (ONNX Runtime Web through
// Module.cfOrtRun / cfOrtRunFeeds, web/ort_bridge.mjs). Errors and returned strings: abi.h.
//
//   const h = _cf_sem_new(vocabText);                       // models/use-lite/vocab.txt; < 0: cf_error()
//   _cf_sem_set_concepts(h, msdLabels, mttLabels);          // newline-separated manifest labels
//   _cf_sem_set_image_labels(h, labelsTxt);                 // models/mobilenet-v2/labels.txt
//   _cf_sem_attach_catalog(h, "~/catalog");                 // or _cf_sem_attach_values(h, ...)
//   while (_cf_sem_status(h) === 1) await tick();           // 1 pending, 0 done, -1 failed (cf_error())
//   _cf_sem_search(h, '{"texts": ["calm piano"], "k": 10}', 0, 0, 0, 0, 0);
//   while (_cf_sem_status(h) === 1) await tick();
//   JSON.parse(UTF8ToString(_cf_sem_result(h)));
//
// Work that needs a model (embedding the concepts, a query, a picture) is asynchronous: it starts
// here and finishes from the JS event loop when ONNX Runtime answers; its failure is reported by
// cf_sem_status. One operation at a time per handle.
//
// The query spec (a JSON object; every key optional; an unknown key or a wrong type is an error naming it):
//   "texts": [T, ...]   text inputs (`tag` sends one per label; each is its own input)
//   "image": PATH       a picture input (JPEG, PNG, GIF, BMP, WebP): "sees" (its ImageNet classes
//                       through the text bridge) and "feels" (colour → moods), z-combined 1:1
//   "track": true       the float track embedding passed to cf_sem_search is an input (cosine; with a
//                       catalog attached its "raw" also comes as "match_percent", core/match/calibration.h)
//   "track_id": ID      a catalog track as the track input (left out of the results)
//   "method": M         bridge | projection | ensemble (default ensemble)
//   "weights": {"text": W, "image": W, "track": W}   (default 1 each)
//   "scores": true      every input's raw catalog scores in the JSON ("scores": N floats)
//   "top": K            every input's own K best tracks ("top"), e.g. the best tracks per label
//   "explain": N        concepts per explanation (default 3)
//   and the search options of search_options.h (k, bpm_min, ..., license): filters apply before top-k.
// Items (dropped files; `tag`): n_items rows of concept values (cf_sem_concepts_json order, NaN =
// unknown) and of unit audio embeddings (the catalog's dim): each input reports per item its raw
// score, percentile among the catalog and explanation.
// The query itself is the core's (core/query/query_engine.h: one engine for the app and the CLI);
// this file parses the spec, runs the model steps and formats the engine's result as JSON.
#include <emscripten.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "core/catalog/catalog.h"
#include "core/common/json.h"
#include "core/image/image.h"
#include "core/query/picture_query.h"
#include "core/query/query_engine.h"
#include "core/semantic/concepts.h"
#include "core/semantic/semantic_search.h"
#include "core/semantic/text_encoder.h"
#include "core/semantic/text_matcher.h"
#include "core/text/sentencepiece.h"
#include "platform/embedder.h"
#include "bindings/web/abi.h"
#include "bindings/web/exports.h"
#include "bindings/web/search_options.h"
#include "bindings/web/semantic_session.h"
#include "core/io/json_reader.h"
#include "core/rhythm/tempo_reading.h"

namespace {

namespace sem = cf::semantic;
namespace qry = cf::query;

enum Status { kDone = 0, kPending = 1, kError = -1 };

struct Session {
    std::unique_ptr<cf::Embedder> embedder;
    std::unique_ptr<sem::SemanticSearch> search;
    std::vector<sem::Concept> concepts;
    std::vector<std::string> image_labels;
    std::optional<cf::Catalog> catalog;     ///< when attached to a catalog (not raw arrays)
    std::optional<qry::QueryEngine> engine;  ///< over `catalog` or the raw arrays
    /// Per concept: the attached data has some value for it. An item's value for a concept the
    /// catalog does not know (a catalog without per-tag probabilities has no MTT tags) is dropped,
    /// so that it is scored like the catalog's tracks (the concept's mean, z = 0).
    std::vector<bool> known;
    int status = kDone;
    std::string error, result;
    int generation = 0;  ///< bumped per operation: callbacks of an abandoned one are ignored
};

std::map<int, std::unique_ptr<Session>>& sessions() {
    static std::map<int, std::unique_ptr<Session>> s;
    return s;
}
int g_next_handle = 1;

Session* find(int h) {
    auto it = sessions().find(h);
    return it == sessions().end() ? nullptr : it->second.get();
}

// A callback of operation `generation` on handle `h`: the session if both still stand.
Session* live(int h, int generation) {
    Session* s = find(h);
    return s && s->generation == generation ? s : nullptr;
}

void fail(Session& s, const std::string& message) {
    s.status = kError;
    s.error = message;
}

// An immediate failure of an export on session `s`: kept on the session and returned as -1 (abi.h).
int fail_now(Session& s, const std::string& message) {
    fail(s, message);
    return cf::bindings::fail(message);
}

std::string no_handle(int h) { return "no text search with handle " + std::to_string(h); }

std::vector<std::string> lines(const char* text) {
    std::vector<std::string> out;
    std::stringstream in(text ? text : "");
    std::string l;
    while (std::getline(in, l)) {
        if (!l.empty() && l.back() == '\r') l.pop_back();
        if (!l.empty()) out.push_back(l);
    }
    return out;
}

std::vector<bool> known_concepts(const std::vector<float>& values, size_t n, size_t c) {
    std::vector<bool> k(c, false);
    for (size_t t = 0; t < n; ++t)
        for (size_t j = 0; j < c; ++j)
            if (std::isfinite(values[t * c + j])) k[j] = true;
    return k;
}

// One query: what the spec asked for, and the engine's query as the model steps fill it in.
struct Job {
    int handle = 0, generation = 0;
    std::vector<std::string> texts;  ///< embedded, then prepared into query.texts
    std::string image_path;
    bool use_track = false, all_scores = false;
    std::string track_id;  ///< a catalog track as the track input (left out of the results)
    qry::MixedQuery query;
    double t0 = 0, embed_ms = 0, image_ms = 0, score_ms = 0;
};

// ---- JSON ----------------------------------------------------------------------------------------

// "track", then the catalog's metadata of track t (none over raw arrays).
void write_track(cf::JsonWriter& w, const Session& s, uint32_t t) {
    w.key("track").value(t);
    if (!s.catalog) return;
    const cf::TrackMeta& m = s.catalog->tracks()[t];
    w.key("id").value(m.id).key("path").value(m.path).key("title").value(m.title).key("artist").value(m.artist);
    w.key("source").value(m.source).key("license_kind").value(cf::license_kind(m.license)).key("preview").value(m.preview);
    w.key("bpm").number(m.bpm, "%.1f");
    cf::write_tempo_json(w, cf::tempo_reading(m.bpm, m.bpm_confidence));
    w.key("duration_s").number(m.duration_s, "%.2f");
}

// An input's score of a track or item: raw, match percent (calibrated track input), percentile, why.
void write_score(cf::JsonWriter& w, const qry::InputScore& s) {
    w.key("raw").number(s.raw);
    if (std::isfinite(s.match_percent)) w.key("match_percent").number(s.match_percent, "%.1f");
    w.key("percentile").number(s.percentile, "%.4f").key("why").value(s.why);
}

void write_concepts(cf::JsonWriter& w, const sem::TextMatcher& m, const std::vector<sem::ConceptWeight>& weights) {
    w.begin_array();
    for (const sem::ConceptWeight& c : weights) {
        const sem::Concept& k = m.concepts()[c.index];
        w.begin_object().key("key").value(k.key()).key("words").value(k.words);
        w.key("weight").number(c.weight, "%.4f").key("similarity").number(c.similarity, "%.4f").end_object();
    }
    w.end_array();
}

// The picture input's members: its classes, feel, explanation and the concepts of sees and feels.
void write_picture(cf::JsonWriter& w, const sem::TextMatcher& m, const qry::PictureQuery& p) {
    w.key("classes").begin_array();
    for (const sem::ImageClass& c : p.classes)
        w.begin_object().key("label").value(c.label).key("words").value(c.words).key("prob").number(c.prob, "%.4f").end_object();
    w.end_array().key("feel").begin_object().key("description").value(p.feel.description);
    w.key("explanation").value(p.feel.explanation).key("valence").number(p.feel.valence, "%.3f");
    w.key("arousal").number(p.feel.arousal, "%.3f").key("energy").number(p.feel.energy, "%.3f").key("moods").begin_object();
    for (size_t k = 0; k < cf::kColourMoodNames.size(); ++k) w.key(cf::kColourMoodNames[k]).number(p.feel.moods[k], "%.3f");
    w.end_object().end_object().key("why").value(p.explanation());
    w.key("concepts");
    write_concepts(w, m, p.sees ? p.sees->weights : std::vector<sem::ConceptWeight>{});
    w.key("feel_concepts");
    write_concepts(w, m, p.feels ? p.feels->weights : std::vector<sem::ConceptWeight>{});
}

void write_input(cf::JsonWriter& w, const Session& s, const Job& j, const qry::InputResult& in) {
    const sem::TextMatcher& m = s.search->matcher();
    w.begin_object().key("kind").value(qry::input_kind_name(in.kind)).key("weight").number(in.weight);
    if (in.kind == qry::InputKind::text) {
        w.key("text").value(j.query.texts[in.index].text).key("concepts");
        write_concepts(w, m, j.query.texts[in.index].prepared.weights);
    } else if (in.kind == qry::InputKind::picture) {
        w.key("path").value(j.image_path);
        write_picture(w, m, *j.query.picture);
    }
    w.key("items").begin_array();
    for (const qry::InputScore& item : in.items) {
        write_score(w.begin_object(), item);
        w.end_object();
    }
    w.end_array();
    if (j.query.top_per_input > 0) {
        w.key("top").begin_array();
        for (size_t r = 0; r < in.top.size(); ++r) {
            write_track(w.begin_object().key("rank").value(r + 1), s, in.top[r].track);
            write_score(w, in.top[r].score);
            w.end_object();
        }
        w.end_array();
    }
    if (j.all_scores) w.key("scores").numbers(in.scores.data(), in.scores.size());
    w.end_object();
}

void write_row(cf::JsonWriter& w, const Session& s, const qry::MixedResult& r, size_t rank) {
    const qry::ResultRow& row = r.results[rank];
    write_track(w.begin_object().key("rank").value(rank + 1), s, row.track);
    w.key("score").number(row.score, "%.4f").key("raw").number(row.raw).key("why").value(row.why).key("inputs").begin_array();
    for (size_t i = 0; i < row.inputs.size(); ++i) {
        w.begin_object().key("kind").value(qry::input_kind_name(r.inputs[i].kind));
        write_score(w, row.inputs[i]);
        w.end_object();
    }
    w.end_array().end_object();
}

std::string result_json(const Session& s, const Job& j, const qry::MixedResult& r) {
    cf::JsonWriter w;
    w.begin_object().key("method").value(sem::text_method_name(j.query.method)).key("n_tracks").value(s.engine->n_tracks());
    w.key("n_items").value(j.query.items.size()).key("inputs").begin_array();
    for (const qry::InputResult& in : r.inputs) write_input(w, s, j, in);
    w.end_array().key("results").begin_array();
    for (size_t rank = 0; rank < r.results.size(); ++rank) write_row(w, s, r, rank);
    w.end_array().key("timing").begin_object().key("embed_ms").number(j.embed_ms, "%.3f");
    w.key("image_ms").number(j.image_ms, "%.3f").key("score_ms").number(j.score_ms, "%.3f");
    w.key("total_ms").number(emscripten_get_now() - j.t0, "%.3f").end_object().end_object();
    return w.take();
}

// ---- the query's steps: texts → picture → the engine -------------------------------------------

void finish(Session& s, Job& j) {
    const double t_score = emscripten_get_now();
    cf::Result<qry::MixedResult> r = s.engine->run(j.query, &s.search->matcher());
    if (!r) return fail(s, r.status().message());
    j.score_ms += emscripten_get_now() - t_score;
    s.result = result_json(s, j, *r);
    s.status = kDone;
}

// The picture: decode, then the core's picture steps (image model, class words, colour feel).
void run_image(std::shared_ptr<Job> j) {
    Session* s = live(j->handle, j->generation);
    if (!s) return;
    const double t0 = emscripten_get_now();
    cf::Result<cf::Image> img = cf::decode_image_file(j->image_path);
    if (!img) return fail(*s, img.status().message());
    if (s->image_labels.empty()) return fail(*s, "image search: no image labels (cf_sem_set_image_labels: models/mobilenet-v2/labels.txt)");
    qry::PictureOptions o;
    o.method = j->query.method;
    auto wanted = [h = j->handle, g = j->generation] { return live(h, g) != nullptr; };
    qry::prepare_picture(*img, j->image_path, s->image_labels, *s->embedder, *s->search, o, wanted,
                         [j, t0](cf::Result<qry::PictureQuery> p) {
                             Session* s = live(j->handle, j->generation);
                             if (!s) return;
                             if (!p) return fail(*s, j->image_path + ": " + p.status().message());
                             j->query.picture = std::move(*p);
                             j->image_ms = emscripten_get_now() - t0;
                             finish(*s, *j);
                         });
}

void run_texts(std::shared_ptr<Job> j) {
    Session* s = live(j->handle, j->generation);
    if (!s) return;
    if (j->texts.empty()) {
        if (!j->image_path.empty()) return run_image(j);
        return finish(*s, *j);
    }
    const double t0 = emscripten_get_now();
    s->search->embed(j->texts, [j, t0](cf::Result<std::vector<float>> e) {
        Session* s = live(j->handle, j->generation);
        if (!s) return;
        if (!e) return fail(*s, e.status().message());
        j->embed_ms = emscripten_get_now() - t0;
        const double ts = emscripten_get_now();
        const sem::TextMatcher& m = s->search->matcher();
        for (size_t i = 0; i < j->texts.size(); ++i) {
            auto q = m.prepare(std::span<const float>(e->data() + i * sem::kTextDim, sem::kTextDim), j->query.method);
            if (!q) return fail(*s, "\"" + j->texts[i] + "\": " + q.status().message());
            j->query.texts.push_back({j->texts[i], std::move(*q)});
        }
        j->score_ms += emscripten_get_now() - ts;
        if (!j->image_path.empty()) return run_image(j);
        finish(*s, *j);
    });
}

// ---- the spec --------------------------------------------------------------------------------------

// A whole number >= `min` (top, explain) into `out`; "" or an error message.
std::string count(const std::string& key, const cf::JsonValue& v, size_t min, size_t& out) {
    if (!v.is_number() || v.number() != std::floor(v.number()) || v.number() < double(min))
        return "query '" + key + "': expected a whole number >= " + std::to_string(min);
    out = size_t(v.number());
    return "";
}

std::string weights(const cf::JsonValue& v, qry::Weights& ws) {
    if (!v.is_object()) return "query 'weights': expected an object {\"text\", \"image\", \"track\"}";
    for (const auto& [name, w] : v.members()) {
        if (name != "text" && name != "image" && name != "track") return "query 'weights': unknown input '" + name + "'";
        if (!w.is_number() || !(w.number() >= 0)) return name + " weight must be a number >= 0";
        (name == "text" ? ws.text : name == "image" ? ws.picture : ws.track) = float(w.number());
    }
    return "";
}

std::string texts(const cf::JsonValue& v, std::vector<std::string>& out) {
    if (!v.is_array()) return "query 'texts': expected an array of strings";
    for (const cf::JsonValue& t : v.items()) {
        if (!t.is_string()) return "query 'texts': expected an array of strings";
        out.push_back(t.string());
    }
    return "";
}

std::string string_of(const std::string& key, const cf::JsonValue& v, std::string& out) {
    if (!v.is_string()) return "query '" + key + "': expected a string";
    out = v.string();
    return "";
}

std::string flag(const std::string& key, const cf::JsonValue& v, bool& out) {
    if (!v.is_bool()) return "query '" + key + "': expected true or false";
    out = v.boolean();
    return "";
}

// One key of the spec (the query's own, else a search option) into `j`; "" or an error message.
std::string spec_key(const std::string& key, const cf::JsonValue& v, Job& j) {
    std::string method;
    if (key == "texts") return texts(v, j.texts);
    if (key == "image") return string_of(key, v, j.image_path);
    if (key == "track") return flag(key, v, j.use_track);
    if (key == "track_id") return string_of(key, v, j.track_id);
    if (key == "scores") return flag(key, v, j.all_scores);
    if (key == "top") return count(key, v, 0, j.query.top_per_input);
    if (key == "explain") return count(key, v, 1, j.query.explain_n);
    if (key == "weights") return weights(v, j.query.weights);
    if (key == "method") {
        if (std::string e = string_of(key, v, method); !e.empty()) return e;
        return sem::parse_text_method(method, &j.query.method) ? "" : "unknown method '" + method + "' (bridge, projection, ensemble)";
    }
    auto known = cf::web::apply_search_option(key, v, j.query.options);  // search_options.h
    if (!known) return known.status().message();
    return *known ? "" : "unknown query key '" + key + "'";
}

// The spec (a JSON object, see the top of this file) into `j`; "" or an error message.
std::string parse_spec(const char* spec, Job& j) {
    auto v = cf::parse_json(spec ? spec : "");
    if (!v) return "query: " + v.status().message();
    if (!v->is_object()) return "query: expected a JSON object";
    for (const auto& [key, value] : v->members())
        if (std::string e = spec_key(key, value, j); !e.empty()) return e;
    return "";
}

// The query's inputs checked against the attached data; "" or an error message.
std::string check_inputs(const Session& s, Job& j, const float* track, int track_dim) {
    const size_t dim = s.engine->input_dim();  // a file's embedding: the engine maps it into the catalog's space
    if (j.query.options.filters.active() && !s.catalog) return "filters need a catalog (attached raw arrays have no metadata)";
    if (j.texts.empty() && j.image_path.empty() && !j.use_track && j.track_id.empty())
        return "nothing to search for: give a text, a picture or a track";
    for (const std::string& t : j.texts)
        if (t.find_first_not_of(" \t\r\n") == std::string::npos) return "text query is empty: type some words";
    if (j.query.method != sem::TextMethod::bridge && !s.search->matcher().has_projection())
        return std::string("the ") + sem::text_method_name(j.query.method) + " method needs the catalog's audio embeddings";
    if (!j.track_id.empty()) {
        if (!s.catalog) return "track_id needs a catalog";
        j.query.track_index = s.catalog->find(j.track_id);
        if (!j.query.track_index) return "no track '" + j.track_id + "' in the catalog";
    } else if (j.use_track) {
        if (!track || track_dim <= 0 || size_t(track_dim) != dim)
            return "track query: expected a " + std::to_string(dim) + "-d embedding, got " + std::to_string(std::max(track_dim, 0));
        j.query.track.assign(track, track + track_dim);
    }
    return "";
}

// Items: concept values (those the attached data does not know dropped) and audio embeddings.
std::string read_items(const Session& s, Job& j, int n_items, const float* values, const float* audio) {
    const size_t c = s.concepts.size(), dim = s.engine->input_dim();
    if (n_items > 0 && !values) return "items: no concept values given";
    for (size_t i = 0; i < size_t(std::max(n_items, 0)); ++i) {
        qry::Item item;
        item.values.assign(values + i * c, values + (i + 1) * c);
        for (size_t k = 0; k < c; ++k)
            if (!s.known[k]) item.values[k] = std::nanf("");
        if (audio && dim > 0) item.audio.assign(audio + i * dim, audio + (i + 1) * dim);
        else if (j.query.method != sem::TextMethod::bridge) return "items need audio embeddings for the projection and ensemble methods";
        j.query.items.push_back(std::move(item));
    }
    return "";
}

// After an attach: the engine over what was attached.
void attached(int h, int gen, const cf::Status& st, const std::string& context) {
    Session* s = live(h, gen);
    if (!s) return;
    if (!st) return fail(*s, context + st.message());
    s->status = kDone;
}

}  // namespace

extern "C" {

/// A new handle for the sentence encoder's vocabulary text; -1 on error.
EMSCRIPTEN_KEEPALIVE int cf_sem_new(const char* vocab_text) {
    auto tok = cf::text::SentencePieceTokenizer::from_vocab_text(vocab_text ? vocab_text : "");
    if (!tok) return cf::bindings::fail("text model vocabulary: " + tok.status().message());
    auto s = std::make_unique<Session>();
    s->embedder = cf::platform::make_embedder();
    s->search = std::make_unique<sem::SemanticSearch>(*s->embedder, std::move(*tok));
    const int h = g_next_handle++;
    sessions()[h] = std::move(s);
    return h;
}

EMSCRIPTEN_KEEPALIVE void cf_sem_free(int h) { sessions().erase(h); }

/// The audio models' labels (newline-separated, manifest order) → the concepts. 0, or -1 (bad handle).
EMSCRIPTEN_KEEPALIVE int cf_sem_set_concepts(int h, const char* msd_labels, const char* mtt_labels) {
    Session* s = find(h);
    if (!s) return cf::bindings::fail(no_handle(h));
    const std::vector<std::string> msd = lines(msd_labels), mtt = lines(mtt_labels);
    s->concepts = sem::audio_concepts(msd, mtt);
    return 0;
}

/// The image model's class lines (labels.txt: 1001 lines, "background" first). 0, or -1.
EMSCRIPTEN_KEEPALIVE int cf_sem_set_image_labels(int h, const char* labels) {
    Session* s = find(h);
    if (!s) return cf::bindings::fail(no_handle(h));
    s->image_labels.clear();
    std::stringstream in(labels ? labels : "");
    std::string l;
    while (std::getline(in, l)) {
        if (!l.empty() && l.back() == '\r') l.pop_back();
        s->image_labels.push_back(l);
    }
    while (!s->image_labels.empty() && s->image_labels.back().empty()) s->image_labels.pop_back();
    return 0;
}

/// [{"set","label","words","key"}] in the order item values are passed.
EMSCRIPTEN_KEEPALIVE const char* cf_sem_concepts_json(int h) {
    Session* s = find(h);
    if (!s) return cf::bindings::fail_null(no_handle(h));
    cf::JsonWriter w;
    w.begin_array();
    for (const sem::Concept& c : s->concepts)
        w.begin_object().key("set").value(c.set).key("label").value(c.label).key("words").value(c.words).key("key").value(c.key()).end_object();
    return cf::bindings::text(w.end_array().take());
}

/// Opens the catalog at `path` (folder or .cfc) and fits the matcher on it (async: poll cf_sem_status).
/// Returns 0 when started, -1 on an immediate error.
EMSCRIPTEN_KEEPALIVE int cf_sem_attach_catalog(int h, const char* path) {
    Session* s = find(h);
    if (!s) return cf::bindings::fail(no_handle(h));
    const int gen = ++s->generation;
    if (s->concepts.empty()) return fail_now(*s, "no concepts: call cf_sem_set_concepts first");
    auto cat = cf::Catalog::open(path ? path : "");
    if (!cat) return fail_now(*s, cat.status().message());
    s->engine.reset();  // it borrows the catalog
    s->catalog.emplace(std::move(*cat));
    s->engine.emplace(*s->catalog);  // calibrates the match percent once
    s->known = known_concepts(sem::catalog_concept_values(*s->catalog, s->concepts), s->catalog->size(), s->concepts.size());
    s->status = kPending;
    s->search->attach(*s->catalog, s->concepts, [h, gen](cf::Status st) { attached(h, gen, st, "text search on the catalog: "); });
    return 0;
}

/// Raw arrays instead of a catalog (evaluations): values n × C (C = the concepts, NaN = unknown),
/// audio n × dim (unit rows; dim 0 = none: bridge only). Async like cf_sem_attach_catalog.
EMSCRIPTEN_KEEPALIVE int cf_sem_attach_values(int h, const float* values, int n, const float* audio, int dim) {
    Session* s = find(h);
    if (!s) return cf::bindings::fail(no_handle(h));
    const int gen = ++s->generation;
    if (s->concepts.empty()) return fail_now(*s, "no concepts: call cf_sem_set_concepts first");
    if (n <= 0) return fail_now(*s, "no tracks");
    if (!values || (dim > 0 && !audio)) return fail_now(*s, "no data: values (and audio when dim > 0) must be given");
    const size_t c = s->concepts.size(), n_tracks = size_t(n), audio_dim = dim > 0 ? size_t(dim) : 0;
    std::vector<float> v(values, values + n_tracks * c);
    std::vector<float> a(audio, audio + n_tracks * audio_dim);
    s->engine.reset();
    s->catalog.reset();
    s->engine.emplace(a, n_tracks, audio_dim);
    s->known = known_concepts(v, n_tracks, c);
    s->status = kPending;
    s->search->attach_values(s->concepts, std::move(v), n_tracks, std::move(a), audio_dim,
                             [h, gen](cf::Status st) { attached(h, gen, st, ""); });
    return 0;
}

/// 1 pending, 0 done (attached, or a result is ready), -1 failed or no such handle (cf_error() says why).
EMSCRIPTEN_KEEPALIVE int cf_sem_status(int h) {
    Session* s = find(h);
    if (!s) return cf::bindings::fail(no_handle(h));
    return s->status == kError ? cf::bindings::fail(s->error) : s->status;
}

/// The last query's result JSON (top of this file), or NULL (no handle, none ready).
EMSCRIPTEN_KEEPALIVE const char* cf_sem_result(int h) {
    Session* s = find(h);
    if (!s) return cf::bindings::fail_null(no_handle(h));
    if (s->status != kDone || s->result.empty()) return cf::bindings::fail_null("text search: no result ready");
    return cf::bindings::text(s->result);
}

/// {"ready", "n_tracks", "dim", "input_dim" (a file's embedding: the track input and items), "n_concepts",
/// "has_projection", "catalog_tag_probs", "timelines", "space_note" ("" or Catalog::space_status()'s
/// note: the catalog predates the learned similarity space), "known_concepts"}.
EMSCRIPTEN_KEEPALIVE const char* cf_sem_info(int h) {
    Session* s = find(h);
    if (!s) return cf::bindings::fail_null(no_handle(h));
    const bool ready = s->search->ready();
    cf::JsonWriter w;
    w.begin_object().key("ready").value(ready).key("n_tracks").value(s->engine ? s->engine->n_tracks() : 0);
    w.key("dim").value(s->engine ? s->engine->dim() : 0).key("n_concepts").value(s->concepts.size());
    w.key("has_projection").value(ready && s->search->matcher().has_projection());
    w.key("catalog_tag_probs").value(s->catalog && s->catalog->has_tag_probs());
    w.key("timelines").value(s->catalog && s->catalog->has_timeline());
    w.key("input_dim").value(s->engine ? s->engine->input_dim() : 0);
    w.key("space_note").value(s->catalog && !s->catalog->space_status() ? s->catalog->space_status().message() : "");
    w.key("known_concepts").value(size_t(std::count(s->known.begin(), s->known.end(), true)));
    return cf::bindings::text(w.end_object().take());
}

/// Starts a query (spec_json: see the top of this file). track: the track input's embedding (dim
/// floats) or null; item_values/item_audio: n_items rows. Returns 0 when started (poll cf_sem_status),
/// -1 on an immediate error.
EMSCRIPTEN_KEEPALIVE int cf_sem_search(int h, const char* spec_json, const float* track, int track_dim, int n_items,
                                       const float* item_values, const float* item_audio) {
    Session* s = find(h);
    if (!s) return cf::bindings::fail(no_handle(h));
    auto j = std::make_shared<Job>();
    j->handle = h;
    j->generation = ++s->generation;
    j->t0 = emscripten_get_now();
    if (!s->search->ready()) return fail_now(*s, "text search: not attached to a catalog yet");
    std::string e = parse_spec(spec_json, *j);
    if (!e.empty()) return fail_now(*s, e);
    if (e = check_inputs(*s, *j, track, track_dim); !e.empty()) return fail_now(*s, e);
    if (e = read_items(*s, *j, n_items, item_values, item_audio); !e.empty()) return fail_now(*s, e);
    s->status = kPending;
    s->error.clear();
    s->result.clear();
    run_texts(j);
    return 0;
}

}  // extern "C"

// ---- semantic_session.h: operations of other bindings on a session ----------------------------------

namespace cf::bindings {

Result<SemanticParts> semantic_begin(int h) {
    Session* s = find(h);
    if (!s) return Status(ErrorCode::invalid_argument, no_handle(h));
    const int gen = ++s->generation;
    if (!s->search->ready() || !s->engine) {
        fail(*s, "text search: not attached to a catalog yet");
        return Status(ErrorCode::invalid_argument, s->error);
    }
    s->status = kPending;
    s->error.clear();
    s->result.clear();
    return SemanticParts{s->embedder.get(), s->search.get(), &s->image_labels, s->catalog ? &*s->catalog : nullptr,
                         &*s->engine, h, gen};
}

bool semantic_live(int h, int generation) { return live(h, generation) != nullptr; }

const Catalog* semantic_catalog(int h) {
    Session* s = find(h);
    return s && s->catalog ? &*s->catalog : nullptr;
}

void semantic_done(int h, int generation, std::string result) {
    if (Session* s = live(h, generation)) {
        s->result = std::move(result);
        s->status = kDone;
    }
}

void semantic_failed(int h, int generation, std::string message) {
    if (Session* s = live(h, generation)) fail(*s, message);
}

}  // namespace cf::bindings
