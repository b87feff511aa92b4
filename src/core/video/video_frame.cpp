#include "core/video/video_frame.h"
#include "core/video/video_source.h"

#include <cmath>
#include <string>

namespace cf {

Status check_video_frame(const VideoFrame& frame, std::string_view name) {
    const std::string who(name);
    if (frame.width_px <= 0 || frame.height_px <= 0)
        return Status(ErrorCode::invalid_argument, who + ": frame size " + std::to_string(frame.width_px) + "x" +
                                                       std::to_string(frame.height_px) + " is empty");
    if (frame.rgb.size() != frame.n_pixels() * 3)
        return Status(ErrorCode::invalid_argument, who + ": frame has " + std::to_string(frame.rgb.size()) +
                                                       " bytes, " + std::to_string(frame.width_px) + "x" +
                                                       std::to_string(frame.height_px) + " RGB needs " +
                                                       std::to_string(frame.n_pixels() * 3));
    if (!std::isfinite(frame.time_s) || frame.time_s < 0)
        return Status(ErrorCode::invalid_argument, who + ": frame time " + std::to_string(frame.time_s) +
                                                       " s is not a finite time from the clip's start");
    return Status::ok();
}

Status check_video_source_options(const VideoSourceOptions& options) {
    if (options.max_size_px < 16 || options.max_size_px > 4096)
        return Status(ErrorCode::invalid_argument,
                      "max_size_px " + std::to_string(options.max_size_px) + " is outside 16..4096");
    return Status::ok();
}

}  // namespace cf
