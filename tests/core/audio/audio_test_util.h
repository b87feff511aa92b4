// Helpers for the audio tests: fixture paths, whole-file reads and a windowed single-bin DFT.
//
// The fixtures (tests/data/audio/, made by tools/make_audio_fixtures.sh) all carry one signal of
// duration D: tones on [0, 0.75 D) (even channels 0.5·sin 440 Hz, odd channels 0.5·sin 1000 Hz, so the
// mono mix has 0.25 at each), then a 500 → 3000 Hz chirp of amplitude 0.4 on [0.75 D, D).
#pragma once

#include <cctype>
#include <cmath>
#include <complex>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "core/audio/audio_reader.h"
#include "test_util.h"

namespace cf::test {

inline std::string audio_fixture(const std::string& name) { return test_data_dir() + "/audio/" + name; }

/// Amplitude of the sinusoid at `freq_hz` in x[begin, end): 2|Σ w·x·e^{-iωn}| / Σ w with a Hann window w,
/// so a pure tone of amplitude A reads A and a tone a few bins away reads ~0 (Hann sidelobes < -31 dB,
/// falling 18 dB/octave).
inline double tone_amplitude(const std::vector<float>& x, size_t begin, size_t end, double freq_hz, double rate_hz) {
    std::complex<double> acc = 0.0;
    double window_sum = 0.0;
    const double n = double(end - begin);
    for (size_t i = begin; i < end && i < x.size(); ++i) {
        double w = 0.5 - 0.5 * std::cos(2.0 * M_PI * double(i - begin) / n);
        acc += w * double(x[i]) * std::polar(1.0, -2.0 * M_PI * freq_hz * double(i) / rate_hz);
        window_sum += w;
    }
    return window_sum > 0 ? 2.0 * std::abs(acc) / window_sum : 0.0;
}

inline double rms(const std::vector<float>& x, size_t begin, size_t end) {
    double sum = 0.0;
    for (size_t i = begin; i < end && i < x.size(); ++i) sum += double(x[i]) * x[i];
    return end > begin ? std::sqrt(sum / double(end - begin)) : 0.0;
}

/// A GoogleTest parameter name from a fixture file name ("wav_s16.wav" → "wav_s16_wav").
inline std::string param_name(const std::string& file) {
    std::string name = file;
    for (char& ch : name)
        if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
    return name;
}

/// Reads everything with blocks of `block` samples; the error Status if a read fails.
inline Result<std::vector<float>> read_all(AudioReader& reader, size_t block) {
    std::vector<float> out;
    std::vector<float> buffer(block);
    for (;;) {
        Result<size_t> n = reader.read(buffer.data(), block);
        if (!n) return n.status();
        if (*n == 0) return out;
        out.insert(out.end(), buffer.begin(), buffer.begin() + long(*n));
    }
}

}  // namespace cf::test
