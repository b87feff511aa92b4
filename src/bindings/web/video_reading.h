// The clip readings of video_api.cpp (cf_video_*: the page's decoded frames and sound → cf::ClipReader),
// for other bindings that use a clip the page has read (app_main.cpp: its shots, keyframes and sound
// for suggestions), by the handle cf_video_begin returned.
//
//   auto clip = cf::bindings::video_partial(h);   // the whole clip after cf_video_end, else the clip so far
//   if (!clip) show((clip.status().message()));  // "clip.mp4: ..." or "video: no reading with handle 7"
//   use((*clip)->shots, (*clip)->keyframes, (*clip)->sound);
//   const cf::ClipAnalysis* last = cf::bindings::video_analysis(h);   // the last one made, or nullptr
//   const cf::ClipSound* sound = cf::bindings::video_sound(h);        // the sound alone (no frame needed)
//
// The pointers stay valid until the next video_partial / cf_video_partial / cf_video_end / cf_video_free
// on the same handle. One thread (the page's), like every binding.
#pragma once

#include <string>

#include "core/common/status.h"
#include "core/video/clip_reader.h"

namespace cf::bindings {

/// The clip's name as given to cf_video_begin, or nullptr for an unknown handle.
const std::string* video_name(int h);

/// The last analysis made of reading h: the finished one after cf_video_end, else the last partial
/// one; nullptr for an unknown handle or when none was made yet.
const ClipAnalysis* video_analysis(int h);

/// The clip's sound as measured so far (ClipReader::sound(), every cf_video_audio), with or without
/// frames: a clip whose picture cannot be decoded here (HEVC) still has it. nullptr for an unknown
/// handle. Valid until the next video_sound(h) or cf_video_free(h).
const ClipSound* video_sound(int h);

/// After cf_video_end: the finished analysis. Before: a new partial one of the frames so far (kept as
/// video_analysis(h)). An error for an unknown handle or fewer than 2 frames so far.
Result<const ClipAnalysis*> video_partial(int h);

}  // namespace cf::bindings
