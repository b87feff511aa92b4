// C entry points of a clip read in the page (web/video_reader.mjs decodes it with WebCodecs; the sink of
// web/video_core.mjs pushes here): its headers, each downscaled upright frame as RGBA, its sound as mono
// floats → one cf::ClipReader per handle (core/video/clip_reader.h) → the clip's reading as JSON
// (write_clip_json) and each shot's keyframe as RGB pixels. Errors and returned strings: abi.h.
//
//   const h = core.must('cf_video_begin', 'clip.mp4', '{"duration_s": 9.5, "width": 320, ...}');
//   core.must('cf_video_frame', h, rgba, 256, 144, 0.042);   // RGBA bytes (copied in), times increasing
//   core.must('cf_video_audio', h, mono, 48000);             // Float32Array (the count is passed too)
//   core.mustJson('cf_video_partial', h);                    // the clip so far ("complete": false)
//   core.mustJson('cf_video_end', h);                        // the whole clip
//   core.mustJson('cf_video_sound', h);                      // its sound alone (also without any frame)
//   const rgb = core.must('cf_video_keyframe', h, 2);        // shot 2's keyframe: a heap pointer
//   // cf_video_keyframe_width(h, 2) × cf_video_keyframe_height(h, 2) × 3 bytes at rgb
//   core.call('cf_video_free', h);
//
// The info JSON has the members write_video_info_json writes (every one optional; no others):
// duration_s, width, height, rotation (0/90/180/270), fps, has_audio, video_codec.
// Other bindings reach a reading through video_reading.h.
#include <emscripten.h>

#include <cmath>
#include <cstdint>
#include <exception>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "bindings/web/abi.h"
#include "bindings/web/exports.h"
#include "bindings/web/video_reading.h"
#include "core/common/json.h"
#include "core/io/json_reader.h"
#include "core/video/clip_reader.h"
#include "core/video/clip_sound.h"
#include "core/video/video_frame.h"

namespace {

/// Larger than any frame the page sends (max_size_px ≤ 4096, video_source.h).
constexpr int kMaxSidePx = 4096;

struct Reading {
    std::string name;
    std::optional<cf::ClipReader> reader;    ///< until cf_video_end
    std::optional<cf::ClipAnalysis> latest;  ///< the last partial, or the finished analysis
    bool ended = false;
    cf::VideoFrame frame;                    ///< reused: its pixel buffer keeps its capacity
    cf::ClipSound sound;                     ///< the last video_sound()
};

struct VideoApiState {
    std::map<int, std::unique_ptr<Reading>> readings;
    int next_handle = 1;
};

VideoApiState& api_state() {
    static VideoApiState s;
    return s;
}

using cf::bindings::fail;
using cf::bindings::fail_null;

std::string no_reading(int h) { return "video: no reading with handle " + std::to_string(h); }

Reading* find_reading(int h) {
    auto it = api_state().readings.find(h);
    return it == api_state().readings.end() ? nullptr : it->second.get();
}

constexpr const char* kInfoKeys = "duration_s, width, height, rotation, fps, has_audio, video_codec";

// One number member of the info JSON (already checked: finite, >= 0) into `info`; "" or the problem.
std::string info_number(const std::string& key, double v, cf::VideoInfo& info) {
    if (key == "duration_s") info.duration_s = v;
    else if (key == "fps") info.fps = v;
    else if (key == "width" || key == "height") {
        if (v > 1e6 || v != std::floor(v)) return "expected a whole number of pixels";
        (key == "width" ? info.width_px : info.height_px) = int(v);
    } else if (key == "rotation") {
        if (v != 0 && v != 90 && v != 180 && v != 270) return "expected 0, 90, 180 or 270";
        info.rotation_deg = int(v);
    }
    return "";
}

// One member of the info JSON into `info`; "" or what is wrong with it.
std::string info_member(const std::string& key, const cf::JsonValue& v, cf::VideoInfo& info) {
    if (key == "video_codec") {
        if (!v.is_string()) return "expected a string";
        info.video_codec = v.string();
        return "";
    }
    if (key == "has_audio") {
        if (!v.is_bool()) return "expected true or false";
        info.has_audio = v.boolean();
        return "";
    }
    if (key != "duration_s" && key != "fps" && key != "width" && key != "height" && key != "rotation")
        return std::string("unknown member (known: ") + kInfoKeys + ")";
    if (!v.is_number() || !std::isfinite(v.number()) || v.number() < 0) return "expected a number >= 0";
    return info_number(key, v.number(), info);
}

cf::Result<cf::VideoInfo> parse_info(const std::string& name, const char* text) {
    auto v = cf::parse_json(text && *text ? text : "{}");
    if (!v) return cf::Status(cf::ErrorCode::invalid_argument, name + ": video info: " + v.status().message());
    if (!v->is_object()) return cf::Status(cf::ErrorCode::invalid_argument, name + ": video info: expected a JSON object");
    cf::VideoInfo info;
    for (const auto& [key, value] : v->members())
        if (std::string e = info_member(key, value, info); !e.empty())
            return cf::Status(cf::ErrorCode::invalid_argument, name + ": video info '" + key + "': " + e);
    return info;
}

// The RGBA pixels as the reading's RGB frame; "" or what is wrong with the arguments.
std::string fill_frame(Reading& r, const uint8_t* rgba, int width_px, int height_px, double time_s) {
    const std::string where = r.name + ": frame " + std::to_string(r.reader->n_frames()) + ": ";
    if (width_px < 1 || height_px < 1 || width_px > kMaxSidePx || height_px > kMaxSidePx)
        return where + std::to_string(width_px) + "×" + std::to_string(height_px) + " px: each side must be 1.." +
               std::to_string(kMaxSidePx);
    if (!rgba) return where + "the RGBA pixels are a null pointer";
    cf::VideoFrame& f = r.frame;
    f.width_px = width_px;
    f.height_px = height_px;
    f.time_s = time_s;
    f.rgb.resize(f.n_pixels() * 3);
    uint8_t* out = f.rgb.data();
    for (size_t i = 0, n = f.n_pixels(); i < n; ++i, rgba += 4, out += 3) {
        out[0] = rgba[0];
        out[1] = rgba[1];
        out[2] = rgba[2];
    }
    return "";
}

const char* clip_json(const Reading& r) {
    cf::JsonWriter w;
    w.begin_object();
    cf::write_clip_json(w, r.name, *r.latest);
    return cf::bindings::text(w.end_object().take());
}

// Shot `shot_index`'s keyframe in the reading's latest analysis, or nullptr (the failure recorded).
const cf::Image* keyframe(int h, int shot_index) {
    const Reading* r = find_reading(h);
    std::string problem;
    if (!r) problem = no_reading(h);
    else if (!r->latest) problem = r->name + ": no reading yet (call cf_video_partial or cf_video_end first)";
    else if (shot_index < 0 || size_t(shot_index) >= r->latest->keyframes.size())
        problem = r->name + ": no shot " + std::to_string(shot_index) + " (the reading has " +
                  std::to_string(r->latest->keyframes.size()) + ")";
    if (!problem.empty()) {
        fail_null(problem);
        return nullptr;
    }
    return &r->latest->keyframes[size_t(shot_index)];
}

}  // namespace

namespace cf::bindings {

const std::string* video_name(int h) {
    const Reading* r = find_reading(h);
    return r ? &r->name : nullptr;
}

const ClipSound* video_sound(int h) {
    Reading* r = find_reading(h);
    if (!r) return nullptr;
    if (r->ended) return &r->latest->sound;
    r->sound = r->reader->sound();
    return &r->sound;
}

const ClipAnalysis* video_analysis(int h) {
    const Reading* r = find_reading(h);
    return r && r->latest ? &*r->latest : nullptr;
}

Result<const ClipAnalysis*> video_partial(int h) {
    Reading* r = find_reading(h);
    if (!r) return Status(ErrorCode::invalid_argument, no_reading(h));
    if (r->ended) return &*r->latest;
    Result<ClipAnalysis> clip = r->reader->finish_partial();
    if (!clip) return clip.status();
    r->latest = std::move(*clip);
    return &*r->latest;
}

}  // namespace cf::bindings

extern "C" {

/// Starts reading clip `name` (it prefixes every error) with its headers as JSON (see the top).
/// Returns a handle > 0, or -1.
EMSCRIPTEN_KEEPALIVE int cf_video_begin(const char* name, const char* info_json) {
    try {
        const std::string clip = name && *name ? name : "video";
        cf::Result<cf::VideoInfo> info = parse_info(clip, info_json);
        if (!info) return fail(info.status().message());
        auto r = std::make_unique<Reading>();
        r->name = clip;
        r->reader.emplace(clip, *info);
        const int h = api_state().next_handle++;
        api_state().readings[h] = std::move(r);
        return h;
    } catch (const std::exception& e) {
        return fail(std::string("video: cannot start a reading: ") + e.what());
    }
}

/// The next frame, `width_px` × `height_px` RGBA bytes (alpha ignored), upright, at `time_s` (strictly
/// after the last frame's). 0, or -1 (a bad frame is not counted; later frames may still come).
EMSCRIPTEN_KEEPALIVE int cf_video_frame(int h, const uint8_t* rgba, int width_px, int height_px, double time_s) {
    try {
        Reading* r = find_reading(h);
        if (!r) return fail(no_reading(h));
        if (r->ended) return fail(r->name + ": the reading has ended (cf_video_end): no more frames");
        if (std::string e = fill_frame(*r, rgba, width_px, height_px, time_s); !e.empty()) return fail(e);
        if (cf::Status s = r->reader->push_frame(r->frame); !s) return fail(s.message());
        return 0;
    } catch (const std::exception& e) {
        return fail(std::string("video: frame: ") + e.what());
    }
}

/// More of the clip's sound: `n_samples` mono floats at `rate_hz` (the same rate every time). 0 or -1.
EMSCRIPTEN_KEEPALIVE int cf_video_audio(int h, const float* samples, int n_samples, int rate_hz) {
    try {
        Reading* r = find_reading(h);
        if (!r) return fail(no_reading(h));
        if (r->ended) return fail(r->name + ": the reading has ended (cf_video_end): no more sound");
        if (n_samples < 0) return fail(r->name + ": audio: " + std::to_string(n_samples) + " samples");
        if (!samples && n_samples > 0) return fail(r->name + ": audio: the samples are a null pointer");
        if (cf::Status s = r->reader->push_audio(samples, size_t(n_samples), rate_hz); !s) return fail(s.message());
        return 0;
    } catch (const std::exception& e) {
        return fail(std::string("video: audio: ") + e.what());
    }
}

/// The clip so far as JSON (write_clip_json, "complete": false; after cf_video_end the whole clip).
/// NULL with fewer than 2 frames or an unknown handle.
EMSCRIPTEN_KEEPALIVE const char* cf_video_partial(int h) {
    try {
        cf::Result<const cf::ClipAnalysis*> clip = cf::bindings::video_partial(h);
        if (!clip) return fail_null(clip.status().message());
        return clip_json(*find_reading(h));
    } catch (const std::exception& e) {
        return fail_null(std::string("video: partial reading: ") + e.what());
    }
}

/// Ends the reading: the whole clip as JSON (write_clip_json). The handle stays (keyframes, the JSON
/// again) until cf_video_free. NULL when no frame was pushed, or for an unknown handle.
EMSCRIPTEN_KEEPALIVE const char* cf_video_end(int h) {
    try {
        Reading* r = find_reading(h);
        if (!r) return fail_null(no_reading(h));
        if (!r->ended) {
            cf::Result<cf::ClipAnalysis> clip = r->reader->finish();
            if (!clip) return fail_null(clip.status().message());
            r->latest = std::move(*clip);
            r->reader.reset();
            r->ended = true;
        }
        return clip_json(*r);
    } catch (const std::exception& e) {
        return fail_null(std::string("video: end of reading: ") + e.what());
    }
}

/// The clip's sound so far as JSON (write_clip_sound_json), frames or not: what is left of a clip
/// whose picture cannot be decoded. NULL for an unknown handle.
EMSCRIPTEN_KEEPALIVE const char* cf_video_sound(int h) {
    try {
        const cf::ClipSound* sound = cf::bindings::video_sound(h);
        if (!sound) return fail_null(no_reading(h));
        cf::JsonWriter w;
        w.begin_object();
        cf::write_clip_sound_json(w, *sound);
        return cf::bindings::text(w.end_object().take());
    } catch (const std::exception& e) {
        return fail_null(std::string("video: sound: ") + e.what());
    }
}

/// Frees a reading (its keyframes too). Unknown handles are ignored.
EMSCRIPTEN_KEEPALIVE void cf_video_free(int h) { api_state().readings.erase(h); }

/// Shot `shot_index`'s keyframe in the last reading made (cf_video_partial / cf_video_end): RGB bytes,
/// rows top to bottom, valid until the next cf_video_partial / cf_video_end / cf_video_free of `h`.
/// NULL for an unknown handle or shot.
EMSCRIPTEN_KEEPALIVE const uint8_t* cf_video_keyframe(int h, int shot_index) {
    const cf::Image* k = keyframe(h, shot_index);
    return k ? k->rgb.data() : nullptr;
}

/// The keyframe's width and height in pixels, or -1.
EMSCRIPTEN_KEEPALIVE int cf_video_keyframe_width(int h, int shot_index) {
    const cf::Image* k = keyframe(h, shot_index);
    return k ? k->width_px : -1;
}
EMSCRIPTEN_KEEPALIVE int cf_video_keyframe_height(int h, int shot_index) {
    const cf::Image* k = keyframe(h, shot_index);
    return k ? k->height_px : -1;
}

}  // extern "C"
