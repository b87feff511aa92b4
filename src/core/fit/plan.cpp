// Planning the edit: segment + fade, splice onto the ending, or loop (see fit.h for when each is
// chosen). Everything here is in seconds; render.cpp turns the plan into samples.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/fit/detail/timeline_ops.h"
#include "core/fit/fit.h"

namespace cf {

using namespace fit_detail;

namespace {

constexpr double kEps = 1e-6;

/// The beat period: 60 / bpm, or the median beat interval when bpm is missing.
double beat_period_s(const TrackTimeline& track) {
    if (track.bpm > 0) return 60.0 / track.bpm;
    std::vector<double> d;
    for (size_t i = 1; i < track.beats_s.size(); ++i) d.push_back(track.beats_s[i] - track.beats_s[i - 1]);
    if (d.empty()) return 0.5;
    std::nth_element(d.begin(), d.begin() + long(d.size() / 2), d.end());
    return d[d.size() / 2];
}

std::string seconds(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", v);
    return buf;
}

std::string range(double a, double b) { return seconds(a) + "–" + seconds(b) + " s"; }

/// Fills beats_out_s from the pieces (a splice's own beat counts once) and fixes pieces' out starts.
void layout(const TrackTimeline& track, EditPlan& plan) {
    double out = 0.0;
    plan.beats_out_s.clear();
    for (SourcePiece& p : plan.pieces) {
        p.out_start_s = out;
        for (double b : track.beats_s)
            if (b >= p.source_start_s - kEps && b < p.source_end_s - kEps) {
                double t = out + b - p.source_start_s;
                if (plan.beats_out_s.empty() || t > plan.beats_out_s.back() + kEps) plan.beats_out_s.push_back(t);
            }
        out += p.source_end_s - p.source_start_s;
    }
}

/// A fade-out over `fade_beats` beats ending on the last output beat inside the clip; without beats,
/// over no_beat_fade_s ending at the clip's end. Returns a description ("over the last 2 beats").
std::string end_with_fade(EditPlan& plan, bool reliable, double period_s, const FitOptions& o) {
    double fade_end = plan.length_s, fade_len = std::min(o.no_beat_fade_s, plan.length_s / 3);
    std::string what = "fade-out over the last " + seconds(fade_len) + " s";
    if (reliable) {
        auto it = std::upper_bound(plan.beats_out_s.begin(), plan.beats_out_s.end(), plan.length_s + kEps);
        double fade_beats_s = o.fade_beats * period_s;
        if (it != plan.beats_out_s.begin() && *(it - 1) >= plan.length_s / 2) {
            fade_end = *(it - 1);
            fade_len = std::min(fade_beats_s, plan.length_s / 3);  // a short clip is not all fade
            char buf[64];
            std::snprintf(buf, sizeof buf, "fade-out over the last %.3g beats", fade_len / period_s);
            what = buf;
        }
    }
    plan.fade_out_end_s = fade_end;
    plan.fade_out_start_s = fade_end - fade_len;
    return what;
}

/// The track's own ending is (nearly) reached: a short fade keeps its last sample from clicking.
void end_at_track_end(EditPlan& plan, const FitOptions& o) {
    plan.fade_out_end_s = plan.length_s;
    plan.fade_out_start_s = std::max(0.0, plan.length_s - std::max(0.03, o.start_fade_s));
}

/// Whether [start, start + length] ends within a beat (0.5 s without beats) of the track's end.
bool reaches_track_end(const TrackTimeline& track, double start_s, double length_s, bool reliable) {
    return track.duration_s - (start_s + length_s) < (reliable ? beat_period_s(track) : 0.5);
}

EditPlan segment_fade(const TrackTimeline& track, const ClipShape& clip, const SegmentChoice& seg, bool reliable,
                      const FitOptions& o) {
    EditPlan plan;
    plan.kind = FitKind::segment_fade;
    plan.length_s = clip.length_s;
    plan.pieces.push_back({seg.start_s, seg.start_s + clip.length_s, 0.0});
    layout(track, plan);
    double period = beat_period_s(track);
    std::string text = "segment " + range(seg.start_s, seg.start_s + clip.length_s);
    if (!reliable) text += " (energy-only: no reliable beats)";
    if (reaches_track_end(track, seg.start_s, clip.length_s, reliable)) {
        end_at_track_end(plan, o);
        text += ", to the track's own ending";
    } else {
        text += ", " + end_with_fade(plan, reliable, period, o);
    }
    plan.on_beats = reliable;
    plan.edit = text;
    return plan;
}

}  // namespace

namespace {

struct SpliceChoice {
    double a_s = 0.0, b_s = 0.0, similarity = -1.0, score = -1e9;
};

/// The best head end a and tail start b (both beats) for a segment starting at start_s: the tail
/// [b, b + rest] ends within a beat of the track's end; most alike first, less of the ending cut next.
SpliceChoice best_splice(const TrackTimeline& track, const EnergyCurve& energy, double start_s, double length_s,
                         const FitOptions& o) {
    const std::vector<double>& beats = track.beats_s;
    // Each piece at least a fifth of the clip and at least a crossfade long (the crossfade lies in both).
    double min_piece = std::max(length_s / 5.0, o.crossfade_s), period = beat_period_s(track);
    double half_x = o.crossfade_s / 2;
    SpliceChoice best;
    for (size_t i = lower_index(beats, start_s + min_piece); i < beats.size(); ++i) {
        double a = beats[i], rest = length_s - (a - start_s);
        if (rest < min_piece) break;
        if (a + half_x > track.duration_s) break;
        // The latest beat b whose tail still fits in the track.
        size_t j = lower_index(beats, track.duration_s - rest + kEps);
        if (j == 0) continue;
        double b = beats[j - 1];
        if (b <= a + period / 2) continue;  // no jump forward: the segment itself reaches the end
        double sim = moment_similarity(track, energy, a, b, o.similarity_window_s);
        double trim = track.duration_s - (b + rest);
        double score = sim - 0.1 * trim / std::max(period, 0.1);
        if (score > best.score) best = {a, b, sim, score};
    }
    return best;
}

EditPlan splice_plan(const TrackTimeline& track, const ClipShape& clip, const SegmentChoice& seg,
                     const SpliceChoice& sp, const FitOptions& o) {
    EditPlan plan;
    plan.kind = FitKind::splice;
    plan.length_s = clip.length_s;
    double rest = clip.length_s - (sp.a_s - seg.start_s);
    plan.pieces.push_back({seg.start_s, sp.a_s, 0.0});
    plan.pieces.push_back({sp.b_s, sp.b_s + rest, 0.0});
    layout(track, plan);
    plan.splices.push_back({sp.a_s - seg.start_s, sp.a_s, sp.b_s, o.crossfade_s, sp.similarity});
    bool from_start = seg.start_s <= track.beats_s.front() + kEps;
    std::string text = (from_start ? "intro " : "segment ") + range(seg.start_s, sp.a_s) + " + ending " +
                       range(sp.b_s, sp.b_s + rest) + ", spliced on beats, " +
                       std::to_string(int(std::lround(o.crossfade_s * 1000))) + " ms crossfade";
    double trim = track.duration_s - (sp.b_s + rest);
    if (trim > 0.05) {
        double period = beat_period_s(track);
        plan.fade_out_end_s = clip.length_s;
        plan.fade_out_start_s = clip.length_s - std::min({period, 1.0, rest / 2});
        text += ", last " + seconds(trim) + " s of the track left out (short fade)";
    } else {
        end_at_track_end(plan, o);
    }
    plan.on_beats = true;
    plan.edit = text;
    return plan;
}

}  // namespace

namespace {

struct LoopChoice {
    double x_s = 0.0, y_s = 0.0;  ///< jump back from y to x
    size_t repeats = 0;           ///< extra passes of [x, y] after the first [start, y]
    double rest_s = 0.0;          ///< the last pass: [x, x + rest]
    double similarity = 0.0, score = -1e9;
};

/// Completes a candidate loop [x, y] for a clip of length_s starting at start_s: the fewest repeats
/// after which the last pass [x, x + rest] fits in the track (so it ends as close to the track's end
/// as the loop allows). Scored by similarity, minus 0.02 per beat of the ending left out and 0.05 per
/// repeat (a long section heard twice is better than a bar heard twenty times).
LoopChoice complete_loop(const TrackTimeline& track, const EnergyCurve& energy, double start_s, double length_s,
                         double x, double y, double period_s, const FitOptions& o) {
    LoopChoice c{x, y};
    double first = y - start_s, loop = y - x, excess = length_s - first - (track.duration_s - x);
    c.repeats = excess > 0 ? size_t(std::ceil(excess / loop - 1e-9)) : 0;
    c.rest_s = length_s - first - double(c.repeats) * loop;
    c.similarity = moment_similarity(track, energy, y, x, o.similarity_window_s);
    c.score = c.similarity - 0.02 * (track.duration_s - (x + c.rest_s)) / period_s - 0.05 * double(c.repeats);
    return c;
}

/// Loops a whole number of bars (4·m beats, up to 64 bars) long, between beats; without reliable
/// beats (or room for 4 of them) the whole track from start_s.
LoopChoice best_loop(const TrackTimeline& track, double start_s, double length_s, bool reliable, const FitOptions& o) {
    EnergyCurve energy(track);
    const double latest_y = track.duration_s - o.crossfade_s;        // room after y for the crossfade's second half
    const double earliest_x = std::max(start_s, o.crossfade_s / 2);  // and before x for its first half
    const double period = reliable ? beat_period_s(track) : 0.5;
    const std::vector<double>& beats = track.beats_s;
    LoopChoice best;
    for (size_t i = reliable ? lower_index(beats, earliest_x - kEps) : beats.size(); i < beats.size(); ++i)
        for (size_t span = 4; span <= 256 && i + span < beats.size() && beats[i + span] <= latest_y; span += 4) {
            if (beats[i + span] - beats[i] < o.crossfade_s) continue;
            LoopChoice c = complete_loop(track, energy, start_s, length_s, beats[i], beats[i + span], period, o);
            if (c.score > best.score) best = c;
        }
    if (best.score > -1e9) return best;
    return complete_loop(track, energy, start_s, length_s, earliest_x, latest_y, period, o);
}

EditPlan loop_plan(const TrackTimeline& track, const ClipShape& clip, const SegmentChoice& seg, bool reliable,
                   const FitOptions& options) {
    // A crossfade at most a third of what follows the start, so that every piece (the first, the loop
    // and the rest, see complete_loop) is at least one crossfade long even in a very short track.
    FitOptions o = options;
    o.crossfade_s = std::min(o.crossfade_s, (track.duration_s - seg.start_s) / 3);
    LoopChoice c = best_loop(track, seg.start_s, clip.length_s, reliable, o);
    EditPlan plan;
    plan.kind = FitKind::loop;
    plan.length_s = clip.length_s;
    plan.pieces.push_back({seg.start_s, c.y_s, 0.0});
    for (size_t k = 0; k < c.repeats; ++k) plan.pieces.push_back({c.x_s, c.y_s, 0.0});
    plan.pieces.push_back({c.x_s, c.x_s + c.rest_s, 0.0});
    layout(track, plan);
    for (size_t k = 0; k + 1 < plan.pieces.size(); ++k)
        plan.splices.push_back({plan.pieces[k + 1].out_start_s, c.y_s, c.x_s, o.crossfade_s, c.similarity});
    std::string text = range(seg.start_s, c.y_s) + ", then ";
    if (c.repeats > 0) text += range(c.x_s, c.y_s) + " " + std::to_string(c.repeats) + "× more, then ";
    text += range(c.x_s, c.x_s + c.rest_s) + " (a loop back from " + seconds(c.y_s) + " to " + seconds(c.x_s) + " s, " +
            (reliable ? "on beats, " : "no reliable beats, ") + std::to_string(int(std::lround(o.crossfade_s * 1000))) +
            " ms crossfades)";
    if (track.duration_s - (c.x_s + c.rest_s) > 0.05)
        text += ", " + end_with_fade(plan, reliable, beat_period_s(track), o);
    else
        end_at_track_end(plan, o), text += ", to the track's own ending";
    plan.on_beats = reliable;
    plan.edit = text;
    return plan;
}

}  // namespace

Result<EditPlan> plan_fit(const TrackTimeline& track, const ClipShape& clip, const SegmentChoice& seg,
                          const FitOptions& o) {
    CF_RETURN_IF_ERROR(validate(o));
    CF_RETURN_IF_ERROR(validate(track));
    CF_RETURN_IF_ERROR(validate(clip));
    bool loop = track.duration_s < clip.length_s - kEps;
    double latest_start = loop ? track.duration_s - 3 * 0.03 : track.duration_s - clip.length_s;
    if (!std::isfinite(seg.start_s) || seg.start_s < 0 || seg.start_s > latest_start + kEps)
        return Status(ErrorCode::invalid_argument, "segment start_s = " + seconds(seg.start_s) +
                                                       " s leaves no room in a track of " + seconds(track.duration_s) +
                                                       " s for a clip of " + seconds(clip.length_s) + " s");
    bool reliable = beats_reliable(track, o);
    EditPlan plan;
    if (loop) {
        plan = loop_plan(track, clip, seg, reliable, o);
    } else {
        plan = segment_fade(track, clip, seg, reliable, o);
        if (reliable && o.prefer_real_ending && !reaches_track_end(track, seg.start_s, clip.length_s, true)) {
            SpliceChoice sp = best_splice(track, EnergyCurve(track), seg.start_s, clip.length_s, o);
            if (sp.similarity >= o.min_splice_similarity) plan = splice_plan(track, clip, seg, sp, o);
        }
    }
    plan.fade_in_s = seg.start_s > kEps ? std::min(o.start_fade_s, clip.length_s / 4) : 0.0;
    return plan;
}

}  // namespace cf
