#include "core/features/detail/mel_filterbank.h"

#include <cmath>

namespace cf::detail {

// ref: essentia.js 0.1.3 MelBands(inputSize=257, numberBands=96, sampleRate=16000,
//      lowFrequencyBound=0, highFrequencyBound=8000, warpingFormula='slaneyMel', normalize='unit_tri')
//      edge frequencies, read from tests/data/golden/essentiajs_mel_edges_hz.f32. They are the
//      Slaney mel scale sampled in 97 equal steps of mel(8000)/97 accumulated in float32; recomputing
//      them gives these values except for 1-ulp differences at ~5 edges that depend on the libm's
//      log/exp (worth ~3e-5 in the log-mel output), so the exact values are kept as data.
const std::array<float, 98>& musicnn_mel_edges_hz() {
    static const std::array<float, 98> edges = {
    0x0p+0f, 0x1.f18bfp+4f, 0x1.f18bfp+5f, 0x1.7528f2p+6f,
    0x1.f18bfp+6f, 0x1.36f774p+7f, 0x1.7528f2p+7f, 0x1.b35a72p+7f,
    0x1.f18bfp+7f, 0x1.17deb6p+8f, 0x1.36f774p+8f, 0x1.561032p+8f,
    0x1.7528fp+8f, 0x1.9441aep+8f, 0x1.b35a6cp+8f, 0x1.d2732cp+8f,
    0x1.f18beap+8f, 0x1.085254p+9f, 0x1.17deb2p+9f, 0x1.276b12p+9f,
    0x1.36f77p+9f, 0x1.4683dp+9f, 0x1.56102ep+9f, 0x1.659c8ep+9f,
    0x1.7528ecp+9f, 0x1.84b54cp+9f, 0x1.9441aap+9f, 0x1.a3ce0ap+9f,
    0x1.b35a68p+9f, 0x1.c2e6c8p+9f, 0x1.d27326p+9f, 0x1.e1ff86p+9f,
    0x1.f18be4p+9f, 0x1.00d81cp+10f, 0x1.0936e8p+10f, 0x1.11db88p+10f,
    0x1.1ac844p+10f, 0x1.23ff76p+10f, 0x1.2d838ap+10f, 0x1.3757p+10f,
    0x1.417c72p+10f, 0x1.4bf688p+10f, 0x1.56c808p+10f, 0x1.61f3c8p+10f,
    0x1.6d7cbap+10f, 0x1.7965e8p+10f, 0x1.85b276p+10f, 0x1.92659ep+10f,
    0x1.9f82bcp+10f, 0x1.ad0d4p+10f, 0x1.bb08bcp+10f, 0x1.c978ep+10f,
    0x1.d86178p+10f, 0x1.e7c67p+10f, 0x1.f7abdap+10f, 0x1.040aeep+11f,
    0x1.0c8468p+11f, 0x1.154498p+11f, 0x1.1e4dc8p+11f, 0x1.27a25ap+11f,
    0x1.3144c4p+11f, 0x1.3b378ep+11f, 0x1.457d58p+11f, 0x1.5018d6p+11f,
    0x1.5b0cd2p+11f, 0x1.665c2ep+11f, 0x1.7209eap+11f, 0x1.7e191p+11f,
    0x1.8a8cdp+11f, 0x1.97687cp+11f, 0x1.a4af66p+11f, 0x1.b26514p+11f,
    0x1.c08d28p+11f, 0x1.cf2b5p+11f, 0x1.de436ep+11f, 0x1.edd97ep+11f,
    0x1.fdf19p+11f, 0x1.0747f4p+12f, 0x1.0fdc76p+12f, 0x1.18b888p+12f,
    0x1.21de88p+12f, 0x1.2b50d8p+12f, 0x1.3511f8p+12f, 0x1.3f247ap+12f,
    0x1.498b06p+12f, 0x1.544852p+12f, 0x1.5f5f3ap+12f, 0x1.6ad2a6p+12f,
    0x1.76a59cp+12f, 0x1.82db36p+12f, 0x1.8f76aap+12f, 0x1.9c7b4cp+12f,
    0x1.a9ec8ep+12f, 0x1.b7cdf2p+12f, 0x1.c62322p+12f, 0x1.d4efeap+12f,
    0x1.e43824p+12f, 0x1.f3ffep+12f,
    };
    return edges;
}

// ref: Essentia melbands.cpp calculateFilterFrequencies + essentiamath.h hz2mel/mel2hz (slaney):
//      linear below 1 kHz (3/200 mel per Hz), logarithmic above (27 mel per factor 6.4).
std::array<float, 98> compute_slaney_mel_edges_hz() {
    auto hz_to_mel = [](float hz) -> float {
        if (hz < 1000.0f) return hz * (3.0f / 200.0f);
        return 15.0f + std::log(hz / 1000.0f) / (std::log(6.4f) / 27.0f);
    };
    auto mel_to_hz = [](float mel) -> float {
        if (mel < 15.0f) return mel / (3.0f / 200.0f);
        return 1000.0f * std::exp((mel - 15.0f) * (std::log(6.4f) / 27.0f));
    };
    const float low_mel = hz_to_mel(0.0f), high_mel = hz_to_mel(8000.0f);
    const float step_mel = (high_mel - low_mel) / 97.0f;
    std::array<float, 98> edges{};
    float mel = low_mel;
    for (int i = 0; i < 98; ++i) {
        edges[i] = mel_to_hz(mel);
        mel += step_mel;  // accumulated in float, as Essentia does
    }
    return edges;
}

// ref: Essentia TriangularBands::createFilters (linear triangles on the bin frequencies, then
//      'unit_tri' normalisation: divided by half the triangle's base so each has unit area).
const std::vector<MelBand>& musicnn_mel_bands() {
    static const std::vector<MelBand> bands = [] {
        const std::array<float, 98>& f = musicnn_mel_edges_hz();
        const float bin_hz = 8000.0f / 256.0f;  // 31.25 Hz
        std::vector<MelBand> out(96);
        for (int i = 0; i < 96; ++i) {
            const float rise_hz = f[i + 1] - f[i], fall_hz = f[i + 2] - f[i + 1];
            const int first = int(std::ceil(f[i] / bin_hz)), last = int(std::floor(f[i + 2] / bin_hz));
            const float norm = (rise_hz + fall_hz) / 2.0f;
            out[i].first_bin = first;
            for (int j = first; j <= last; ++j) {
                const float bin_freq = float(j) * bin_hz;
                const float w = bin_freq < f[i + 1] ? (bin_freq - f[i]) / rise_hz : (f[i + 2] - bin_freq) / fall_hz;
                out[i].weights.push_back(w / norm);
            }
        }
        return out;
    }();
    return bands;
}

// ref: Essentia windowing.cpp hann(): 0.5 − 0.5·cos(2πi/(size−1)) in double, stored as float.
const std::array<float, 512>& musicnn_hann_window() {
    static const std::array<float, 512> window = [] {
        std::array<float, 512> w{};
        const double two_pi = 6.283185307179586476925286766559;
        for (int i = 0; i < 512; ++i) w[i] = float(0.5 - 0.5 * std::cos(two_pi * i / 511.0));
        return w;
    }();
    return window;
}

}  // namespace cf::detail
