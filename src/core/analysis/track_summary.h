// cuefinder core — a track's summary from its analysis: the top tags of each tag model, the moods and
// the representative segment. Defined once here for every front end: the catalog build (a catalog
// track's top_tags, moods and segment_*: src/bindings/web/catalog_build_api.cpp) and the app (a dropped
// file's query and its A/B segment).
//
//   cf::TrackSummary s = cf::summarize_track(analyzer.result(), models);   // models: the analysis's slots
//   meta.top_tags = s.top_tags("msd");
//   meta.moods = s.moods;
//   meta.segment_start_s = float(s.segment_start_s);
//   meta.segment_duration_s = float(s.segment_duration_s);
//
// The representative segment: the analysed patch whose embedding is most like the track (the highest
// cosine with the track's mean embedding) and a segment of SummaryOptions::segment_duration_s (or the
// whole track when shorter) centred on the audio of that patch, moved inside the track. Cosine rather than the dot
// product, because the dot product prefers the patch with the largest embedding (loud, dense passages)
// over the one that points the same way as the track; centred, so that what is most like the track is
// what the listener hears in the middle of the clip, not 10 s into it.
#pragma once

#include <array>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "core/analysis/track_analyzer.h"
#include "core/catalog/catalog.h"

namespace cf {

struct SummaryOptions {
    size_t n_top_tags = 10;             ///< per tag model
    double segment_duration_s = 30.0;   ///< the representative segment's length (at most the track's)
};

struct TrackSummary {
    std::map<std::string, std::vector<TagScore>> top_tags_by_model;  ///< model key ("msd", "mtt") → best first
    std::array<float, kNumMoods> moods = {kUnknown, kUnknown, kUnknown, kUnknown, kUnknown};  ///< kMoodNames order; kUnknown: no model
    double segment_start_s = 0.0;     ///< representative segment (track time), rounded to the millisecond
    double segment_duration_s = 0.0;  ///< min(SummaryOptions::segment_duration_s, track duration), rounded to ms

    /// The top tags of model `key`, or none.
    std::vector<TagScore> top_tags(const std::string& key) const;
};

/// The summary of a finished analysis; `models` are the slots it ran with (AudioModel order).
TrackSummary summarize_track(const TrackAnalysis& analysis, const std::vector<AudioModel>& models,
                             const SummaryOptions& options = {});

/// The `n` most probable labels, best first; equal probabilities keep label order.
std::vector<TagScore> top_tags(const std::vector<std::string>& labels, std::span<const float> probs, size_t n);

struct Segment {
    double start_s = 0.0;
    double duration_s = 0.0;
};

/// The representative segment (see the top of this file). patch_embeddings: [n × dim] with
/// n = patch_spans.size(); mean_embedding: dim values; patch_spans: the track time each row covers
/// (patch_spans()); the segment is centred on the middle of the chosen span. No patches or no embedding:
/// the segment starts at 0.
Segment representative_segment(std::span<const float> patch_embeddings, std::span<const float> mean_embedding,
                               std::span<const TimeWindow> patch_spans, double track_duration_s,
                               double segment_duration_s = 30.0);

/// The track time of each of patch_start_s.size() patches: the analysed windows themselves when each
/// holds one patch (the windowed profiles: a window is the audio its patch saw), else
/// patch_duration_s() from each start; both cut at the track's end.
std::vector<TimeWindow> patch_spans(std::span<const TimeWindow> windows, std::span<const double> patch_start_s,
                                    double track_duration_s);

/// Seconds of audio in one musicnn patch (187 frames of 256 samples at 16 kHz: 2.992 s).
double patch_duration_s();

}  // namespace cf
