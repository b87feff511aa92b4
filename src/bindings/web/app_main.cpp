// cuefinder app in the browser: SDL2 window + WebGL2 context + Dear ImGui, the App, the browser Host
// (audio, downloads, file picker, t-SNE worker through web/app.js), and the C entry points the page
// calls (catalog bytes, dropped files, worker progress, window.cuefinder.state()). Errors and returned
// strings: abi.h.
//
// JS side: web/app.js sets Module.cfHost = {playUrl, playQuery, pause, resume, playing, position,
// playbackError, download, openPicker, startTsne, stopTsne, analysisFinished, showClip, playWithClip,
// clipPosition, fetch, saveState} before the first frame.
#include <emscripten.h>
#include <emscripten/html5.h>

#include <GLES3/gl3.h>
#include <SDL.h>
#include <imgui.h>
#include <imgui_impl_opengl3.h>
#include <imgui_impl_sdl.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "app/app.h"
#include "platform/embedder.h"
#include "platform/web/model_slots.h"
#include "bindings/web/abi.h"
#include "bindings/web/exports.h"
#include "bindings/web/video_reading.h"
#include "core/common/json.h"
#include "core/video/video_sniff.h"

// clang-format off
EM_JS(void, cf_js_play_url, (const char* url, double start_s), { Module.cfHost.playUrl(UTF8ToString(url), start_s); });
EM_JS(void, cf_js_play_query, (double start_s), { Module.cfHost.playQuery(start_s); });
EM_JS(void, cf_js_pause, (), { Module.cfHost.pause(); });
EM_JS(void, cf_js_resume, (), { Module.cfHost.resume(); });
EM_JS(int, cf_js_playing, (), { return Module.cfHost.playing() ? 1 : 0; });
EM_JS(double, cf_js_position, (), { return Module.cfHost.position(); });
EM_JS(void, cf_js_playback_error, (char* out, int capacity), { stringToUTF8(Module.cfHost.playbackError() || "", out, capacity); });
EM_JS(void, cf_js_download, (const char* name, const char* mime, const char* text, int n_bytes), {
    Module.cfHost.download(UTF8ToString(name), UTF8ToString(mime), HEAPU8.slice(text, text + n_bytes));
});
EM_JS(void, cf_js_open_picker, (), { Module.cfHost.openPicker(); });
EM_JS(void, cf_js_start_tsne, (const float* data, int n, int dim, double perplexity, int seed), {
    Module.cfHost.startTsne(HEAPF32.slice(data >> 2, (data >> 2) + n * dim), n, dim, perplexity, seed);
});
EM_JS(void, cf_js_stop_tsne, (), { Module.cfHost.stopTsne(); });
EM_JS(void, cf_js_analysis_finished, (int request, int ok, const char* message), {
    Module.cfHost.analysisFinished(request, ok !== 0, UTF8ToString(message));
});
EM_JS(void, cf_js_show_clip, (int request, int show), { Module.cfHost.showClip(request, show !== 0); });
EM_JS(void, cf_js_play_with_clip, (const uint8_t* wav, int n_bytes, double start_s, int clip_sound), {
    Module.cfHost.playWithClip(HEAPU8.slice(wav, wav + n_bytes), start_s, clip_sound !== 0);
});
EM_JS(double, cf_js_clip_position, (), { return Module.cfHost.clipPosition(); });
EM_JS(void, cf_js_fetch, (int fetch_id, const char* url), { Module.cfHost.fetch(fetch_id, UTF8ToString(url)); });
EM_JS(void, cf_js_save_state, (const char* key, const char* json), { Module.cfHost.saveState(UTF8ToString(key), UTF8ToString(json)); });
EM_JS(double, cf_js_window_width, (), { return window.innerWidth; });
EM_JS(double, cf_js_window_height, (), { return window.innerHeight; });
// clang-format on

namespace {

class BrowserHost final : public cf::app::Host {
public:
    void play_url(const std::string& url, double start_s) override { cf_js_play_url(url.c_str(), start_s); }
    void play_query(double start_s) override { cf_js_play_query(start_s); }
    void pause() override { cf_js_pause(); }
    void resume() override { cf_js_resume(); }
    bool playing() const override { return cf_js_playing() != 0; }
    double position_s() const override { return cf_js_position(); }
    std::string playback_error() const override {
        char buf[512] = {0};
        cf_js_playback_error(buf, int(sizeof buf));
        return buf;
    }
    void download(const std::string& name, const std::string& mime, const std::string& text) override {
        cf_js_download(name.c_str(), mime.c_str(), text.data(), int(text.size()));
    }
    void download_bytes(const std::string& name, const std::string& mime, const std::vector<uint8_t>& bytes) override {
        cf_js_download(name.c_str(), mime.c_str(), reinterpret_cast<const char*>(bytes.data()), int(bytes.size()));
    }
    void show_clip(int request, bool show) override { cf_js_show_clip(request, show ? 1 : 0); }
    void play_with_clip(const std::vector<uint8_t>& wav, double start_s, bool clip_sound) override {
        cf_js_play_with_clip(wav.data(), int(wav.size()), start_s, clip_sound ? 1 : 0);
    }
    double clip_position_s() const override { return cf_js_clip_position(); }
    void fetch(int fetch_id, const std::string& url) override { cf_js_fetch(fetch_id, url.c_str()); }
    void open_file_picker() override { cf_js_open_picker(); }
    void start_tsne(const float* data, size_t n, size_t dim, double perplexity, int seed) override {
        cf_js_start_tsne(data, int(n), int(dim), perplexity, seed);
    }
    void stop_tsne() override { cf_js_stop_tsne(); }
    void analysis_finished(int request, bool ok, const std::string& message) override {
        cf_js_analysis_finished(request, ok ? 1 : 0, message.c_str());
    }
    double now_s() const override { return emscripten_get_now() / 1000.0; }
    void save_state(const std::string& key, const std::string& json) override { cf_js_save_state(key.c_str(), json.c_str()); }
};

struct Runtime {
    SDL_Window* window = nullptr;
    SDL_GLContext gl = nullptr;
    BrowserHost host;
    std::unique_ptr<cf::Embedder> embedder = cf::platform::make_embedder();
    std::unique_ptr<cf::app::App> app;
    std::vector<cf::AudioModel> models;
    std::map<std::string, std::string> model_notes;
    std::vector<uint8_t> font_ttf;    ///< a TTF to use instead of ImGui's built-in font
    bool font_pending = false;
    float font_dpr = 0.0f;
    int width = 0, height = 0;
    double last_frame_ms = 0.0;       ///< wall time of the last main_loop (UI + draw submission)
    double last_ui_ms = 0.0;          ///< of which building the UI (App::frame + ImGui::Render)
    std::vector<SDL_Event> deferred_events;  ///< keyboard events held back to the next frame
};

Runtime& rt() {
    static Runtime r;
    return r;
}


void apply_font(float dpr) {
    // Fonts are rasterised at the device pixel ratio and scaled back, so text is sharp on high-DPI
    // screens; redone when the ratio changes (moving the window to another screen, zooming).
    Runtime& r = rt();
    ImGuiIO& io = ImGui::GetIO();
    io.Fonts->Clear();
    ImFontConfig cfg;
    cfg.FontDataOwnedByAtlas = false;
    // Latin-1 plus the punctuation and arrows the app writes ("70–95 BPM", "9 cuts/min → …", "·").
    static const ImWchar kRanges[] = {0x0020, 0x00FF, 0x2010, 0x2027, 0x2190, 0x2193, 0x2212, 0x2212, 0x2264, 0x2265, 0};
    if (!r.font_ttf.empty())
        io.Fonts->AddFontFromMemoryTTF(r.font_ttf.data(), int(r.font_ttf.size()), 15.0f * dpr, &cfg, kRanges);
    else {
        cfg.SizePixels = 13.0f * dpr;
        io.Fonts->AddFontDefault(&cfg);
    }
    io.FontGlobalScale = 1.0f / dpr;
    ImGui_ImplOpenGL3_DestroyFontsTexture();
    ImGui_ImplOpenGL3_CreateFontsTexture();
    r.font_dpr = dpr;
    r.font_pending = false;
}

void main_loop() {
    Runtime& r = rt();
    const double t0 = emscripten_get_now();
    // Follow the browser window's size (CSS pixels); SDL sizes the canvas backing store by the
    // device pixel ratio (SDL_WINDOW_ALLOW_HIGHDPI).
    const int w = int(cf_js_window_width()), h = int(cf_js_window_height());
    if (w != r.width || h != r.height) {
        SDL_SetWindowSize(r.window, w, h);
        r.width = w, r.height = h;
    }
    const float dpr = float(emscripten_get_device_pixel_ratio());
    if (r.font_pending || dpr != r.font_dpr) apply_font(dpr);

    // ImGui 1.86 reads keys as "down now": a key pressed and released within one frame (a quick tap
    // on a busy page, or a script) would never be seen. So each key changes state at most once per
    // frame: an event for a key that already changed in this frame is held back to the next frame,
    // and every keyboard event after it too, to keep the order.
    std::vector<SDL_Event> events = std::move(r.deferred_events);
    r.deferred_events.clear();
    SDL_Event e;
    while (SDL_PollEvent(&e)) events.push_back(e);
    std::vector<SDL_Scancode> changed;
    bool deferring = false;
    for (const SDL_Event& ev : events) {
        const bool key = ev.type == SDL_KEYDOWN || ev.type == SDL_KEYUP;
        if ((key || ev.type == SDL_TEXTINPUT) && !deferring && key &&
            std::find(changed.begin(), changed.end(), ev.key.keysym.scancode) != changed.end())
            deferring = true;
        if (deferring && (key || ev.type == SDL_TEXTINPUT)) {
            r.deferred_events.push_back(ev);
            continue;
        }
        if (key) changed.push_back(ev.key.keysym.scancode);
        ImGui_ImplSDL2_ProcessEvent(&ev);
    }
    if (r.app && !r.app->frame_due(t0, !events.empty())) {  // busy analysing, nothing to show: no frame
        r.app->session().step(0.006);
        return;
    }
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplSDL2_NewFrame();
    const double t_ui = emscripten_get_now();
    ImGui::NewFrame();
    if (r.app) r.app->frame();
    ImGui::Render();
    r.last_ui_ms = emscripten_get_now() - t_ui;
    int fb_w = 0, fb_h = 0;
    SDL_GL_GetDrawableSize(r.window, &fb_w, &fb_h);
    glViewport(0, 0, fb_w, fb_h);
    glClearColor(0.09f, 0.10f, 0.12f, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    r.last_frame_ms = emscripten_get_now() - t0;
}

}  // namespace

extern "C" {

// ---- model slots (the same entry points as the Node module, so web/ort_bridge.mjs configureModels works)
EMSCRIPTEN_KEEPALIVE void cf_models_clear() { rt().models.clear(); }

EMSCRIPTEN_KEEPALIVE void cf_model_add(const char* name, const char* key, int role, const char* labels, int positive_index,
                                       int has_embedding, int max_patches) {
    rt().models.push_back(cf::platform::audio_model_from_c(name, key, role, labels, positive_index, has_embedding, max_patches));
    if (rt().app) rt().app->session().set_models(rt().models);
}

EMSCRIPTEN_KEEPALIVE void cf_app_model_note(const char* name, const char* note) {
    rt().model_notes[name] = note;
    if (rt().app) rt().app->session().set_model_notes(rt().model_notes);
}

/// The sentence encoder's vocabulary text (models/use-lite/vocab.txt): enables text search, zero-shot
/// tags and pictures. Returns 0, or -1.
EMSCRIPTEN_KEEPALIVE int cf_app_set_text_model(const char* vocab_text, double n_bytes) {
    cf::Status st = rt().app->session().set_text_model(std::string(vocab_text, size_t(n_bytes)));
    return st ? 0 : cf::bindings::fail(st.message());
}

/// The image model's class lines (models/mobilenet-v2/labels.txt).
EMSCRIPTEN_KEEPALIVE void cf_app_set_image_labels(const char* labels_text) { rt().app->session().words().set_image_labels(labels_text); }

/// The same as typing into the text box / the tagging panel (window.cuefinder.searchText / tagLabels).
EMSCRIPTEN_KEEPALIVE void cf_app_set_text_query(const char* text) { rt().app->session().words().set_text_query(text); }
EMSCRIPTEN_KEEPALIVE void cf_app_set_tag_labels(const char* text) { rt().app->session().words().set_tag_labels(text); }

/// Opens catalog.cfc bytes (copied). Returns 0, or -1.
EMSCRIPTEN_KEEPALIVE int cf_app_open_catalog(const char* name, const char* base_url, const uint8_t* bytes, double n_bytes) {
    std::vector<uint8_t> copy(bytes, bytes + size_t(n_bytes));
    cf::Status st = rt().app->session().open_catalog(std::move(copy), name, base_url);
    return st ? 0 : cf::bindings::fail(st.message());
}

/// Analyses a dropped file's bytes (copied); returns the request id reported by analysisFinished.
EMSCRIPTEN_KEEPALIVE int cf_app_analyze(const char* name, const uint8_t* bytes, double n_bytes) {
    std::vector<uint8_t> copy(bytes, bytes + size_t(n_bytes));
    return rt().app->session().analyze(name, std::move(copy));
}

// ---- a dropped video (src/app/session/video_model.h) ----------------------------------------------
// web/app.js: cf_app_media_kind on the file's first bytes; a video is read by web/video_reader.mjs into
// a cf_video_* reading (video_api.cpp) and handed over here by its handle.

/// "MP4", "QuickTime", "WebM", "Matroska" when the first bytes are a video container, else "".
EMSCRIPTEN_KEEPALIVE const char* cf_app_media_kind(const uint8_t* head, double n_bytes) {
    return cf::video_container_name(cf::sniff_video_container({head, size_t(n_bytes)}));
}

/// A dropped video is being read: the request id the page keeps the file under (Host::show_clip).
EMSCRIPTEN_KEEPALIVE int cf_app_video_begin(const char* name) { return rt().app->session().video().begin(name); }

/// The clip read so far (cf_video_* handle h): early suggestions. 0, or -1 (fewer than 2 frames, ...).
EMSCRIPTEN_KEEPALIVE int cf_app_video_progress(int request, int h, double fraction) {
    auto clip = cf::bindings::video_partial(h);
    if (!clip) return cf::bindings::fail(clip.status().message());
    rt().app->session().video().partial(request, **clip, fraction);
    return 0;
}

/// The whole clip (after cf_video_end(h) answered): suggestions, fitted. 0, or -1 (unknown handle).
EMSCRIPTEN_KEEPALIVE int cf_app_video_end(int request, int h) {
    const cf::ClipAnalysis* clip = cf::bindings::video_analysis(h);
    if (!clip || !clip->complete) return cf::bindings::fail("video: no finished reading with handle " + std::to_string(h));
    rt().app->session().video().finished(request, *clip);
    return 0;
}

/// The picture cannot be decoded here (HEVC): suggestions from the words, the sound of reading h (0: none).
EMSCRIPTEN_KEEPALIVE void cf_app_video_unreadable(int request, const char* message, double duration_s, int h) {
    cf::ClipSound sound;
    if (const cf::ClipSound* s = h > 0 ? cf::bindings::video_sound(h) : nullptr) sound = *s;
    rt().app->session().video().picture_unreadable(request, message, duration_s, std::move(sound));
}

/// The clip could not be read: `message` names it and the problem; the clip shown before stays.
EMSCRIPTEN_KEEPALIVE void cf_app_video_failed(int request, const char* message) {
    rt().app->session().video().failed(request, message);
}

/// The answer to Host::fetch: the bytes (copied), or `error` (non-empty) naming the file and problem.
EMSCRIPTEN_KEEPALIVE void cf_app_fetched(int fetch_id, const uint8_t* bytes, double n_bytes, const char* error) {
    cf::app::VideoModel& v = rt().app->session().video();
    if (error && *error) return v.on_fetched(fetch_id, cf::Status(cf::ErrorCode::io, error));
    v.on_fetched(fetch_id, std::vector<uint8_t>(bytes, bytes + size_t(n_bytes)));
}

/// catalog.json's text: which tracks have full-length audio. 0, or -1.
EMSCRIPTEN_KEEPALIVE int cf_app_set_catalog_files(const char* catalog_json) {
    cf::Status st = rt().app->session().video().set_track_files(catalog_json ? catalog_json : "");
    return st ? 0 : cf::bindings::fail(st.message());
}

/// CPU time of the last frame in ms (the browser's rendering of the submitted GL calls not included).
EMSCRIPTEN_KEEPALIVE double cf_app_last_frame_ms() { return rt().last_frame_ms; }
/// Of which building the UI (the app's own work: panels, hover search, vertex updates).
EMSCRIPTEN_KEEPALIVE double cf_app_last_ui_ms() { return rt().last_ui_ms; }

/// Analysis work between frames: returns 1 while more decoding/feature work is waiting.
EMSCRIPTEN_KEEPALIVE int cf_app_pump(double budget_ms) { return rt().app && rt().app->session().pump(budget_ms / 1000.0) ? 1 : 0; }
EMSCRIPTEN_KEEPALIVE void cf_app_warm_models() { if (rt().app) rt().app->session().warm_models(); }

// What the page keeps between visits (IndexedDB): the keys for this catalog, and handing one back.
EMSCRIPTEN_KEEPALIVE const char* cf_app_state_keys() {
    cf::JsonWriter w;
    w.begin_array();
    for (const std::string& k : rt().app->session().state_keys()) w.value(k);
    return cf::bindings::text(w.end_array().take());
}

EMSCRIPTEN_KEEPALIVE int cf_app_restore_state(const char* key, const char* json) {
    const cf::Status s = rt().app->session().restore_state(key ? key : "", json ? json : "");
    return s ? 0 : cf::bindings::fail(s.message());
}

EMSCRIPTEN_KEEPALIVE const char* cf_app_state() {
    if (rt().app) return cf::bindings::text(rt().app->state_json());
    cf::JsonWriter w;
    return cf::bindings::text(w.begin_object().key("ready").value(false).end_object().take());
}

EMSCRIPTEN_KEEPALIVE const char* cf_app_layout() {
    if (rt().app) return cf::bindings::text(rt().app->layout_json());
    cf::JsonWriter w;
    return cf::bindings::text(w.begin_object().end_object().take());
}

EMSCRIPTEN_KEEPALIVE void cf_app_tsne_progress(const float* xy, int n, int iteration, int total, int done) {
    rt().app->session().on_tsne_progress(xy, size_t(n), iteration, total, done != 0);
}

EMSCRIPTEN_KEEPALIVE void cf_app_tsne_error(const char* message) { rt().app->session().on_tsne_error(message); }

EMSCRIPTEN_KEEPALIVE void cf_app_set_loading(const char* text, double fraction) { rt().app->session().set_loading(text, fraction); }

EMSCRIPTEN_KEEPALIVE void cf_app_set_error(const char* text) { rt().app->session().set_error(text); }

EMSCRIPTEN_KEEPALIVE void cf_app_set_status(const char* text, double fraction) { rt().app->session().set_status(text, fraction); }

EMSCRIPTEN_KEEPALIVE void cf_app_display_points(int n) { rt().app->session().map().set_display_points(size_t(n > 0 ? n : 0)); }

/// A TTF font (copied) to replace ImGui's built-in one from the next frame on.
EMSCRIPTEN_KEEPALIVE void cf_app_set_font(const uint8_t* bytes, double n_bytes) {
    rt().font_ttf.assign(bytes, bytes + size_t(n_bytes));
    rt().font_pending = true;
}

}  // extern "C"

int main() {
    Runtime& r = rt();
    if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_TIMER | SDL_INIT_EVENTS) != 0) {
        std::fprintf(stderr, "cuefinder: SDL_Init failed: %s\n", SDL_GetError());
        return 1;
    }
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK, SDL_GL_CONTEXT_PROFILE_ES);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 0);
    SDL_GL_SetAttribute(SDL_GL_DOUBLEBUFFER, 1);
    r.width = int(cf_js_window_width());
    r.height = int(cf_js_window_height());
    r.window = SDL_CreateWindow("cuefinder", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, r.width, r.height,
                                SDL_WINDOW_OPENGL | SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI);
    if (!r.window) {
        std::fprintf(stderr, "cuefinder: SDL_CreateWindow failed: %s\n", SDL_GetError());
        return 1;
    }
    r.gl = SDL_GL_CreateContext(r.window);
    if (!r.gl) {
        std::fprintf(stderr, "cuefinder: no WebGL2 context: %s\n", SDL_GetError());
        EM_ASM({ if (Module.cfHost && Module.cfHost.fatal) Module.cfHost.fatal('This browser gave no WebGL2 context: cuefinder needs WebGL2.'); });
        return 1;
    }
    SDL_GL_MakeCurrent(r.window, r.gl);
    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;  // fixed layout: nothing to persist
    ImGui::StyleColorsDark();
    ImGuiStyle& style = ImGui::GetStyle();
    style.WindowRounding = 0.0f;
    style.FrameRounding = 3.0f;
    style.WindowBorderSize = 1.0f;
    ImGui_ImplSDL2_InitForOpenGL(r.window, r.gl);
    ImGui_ImplOpenGL3_Init("#version 300 es");
    r.app = std::make_unique<cf::app::App>(r.host, r.embedder.get());
    r.app->session().set_models(r.models);
    r.app->session().set_model_notes(r.model_notes);
    EM_ASM({ if (Module.cfHost && Module.cfHost.started) Module.cfHost.started(); });
    emscripten_set_main_loop(main_loop, 0, false);
    return 0;
}
