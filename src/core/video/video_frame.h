// cuefinder core — one decoded, downscaled video frame as the core sees it (no platform type).
//
//   cf::VideoFrame frame;                       // filled by a cf::VideoSource, or by the page from
//   frame.width_px = 160; frame.height_px = 90; // a WebCodecs VideoFrame drawn on a canvas
//   frame.rgb.assign(160 * 90 * 3, 0);
//   frame.time_s = 1.24;                        // presentation time from the clip's start
//   if (cf::Status s = cf::check_video_frame(frame, "clip.mp4"); !s) report(s.message());
//
// Pixels are as shown (rotation already applied), 8-bit RGB, rows top to bottom, no padding.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/common/status.h"

namespace cf {

struct VideoFrame {
    int width_px = 0;           ///< columns of the (downscaled, upright) frame
    int height_px = 0;          ///< rows
    std::vector<uint8_t> rgb;   ///< width_px × height_px × 3 bytes (R, G, B), row-major
    double time_s = 0;          ///< presentation time in seconds from the clip's start

    size_t n_pixels() const { return size_t(width_px) * size_t(height_px); }
};

/// Ok, or invalid_argument naming `name` and the problem: a zero or negative size, a pixel buffer
/// that is not width × height × 3 bytes, a time that is negative, NaN or infinite.
Status check_video_frame(const VideoFrame& frame, std::string_view name);

}  // namespace cf
