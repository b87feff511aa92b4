#include "core/video/detail/frame_features.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace cf::video_detail {
namespace {

std::vector<uint8_t> luma_plane(const VideoFrame& frame) {
    std::vector<uint8_t> luma(frame.n_pixels());
    const uint8_t* p = frame.rgb.data();
    for (size_t i = 0; i < luma.size(); ++i, p += 3)
        luma[i] = uint8_t((77 * p[0] + 150 * p[1] + 29 * p[2] + 128) >> 8);  // BT.601 in 8.8 fixed point
    return luma;
}

void add_soft(std::array<float, kHistogramSize>& h, const uint8_t* rgb) {
    // Bin centres at 0, 85, 170, 255: a value between two centres is shared between them linearly.
    int lo[3];
    float hi_w[3];
    for (int c = 0; c < 3; ++c) {
        const float pos = float(rgb[c]) * float(kBinsPerChannel - 1) / 255.0f;
        lo[c] = std::min(int(pos), kBinsPerChannel - 2);
        hi_w[c] = pos - float(lo[c]);
    }
    for (int corner = 0; corner < 8; ++corner) {
        float w = 1;
        int idx = 0;
        for (int c = 0; c < 3; ++c) {
            const int up = (corner >> c) & 1;
            w *= up ? hi_w[c] : 1 - hi_w[c];
            idx = idx * kBinsPerChannel + lo[c] + up;
        }
        h[size_t(idx)] += w;
    }
}

void fill_histogram(const VideoFrame& frame, FrameFeatures& f) {
    // At most ~16k pixels are counted (a regular subsample of larger frames): plenty for 64 bins.
    const size_t n = frame.n_pixels();
    const size_t step = std::max<size_t>(1, n / 16384);
    size_t counted = 0;
    for (size_t i = 0; i < n; i += step, ++counted) add_soft(f.histogram, frame.rgb.data() + i * 3);
    for (float& v : f.histogram) v /= float(counted);
}

void fill_luma_stats(const VideoFrame& frame, const std::vector<uint8_t>& luma, FrameFeatures& f) {
    double sum = 0, sum_sq = 0, grad = 0;
    const int w = frame.width_px, h = frame.height_px;
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            const int v = luma[size_t(y) * size_t(w) + size_t(x)];
            sum += v;
            sum_sq += double(v) * v;
            if (x + 1 < w) grad += std::abs(v - luma[size_t(y) * size_t(w) + size_t(x) + 1]);
            if (y + 1 < h) grad += std::abs(v - luma[size_t(y + 1) * size_t(w) + size_t(x)]);
        }
    const double n = double(frame.n_pixels());
    const double mean = sum / n;
    f.mean_luma = float(mean / 255.0);
    f.luma_std = float(std::sqrt(std::max(0.0, sum_sq / n - mean * mean)) / 255.0);
    f.sharpness = float(grad / n / 255.0);
}

void fill_thumb(const VideoFrame& frame, const std::vector<uint8_t>& luma, FrameFeatures& f) {
    const int w = frame.width_px, h = frame.height_px;
    const int long_side = std::max(w, h);
    const int tw = w == long_side ? std::min(w, kThumbLongSidePx) : std::max(1, w * std::min(long_side, kThumbLongSidePx) / long_side);
    const int th = h == long_side ? std::min(h, kThumbLongSidePx) : std::max(1, h * std::min(long_side, kThumbLongSidePx) / long_side);
    f.thumb_width_px = tw;
    f.thumb_height_px = th;
    f.thumb.assign(size_t(tw) * size_t(th), 0);
    for (int ty = 0; ty < th; ++ty)
        for (int tx = 0; tx < tw; ++tx) {
            const int x0 = tx * w / tw, x1 = std::max(x0 + 1, (tx + 1) * w / tw);
            const int y0 = ty * h / th, y1 = std::max(y0 + 1, (ty + 1) * h / th);
            uint32_t sum = 0;
            for (int y = y0; y < y1; ++y)
                for (int x = x0; x < x1; ++x) sum += luma[size_t(y) * size_t(w) + size_t(x)];
            const uint32_t n = uint32_t((x1 - x0) * (y1 - y0));
            f.thumb[size_t(ty) * size_t(tw) + size_t(tx)] = uint8_t((sum + n / 2) / n);
        }
}

}  // namespace

FrameFeatures compute_frame_features(const VideoFrame& frame) {
    FrameFeatures f;
    const std::vector<uint8_t> luma = luma_plane(frame);
    fill_histogram(frame, f);
    fill_luma_stats(frame, luma, f);
    fill_thumb(frame, luma, f);
    return f;
}

float histogram_distance(const FrameFeatures& a, const FrameFeatures& b) {
    float d = 0;
    for (int i = 0; i < kHistogramSize; ++i) d += std::abs(a.histogram[size_t(i)] - b.histogram[size_t(i)]);
    return std::min(1.0f, 0.5f * d);
}

float luma_difference(const FrameFeatures& a, const FrameFeatures& b) {
    if (a.thumb.size() != b.thumb.size() || a.thumb.empty()) return 1.0f;
    uint64_t sum = 0;
    for (size_t i = 0; i < a.thumb.size(); ++i) sum += uint64_t(std::abs(int(a.thumb[i]) - int(b.thumb[i])));
    return float(double(sum) / double(a.thumb.size()) / 255.0);
}

float frame_distance(const FrameFeatures& a, const FrameFeatures& b) {
    return 0.5f * (histogram_distance(a, b) + std::min(1.0f, 2.0f * luma_difference(a, b)));
}

float mix_residual(const FrameFeatures& a, const FrameFeatures& b, const FrameFeatures& mid, float w) {
    if (a.thumb.size() != b.thumb.size() || a.thumb.size() != mid.thumb.size() || a.thumb.empty()) return 1.0f;
    double sum = 0;
    for (size_t i = 0; i < a.thumb.size(); ++i)
        sum += std::abs(double(mid.thumb[i]) - ((1.0 - w) * a.thumb[i] + w * b.thumb[i]));
    return float(sum / double(a.thumb.size()) / 255.0);
}

float gain_residual(const FrameFeatures& a, const FrameFeatures& b) {
    if (a.thumb.size() != b.thumb.size() || a.thumb.empty()) return 1.0f;
    double ab = 0, aa = 0;
    for (size_t i = 0; i < a.thumb.size(); ++i) ab += double(a.thumb[i]) * b.thumb[i], aa += double(a.thumb[i]) * a.thumb[i];
    const double gain = aa > 0 ? ab / aa : 0.0;
    double sum = 0;
    for (size_t i = 0; i < a.thumb.size(); ++i) sum += std::abs(double(b.thumb[i]) - gain * a.thumb[i]);
    return float(sum / double(a.thumb.size()) / 255.0);
}

}  // namespace cf::video_detail
