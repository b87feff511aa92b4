// Internal: the per-frame musicnn kernel, written once over simd.h ops (see musicnn_features.h).
#pragma once

#include <vector>

#include "core/dsp/real_fft.h"
#include "core/features/detail/mel_filterbank.h"

namespace cf::detail {

/// Work buffers for one batch of O::lanes frames (sized for the widest ops).
struct MelWorkspace {
    std::vector<float> zr, zi, yr, yi, re, im;
    explicit MelWorkspace(int lanes)
        : zr(256 * lanes), zi(256 * lanes), yr(256 * lanes), yi(256 * lanes), re(257 * lanes), im(257 * lanes) {}
};

const RealFftPlan& musicnn_fft_plan();

/// Computes the 96 log-mel values of `n_frames` (1 ≤ n_frames ≤ O::lanes) raw 512-sample frames
/// stored one after another in `frames`; writes n_frames × 96 values to `out`.
template <class O>
void musicnn_mel_batch(const float* frames, int n_frames, float* out, MelWorkspace& ws) {
    using V = typename O::V;
    constexpr int L = O::lanes;
    const std::array<float, 512>& window = musicnn_hann_window();
    // Window and pack as complex pairs, lane-interleaved; unused lanes are zero.
    for (int l = 0; l < L; ++l) {
        const float* x = frames + size_t(l) * 512;
        for (int k = 0; k < 256; ++k) {
            ws.zr[k * L + l] = l < n_frames ? x[2 * k] * window[2 * k] : 0.0f;
            ws.zi[k * L + l] = l < n_frames ? x[2 * k + 1] * window[2 * k + 1] : 0.0f;
        }
    }
    musicnn_fft_plan().forward_packed<O>(ws.zr.data(), ws.zi.data(), ws.yr.data(), ws.yi.data(), ws.re.data(),
                                         ws.im.data());
    // Power spectrum as Essentia computes it: magnitude first (Spectrum), squared by MelBands.
    float* power = ws.re.data();
    for (int b = 0; b < 257; ++b) {
        const V re = O::load(ws.re.data() + b * L), im = O::load(ws.im.data() + b * L);
        const V magnitude = O::sqrt(O::add(O::mul(re, re), O::mul(im, im)));
        O::store(power + b * L, O::mul(magnitude, magnitude));
    }
    const std::vector<MelBand>& bands = musicnn_mel_bands();
    const V scale = O::set1(10000.0f), one = O::set1(1.0f), floor = O::set1(1e-30f);
    alignas(16) float lanes_out[L];
    for (int band = 0; band < 96; ++band) {
        const MelBand& tri = bands[band];
        const float* p = power + size_t(tri.first_bin) * L;
        V energy = O::set1(0.0f);
        for (size_t j = 0; j < tri.weights.size(); ++j)  // accumulated in bin order, like Essentia
            energy = O::add(energy, O::mul(O::load(p + j * L), O::set1(tri.weights[j])));
        const V compressed = O::log10(O::max(O::add(O::mul(energy, scale), one), floor));
        O::store(lanes_out, compressed);
        for (int l = 0; l < n_frames; ++l) out[size_t(l) * 96 + band] = lanes_out[l];
    }
}

}  // namespace cf::detail
