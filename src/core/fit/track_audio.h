// cuefinder core — a catalog track read for fitting and rendering, in one decoding pass: its beats and
// energy curve (a TrackTimeline, when the catalog has none: tempo and loudness only, no model) and/or
// its audio at its own rate with its stereo image (the render's source).
//
//   cf::TrackAudioOptions o{.timeline = true, .audio = true};
//   cf::Result<cf::TrackAudio> t = cf::read_track_audio("music/airship.ogg", o);
//   cf::Result<cf::SegmentChoice> seg = cf::choose_segment(t->timeline, clip);
//   ...
//   cf::Result<std::vector<float>> out = cf::render_plan_at_rate(*plan, t->pcm_view(), 44100);
//
// The decoder (core/audio/audio_reader.h) gives 16 kHz mono to read() — the tempo tracker's input —
// and the source stream, every channel at the file's rate, to its source tap: the loudness meter's
// input (R128 and the energy curve, as the analysis measures them) and the kept audio. Mono and
// stereo files are kept as they are; more channels are averaged to mono (no downmix matrix here).
#pragma once

#include <string>
#include <vector>

#include "core/common/status.h"
#include "core/fit/fit.h"
#include "core/fit/render.h"

namespace cf {

struct TrackAudioOptions {
    bool timeline = true;  ///< measure tempo + beats and the energy curve
    bool audio = false;    ///< keep the source audio (interleaved, 1 or 2 channels, the file's rate)
    /// Budget for the kept audio (floats × 4 bytes); a longer track is too_large.
    size_t max_audio_bytes = size_t(768) << 20;
};

struct TrackAudio {
    double duration_s = 0.0;      ///< decoded length
    TrackTimeline timeline;       ///< when options.timeline
    std::vector<float> pcm;       ///< when options.audio: interleaved, n_channels per frame
    int n_channels = 0;           ///< 1 or 2 (kept audio)
    int sample_rate_hz = 0;       ///< the file's rate
    int n_source_channels = 0;    ///< the file's own channel count
    PcmView pcm_view() const { return {pcm.data(), n_channels > 0 ? pcm.size() / size_t(n_channels) : 0, n_channels, sample_rate_hz}; }
};

/// Reads `path` once (see the top of this file). Errors name the file (the audio reader's messages).
Result<TrackAudio> read_track_audio(const std::string& path, const TrackAudioOptions& options);

}  // namespace cf
