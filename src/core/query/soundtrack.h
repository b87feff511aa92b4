// cuefinder core — a clip's reading (+ optional words) → ranked soundtrack suggestions, through the
// one query engine.
//
//   cf::query::ClipReading clip = cf::query::clip_reading(analysis);   // shots, pace (shot_detector.h)
//   clip.shots[i].picture = std::move(picture);                        // prepare_picture() on its keyframe
//   auto r = cf::query::suggest_soundtrack(engine, &matcher, clip, words, {.k = 5});
//   for (const cf::query::Suggestion& s : *r) show(s.track, s.score, s.why);
//
// How it ranks. content: each shot with a picture is a mixed query (its picture + the words), the
// engine's score (percentile, 0..1) per track weighted by the shot's length; words alone without
// pictures; 0.5 for every track with neither. pace → tempo and energy (pace_target): pace p (0..1) =
// half min(cuts/min ÷ 30, 1) + half min(motion ÷ 0.3, 1); target BPM centre 70 + 80·p with a ±12.5 BPM
// range (2 cuts/min and motion 0.02: 63–88 BPM; 30 cuts/min and fast motion: 137–162 BPM) and target
// energy p. tempo_fit: 1 inside the range, 0.6 when half or double the BPM is inside (a 150 BPM track
// is not a calm clip's 75 BPM), else falling by 1/40 per BPM outside down to 0.3; unknown BPM 0.7;
// a free tempo 0.7 too and an uncertain one halfway to 0.7 (core/rhythm/tempo_reading.h).
// energy_fit: 1 − 0.75·|energy − target|, the track's energy the mean of its known moods aggressive,
// danceable and 1 − relaxed (none known: 1). The 0.6 and 0.75 were chosen on the tuning half of the
// calm/lively clip set (tools/eval/suggest/tune.mjs; docs/benchmarks/suggest.md), with the held-out
// half reported beside it.
// score = content · tempo_fit · energy_fit.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/common/json.h"
#include "core/common/status.h"
#include "core/fit/fit.h"
#include "core/query/query_engine.h"
#include "core/video/shot_detector.h"

namespace cf::query {

struct ClipShot {
    double start_s = 0, end_s = 0;
    float motion = 0;                     ///< 0..1 (shot_detector.h)
    std::optional<PictureQuery> picture;  ///< its keyframe as a picture query, if read
};

struct ClipReading {
    double duration_s = 0;
    std::vector<ClipShot> shots;
    std::vector<double> cuts_s;
    double cuts_per_min = 0;
    float motion = 0;         ///< 0..1, the whole clip
    std::vector<double> pace;  ///< the pace curve (0..1), one value per second (ShotDetector default bins)
    /// false when the picture could not be read (a codec the page cannot decode): tempo and energy
    /// then do not rank, only the words do.
    bool pace_known = true;
};

/// The reading of a ShotAnalysis, without pictures.
ClipReading clip_reading(const ShotAnalysis& analysis);

/// A clip whose picture could not be read (its sound and the words still count): one shot, no cuts,
/// pace unknown.
ClipReading sound_only_reading(double duration_s);

/// The clip as the fitting sees it (core/fit/fit.h): its length, cuts and pace curve.
ClipShape clip_shape(const ClipReading& clip);

/// The clip's reading and the suggestions as JSON members (beside write_video_info_json's): cuts_s, shots [{start_s, end_s,
/// motion, sees [words], moods {kColourMoodNames: 0..1} (both empty without a picture), why}], pace
/// {cuts_per_min, motion, bpm_min, bpm_max, energy}, suggestions [{rank, id, title, path, score,
/// content, tempo_fit, energy_fit, why, bpm, license, credit}].
struct Suggestion;
void write_soundtrack_json(JsonWriter& w, const Catalog& catalog, const ClipReading& clip,
                           const std::vector<Suggestion>& suggestions);

struct PaceTarget {
    float pace = 0;                   ///< 0..1
    float bpm_min = 0, bpm_max = 0;
    float energy = 0;                 ///< 0..1
};

/// The mapping of the header comment.
PaceTarget pace_target(double cuts_per_min, float motion);
/// 0.3..1, see the header comment. With the track's bpm_confidence (core/rhythm/tempo_reading.h): a
/// free tempo is neutral (0.7, as unknown), an uncertain one half trusted ((fit + 0.7) / 2); a NaN
/// confidence (not stored) takes the bpm as measured.
float tempo_fit(float bpm, const PaceTarget& target, float bpm_confidence = kUnknown);
/// The track's energy 0..1 from its moods, or NaN when none is known.
float track_energy(const TrackMeta& track);
/// 0.5..1; 1 for an unknown energy.
float energy_fit(float energy, const PaceTarget& target);
/// "still shots; 9.0 cuts/min → 70–95 BPM".
std::string pace_explanation(const ClipReading& clip, const PaceTarget& target);

struct SoundtrackOptions {
    size_t k = 5;
    Weights weights;         ///< picture and text weights in each shot's query
    SearchFilters filters;   ///< applied before ranking
};

struct Suggestion {
    uint32_t track = 0;
    float score = 0;           ///< content · tempo_fit · energy_fit, 0..1
    float content = 0, tempo = 0, energy = 0;
    std::string why;           ///< the pace explanation, the track's BPM, what the longest shot sees
};

/// The best options.k tracks, best first. Errors (invalid_argument): duration ≤ 0 or not finite, k = 0,
/// an engine without a catalog; the engine's errors (a matcher missing for pictures or words).
Result<std::vector<Suggestion>> suggest_soundtrack(const QueryEngine& engine, const semantic::TextMatcher* matcher,
                                                   const ClipReading& clip, const std::vector<TextQuery>& words,
                                                   const SoundtrackOptions& options);

/// A track fitted to a clip: the best segment and an edit of exactly the clip's length (core/fit).
struct TrackFit {
    SegmentChoice segment;
    EditPlan plan;
};

/// Fits a track timeline to the clip (choose_segment, then plan_fit).
Result<TrackFit> fit_track(const TrackTimeline& track, const ClipReading& clip, const FitOptions& options = {});

/// Catalog track `track`'s timeline (format v2). Errors: a catalog without timelines (what it lacks),
/// a track out of range or without one.
Result<TrackTimeline> catalog_timeline(const Catalog& catalog, uint32_t track);

/// Fits catalog track `track` from the catalog's per-track timeline (format v2). Errors: a catalog
/// without timelines (Catalog::timeline_status says what it lacks), a track out of range or without one.
Result<TrackFit> fit_catalog_track(const Catalog& catalog, uint32_t track, const ClipReading& clip,
                                   const FitOptions& options = {});

}  // namespace cf::query
