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
//   // Only what a plan plays (a 30 s edit of a 5-minute track decodes ~30 s, not 5 minutes):
//   cf::TrackAudioOptions w{.timeline = false, .audio = true, .audio_windows = cf::plan_source_windows(*plan)};
//
// The decoder (core/audio/audio_reader.h) gives 16 kHz mono to read() — the tempo tracker's input —
// and the source stream, every channel at the file's rate, to its source tap: the loudness meter's
// input (R128 and the energy curve, as the analysis measures them) and the kept audio. Mono and
// stereo files are kept as they are; more channels are averaged to mono (no downmix matrix here).
// With audio_windows (audio only) the reader seeks to each window and the rest of the buffer stays
// silent: the buffer still spans the whole track (render_plan reads by source time), but only the
// windows are decoded. A file whose length is unknown or estimated (an MP3 without an Info frame) is
// decoded whole instead.
#pragma once

#include <string>
#include <vector>

#include "core/audio/audio_reader.h"
#include "core/common/status.h"
#include "core/fit/fit.h"
#include "core/fit/render.h"
#include "core/io/byte_source.h"

namespace cf {

struct TrackAudioOptions {
    bool timeline = true;  ///< measure tempo + beats and the energy curve
    bool audio = false;    ///< keep the source audio (interleaved, 1 or 2 channels, the file's rate)
    /// Budget for the kept audio (floats × 4 bytes); a longer track is too_large.
    size_t max_audio_bytes = size_t(768) << 20;
    /// With audio and without timeline: decode only these source windows (see the top of this file).
    std::vector<TimeWindow> audio_windows;
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
/// The same from any byte source (the page's fetched bytes: make_owned_memory_source).
Result<TrackAudio> read_track_audio(std::unique_ptr<ByteSource> source, const TrackAudioOptions& options);

/// The source windows `plan` reads: each piece's source range (only as far as it plays), widened by
/// the longest crossfade and `margin_s` on both sides.
std::vector<TimeWindow> plan_source_windows(const EditPlan& plan, double margin_s = 0.05);

}  // namespace cf
