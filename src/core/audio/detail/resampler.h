// cuefinder core — INTERNAL (not a stable API): streaming mono resampling, with libsamplerate or, for
// the `best` quality when downsampling, a polyphase windowed-sinc FIR of our own (same passband as
// libsamplerate's SRC_SINC_BEST_QUALITY, ~15× faster; docs/benchmarks/analyze.md, "Where the decode
// time goes").
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/audio/audio_reader.h"
#include "core/common/status.h"

typedef struct SRC_STATE_tag SRC_STATE;

namespace cf::detail {

/// Polyphase FIR for in_rate → out_rate with out < in: a Kaiser-windowed sinc (β 12.27, ≈ 120 dB),
/// −0.1 dB at 0.945 and −3 dB at 0.96 of the output Nyquist, < −130 dB from the output Nyquist up.
/// Output sample j sits at input position j × in/out (no delay); input before the first frame and
/// after the last counts as zeros. One precomputed phase per output position mod L (L = out/gcd).
class PolyphaseFir {
public:
    /// False when the rates do not suit it (out ≥ in, or more than kMaxPhases phases).
    static bool suits(int in_rate_hz, int out_rate_hz);
    void init(int in_rate_hz, int out_rate_hz);
    void reset();
    /// Takes what input it can hold, writes what output it can; at end_of_input pads the tail with zeros.
    void process(const float* in, size_t n_in, float* out, size_t n_out, bool end_of_input, size_t& n_in_used,
                 size_t& n_out_produced);

    static constexpr int64_t kMaxPhases = 2048;

private:
    float output_at(int64_t j) const;

    int64_t l_ = 1, m_ = 1;       ///< out/gcd, in/gcd
    int taps_ = 0;                ///< per output sample (a multiple of 4)
    std::vector<float> table_;    ///< l_ phases × taps_
    std::vector<float> buffer_;   ///< input samples from absolute index buffer_start_ on
    int64_t buffer_start_ = 0;
    int64_t next_out_ = 0;        ///< index of the next output sample
    bool tail_padded_ = false;
};

/// One mono converter, or a pass-through when the rates are equal. Either way the output is not
/// delayed: output sample j sits at input position j × in_rate / out_rate, so after reset() the output
/// grid restarts at the first input frame given.
class StreamResampler {
public:
    StreamResampler() = default;
    ~StreamResampler();
    StreamResampler(const StreamResampler&) = delete;
    StreamResampler& operator=(const StreamResampler&) = delete;

    /// Sets up in_rate → out_rate (both > 0, ratio within libsamplerate's 1/256 .. 256). `best` uses
    /// the PolyphaseFir where it suits the rates (unless use_fir is false: libsamplerate's best, e.g.
    /// for a benchmark), libsamplerate's SRC_SINC_BEST_QUALITY otherwise.
    Status init(int in_rate_hz, int out_rate_hz, ResampleQuality quality, bool use_fir = true);
    bool bypass() const { return state_ == nullptr && !fir_; }
    bool uses_fir() const { return fir_; }

    struct Step {
        size_t n_in_used = 0;
        size_t n_out_produced = 0;
    };
    /// Converts as much of `in` as fits into `out`. Pass end_of_input once no more input follows; keep
    /// calling (with n_in = 0) until it produces nothing to flush the filter tail. Not for bypass mode.
    Result<Step> process(const float* in, size_t n_in, float* out, size_t n_out, bool end_of_input);

    /// Forgets all history (after a seek).
    void reset();

private:
    SRC_STATE* state_ = nullptr;
    double ratio_ = 1.0;
    bool fir_ = false;
    PolyphaseFir polyphase_;
};

}  // namespace cf::detail
