// cuefinder core — ducking: the rendered music (core/fit/render.h) lowered wherever the clip's own
// sound is worth keeping (core/video/clip_sound.h), so that sound stays in front when both are mixed.
//
//   cf::ClipSound sound = meter.finish();                       // or from the clip's JSON "sound"
//   std::vector<float> music = *cf::render_plan(*plan, pcm);    // interleaved, any channel count
//   CF_RETURN_IF_ERROR(cf::duck_under_clip(music, 2, 44100, sound));
//
// Frame i (output time i / rate_hz, which is clip time: the edit starts with the clip) of every
// channel is multiplied by music_gain_at(sound, i / rate_hz). A clip without audio (or without kept
// stretches) leaves the music as it is.
#pragma once

#include <functional>
#include <span>

#include "core/common/status.h"
#include "core/video/clip_sound.h"

namespace cf {

/// Multiplies frame i of `interleaved` (n_channels per frame) by gain_at(i / rate_hz). Errors: a
/// channel count outside [1, 64], a rate outside [1000, 768000], a length that is not whole frames,
/// a gain that is not a finite number ≥ 0 (named with its time).
Status apply_gain_curve(std::span<float> interleaved, int n_channels, int rate_hz, const std::function<float(double)>& gain_at);

/// apply_gain_curve with music_gain_at(sound, t).
Status duck_under_clip(std::span<float> interleaved, int n_channels, int rate_hz, const ClipSound& sound);

}  // namespace cf
