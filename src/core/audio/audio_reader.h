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
// Formats: WAV (PCM 8/16/24/32-bit, IEEE float 32/64, WAVE_FORMAT_EXTENSIBLE, RF64, any channel count),
// MP3 (libmpg123), FLAC (libFLAC), Ogg Vorbis (libvorbisfile), Ogg Opus (libopusfile). The format is
// sniffed from the first bytes, never from the file name. Channels are averaged to mono and resampled
// (libsamplerate, or our own polyphase filter for `best` downsampling). Memory stays bounded by a few
// blocks whatever the track length: nothing is held at the source rate. Every error message starts
// with the input's name.
//
// Output length: ceil(n_source_frames × output_rate / source_rate) samples, the same whether read from
// the start or reached by seeking. Resampling: libsamplerate's sinc converters; the default `medium`
// is what Essentia's MonoLoader uses; `best` downsamples through a polyphase Kaiser-windowed sinc of our
// own with SRC_SINC_BEST_QUALITY's passband (~15× faster than it: at 44.1 → 16 kHz on a 145 s track
// 0.3 s instead of 4.4 s; docs/benchmarks/analyze.md, "Where the decode time goes").
// tests/core/audio/test_audio_golden.cpp shows how each compares with ffmpeg + soxr.
//
// Bad input policy (what open() and read() report; every message starts with the input's name):
//  - empty:               a 0-byte input, or a header that declares 0 samples.
//  - unsupported_format:  not one of the five formats (the message shows the first bytes), a WAV
//                         encoding other than PCM/float (ADPCM, A-law, ...), Ogg with another codec,
//                         a chained Ogg stream whose sample rate or channel count changes, or bytes
//                         that look like MP3 but in which mpg123 cannot decode a single frame.
//  - corrupt:             a recognised format with inconsistent headers (0 Hz, 0 channels, WAV
//                         block_align that does not match channels × bits), or data a decoder rejects:
//                         any FLAC decoder error followed by more frames (lost sync, bad header, CRC
//                         mismatch), an Ogg page that is missing or fails its CRC (a "hole", also
//                         before the first audio page, which the libraries would take for a later
//                         stream start), an MP3 stream mpg123 cannot resync within its 1024-byte limit
//                         or that stops with input left before its Info-frame length, or a non-finite
//                         decoded sample. Shorter MP3 junk is skipped by mpg123 as every player does:
//                         it cannot be told apart from the junk ordinary files carry.
//  - too_large:           more channels than max_channels, a rate above max_source_rate_hz, a stated
//                         or decoded length above max_duration_s, or decode_all beyond max_output_bytes.
//  - truncated:           the input ends before the length its header promised (WAV data chunk size,
//                         FLAC STREAMINFO total or a FLAC frame cut off at the end, MP3 Info/Xing
//                         frame count with one frame of slack, Ogg stream without its end-of-stream
//                         page) or right after its headers. Truncation policy: read() first returns
//                         every sample that is present (the resampler's tail included), then
//                         ErrorCode::truncated; DecodeOptions::accept_truncated ends quietly instead.
//                         A file cut inside its headers fails in open(). A WAV data chunk that runs
//                         past the end of the file is such a truncation: info().n_source_frames counts
//                         only the frames present (so budgets use the real size). The data size
//                         0xFFFFFFFF means "unknown" (a WAV written to a pipe): read to the end, no error.
// Any error from read() stays until the next seek(). Decoders hold at most one codec frame, so a
// 30-minute 48 kHz stereo Opus file decodes in the same ~5 MB of resident memory as a 1-second one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
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
    best,    ///< SRC_SINC_BEST_QUALITY's passband: our polyphase FIR when downsampling, else libsamplerate's
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
    /// When true, a stream that ends before its header's length ends quietly (read() returns 0)
    /// instead of with ErrorCode::truncated. Corrupt data is still an error.
    bool accept_truncated = false;
    /// Optional source tap: read() calls it with every block it decodes, at the source rate and channel
    /// count, interleaved, before the downmix and resampling (e.g. for EBU R128 loudness, which needs
    /// the original stream). Over a read from the start to the end it sees exactly info().n_source_frames
    /// frames, in order. After seek(time_s) it continues from source frame round(time_s × source rate)
    /// (the seek pre-roll is not shown to it). The tap runs ahead of read()'s output by up to one
    /// decoder block (the resampler's look-ahead); a block that fails the finite-sample check is not
    /// passed on. Must not call back into the reader.
    std::function<void(const float* interleaved, size_t n_frames, int n_channels, int sample_rate_hz)> source_tap;
};

/// Validates options once; the message names the bad field and value.
Status validate(const DecodeOptions& options);

/// Text tags from the file's headers: Vorbis comments (Ogg Vorbis, Ogg Opus, FLAC) and ID3v2.2/2.3/2.4
/// text frames (MP3; our own bounded reader, id3v2.h — mpg123 still skips the tag unparsed), keys
/// lower-cased ("title", "artist", "composer", "genre", "album", "albumartist", "date", "tracknumber",
/// ...). At most 64 tags of at most 1024 bytes each are kept. WAV (LIST/INFO) tags are not read.
using AudioTags = std::map<std::string, std::string>;

struct AudioInfo {
    AudioCodec codec = AudioCodec::wav;
    int source_rate_hz = 0;          ///< the file's own sample rate
    int n_source_channels = 0;       ///< the file's own channel count
    int64_t n_source_frames = -1;    ///< length in source frames, or -1 when the container does not say
    double duration_s = -1.0;        ///< n_source_frames / source_rate_hz, or -1 when unknown
    int output_rate_hz = 16000;      ///< rate of what read() returns (mono)
    /// True when n_source_frames is estimated from the file size (an MP3 without a Xing/Info frame);
    /// such a length is used for budgets and progress but not to detect truncation.
    bool length_is_estimate = false;
    AudioTags tags;                  ///< title, artist, composer, genre, ... when the file has them
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

    /// Positions the stream so that the next read() starts at output sample round(time_s × output
    /// rate), clamped to the end (with an estimated length, a time past the end leaves position_s() at
    /// that time and read() returns 0). The samples that follow equal those a read from the start
    /// gives at that index: identical up to float rounding for WAV, FLAC, MP3 and Vorbis; Opus
    /// re-converges within its 80 ms pre-roll (see tests/core/audio/test_audio_seek.cpp). A negative or non-finite time is
    /// invalid_argument; errors for corrupt streams. Clears an earlier read() error.
    virtual Status seek(double time_s) = 0;

    /// Output samples produced so far since the last seek, as a time in seconds from the start.
    virtual double position_s() const = 0;
};

/// Callback for long jobs: fraction done in [0,1]; return false to cancel.
using ProgressCallback = std::function<bool(double fraction_done)>;

/// Decodes the whole input (from the start, seeking back if the reader was used) to 16 kHz mono.
/// Fails with too_large if the result would exceed options.max_output_bytes (checked from the header
/// before decoding, and again while decoding). `progress` gets the fraction done (0 while the length
/// is unknown) after every block and 1.0 at the end; returning false stops with ErrorCode::cancelled.
Result<std::vector<float>> decode_all(AudioReader& reader, const DecodeOptions& options = {},
                                      const ProgressCallback& progress = {});

struct TimeWindow {
    double start_s = 0.0;
    double duration_s = 0.0;
};

/// Decodes only the given windows (e.g. a few 30 s excerpts of a 30-minute track), seeking between
/// them. Each window has round(duration_s × output rate) samples, as decode_all's slice starting at
/// round(start_s × output rate) would. Windows past the end come back shorter (or empty). One vector
/// per window, in order. A negative or non-finite start or duration is invalid_argument.
Result<std::vector<std::vector<float>>> decode_windows(AudioReader& reader, const std::vector<TimeWindow>& windows);

}  // namespace cf
