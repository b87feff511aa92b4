// cuefinder core — fit a track to a video clip's length, like an editor would: choose the best
// segment (on a beat, energy following the clip's pace, cuts landing on beats, a natural start), then
// plan an edit of exactly the clip's length (segment + fade-out on a beat, a beat-aligned splice of the
// start and the ending, or a loop of a section) and say in words which was done. Rendering the plan
// to samples: core/fit/render.h; writing a WAV: core/audio/wav_writer.h; as JSON: core/fit/fit_json.h.
//
//   cf::TrackTimeline track = cf::make_timeline(duration_s, tempo_result, loudness_result);
//   track.embedding_times_s = ...; track.embedding_dim = 200; track.embeddings = ...;  // optional
//   cf::ClipShape clip{.length_s = 30.0, .cuts_s = {2.1, 5.3}, .pace = pace_per_second};
//   cf::Result<cf::SegmentChoice> seg = cf::choose_segment(track, clip);
//   cf::Result<cf::EditPlan> plan = cf::plan_fit(track, clip, *seg);
//   puts(plan->edit.c_str());   // "segment 42.3–72.3 s, fade-out over the last 2 beats"
//
// The segment score (every part in [0, 1], each reported in SegmentScore):
//   pace     — Pearson correlation, mapped (r + 1) / 2, between the clip's pace curve (one value per
//              second) and the track's energy sampled at the same seconds of the segment. Both are
//              normalised by the correlation itself (it ignores offset and scale). Left out (weight 0)
//              when the clip has no pace curve (or a flat one); flat music scores 0.5 (r = 0).
//   cuts     — cut_alignment: the share of the clip's cuts within ±cut_tolerance_s (70 ms) of a beat of
//              the segment. Left out when the clip has no cuts or the track has no reliable beats.
//   start    — a natural start: 1 at the track's first beat (or its start); elsewhere
//              0.6 · (1 − energy of the stretch before) + 0.4 · max(0, energy after − energy before),
//              energies normalised to [0, 1] over the track (5th..95th percentile) and averaged over
//              `phrase_window_s` before / after the start. A beat after a quiet stretch scores high.
//   score    = (w_pace·pace + w_cuts·cuts + w_start·start) / (sum of the weights of the parts used).
// Candidates are the track's beats (every start that leaves a whole segment; when none does, the
// track's start, or for a track shorter than the clip its first beat). Without reliable beats
// (confidence < min_beat_confidence, bpm 0, or fewer than 8 beats) the candidates are the energy curve's
// points, `cuts` is left out and `beats_reliable` is false ("energy-only"): the start term then favours
// a low-energy point.
//
// Plans (EditPlan::kind):
//   segment_fade — the track is at least the clip's length: [start, start + length], faded out over
//                  the last `fade_beats` beats (at most a third of the clip) ending on the last beat
//                  inside the clip (silent after it, less than a beat). When the segment reaches the
//                  track's end, its own ending is kept (a 30 ms fade on its last samples).
//   splice       — (prefer_real_ending, the default) head [start, a] + tail [b, b + rest], a and b beats,
//                  chosen so the tail ends within a beat of the track's end (its real ending) and the
//                  music around a and b is most alike (embedding cosine and energy); an equal-power
//                  crossfade of crossfade_s centred on the splice. Chosen over segment_fade when the
//                  best splice's similarity ≥ min_splice_similarity.
//   loop         — the track is shorter than the clip: [start, y] + k × [x, y] + [x, ...], x and y beats
//                  4·m apart (whole bars, up to 64), chosen for similarity, few repeats and little of
//                  the ending cut; crossfaded at each jump; the last pass is cut to the exact length
//                  with a beat fade when it does not reach the track's end. Without reliable beats the
//                  whole track is looped.
// Every plan's pieces add up to exactly ClipShape::length_s; render_plan() makes that many samples.
// Every piece is at least one crossfade long (a loop in a very short track shortens its crossfades to
// a third of what follows the start). A track that leaves less than 90 ms after the start cannot loop.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "core/common/status.h"

namespace cf {

struct TempoResult;
struct LoudnessResult;

/// What the fitting knows about a catalog track (built at catalog-build time).
struct TrackTimeline {
    double duration_s = 0.0;             ///< the track's length
    double bpm = 0.0;                    ///< TempoResult::bpm (0: none)
    double beat_confidence = 0.0;        ///< TempoResult::confidence, 0..1
    std::vector<double> beats_s;         ///< beat times, ascending (TempoResult::beats_s)
    std::vector<double> energy_times_s;  ///< energy curve point times, ascending (curve_times_s)
    std::vector<float> energy_db;        ///< energy at those times (any dB-like unit; e.g. energy_dbfs)
    /// Optional embedding timeline: the centre time of each window and its vector (row-major,
    /// n × embedding_dim, unit length or not: cosine is used).
    std::vector<double> embedding_times_s;
    size_t embedding_dim = 0;
    std::vector<float> embeddings;
};

/// A timeline from the analysis results (beats, bpm, confidence; LoudnessResult::energy_dbfs curve).
TrackTimeline make_timeline(double duration_s, const TempoResult& tempo, const LoudnessResult& loudness);

/// What the fitting knows about the clip.
struct ClipShape {
    double length_s = 0.0;       ///< the clip's length; the edit is exactly this long
    std::vector<double> cuts_s;  ///< cut times in clip time (optional)
    std::vector<double> pace;    ///< pace per second (pace[i] covers [i, i + 1) s), 0..1 (optional)
};

struct FitOptions {
    double w_pace = 0.5;                 ///< weight of the pace part, ≥ 0
    double w_cuts = 0.3;                 ///< weight of cut alignment, ≥ 0
    double w_start = 0.2;                ///< weight of the natural start, ≥ 0
    double cut_tolerance_s = 0.070;      ///< a cut within this of a beat is aligned, in [0.001, 1]
    double min_beat_confidence = 0.25;   ///< below: beats are not trusted (energy-only), in [0, 1]
    double phrase_window_s = 2.0;        ///< energy averaged before/after a start, in [0.25, 30]
    double fade_beats = 2.0;             ///< fade-out length in beats (segment_fade, cut loops), in [0.5, 32]
    double no_beat_fade_s = 2.0;         ///< fade-out length without reliable beats, in [0.05, 30]
    double crossfade_s = 0.080;          ///< splice crossfade, equal-power, in [0.03, 4]
    double start_fade_s = 0.010;         ///< fade-in when the edit starts inside the track, in [0, 1]
    bool prefer_real_ending = true;      ///< try a splice onto the track's ending before segment_fade
    double min_splice_similarity = 0.8;  ///< a splice is used only when at least this alike, in [0, 1]
    double similarity_window_s = 2.0;    ///< music compared on each side of a splice point, in [0.25, 30]
};

/// Validates options once; the message names the bad field and value.
Status validate(const FitOptions& options);

struct SegmentScore {
    double total = 0.0;          ///< the weighted score (see the top of this file)
    double pace = 0.0;           ///< (r + 1) / 2, or 0 when not used
    double cut_alignment = 0.0;  ///< share of cuts within cut_tolerance_s of a beat; 0 when not used
    double start = 0.0;          ///< natural start, 0..1
    bool pace_used = false;      ///< the clip had a pace curve that varied (≥ 3 s)
    bool cuts_used = false;      ///< the clip had cuts and the beats are reliable
};

struct SegmentChoice {
    double start_s = 0.0;         ///< on a beat (an energy point when !beats_reliable; 0 when no beat leaves room)
    double end_s = 0.0;           ///< start_s + clip length, at most the track's end
    bool beats_reliable = false;  ///< false: energy-only fallback (see the top of this file)
    SegmentScore score;
    std::string note;  ///< e.g. "beats unreliable (confidence 0.12): energy-only"
};

/// Bad input (non-positive or non-finite length, NaN anywhere, a track of no length, unsorted beats)
/// is a Status naming the field.
Status validate(const TrackTimeline& track);
Status validate(const ClipShape& clip);

/// The best start for the clip's length. Tracks shorter than the clip: start 0 (the loop plan uses it).
Result<SegmentChoice> choose_segment(const TrackTimeline& track, const ClipShape& clip, const FitOptions& options = {});

/// The score of a segment starting at start_s (for tools and tests; choose_segment maximises it).
SegmentScore score_segment(const TrackTimeline& track, const ClipShape& clip, double start_s,
                           const FitOptions& options = {});

enum class FitKind { segment_fade, splice, loop };
const char* fit_kind_name(FitKind kind);  ///< "segment_fade", "splice", "loop"

/// A stretch of the source played at output time [out_start_s, out_start_s + duration).
struct SourcePiece {
    double source_start_s = 0.0;
    double source_end_s = 0.0;
    double out_start_s = 0.0;
};

/// The join between piece i and piece i + 1 at output time out_s: an equal-power crossfade of
/// crossfade_s centred on it (piece i continues past its end by half, piece i + 1 starts half early).
struct Splice {
    double out_s = 0.0;
    double from_source_s = 0.0;  ///< where piece i ends (a beat)
    double to_source_s = 0.0;    ///< where piece i + 1 begins (a beat)
    double crossfade_s = 0.0;
    double similarity = 0.0;  ///< how alike the music around both points is, 0..1
};

struct EditPlan {
    FitKind kind = FitKind::segment_fade;
    double length_s = 0.0;            ///< = ClipShape::length_s
    std::vector<SourcePiece> pieces;  ///< consecutive in output time, covering [0, length_s]
    std::vector<Splice> splices;      ///< pieces.size() − 1 joins
    double fade_in_s = 0.0;           ///< a fade-in from output time 0 (0: none)
    double fade_out_start_s = 0.0;    ///< output time the fade-out begins (= its end: none)
    double fade_out_end_s = 0.0;      ///< output time it reaches silence (silent after; = a beat)
    std::vector<double> beats_out_s;  ///< the music's beats in output time (for a timeline view)
    bool on_beats = false;            ///< start, splices and fade end are on the track's beats
    std::string edit;                 ///< what was done, in words
};

/// An edit of exactly clip.length_s built around `segment` (see the top of this file).
Result<EditPlan> plan_fit(const TrackTimeline& track, const ClipShape& clip, const SegmentChoice& segment,
                          const FitOptions& options = {});

}  // namespace cf
