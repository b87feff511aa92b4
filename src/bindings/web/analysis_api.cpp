// C entry points of the analysis module for JavaScript (Node CLI, browser worker): configure the
// model slots, analyse one file at a time with step(), read the result as JSON. Errors and returned
// strings: abi.h.
#include <emscripten.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/analysis/analysis_json.h"
#include "core/analysis/profiles.h"
#include "core/analysis/track_analyzer.h"
#include "core/common/json.h"
#include "platform/embedder.h"
#include "platform/web/model_slots.h"
#include "bindings/web/abi.h"
#include "bindings/web/exports.h"

namespace {

struct State {
    std::vector<cf::AudioModel> models;
    std::vector<bool> cap_from_profile;            ///< per model: max_patches < 0 was passed (the profile's cap)
    std::optional<cf::AnalysisProfile> profile;    ///< the last profile adopted (cf_analysis_profile use != 0)
    cf::AnalysisOptions options;
    std::unique_ptr<cf::Embedder> embedder = cf::platform::make_embedder();
    std::unique_ptr<cf::TrackAnalyzer> analyzer;
    std::vector<float> samples;  ///< the last cf_decode_window() result
};

State& state() {
    static State s;
    return s;
}

// The models as they will run: a slot added with max_patches < 0 takes the adopted profile's cap for
// its kind of model (core/analysis/profiles.h with_profile_caps), or every patch without a profile.
std::vector<cf::AudioModel> effective_models(const State& s) {
    if (!s.profile) return s.models;
    const std::vector<cf::AudioModel> capped = cf::with_profile_caps(*s.profile, s.models);
    std::vector<cf::AudioModel> out = s.models;
    for (size_t i = 0; i < out.size(); ++i)
        if (s.cap_from_profile[i]) out[i].max_patches = capped[i].max_patches;
    return out;
}

cf::TrackAnalyzer& analyzer() {
    State& s = state();
    if (!s.analyzer) s.analyzer = std::make_unique<cf::TrackAnalyzer>(effective_models(s), s.embedder.get(), s.options);
    return *s.analyzer;
}

}  // namespace

extern "C" {

EMSCRIPTEN_KEEPALIVE void cf_models_clear() {
    state().models.clear();
    state().cap_from_profile.clear();
    state().analyzer.reset();
}

/// role: 0 = tags, 1 = mood. labels: one per line. max_patches: 0 = every patch, < 0 = the adopted
/// analysis profile's cap for this kind of model (cf_analysis_profile with use != 0).
EMSCRIPTEN_KEEPALIVE void cf_model_add(const char* name, const char* key, int role, const char* labels, int positive_index,
                                       int has_embedding, int max_patches) {
    state().models.push_back(cf::platform::audio_model_from_c(name, key, role, labels, positive_index, has_embedding, max_patches));
    state().cap_from_profile.push_back(max_patches < 0);
    state().analyzer.reset();
}

/// Any negative argument keeps the current value (resample_quality: 0 fast, 1 medium, 2 best).
/// Returns 0, or -1.
EMSCRIPTEN_KEEPALIVE int cf_options_set(double full_track_max_s, int n_windows, int window_patches, int max_batch_patches,
                                        int tempo, int loudness, int resample_quality) {
    cf::AnalysisOptions o = state().options;
    if (full_track_max_s >= 0) o.full_track_max_s = full_track_max_s;
    if (n_windows >= 0) o.n_windows = n_windows;
    if (window_patches >= 0) o.window_patches = window_patches;
    if (max_batch_patches >= 0) o.max_batch_patches = max_batch_patches;
    if (tempo >= 0) o.tempo = tempo != 0;
    if (loudness >= 0) o.loudness = loudness != 0;
    if (resample_quality >= 0) {
        if (resample_quality > 2)
            return cf::bindings::fail("resample quality must be 0 (fast), 1 (medium) or 2 (best), got " + std::to_string(resample_quality));
        o.decode.resample_quality = cf::ResampleQuality(resample_quality);
    }
    if (cf::Status st = cf::validate(o); !st) return cf::bindings::fail(st.message());
    state().options = o;
    state().analyzer.reset();
    return 0;
}

/// The analysis profile `name` (core/analysis/profiles.h: "catalog", "query", "detailed", "quick") as JSON,
/// or NULL (an unknown name: the message lists the known ones). With use != 0 it also becomes the
/// analysis options, and its caps apply to the slots added with max_patches < 0.
EMSCRIPTEN_KEEPALIVE const char* cf_analysis_profile(const char* name, int use) {
    auto profile = cf::analysis_profile(name ? name : "");
    if (!profile) return cf::bindings::fail_null(profile.status().message());
    if (use != 0) {
        state().options = profile->options;
        state().profile = *profile;
        state().analyzer.reset();
    }
    return cf::bindings::text(cf::analysis_profile_json(*profile));
}

/// The model slots as they will run: [{"name","key","role","embedding","max_patches"}] (role "tags" or
/// "mood"; max_patches 0 = every patch).
EMSCRIPTEN_KEEPALIVE const char* cf_analysis_models() {
    cf::JsonWriter w;
    w.begin_array();
    for (const cf::AudioModel& m : effective_models(state())) {
        w.begin_object().key("name").value(m.name).key("key").value(m.key);
        w.key("role").value(m.role == cf::ModelRole::mood ? "mood" : "tags").key("embedding").value(m.has_embedding);
        w.key("max_patches").value(m.max_patches).end_object();
    }
    return cf::bindings::text(w.end_array().take());
}

/// Starts analysing a file (Node: a real path through NODERAWFS). Returns the state (see cf_analysis_step).
EMSCRIPTEN_KEEPALIVE int cf_analysis_start(const char* path) {
    (void)analyzer().start_file(path);
    return int(analyzer().state());
}

/// Starts analysing `n_bytes` at `bytes` (copied; the caller may free them after the call).
EMSCRIPTEN_KEEPALIVE int cf_analysis_start_buffer(const char* name, const uint8_t* bytes, double n_bytes) {
    std::vector<uint8_t> copy(bytes, bytes + size_t(n_bytes));
    (void)analyzer().start(cf::make_owned_memory_source(std::move(copy), name));
    return int(analyzer().state());
}

/// Works for up to `budget_ms`; returns 0 idle, 1 working, 2 waiting for the models, 3 done, 4 failed.
EMSCRIPTEN_KEEPALIVE int cf_analysis_step(double budget_ms) { return int(analyzer().step(budget_ms / 1000.0)); }

/// Decodes [start_s, start_s + duration_s) of a file to mono at rate_hz (best resampler), e.g. for a
/// preview clip. Returns the sample count (the samples at cf_decoded_samples()), or -1.
EMSCRIPTEN_KEEPALIVE double cf_decode_window(const char* path, double start_s, double duration_s, int rate_hz) {
    cf::DecodeOptions o;
    o.output_rate_hz = rate_hz;
    o.resample_quality = cf::ResampleQuality::best;
    auto reader = cf::AudioReader::open_file(path, o);
    if (!reader) return cf::bindings::fail(reader.status().message());
    auto windows = cf::decode_windows(**reader, {{start_s, duration_s}});
    if (!windows) return cf::bindings::fail(windows.status().message());
    state().samples = std::move((*windows)[0]);
    return double(state().samples.size());
}

EMSCRIPTEN_KEEPALIVE const float* cf_decoded_samples() { return state().samples.data(); }

EMSCRIPTEN_KEEPALIVE double cf_analysis_progress() { return analyzer().progress(); }
EMSCRIPTEN_KEEPALIVE const char* cf_analysis_stage() { return analyzer().stage(); }
EMSCRIPTEN_KEEPALIVE void cf_analysis_cancel() { analyzer().cancel(); }

/// The result as JSON (analysis_json.h). A failed analysis is a result too: {"file", "error", "code"}
/// (the CLI prints it as the file's output), so this export never returns NULL.
EMSCRIPTEN_KEEPALIVE const char* cf_analysis_json(int taggram, int patch_embeddings, int curves, int precise) {
    cf::TrackAnalyzer& a = analyzer();
    if (a.state() == cf::AnalysisState::failed) return cf::bindings::text(cf::analysis_error_json(a.result().file, a.status()));
    if (a.state() != cf::AnalysisState::done) {
        const cf::Status unfinished(cf::ErrorCode::invalid_argument, "analysis not finished");
        return cf::bindings::text(cf::analysis_error_json(a.result().file, unfinished));
    }
    cf::AnalysisJsonOptions o;
    o.taggram = taggram != 0;
    o.patch_embeddings = patch_embeddings != 0;
    o.curves = curves != 0;
    o.precise = precise != 0;
    return cf::bindings::text(cf::analysis_to_json(a.result(), state().models, o));
}

}  // extern "C"
