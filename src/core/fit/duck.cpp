// Ducking: one gain per frame, the same on every channel (the stereo image does not move).
#include "core/fit/duck.h"

#include <cmath>
#include <cstdio>
#include <string>

namespace cf {

Status apply_gain_curve(std::span<float> interleaved, int n_channels, int rate_hz, const std::function<float(double)>& gain_at) {
    if (n_channels < 1 || n_channels > 64)
        return Status(ErrorCode::invalid_argument, "ducking: " + std::to_string(n_channels) + " channels (expected 1..64)");
    if (rate_hz < 1000 || rate_hz > 768000)
        return Status(ErrorCode::invalid_argument, "ducking: rate " + std::to_string(rate_hz) + " Hz (expected 1000..768000)");
    if (interleaved.size() % size_t(n_channels) != 0)
        return Status(ErrorCode::invalid_argument, "ducking: " + std::to_string(interleaved.size()) + " samples are not whole frames of " +
                                                       std::to_string(n_channels) + " channels");
    const size_t n_frames = interleaved.size() / size_t(n_channels);
    for (size_t i = 0; i < n_frames; ++i) {
        const double t_s = double(i) / rate_hz;
        const float g = gain_at(t_s);
        if (!(std::isfinite(g) && g >= 0.0f)) {
            char text[96];
            std::snprintf(text, sizeof text, "ducking: gain %g at %.3f s (expected a finite number >= 0)", double(g), t_s);
            return Status(ErrorCode::invalid_argument, text);
        }
        for (int c = 0; c < n_channels; ++c) interleaved[i * size_t(n_channels) + size_t(c)] *= g;
    }
    return Status::ok();
}

Status duck_under_clip(std::span<float> interleaved, int n_channels, int rate_hz, const ClipSound& sound) {
    if (!sound.has_audio || sound.keep.empty()) return apply_gain_curve(interleaved, n_channels, rate_hz, [](double) { return 1.0f; });
    return apply_gain_curve(interleaved, n_channels, rate_hz, [&sound](double t_s) { return music_gain_at(sound, t_s); });
}

}  // namespace cf
