// cuefinder app session — DropAnalysis: the quick stage's first results, then the query profile's.
#include "app/session/drop_analysis.h"

#include <chrono>

#include "core/analysis/profiles.h"
#include "core/features/musicnn_features.h"
#include "core/io/byte_source.h"

namespace cf::app {

namespace {

const AnalysisProfile& profile(const char* name) {
    static const AnalysisProfile quick = *analysis_profile("quick");
    static const AnalysisProfile query = *analysis_profile("query");
    return std::string_view(name) == "quick" ? quick : query;
}

// The quick stage: the first embedding model alone, on every patch of the quick profile's windows.
std::vector<AudioModel> quick_models(const std::vector<AudioModel>& models) {
    for (const AudioModel& m : models)
        if (m.has_embedding) return with_profile_caps(profile("quick"), {m});
    return {};
}

bool busy(const std::unique_ptr<TrackAnalyzer>& a) {
    return a && (a->state() == AnalysisState::working || a->state() == AnalysisState::waiting);
}

}  // namespace

void warm_up_models(const std::vector<AudioModel>& models, Embedder* embedder) {
    if (!embedder) return;
    for (const AudioModel& m : models) {
        ModelRequest req;
        req.model = m.name;
        req.input.assign(size_t(kMusicnnPatchFrames) * kMusicnnBands, 0.0f);
        req.input_shape = {1, kMusicnnPatchFrames, kMusicnnBands};
        req.outputs = {"activations"};
        if (m.has_embedding) req.outputs.push_back("embedding");
        embedder->run(std::move(req), [](Result<ModelOutputs>) {});
    }
}

DropAnalysis::DropAnalysis(std::vector<AudioModel> models, Embedder* embedder)
    : models_(std::move(models)), quick_models_(quick_models(models_)), embedder_(embedder) {}

DropAnalysis::~DropAnalysis() = default;

void DropAnalysis::start(std::vector<uint8_t> bytes, const std::string& name) {
    cancel();
    quick_.reset();  // before the bytes they borrow go
    full_.reset();
    bytes_ = std::move(bytes);
    name_ = name;
    cancelled_ = false;
    full_started_ = false;
    full_ = std::make_unique<TrackAnalyzer>(models_, embedder_, profile("query").options);
    if (quick_models_.empty()) return start_full();
    quick_ = std::make_unique<TrackAnalyzer>(quick_models_, embedder_, profile("quick").options);
    (void)quick_->start(make_memory_source(bytes_.data(), bytes_.size(), name_));  // a failure shows in state()
}

void DropAnalysis::start_full() {
    full_started_ = true;
    (void)full_->start(make_memory_source(bytes_.data(), bytes_.size(), name_));
}

// The quick stage decodes first; the query stage's decoding starts once the quick patches are with
// the embedder, so it overlaps their inference (a failed quick stage leaves the verdict to the query one).
bool DropAnalysis::step(double budget_s) {
    if (!full_ || cancelled_) return false;
    const auto t0 = std::chrono::steady_clock::now();
    if (quick_ && quick_->state() == AnalysisState::working) {
        quick_->step(budget_s);
        if (quick_->state() == AnalysisState::working) return true;
    }
    if (!full_started_) start_full();
    if (full_->state() != AnalysisState::working) return false;
    const double left_s = budget_s - std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (left_s > 0) full_->step(left_s);
    return full_->state() == AnalysisState::working;
}

void DropAnalysis::cancel() {
    if (!running()) return;
    cancelled_ = true;
    if (quick_) quick_->cancel();
    if (full_) full_->cancel();
}

bool DropAnalysis::running() const {
    if (!full_ || cancelled_) return false;
    return full_started_ ? busy(full_) : true;
}

bool DropAnalysis::failed() const { return cancelled_ || (full_ && full_->state() == AnalysisState::failed); }

const Status& DropAnalysis::status() const {
    static const Status cancelled(ErrorCode::cancelled, "analysis cancelled");
    if (cancelled_ && !(full_ && full_->state() == AnalysisState::failed)) return cancelled;
    return full_->status();
}

bool DropAnalysis::embedding_ready() const {
    if (!full_started_ || !full_) return false;
    return full_->state() == AnalysisState::done || full_->model_done(full_->embedding_model_index());
}

const char* DropAnalysis::stage() const {
    if (busy(quick_)) return "first results";
    if (!full_started_) return "decoding";
    if (quick_ready() && full_->state() == AnalysisState::waiting) return "refining";
    return full_->stage();
}

double DropAnalysis::progress() const {
    if (!full_) return 0.0;
    const double full = full_started_ ? full_->progress() : 0.0;
    if (!quick_ || quick_->state() == AnalysisState::failed) return full;
    if (!quick_ready()) return 0.2 * quick_->progress();
    return 0.2 + 0.8 * full;
}

}  // namespace cf::app
