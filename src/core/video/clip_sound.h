// cuefinder core — a clip's own sound: how loud it is over time, where it has sound worth keeping
// (speech, a moment that matters) and how far music should duck under it.
//
//   cf::ClipSoundMeter meter;                                 // options: ClipSoundOptions
//   CF_RETURN_IF_ERROR(meter.push(mono, n, 48000));           // as the audio decodes
//   cf::ClipSound s = meter.finish();
//   for (const cf::SoundSpan& k : s.keep) printf("%.1f–%.1f s\n", k.start_s, k.end_s);
//   float g = cf::music_gain_at(s, 12.3);                     // 1 = full music, < 1 ducked
//
// Loudness: K-weighted mean square per step_s (EBU R128's filter), in LUFS; "worth keeping": a
// stretch of at least min_keep_s whose loudness stands keep_above_floor_db above the clip's noise
// floor (its 10th percentile) and above min_keep_lufs; short gaps between kept stretches are
// bridged. The duck gain is duck_db in kept stretches with attack/release ramps, 0 dB elsewhere.
#pragma once

#include <cstddef>
#include <vector>

#include "core/common/json.h"
#include "core/common/status.h"

namespace cf {

struct ClipSoundOptions {
    double step_s = 0.1;              ///< loudness curve resolution (0.02..1)
    float keep_above_floor_db = 12;   ///< how far above the noise floor kept sound stands (0..60)
    float min_keep_lufs = -45;        ///< and at least this loud (-70..0)
    double min_keep_s = 0.4;          ///< shortest kept stretch (0..10)
    double bridge_gap_s = 0.6;        ///< kept stretches closer than this merge (0..10)
    float duck_db = -12;              ///< music gain inside kept stretches (-40..0)
    double duck_attack_s = 0.15;      ///< ramp into the duck, ends at a stretch's start (0..2)
    double duck_release_s = 0.5;      ///< ramp out of it, starts at a stretch's end (0..5)
    Status validate() const;          ///< invalid_argument naming the first bad value
};

struct SoundSpan {
    double start_s = 0, end_s = 0;
};

struct ClipSound {
    bool has_audio = false;            ///< some audio was pushed
    double step_s = 0.1;
    std::vector<float> loudness_lufs;  ///< one per step_s from 0 (-inf stored as -120)
    float noise_floor_lufs = -120;
    float integrated_lufs = -120;      ///< gated, as R128
    std::vector<SoundSpan> keep;       ///< where the clip's sound is worth keeping
    float duck_db = -12;
    double duck_attack_s = 0.15, duck_release_s = 0.5;
};

class ClipSoundMeter {
public:
    explicit ClipSoundMeter(ClipSoundOptions options = {});
    /// More mono samples at rate_hz (8000..384000, the same on every call).
    Status push(const float* mono, size_t n_samples, int rate_hz);
    ClipSound finish() const;

private:
    struct Biquad {
        double b[3] = {}, a[3] = {};  ///< a[0] = 1
        double z[2] = {};             ///< direct form II transposed state
    };
    void init_filter(int rate_hz);
    double k_weight(double x);

    ClipSoundOptions options_;
    int rate_hz_ = 0;
    Biquad filter_[2];                   // K-weighting: high shelf, then high-pass
    size_t n_samples_ = 0;
    double step_sum_sq_ = 0;             // of the current step
    size_t in_step_ = 0, step_samples_ = 0;
    std::vector<double> step_mean_sq_;   // per completed step
    double quarter_sum_sq_ = 0;          // of the current 100 ms gating quarter
    size_t in_quarter_ = 0, quarter_samples_ = 0;
    std::vector<double> quarter_mean_sq_;  // per completed quarter (R128 gating blocks are 4 of them)
};

/// The music's gain (linear, 0..1) at clip time t_s under `sound`: 1 without audio or outside kept
/// stretches and their ramps.
float music_gain_at(const ClipSound& sound, double t_s);

/// Members has_audio, step_s, loudness_lufs [...] (1 decimal), noise_floor_lufs, integrated_lufs,
/// keep [{start_s, end_s}], duck_db.
void write_clip_sound_json(JsonWriter& w, const ClipSound& sound);

}  // namespace cf
