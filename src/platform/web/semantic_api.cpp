// C entry points of text and picture → music search for JavaScript (`./cuefinder search --text/--image`,
// `./cuefinder tag`, tools/eval/zeroshot/run.mjs): cf::semantic::SemanticSearch over a catalog opened
// by path (or raw arrays, for evaluations), with the platform's Embedder (ONNX Runtime Web through
// Module.cfOrtRun / cfOrtRunFeeds, src/platform/web/ort_bridge.mjs).
//
//   const h = _cf_sem_new(vocabText);                       // models/use-lite/vocab.txt; < 0: error
//   _cf_sem_set_concepts(h, msdLabels, mttLabels);          // newline-separated manifest labels
//   _cf_sem_set_image_labels(h, labelsTxt);                 // models/mobilenet-v2/labels.txt
//   _cf_sem_attach_catalog(h, "~/catalog");                 // or _cf_sem_attach_values(h, ...)
//   while (_cf_sem_status(h) === 1) await tick();           // 1 pending, 0 done, -1 error
//   _cf_sem_search(h, "text\tcalm piano\nk\t10", 0, 0, 0, 0, 0);
//   while (_cf_sem_status(h) === 1) await tick();
//   JSON.parse(UTF8ToString(_cf_sem_result(h)));            // or _cf_sem_error(h)
//
// Work that needs a model (embedding the concepts, a query, a picture) is asynchronous: it starts
// here and finishes from the JS event loop when ONNX Runtime answers. One operation at a time per
// handle. Strings returned stay valid until the next call on the same handle.
//
// The query spec ("key\tvalue" lines):
//   text<TAB>T          a text input (repeatable: `tag` sends one per label; each is its own input)
//   image<TAB>PATH      a picture input (JPEG, PNG, GIF, BMP, WebP): "sees" (its ImageNet classes
//                       through the text bridge) and "feels" (colour → moods), z-combined 1:1
//   track<TAB>1         the float track embedding passed to cf_sem_search is an input (cosine; with a
//                       catalog attached its "raw" also comes as "match_percent", core/match/calibration.h)
//   method<TAB>M        bridge | projection | ensemble (default ensemble)
//   weight_text<TAB>W, weight_image<TAB>W, weight_track<TAB>W   (default 1 each)
//   scores<TAB>1        every input's raw catalog scores in the JSON ("scores": N floats)
//   top<TAB>K           every input's own K best tracks ("top"), e.g. the best tracks per label
//   explain<TAB>N       concepts per explanation (default 3)
//   and the search options of search_options.h (k, bpm_min, ..., license): filters apply before top-k.
// Items (dropped files; `tag`): n_items rows of concept values (cf_sem_concepts_json order, NaN =
// unknown) and of unit audio embeddings (the catalog's dim): each input reports per item its raw
// score, percentile among the catalog and explanation.
#include <emscripten.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "core/analysis/analysis_json.h"
#include "core/catalog/catalog.h"
#include "core/image/colour.h"
#include "core/image/image.h"
#include "core/image/image_ops.h"
#include "core/match/calibration.h"
#include "core/semantic/concepts.h"
#include "core/semantic/image_query.h"
#include "core/semantic/semantic_search.h"
#include "core/semantic/text_encoder.h"
#include "core/semantic/text_matcher.h"
#include "core/text/sentencepiece.h"
#include "platform/embedder.h"
#include "platform/web/search_options.h"

namespace {

namespace sem = cf::semantic;

enum Status { kDone = 0, kPending = 1, kError = -1 };

struct Session {
    std::unique_ptr<cf::Embedder> embedder;
    std::unique_ptr<sem::SemanticSearch> search;
    std::vector<sem::Concept> concepts;
    std::vector<std::string> image_labels;
    std::optional<cf::Catalog> catalog;  ///< when attached to a catalog (not raw arrays)
    std::optional<cf::match::MatchCalibration> match;  ///< the catalog's cosine → match percent (track inputs)
    std::vector<float> audio;            ///< N × dim unit embeddings (track inputs)
    /// Per concept: the attached data has some value for it. An item's value for a concept the
    /// catalog does not know (a catalog without per-tag probabilities has no MTT tags) is dropped,
    /// so that it is scored like the catalog's tracks (the concept's mean, z = 0).
    std::vector<bool> known;
    size_t n_tracks = 0, dim = 0;
    int status = kDone;
    std::string error, result, text;
    int generation = 0;  ///< bumped per operation: callbacks of an abandoned one are ignored
};

std::map<int, std::unique_ptr<Session>>& sessions() {
    static std::map<int, std::unique_ptr<Session>> s;
    return s;
}
int g_next_handle = 1;
std::string g_text;

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

std::string num(double v, const char* fmt = "%.6g") {
    if (!std::isfinite(v)) return "null";
    char buf[40];
    std::snprintf(buf, sizeof buf, fmt, v);
    return buf;
}

std::vector<bool> known_concepts(const std::vector<float>& values, size_t n, size_t c) {
    std::vector<bool> k(c, false);
    for (size_t t = 0; t < n; ++t)
        for (size_t j = 0; j < c; ++j)
            if (std::isfinite(values[t * c + j])) k[j] = true;
    return k;
}

void mean_sd(std::span<const float> v, double* mean, double* sd) {
    double s = 0, s2 = 0;
    for (float x : v) s += x;
    *mean = v.empty() ? 0.0 : s / double(v.size());
    for (float x : v) s2 += (x - *mean) * (x - *mean);
    *sd = v.size() > 1 ? std::sqrt(s2 / double(v.size())) : 0.0;
    if (!(*sd > 1e-12)) *sd = 1.0;  // as cf::semantic::combine_scores
}

// One input of a query: its raw catalog scores and how to score and explain an item or a track.
struct Input {
    std::string kind;  ///< "text", "image", "track"
    std::string text;  ///< text: the query; image: the path
    float weight = 1;
    std::vector<float> scores, sorted;  ///< raw catalog scores, and ascending
    std::vector<float> item_raw;        ///< per item
    std::vector<std::string> item_why;
    std::string json_extra;             ///< kind-specific JSON members (concepts, classes, feel)
    const cf::match::MatchCalibration* match = nullptr;  ///< track: the catalog's match calibration
};

// A track input's cosine also as the catalog's calibrated match percent (core/match/calibration.h).
std::string match_json(const Input& in, float raw) {
    if (!in.match) return "";
    const float p = in.match->percent(raw);
    if (!std::isfinite(p)) return "";
    char buf[48];
    std::snprintf(buf, sizeof buf, ",\"match_percent\":%.1f", double(p));
    return buf;
}

Input make_input(std::string kind, std::string text, float weight) {
    Input in;
    in.kind = std::move(kind);
    in.text = std::move(text);
    in.weight = weight;
    return in;
}

struct Job {
    int handle = 0, generation = 0;
    std::vector<std::string> texts;
    sem::TextMethod method = sem::TextMethod::ensemble;
    std::string image_path;
    bool use_track = false, all_scores = false;
    size_t top = 0, explain_n = 3;
    float w_text = 1, w_image = 1, w_track = 1;
    cf::SearchOptions options;
    bool has_filters = false;
    std::vector<float> track;  ///< the track input's embedding
    std::string track_id;      ///< a catalog track as the track input (left out of the results)
    std::optional<uint32_t> exclude;
    size_t n_items = 0;
    std::vector<float> item_values, item_audio;
    // Results so far.
    std::vector<sem::PreparedText> text_q;
    std::optional<sem::PreparedText> sees, feels;
    std::vector<sem::ImageClass> classes;
    cf::ColourFeel feel;
    double t0 = 0, embed_ms = 0, image_ms = 0, score_ms = 0;
};

std::string concepts_json(const sem::TextMatcher& m, const std::vector<sem::ConceptWeight>& weights) {
    std::string o = "[";
    for (size_t i = 0; i < weights.size(); ++i) {
        const sem::Concept& c = m.concepts()[weights[i].index];
        o += (i ? "," : "") + std::string("{\"key\":") + cf::json_quote(c.key()) + ",\"words\":" + cf::json_quote(c.words) +
             ",\"weight\":" + num(weights[i].weight, "%.4f") + ",\"similarity\":" + num(weights[i].similarity, "%.4f") + "}";
    }
    return o + "]";
}

std::span<const float> item_values(const Job& j, const Session& s, size_t i) {
    return {j.item_values.data() + i * s.concepts.size(), s.concepts.size()};
}
std::span<const float> item_audio(const Job& j, const Session& s, size_t i) {
    if (j.item_audio.empty()) return {};
    return {j.item_audio.data() + i * s.dim, s.dim};
}

// The bridge explanation of one (track or item) for a prepared query: "piano, calm".
std::string fits(const sem::TextMatcher& m, const sem::PreparedText& q, std::span<const float> values, size_t n) {
    return m.explain_text(q, values, n);
}

std::string track_json(const Session& s, uint32_t t) {
    std::string o = "\"track\":" + std::to_string(t);
    if (!s.catalog) return o;
    const cf::TrackMeta& m = s.catalog->tracks()[t];
    o += ",\"id\":" + cf::json_quote(m.id) + ",\"path\":" + cf::json_quote(m.path) + ",\"title\":" + cf::json_quote(m.title) +
         ",\"artist\":" + cf::json_quote(m.artist) + ",\"source\":" + cf::json_quote(m.source) +
         ",\"license_kind\":" + cf::json_quote(cf::license_kind(m.license)) + ",\"preview\":" + cf::json_quote(m.preview) +
         ",\"bpm\":" + num(m.bpm, "%.1f") + ",\"duration_s\":" + num(m.duration_s, "%.2f");
    return o;
}

// What of a picture's query a track or item has: the "sees" concepts that carried its score, then the
// moods the colours ask for ("more of": positive weights only; a "less sad" match is not shown as "sad").
std::string image_fits(const sem::TextMatcher& m, const Job& j, std::span<const float> values) {
    std::vector<std::string> words;
    auto add = [&](const std::string& w) {
        if (words.size() < j.explain_n + 1 && std::find(words.begin(), words.end(), w) == words.end()) words.push_back(w);
    };
    if (j.sees)
        for (const sem::Contribution& c : m.explain(*j.sees, values, j.explain_n)) add(m.concepts()[c.index].words);
    if (j.feels)
        for (const sem::Contribution& c : m.explain(*j.feels, values, j.explain_n))
            for (const sem::ConceptWeight& w : j.feels->weights)
                if (w.index == c.index && w.weight > 0) add(m.concepts()[c.index].words);
    std::string out;
    for (const std::string& w : words) out += (out.empty() ? "" : ", ") + w;
    return out;
}

// Per track of an input: its explanation.
std::string input_why(const Session& s, const Job& j, const Input& in, size_t text_index, uint32_t t) {
    const sem::TextMatcher& m = s.search->matcher();
    if (in.kind == "text") {
        const std::string f = fits(m, j.text_q[text_index], m.track_values(t), j.explain_n);
        if (!f.empty()) return "fits: " + f;
        // No tag/mood evidence (e.g. a catalog without per-tag probabilities): the projection's view.
        return j.method == sem::TextMethod::bridge ? "" : "by sound (audio projection; no tag or mood carried it)";
    }
    if (in.kind == "image") {
        std::string out = sem::image_explanation(j.classes, j.feel);
        std::string f = image_fits(m, j, m.track_values(t));
        if (!f.empty()) out += (out.empty() ? "" : " ") + std::string("(fits: ") + f + ")";
        return out;
    }
    return "like the track";
}

void finish(Session& s, Job& j) {
    const sem::TextMatcher& m = s.search->matcher();
    const double t_score = emscripten_get_now();
    const size_t n = m.n_tracks();
    std::vector<Input> inputs;
    // Texts.
    for (size_t i = 0; i < j.texts.size(); ++i) {
        const sem::PreparedText& q = j.text_q[i];
        Input in = make_input("text", j.texts[i], j.w_text);
        in.scores = q.scores;
        in.sorted = q.sorted_scores;
        for (size_t it = 0; it < j.n_items; ++it) {
            in.item_raw.push_back(m.score_item(q, item_values(j, s, it), item_audio(j, s, it)));
            in.item_why.push_back(fits(m, q, item_values(j, s, it), j.explain_n));
        }
        in.json_extra = ",\"concepts\":" + concepts_json(m, q.weights);
        inputs.push_back(std::move(in));
    }
    // The picture: sees and feels, z-combined 1:1 (their z from the catalog).
    if (!j.image_path.empty()) {
        Input in = make_input("image", j.image_path, j.w_image);
        std::vector<const sem::PreparedText*> parts;
        if (j.sees) parts.push_back(&*j.sees);
        if (j.feels) parts.push_back(&*j.feels);
        in.scores.assign(n, 0.0f);
        std::vector<double> means, sds;
        for (const sem::PreparedText* p : parts) {
            double mu = 0, sd = 1;
            mean_sd(p->scores, &mu, &sd);
            means.push_back(mu);
            sds.push_back(sd);
            for (size_t t = 0; t < n; ++t) in.scores[t] += float((p->scores[t] - mu) / sd);
        }
        in.sorted = in.scores;
        std::sort(in.sorted.begin(), in.sorted.end());
        for (size_t it = 0; it < j.n_items; ++it) {
            double r = 0;
            for (size_t k = 0; k < parts.size(); ++k)
                r += (m.score_item(*parts[k], item_values(j, s, it), item_audio(j, s, it)) - means[k]) / sds[k];
            in.item_raw.push_back(float(r));
            in.item_why.push_back(image_fits(m, j, item_values(j, s, it)));
        }
        std::string classes = "[";
        for (size_t c = 0; c < j.classes.size(); ++c)
            classes += (c ? "," : "") + std::string("{\"label\":") + cf::json_quote(j.classes[c].label) +
                       ",\"words\":" + cf::json_quote(j.classes[c].words) + ",\"prob\":" + num(j.classes[c].prob, "%.4f") + "}";
        std::string moods = "{";
        for (size_t k = 0; k < cf::kColourMoodNames.size(); ++k)
            moods += (k ? "," : "") + cf::json_quote(cf::kColourMoodNames[k]) + ":" + num(j.feel.moods[k], "%.3f");
        in.json_extra = ",\"classes\":" + classes + "]" + ",\"feel\":{\"description\":" + cf::json_quote(j.feel.description) +
                        ",\"explanation\":" + cf::json_quote(j.feel.explanation) + ",\"valence\":" + num(j.feel.valence, "%.3f") +
                        ",\"arousal\":" + num(j.feel.arousal, "%.3f") + ",\"energy\":" + num(j.feel.energy, "%.3f") +
                        ",\"moods\":" + moods + "}}" + ",\"why\":" + cf::json_quote(sem::image_explanation(j.classes, j.feel)) +
                        ",\"concepts\":" + concepts_json(m, j.sees ? j.sees->weights : std::vector<sem::ConceptWeight>{}) +
                        ",\"feel_concepts\":" + concepts_json(m, j.feels ? j.feels->weights : std::vector<sem::ConceptWeight>{});
        inputs.push_back(std::move(in));
    }
    // A track: cosine of the unit embeddings.
    if (j.use_track) {
        Input in = make_input("track", "", j.w_track);
        if (s.match) in.match = &*s.match;
        in.scores.resize(n);
        for (size_t t = 0; t < n; ++t) {
            double d = 0;
            for (size_t k = 0; k < s.dim; ++k) d += double(s.audio[t * s.dim + k]) * j.track[k];
            in.scores[t] = float(d);
        }
        in.sorted = in.scores;
        std::sort(in.sorted.begin(), in.sorted.end());
        for (size_t it = 0; it < j.n_items; ++it) {
            double d = 0;
            const auto a = item_audio(j, s, it);
            for (size_t k = 0; k < a.size() && k < j.track.size(); ++k) d += double(a[k]) * j.track[k];
            in.item_raw.push_back(float(d));
            in.item_why.push_back("");
        }
        inputs.push_back(std::move(in));
    }
    // Combined: each input z-normalised over the catalog, weighted.
    std::vector<std::span<const float>> lists;
    std::vector<float> weights;
    for (const Input& in : inputs) {
        lists.push_back(in.scores);
        weights.push_back(in.weight);
    }
    const bool any_weight = std::any_of(weights.begin(), weights.end(), [](float w) { return w > 0; });
    if (!any_weight && inputs.size() > 1) return fail(s, "every input has weight 0: give at least one a weight above 0");
    std::vector<float> combined = inputs.size() == 1 ? inputs[0].scores
                                  : any_weight        ? sem::combine_scores(lists, weights)
                                                      : std::vector<float>(n, 0.0f);
    std::vector<float> combined_sorted = combined;
    std::sort(combined_sorted.begin(), combined_sorted.end());
    std::function<bool(uint32_t)> passes;
    if ((s.catalog && j.has_filters) || j.exclude)
        passes = [&](uint32_t t) { return t != j.exclude && (!j.has_filters || s.catalog->passes(t, j.options.filters)); };
    const std::vector<uint32_t> best = sem::top_tracks(combined, j.options.k, passes);
    j.score_ms += emscripten_get_now() - t_score;

    // JSON.
    std::string o = "{\"method\":" + cf::json_quote(sem::text_method_name(j.method)) + ",\"n_tracks\":" + std::to_string(n) +
                    ",\"n_items\":" + std::to_string(j.n_items) + ",\"inputs\":[";
    size_t text_index = 0;
    std::vector<size_t> text_of(inputs.size(), 0);
    for (size_t i = 0; i < inputs.size(); ++i) {
        const Input& in = inputs[i];
        if (in.kind == "text") text_of[i] = text_index++;
        o += (i ? "," : "") + std::string("{\"kind\":") + cf::json_quote(in.kind) + ",\"weight\":" + num(in.weight) +
             (in.kind == "text" ? ",\"text\":" + cf::json_quote(in.text) : in.kind == "image" ? ",\"path\":" + cf::json_quote(in.text) : "") +
             in.json_extra + ",\"items\":[";
        for (size_t it = 0; it < j.n_items; ++it)
            o += (it ? "," : "") + std::string("{\"raw\":") + num(in.item_raw[it]) + match_json(in, in.item_raw[it]) +
                 ",\"percentile\":" + num(sem::fraction_below(in.sorted, in.item_raw[it]), "%.4f") + ",\"why\":" + cf::json_quote(in.item_why[it]) + "}";
        o += "]";
        if (j.top > 0) {
            o += ",\"top\":[";
            const std::vector<uint32_t> t = sem::top_tracks(in.scores, j.top, passes);
            for (size_t r = 0; r < t.size(); ++r)
                o += (r ? "," : "") + std::string("{\"rank\":") + std::to_string(r + 1) + "," + track_json(s, t[r]) +
                     ",\"raw\":" + num(in.scores[t[r]]) + match_json(in, in.scores[t[r]]) + ",\"percentile\":" + num(sem::fraction_below(in.sorted, in.scores[t[r]]), "%.4f") +
                     ",\"why\":" + cf::json_quote(input_why(s, j, in, text_of[i], t[r])) + "}";
            o += "]";
        }
        if (j.all_scores) {
            o += ",\"scores\":[";
            for (size_t t = 0; t < n; ++t) o += (t ? "," : "") + num(in.scores[t]);
            o += "]";
        }
        o += "}";
    }
    o += "],\"results\":[";
    for (size_t r = 0; r < best.size(); ++r) {
        const uint32_t t = best[r];
        std::string why, parts = "[";
        for (size_t i = 0; i < inputs.size(); ++i) {
            const std::string w = input_why(s, j, inputs[i], text_of[i], t);
            if (!w.empty() && inputs.size() > 1 && inputs[i].kind == "track") {
            } else if (!w.empty()) {
                why += (why.empty() ? "" : "; ") + w;
            }
            parts += (i ? "," : "") + std::string("{\"kind\":") + cf::json_quote(inputs[i].kind) + ",\"raw\":" + num(inputs[i].scores[t]) + match_json(inputs[i], inputs[i].scores[t]) +
                     ",\"percentile\":" + num(sem::fraction_below(inputs[i].sorted, inputs[i].scores[t]), "%.4f") +
                     ",\"why\":" + cf::json_quote(w) + "}";
        }
        o += (r ? "," : "") + std::string("{\"rank\":") + std::to_string(r + 1) + "," + track_json(s, t) + ",\"score\":" +
             num(sem::fraction_below(combined_sorted, combined[t]), "%.4f") + ",\"raw\":" + num(combined[t]) + ",\"why\":" +
             cf::json_quote(why) + ",\"inputs\":" + parts + "]}";
    }
    o += "],\"timing\":{\"embed_ms\":" + num(j.embed_ms, "%.3f") + ",\"image_ms\":" + num(j.image_ms, "%.3f") +
         ",\"score_ms\":" + num(j.score_ms, "%.3f") + ",\"total_ms\":" + num(emscripten_get_now() - j.t0, "%.3f") + "}}";
    s.result = std::move(o);
    s.status = kDone;
}

// The picture: decode, classify, embed the class words; colour feel. Then finish().
void run_image(std::shared_ptr<Job> j) {
    Session* s = live(j->handle, j->generation);
    if (!s) return;
    const double t0 = emscripten_get_now();
    cf::Result<cf::Image> img = cf::decode_image_file(j->image_path);
    if (!img) return fail(*s, img.status().message());
    if (s->image_labels.empty()) return fail(*s, "image search: no image labels (cf_sem_set_image_labels: models/mobilenet-v2/labels.txt)");
    j->feel = cf::colour_feel(cf::colour_stats(cf::to_model_input(*img, 224)));
    s->embedder->run(sem::image_model_request(*img), [j, t0](cf::Result<cf::ModelOutputs> out) {
        Session* s = live(j->handle, j->generation);
        if (!s) return;
        if (!out) return fail(*s, j->image_path + ": " + out.status().message());
        auto classes = sem::top_image_classes(*out, s->image_labels, 3);
        if (!classes) return fail(*s, j->image_path + ": " + classes.status().message());
        j->classes = std::move(*classes);
        std::vector<std::string> words;
        std::vector<float> probs;
        for (const sem::ImageClass& c : j->classes) {
            words.push_back(c.words);
            probs.push_back(std::max(c.prob, 1e-6f));
        }
        s->search->embed(words, [j, t0, probs](cf::Result<std::vector<float>> e) {
            Session* s = live(j->handle, j->generation);
            if (!s) return;
            if (!e) return fail(*s, j->image_path + ": " + e.status().message());
            const sem::TextMatcher& m = s->search->matcher();
            const double ts = emscripten_get_now();
            const std::vector<float> q = sem::normalized_mean(e->data(), probs.size(), sem::kTextDim, probs.data());
            auto sees = m.prepare(q, j->method);
            if (!sees) return fail(*s, j->image_path + ": " + sees.status().message());
            j->sees = std::move(*sees);
            std::vector<sem::ConceptWeight> fw = sem::feel_weights(m.concepts(), j->feel);
            if (!fw.empty()) j->feels = m.prepare_weights(std::move(fw));
            j->score_ms += emscripten_get_now() - ts;
            j->image_ms = emscripten_get_now() - t0;
            finish(*s, *j);
        });
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
            auto q = m.prepare(std::span<const float>(e->data() + i * sem::kTextDim, sem::kTextDim), j->method);
            if (!q) return fail(*s, "\"" + j->texts[i] + "\": " + q.status().message());
            j->text_q.push_back(std::move(*q));
        }
        j->score_ms += emscripten_get_now() - ts;
        if (!j->image_path.empty()) return run_image(j);
        finish(*s, *j);
    });
}

const char* ret(Session& s, std::string t) {
    s.text = std::move(t);
    return s.text.c_str();
}

}  // namespace

extern "C" {

/// A new handle for the sentence encoder's vocabulary text; < 0 on error (cf_sem_last_error()).
EMSCRIPTEN_KEEPALIVE int cf_sem_new(const char* vocab_text) {
    auto tok = cf::text::SentencePieceTokenizer::from_vocab_text(vocab_text ? vocab_text : "");
    if (!tok) {
        g_text = "text model vocabulary: " + tok.status().message();
        return -1;
    }
    auto s = std::make_unique<Session>();
    s->embedder = cf::platform::make_embedder();
    s->search = std::make_unique<sem::SemanticSearch>(*s->embedder, std::move(*tok));
    const int h = g_next_handle++;
    sessions()[h] = std::move(s);
    return h;
}

/// The message of a failed cf_sem_new().
EMSCRIPTEN_KEEPALIVE const char* cf_sem_last_error() { return g_text.c_str(); }

EMSCRIPTEN_KEEPALIVE void cf_sem_free(int h) { sessions().erase(h); }

/// The audio models' labels (newline-separated, manifest order) → the concepts. 0, or -1 (bad handle).
EMSCRIPTEN_KEEPALIVE int cf_sem_set_concepts(int h, const char* msd_labels, const char* mtt_labels) {
    Session* s = find(h);
    if (!s) return -1;
    const std::vector<std::string> msd = lines(msd_labels), mtt = lines(mtt_labels);
    s->concepts = sem::audio_concepts(msd, mtt);
    return 0;
}

/// The image model's class lines (labels.txt: 1001 lines, "background" first). 0, or -1.
EMSCRIPTEN_KEEPALIVE int cf_sem_set_image_labels(int h, const char* labels) {
    Session* s = find(h);
    if (!s) return -1;
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
    if (!s) return "[]";
    std::string o = "[";
    for (size_t i = 0; i < s->concepts.size(); ++i) {
        const sem::Concept& c = s->concepts[i];
        o += (i ? "," : "") + std::string("{\"set\":") + cf::json_quote(c.set) + ",\"label\":" + cf::json_quote(c.label) +
             ",\"words\":" + cf::json_quote(c.words) + ",\"key\":" + cf::json_quote(c.key()) + "}";
    }
    return ret(*s, o + "]");
}

/// Opens the catalog at `path` (folder or .cfc) and fits the matcher on it (async: poll cf_sem_status).
/// Returns 0 when started, -1 on an immediate error (cf_sem_error).
EMSCRIPTEN_KEEPALIVE int cf_sem_attach_catalog(int h, const char* path) {
    Session* s = find(h);
    if (!s) return -1;
    const int gen = ++s->generation;
    if (s->concepts.empty()) return fail(*s, "no concepts: call cf_sem_set_concepts first"), -1;
    auto cat = cf::Catalog::open(path ? path : "");
    if (!cat) return fail(*s, cat.status().message()), -1;
    s->catalog.emplace(std::move(*cat));
    s->match.reset();
    if (auto cal = cf::match::calibrate_catalog(*s->catalog)) s->match.emplace(std::move(*cal));
    s->n_tracks = s->catalog->size();
    s->dim = s->catalog->dim();
    s->audio.clear();
    s->audio.reserve(s->n_tracks * s->dim);
    for (uint32_t t = 0; t < s->n_tracks; ++t) {
        const std::vector<float> e = s->catalog->embedding(t);
        s->audio.insert(s->audio.end(), e.begin(), e.end());
    }
    s->known = known_concepts(sem::catalog_concept_values(*s->catalog, s->concepts), s->n_tracks, s->concepts.size());
    s->status = kPending;
    s->search->attach(*s->catalog, s->concepts, [h, gen](cf::Status st) {
        Session* s = live(h, gen);
        if (!s) return;
        if (!st) return fail(*s, "text search on the catalog: " + st.message());
        s->status = kDone;
    });
    return 0;
}

/// Raw arrays instead of a catalog (evaluations): values n × C (C = the concepts, NaN = unknown),
/// audio n × dim (unit rows; dim 0 = none: bridge only). Async like cf_sem_attach_catalog.
EMSCRIPTEN_KEEPALIVE int cf_sem_attach_values(int h, const float* values, int n, const float* audio, int dim) {
    Session* s = find(h);
    if (!s) return -1;
    const int gen = ++s->generation;
    if (s->concepts.empty()) return fail(*s, "no concepts: call cf_sem_set_concepts first"), -1;
    if (n <= 0) return fail(*s, "no tracks"), -1;
    const size_t c = s->concepts.size();
    s->catalog.reset();
    s->match.reset();
    s->n_tracks = size_t(n);
    s->dim = dim > 0 ? size_t(dim) : 0;
    std::vector<float> v(values, values + size_t(n) * c);
    s->known = known_concepts(v, size_t(n), c);
    s->audio.assign(audio, audio + (dim > 0 ? size_t(n) * size_t(dim) : 0));
    s->status = kPending;
    s->search->attach_values(s->concepts, std::move(v), size_t(n), s->audio, s->dim, [h, gen](cf::Status st) {
        Session* s = live(h, gen);
        if (!s) return;
        if (!st) return fail(*s, st.message());
        s->status = kDone;
    });
    return 0;
}

/// 1 pending, 0 done (attached, or a result is ready), -1 error (cf_sem_error), -2 no such handle.
EMSCRIPTEN_KEEPALIVE int cf_sem_status(int h) {
    Session* s = find(h);
    return s ? s->status : -2;
}

EMSCRIPTEN_KEEPALIVE const char* cf_sem_error(int h) {
    Session* s = find(h);
    return s ? s->error.c_str() : "no such text search handle";
}

EMSCRIPTEN_KEEPALIVE const char* cf_sem_result(int h) {
    Session* s = find(h);
    return s ? s->result.c_str() : "";
}

/// {"n_tracks", "dim", "n_concepts", "has_projection", "catalog_tag_probs"} of the attached data.
EMSCRIPTEN_KEEPALIVE const char* cf_sem_info(int h) {
    Session* s = find(h);
    if (!s) return "{}";
    const bool ready = s->search->ready();
    return ret(*s, "{\"ready\":" + std::string(ready ? "true" : "false") + ",\"n_tracks\":" + std::to_string(s->n_tracks) +
                       ",\"dim\":" + std::to_string(s->dim) + ",\"n_concepts\":" + std::to_string(s->concepts.size()) +
                       ",\"has_projection\":" + (ready && s->search->matcher().has_projection() ? "true" : "false") +
                       ",\"catalog_tag_probs\":" + (s->catalog && s->catalog->has_tag_probs() ? "true" : "false") +
                       ",\"known_concepts\":" + std::to_string(std::count(s->known.begin(), s->known.end(), true)) + "}");
}

/// Starts a query (spec: see the top of this file). track: the track input's embedding (dim floats)
/// or null; item_values/item_audio: n_items rows. Returns 0 when started (poll cf_sem_status), -1 on
/// an immediate error (cf_sem_error).
EMSCRIPTEN_KEEPALIVE int cf_sem_search(int h, const char* spec, const float* track, int track_dim, int n_items,
                                       const float* item_values, const float* item_audio) {
    Session* s = find(h);
    if (!s) return -1;
    auto j = std::make_shared<Job>();
    j->handle = h;
    j->generation = ++s->generation;
    j->t0 = emscripten_get_now();
    if (!s->search->ready()) return fail(*s, "text search: not attached to a catalog yet"), -1;
    std::string rest;
    for (const auto& f : cf::web::parse_records(spec)) {
        const std::string& key = f[0];
        const std::string val = f.size() > 1 ? f[1] : "";
        if (key == "text") j->texts.push_back(val);
        else if (key == "image") j->image_path = val;
        else if (key == "track") j->use_track = true;
        else if (key == "track_id") j->track_id = val;
        else if (key == "method") {
            if (!sem::parse_text_method(val, &j->method))
                return fail(*s, "unknown method '" + val + "' (bridge, projection, ensemble)"), -1;
        } else if (key == "weight_text" || key == "weight_image" || key == "weight_track") {
            const float w = cf::web::parse_float(val);
            if (!(w >= 0)) return fail(*s, key.substr(7) + " weight must be a number >= 0, got '" + val + "'"), -1;
            (key == "weight_text" ? j->w_text : key == "weight_image" ? j->w_image : j->w_track) = w;
        } else if (key == "scores") j->all_scores = val != "0";
        else if (key == "top") j->top = size_t(std::max(0L, std::strtol(val.c_str(), nullptr, 10)));
        else if (key == "explain") j->explain_n = size_t(std::max(1L, std::strtol(val.c_str(), nullptr, 10)));
        else {
            for (size_t i = 0; i < f.size(); ++i) rest += (i ? "\t" : "") + f[i];
            rest += "\n";
        }
    }
    auto o = cf::web::parse_search_options(rest.c_str());
    if (!o) return fail(*s, o.status().message()), -1;
    j->options = *o;
    j->has_filters = o->filters.active();
    if (j->has_filters && !s->catalog) return fail(*s, "filters need a catalog (attached raw arrays have no metadata)"), -1;
    if (j->texts.empty() && j->image_path.empty() && !j->use_track) return fail(*s, "nothing to search for: give a text, a picture or a track"), -1;
    for (const std::string& t : j->texts)
        if (t.find_first_not_of(" \t\r\n") == std::string::npos) return fail(*s, "text query is empty: type some words"), -1;
    if (j->method != sem::TextMethod::bridge && !s->search->matcher().has_projection())
        return fail(*s, std::string("the ") + sem::text_method_name(j->method) + " method needs the catalog's audio embeddings"), -1;
    if (!j->track_id.empty()) {
        if (!s->catalog) return fail(*s, "track_id needs a catalog"), -1;
        const std::optional<uint32_t> t = s->catalog->find(j->track_id);
        if (!t) return fail(*s, "no track '" + j->track_id + "' in the catalog"), -1;
        j->exclude = *t;
        j->use_track = true;
        j->track.assign(s->audio.begin() + ptrdiff_t(*t * s->dim), s->audio.begin() + ptrdiff_t((*t + 1) * s->dim));
    } else if (j->use_track) {
        if (!track || track_dim <= 0 || size_t(track_dim) != s->dim)
            return fail(*s, "track query: expected a " + std::to_string(s->dim) + "-d embedding, got " + std::to_string(std::max(track_dim, 0))), -1;
        j->track.assign(track, track + track_dim);
    }
    if (n_items > 0) {
        j->n_items = size_t(n_items);
        const size_t c = s->concepts.size();
        j->item_values.assign(item_values, item_values + size_t(n_items) * c);
        for (size_t i = 0; i < j->item_values.size(); ++i)
            if (!s->known[i % c]) j->item_values[i] = std::nanf("");
        if (item_audio && s->dim > 0) j->item_audio.assign(item_audio, item_audio + size_t(n_items) * s->dim);
        else if (j->method != sem::TextMethod::bridge) return fail(*s, "items need audio embeddings for the projection and ensemble methods"), -1;
    }
    s->status = kPending;
    s->error.clear();
    s->result.clear();
    run_texts(j);
    return 0;
}

}  // extern "C"
