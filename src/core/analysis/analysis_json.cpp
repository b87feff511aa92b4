// cuefinder core — TrackAnalysis → JSON. Hand-written: the output is flat and the core has no JSON
// dependency. Numbers use %.7g (float precision) and non-finite values become null.
#include "core/analysis/analysis_json.h"

#include <cmath>
#include <cstdio>

namespace cf {

namespace {

class Writer {
public:
    std::string out;
    void raw(const char* s) { out += s; }
    void raw(const std::string& s) { out += s; }
    void num(double v, const char* fmt = "%.7g") {
        if (!std::isfinite(v)) {
            out += "null";
            return;
        }
        char buf[40];
        std::snprintf(buf, sizeof buf, fmt, v);
        out += buf;
    }
    void key(const char* k) {
        out += json_quote(k);
        out += ':';
    }
    template <class T>
    void array(const std::vector<T>& v, const char* fmt = "%.7g") {
        out += '[';
        for (size_t i = 0; i < v.size(); ++i) {
            if (i) out += ',';
            num(double(v[i]), fmt);
        }
        out += ']';
    }
};

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
    return "{\"file\":" + json_quote(file) + ",\"error\":" + json_quote(status.message()) + ",\"code\":" +
           json_quote(error_code_id(status.code())) + "}";
}

std::string analysis_to_json(const TrackAnalysis& a, const std::vector<AudioModel>& models, const AnalysisJsonOptions& options) {
    Writer w;
    w.raw("{");
    w.key("file");
    w.raw(json_quote(a.file));
    w.raw(",");
    w.key("duration_s");
    w.num(a.duration_s);
    w.raw(",");
    w.key("codec");
    w.raw(json_quote(audio_codec_name(a.info.codec)));
    w.raw(",");
    w.key("sample_rate_hz");
    w.num(a.info.source_rate_hz);
    w.raw(",");
    w.key("channels");
    w.num(a.info.n_source_channels);
    w.raw(",");
    w.key("metadata");  // the file's own tags (title, artist, composer, genre, ...)
    w.raw("{");
    {
        bool first_tag = true;
        for (const auto& [k, v] : a.info.tags) {
            if (!first_tag) w.raw(",");
            first_tag = false;
            w.raw(json_quote(k));
            w.raw(":");
            w.raw(json_quote(v));
        }
    }
    w.raw("},");
    w.key("complete");
    w.raw(a.complete ? "true" : "false");
    w.raw(",");
    w.key("windows");
    w.raw("[");
    for (size_t i = 0; i < a.windows.size(); ++i) {
        if (i) w.raw(",");
        w.raw("[");
        w.num(a.windows[i].start_s, "%.4f");
        w.raw(",");
        w.num(a.windows[i].duration_s, "%.4f");
        w.raw("]");
    }
    w.raw("],");
    w.key("n_patches");
    w.num(double(a.n_patches()));
    w.raw(",");

    // tags and moods
    w.key("tags");
    w.raw("{");
    bool first = true;
    for (size_t i = 0; i < models.size() && i < a.models.size(); ++i) {
        if (models[i].role != ModelRole::tags) continue;
        if (!first) w.raw(",");
        first = false;
        w.key(models[i].key.c_str());
        w.raw("{");
        for (size_t j = 0; j < models[i].labels.size() && j < a.models[i].mean.size(); ++j) {
            if (j) w.raw(",");
            w.raw(json_quote(models[i].labels[j]));
            w.raw(":");
            w.num(a.models[i].mean[j], "%.6f");
        }
        w.raw("}");
    }
    w.raw("},");
    w.key("moods");
    w.raw("{");
    first = true;
    for (size_t i = 0; i < models.size() && i < a.models.size(); ++i) {
        if (models[i].role != ModelRole::mood || a.models[i].mean.size() < 2) continue;
        if (!first) w.raw(",");
        first = false;
        w.key(models[i].key.c_str());
        w.num(a.models[i].mean[size_t(models[i].positive_index)], "%.6f");
    }
    w.raw("},");

    w.key("embedding");
    if (a.embedding.empty()) {
        w.raw("null,");
    } else {
        w.raw("{");
        w.key("model");
        w.raw(json_quote(a.embedding_model));
        w.raw(",");
        w.key("output");
        w.raw("\"embedding\",");
        w.key("dim");
        w.num(double(a.embedding.size()));
        w.raw(",");
        w.key("values");
        w.array(a.embedding);
        if (options.patch_embeddings) {
            w.raw(",");
            w.key("per_patch");
            w.array(a.patch_embeddings);
        }
        w.raw("},");
    }

    // rhythm and loudness
    w.key("bpm");
    w.num(a.tempo.bpm, "%.2f");
    w.raw(",");
    w.key("bpm_confidence");
    w.num(a.tempo.confidence, "%.3f");
    w.raw(",");
    w.key("beats_s");
    w.array(a.tempo.beats_s, "%.3f");
    w.raw(",");
    w.key("loudness_lufs");
    w.num(a.loudness.has_loudness ? a.loudness.integrated_lufs : NAN, "%.2f");  // silence: null
    w.raw(",");
    w.key("loudness_range_lu");
    w.num(a.loudness.loudness_range_lu, "%.2f");
    w.raw(",");
    w.key("sample_peak_dbfs");
    w.num(a.loudness.sample_peak_dbfs, "%.2f");
    if (options.curves) {
        w.raw(",");
        w.key("energy");
        w.raw("{");
        w.key("hop_s");
        w.num(a.loudness.curve_hop_s);
        w.raw(",");
        w.key("times_s");
        w.array(a.loudness.curve_times_s, "%.2f");
        w.raw(",");
        w.key("short_term_lufs");
        w.array(a.loudness.short_term_lufs, "%.2f");
        w.raw(",");
        w.key("rms_dbfs");
        w.array(a.loudness.energy_dbfs, "%.2f");
        w.raw("},");
        w.key("waveform");
        w.raw("{");
        w.key("min");
        w.array(a.waveform_min, "%.4f");
        w.raw(",");
        w.key("max");
        w.array(a.waveform_max, "%.4f");
        w.raw("}");
    }

    if (options.taggram) {
        for (size_t i = 0; i < models.size() && i < a.models.size(); ++i) {
            if (models[i].key != options.taggram_model_key) continue;
            const ModelResult& r = a.models[i];
            w.raw(",");
            w.key("taggram");
            w.raw("{");
            w.key("model");
            w.raw(json_quote(r.model));
            w.raw(",");
            w.key("labels");
            w.raw("[");
            for (size_t j = 0; j < models[i].labels.size(); ++j) {
                if (j) w.raw(",");
                w.raw(json_quote(models[i].labels[j]));
            }
            w.raw("],");
            std::vector<double> times;
            for (uint32_t p : r.patches) times.push_back(a.patch_start_s[p]);
            w.key("times_s");
            w.array(times, "%.3f");
            w.raw(",");
            w.key("values");
            w.raw("[");
            for (size_t p = 0; p < r.patches.size(); ++p) {
                if (p) w.raw(",");
                std::vector<float> row(r.per_patch.begin() + p * r.n_outputs, r.per_patch.begin() + (p + 1) * r.n_outputs);
                w.array(row, options.precise ? "%.7g" : "%.4f");
            }
            w.raw("]}");
        }
    }
    w.raw(",");
    w.key("timings_s");
    w.raw("{");
    w.key("decode");
    w.num(a.decode_s, "%.4f");
    w.raw(",");
    w.key("features");
    w.num(a.features_s, "%.4f");
    w.raw(",");
    w.key("rhythm");
    w.num(a.rhythm_s, "%.4f");
    w.raw(",");
    w.key("inference");
    w.num(a.inference_s, "%.4f");
    w.raw("}}");
    return w.out;
}

}  // namespace cf
