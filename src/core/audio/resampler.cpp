// Streaming mono resampling with libsamplerate (see detail/resampler.h).
#include "core/audio/detail/resampler.h"

#include <samplerate.h>

#include <string>

namespace cf::detail {

StreamResampler::~StreamResampler() {
    if (state_) src_delete(state_);
}

Status StreamResampler::init(int in_rate_hz, int out_rate_hz, ResampleQuality quality) {
    CF_DEBUG_ASSERT(in_rate_hz > 0 && out_rate_hz > 0);
    if (state_) state_ = src_delete(state_);
    if (in_rate_hz == out_rate_hz) return Status::ok();
    int converter = quality == ResampleQuality::fast     ? SRC_SINC_FASTEST
                    : quality == ResampleQuality::medium ? SRC_SINC_MEDIUM_QUALITY
                                                         : SRC_SINC_BEST_QUALITY;
    ratio_ = double(out_rate_hz) / double(in_rate_hz);
    if (!src_is_valid_ratio(ratio_))
        return Status(ErrorCode::invalid_argument, "resampling " + std::to_string(in_rate_hz) + " Hz to " +
                                                       std::to_string(out_rate_hz) + " Hz exceeds libsamplerate's ratio limit of 256");
    int error = 0;
    state_ = src_new(converter, 1, &error);
    if (!state_) return Status(ErrorCode::invalid_argument, std::string("libsamplerate: ") + src_strerror(error));
    return Status::ok();
}

Result<StreamResampler::Step> StreamResampler::process(const float* in, size_t n_in, float* out, size_t n_out,
                                                       bool end_of_input) {
    CF_DEBUG_ASSERT(state_ != nullptr);
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
    if (state_) src_reset(state_);
}

}  // namespace cf::detail
