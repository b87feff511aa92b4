// Centre crop, separable area-average / bilinear resize, float conversion.
#include "core/image/image_ops.h"

#include <algorithm>
#include <cmath>

namespace cf {
namespace {

// Weights of one axis: output pixel i = Σ weight · source[first + k], k < count.
struct AxisWeights {
    std::vector<int> first;
    std::vector<int> count;
    std::vector<float> weights;   // concatenated
    std::vector<size_t> offset;   // into weights
};

AxisWeights axis_weights(int n_in, int n_out) {
    AxisWeights w;
    w.first.resize(size_t(n_out));
    w.count.resize(size_t(n_out));
    w.offset.resize(size_t(n_out));
    const double ratio = double(n_in) / double(n_out);
    for (int i = 0; i < n_out; ++i) {
        w.offset[size_t(i)] = w.weights.size();
        if (n_out <= n_in) {
            // Area average over the source interval [i·ratio, (i+1)·ratio).
            const double lo = i * ratio, hi = (i + 1) * ratio;
            const int j0 = int(std::floor(lo));
            const int j1 = std::min(n_in, int(std::ceil(hi)));
            w.first[size_t(i)] = j0;
            w.count[size_t(i)] = j1 - j0;
            for (int j = j0; j < j1; ++j) {
                const double overlap = std::min(hi, double(j + 1)) - std::max(lo, double(j));
                w.weights.push_back(float(overlap / ratio));
            }
        } else {
            // Bilinear with aligned centres, clamped at the edges.
            const double x = std::clamp((i + 0.5) * ratio - 0.5, 0.0, double(n_in - 1));
            const int j0 = std::min(int(std::floor(x)), n_in - 1);
            const int j1 = std::min(j0 + 1, n_in - 1);
            const double t = x - j0;
            w.first[size_t(i)] = j0;
            if (j1 == j0 || t == 0.0) {
                w.count[size_t(i)] = 1;
                w.weights.push_back(1.0f);
            } else {
                w.count[size_t(i)] = 2;
                w.weights.push_back(float(1.0 - t));
                w.weights.push_back(float(t));
            }
        }
    }
    return w;
}

}  // namespace

Image centre_crop_square(const Image& image) {
    CF_ASSERT(image.width_px > 0 && image.height_px > 0 && image.rgb.size() == image.n_pixels() * 3);
    const int side = std::min(image.width_px, image.height_px);
    if (side == image.width_px && side == image.height_px) return image;
    const int x0 = (image.width_px - side) / 2, y0 = (image.height_px - side) / 2;
    Image out;
    out.width_px = out.height_px = side;
    out.format = image.format;
    out.had_alpha = image.had_alpha;
    out.rgb.resize(size_t(side) * size_t(side) * 3);
    for (int y = 0; y < side; ++y)
        std::copy_n(image.pixel(x0, y0 + y), size_t(side) * 3, out.pixel(0, y));
    return out;
}

Image resize_image(const Image& image, int width_px, int height_px) {
    CF_ASSERT(width_px >= 1 && height_px >= 1);
    CF_ASSERT(image.width_px > 0 && image.height_px > 0 && image.rgb.size() == image.n_pixels() * 3);
    if (width_px == image.width_px && height_px == image.height_px) return image;
    const AxisWeights wx = axis_weights(image.width_px, width_px);
    const AxisWeights wy = axis_weights(image.height_px, height_px);
    // Horizontal pass in float (source rows × output columns), then vertical pass with rounding.
    std::vector<float> tmp(size_t(image.height_px) * size_t(width_px) * 3);
    for (int y = 0; y < image.height_px; ++y) {
        const uint8_t* row = image.pixel(0, y);
        float* dst = &tmp[size_t(y) * size_t(width_px) * 3];
        for (int i = 0; i < width_px; ++i) {
            float acc[3] = {0, 0, 0};
            const float* w = &wx.weights[wx.offset[size_t(i)]];
            for (int k = 0; k < wx.count[size_t(i)]; ++k) {
                const uint8_t* p = row + size_t(wx.first[size_t(i)] + k) * 3;
                for (int c = 0; c < 3; ++c) acc[c] += w[k] * float(p[c]);
            }
            for (int c = 0; c < 3; ++c) dst[size_t(i) * 3 + c] = acc[c];
        }
    }
    Image out;
    out.width_px = width_px;
    out.height_px = height_px;
    out.format = image.format;
    out.had_alpha = image.had_alpha;
    out.rgb.resize(out.n_pixels() * 3);
    const size_t row_floats = size_t(width_px) * 3;
    std::vector<float> acc(row_floats);
    for (int j = 0; j < height_px; ++j) {
        std::fill(acc.begin(), acc.end(), 0.0f);
        const float* w = &wy.weights[wy.offset[size_t(j)]];
        for (int k = 0; k < wy.count[size_t(j)]; ++k) {
            const float* src = &tmp[size_t(wy.first[size_t(j)] + k) * row_floats];
            for (size_t q = 0; q < row_floats; ++q) acc[q] += w[k] * src[q];
        }
        uint8_t* dst = out.pixel(0, j);
        for (size_t q = 0; q < row_floats; ++q) dst[q] = uint8_t(std::clamp(std::floor(acc[q] + 0.5f), 0.0f, 255.0f));
    }
    return out;
}

Image to_model_input(const Image& image, int size_px) {
    return resize_image(centre_crop_square(image), size_px, size_px);
}

FloatNormalization FloatNormalization::minus_one_to_one() {
    FloatNormalization n;
    n.scale = 1.0f / 127.5f;
    for (int c = 0; c < 3; ++c) n.mean[c] = 1.0f;
    return n;
}

FloatNormalization FloatNormalization::imagenet() {
    FloatNormalization n;
    const float mean[3] = {0.485f, 0.456f, 0.406f}, std[3] = {0.229f, 0.224f, 0.225f};
    for (int c = 0; c < 3; ++c) { n.mean[c] = mean[c]; n.std[c] = std[c]; }
    return n;
}

std::vector<float> to_float_input(const Image& image, const FloatNormalization& norm) {
    CF_ASSERT(image.rgb.size() == image.n_pixels() * 3);
    for (int c = 0; c < 3; ++c) CF_ASSERT(norm.std[c] > 0.0f);
    const size_t n = image.n_pixels();
    std::vector<float> out(n * 3);
    for (size_t i = 0; i < n; ++i)
        for (int c = 0; c < 3; ++c) {
            const float v = (float(image.rgb[i * 3 + size_t(c)]) * norm.scale - norm.mean[c]) / norm.std[c];
            out[norm.channels_first ? size_t(c) * n + i : i * 3 + size_t(c)] = v;
        }
    return out;
}

Image apply_exif_orientation(const Image& image, int orientation) {
    if (orientation < 2 || orientation > 8) return image;
    const int w = image.width_px, h = image.height_px;
    const bool swap = orientation >= 5;
    Image out = image;
    out.width_px = swap ? h : w;
    out.height_px = swap ? w : h;
    for (int y = 0; y < out.height_px; ++y)
        for (int x = 0; x < out.width_px; ++x) {
            int sx = x, sy = y;  // the stored pixel shown at (x, y)
            switch (orientation) {
                case 2: sx = w - 1 - x; break;
                case 3: sx = w - 1 - x, sy = h - 1 - y; break;
                case 4: sy = h - 1 - y; break;
                case 5: sx = y, sy = x; break;
                case 6: sx = y, sy = h - 1 - x; break;
                case 7: sx = w - 1 - y, sy = h - 1 - x; break;
                case 8: sx = w - 1 - y, sy = x; break;
            }
            const uint8_t* src = image.pixel(sx, sy);
            uint8_t* dst = out.pixel(x, y);
            dst[0] = src[0], dst[1] = src[1], dst[2] = src[2];
        }
    return out;
}

}  // namespace cf
