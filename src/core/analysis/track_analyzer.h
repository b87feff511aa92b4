// cuefinder core — analysing one track: tags, moods, an embedding, tempo, loudness, a taggram.
//
//   std::vector<cf::AudioModel> models = ...;             // from models/*/manifest.json
//   cf::TrackAnalyzer analyzer(models, &embedder);         // embedder: src/platform (ONNX Runtime Web)
//   if (auto st = analyzer.start_file("song.mp3"); !st) { report(st.message()); return; }
//   while (analyzer.state() == cf::AnalysisState::working || analyzer.state() == cf::AnalysisState::waiting) {
//       analyzer.step(0.010);      // at most ~10 ms of decoding/feature work per call: fits in a UI frame
//       ... let the event loop run: the embedder's callbacks arrive there ...
//   }
//   if (analyzer.state() == cf::AnalysisState::failed) report(analyzer.status().message());
//   else use(analyzer.result());   // cf::TrackAnalysis; to_json() in analysis_json.h
//
// What is analysed (AnalysisOptions): a track up to `full_track_max_s` long is analysed completely;
// a longer one through `n_windows` windows of `window_patches` model patches each, spread evenly over
// the track (window i is centred at (i + 1) / (n_windows + 1) of its length), so the cost is bounded
// whatever the length. docs/benchmarks/windows.md measures what the shortcut costs (cosine of the
// windowed vs the full-track mean embedding, tag agreement) and why the defaults are what they are.
//
// Patches: non-overlapping 187-frame patches (essentia.js predict(zeroPadding=true)); each window's
// last patch is zero-padded. Track-level tags, moods and the embedding are means over patches; by
// default every patch counts the same, the padded one included, exactly as essentia.js and the
// golden reference do (AnalysisOptions::weight_by_real_frames weighs each patch by its share of real
// frames instead: a padded tail of 3 frames then barely counts; on the golden clips that moves tag
// means by up to 0.03 and swaps near-tied 5th/6th tags).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/audio/audio_reader.h"
#include "core/common/status.h"
#include "core/loudness/loudness.h"
#include "core/model/embedder.h"
#include "core/rhythm/tempo.h"

namespace cf {

enum class ModelRole {
    tags,  ///< multi-label tagger: every output is a tag probability (msd, mtt)
    mood,  ///< two-class classifier: `positive_index` is the probability of the mood/danceable
};

/// One model slot of the analysis. Filled from models/<name>/manifest.json by the caller, so a
/// deployment can swap in its own model with the same input contract.
struct AudioModel {
    std::string name;                 ///< folder under models/, e.g. "msd-musicnn-1"
    std::string key;                  ///< result key: "msd", "mtt", "happy", "danceable", ...
    ModelRole role = ModelRole::tags;
    std::vector<std::string> labels;  ///< output labels in order (tags: n outputs; mood: 2 classes)
    int positive_index = 0;           ///< mood models: which output is the positive class
    bool has_embedding = false;       ///< request the "embedding" output (the track embedding comes from the first such model)
    /// At most this many patches, spread evenly over the analysed ones (0 = every patch). Moods are
    /// track-level, so a few patches of a full network each are enough; tag models feed the taggram.
    int max_patches = 0;
};

struct AnalysisOptions {
    // Defaults from docs/benchmarks/windows.md: 16 windows of one patch each reach cosine 0.998 with
    // the full-track mean embedding (worst of 14 real tracks 0.996); spreading matters more than length.
    double full_track_max_s = 360.0;  ///< tracks up to this long are analysed completely
    int n_windows = 16;               ///< longer tracks: this many windows, spread over the track
    int window_patches = 1;           ///< patches per window (1 × 187 frames ≈ 3 s)
    int max_batch_patches = 16;       ///< patches per model call
    bool tempo = true;                ///< tempo and beats
    bool loudness = true;             ///< EBU R128 loudness and the energy curve (source rate, all channels)
    int waveform_points = 1200;       ///< min/max pairs in the waveform overview (0 = none)
    bool weight_by_real_frames = false;  ///< means weigh patches by their share of real frames (see above)
    /// Extra per-patch outputs each tag model (ModelRole::tags) returns besides its tags, e.g.
    /// {"embedding", "embedding_linear"} (models/README.md's contract), kept in ModelResult::extras.
    /// Empty by default; the "catalog-extra" profile asks for both (docs/benchmarks/matching.md).
    std::vector<std::string> extra_outputs;
    /// Decoding (the output rate must stay 16 kHz). The resampler defaults to libsamplerate's `best`
    /// (97 % bandwidth): `medium` (90 %) removes 7.2–8 kHz, which the top mel bands see; on the golden
    /// 22.05 kHz MP3 it moves the msd tag means by up to 0.06 from the tfjs reference (ffmpeg + soxr),
    /// `best` by 0.011 (docs/benchmarks/analyze.md). musicnn was trained on librosa/resampy
    /// (kaiser_best, full bandwidth) input, so `best` is also closer to its training data.
    DecodeOptions decode = [] {
        DecodeOptions d;
        d.resample_quality = ResampleQuality::best;
        return d;
    }();
};

/// Checks ranges; the message names the bad field and value.
Status validate(const AnalysisOptions& options);

enum class AnalysisState {
    idle,     ///< nothing started
    working,  ///< decoding / computing features: call step()
    waiting,  ///< every patch is with the embedder: wait for its callbacks (step() does nothing)
    done,     ///< result() is ready
    failed,   ///< status() says why
};

/// One extra output of a model, per patch it saw (AnalysisOptions::extra_outputs).
struct PatchOutput {
    std::string output;            ///< output name, e.g. "embedding_linear"
    size_t dim = 0;                ///< values per patch (0 until the first answer)
    std::vector<float> per_patch;  ///< [ModelResult::patches.size() × dim]
};

struct ModelResult {
    std::string model;                 ///< AudioModel::name
    std::string key;                   ///< AudioModel::key
    std::vector<float> mean;           ///< weighted mean over the patches it saw, one per output
    std::vector<uint32_t> patches;     ///< the patches it saw (all, or AudioModel::max_patches of them)
    std::vector<float> per_patch;      ///< [patches.size() × n_outputs]
    size_t n_outputs = 0;
    std::vector<PatchOutput> extras;   ///< AnalysisOptions::extra_outputs (tag models only)
};

struct TrackAnalysis {
    std::string file;
    double duration_s = 0.0;               ///< the whole track's length
    AudioInfo info;
    bool complete = true;                  ///< false: only `windows` were analysed
    std::vector<TimeWindow> windows;       ///< what was decoded and analysed (track time)
    std::vector<double> patch_start_s;     ///< track time of each patch's first frame
    std::vector<float> patch_weight;       ///< weight of each patch in the means: 1, or its share of real frames
    std::vector<float> patch_real_share;   ///< share of real (not zero-padding) frames in each patch, (0, 1]
    std::vector<ModelResult> models;       ///< in AudioModel order
    std::string embedding_model;           ///< model the embedding comes from ("" if none)
    std::vector<float> embedding;          ///< weighted mean over patches
    std::vector<float> patch_embeddings;   ///< [embedding model's patches × dim] (every patch unless capped)
    TempoResult tempo;
    LoudnessResult loudness;
    std::vector<float> waveform_min, waveform_max;  ///< overview of the analysed audio (16 kHz mono)
    double decode_s = 0, features_s = 0, rhythm_s = 0, inference_s = 0;  ///< wall time per stage

    /// The result of the model with `key`, or nullptr.
    const ModelResult* model(const std::string& key) const;
    size_t n_patches() const { return patch_start_s.size(); }
};

/// Runs one analysis at a time (start() again to analyse the next file). Not copyable. Embedder
/// callbacks that arrive after the analyzer was destroyed or restarted are ignored.
class TrackAnalyzer {
public:
    TrackAnalyzer(std::vector<AudioModel> models, Embedder* embedder, const AnalysisOptions& options = {});
    ~TrackAnalyzer();
    TrackAnalyzer(const TrackAnalyzer&) = delete;
    TrackAnalyzer& operator=(const TrackAnalyzer&) = delete;

    /// Starts analysing a file / any byte source (a dropped File's bytes). Errors (unreadable, not
    /// audio, bad options) are returned here and also leave state() == failed.
    Status start_file(const std::string& path);
    Status start(std::unique_ptr<ByteSource> source);

    /// Does up to about `budget_s` seconds of decoding and feature work, then returns.
    AnalysisState step(double budget_s);
    AnalysisState state() const { return state_; }
    /// Fraction done in [0, 1] (decoding and features count 20 %, inference 80 %).
    double progress() const;
    /// Human-readable stage: "decoding", "features", "inference", "done", "failed".
    const char* stage() const;
    const Status& status() const { return status_; }
    const TrackAnalysis& result() const { return result_; }
    /// Stops the work (state() becomes failed with ErrorCode::cancelled); pending model calls are
    /// still waited for, their results dropped.
    void cancel();
    /// Model calls not yet answered.
    int n_pending() const { return n_pending_; }
    /// While waiting for the models: true once every call of model `index` (AudioModel order) has
    /// answered, so its part of the result is final — a UI can show first results from the embedding
    /// model while the others still run. True for every model when state() is done.
    bool model_done(size_t index) const;
    /// Index of the model that gives the embedding (the first with has_embedding), or models().size().
    size_t embedding_model_index() const;
    /// The partial result while waiting: everything decoding produced (info, windows, waveform, tempo,
    /// loudness) plus, for each model_done() model, its ModelResult with `mean` filled and — when the
    /// embedding model is done — `embedding`. The same values the final result() will have.
    TrackAnalysis partial_result() const;

private:
    struct Impl;
    void fail(Status status);
    void finish_window();
    void submit_inference();
    void on_model_output(size_t model_idx, size_t first_patch, Result<ModelOutputs> out);
    void aggregate();
    Status store_extras(ModelResult& r, const ModelOutputs& out, size_t first, size_t rows);
    std::vector<float> weighted_mean(const std::vector<float>& rows, const std::vector<uint32_t>& patches, size_t dim) const;

    std::vector<AudioModel> models_;
    Embedder* embedder_;
    AnalysisOptions options_;
    AnalysisState state_ = AnalysisState::idle;
    Status status_;
    TrackAnalysis result_;
    int n_pending_ = 0;
    size_t n_calls_total_ = 0, n_calls_done_ = 0;
    std::vector<int> pending_per_model_;  ///< calls not yet answered, per model
    std::shared_ptr<Impl> impl_;
};

}  // namespace cf
