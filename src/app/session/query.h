// cuefinder app session — the query: what the user dropped or picked, with what the analysis found.
//
//   cf::app::Query q = cf::app::query_from_analysis(analysis, models, "song.mp3");
//   cf::app::Query t = cf::app::query_from_track(catalog, 12);   // "find similar" on a catalog track
#pragma once

#include <array>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/analysis/track_analyzer.h"
#include "core/catalog/catalog.h"
#include "core/map/view.h"

namespace cf::app {

struct Query {
    enum class Kind { none, file, track } kind = Kind::none;
    std::string name;                 ///< file name, or the track's title
    std::string title;                ///< the file's own title (and artist) tags, if any
    std::string track_id;             ///< Kind::track
    std::vector<float> embedding;
    std::vector<TagScore> tags;       ///< best first (MSD), for "why it matched"
    std::vector<TagScore> mtt_tags;
    std::map<std::string, float> all_tags;  ///< every tag of a dropped file: "msd:rock" → probability
    std::array<float, kNumMoods> moods = {kUnknown, kUnknown, kUnknown, kUnknown, kUnknown};
    float bpm = kUnknown, bpm_confidence = kUnknown, loudness_lufs = kUnknown, loudness_range_lu = kUnknown;
    float duration_s = kUnknown;
    std::string codec;
    int sample_rate_hz = 0, channels = 0;
    std::vector<float> waveform_min, waveform_max;
    std::vector<double> patch_start_s;          ///< taggram columns
    std::vector<std::string> taggram_labels;    ///< taggram rows (the track's top tags)
    std::vector<float> taggram;                 ///< rows × columns, row-major
    float segment_start_s = 0.0f;               ///< where A/B playback of the query starts
    std::optional<MapPoint> map_position;
    double analysis_s = 0.0;
    double first_results_s = 0.0;     ///< drop → first results (the quick stage's embedding)
    bool preliminary = false;         ///< from the quick stage's 4 windows: refined when the query stage's embedding comes
    double decode_s = 0.0, features_s = 0.0, inference_s = 0.0;  ///< TrackAnalysis stage times
};

/// A dropped file's query from its (partial or final) analysis; `models` in the analysis' order. Its
/// top tags, moods and representative segment are the core's track summary (core/analysis/track_summary.h).
/// Timings other than the stage times (analysis_s, first_results_s) are the caller's.
Query query_from_analysis(const TrackAnalysis& a, const std::vector<AudioModel>& models, const std::string& name);

/// A catalog track as the query. `track` must be < catalog.size().
Query query_from_track(const Catalog& catalog, uint32_t track);

}  // namespace cf::app
