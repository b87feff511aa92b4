#include "core/analysis/profiles.h"

#include <cstdio>

#include "core/common/json.h"

namespace cf {

namespace {

// Always-windowed profiles: a track of any length costs the same (full_track_max_s = 0).
AnalysisProfile windowed(std::string name, int n_windows, ModelPatchCaps caps) {
    AnalysisProfile p;
    p.name = std::move(name);
    p.options.full_track_max_s = 0.0;
    p.options.n_windows = n_windows;
    p.options.window_patches = 1;
    p.max_patches = caps;
    return p;
}

// First results in seconds: 4 spread windows (windows.md: 4 × 1 reaches cosine 0.987 on average,
// enough to rank a catalog) for the embedding model; the other models on one patch each, so every
// field of the result is filled (roughly); no tempo and no loudness (neither means much on 12 s).
AnalysisProfile quick() {
    AnalysisProfile p = windowed("quick", 4, {0, 1, 1});
    p.options.tempo = false;
    p.options.loudness = false;
    return p;
}

std::vector<AnalysisProfile> make_profiles() {
    std::vector<AnalysisProfile> all;
    // windows.md: 8 × 1 reaches cosine 0.994. mtt on all 8 with its embedding kept per window: the
    // catalog's similarity space fuses the two models' windows (core/index/space.h fit_fused_wccn).
    AnalysisProfile catalog = windowed("catalog", 8, {0, 0, 2});
    catalog.options.extra_outputs = {"embedding"};
    all.push_back(catalog);
    all.push_back(windowed("query", 16, {0, 8, 4}));   // 16 × 1: 0.998, and 16 taggram columns
    AnalysisProfile detailed;                          // AnalysisOptions' own defaults
    detailed.name = "detailed";
    detailed.max_patches = {0, 8, 8};
    all.push_back(detailed);
    all.push_back(quick());
    // The catalog's windows with every tag model on all 8 and their embeddings kept per patch, for
    // the similarity evaluation (tools/eval/similarity/); not used by any front end by default.
    AnalysisProfile extra = windowed("catalog-extra", 8, {0, 0, 2});
    extra.options.extra_outputs = {"embedding", "embedding_linear"};
    all.push_back(extra);
    for (const AnalysisProfile& p : all) {
        const Status st = validate(p);
        if (!st) std::fprintf(stderr, "cuefinder: built-in %s\n", st.message().c_str());
        CF_ASSERT(st.is_ok());
    }
    return all;
}

const std::vector<AnalysisProfile>& profiles() {
    static const std::vector<AnalysisProfile> all = make_profiles();
    return all;
}

Status check_cap(const AnalysisProfile& p, const char* field, int value) {
    if (value >= 0 && value <= 100000) return Status::ok();
    return Status(ErrorCode::invalid_argument, "analysis profile '" + p.name + "': max_patches." + field +
                                                   " must be in [0, 100000] (got " + std::to_string(value) + ")");
}

const char* resample_name(ResampleQuality q) {
    switch (q) {
        case ResampleQuality::fast: return "fast";
        case ResampleQuality::medium: return "medium";
        case ResampleQuality::best: return "best";
    }
    return "best";
}

}  // namespace

const std::vector<std::string>& analysis_profile_names() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> n;
        for (const AnalysisProfile& p : profiles()) n.push_back(p.name);
        return n;
    }();
    return names;
}

Result<AnalysisProfile> analysis_profile(std::string_view name) {
    for (const AnalysisProfile& p : profiles())
        if (p.name == name) return p;
    std::string known;
    for (const std::string& n : analysis_profile_names()) known += (known.empty() ? "" : ", ") + n;
    return Status(ErrorCode::invalid_argument,
                  "unknown analysis profile " + json_quote(name) + " (known: " + known + ")");
}

Status validate(const AnalysisProfile& p) {
    if (p.name.empty()) return Status(ErrorCode::invalid_argument, "analysis profile: the name is empty");
    if (Status st = validate(p.options); !st) return st.with_context("analysis profile '" + p.name + "'");
    CF_RETURN_IF_ERROR(check_cap(p, "embedding", p.max_patches.embedding_model));
    CF_RETURN_IF_ERROR(check_cap(p, "tags", p.max_patches.tag_models));
    return check_cap(p, "mood", p.max_patches.mood_models);
}

std::vector<AudioModel> with_profile_caps(const AnalysisProfile& p, std::vector<AudioModel> models) {
    for (AudioModel& m : models) {
        if (m.has_embedding) m.max_patches = p.max_patches.embedding_model;
        else m.max_patches = m.role == ModelRole::mood ? p.max_patches.mood_models : p.max_patches.tag_models;
    }
    return models;
}

std::string analysis_profile_json(const AnalysisProfile& p) {
    const AnalysisOptions& o = p.options;
    JsonWriter w;
    w.begin_object();
    w.key("name").value(p.name);
    w.key("full_track_max_s").number(o.full_track_max_s, "%.17g");  // round-trips exactly
    w.key("n_windows").value(o.n_windows);
    w.key("window_patches").value(o.window_patches);
    w.key("max_batch_patches").value(o.max_batch_patches);
    w.key("tempo").value(o.tempo);
    w.key("loudness").value(o.loudness);
    w.key("waveform_points").value(o.waveform_points);
    w.key("weight_by_real_frames").value(o.weight_by_real_frames);
    w.key("resample_quality").value(resample_name(o.decode.resample_quality));
    if (!o.extra_outputs.empty()) w.key("extra_outputs").strings(o.extra_outputs);
    w.key("max_patches").begin_object();
    w.key("embedding").value(p.max_patches.embedding_model);
    w.key("tags").value(p.max_patches.tag_models);
    w.key("mood").value(p.max_patches.mood_models);
    w.end_object();
    w.end_object();
    return w.take();
}

}  // namespace cf
