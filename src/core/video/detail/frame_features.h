// cuefinder core — internal: what the shot detector measures on one frame and between two frames.
// Not a stable API (shot_detector.h is).
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "core/video/video_frame.h"

namespace cf::video_detail {

inline constexpr int kBinsPerChannel = 4;
inline constexpr int kHistogramSize = kBinsPerChannel * kBinsPerChannel * kBinsPerChannel;
inline constexpr int kThumbLongSidePx = 64;

struct FrameFeatures {
    /// Joint RGB histogram, 4 bins per channel, soft-binned (each pixel split trilinearly between
    /// the nearest bin centres, so a slow colour drift moves mass gradually); sums to 1.
    std::array<float, kHistogramSize> histogram{};
    std::vector<uint8_t> thumb;   ///< luma, box-averaged to at most 64 px on the long side
    int thumb_width_px = 0;
    int thumb_height_px = 0;
    float mean_luma = 0;          ///< 0..1 (BT.601 weights)
    float luma_std = 0;           ///< 0..1, the frame's contrast
    float sharpness = 0;          ///< mean |horizontal| + |vertical| luma gradient, 0..2
};

FrameFeatures compute_frame_features(const VideoFrame& frame);

/// Half the L1 distance of the histograms: 0 (same colours) .. 1 (no colour in common).
float histogram_distance(const FrameFeatures& a, const FrameFeatures& b);
/// Mean absolute difference of the luma thumbnails, 0..1 (1 if their sizes differ).
float luma_difference(const FrameFeatures& a, const FrameFeatures& b);
/// The cut score between two frames, 0..1: the mean of the histogram distance and the (doubled,
/// clipped) luma difference. Colour catches cuts between shots of different content; luma catches
/// cuts between shots of similar colours.
float frame_distance(const FrameFeatures& a, const FrameFeatures& b);

/// How far `mid` is from the mix (1 - w)·a + w·b of the luma thumbnails, mean absolute, 0..1 (1 if
/// the sizes differ). A dissolve from a to b passes through these mixes.
float mix_residual(const FrameFeatures& a, const FrameFeatures& b, const FrameFeatures& mid, float w);
/// How far b is from a·g for the best gain g, mean absolute, 0..1: small when b is a brighter or
/// darker copy of a (a fade or an exposure change, not a dissolve to other content).
float gain_residual(const FrameFeatures& a, const FrameFeatures& b);

}  // namespace cf::video_detail
