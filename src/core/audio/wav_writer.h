// cuefinder core — writing a WAV file (RIFF/WAVE) in memory: 16-bit PCM or 32-bit IEEE float.
//
//   cf::Result<std::vector<uint8_t>> wav = cf::encode_wav(samples, /*n_channels=*/2, 48000);   // 16-bit
//   cf::Result<std::vector<uint8_t>> f32 = cf::encode_wav(samples, 2, 48000, cf::WavSampleFormat::float32);
//   // write wav->data(), wav->size() to a file, or hand the bytes to JS as a Blob
//
// Layout (little-endian): "RIFF" size "WAVE", a "fmt " chunk (16 bytes for PCM; 18 with cbSize = 0
// for float, WAVE_FORMAT_IEEE_FLOAT = 3), for float a "fact" chunk (frames per channel), then "data"
// with exactly samples.size() samples. 16-bit: each sample clamped to [−1, 1], × 32767, rounded to
// nearest (no dither). ref: Microsoft "Multimedia Programming Interface and Data Specifications 1.0"
// (RIFF, WAVE fmt/data) and its 1994 update (fact chunk, WAVE_FORMAT_IEEE_FLOAT).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/common/status.h"

namespace cf {

enum class WavSampleFormat {
    pcm16,    ///< 16-bit signed integer PCM (format tag 1)
    float32,  ///< 32-bit IEEE float (format tag 3)
};

/// The WAV header's size in bytes for a format (44 for pcm16, 58 for float32).
size_t wav_header_bytes(WavSampleFormat format);

/// Encodes interleaved samples (samples.size() a multiple of n_channels). Errors (a Status naming the
/// problem): no samples, n_channels outside [1, 64], sample_rate_hz outside [1, 768000], a sample
/// count that is not a whole number of frames, NaN/infinite samples, a data chunk over 4 GiB.
Result<std::vector<uint8_t>> encode_wav(std::span<const float> interleaved, int n_channels, int sample_rate_hz,
                                        WavSampleFormat format = WavSampleFormat::pcm16);

}  // namespace cf
