// cuefinder core — INTERNAL (not a stable API): streaming mono resampling with libsamplerate.
#pragma once

#include <cstddef>

#include "core/audio/audio_reader.h"
#include "core/common/status.h"

typedef struct SRC_STATE_tag SRC_STATE;

namespace cf::detail {

/// One mono libsamplerate converter (src_new/src_process), or a pass-through when the rates are equal.
/// libsamplerate's sinc converters are not delayed: output sample j sits at input position
/// j × in_rate / out_rate, so after reset() the output grid restarts at the first input frame given.
class StreamResampler {
public:
    StreamResampler() = default;
    ~StreamResampler();
    StreamResampler(const StreamResampler&) = delete;
    StreamResampler& operator=(const StreamResampler&) = delete;

    /// Sets up in_rate → out_rate (both > 0, ratio within libsamplerate's 1/256 .. 256).
    Status init(int in_rate_hz, int out_rate_hz, ResampleQuality quality);
    bool bypass() const { return state_ == nullptr; }

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
};

}  // namespace cf::detail
