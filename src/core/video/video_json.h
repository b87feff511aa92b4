// cuefinder core — a clip's reading as JSON members (for the CLI now, the page later).
//
//   cf::JsonWriter w;
//   w.begin_object().key("file").value(path);
//   cf::write_video_info_json(w, source.info());       // duration_s, width, height, rotation, fps, has_audio, video_codec
//   cf::write_shot_analysis_json(w, analysis);          // n_frames, cuts_s, fades, shots, pace
//   w.end_object();
#pragma once

#include "core/common/json.h"
#include "core/video/shot_detector.h"
#include "core/video/video_source.h"

namespace cf {

/// Members duration_s, width, height (display, after rotation), rotation, fps, has_audio, video_codec.
void write_video_info_json(JsonWriter& w, const VideoInfo& info);

/// Members n_frames, cuts_s [s...], fades [{kind "out"|"in"|"dissolve", start_s, end_s}], shots [{start_s, end_s,
/// motion, keyframe_s}], pace {cuts_per_min, motion, curve [{start_s, motion, n_cuts, pace}]}.
/// Times with 3 decimals, scores with 3.
void write_shot_analysis_json(JsonWriter& w, const ShotAnalysis& analysis);

}  // namespace cf
