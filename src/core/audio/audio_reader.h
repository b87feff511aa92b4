// cuefinder core — streaming audio decoding to 16 kHz mono.
//
//   cf::DecodeOptions opts;                              // 16 kHz mono by default
//   auto reader = cf::AudioReader::open_file("song.opus", opts);
//   if (!reader) { report(reader.status().message()); return; }
//   float block[4096];
//   for (;;) {
//       auto n = (*reader)->read(block, 4096);            // Result<size_t>: 0 at the end
//       if (!n) { report(n.status().message()); break; }  // corrupt frame, truncated file, ...
//       if (*n == 0) break;
//       consume(block, *n);
//   }
//
// Formats: WAV (PCM 8/16/24/32-bit, IEEE float 32/64, WAVE_FORMAT_EXTENSIBLE, any channel count),
// MP3 (libmpg123), FLAC (libFLAC), Ogg Vorbis (libvorbisfile), Ogg Opus (libopusfile). The format is
// sniffed from the first bytes, never from the file name. Channels are averaged to mono and resampled
// with libsamplerate. Memory stays bounded by a few blocks whatever the track length: nothing is held
// at the source rate. Every error message starts with the input's name.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/common/status.h"
#include "core/io/byte_source.h"

namespace cf {

enum class AudioCodec { wav, mp3, flac, vorbis, opus };
const char* audio_codec_name(AudioCodec codec);

enum class ResampleQuality {
    fast,    ///< libsamplerate SRC_SINC_FASTEST
    medium,  ///< libsamplerate SRC_SINC_MEDIUM_QUALITY
    best,    ///< libsamplerate SRC_SINC_BEST_QUALITY
};

struct DecodeOptions {
    int output_rate_hz = 16000;                        ///< rate of the mono output
    ResampleQuality resample_quality = ResampleQuality::medium;
    int max_channels = 64;                             ///< more channels than this is rejected as absurd
    int min_source_rate_hz = 1000;                     ///< below this the header is rejected as absurd
    int max_source_rate_hz = 768000;                   ///< above this the header is rejected as absurd
    double max_duration_s = 4.0 * 3600.0;              ///< longer inputs are rejected (too_large)
    /// Budget for decode_all(): the 16 kHz mono float output must fit in this many bytes.
    size_t max_output_bytes = size_t(512) << 20;
};

/// Validates options once; the message names the bad field and value.
Status validate(const DecodeOptions& options);

struct AudioInfo {
    AudioCodec codec = AudioCodec::wav;
    int source_rate_hz = 0;          ///< the file's own sample rate
    int n_source_channels = 0;       ///< the file's own channel count
    int64_t n_source_frames = -1;    ///< length in source frames, or -1 when the container does not say
    double duration_s = -1.0;        ///< n_source_frames / source_rate_hz, or -1 when unknown
    int output_rate_hz = 16000;      ///< rate of what read() returns (mono)
};

class AudioReader {
public:
    /// Opens and sniffs `source`; reads headers only. Errors name `source->name()`.
    static Result<std::unique_ptr<AudioReader>> open(std::unique_ptr<ByteSource> source,
                                                     const DecodeOptions& options = {});
    static Result<std::unique_ptr<AudioReader>> open_file(const std::string& path,
                                                          const DecodeOptions& options = {});
    virtual ~AudioReader() = default;

    virtual const AudioInfo& info() const = 0;
    virtual const std::string& name() const = 0;

    /// Reads up to `n_samples` mono samples at info().output_rate_hz; returns 0 at the end of the input.
    /// A corrupt or truncated stream returns an error naming the input and the position.
    virtual Result<size_t> read(float* out, size_t n_samples) = 0;

    /// Positions the stream so that the next read() starts at `time_s` (clamped to the end).
    /// Sample-accurate to within the resampler's delay; errors for unseekable/corrupt streams.
    virtual Status seek(double time_s) = 0;

    /// Output samples produced so far since the last seek, as a time in seconds from the start.
    virtual double position_s() const = 0;
};

/// Callback for long jobs: fraction done in [0,1]; return false to cancel.
using ProgressCallback = std::function<bool(double fraction_done)>;

/// Decodes the whole input to 16 kHz mono. Fails with too_large if the result would exceed
/// options.max_output_bytes (checked from the header before decoding, and again while decoding).
Result<std::vector<float>> decode_all(AudioReader& reader, const DecodeOptions& options = {},
                                      const ProgressCallback& progress = {});

struct TimeWindow {
    double start_s = 0.0;
    double duration_s = 0.0;
};

/// Decodes only the given windows (e.g. a few 30 s excerpts of a 30-minute track), seeking between
/// them. Windows past the end come back shorter (or empty). One vector per window, in order.
Result<std::vector<std::vector<float>>> decode_windows(AudioReader& reader, const std::vector<TimeWindow>& windows);

}  // namespace cf
