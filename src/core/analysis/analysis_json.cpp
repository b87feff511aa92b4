// cuefinder core — TrackAnalysis → JSON through cf::JsonWriter. Numbers default to %.7g (float
// precision); each field's format is part of the CLI's output and kept as it is; non-finite → null.
#include "core/analysis/analysis_json.h"

#include <cmath>

#include "core/rhythm/tempo_reading.h"

namespace cf {

namespace {

constexpr const char* kFloatFormat = "%.7g";

void write_floats(JsonWriter& w, const std::vector<float>& v, const char* fmt = kFloatFormat) {
    w.numbers(v.data(), v.size(), fmt);
}

void write_source(JsonWriter& w, const TrackAnalysis& a) {
    w.key("file").value(a.file);
    w.key("duration_s").number(a.duration_s, kFloatFormat);
    w.key("codec").value(audio_codec_name(a.info.codec));
    w.key("sample_rate_hz").value(a.info.source_rate_hz);
    w.key("channels").value(a.info.n_source_channels);
    w.key("metadata").begin_object();  // the file's own tags (title, artist, composer, genre, ...)
    for (const auto& [k, v] : a.info.tags) w.key(k).value(v);
    w.end_object();
    w.key("complete").value(a.complete);
    w.key("windows").begin_array();
    for (const TimeWindow& win : a.windows) w.begin_array().number(win.start_s, "%.4f").number(win.duration_s, "%.4f").end_array();
    w.end_array();
    w.key("n_patches").value(a.n_patches());
}

void write_tags_and_moods(JsonWriter& w, const TrackAnalysis& a, const std::vector<AudioModel>& models) {
    w.key("tags").begin_object();
    for (size_t i = 0; i < models.size() && i < a.models.size(); ++i) {
        if (models[i].role != ModelRole::tags) continue;
        w.key(models[i].key).begin_object();
        for (size_t j = 0; j < models[i].labels.size() && j < a.models[i].mean.size(); ++j)
            w.key(models[i].labels[j]).number(a.models[i].mean[j], "%.6f");
        w.end_object();
    }
    w.end_object();
    w.key("moods").begin_object();
    for (size_t i = 0; i < models.size() && i < a.models.size(); ++i) {
        if (models[i].role != ModelRole::mood || a.models[i].mean.size() < 2) continue;
        w.key(models[i].key).number(a.models[i].mean[size_t(models[i].positive_index)], "%.6f");
    }
    w.end_object();
}

void write_embedding(JsonWriter& w, const TrackAnalysis& a, const AnalysisJsonOptions& options) {
    w.key("embedding");
    if (a.embedding.empty()) {
        w.null();
        return;
    }
    w.begin_object();
    w.key("model").value(a.embedding_model);
    w.key("output").value("embedding");
    w.key("dim").value(a.embedding.size());
    w.key("values");
    write_floats(w, a.embedding);
    if (options.patch_embeddings) {
        w.key("per_patch");
        write_floats(w, a.patch_embeddings);
    }
    w.end_object();
}

// Only when AnalysisOptions::extra_outputs asked for some: {"<model key>": {"<output>": {"dim",
// "patches" (indices into the analysed patches), "per_patch" [patches × dim]}}}.
void write_extra_outputs(JsonWriter& w, const TrackAnalysis& a) {
    bool any = false;
    for (const ModelResult& r : a.models) any = any || !r.extras.empty();
    if (!any) return;
    w.key("extra_outputs").begin_object();
    for (const ModelResult& r : a.models) {
        if (r.extras.empty()) continue;
        w.key(r.key).begin_object();
        for (const PatchOutput& x : r.extras) {
            w.key(x.output).begin_object();
            w.key("dim").value(x.dim);
            std::vector<double> patches(r.patches.begin(), r.patches.end());
            w.key("patches").numbers(patches, "%.0f");
            w.key("per_patch");
            write_floats(w, x.per_patch);
            w.end_object();
        }
        w.end_object();
    }
    w.end_object();
}

void write_rhythm_and_loudness(JsonWriter& w, const TrackAnalysis& a) {
    w.key("bpm").number(a.tempo.bpm, "%.2f");
    w.key("bpm_confidence").number(a.tempo.confidence, "%.3f");
    write_tempo_json(w, tempo_reading(a.tempo));  // steady / uncertain / free (core/rhythm/tempo_reading.h)
    w.key("beats_s");
    w.numbers(a.tempo.beats_s, "%.3f");
    w.key("loudness_lufs").number(a.loudness.has_loudness ? a.loudness.integrated_lufs : NAN, "%.2f");  // silence: null
    w.key("loudness_range_lu").number(a.loudness.loudness_range_lu, "%.2f");
    w.key("sample_peak_dbfs").number(a.loudness.sample_peak_dbfs, "%.2f");
}

void write_curves(JsonWriter& w, const TrackAnalysis& a) {
    w.key("energy").begin_object();
    w.key("hop_s").number(a.loudness.curve_hop_s, kFloatFormat);
    w.key("times_s");
    w.numbers(a.loudness.curve_times_s, "%.2f");
    w.key("short_term_lufs");
    write_floats(w, a.loudness.short_term_lufs, "%.2f");
    w.key("rms_dbfs");
    write_floats(w, a.loudness.energy_dbfs, "%.2f");
    w.end_object();
    w.key("waveform").begin_object();
    w.key("min");
    write_floats(w, a.waveform_min, "%.4f");
    w.key("max");
    write_floats(w, a.waveform_max, "%.4f");
    w.end_object();
}

// One row of probabilities per patch the model saw, at the patch's start time.
void write_taggram(JsonWriter& w, const TrackAnalysis& a, const AudioModel& model, const ModelResult& r, bool precise) {
    w.key("taggram").begin_object();
    w.key("model").value(r.model);
    w.key("labels").strings(model.labels);
    std::vector<double> times;
    for (uint32_t p : r.patches) times.push_back(a.patch_start_s[p]);
    w.key("times_s").numbers(times, "%.3f");
    w.key("values").begin_array();
    for (size_t p = 0; p < r.patches.size(); ++p) w.numbers(r.per_patch.data() + p * r.n_outputs, r.n_outputs, precise ? kFloatFormat : "%.4f");
    w.end_array();
    w.end_object();
}

void write_timings(JsonWriter& w, const TrackAnalysis& a) {
    w.key("timings_s").begin_object();
    w.key("decode").number(a.decode_s, "%.4f");
    w.key("features").number(a.features_s, "%.4f");
    w.key("rhythm").number(a.rhythm_s, "%.4f");
    w.key("inference").number(a.inference_s, "%.4f");
    w.end_object();
}

}  // namespace

const char* error_code_id(ErrorCode code) {
    switch (code) {
        case ErrorCode::ok: return "ok";
        case ErrorCode::invalid_argument: return "invalid_argument";
        case ErrorCode::not_found: return "not_found";
        case ErrorCode::io: return "io";
        case ErrorCode::empty: return "empty";
        case ErrorCode::unsupported_format: return "unsupported_format";
        case ErrorCode::corrupt: return "corrupt";
        case ErrorCode::truncated: return "truncated";
        case ErrorCode::too_large: return "too_large";
        case ErrorCode::cancelled: return "cancelled";
    }
    return "unknown";
}

std::string analysis_error_json(const std::string& file, const Status& status) {
    JsonWriter w;
    w.begin_object();
    w.key("file").value(file);
    w.key("error").value(status.message());
    w.key("code").value(error_code_id(status.code()));
    w.end_object();
    return w.take();
}

std::string analysis_to_json(const TrackAnalysis& a, const std::vector<AudioModel>& models, const AnalysisJsonOptions& options) {
    JsonWriter w;
    w.begin_object();
    write_source(w, a);
    write_tags_and_moods(w, a, models);
    write_embedding(w, a, options);
    write_extra_outputs(w, a);
    write_rhythm_and_loudness(w, a);
    if (options.curves) write_curves(w, a);
    if (options.taggram) {
        for (size_t i = 0; i < models.size() && i < a.models.size(); ++i)
            if (models[i].key == options.taggram_model_key) write_taggram(w, a, models[i], a.models[i], options.precise);
    }
    write_timings(w, a);
    w.end_object();
    return w.take();
}

}  // namespace cf
