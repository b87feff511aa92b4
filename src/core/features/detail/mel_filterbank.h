// Internal: the musicnn mel filterbank and window (see musicnn_features.h).
#pragma once

#include <array>
#include <vector>

namespace cf::detail {

/// One triangle: weights for FFT bins [first_bin, first_bin + weights.size()).
struct MelBand {
    int first_bin = 0;
    std::vector<float> weights;
};

/// The 98 triangle edges in Hz, exactly as essentia.js 0.1.3 computes them.
const std::array<float, 98>& musicnn_mel_edges_hz();
/// Edges recomputed in float32 the way Essentia's MelBands does (used by a test to show why the
/// table is needed: the result differs by 1 ulp at a few edges, depending on the libm).
std::array<float, 98> compute_slaney_mel_edges_hz();
/// The 96 unit-area triangles over the 257 bins of a 512-point FFT at 16 kHz.
const std::vector<MelBand>& musicnn_mel_bands();
/// Symmetric Hann window of 512 samples, not normalised.
const std::array<float, 512>& musicnn_hann_window();

}  // namespace cf::detail
