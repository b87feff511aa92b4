// cuefinder core — preparing a decoded picture for an image model (scalar code).
//
//   cf::Image square = cf::to_model_input(photo, 224);            // centre crop + resize, RGB8
//   std::vector<float> x = cf::to_float_input(square, cf::FloatNormalization::minus_one_to_one());
//   // x: 224 × 224 × 3 floats (NHWC), what MobileNet v2 with float input expects
//
// Resampling is separable. Shrinking an axis averages the source pixels each output pixel covers
// (area averaging / box filter with fractional edge weights: no aliasing, and exact for integer
// factors: a 448 → 224 halving is the mean of each 2×2 block). Enlarging an axis is bilinear with
// pixel centres aligned ((x + 0.5) · in / out − 0.5, edges clamped). Results are rounded to nearest.
#pragma once

#include <vector>

#include "core/image/image.h"

namespace cf {

/// The largest centred square: side min(w, h), offset ((w − side) / 2, (h − side) / 2) rounded down.
Image centre_crop_square(const Image& image);

/// Resizes to width_px × height_px (each ≥ 1). An image of that size is returned unchanged.
Image resize_image(const Image& image, int width_px, int height_px);

/// The picture turned upright for EXIF orientation `orientation` (1..8, as in the TIFF/EXIF spec:
/// 2 mirror, 3 rotate 180°, 4 flip, 5 transpose, 6 rotate 90° clockwise, 7 transverse, 8 rotate 90°
/// counter-clockwise); 5–8 swap width and height. Other values return the image unchanged.
Image apply_exif_orientation(const Image& image, int orientation);

/// centre_crop_square, then resize_image to size_px × size_px (224 for MobileNet v2).
Image to_model_input(const Image& image, int size_px = 224);

/// How uint8 channel values v become model floats: (v · scale − mean[c]) / std[c].
struct FloatNormalization {
    float scale = 1.0f / 255.0f;             ///< applied first: the default maps 0..255 to 0..1
    float mean[3] = {0.0f, 0.0f, 0.0f};      ///< per channel R, G, B, subtracted after scaling
    float std[3] = {1.0f, 1.0f, 1.0f};       ///< per channel R, G, B, divides last (> 0)
    bool channels_first = false;             ///< false: HWC (NHWC, TF/TFLite); true: CHW (NCHW, PyTorch)

    /// v / 127.5 − 1 in −1..1 (TF MobileNet v1/v2 `preprocess_input`).
    static FloatNormalization minus_one_to_one();
    /// v / 255 with ImageNet mean (0.485, 0.456, 0.406) and std (0.229, 0.224, 0.225) (torchvision).
    static FloatNormalization imagenet();
};

/// The image as floats, width × height × 3 values, laid out as `norm.channels_first` says.
std::vector<float> to_float_input(const Image& image, const FloatNormalization& norm = {});

}  // namespace cf
