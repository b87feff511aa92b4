// C entry point of video → soundtrack suggestions for JavaScript (`./cuefinder suggest`): a clip's
// reading (the JSON of `cuefinder-core video FILE --keyframes DIR`) + optional words → the core's
// ranked suggestions (core/query/soundtrack.h), on a text search session of semantic_api.cpp that is
// attached to a catalog. Errors and returned strings: abi.h.
//
//   _cf_sem_suggest(h, clipJson, '{"texts": ["but more epic"], "k": 5}');  // < 0: cf_error()
//   while (_cf_sem_status(h) === 1) await tick();                          // -1: failed (cf_error())
//   JSON.parse(UTF8ToString(_cf_sem_result(h)));
//
// The spec (JSON object, every key optional): "texts" [T, ...], "k" (default 5), "method" (bridge |
// projection | ensemble, default ensemble), "weights" {"text", "image"}, and the search options of
// search_options.h as filters. The result: {"file", duration_s, width, height, rotation, fps, has_audio,
// video_codec, cuts_s, shots [{start_s, end_s, motion, sees, moods, why}], pace, suggestions} (members:
// core/video/video_json.h, core/query/soundtrack.h). Each shot's keyframe (decoded by the core's image
// decoder) becomes a picture query when the image model's labels are set; without them the shots count
// by pace alone.
//
// A suggestion's fit and its exports (the track's beats and energy: the catalog's timeline, or the
// analysis JSON of cf_suggest_track_timeline for a catalog without timelines):
//   _cf_suggest_fit(h, id, clipJson, '')                   // the edit (core/fit/fit_json.h)
//   _cf_suggest_render(h, id, clipJson, '', audio, duck)   // WAV bytes; _cf_suggest_render_bytes()
//   _cf_suggest_cue_sheet(h, id, clipJson, '', 'csv')      // core/fit/cue_sheet.h
//   _cf_suggest_mux_command(video, wav, out, keepClipAudio)  // core/fit/mux_command.h
#include <emscripten.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bindings/web/abi.h"
#include "bindings/web/exports.h"
#include "bindings/web/search_options.h"
#include "bindings/web/semantic_session.h"
#include "core/common/json.h"
#include "core/image/image.h"
#include "core/io/json_reader.h"
#include "core/query/clip_pictures.h"
#include "core/query/picture_query.h"
#include "core/query/soundtrack.h"
#include "core/audio/wav_writer.h"
#include "core/fit/cue_sheet.h"
#include "core/fit/duck.h"
#include "core/fit/fit_json.h"
#include "core/fit/mux_command.h"
#include "core/fit/render.h"
#include "core/fit/track_audio.h"
#include "core/video/video_json.h"

namespace {

namespace qry = cf::query;
namespace sem = cf::semantic;

struct SuggestJob {
    cf::bindings::SemanticParts parts;
    std::string file;
    cf::VideoInfo info;
    qry::ClipReading clip;
    std::vector<std::string> keyframes;  ///< per shot, or empty
    std::vector<std::string> texts;
    std::vector<qry::TextQuery> words;
    sem::TextMethod method = sem::TextMethod::ensemble;
    qry::SoundtrackOptions options;
    cf::SearchOptions search;  ///< the filters as the spec sets them
};

double num(const cf::JsonValue& v, const char* key) {
    const cf::JsonValue* m = v.find(key);
    return m && m->is_number() ? m->number() : 0.0;
}

// The reading of `cuefinder-core video` JSON; "" or an error message.
std::string parse_clip(const char* text, SuggestJob& j) {
    auto v = cf::parse_json(text ? text : "");
    if (!v) return "clip: " + v.status().message();
    if (!v->is_object() || !v->find("shots") || !v->find("pace")) return "clip: expected the JSON of cuefinder-core video";
    if (const cf::JsonValue* f = v->find("file")) j.file = f->string();
    j.info = {num(*v, "duration_s"), int(num(*v, "width")), int(num(*v, "height")), int(num(*v, "rotation")),
              num(*v, "fps"), v->find("has_audio") && v->find("has_audio")->boolean(),
              v->find("video_codec") ? v->find("video_codec")->string() : ""};
    j.clip.duration_s = j.info.duration_s;
    for (const cf::JsonValue& c : v->find("cuts_s") ? v->find("cuts_s")->items() : std::vector<cf::JsonValue>{})
        j.clip.cuts_s.push_back(c.number());
    for (const cf::JsonValue& s : v->find("shots")->items())
        j.clip.shots.push_back({num(s, "start_s"), num(s, "end_s"), float(num(s, "motion")), std::nullopt});
    const cf::JsonValue& pace = *v->find("pace");
    j.clip.cuts_per_min = num(pace, "cuts_per_min");
    j.clip.motion = float(num(pace, "motion"));
    if (const cf::JsonValue* curve = pace.find("curve"))
        for (const cf::JsonValue& p : curve->items()) j.clip.pace.push_back(num(p, "pace"));
    if (const cf::JsonValue* k = v->find("keyframes"))
        for (const cf::JsonValue& p : k->items()) j.keyframes.push_back(p.string());
    if (!j.keyframes.empty() && j.keyframes.size() != j.clip.shots.size()) return "clip: one keyframe per shot expected";
    return "";
}

std::string spec_key(const std::string& key, const cf::JsonValue& v, SuggestJob& j) {
    if (key == "texts") {
        for (const cf::JsonValue& t : v.items()) {
            if (!t.is_string() || t.string().find_first_not_of(" \t\r\n") == std::string::npos)
                return "spec 'texts': expected non-empty strings";
            j.texts.push_back(t.string());
        }
        return v.is_array() ? "" : "spec 'texts': expected an array of strings";
    }
    if (key == "k") {
        if (!v.is_number() || v.number() < 1 || v.number() > 1000) return "spec 'k': expected a number 1..1000";
        j.options.k = size_t(v.number());
        return "";
    }
    if (key == "method") return sem::parse_text_method(v.string(), &j.method) ? "" : "spec 'method': bridge, projection or ensemble";
    if (key == "weights") {
        if (const cf::JsonValue* t = v.find("text")) j.options.weights.text = float(t->number());
        if (const cf::JsonValue* i = v.find("image")) j.options.weights.picture = float(i->number());
        return "";
    }
    auto known = cf::web::apply_search_option(key, v, j.search);
    if (!known) return known.status().message();
    j.options.filters = j.search.filters;
    return *known ? "" : "unknown spec key '" + key + "'";
}

std::string parse_spec(const char* text, SuggestJob& j) {
    auto v = cf::parse_json(text && *text ? text : "{}");
    if (!v) return "spec: " + v.status().message();
    if (!v->is_object()) return "spec: expected a JSON object";
    for (const auto& [key, value] : v->members())
        if (std::string e = spec_key(key, value, j); !e.empty()) return e;
    return "";
}

bool live(const SuggestJob& j) { return cf::bindings::semantic_live(j.parts.handle, j.parts.generation); }
void failed(const SuggestJob& j, const std::string& m) { cf::bindings::semantic_failed(j.parts.handle, j.parts.generation, m); }

void finish(std::shared_ptr<SuggestJob> j) {
    if (!live(*j)) return;
    auto r = qry::suggest_soundtrack(*j->parts.engine, &j->parts.search->matcher(), j->clip, j->words, j->options);
    if (!r) return failed(*j, j->file + ": " + r.status().message());
    cf::JsonWriter w;
    w.begin_object().key("file").value(j->file);
    cf::write_video_info_json(w, j->info);
    qry::write_soundtrack_json(w, *j->parts.catalog, j->clip, *r);
    cf::bindings::semantic_done(j->parts.handle, j->parts.generation, w.end_object().take());
}

// The shots' keyframes (files the CLI wrote) → picture queries (core/query/clip_pictures.h); then the ranking.
void run_pictures(std::shared_ptr<SuggestJob> j) {
    if (!live(*j)) return;
    if (j->keyframes.empty() || j->parts.image_labels->empty()) return finish(j);
    std::vector<cf::Image> images;
    for (const std::string& k : j->keyframes) {
        auto img = cf::decode_image_file(k);
        if (!img) return failed(*j, j->file + ": keyframe " + k + ": " + img.status().message());
        images.push_back(std::move(*img));
    }
    auto clip = std::make_shared<qry::ClipReading>(j->clip);
    qry::ShotPictureOptions o;
    o.picture.method = j->method;
    qry::read_shot_pictures(clip, std::move(images), *j->parts.image_labels, *j->parts.embedder, *j->parts.search, o,
                            [j] { return live(*j); }, [j, clip](cf::Status s) {
                                if (!s) return failed(*j, j->file + ": " + s.message());
                                j->clip = std::move(*clip);
                                finish(j);
                            });
}

void run_texts(std::shared_ptr<SuggestJob> j) {
    if (j->texts.empty()) return run_pictures(j);
    j->parts.search->embed(j->texts, [j](cf::Result<std::vector<float>> e) {
        if (!live(*j)) return;
        if (!e) return failed(*j, e.status().message());
        for (size_t i = 0; i < j->texts.size(); ++i) {
            auto q = j->parts.search->matcher().prepare(std::span<const float>(e->data() + i * sem::kTextDim, sem::kTextDim), j->method);
            if (!q) return failed(*j, "\"" + j->texts[i] + "\": " + q.status().message());
            j->words.push_back({j->texts[i], std::move(*q)});
        }
        run_pictures(j);
    });
}

std::vector<double> doubles(const cf::JsonValue* v, double missing) {
    std::vector<double> out;
    if (v)
        for (const cf::JsonValue& x : v->items()) out.push_back(x.is_number() ? x.number() : missing);
    return out;
}

// The track's beats and energy curve, from its analysis JSON (analysis_json.h: duration_s, bpm,
// bpm_confidence, beats_s, energy {times_s, rms_dbfs}). The one place they come from: the catalog's
// per-track timeline can replace it.
cf::Result<cf::TrackTimeline> track_timeline(const char* analysis_json) {
    auto v = cf::parse_json(analysis_json ? analysis_json : "");
    if (!v) return cf::Status(cf::ErrorCode::invalid_argument, "track analysis: " + v.status().message());
    if (const cf::JsonValue* e = v->find("error")) return cf::Status(cf::ErrorCode::invalid_argument, e->string());
    cf::TrackTimeline t;
    t.duration_s = num(*v, "duration_s");
    t.bpm = num(*v, "bpm");
    t.beat_confidence = num(*v, "bpm_confidence");
    t.beats_s = doubles(v->find("beats_s"), 0);
    const cf::JsonValue* energy = v->find("energy");
    if (!energy) return cf::Status(cf::ErrorCode::invalid_argument, "track analysis: no energy curve (analyse with curves)");
    t.energy_times_s = doubles(energy->find("times_s"), 0);
    for (double db : doubles(energy->find("rms_dbfs"), -120)) t.energy_db.push_back(float(db));
    CF_RETURN_IF_ERROR(cf::validate(t));
    return t;
}

constexpr int kRenderRateHz = 44100;

// A track's timeline from the catalog attached to search handle `h` (format v2: beats, energy curve,
// window embeddings), or an error saying what the catalog lacks.
cf::Result<cf::TrackTimeline> catalog_timeline(int h, const char* track_id) {
    const cf::Catalog* cat = cf::bindings::semantic_catalog(h);
    if (!cat) return cf::Status(cf::ErrorCode::invalid_argument, "no catalog attached to text search handle " + std::to_string(h));
    const std::optional<uint32_t> t = cat->find(track_id ? track_id : "");
    if (!t) return cf::Status(cf::ErrorCode::not_found, std::string("no track '") + (track_id ? track_id : "") + "' in the catalog");
    return qry::catalog_timeline(*cat, *t);
}

// The track's timeline: from its analysis JSON when one is given, else from the catalog attached to h.
cf::Result<cf::TrackTimeline> timeline_of(int h, const char* track_id, const char* analysis_json) {
    return analysis_json && *analysis_json ? track_timeline(analysis_json) : catalog_timeline(h, track_id);
}

// The clip's "sound" object (cuefinder-core video: write_clip_sound_json) → what ducking needs.
cf::Result<cf::ClipSound> clip_sound(const char* clip_json) {
    auto v = cf::parse_json(clip_json ? clip_json : "");
    if (!v) return cf::Status(cf::ErrorCode::invalid_argument, "clip: " + v.status().message());
    const cf::JsonValue* s = v->find("sound");
    if (!s || !s->is_object())
        return cf::Status(cf::ErrorCode::invalid_argument, "clip: no \"sound\" object to duck under (read the clip with a cuefinder-core that measures it)");
    cf::ClipSound sound;
    sound.has_audio = s->find("has_audio") && s->find("has_audio")->boolean();
    if (const cf::JsonValue* d = s->find("duck_db"); d && d->is_number()) sound.duck_db = float(d->number());
    if (const cf::JsonValue* k = s->find("keep"))
        for (const cf::JsonValue& span : k->items()) sound.keep.push_back({num(span, "start_s"), num(span, "end_s")});
    return sound;
}

// A clip's reading (cuefinder-core video JSON) and a track's timeline → its segment and edit plan;
// `clip_out` (optional) gets the parsed reading.
cf::Result<qry::TrackFit> fit_track(const char* clip_json, const cf::Result<cf::TrackTimeline>& track, SuggestJob* clip_out = nullptr) {
    SuggestJob j;
    if (std::string e = parse_clip(clip_json, j); !e.empty()) return cf::Status(cf::ErrorCode::invalid_argument, e);
    if (!track) return track.status();
    auto fit = qry::fit_track(*track, j.clip);
    if (fit && clip_out) *clip_out = std::move(j);
    return fit;
}

// The cue sheet's track: the catalog's metadata when h has a catalog with the track, else the id.
cf::CueTrack cue_track(int h, const char* track_id) {
    cf::CueTrack t;
    t.id = track_id ? track_id : "";
    const cf::Catalog* cat = h > 0 ? cf::bindings::semantic_catalog(h) : nullptr;
    const std::optional<uint32_t> i = cat ? cat->find(t.id) : std::nullopt;
    if (!i) return t;
    const cf::TrackMeta& m = cat->tracks()[*i];
    return {m.id, m.title, m.artist, m.path, m.license, m.attribution};
}

// The fitted track rendered at kRenderRateHz with the source's channels (1 or 2), ducked under the
// clip's kept sound when `duck`, as a 16-bit WAV.
cf::Result<std::vector<uint8_t>> render_wav(const qry::TrackFit& fit, const std::string& path, const char* clip_json, bool duck) {
    cf::Result<cf::ClipSound> sound = duck ? clip_sound(clip_json) : cf::Result<cf::ClipSound>(cf::ClipSound{});
    if (!sound) return sound.status();
    cf::TrackAudioOptions o;
    o.timeline = false;
    o.audio = true;
    o.audio_windows = cf::plan_source_windows(fit.plan);  // only what the edit plays is decoded
    auto track = cf::read_track_audio(path, o);
    if (!track) return track.status();
    auto out = cf::render_plan_at_rate(fit.plan, track->pcm_view(), kRenderRateHz);
    if (!out) return out.status();
    if (duck) CF_RETURN_IF_ERROR(cf::duck_under_clip(*out, track->n_channels, kRenderRateHz, *sound));
    return cf::encode_wav(*out, track->n_channels, kRenderRateHz);
}

std::vector<uint8_t>& rendered() {
    static std::vector<uint8_t> bytes;
    return bytes;
}

}  // namespace

extern "C" {

/// The best segment of a track for the clip and an edit of exactly the clip's length (core/fit/fit.h):
/// write_fit_json's object (core/fit/fit_json.h), or NULL (bad clip, no timeline, no fit). The track's
/// beats and energy: its `analysis_json` when given (non-empty; cf_suggest_track_timeline makes one),
/// else the timeline of catalog track `track_id` in the catalog attached to text search handle h
/// (format v2; a v1 catalog fails saying so).
EMSCRIPTEN_KEEPALIVE const char* cf_suggest_fit(int h, const char* track_id, const char* clip_json, const char* analysis_json) {
    auto fit = fit_track(clip_json, timeline_of(h, track_id, analysis_json));
    if (!fit) return cf::bindings::fail_null(fit.status().message());
    cf::JsonWriter w;
    cf::write_fit_json(w, fit->segment, fit->plan);
    return cf::bindings::text(w.take());
}

/// A track's beats and energy curve measured from its audio file (tempo + loudness, no model; for a
/// catalog without timelines): {"file", "duration_s", "bpm", "bpm_confidence", "beats_s",
/// "energy": {"times_s", "rms_dbfs"}} — what cf_suggest_fit's analysis_json takes — or NULL.
EMSCRIPTEN_KEEPALIVE const char* cf_suggest_track_timeline(const char* audio_path) {
    const std::string path = audio_path ? audio_path : "";
    auto t = cf::read_track_audio(path, cf::TrackAudioOptions{});
    if (!t) return cf::bindings::fail_null(t.status().message());
    const cf::TrackTimeline& tl = t->timeline;
    cf::JsonWriter w;
    w.begin_object().key("file").value(path).key("duration_s").number(tl.duration_s, "%.3f");
    w.key("bpm").number(tl.bpm, "%.2f").key("bpm_confidence").number(tl.beat_confidence, "%.3f");
    w.key("beats_s").numbers(tl.beats_s, "%.3f").key("energy").begin_object();
    w.key("times_s").numbers(tl.energy_times_s, "%.3f").key("rms_dbfs").numbers(tl.energy_db, "%.2f").end_object();
    return cf::bindings::text(w.end_object().take());
}

/// The same fit rendered from the track's audio (`audio_path`, 44.1 kHz, stereo kept — mono files stay
/// mono, more channels are averaged: core/fit/track_audio.h): a 16-bit WAV of exactly the clip's length,
/// with `duck` != 0 lowered under the clip's own sound (the clip JSON's "sound": core/fit/duck.h). Its
/// size in bytes (the bytes: cf_suggest_render_bytes), or -1.
EMSCRIPTEN_KEEPALIVE double cf_suggest_render(int h, const char* track_id, const char* clip_json, const char* analysis_json,
                                              const char* audio_path, int duck) {
    auto fit = fit_track(clip_json, timeline_of(h, track_id, analysis_json));
    if (!fit) return cf::bindings::fail(fit.status().message());
    auto wav = render_wav(*fit, audio_path ? audio_path : "", clip_json, duck != 0);
    if (!wav) return cf::bindings::fail(wav.status().message());
    rendered() = std::move(*wav);
    return double(rendered().size());
}

/// The last cf_suggest_render's WAV bytes (valid until the next render), or NULL when none.
EMSCRIPTEN_KEEPALIVE const uint8_t* cf_suggest_render_bytes() {
    if (rendered().empty()) return reinterpret_cast<const uint8_t*>(cf::bindings::fail_null("no render yet"));
    return rendered().data();
}

/// The cue sheet of the fit (core/fit/cue_sheet.h) as `format` "json" or "csv", or NULL. Timeline as
/// cf_suggest_fit; the track's title, artist, path, license and credit from the catalog attached to h
/// (h > 0; else only its id).
EMSCRIPTEN_KEEPALIVE const char* cf_suggest_cue_sheet(int h, const char* track_id, const char* clip_json, const char* analysis_json,
                                                      const char* format) {
    const std::string f = format ? format : "";
    if (f != "json" && f != "csv") return cf::bindings::fail_null("cue sheet format '" + f + "': expected json or csv");
    SuggestJob clip;
    auto fit = fit_track(clip_json, timeline_of(h, track_id, analysis_json), &clip);
    if (!fit) return cf::bindings::fail_null(fit.status().message());
    const cf::CueSheet cue{{clip.file, fit->plan.length_s, clip.clip.cuts_s}, cue_track(h, track_id), fit->segment, fit->plan};
    return cf::bindings::text(f == "json" ? cf::cue_sheet_json(cue) : cf::cue_sheet_csv(cue));
}

/// The FFmpeg command line that muxes a rendered WAV with its clip (core/fit/mux_command.h: the picture
/// copied, AAC audio; keep_clip_audio != 0: the clip's sound mixed with the music), or NULL.
EMSCRIPTEN_KEEPALIVE const char* cf_suggest_mux_command(const char* video_path, const char* wav_path, const char* out_path,
                                                        int keep_clip_audio) {
    cf::MuxOptions o;
    o.keep_clip_audio = keep_clip_audio != 0;
    auto cmd = cf::ffmpeg_mux_command(video_path ? video_path : "", wav_path ? wav_path : "", out_path ? out_path : "", o);
    if (!cmd) return cf::bindings::fail_null(cmd.status().message());
    return cf::bindings::text(std::move(*cmd));
}

/// Starts suggestions for a clip (see the top of this file): 0 started (poll cf_sem_status), -1 on an
/// immediate error (no handle, not attached to a catalog, bad clip or spec JSON).
EMSCRIPTEN_KEEPALIVE int cf_sem_suggest(int h, const char* clip_json, const char* spec_json) {
    auto j = std::make_shared<SuggestJob>();
    std::string e = parse_clip(clip_json, *j);
    if (e.empty()) e = parse_spec(spec_json, *j);
    if (!e.empty()) return cf::bindings::fail(e);
    auto parts = cf::bindings::semantic_begin(h);
    if (!parts) return cf::bindings::fail(parts.status().message());
    j->parts = *parts;
    if (!j->parts.catalog) {
        failed(*j, "suggestions need a catalog (attached raw arrays have no metadata)");
        return cf::bindings::fail("suggestions need a catalog (attached raw arrays have no metadata)");
    }
    run_texts(j);
    return 0;
}

}  // extern "C"
