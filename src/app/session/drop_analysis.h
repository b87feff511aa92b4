// cuefinder app session — a dropped audio file analysed in the order the user needs it:
//
//   1. quick: the embedding model alone on the core's "quick" windows (4 spread one-patch windows,
//      core/analysis/profiles.h) → first results, listed within a second or two;
//   2. query: the "query" profile (16 windows, every model) — its decoding overlaps the quick stage's
//      inference; once its embedding model answers, the list is refined (cosine ~0.998 to the whole
//      track against ~0.987), then tags, moods, tempo and loudness complete the query.
//
//   cf::app::DropAnalysis drop(models, &embedder);      // models with the query profile's caps
//   drop.start(std::move(bytes), "song.mp3");
//   while (drop.running()) {
//       drop.step(0.010);                               // ≤ ~10 ms of decoding per call
//       if (drop.quick_ready()) show(drop.quick_result());
//       if (drop.embedding_ready()) show(drop.partial_result());
//   }
//   if (drop.failed()) report(drop.status().message()); else use(drop.result());
//
// Both stages read the same bytes (held here, borrowed by the two analyzers). Without an embedding
// model there is no quick stage.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/analysis/track_analyzer.h"

namespace cf::app {

/// Runs each model once on one silent patch (answers ignored), so ONNX Runtime has created its session
/// and the browser has compiled the hot code before the first drop (the first run of a model is
/// ~2× slower than the next ones). Call once the models are set, in the background.
void warm_up_models(const std::vector<AudioModel>& models, Embedder* embedder);

class DropAnalysis {
public:
    /// `models`: every analysis slot, with the query profile's patch caps (Session::set_models).
    DropAnalysis(std::vector<AudioModel> models, Embedder* embedder);
    ~DropAnalysis();
    DropAnalysis(const DropAnalysis&) = delete;
    DropAnalysis& operator=(const DropAnalysis&) = delete;

    /// Starts both stages (a running analysis is dropped). A file that cannot be opened fails at once.
    void start(std::vector<uint8_t> bytes, const std::string& name);
    /// Up to about `budget_s` of decoding/feature work; true while there is more of it to do.
    bool step(double budget_s);
    void cancel();

    bool running() const;   ///< started, neither done nor failed
    bool done() const { return full_ && full_->state() == AnalysisState::done; }
    bool failed() const;
    const Status& status() const;

    /// The quick stage's embedding is there (its result holds the embedding and msd tags of 4 windows).
    bool quick_ready() const { return quick_ && quick_->state() == AnalysisState::done; }
    const TrackAnalysis& quick_result() const { return quick_->result(); }
    /// The query stage's embedding model answered: partial_result() has the final embedding and msd tags.
    bool embedding_ready() const;
    TrackAnalysis partial_result() const { return full_->partial_result(); }
    const TrackAnalysis& result() const { return full_->result(); }

    const char* stage() const;   ///< "first results", "decoding", "refining", "inference", "done", "failed"
    double progress() const;     ///< [0, 1]: the quick stage counts 20 %

private:
    void start_full();

    std::vector<AudioModel> models_, quick_models_;
    Embedder* embedder_;
    std::vector<uint8_t> bytes_;
    std::string name_;
    std::unique_ptr<TrackAnalyzer> quick_, full_;
    bool full_started_ = false;
    bool cancelled_ = false;
};

}  // namespace cf::app
