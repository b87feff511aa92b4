// cuefinder core — reading a clip's picture: hard cuts, fades, shots, motion and pace, frames in.
//
//   cf::ShotDetector detector;                          // options: ShotDetectorOptions
//   for (const cf::VideoFrame& frame : frames)          // from a cf::VideoSource (video_source.h) or the page
//       if (cf::Status s = detector.push(frame); !s) return s;   // "frame 12: time 0.40 s is not after 0.44 s"
//   cf::Result<cf::ShotAnalysis> r = detector.finish(clip_duration_s);
//   for (const cf::Cut& cut : r->cuts) printf("cut at %.2f s\n", cut.time_s);
//
// Streaming: push() keeps a few numbers per frame (~100 bytes: an hour at 60 fps is ~22 MB) and the
// features of the last max_dissolve_frames frames (~2.6 KB each), never the pixels, whatever the
// frame size. finish() decides.
//
// How it reads (the .cpp explains the choices):
//  - hard cut at frame i: the distance between frames i-1 and i (colour histogram + luma difference,
//    detail/frame_features.h; or the colour distance alone, which shaking and fast motion move
//    less) is at least min_cut_score; stands cut_sigma robust standard deviations
//    above the median of the distances within threshold_window_s before it or after it (an adaptive
//    threshold: steady fast motion raises it; the lower side's bar counts, so a cut between a fast
//    and a still shot is seen) and cut_to_median_ratio times the median distance on either side;
//    is the largest within ±2 frames; and is no flash: if frame i-1 looks
//    like one of frames i+1..i+max_flash_frames (a flash starts at i), or frame i like one of the
//    max_flash_frames frames before i-1 (a flash ends at i), it is not a cut.
//  - fade: a run of at least min_fade_frames frames whose mean luma falls steadily into black
//    (out_to_black) or rises steadily out of it (in_from_black).
//  - dissolve: frames a, b up to max_dissolve_frames apart that differ (luma by ≥
//    min_dissolve_change, and b is no brighter or darker copy of a), with the frames between them at
//    a quarter, half and three quarters of the way matching the linear mixes of a and b (residual
//    under dissolve_max_residual of the a–b difference); the longest such span in a group of
//    overlapping ones is the dissolve. Cuts are not reported inside fades or dissolves.
//  - shots: split at every cut, in the middle of every dissolve, and in the middle of every black
//    stretch a fade leads into or out of.
//  - motion: the mean absolute luma change between neighbouring frames, per 1/30 s, as a share of
//    full scale, times 4, clipped to 0..1 (1 = a quarter of the picture's range changes every
//    1/30 s: very fast motion). Per shot: the mean over its frames.
//  - keyframe of a shot: in its middle 60 %, the frame that is sharpest and stillest (the one to
//    classify later).
//  - pace curve: per pace_bin_s, 0..1 = half the motion + half the local cut rate (cuts within ±2 s,
//    per minute, over 60).
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <vector>

#include "core/common/status.h"
#include "core/video/detail/frame_features.h"
#include "core/video/video_frame.h"

namespace cf {

struct ShotDetectorOptions {
    double threshold_window_s = 1.0;  ///< half-width of the adaptive threshold's window (0.1..10)
    float min_cut_score = 0.25f;      ///< a cut's frame distance (0..1) is at least this (0.01..1)
    float cut_sigma = 6.0f;           ///< robust standard deviations above the window's median (0..100)
    float cut_to_median_ratio = 2.0f; ///< ... and this many times the median distance on both sides (1..100)
    int max_flash_frames = 3;         ///< a change undone within this many frames is a flash (0..8)
    float flash_return_ratio = 0.5f;  ///< "undone": distance back below this share of the jump (0..1)
    double min_shot_s = 0.2;          ///< two cuts closer than this: only the stronger counts (0..10)
    float black_luma = 0.08f;         ///< a frame is black below this mean luma (0..1) ...
    float black_max_std = 0.06f;      ///< ... and this luma standard deviation (0..1)
    int min_fade_frames = 4;          ///< frames in a fade, its black end included (2..1000)
    float min_fade_luma_change = 0.1f;  ///< mean luma a fade spans (0..1)
    int max_dissolve_frames = 48;     ///< longest dissolve looked for, in frames; 0: none (0..240)
    float min_dissolve_change = 0.06f;  ///< mean absolute luma difference a dissolve spans (0..1)
    float dissolve_max_residual = 0.15f;  ///< frames off the linear mix by at most this share (0..1)
    double pace_bin_s = 1.0;          ///< pace curve resolution (0.1..60)

    /// Ok, or invalid_argument naming the first value out of its range.
    Status validate() const;
};

struct Cut {
    double time_s = 0;   ///< time of the first frame of the new shot
    int frame_idx = 0;   ///< index of that frame (0-based, in push order)
    float score = 0;     ///< its frame distance, 0..1
};

enum class FadeKind { out_to_black, in_from_black, dissolve };
const char* fade_kind_name(FadeKind kind);  ///< "out" / "in" / "dissolve"

struct Fade {
    FadeKind kind = FadeKind::out_to_black;
    double start_s = 0;       ///< time of its first frame (out: the last bright one; in: the last black one;
                              ///< dissolve: the last frame of the old shot, to the nearest span looked for)
    double end_s = 0;         ///< time of its last frame (out: the first black one; in: the first bright one;
                              ///< dissolve: the first frame of the new shot, likewise)
    int first_frame_idx = 0;
    int last_frame_idx = 0;
};

struct Shot {
    double start_s = 0;       ///< time of its first frame
    double end_s = 0;         ///< start of the next shot, or the clip's end
    int first_frame_idx = 0;
    int n_frames = 0;
    float motion = 0;         ///< 0..1, see the header comment
    int keyframe_idx = 0;     ///< the frame to classify (an index into the pushed frames)
    double keyframe_s = 0;    ///< its time
};

struct PacePoint {
    double start_s = 0;       ///< the bin's start
    float motion = 0;         ///< mean motion of the frames in the bin, 0..1
    int n_cuts = 0;           ///< cuts in the bin
    float pace = 0;           ///< 0..1: half motion, half local cut rate
};

struct Pace {
    double cuts_per_min = 0;  ///< cuts over the whole clip, per minute
    float motion = 0;         ///< mean motion of all frames, 0..1
    std::vector<PacePoint> curve;  ///< one point per pace_bin_s
};

struct ShotAnalysis {
    int n_frames = 0;
    double duration_s = 0;
    std::vector<Cut> cuts;
    std::vector<Fade> fades;
    std::vector<Shot> shots;  ///< cover the clip, in order
    Pace pace;
};

namespace video_detail {
/// What push() keeps of each frame.
struct FrameStats {
    double time_s = 0;
    float mean_luma = 0, luma_std = 0, sharpness = 0;
    float distance = 0;     ///< frame_distance to the previous frame (0 for the first)
    float luma_change = 0;  ///< luma_difference to the previous frame (0 for the first)
    float colour_distance = 0;  ///< histogram_distance to the previous frame (0 for the first)
    /// distance_back[k-2] = frame_distance(frame - k, this frame), k = 2..max_flash_frames+1
    std::vector<float> distance_back;
    int dissolve_frames = 0;   ///< the longest dissolve ending at this frame, in frames (0: none)
    float dissolve_residual = 0;  ///< its residual share
};
}  // namespace video_detail

/// The frames a shot's keyframe is picked from, its middle 60 %: {first, last} frame index, inclusive.
struct FrameSpan {
    int first = 0, last = 0;
};
FrameSpan keyframe_search_span(const Shot& shot);

class ShotDetector {
public:
    /// Options are checked by push() and finish() (a bad option is reported there, never a crash).
    explicit ShotDetector(ShotDetectorOptions options = {});

    /// Adds the next frame. invalid_argument, naming the frame's index, for a frame failing
    /// check_video_frame, a size differing from the first frame's, or a time not after the last one.
    /// After an error the detector is unchanged and later frames may still be pushed.
    Status push(const VideoFrame& frame);

    /// Decides cuts, fades, shots and pace from every frame pushed. `clip_duration_s` is where the
    /// last shot ends (≤ 0: the last frame's time plus the typical frame step). empty if no frame
    /// was pushed; invalid_argument for bad options or a duration before the last frame.
    /// It changes nothing: called while frames are still coming it gives a reading of the clip so
    /// far (for first suggestions before the whole clip is read; the last ~threshold_window_s may
    /// still change as later frames arrive), and push() goes on.
    Result<ShotAnalysis> finish(double clip_duration_s = 0) const;

    int n_frames() const { return int(stats_.size()); }
    /// How good pushed frame `frame_idx` is as a keyframe: its sharpness, discounted by its motion
    /// (blur); finish() picks each shot's keyframe by it. 0 for an index not pushed.
    float keyframe_score(int frame_idx) const;

private:
    void find_dissolve_ending_at(const video_detail::FrameFeatures& b, video_detail::FrameStats& s) const;

    ShotDetectorOptions options_;
    std::vector<video_detail::FrameStats> stats_;
    std::deque<video_detail::FrameFeatures> recent_;  ///< the last max(max_flash_frames, max_dissolve_frames) + 1 frames
    int width_px_ = 0, height_px_ = 0;                ///< the first frame's size
};

}  // namespace cf
