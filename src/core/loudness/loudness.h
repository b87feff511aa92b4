// cuefinder core — EBU R128 loudness (libebur128) and a cheap energy curve, streaming.
//
//   cf::DecodeOptions opts;
//   std::unique_ptr<cf::LoudnessMeter> meter;              // made once the source format is known
//   auto reader = cf::AudioReader::open_file("song.flac", opts);
//   meter = std::make_unique<cf::LoudnessMeter>((*reader)->info().source_rate_hz,
//                                               (*reader)->info().n_source_channels,
//                                               cf::loudness_options_for((*reader)->info()));
//   // ...or pass a DecodeOptions::source_tap that calls meter->push_interleaved(x, n_frames) while
//   // the 16 kHz mono read() feeds the tempo tracker and the models.
//   cf::LoudnessResult r = meter->finish();   // r.integrated_lufs, r.short_term_lufs, ...
//
// R128 must be measured on the source stream (its own rate and channels): the mean-of-channels
// 16 kHz mono that AudioReader::read() returns differs from it by up to ~3 dB (uncorrelated stereo
// channels lose 3 dB in the mean; K-weighting also depends on the rate), so feed the source tap.
//
// ref: EBU R 128 (2020) / ITU-R BS.1770-4: K-weighting, 400 ms gating blocks with 75 % overlap,
//      absolute gate −70 LUFS, relative gate −10 LU (integrated); loudness range from 3 s short-term
//      blocks, gates −70 LUFS and −20 LU, 10th to 95th percentile (EBU Tech 3342). All of that is
//      computed by libebur128 (MIT, Debian libebur128-dev), in its bounded-memory histogram mode
//      (0.1 dB bins: results quantised to < 0.05 LU).
//
// Windowed analysis: start_segment(t) before each non-contiguous segment. Each segment gets its own
// libebur128 state (no gating block or short-term window spans two segments); integrated loudness
// and loudness range pool the gating blocks of all segments.
//
// Silence: nothing above the −70 LUFS absolute gate makes R128 values −inf. Since JSON cannot carry
// −inf, every LUFS value is clamped to kLoudnessFloorLufs (−70, the gate itself) and every dBFS value
// to kLevelFloorDbfs (−120); LoudnessResult::has_loudness says whether any block passed the gate.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "core/common/status.h"

namespace cf {

struct AudioInfo;

constexpr double kLoudnessFloorLufs = -70.0;  ///< LUFS values below this (and −inf) are reported as this
constexpr double kLevelFloorDbfs = -120.0;    ///< dBFS values below this (and −inf) are reported as this

/// What a channel contributes to R128 loudness (BS.1770 channel weights).
enum class LoudnessChannel {
    front,     ///< weight 1.0 (L, R, C and mono)
    surround,  ///< weight 1.41 (+1.5 dB: Ls, Rs)
    unused,    ///< left out (LFE)
};

struct LoudnessOptions {
    double curve_hop_s = 0.5;  ///< spacing of the short-term loudness and energy curves, in [0.05, 10] s
    /// One role per channel; empty = default_channel_roles(n_channels, /*vorbis_order=*/false).
    std::vector<LoudnessChannel> channel_roles;
};

/// Validates options against a channel count; the message names the bad field and value.
Status validate(const LoudnessOptions& options, int n_channels);

/// BS.1770 roles for the usual layouts: 5.1 is L R C LFE Ls Rs (WAV, FLAC, MP3: SMPTE order) or
/// L C R Ls Rs LFE (Ogg Vorbis and Opus: Vorbis order); 5 channels likewise without the LFE. Any other
/// count: every channel `front`.
std::vector<LoudnessChannel> default_channel_roles(int n_channels, bool vorbis_order);

/// Options whose channel roles follow the codec's channel order (see default_channel_roles).
LoudnessOptions loudness_options_for(const AudioInfo& info);

struct LoudnessResult {
    bool has_loudness = false;          ///< false: silent (no 400 ms block above −70 LUFS)
    double integrated_lufs = kLoudnessFloorLufs;  ///< gated integrated loudness (EBU R128), LUFS
    double loudness_range_lu = 0.0;     ///< EBU Tech 3342 loudness range, LU (0 when too short/silent)
    double sample_peak_dbfs = kLevelFloorDbfs;  ///< max |sample| over all channels, dBFS (1.0 = 0 dBFS)
    double duration_s = 0.0;            ///< audio measured (sum over segments)
    double curve_hop_s = 0.5;           ///< spacing of the curve points within a segment
    /// Per curve point: end time of its hop block in track time (segment start + k·hop, the last one
    /// of a segment possibly earlier when the segment ends mid-block).
    std::vector<double> curve_times_s;
    /// Short-term loudness over the 3 s ending at curve_times_s[i] (or since the segment start when
    /// that is less than 3 s), LUFS, floored at −70.
    std::vector<float> short_term_lufs;
    /// RMS over all channels of the hop block ending at curve_times_s[i], dBFS (a full-scale square
    /// wave is 0 dBFS, a full-scale sine −3.01 dBFS), floored at −120.
    std::vector<float> energy_dbfs;
};

class LoudnessMeter {
public:
    /// sample_rate_hz in [8000, 768000] and n_channels in [1, 64] (a tier-1 assert: take them from
    /// AudioInfo); invalid options are a tier-1 assert too — call validate() first for user input.
    LoudnessMeter(int sample_rate_hz, int n_channels, const LoudnessOptions& options = {});
    ~LoudnessMeter();
    LoudnessMeter(const LoudnessMeter&) = delete;
    LoudnessMeter& operator=(const LoudnessMeter&) = delete;

    /// The next frames begin at start_s (track time). Optional before the first push (default 0).
    void start_segment(double start_s);
    /// n_frames interleaved frames of n_channels floats (full scale ±1).
    void push_interleaved(const float* frames, size_t n_frames);
    /// Ends the measurement; the meter can then only be destroyed.
    LoudnessResult finish();

private:
    void new_state();
    void close_block();

    int sample_rate_hz_, n_channels_;
    LoudnessOptions options_;
    struct States;                        ///< libebur128 states, one per segment that received frames
    std::unique_ptr<States> states_;
    bool segment_open_ = false;           ///< states_.back() belongs to the current segment
    double segment_start_s_ = 0.0;
    size_t hop_frames_ = 0;
    size_t segment_frames_ = 0;           ///< frames pushed into the current segment
    size_t block_frames_ = 0;             ///< frames in the current hop block
    double block_sum_squares_ = 0.0;
    double total_frames_ = 0.0;
    bool finished_ = false;
    LoudnessResult result_;
};

}  // namespace cf
