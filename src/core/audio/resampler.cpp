// Streaming mono resampling (see detail/resampler.h): libsamplerate, or our polyphase FIR for `best`.
#include "core/audio/detail/resampler.h"

#include <samplerate.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

namespace cf::detail {

// [SECTION] PolyphaseFir
//
// ref: Kaiser window design (Oppenheim & Schafer, Discrete-Time Signal Processing, 3rd ed., §7.6):
//      β = 0.1102 (A − 8.7) for A dB of stopband attenuation, A = 120 → β = 12.27; transition width
//      Δf ≈ (A − 8) / (2.285 · 2π · N) × fs for N taps. N = 640 at 44.1 kHz → 16 kHz gives Δf ≈ 537 Hz,
//      centred on 7732 Hz: flat to 7.46 kHz, ≤ −120 dB from 8 kHz (the passband of ffmpeg's soxr
//      resampler that made the golden data, and of libsamplerate's best converter).

namespace {

constexpr double kTapsAt44k1To16k = 640.0;      // taps per output sample for 44.1 → 16 kHz
constexpr double kCutoffOfNyquist = 7732.0 / 8000.0;
constexpr double kKaiserBeta = 12.27;

double bessel_i0(double x) {
    double sum = 1.0, term = 1.0;
    for (int i = 1; i < 60; ++i) {
        term *= (x / (2.0 * i)) * (x / (2.0 * i));
        sum += term;
        if (term < sum * 1e-17) break;
    }
    return sum;
}

}  // namespace

bool PolyphaseFir::suits(int in_rate_hz, int out_rate_hz) {
    if (out_rate_hz >= in_rate_hz) return false;
    return out_rate_hz / std::gcd(in_rate_hz, out_rate_hz) <= kMaxPhases;
}

void PolyphaseFir::init(int in_rate_hz, int out_rate_hz) {
    CF_ASSERT(suits(in_rate_hz, out_rate_hz));
    const int g = std::gcd(in_rate_hz, out_rate_hz);
    l_ = out_rate_hz / g;
    m_ = in_rate_hz / g;
    // The transition band keeps its width relative to the output rate, so the taps scale with in/out.
    const double taps = kTapsAt44k1To16k * (double(in_rate_hz) / 44100.0) * (16000.0 / double(out_rate_hz));
    taps_ = std::max(8, int(std::ceil(taps / 4.0)) * 4);
    const double fc = kCutoffOfNyquist * 0.5 * double(out_rate_hz) / double(in_rate_hz);  // cycles per input sample
    const double half = taps_ / 2.0, i0_beta = bessel_i0(kKaiserBeta);
    table_.assign(size_t(l_) * size_t(taps_), 0.0f);
    std::vector<double> h(static_cast<size_t>(taps_));
    for (int64_t p = 0; p < l_; ++p) {
        double sum = 0.0;
        for (int i = 0; i < taps_; ++i) {
            const double d = double(p) / double(l_) + double(taps_ / 2 - 1 - i);  // output time − tap time
            const double x = 2.0 * fc * d, r = d / half;
            const double sinc = std::fabs(x) < 1e-12 ? 1.0 : std::sin(M_PI * x) / (M_PI * x);
            const double w = std::fabs(r) >= 1.0 ? 0.0 : bessel_i0(kKaiserBeta * std::sqrt(1.0 - r * r)) / i0_beta;
            h[size_t(i)] = sinc * w;
            sum += h[size_t(i)];
        }
        for (int i = 0; i < taps_; ++i) table_[size_t(p) * size_t(taps_) + size_t(i)] = float(h[size_t(i)] / sum);  // DC gain 1
    }
    reset();
}

void PolyphaseFir::reset() {
    // Output 0 needs input −(taps/2 − 1) .. taps/2: what precedes the first frame is zeros.
    buffer_.assign(size_t(taps_ / 2 - 1), 0.0f);
    buffer_start_ = -int64_t(taps_ / 2 - 1);
    next_out_ = 0;
    tail_padded_ = false;
}

float PolyphaseFir::output_at(int64_t j) const {
    const int64_t pos = j * m_;
    const int64_t n0 = pos / l_, phase = pos % l_;
    const float* h = table_.data() + size_t(phase) * size_t(taps_);
    const float* x = buffer_.data() + size_t(n0 - (taps_ / 2 - 1) - buffer_start_);
    float a0 = 0.0f, a1 = 0.0f, a2 = 0.0f, a3 = 0.0f;  // four partial sums: vectorisable, deterministic
    for (int i = 0; i < taps_; i += 4) {
        a0 += h[i] * x[i];
        a1 += h[i + 1] * x[i + 1];
        a2 += h[i + 2] * x[i + 2];
        a3 += h[i + 3] * x[i + 3];
    }
    return (a0 + a1) + (a2 + a3);
}

void PolyphaseFir::process(const float* in, size_t n_in, float* out, size_t n_out, bool end_of_input,
                           size_t& n_in_used, size_t& n_out_produced) {
    // Take only the input that the n_out requested outputs need, so the look-ahead stays one filter span.
    const int64_t needed_end = n_out == 0 ? 0 : ((next_out_ + int64_t(n_out) - 1) * m_) / l_ + taps_ / 2 + 1;
    const int64_t buffer_end_before = buffer_start_ + int64_t(buffer_.size());
    n_in_used = size_t(std::clamp<int64_t>(needed_end - buffer_end_before, 0, int64_t(n_in)));
    buffer_.insert(buffer_.end(), in, in + n_in_used);
    if (end_of_input && n_in_used == n_in && !tail_padded_) {
        buffer_.insert(buffer_.end(), size_t(taps_ / 2 + 1), 0.0f);
        tail_padded_ = true;
    }
    const int64_t buffer_end = buffer_start_ + int64_t(buffer_.size());
    n_out_produced = 0;
    while (n_out_produced < n_out) {
        const int64_t last_needed = (next_out_ * m_) / l_ + taps_ / 2;  // the filter's last input index
        if (last_needed >= buffer_end) break;
        out[n_out_produced++] = output_at(next_out_++);
    }
    // Drop the input no later output needs.
    const int64_t first_needed = (next_out_ * m_) / l_ - (taps_ / 2 - 1);
    const int64_t drop = std::clamp<int64_t>(first_needed - buffer_start_, 0, int64_t(buffer_.size()));
    buffer_.erase(buffer_.begin(), buffer_.begin() + drop);
    buffer_start_ += drop;
}

// [SECTION] StreamResampler

StreamResampler::~StreamResampler() {
    if (state_) src_delete(state_);
}

Status StreamResampler::init(int in_rate_hz, int out_rate_hz, ResampleQuality quality, bool use_fir) {
    CF_DEBUG_ASSERT(in_rate_hz > 0 && out_rate_hz > 0);
    if (state_) state_ = src_delete(state_);
    fir_ = false;
    if (in_rate_hz == out_rate_hz) return Status::ok();
    ratio_ = double(out_rate_hz) / double(in_rate_hz);
    if (!src_is_valid_ratio(ratio_))
        return Status(ErrorCode::invalid_argument, "resampling " + std::to_string(in_rate_hz) + " Hz to " +
                                                       std::to_string(out_rate_hz) + " Hz exceeds libsamplerate's ratio limit of 256");
    if (quality == ResampleQuality::best && use_fir && PolyphaseFir::suits(in_rate_hz, out_rate_hz)) {
        polyphase_.init(in_rate_hz, out_rate_hz);
        fir_ = true;
        return Status::ok();
    }
    int converter = quality == ResampleQuality::fast     ? SRC_SINC_FASTEST
                    : quality == ResampleQuality::medium ? SRC_SINC_MEDIUM_QUALITY
                                                         : SRC_SINC_BEST_QUALITY;
    int error = 0;
    state_ = src_new(converter, 1, &error);
    if (!state_) return Status(ErrorCode::invalid_argument, std::string("libsamplerate: ") + src_strerror(error));
    return Status::ok();
}

Result<StreamResampler::Step> StreamResampler::process(const float* in, size_t n_in, float* out, size_t n_out,
                                                       bool end_of_input) {
    CF_DEBUG_ASSERT(!bypass());
    if (fir_) {
        Step step;
        polyphase_.process(in, n_in, out, n_out, end_of_input, step.n_in_used, step.n_out_produced);
        return step;
    }
    SRC_DATA data{};
    data.data_in = in;
    data.data_out = out;
    data.input_frames = long(n_in);
    data.output_frames = long(n_out);
    data.end_of_input = end_of_input ? 1 : 0;
    data.src_ratio = ratio_;
    int error = src_process(state_, &data);
    if (error != 0) return Status(ErrorCode::corrupt, std::string("libsamplerate: ") + src_strerror(error));
    return Step{size_t(data.input_frames_used), size_t(data.output_frames_gen)};
}

void StreamResampler::reset() {
    if (fir_) polyphase_.reset();
    if (state_) src_reset(state_);
}

}  // namespace cf::detail
