// cuefinder core — TrackAnalyzer: decode → features (+ tempo, loudness) → patches → embedder → means.
#include "core/analysis/track_analyzer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>

#include "core/features/musicnn_features.h"

namespace cf {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

constexpr int kPatchSamples = kMusicnnPatchFrames * kMusicnnHopSizeSamples;  // 47872
constexpr size_t kPatchValues = size_t(kMusicnnPatchFrames) * kMusicnnBands;
constexpr size_t kBlockSamples = 8192;

// Samples that give exactly `n_patches × 187` frames: ceil(N / 256) + 1 frames for N samples.
int64_t window_samples_for_patches(int n_patches) {
    return int64_t(n_patches) * kPatchSamples - kMusicnnHopSizeSamples;
}

}  // namespace

Status validate(const AnalysisOptions& o) {
    auto bad = [](const std::string& what) { return Status(ErrorCode::invalid_argument, "AnalysisOptions: " + what); };
    if (!(o.full_track_max_s >= 0.0) || !std::isfinite(o.full_track_max_s))
        return bad("full_track_max_s must be >= 0 (got " + std::to_string(o.full_track_max_s) + ")");
    if (o.n_windows < 1 || o.n_windows > 1000) return bad("n_windows must be in [1, 1000] (got " + std::to_string(o.n_windows) + ")");
    if (o.window_patches < 1 || o.window_patches > 1000)
        return bad("window_patches must be in [1, 1000] (got " + std::to_string(o.window_patches) + ")");
    if (o.max_batch_patches < 1 || o.max_batch_patches > 4096)
        return bad("max_batch_patches must be in [1, 4096] (got " + std::to_string(o.max_batch_patches) + ")");
    if (o.waveform_points < 0 || o.waveform_points > 1000000)
        return bad("waveform_points must be in [0, 1000000] (got " + std::to_string(o.waveform_points) + ")");
    for (const std::string& name : o.extra_outputs)
        if (name.empty() || name == "activations") return bad("extra_outputs: \"" + name + "\" is not an extra output name");
    if (o.decode.output_rate_hz != kMusicnnSampleRateHz)
        return bad("decode.output_rate_hz must be 16000 for the musicnn models (got " + std::to_string(o.decode.output_rate_hz) + ")");
    return validate(o.decode);
}

const ModelResult* TrackAnalysis::model(const std::string& key) const {
    for (const auto& m : models)
        if (m.key == key) return &m;
    return nullptr;
}

struct TrackAnalyzer::Impl {
    std::unique_ptr<AudioReader> reader;
    std::vector<TimeWindow> plan;          // windows to decode; duration_s < 0 = to the end
    std::vector<int64_t> plan_samples;     // samples per window (-1 = to the end)
    size_t window = 0;                     // current window
    int64_t window_done = 0;               // samples read in the current window
    bool window_open = false;
    int64_t samples_planned = 0;           // for progress and the waveform (estimate when unknown)
    int64_t samples_done = 0;
    std::unique_ptr<MusicnnFeatures> features;
    std::vector<float> patches;            // [n × 187 × 96], all windows
    std::unique_ptr<TempoTracker> tempo;
    std::unique_ptr<LoudnessMeter> loudness;
    Status loudness_status;
    std::vector<float> block = std::vector<float>(kBlockSamples);
    std::vector<float> wave_min, wave_max;
};

TrackAnalyzer::TrackAnalyzer(std::vector<AudioModel> models, Embedder* embedder, const AnalysisOptions& options)
    : models_(std::move(models)), embedder_(embedder), options_(options) {
    CF_ASSERT(embedder_ != nullptr);
}

TrackAnalyzer::~TrackAnalyzer() = default;

void TrackAnalyzer::fail(Status status) {
    if (state_ == AnalysisState::failed) return;
    status_ = std::move(status);
    state_ = AnalysisState::failed;
    if (impl_) {
        impl_->reader.reset();
        impl_->features.reset();
        impl_->patches = {};
    }
}

void TrackAnalyzer::cancel() {
    if (state_ == AnalysisState::working || state_ == AnalysisState::waiting)
        fail(Status(ErrorCode::cancelled, result_.file + ": analysis cancelled"));
}

Status TrackAnalyzer::start_file(const std::string& path) {
    auto source = open_file_source(path);
    if (!source) {
        result_ = {};
        result_.file = path;
        impl_.reset();
        state_ = AnalysisState::idle;
        fail(source.status());
        return status_;
    }
    return start(std::move(*source));
}

Status TrackAnalyzer::start(std::unique_ptr<ByteSource> source) {
    // A new Impl: callbacks still in flight for an earlier analysis hold the old one and are ignored.
    impl_ = std::make_shared<Impl>();
    result_ = {};
    status_ = {};
    state_ = AnalysisState::working;
    n_pending_ = 0;
    n_calls_total_ = n_calls_done_ = 0;
    pending_per_model_.clear();
    result_.file = source ? source->name() : std::string("(null)");
    if (!source) {
        fail(Status(ErrorCode::invalid_argument, "TrackAnalyzer::start: no input"));
        return status_;
    }
    if (Status st = validate(options_); !st) {
        fail(st);
        return status_;
    }
    if (models_.empty()) {
        fail(Status(ErrorCode::invalid_argument, "TrackAnalyzer: no models configured"));
        return status_;
    }
    for (const auto& m : models_) {
        const size_t want = m.role == ModelRole::mood ? 2 : m.labels.size();
        if (want == 0 || (m.role == ModelRole::mood && (m.labels.size() != 2 || m.positive_index < 0 || m.positive_index > 1)))
            return fail(Status(ErrorCode::invalid_argument, "model " + m.name + ": needs labels (mood models: 2 labels and positive_index 0 or 1)")), status_;
    }

    DecodeOptions decode = options_.decode;
    if (options_.loudness) {
        // The loudness meter sees the source-rate, all-channel stream (R128 on a 16 kHz mono downmix
        // would be off by up to 3 dB); created on the first block, when rate and channels are known.
        std::weak_ptr<Impl> weak = impl_;
        decode.source_tap = [weak](const float* interleaved, size_t n_frames, int n_channels, int rate_hz) {
            auto impl = weak.lock();
            if (!impl || !impl->loudness_status.is_ok()) return;
            if (!impl->loudness) {
                if (rate_hz < 8000 || rate_hz > 768000 || n_channels < 1 || n_channels > 64) {
                    // BS.1770's K-weighting is not defined this far from audio rates: no loudness.
                    impl->loudness_status = Status(ErrorCode::unsupported_format, "no R128 loudness at " + std::to_string(rate_hz) + " Hz");
                    return;
                }
                const LoudnessOptions lo = impl->reader ? loudness_options_for(impl->reader->info()) : LoudnessOptions{};
                auto meter = std::make_unique<LoudnessMeter>(rate_hz, n_channels, lo);
                impl->loudness = std::move(meter);
                if (!impl->plan.empty()) impl->loudness->start_segment(impl->plan[impl->window].start_s);
            }
            impl->loudness->push_interleaved(interleaved, n_frames);
        };
    }
    auto reader = AudioReader::open(std::move(source), decode);
    if (!reader) {
        fail(reader.status());
        return status_;
    }
    Impl& s = *impl_;
    s.reader = std::move(*reader);
    result_.info = s.reader->info();
    const double duration_s = result_.info.duration_s;
    result_.duration_s = duration_s;

    // What to analyse.
    const double rate = kMusicnnSampleRateHz;
    const int64_t window_samples = window_samples_for_patches(options_.window_patches);
    const double window_s = double(window_samples) / rate;
    if (duration_s < 0 || duration_s <= options_.full_track_max_s ||
        duration_s <= window_s * options_.n_windows) {
        s.plan.push_back({0.0, duration_s});
        s.plan_samples.push_back(-1);
        s.samples_planned = duration_s > 0 ? int64_t(std::ceil(duration_s * rate)) : 0;
        result_.complete = true;
    } else {
        for (int i = 0; i < options_.n_windows; ++i) {
            const double centre = duration_s * double(i + 1) / double(options_.n_windows + 1);
            double start = std::clamp(centre - window_s / 2, 0.0, std::max(0.0, duration_s - window_s));
            // Snap to whole samples so the window is exactly what decode_all's slice would be.
            start = std::round(start * rate) / rate;
            s.plan.push_back({start, window_s});
            s.plan_samples.push_back(window_samples);
        }
        s.samples_planned = window_samples * options_.n_windows;
        result_.complete = false;
    }
    if (options_.tempo) s.tempo = std::make_unique<TempoTracker>(kMusicnnSampleRateHz);
    if (options_.waveform_points > 0 && s.samples_planned > 0) {
        s.wave_min.assign(size_t(options_.waveform_points), std::numeric_limits<float>::infinity());
        s.wave_max.assign(size_t(options_.waveform_points), -std::numeric_limits<float>::infinity());
    }
    return Status::ok();
}

void TrackAnalyzer::finish_window() {
    Impl& s = *impl_;
    const auto t0 = Clock::now();
    s.features->finish();
    const size_t n_frames = s.features->n_frames();
    const double start_s = s.plan[s.window].start_s;
    if (n_frames > 0) {
        Patches p = make_patches(s.features->frames().data(), n_frames);
        for (size_t i = 0; i < p.n_patches; ++i) {
            const int64_t first = p.start_frames[i];
            const int64_t valid = std::min<int64_t>(kMusicnnPatchFrames, int64_t(n_frames) - first);
            if (valid <= 0) continue;
            s.patches.insert(s.patches.end(), p.values.begin() + i * kPatchValues, p.values.begin() + (i + 1) * kPatchValues);
            result_.patch_start_s.push_back(start_s + double(first) * kMusicnnHopSizeSamples / kMusicnnSampleRateHz);
            const float share = float(valid) / float(kMusicnnPatchFrames);
            result_.patch_real_share.push_back(share);
            result_.patch_weight.push_back(options_.weight_by_real_frames ? share : 1.0f);
        }
    }
    const double analysed_s = double(s.window_done) / kMusicnnSampleRateHz;
    result_.windows.push_back({start_s, analysed_s});
    s.features.reset();
    s.window_open = false;
    ++s.window;
    result_.features_s += seconds_since(t0);
}

AnalysisState TrackAnalyzer::step(double budget_s) {
    if (state_ != AnalysisState::working) return state_;
    Impl& s = *impl_;
    const auto t_start = Clock::now();
    while (s.window < s.plan.size()) {
        if (!s.window_open) {
            const TimeWindow& w = s.plan[s.window];
            if (s.plan_samples[s.window] >= 0 || w.start_s > 0) {
                if (Status st = s.reader->seek(w.start_s); !st) return fail(st), state_;
            }
            s.features = std::make_unique<MusicnnFeatures>();
            if (s.plan_samples[s.window] > 0) s.features->reserve_for_samples(s.plan_samples[s.window]);
            else if (s.samples_planned > 0) s.features->reserve_for_samples(std::min<int64_t>(s.samples_planned, 3600 * 16000));
            if (s.tempo) s.tempo->start_segment(w.start_s);
            if (s.loudness) s.loudness->start_segment(w.start_s);
            s.window_done = 0;
            s.window_open = true;
        }
        const int64_t limit = s.plan_samples[s.window];
        size_t want = kBlockSamples;
        if (limit >= 0) want = size_t(std::min<int64_t>(int64_t(want), limit - s.window_done));
        size_t got = 0;
        if (want > 0) {
            const auto t0 = Clock::now();
            auto n = s.reader->read(s.block.data(), want);
            result_.decode_s += seconds_since(t0);
            if (!n) return fail(n.status()), state_;
            got = *n;
        }
        if (got == 0) {
            finish_window();
        } else {
            const float* x = s.block.data();
            auto t0 = Clock::now();
            s.features->push(x, got);
            result_.features_s += seconds_since(t0);
            if (s.tempo) {
                t0 = Clock::now();
                s.tempo->push(x, got);
                result_.rhythm_s += seconds_since(t0);
            }
            if (!s.wave_min.empty()) {
                const size_t n_points = s.wave_min.size();
                for (size_t i = 0; i < got; ++i) {
                    const int64_t idx = s.samples_done + int64_t(i);
                    size_t b = size_t(std::min<int64_t>(int64_t(n_points) - 1, idx * int64_t(n_points) / s.samples_planned));
                    s.wave_min[b] = std::min(s.wave_min[b], x[i]);
                    s.wave_max[b] = std::max(s.wave_max[b], x[i]);
                }
            }
            s.window_done += int64_t(got);
            s.samples_done += int64_t(got);
            if (limit >= 0 && s.window_done >= limit) finish_window();
        }
        if (seconds_since(t_start) >= budget_s) return state_;
    }
    // Every window is decoded: tempo, loudness, then hand the patches to the embedder.
    s.reader.reset();
    auto t0 = Clock::now();
    if (s.tempo) result_.tempo = s.tempo->finish();
    s.tempo.reset();
    result_.rhythm_s += seconds_since(t0);
    if (s.loudness) result_.loudness = s.loudness->finish();
    s.loudness.reset();
    if (!s.wave_min.empty()) {
        for (size_t b = 0; b < s.wave_min.size(); ++b) {
            if (s.wave_min[b] > s.wave_max[b]) s.wave_min[b] = s.wave_max[b] = 0.0f;  // bucket past the end
        }
        result_.waveform_min = std::move(s.wave_min);
        result_.waveform_max = std::move(s.wave_max);
    }
    if (result_.patch_start_s.empty()) {
        // Nothing but silence (every frame dropped): one all-zero patch, as essentia.js does.
        s.patches.assign(kPatchValues, 0.0f);
        result_.patch_start_s.push_back(0.0);
        result_.patch_weight.push_back(1.0f);
        result_.patch_real_share.push_back(1.0f);
    }
    submit_inference();
    return state_;
}

void TrackAnalyzer::submit_inference() {
    Impl& s = *impl_;
    const size_t n = result_.n_patches();
    result_.models.clear();
    for (const auto& m : models_) {
        ModelResult r;
        r.model = m.name;
        r.key = m.key;
        r.n_outputs = m.role == ModelRole::mood ? 2 : m.labels.size();
        const size_t cap = m.max_patches > 0 ? std::min(n, size_t(m.max_patches)) : n;
        for (size_t i = 0; i < cap; ++i) r.patches.push_back(uint32_t(cap == n ? i : (2 * i + 1) * n / (2 * cap)));
        r.per_patch.assign(cap * r.n_outputs, 0.0f);
        if (m.role == ModelRole::tags)
            for (const std::string& name : options_.extra_outputs) r.extras.push_back({name, 0, {}});
        result_.models.push_back(std::move(r));
    }
    size_t embedding_model = models_.size();
    for (size_t i = 0; i < models_.size(); ++i)
        if (models_[i].has_embedding) { embedding_model = i; break; }
    if (embedding_model < models_.size()) result_.embedding_model = models_[embedding_model].name;

    const size_t batch = size_t(options_.max_batch_patches);
    n_calls_total_ = 0;
    for (const auto& r : result_.models) n_calls_total_ += (r.patches.size() + batch - 1) / batch;
    n_calls_done_ = 0;
    state_ = AnalysisState::waiting;
    std::weak_ptr<Impl> weak = impl_;
    // Count every call as pending before the first one starts: a test embedder may answer at once.
    n_pending_ = int(n_calls_total_);
    pending_per_model_.assign(models_.size(), 0);
    for (size_t mi = 0; mi < models_.size(); ++mi) pending_per_model_[mi] = int((result_.models[mi].patches.size() + batch - 1) / batch);
    const auto t0 = Clock::now();
    for (size_t mi = 0; mi < models_.size(); ++mi) {
        const std::vector<uint32_t>& sel = result_.models[mi].patches;
        for (size_t first = 0; first < sel.size(); first += batch) {
            const size_t count = std::min(batch, sel.size() - first);
            ModelRequest req;
            req.model = models_[mi].name;
            req.input.resize(count * kPatchValues);
            for (size_t i = 0; i < count; ++i)
                std::copy_n(s.patches.begin() + sel[first + i] * kPatchValues, kPatchValues, req.input.begin() + i * kPatchValues);
            req.input_shape = {int64_t(count), kMusicnnPatchFrames, kMusicnnBands};
            req.outputs = {"activations"};
            if (mi == embedding_model) req.outputs.push_back("embedding");
            for (const PatchOutput& x : result_.models[mi].extras)
                if (std::find(req.outputs.begin(), req.outputs.end(), x.output) == req.outputs.end()) req.outputs.push_back(x.output);
            embedder_->run(std::move(req), [this, weak, mi, first, t0](Result<ModelOutputs> out) {
                auto alive = weak.lock();
                if (!alive || alive != impl_) return;  // analyzer restarted or destroyed
                result_.inference_s = seconds_since(t0);
                on_model_output(mi, first, std::move(out));
            });
            if (state_ == AnalysisState::failed) return;  // a synchronous answer failed: stop submitting
        }
    }
    if (impl_) impl_->patches = {};  // every request holds its own copy
}

void TrackAnalyzer::on_model_output(size_t mi, size_t first, Result<ModelOutputs> out) {
    --n_pending_;
    ++n_calls_done_;
    if (state_ != AnalysisState::waiting) return;  // failed or cancelled: drop
    const AudioModel& m = models_[mi];
    if (!out) return fail(out.status().with_context(result_.file + ": model " + m.name));
    // Counted as answered only once its outputs are stored (below), so model_done() never sees a
    // half-written model.
    struct Answered {
        std::vector<int>& pending;
        size_t mi;
        ~Answered() { if (mi < pending.size()) --pending[mi]; }
    } answered{pending_per_model_, mi};
    ModelResult& r = result_.models[mi];
    const size_t n = result_.n_patches();
    const size_t expect_rows = std::min(size_t(options_.max_batch_patches), r.patches.size() - first);
    auto it = out->find("activations");
    if (it == out->end())
        return fail(Status(ErrorCode::corrupt, "model " + m.name + ": no \"activations\" output"));
    const ModelTensor& act = it->second;
    if (act.n_rows() != expect_rows || act.values.size() != expect_rows * r.n_outputs)
        return fail(Status(ErrorCode::corrupt, "model " + m.name + ": \"activations\" has " + std::to_string(act.values.size()) +
                                                   " values, expected " + std::to_string(expect_rows) + " × " + std::to_string(r.n_outputs) +
                                                   " (does the manifest's label list match the model?)"));
    std::copy(act.values.begin(), act.values.end(), r.per_patch.begin() + first * r.n_outputs);
    if (m.name == result_.embedding_model && m.has_embedding) {
        auto e = out->find("embedding");
        if (e == out->end() || e->second.n_rows() != expect_rows || e->second.values.empty())
            return fail(Status(ErrorCode::corrupt, "model " + m.name + ": no usable \"embedding\" output"));
        const size_t dim = e->second.row_size();
        const size_t rows = r.patches.size();
        if (result_.patch_embeddings.empty()) result_.patch_embeddings.assign(rows * dim, 0.0f);
        if (result_.patch_embeddings.size() != rows * dim)
            return fail(Status(ErrorCode::corrupt, "model " + m.name + ": embedding size changed between calls"));
        std::copy(e->second.values.begin(), e->second.values.end(), result_.patch_embeddings.begin() + first * dim);
    }
    if (Status st = store_extras(r, *out, first, expect_rows); !st) return fail(st.with_context("model " + m.name));
    if (n_pending_ == 0) {
        aggregate();
        state_ = AnalysisState::done;
    }
}

Status TrackAnalyzer::store_extras(ModelResult& r, const ModelOutputs& out, size_t first, size_t rows) {
    for (PatchOutput& x : r.extras) {
        auto it = out.find(x.output);
        if (it == out.end() || it->second.n_rows() != rows || it->second.values.empty())
            return Status(ErrorCode::corrupt, "no usable \"" + x.output + "\" output (asked for by extra_outputs)");
        const size_t dim = it->second.row_size();
        if (x.dim == 0) {
            x.dim = dim;
            x.per_patch.assign(r.patches.size() * dim, 0.0f);
        }
        if (x.dim != dim) return Status(ErrorCode::corrupt, "\"" + x.output + "\" changed size between calls");
        std::copy(it->second.values.begin(), it->second.values.end(), x.per_patch.begin() + first * dim);
    }
    return Status::ok();
}

std::vector<float> TrackAnalyzer::weighted_mean(const std::vector<float>& rows, const std::vector<uint32_t>& patches, size_t dim) const {
    // Mean over the patches a model saw, each weighted by patch_weight.
    std::vector<double> acc(dim, 0.0);
    double total_w = 0;
    for (size_t i = 0; i < patches.size(); ++i) {
        const double w = result_.patch_weight[patches[i]];
        total_w += w;
        for (size_t j = 0; j < dim; ++j) acc[j] += w * rows[i * dim + j];
    }
    std::vector<float> mean(dim);
    for (size_t j = 0; j < dim; ++j) mean[j] = float(acc[j] / total_w);
    return mean;
}

void TrackAnalyzer::aggregate() {
    size_t embedding_rows = 0;
    const std::vector<uint32_t>* embedding_patches = nullptr;
    for (auto& r : result_.models) {
        r.mean = weighted_mean(r.per_patch, r.patches, r.n_outputs);
        if (r.model == result_.embedding_model && !embedding_patches) {
            embedding_patches = &r.patches;
            embedding_rows = r.patches.size();
        }
    }
    if (!result_.patch_embeddings.empty() && embedding_patches)
        result_.embedding = weighted_mean(result_.patch_embeddings, *embedding_patches, result_.patch_embeddings.size() / embedding_rows);
}

bool TrackAnalyzer::model_done(size_t index) const {
    if (state_ == AnalysisState::done) return index < models_.size();
    if (state_ != AnalysisState::waiting || index >= pending_per_model_.size()) return false;
    return pending_per_model_[index] == 0;
}

size_t TrackAnalyzer::embedding_model_index() const {
    for (size_t i = 0; i < models_.size(); ++i)
        if (models_[i].has_embedding) return i;
    return models_.size();
}

TrackAnalysis TrackAnalyzer::partial_result() const {
    if (state_ == AnalysisState::done) return result_;
    TrackAnalysis r = result_;
    if (state_ != AnalysisState::waiting) return r;
    for (size_t i = 0; i < r.models.size(); ++i)
        if (model_done(i)) r.models[i].mean = weighted_mean(r.models[i].per_patch, r.models[i].patches, r.models[i].n_outputs);
    const size_t e = embedding_model_index();
    if (e < r.models.size() && model_done(e) && !r.patch_embeddings.empty() && !r.models[e].patches.empty())
        r.embedding = weighted_mean(r.patch_embeddings, r.models[e].patches, r.patch_embeddings.size() / r.models[e].patches.size());
    return r;
}

double TrackAnalyzer::progress() const {
    switch (state_) {
        case AnalysisState::idle: return 0.0;
        case AnalysisState::done: return 1.0;
        case AnalysisState::failed: return 0.0;
        case AnalysisState::waiting:
            return 0.2 + 0.8 * (n_calls_total_ ? double(n_calls_done_) / double(n_calls_total_) : 1.0);
        case AnalysisState::working: {
            const Impl& s = *impl_;
            if (s.samples_planned <= 0) return 0.0;
            return 0.2 * std::min(1.0, double(s.samples_done) / double(s.samples_planned));
        }
    }
    return 0.0;
}

const char* TrackAnalyzer::stage() const {
    switch (state_) {
        case AnalysisState::idle: return "idle";
        case AnalysisState::working: return "decoding";
        case AnalysisState::waiting: return "inference";
        case AnalysisState::done: return "done";
        case AnalysisState::failed: return "failed";
    }
    return "?";
}

}  // namespace cf
