// Choosing the segment: validation, the score of a start (see fit.h for what each part means and why
// it is weighted) and the search over candidate starts.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/common/stats.h"
#include "core/fit/detail/timeline_ops.h"
#include "core/fit/fit.h"
#include "core/loudness/loudness.h"
#include "core/rhythm/tempo.h"

namespace cf {

using namespace fit_detail;

namespace {

Status bad(const std::string& what) { return Status(ErrorCode::invalid_argument, what); }

std::string num(double v) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

Status check_range(const char* name, double v, double lo, double hi) {
    if (std::isfinite(v) && v >= lo && v <= hi) return Status::ok();
    return bad(std::string("fit option ") + name + " = " + num(v) + " is outside [" + num(lo) + ", " + num(hi) + "]");
}

/// Finite, and ascending when `ascending`.
Status check_series(const char* name, const std::vector<double>& v, bool ascending) {
    for (size_t i = 0; i < v.size(); ++i) {
        if (!std::isfinite(v[i])) return bad(std::string(name) + "[" + std::to_string(i) + "] is not a finite number");
        if (ascending && i > 0 && v[i] < v[i - 1])
            return bad(std::string(name) + " is not ascending at index " + std::to_string(i));
    }
    return Status::ok();
}

}  // namespace

Status validate(const FitOptions& o) {
    CF_RETURN_IF_ERROR(check_range("w_pace", o.w_pace, 0, 1e6));
    CF_RETURN_IF_ERROR(check_range("w_cuts", o.w_cuts, 0, 1e6));
    CF_RETURN_IF_ERROR(check_range("w_start", o.w_start, 0, 1e6));
    if (o.w_pace + o.w_cuts + o.w_start <= 0) return bad("fit options: the weights w_pace, w_cuts, w_start are all 0");
    CF_RETURN_IF_ERROR(check_range("cut_tolerance_s", o.cut_tolerance_s, 0.001, 1));
    CF_RETURN_IF_ERROR(check_range("min_beat_confidence", o.min_beat_confidence, 0, 1));
    CF_RETURN_IF_ERROR(check_range("phrase_window_s", o.phrase_window_s, 0.25, 30));
    CF_RETURN_IF_ERROR(check_range("fade_beats", o.fade_beats, 0.5, 32));
    CF_RETURN_IF_ERROR(check_range("no_beat_fade_s", o.no_beat_fade_s, 0.05, 30));
    CF_RETURN_IF_ERROR(check_range("crossfade_s", o.crossfade_s, 0.03, 4));
    CF_RETURN_IF_ERROR(check_range("start_fade_s", o.start_fade_s, 0, 1));
    CF_RETURN_IF_ERROR(check_range("min_splice_similarity", o.min_splice_similarity, 0, 1));
    return check_range("similarity_window_s", o.similarity_window_s, 0.25, 30);
}

Status validate(const TrackTimeline& t) {
    if (!std::isfinite(t.duration_s) || t.duration_s <= 0)
        return bad("track duration_s = " + num(t.duration_s) + ": must be a positive number");
    if (!std::isfinite(t.bpm) || !std::isfinite(t.beat_confidence)) return bad("track bpm or beat_confidence is NaN");
    CF_RETURN_IF_ERROR(check_series("track beats_s", t.beats_s, true));
    CF_RETURN_IF_ERROR(check_series("track energy_times_s", t.energy_times_s, true));
    if (t.energy_db.size() != t.energy_times_s.size())
        return bad("track energy_db has " + std::to_string(t.energy_db.size()) + " values for " +
                   std::to_string(t.energy_times_s.size()) + " energy_times_s");
    for (float v : t.energy_db)
        if (!std::isfinite(v)) return bad("track energy_db holds a value that is not a finite number");
    CF_RETURN_IF_ERROR(check_series("track embedding_times_s", t.embedding_times_s, true));
    if (t.embeddings.size() != t.embedding_times_s.size() * t.embedding_dim)
        return bad("track embeddings: " + std::to_string(t.embeddings.size()) + " values for " +
                   std::to_string(t.embedding_times_s.size()) + " windows of dim " + std::to_string(t.embedding_dim));
    for (float v : t.embeddings)
        if (!std::isfinite(v)) return bad("track embeddings hold a value that is not a finite number");
    return Status::ok();
}

Status validate(const ClipShape& c) {
    if (!std::isfinite(c.length_s) || c.length_s <= 0)
        return bad("clip length_s = " + num(c.length_s) + ": must be a positive number");
    if (c.length_s > 24 * 3600) return bad("clip length_s = " + num(c.length_s) + ": longer than 24 hours");
    CF_RETURN_IF_ERROR(check_series("clip cuts_s", c.cuts_s, true));
    return check_series("clip pace", c.pace, false);
}

TrackTimeline make_timeline(double duration_s, const TempoResult& tempo, const LoudnessResult& loudness) {
    TrackTimeline t;
    t.duration_s = duration_s;
    t.bpm = tempo.bpm;
    t.beat_confidence = tempo.confidence;
    t.beats_s = tempo.beats_s;
    t.energy_times_s = loudness.curve_times_s;
    t.energy_db = loudness.energy_dbfs;
    return t;
}

const char* fit_kind_name(FitKind kind) {
    switch (kind) {
        case FitKind::segment_fade:
            return "segment_fade";
        case FitKind::splice:
            return "splice";
        case FitKind::loop:
            return "loop";
    }
    return "?";
}

namespace {

/// (r + 1) / 2 of the pace curve against the segment's energy per second; false when the clip has no
/// usable pace (fewer than 3 s, or flat). Flat music against a moving pace is r = 0 (0.5), not "unused":
/// otherwise a flat stretch would drop the pace part and win on its start alone.
bool pace_part(const EnergyCurve& energy, const ClipShape& clip, double start_s, double* part) {
    size_t n = std::min(clip.pace.size(), size_t(std::ceil(clip.length_s - 1e-9)));
    if (n < 3) return false;
    std::vector<double> pace(clip.pace.begin(), clip.pace.begin() + long(n)), music(n);
    double r = 0.0;
    if (!pearson(pace, pace, &r)) return false;  // a flat pace says nothing
    for (size_t i = 0; i < n; ++i) music[i] = energy.mean(start_s + double(i), start_s + double(i) + 1.0);
    if (!pearson(pace, music, &r)) r = 0.0;
    *part = (r + 1.0) / 2.0;
    return true;
}

double cut_alignment(const TrackTimeline& track, const ClipShape& clip, double start_s, double tolerance_s) {
    if (clip.cuts_s.empty()) return 0.0;
    size_t aligned = 0;
    for (double cut : clip.cuts_s)
        if (distance_to_nearest(track.beats_s, start_s + cut) <= tolerance_s + 1e-9) ++aligned;
    return double(aligned) / double(clip.cuts_s.size());
}

double start_part(const EnergyCurve& energy, double first_candidate_s, double start_s, double window_s) {
    if (start_s <= first_candidate_s + 1e-6) return 1.0;
    double before = energy.mean(std::max(0.0, start_s - window_s), start_s);
    double after = energy.mean(start_s, start_s + window_s);
    return std::clamp(0.6 * (1.0 - before) + 0.4 * std::max(0.0, after - before), 0.0, 1.0);
}

/// Candidate starts: beats (or energy points) that leave a whole segment. None leaves one: the track's
/// start when the track is as long as the clip (it is within a beat of it), else the first beat (a loop).
std::vector<double> candidates(const TrackTimeline& track, double length_s, bool reliable) {
    const std::vector<double>& grid = reliable ? track.beats_s : track.energy_times_s;
    std::vector<double> out;
    for (double t : grid)
        if (t >= 0 && t + length_s <= track.duration_s + 1e-6) out.push_back(t);
    if (!out.empty()) return out;
    bool fits = track.duration_s >= length_s - 1e-6;
    out.push_back(!fits && reliable && !grid.empty() ? std::max(0.0, grid.front()) : 0.0);
    return out;
}

SegmentScore score_with(const TrackTimeline& track, const ClipShape& clip, const EnergyCurve& energy, double first_s,
                        bool reliable, double start_s, const FitOptions& o) {
    SegmentScore s;
    s.pace_used = o.w_pace > 0 && pace_part(energy, clip, start_s, &s.pace);
    s.cuts_used = reliable && !clip.cuts_s.empty();
    if (s.cuts_used) s.cut_alignment = cut_alignment(track, clip, start_s, o.cut_tolerance_s);
    s.start = start_part(energy, first_s, start_s, o.phrase_window_s);
    double w_pace = s.pace_used ? o.w_pace : 0.0, w_cuts = s.cuts_used ? o.w_cuts : 0.0;
    double w_sum = w_pace + w_cuts + o.w_start;
    s.total = w_sum > 0 ? (w_pace * s.pace + w_cuts * s.cut_alignment + o.w_start * s.start) / w_sum : 0.0;
    return s;
}

double first_candidate(const TrackTimeline& track, bool reliable) {
    if (reliable) return track.beats_s.front();
    return track.energy_times_s.empty() ? 0.0 : std::max(0.0, track.energy_times_s.front());
}

}  // namespace

SegmentScore score_segment(const TrackTimeline& track, const ClipShape& clip, double start_s, const FitOptions& o) {
    bool reliable = beats_reliable(track, o);
    return score_with(track, clip, EnergyCurve(track), first_candidate(track, reliable), reliable, start_s, o);
}

Result<SegmentChoice> choose_segment(const TrackTimeline& track, const ClipShape& clip, const FitOptions& o) {
    CF_RETURN_IF_ERROR(validate(o));
    CF_RETURN_IF_ERROR(validate(track));
    CF_RETURN_IF_ERROR(validate(clip));
    SegmentChoice best;
    best.beats_reliable = beats_reliable(track, o);
    if (!best.beats_reliable)
        best.note = track.beats_s.empty()
                        ? "no beats: energy-only"
                        : "beats unreliable (confidence " + num(track.beat_confidence) + "): energy-only";
    EnergyCurve energy(track);
    double first = first_candidate(track, best.beats_reliable);
    best.score.total = -1.0;
    for (double start : candidates(track, clip.length_s, best.beats_reliable)) {
        SegmentScore s = score_with(track, clip, energy, first, best.beats_reliable, start, o);
        if (s.total > best.score.total + 1e-12) best.score = s, best.start_s = start;
    }
    best.end_s = std::min(track.duration_s, best.start_s + clip.length_s);
    return best;
}

}  // namespace cf
