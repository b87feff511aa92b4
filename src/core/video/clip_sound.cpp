// [SECTION] options  [SECTION] K-weighting  [SECTION] push  [SECTION] finish  [SECTION] ducking and JSON
#include "core/video/clip_sound.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

namespace cf {
namespace {

constexpr float kSilenceLufs = -120.0f;   // what -inf (digital silence) is stored as
constexpr double kGateQuarter_s = 0.1;    // R128 gating blocks: 400 ms = 4 quarters, 75 % overlap
constexpr double kAbsoluteGateLufs = -70.0;
constexpr double kRelativeGateLu = -10.0;

Status range_error(const char* name, double value, const char* range) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "ClipSoundOptions.%s = %g is outside %s", name, value, range);
    return Status(ErrorCode::invalid_argument, buf);
}

// ref: ITU-R BS.1770-4 eq. (2): loudness of a K-weighted mean square, LUFS; the -0.691 dB offset
// cancels the K filter's gain at 997 Hz, so a full-scale 997 Hz sine reads -3.01 LUFS.
float lufs_of(double mean_square) {
    if (!(mean_square > 0)) return kSilenceLufs;
    return float(std::max(double(kSilenceLufs), -0.691 + 10.0 * std::log10(mean_square)));
}

}  // namespace

// [SECTION] options

Status ClipSoundOptions::validate() const {
    auto in = [](double v, double lo, double hi) { return std::isfinite(v) && v >= lo && v <= hi; };
    if (!in(step_s, 0.02, 1)) return range_error("step_s", step_s, "0.02..1");
    if (!in(keep_above_floor_db, 0, 60)) return range_error("keep_above_floor_db", keep_above_floor_db, "0..60");
    if (!in(min_keep_lufs, -70, 0)) return range_error("min_keep_lufs", min_keep_lufs, "-70..0");
    if (!in(min_keep_s, 0, 10)) return range_error("min_keep_s", min_keep_s, "0..10");
    if (!in(bridge_gap_s, 0, 10)) return range_error("bridge_gap_s", bridge_gap_s, "0..10");
    if (!in(duck_db, -40, 0)) return range_error("duck_db", duck_db, "-40..0");
    if (!in(duck_attack_s, 0, 2)) return range_error("duck_attack_s", duck_attack_s, "0..2");
    if (!in(duck_release_s, 0, 5)) return range_error("duck_release_s", duck_release_s, "0..5");
    return Status::ok();
}

// [SECTION] K-weighting

// ref: ITU-R BS.1770-4 annex 1 (the K filter: a high-shelf "pre-filter" and the RLB high-pass),
// re-derived for any sample rate by the bilinear transform from the analogue prototype, as
// libebur128's ebur128_init_filter does (f0, G, Q below are its constants, fitted so that at 48 kHz
// the coefficients equal the standard's table).
void ClipSoundMeter::init_filter(int rate_hz) {
    const double pi = 3.14159265358979323846;
    double f0 = 1681.974450955533, gain_db = 3.999843853973347, q = 0.7071752369554196;
    double k = std::tan(pi * f0 / rate_hz);
    const double vh = std::pow(10.0, gain_db / 20.0), vb = std::pow(vh, 0.4996667741545416);
    double a0 = 1.0 + k / q + k * k;
    Biquad& shelf = filter_[0];
    shelf.b[0] = (vh + vb * k / q + k * k) / a0;
    shelf.b[1] = 2.0 * (k * k - vh) / a0;
    shelf.b[2] = (vh - vb * k / q + k * k) / a0;
    shelf.a[1] = 2.0 * (k * k - 1.0) / a0;
    shelf.a[2] = (1.0 - k / q + k * k) / a0;
    f0 = 38.13547087602444, q = 0.5003270373238773;
    k = std::tan(pi * f0 / rate_hz);
    a0 = 1.0 + k / q + k * k;
    Biquad& highpass = filter_[1];
    highpass.b[0] = 1.0, highpass.b[1] = -2.0, highpass.b[2] = 1.0;
    highpass.a[1] = 2.0 * (k * k - 1.0) / a0;
    highpass.a[2] = (1.0 - k / q + k * k) / a0;
}

// Direct form II transposed: two state values per biquad.
double ClipSoundMeter::k_weight(double x) {
    for (Biquad& f : filter_) {
        const double y = f.b[0] * x + f.z[0];
        f.z[0] = f.b[1] * x - f.a[1] * y + f.z[1];
        f.z[1] = f.b[2] * x - f.a[2] * y;
        x = y;
    }
    return x;
}

// [SECTION] push

ClipSoundMeter::ClipSoundMeter(ClipSoundOptions options) : options_(options) {}

Status ClipSoundMeter::push(const float* mono, size_t n_samples, int rate_hz) {
    CF_RETURN_IF_ERROR(options_.validate());
    if (rate_hz < 8000 || rate_hz > 384000)
        return Status(ErrorCode::invalid_argument, "audio rate " + std::to_string(rate_hz) + " Hz is outside 8000..384000");
    if (rate_hz_ != 0 && rate_hz != rate_hz_)
        return Status(ErrorCode::invalid_argument, "audio rate " + std::to_string(rate_hz) + " Hz differs from the first block's " +
                                                       std::to_string(rate_hz_) + " Hz");
    if (n_samples > 0 && !mono) return Status(ErrorCode::invalid_argument, "audio block of " + std::to_string(n_samples) + " samples has no data");
    // Checked before anything changes, so a bad block leaves the meter as it was.
    for (size_t i = 0; i < n_samples; ++i)
        if (!std::isfinite(mono[i]))
            return Status(ErrorCode::invalid_argument, "audio sample " + std::to_string(n_samples_ + i) + " is " +
                                                           (std::isnan(mono[i]) ? "NaN" : "infinite"));
    if (rate_hz_ == 0) {
        rate_hz_ = rate_hz;
        init_filter(rate_hz);
        step_samples_ = std::max<size_t>(1, size_t(std::lround(options_.step_s * rate_hz)));
        quarter_samples_ = std::max<size_t>(1, size_t(std::lround(kGateQuarter_s * rate_hz)));
    }
    for (size_t i = 0; i < n_samples; ++i) {
        const double y = k_weight(double(mono[i]));
        step_sum_sq_ += y * y;
        quarter_sum_sq_ += y * y;
        if (++in_step_ == step_samples_) {
            step_mean_sq_.push_back(step_sum_sq_ / double(step_samples_));
            step_sum_sq_ = 0, in_step_ = 0;
        }
        if (++in_quarter_ == quarter_samples_) {
            quarter_mean_sq_.push_back(quarter_sum_sq_ / double(quarter_samples_));
            quarter_sum_sq_ = 0, in_quarter_ = 0;
        }
    }
    n_samples_ += n_samples;
    return Status::ok();
}

// [SECTION] finish

namespace {

// ref: EBU R 128 / ITU-R BS.1770-4 section 2.8: 400 ms blocks every 100 ms, absolute gate -70 LUFS,
// relative gate 10 LU under the loudness of the blocks above the absolute gate.
float gated_loudness(const std::vector<double>& quarter_mean_sq) {
    std::vector<double> blocks;
    for (size_t i = 3; i < quarter_mean_sq.size(); ++i)
        blocks.push_back((quarter_mean_sq[i - 3] + quarter_mean_sq[i - 2] + quarter_mean_sq[i - 1] + quarter_mean_sq[i]) / 4);
    auto mean_above = [&](double gate_lufs) {
        double sum = 0;
        size_t n = 0;
        for (double z : blocks)
            if (z > 0 && -0.691 + 10.0 * std::log10(z) > gate_lufs) sum += z, ++n;
        return n ? sum / double(n) : 0.0;
    };
    const double absolute = mean_above(kAbsoluteGateLufs);
    if (absolute <= 0) return kSilenceLufs;
    return lufs_of(mean_above(double(lufs_of(absolute)) + kRelativeGateLu));
}

float percentile_10(std::vector<float> v) {
    if (v.empty()) return kSilenceLufs;
    const size_t at = size_t(0.1 * double(v.size() - 1));
    std::nth_element(v.begin(), v.begin() + std::ptrdiff_t(at), v.end());
    return v[at];
}

// Runs of steps at or above the bar, gaps shorter than bridge_gap_s bridged (syllables of one
// sentence are one stretch), then stretches shorter than min_keep_s dropped (a click is no moment).
std::vector<SoundSpan> keep_spans(const std::vector<float>& lufs, float bar, double step_s, double end_s,
                                  const ClipSoundOptions& o) {
    std::vector<SoundSpan> runs;
    for (size_t i = 0; i < lufs.size(); ++i) {
        if (lufs[i] < bar) continue;
        const SoundSpan step{double(i) * step_s, std::min(end_s, double(i + 1) * step_s)};
        if (!runs.empty() && step.start_s - runs.back().end_s < o.bridge_gap_s) runs.back().end_s = step.end_s;
        else runs.push_back(step);
    }
    std::vector<SoundSpan> kept;
    for (const SoundSpan& r : runs)
        if (r.end_s - r.start_s >= o.min_keep_s - 1e-9) kept.push_back(r);
    return kept;
}

}  // namespace

ClipSound ClipSoundMeter::finish() const {
    ClipSound out;
    out.step_s = options_.step_s;
    out.duck_db = options_.duck_db;
    out.duck_attack_s = options_.duck_attack_s;
    out.duck_release_s = options_.duck_release_s;
    out.has_audio = n_samples_ > 0;
    if (!out.has_audio) return out;
    for (double z : step_mean_sq_) out.loudness_lufs.push_back(lufs_of(z));
    // A last step at least half full counts (its mean over what there is); a shorter tail is too
    // short a measure to stand beside the others.
    if (2 * in_step_ >= step_samples_) out.loudness_lufs.push_back(lufs_of(step_sum_sq_ / double(in_step_)));
    out.noise_floor_lufs = percentile_10(out.loudness_lufs);
    out.integrated_lufs = gated_loudness(quarter_mean_sq_);
    const float bar = std::max(out.noise_floor_lufs + options_.keep_above_floor_db, options_.min_keep_lufs);
    out.keep = keep_spans(out.loudness_lufs, bar, options_.step_s, double(n_samples_) / rate_hz_, options_);
    return out;
}

// [SECTION] ducking and JSON

float music_gain_at(const ClipSound& sound, double t_s) {
    if (!sound.has_audio) return 1.0f;
    double db = 0;
    for (const SoundSpan& k : sound.keep) {
        double d = 0;
        if (t_s >= k.start_s && t_s <= k.end_s) d = sound.duck_db;
        else if (t_s < k.start_s && t_s > k.start_s - sound.duck_attack_s)
            d = sound.duck_db * (1.0 - (k.start_s - t_s) / sound.duck_attack_s);
        else if (t_s > k.end_s && t_s < k.end_s + sound.duck_release_s)
            d = sound.duck_db * (1.0 - (t_s - k.end_s) / sound.duck_release_s);
        db = std::min(db, d);  // overlapping ramps: the deeper duck
    }
    return float(std::pow(10.0, db / 20.0));
}

void write_clip_sound_json(JsonWriter& w, const ClipSound& sound) {
    w.key("has_audio").value(sound.has_audio);
    if (!sound.has_audio) return;
    w.key("step_s").number(sound.step_s, "%.3f");
    w.key("loudness_lufs").numbers(sound.loudness_lufs, "%.1f");
    w.key("noise_floor_lufs").number(sound.noise_floor_lufs, "%.1f");
    w.key("integrated_lufs").number(sound.integrated_lufs, "%.1f");
    w.key("keep").begin_array();
    for (const SoundSpan& k : sound.keep)
        w.begin_object().key("start_s").number(k.start_s, "%.3f").key("end_s").number(k.end_s, "%.3f").end_object();
    w.end_array();
    w.key("duck_db").number(sound.duck_db, "%.1f");
}

}  // namespace cf
