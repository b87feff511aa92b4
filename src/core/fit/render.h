// cuefinder core — render an EditPlan (core/fit/fit.h) from decoded audio: exactly
// llround(plan.length_s × sample_rate_hz) frames, pieces joined by equal-power crossfades
// (cos/sin gains whose squares sum to 1 at every sample, so the loudness does not dip and the
// waveform has no step), the fade-in and the fade-out as raised cosines (no corner at either end).
//
//   cf::PcmView pcm{samples.data(), n_frames, /*n_channels=*/2, /*sample_rate_hz=*/48000};
//   cf::Result<std::vector<float>> out = cf::render_plan(*plan, pcm);     // interleaved, same channels
//   cf::Result<std::vector<uint8_t>> wav = cf::encode_wav(*out, 2, 48000); // core/audio/wav_writer.h
//   auto at44 = cf::render_plan_at_rate(*plan, pcm, 44100);                  // rendered, then resampled
//
// Source samples outside the decoded audio (a crossfade's half before the track's start, a track a
// little shorter than its catalog duration) read as silence.
#pragma once

#include <cstddef>
#include <vector>

#include "core/common/status.h"
#include "core/fit/fit.h"

namespace cf {

/// Decoded audio, interleaved float (full scale ±1), any rate and channel count.
struct PcmView {
    const float* interleaved = nullptr;
    size_t n_frames = 0;
    int n_channels = 0;      ///< in [1, 64]
    int sample_rate_hz = 0;  ///< in [1000, 768000]
};

/// The number of frames render_plan() makes: llround(length_s × sample_rate_hz).
size_t rendered_frames(double length_s, int sample_rate_hz);

/// render_plan at the source's rate, then resampled to output_rate_hz (libsamplerate's medium sinc,
/// every channel): exactly rendered_frames(plan.length_s, output_rate_hz) frames, source.n_channels
/// channels (the resampler's last frame repeated or cut to make the count exact). The same as
/// render_plan when the rates are equal.
Result<std::vector<float>> render_plan_at_rate(const EditPlan& plan, const PcmView& source, int output_rate_hz);

/// Renders `plan` from `source` (interleaved, source.n_channels channels). Bad input is a Status naming
/// it: no audio, NaN or infinite samples in the parts the plan reads (named by frame), a bad rate or
/// channel count, a plan of no length, without pieces, or with a time that is not a finite number.
Result<std::vector<float>> render_plan(const EditPlan& plan, const PcmView& source);

}  // namespace cf
