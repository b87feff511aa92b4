// [SECTION] options  [SECTION] push  [SECTION] fades  [SECTION] cuts  [SECTION] shots and pace  [SECTION] finish
#include "core/video/shot_detector.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

namespace cf {
namespace {

using video_detail::FrameStats;
/// Which per-frame distance a rule reads: the combined one or the colour (histogram) one.
using Signal = float FrameStats::*;

// Motion is measured per 1/30 s so that clips of different frame rates compare.
constexpr double kMotionStep_s = 1.0 / 30.0;
constexpr float kMotionGain = 4.0f;

template <class T>
T median_of(std::vector<T>& v) {
    std::nth_element(v.begin(), v.begin() + std::ptrdiff_t(v.size() / 2), v.end());
    return v[v.size() / 2];
}

std::string format_s(double t) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f", t);
    return buf;
}

Status range_error(const char* name, double value, const char* range) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "ShotDetectorOptions.%s = %g is outside %s", name, value, range);
    return Status(ErrorCode::invalid_argument, buf);
}

}  // namespace

// [SECTION] options

const char* fade_kind_name(FadeKind kind) {
    switch (kind) {
        case FadeKind::out_to_black: return "out";
        case FadeKind::in_from_black: return "in";
        case FadeKind::dissolve: return "dissolve";
    }
    return "?";
}

Status ShotDetectorOptions::validate() const {
    auto in = [](double v, double lo, double hi) { return std::isfinite(v) && v >= lo && v <= hi; };
    if (!in(threshold_window_s, 0.1, 10)) return range_error("threshold_window_s", threshold_window_s, "0.1..10");
    if (!in(min_cut_score, 0.01, 1)) return range_error("min_cut_score", min_cut_score, "0.01..1");
    if (!in(cut_sigma, 0, 100)) return range_error("cut_sigma", cut_sigma, "0..100");
    if (!in(cut_to_median_ratio, 1, 100)) return range_error("cut_to_median_ratio", cut_to_median_ratio, "1..100");
    if (!in(max_flash_frames, 0, 8)) return range_error("max_flash_frames", max_flash_frames, "0..8");
    if (!in(flash_return_ratio, 0, 1)) return range_error("flash_return_ratio", flash_return_ratio, "0..1");
    if (!in(min_shot_s, 0, 10)) return range_error("min_shot_s", min_shot_s, "0..10");
    if (!in(black_luma, 0, 1)) return range_error("black_luma", black_luma, "0..1");
    if (!in(black_max_std, 0, 1)) return range_error("black_max_std", black_max_std, "0..1");
    if (!in(min_fade_frames, 2, 1000)) return range_error("min_fade_frames", min_fade_frames, "2..1000");
    if (!in(min_fade_luma_change, 0, 1)) return range_error("min_fade_luma_change", min_fade_luma_change, "0..1");
    if (!in(max_dissolve_frames, 0, 240)) return range_error("max_dissolve_frames", max_dissolve_frames, "0..240");
    if (!in(min_dissolve_change, 0.001, 1)) return range_error("min_dissolve_change", min_dissolve_change, "0.001..1");
    if (!in(dissolve_max_residual, 0, 1)) return range_error("dissolve_max_residual", dissolve_max_residual, "0..1");
    if (!in(pace_bin_s, 0.1, 60)) return range_error("pace_bin_s", pace_bin_s, "0.1..60");
    return Status::ok();
}

// [SECTION] push

ShotDetector::ShotDetector(ShotDetectorOptions options) : options_(options) {}

Status ShotDetector::push(const VideoFrame& frame) {
    CF_RETURN_IF_ERROR(options_.validate());
    const std::string name = "frame " + std::to_string(stats_.size());
    CF_RETURN_IF_ERROR(check_video_frame(frame, name));
    if (!stats_.empty()) {
        if (frame.width_px != width_px_ || frame.height_px != height_px_)
            return Status(ErrorCode::invalid_argument, name + ": size " + std::to_string(frame.width_px) + "x" +
                                                           std::to_string(frame.height_px) + " differs from the first frame's " +
                                                           std::to_string(width_px_) + "x" + std::to_string(height_px_));
        if (!(frame.time_s > stats_.back().time_s))
            return Status(ErrorCode::invalid_argument, name + ": time " + format_s(frame.time_s) +
                                                           " s is not after the previous frame's " +
                                                           format_s(stats_.back().time_s) + " s");
    }
    width_px_ = frame.width_px;
    height_px_ = frame.height_px;
    video_detail::FrameFeatures f = video_detail::compute_frame_features(frame);
    FrameStats s;
    s.time_s = frame.time_s;
    s.mean_luma = f.mean_luma;
    s.luma_std = f.luma_std;
    s.sharpness = f.sharpness;
    if (!recent_.empty()) {
        s.distance = video_detail::frame_distance(recent_.back(), f);
        s.luma_change = video_detail::luma_difference(recent_.back(), f);
        s.colour_distance = video_detail::histogram_distance(recent_.back(), f);
    }
    // distance_back[k-2]: to the frame k back; 1 (no resemblance) where there is none.
    s.distance_back.assign(size_t(options_.max_flash_frames), 1.0f);
    for (int k = 2; k <= options_.max_flash_frames + 1 && k <= int(recent_.size()); ++k)
        s.distance_back[size_t(k - 2)] = video_detail::frame_distance(recent_[recent_.size() - size_t(k)], f);
    find_dissolve_ending_at(f, s);
    stats_.push_back(std::move(s));
    recent_.push_back(std::move(f));
    while (int(recent_.size()) > std::max(options_.max_flash_frames, options_.max_dissolve_frames) + 1) recent_.pop_front();
    return Status::ok();
}

// Span lengths tried for a dissolve ending at the current frame. Any part of a dissolve is itself a
// dissolve (a linear mix between its ends), so a dissolve of another length is found as the longest
// listed span inside it; a span reaching into the still shots around it fails the mix test.
constexpr int kDissolveSpans[] = {6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 176, 240};

void ShotDetector::find_dissolve_ending_at(const video_detail::FrameFeatures& b, video_detail::FrameStats& s) const {
    const ShotDetectorOptions& o = options_;
    auto black = [&](const video_detail::FrameFeatures& f) { return f.mean_luma < o.black_luma && f.luma_std < o.black_max_std; };
    if (black(b)) return;  // into black is a fade
    for (int span : kDissolveSpans) {
        if (span > o.max_dissolve_frames || span > int(recent_.size())) break;
        const video_detail::FrameFeatures& a = recent_[recent_.size() - size_t(span)];
        const float change = video_detail::luma_difference(a, b);
        if (change < o.min_dissolve_change || black(a)) continue;
        if (video_detail::gain_residual(a, b) < 0.5f * change) continue;  // the same picture, brighter or darker
        float worst = 0;
        for (int quarter = 1; quarter <= 3; ++quarter) {
            const int offset = quarter * span / 4;
            const video_detail::FrameFeatures& mid = recent_[recent_.size() - size_t(span - offset)];
            worst = std::max(worst, video_detail::mix_residual(a, b, mid, float(offset) / float(span)));
        }
        if (worst <= o.dissolve_max_residual * change) {
            s.dissolve_frames = span;
            s.dissolve_residual = worst / change;
        }
    }
}

// [SECTION] fades

namespace {

struct BlackRun {
    int first = 0, last = 0;
    bool faded_into = false, faded_out_of = false;
};

bool is_black(const FrameStats& s, const ShotDetectorOptions& o) {
    return s.mean_luma < o.black_luma && s.luma_std < o.black_max_std;
}

// A fade's luma moves by a roughly constant amount per frame, which is a growing share of what is
// left as it nears black: asking each step for ≥ 0.8 % of the brighter frame's luma accepts linear
// fades up to ~120 frames while a still shot's compression noise (well under that) ends the run.
bool steps_down(const FrameStats& brighter, const FrameStats& darker) {
    return brighter.mean_luma - darker.mean_luma > 0.008f * std::max(brighter.mean_luma, 0.02f);
}

std::vector<BlackRun> black_runs(const std::vector<FrameStats>& st, const ShotDetectorOptions& o) {
    std::vector<BlackRun> runs;
    for (int i = 0; i < int(st.size()); ++i) {
        if (!is_black(st[size_t(i)], o)) continue;
        if (!runs.empty() && runs.back().last == i - 1) runs.back().last = i;
        else runs.push_back({i, i});
    }
    return runs;
}

Fade make_fade(FadeKind kind, const std::vector<FrameStats>& st, int first, int last) {
    return {kind, st[size_t(first)].time_s, st[size_t(last)].time_s, first, last};
}

std::vector<Fade> find_fades(const std::vector<FrameStats>& st, const ShotDetectorOptions& o,
                             std::vector<BlackRun>& runs) {
    std::vector<Fade> fades;
    const int n = int(st.size());
    for (BlackRun& run : runs) {
        int s = run.first;  // out: walk back from the first black frame while luma kept falling
        while (s > 0 && !is_black(st[size_t(s - 1)], o) && steps_down(st[size_t(s - 1)], st[size_t(s)])) --s;
        if (run.first - s + 1 >= o.min_fade_frames &&
            st[size_t(s)].mean_luma - st[size_t(run.first)].mean_luma >= o.min_fade_luma_change) {
            fades.push_back(make_fade(FadeKind::out_to_black, st, s, run.first));
            run.faded_into = true;
        }
        int e = run.last;  // in: walk forward from the last black frame while luma keeps rising
        while (e + 1 < n && !is_black(st[size_t(e + 1)], o) && steps_down(st[size_t(e + 1)], st[size_t(e)])) ++e;
        if (e - run.last + 1 >= o.min_fade_frames &&
            st[size_t(e)].mean_luma - st[size_t(run.last)].mean_luma >= o.min_fade_luma_change) {
            fades.push_back(make_fade(FadeKind::in_from_black, st, run.last, e));
            run.faded_out_of = true;
        }
    }
    return fades;
}

// Median frame-to-frame luma change over frames [first, last] (clipped to the clip); -1 if none.
float median_change(const std::vector<FrameStats>& st, int first, int last) {
    std::vector<float> v;
    for (int i = std::max(1, first); i <= std::min(int(st.size()) - 1, last); ++i) v.push_back(st[size_t(i)].luma_change);
    return v.empty() ? -1.0f : median_of(v);
}

// A dissolve changes the picture faster than the shots on either side of it: clearly faster (3×)
// than the calmer side, and still faster (1.5×) than the busier one, which may be a moving shot.
// Smooth motion that happens to look like a mix (a drifting gradient) changes about as fast before
// and after the span.
bool stands_out(const std::vector<FrameStats>& st, int first, int last) {
    const int margin = std::max(2, (last - first) / 4);
    const float inside = median_change(st, first + 1, last);
    const float before = std::max(0.0f, median_change(st, first - margin + 1, first));
    const float after = std::max(0.0f, median_change(st, last + 1, last + margin));
    return inside > 3.0f * std::min(before, after) && inside > 1.5f * std::max(before, after);
}

// Still frames at the ends of a span (the shots around a dissolve) are not part of it.
Fade trimmed_dissolve(const std::vector<FrameStats>& st, int first, int last) {
    const float rate = median_change(st, first + 1, last);
    while (last - first > 2 && st[size_t(first + 1)].luma_change < 0.3f * rate) ++first;
    while (last - first > 2 && st[size_t(last)].luma_change < 0.3f * rate) --last;
    return make_fade(FadeKind::dissolve, st, first, last);
}

// Of overlapping dissolve spans that stand out, the longest (then the cleanest) is the dissolve.
std::vector<Fade> find_dissolves(const std::vector<FrameStats>& st) {
    struct Span {
        int first, last;
        float residual;
    };
    std::vector<Span> spans;
    for (int i = 0; i < int(st.size()); ++i) {
        const int first = i - st[size_t(i)].dissolve_frames;
        if (st[size_t(i)].dissolve_frames > 0 && stands_out(st, first, i)) spans.push_back({first, i, st[size_t(i)].dissolve_residual});
    }
    std::sort(spans.begin(), spans.end(), [](const Span& x, const Span& y) {
        return x.last - x.first != y.last - y.first ? x.last - x.first > y.last - y.first : x.residual < y.residual;
    });
    std::vector<Span> chosen;
    for (const Span& sp : spans) {
        bool overlaps = false;
        for (const Span& c : chosen) overlaps |= sp.first <= c.last && c.first <= sp.last;
        if (!overlaps) chosen.push_back(sp);
    }
    std::vector<Fade> out;
    for (const Span& c : chosen) out.push_back(trimmed_dissolve(st, c.first, c.last));
    return out;
}

// [SECTION] cuts

struct SideStats {
    float median = 0;
    float bar = -1;  ///< median + cut_sigma robust standard deviations; -1 for an empty side
};

// The distances in [first, last]: their median, and the median + cut_sigma robust standard
// deviations (1.4826 × the median absolute deviation). A median ignores the odd other cut in the
// window, and steady fast motion (high, even distances) lifts the bar for all its frames.
SideStats side_stats(const std::vector<FrameStats>& st, Signal signal, int first, int last, float sigma) {
    std::vector<float> around;
    for (int j = std::max(1, first); j <= std::min(int(st.size()) - 1, last); ++j) around.push_back(st[size_t(j)].*signal);
    if (around.empty()) return {};
    SideStats out;
    out.median = median_of(around);
    for (float& v : around) v = std::abs(v - out.median);
    out.bar = out.median + sigma * 1.4826f * median_of(around);
    return out;
}

// The bar a cut at i must clear, from the frames before it and after it (each side is one shot if i
// is a cut): the lower of the two sides' robust bars, so that a fast shot next to a still one does
// not hide the cut between them (one window spanning both would have a huge deviation); and
// cut_to_median_ratio times the higher of the two medians, so that a jolt inside a fast shot next to
// a still one is not taken for a cut.
float adaptive_threshold(const std::vector<FrameStats>& st, Signal signal, int i, int half_window,
                         const ShotDetectorOptions& o) {
    const SideStats before = side_stats(st, signal, i - half_window, i - 1, o.cut_sigma);
    const SideStats after = side_stats(st, signal, i + 1, i + half_window, o.cut_sigma);
    const float bar = before.bar < 0 ? after.bar : after.bar < 0 ? before.bar : std::min(before.bar, after.bar);
    const float ratio_bar = o.cut_to_median_ratio * std::max(before.median, after.median);
    return std::max({o.min_cut_score, bar, ratio_bar});
}

bool is_local_peak(const std::vector<FrameStats>& st, Signal signal, int i) {
    for (int j = std::max(1, i - 2); j <= std::min(int(st.size()) - 1, i + 2); ++j) {
        if (j < i && st[size_t(j)].*signal >= st[size_t(i)].*signal) return false;
        if (j > i && st[size_t(j)].*signal > st[size_t(i)].*signal) return false;
    }
    return true;
}

// A cut by one signal: large enough, the peak of its neighbourhood, above the adaptive bar.
bool stands_as_cut(const std::vector<FrameStats>& st, Signal signal, int i, int half_window, const ShotDetectorOptions& o) {
    const float score = st[size_t(i)].*signal;
    return score >= o.min_cut_score && is_local_peak(st, signal, i) && score >= adaptive_threshold(st, signal, i, half_window, o);
}

// A flash (or a few odd frames) jumps away and comes back: frame i-1 resembles a frame shortly after
// i (i starts the flash), or frame i resembles one shortly before i-1 (i ends it).
bool is_flash(const std::vector<FrameStats>& st, int i, const ShotDetectorOptions& o) {
    const float bar = o.flash_return_ratio * st[size_t(i)].distance;
    for (int k = 1; k <= o.max_flash_frames; ++k) {
        if (i + k < int(st.size()) && st[size_t(i + k)].distance_back[size_t(k - 1)] < bar) return true;
        if (st[size_t(i)].distance_back[size_t(k - 1)] < bar) return true;
    }
    return false;
}

bool inside_fade(const std::vector<Fade>& fades, int i) {
    for (const Fade& f : fades)
        if (i >= f.first_frame_idx && i <= f.last_frame_idx + 1) return true;
    return false;
}

std::vector<Cut> find_cuts(const std::vector<FrameStats>& st, const std::vector<Fade>& fades, double frame_step_s,
                           const ShotDetectorOptions& o) {
    const int half_window = std::max(2, int(std::lround(o.threshold_window_s / frame_step_s)));
    std::vector<Cut> cuts;
    for (int i = 1; i < int(st.size()); ++i) {
        // The combined distance sees cuts between shots of like colours; the colour distance alone
        // sees cuts between shots shaken or moving so fast that their luma differences hide the cut.
        const bool is_cut = stands_as_cut(st, &FrameStats::distance, i, half_window, o) ||
                         stands_as_cut(st, &FrameStats::colour_distance, i, half_window, o);
        if (!is_cut || inside_fade(fades, i) || is_flash(st, i, o)) continue;
        const float score = st[size_t(i)].distance;
        const Cut cut{st[size_t(i)].time_s, i, score};
        if (!cuts.empty() && cut.time_s - cuts.back().time_s < o.min_shot_s) {
            if (cut.score > cuts.back().score) cuts.back() = cut;
        } else {
            cuts.push_back(cut);
        }
    }
    return cuts;
}

}  // namespace

// [SECTION] shots and pace

namespace {

float frame_motion(const std::vector<FrameStats>& st, int i) {
    if (i == 0) return 0;
    const double dt = st[size_t(i)].time_s - st[size_t(i - 1)].time_s;
    return float(std::min(1.0, kMotionGain * double(st[size_t(i)].luma_change) * kMotionStep_s / dt));
}

double typical_frame_step_s(const std::vector<FrameStats>& st) {
    if (st.size() < 2) return kMotionStep_s;
    std::vector<double> steps;
    for (size_t i = 1; i < st.size(); ++i) steps.push_back(st[i].time_s - st[i - 1].time_s);
    return median_of(steps);
}

// Shot starts: every cut, the middle of every dissolve, and the middle of each black stretch inside
// the clip a fade leads into or out of (a fade through black ends one shot and starts the next).
std::vector<int> shot_starts(const std::vector<Cut>& cuts, const std::vector<Fade>& fades,
                             const std::vector<BlackRun>& runs, int n_frames) {
    std::vector<int> starts{0};
    for (const Cut& c : cuts) starts.push_back(c.frame_idx);
    for (const Fade& f : fades)
        if (f.kind == FadeKind::dissolve) starts.push_back((f.first_frame_idx + f.last_frame_idx + 1) / 2);
    for (const BlackRun& r : runs)
        if ((r.faded_into || r.faded_out_of) && r.first > 0 && r.last < n_frames - 1)
            starts.push_back((r.first + r.last + 1) / 2);
    std::sort(starts.begin(), starts.end());
    starts.erase(std::unique(starts.begin(), starts.end()), starts.end());
    return starts;
}

float keyframe_score_of(const std::vector<FrameStats>& st, int i) {
    return st[size_t(i)].sharpness * (1.0f - 0.5f * frame_motion(st, i));
}

// The keyframe: in the shot's middle 60 %, the sharpest frame, discounted by its motion (blur).
int pick_keyframe(const std::vector<FrameStats>& st, const Shot& shot) {
    const FrameSpan span = keyframe_search_span(shot);
    int best = span.first;
    float best_score = -1;
    for (int i = span.first; i <= span.last; ++i) {
        const float score = keyframe_score_of(st, i);
        if (score > best_score) best_score = score, best = i;
    }
    return best;
}

std::vector<Shot> build_shots(const std::vector<FrameStats>& st, const std::vector<int>& starts, double duration_s) {
    std::vector<Shot> shots;
    for (size_t k = 0; k < starts.size(); ++k) {
        Shot shot;
        shot.first_frame_idx = starts[k];
        const int end = k + 1 < starts.size() ? starts[k + 1] : int(st.size());
        shot.n_frames = end - shot.first_frame_idx;
        shot.start_s = k == 0 ? 0.0 : st[size_t(shot.first_frame_idx)].time_s;
        shot.end_s = k + 1 < starts.size() ? st[size_t(end)].time_s : duration_s;
        double motion = 0;
        for (int i = shot.first_frame_idx + 1; i < end; ++i) motion += frame_motion(st, i);
        shot.motion = shot.n_frames > 1 ? float(motion / (shot.n_frames - 1)) : 0.0f;
        shot.keyframe_idx = pick_keyframe(st, shot);
        shot.keyframe_s = st[size_t(shot.keyframe_idx)].time_s;
        shots.push_back(shot);
    }
    return shots;
}

// Cut rate near a time: cuts within ±2 s, per minute, over 60 (one cut a second is full pace).
float local_cut_rate(const std::vector<Cut>& cuts, double centre_s) {
    int n = 0;
    for (const Cut& c : cuts) n += std::abs(c.time_s - centre_s) <= 2.0;
    return std::min(1.0f, float(n) * 15.0f / 60.0f);
}

Pace build_pace(const std::vector<FrameStats>& st, const std::vector<Cut>& cuts, double duration_s, double bin_s) {
    Pace pace;
    pace.cuts_per_min = duration_s > 0 ? double(cuts.size()) * 60.0 / duration_s : 0.0;
    const size_t n_bins = std::max<size_t>(1, size_t(std::ceil(duration_s / bin_s - 1e-9)));
    std::vector<double> motion_sum(n_bins, 0.0);
    std::vector<int> n_motion(n_bins, 0);
    double total = 0;
    for (int i = 1; i < int(st.size()); ++i) {
        const size_t bin = std::min(n_bins - 1, size_t(st[size_t(i)].time_s / bin_s));
        motion_sum[bin] += frame_motion(st, i);
        n_motion[bin] += 1;
        total += frame_motion(st, i);
    }
    pace.motion = st.size() > 1 ? float(total / double(st.size() - 1)) : 0.0f;
    for (size_t b = 0; b < n_bins; ++b) {
        PacePoint p;
        p.start_s = double(b) * bin_s;
        p.motion = n_motion[b] ? float(motion_sum[b] / n_motion[b]) : 0.0f;
        for (const Cut& c : cuts) p.n_cuts += c.time_s >= p.start_s && c.time_s < p.start_s + bin_s;
        p.pace = 0.5f * p.motion + 0.5f * local_cut_rate(cuts, p.start_s + 0.5 * bin_s);
        pace.curve.push_back(p);
    }
    return pace;
}

}  // namespace

// [SECTION] finish

FrameSpan keyframe_search_span(const Shot& shot) {
    const int first = shot.first_frame_idx, n = shot.n_frames;
    const int lo = first + n / 5;
    const int hi = std::max(lo, first + (n * 4 + 4) / 5 - 1);
    return {lo, std::min(hi, first + n - 1)};
}

float ShotDetector::keyframe_score(int frame_idx) const {
    if (frame_idx < 0 || frame_idx >= int(stats_.size())) return 0;
    return keyframe_score_of(stats_, frame_idx);
}

Result<ShotAnalysis> ShotDetector::finish(double clip_duration_s) const {
    CF_RETURN_IF_ERROR(options_.validate());
    if (stats_.empty()) return Status(ErrorCode::empty, "no video frames");
    const double step_s = typical_frame_step_s(stats_);
    const double last_s = stats_.back().time_s;
    if (!std::isfinite(clip_duration_s))
        return Status(ErrorCode::invalid_argument, "clip duration is not a finite number");
    if (clip_duration_s > 0 && clip_duration_s < last_s)
        return Status(ErrorCode::invalid_argument, "clip duration " + format_s(clip_duration_s) +
                                                       " s ends before the last frame at " + format_s(last_s) + " s");
    ShotAnalysis out;
    out.n_frames = int(stats_.size());
    out.duration_s = clip_duration_s > 0 ? clip_duration_s : last_s + step_s;
    std::vector<BlackRun> runs = black_runs(stats_, options_);
    out.fades = find_fades(stats_, options_, runs);
    for (const Fade& d : find_dissolves(stats_)) out.fades.push_back(d);
    std::sort(out.fades.begin(), out.fades.end(),
              [](const Fade& x, const Fade& y) { return x.first_frame_idx < y.first_frame_idx; });
    out.cuts = find_cuts(stats_, out.fades, step_s, options_);
    out.shots = build_shots(stats_, shot_starts(out.cuts, out.fades, runs, out.n_frames), out.duration_s);
    out.pace = build_pace(stats_, out.cuts, out.duration_s, options_.pace_bin_s);
    return out;
}

}  // namespace cf
