// cuefinder core — INTERNAL (not a stable API): one decoder per codec behind one interface.
//
// AudioReader (audio_reader.cpp) sniffs the codec, opens the matching PcmDecoder, then averages its
// interleaved frames to mono and resamples them. Each codec lives in its own .cpp:
//   wav_decoder.cpp (own RIFF/RF64 parser), mp3_decoder.cpp (libmpg123), flac_decoder.cpp (libFLAC),
//   vorbis_decoder.cpp (libvorbisfile), opus_decoder.cpp (libopusfile), both over OggDecoder
//   (ogg_decoder.h: the page checks, open/read/seek and messages they share).
// Decoders read only through the ByteSource (never the whole input at once) and hold at most one
// codec frame of samples.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "core/audio/audio_reader.h"
#include "core/common/status.h"
#include "core/io/byte_source.h"

namespace cf::detail {

struct PcmFormat {
    int source_rate_hz = 0;
    int n_channels = 0;
    int64_t n_frames = -1;            ///< length in frames, or -1 when unknown
    bool n_frames_is_estimate = false;  ///< n_frames guessed from the file size (MP3 without Xing/Info)
    AudioTags tags;                   ///< text tags found in the headers (see AudioInfo::tags)
};

/// Adds one "KEY=value" Vorbis comment (Vorbis, Opus, FLAC) to `tags`, lower-casing the key; bounded
/// (kMaxTags tags, kMaxTagBytes per value) whatever the file claims. Entries without '=' are ignored.
void add_vorbis_comment(AudioTags& tags, const char* entry, size_t length);
/// Adds key → value (repeated keys are joined with "; "), with the same bounds.
void add_tag(AudioTags& tags, std::string key, std::string value);

class PcmDecoder {
public:
    virtual ~PcmDecoder() = default;
    virtual const PcmFormat& format() const = 0;

    /// Reads up to `n_frames` frames as interleaved floats (n_frames × n_channels values, nominally
    /// in [-1, 1]) into `out`. Returns the number of frames; 0 only at the clean end of the stream.
    /// Ends with ErrorCode::truncated when the stream stops before the length its header promised,
    /// after every present frame has been returned. Messages start with the input's name.
    virtual Result<size_t> read(float* out, size_t n_frames) = 0;

    /// Positions the decoder at source frame `frame` (≥ 0); at or past the end positions at the end.
    virtual Status seek(int64_t frame) = 0;
};

Result<std::unique_ptr<PcmDecoder>> open_wav_decoder(ByteSource& source, const DecodeOptions& options);
Result<std::unique_ptr<PcmDecoder>> open_mp3_decoder(ByteSource& source, const DecodeOptions& options);
Result<std::unique_ptr<PcmDecoder>> open_flac_decoder(ByteSource& source, const DecodeOptions& options);
Result<std::unique_ptr<PcmDecoder>> open_vorbis_decoder(ByteSource& source, const DecodeOptions& options);
Result<std::unique_ptr<PcmDecoder>> open_opus_decoder(ByteSource& source, const DecodeOptions& options);

/// Opens the decoder for `codec` with `source` positioned anywhere (each decoder seeks to 0 first).
Result<std::unique_ptr<PcmDecoder>> open_decoder(AudioCodec codec, ByteSource& source,
                                                 const DecodeOptions& options);

/// Opens an AudioReader without sniffing (the fuzz targets force one codec this way).
Result<std::unique_ptr<AudioReader>> open_reader_as(AudioCodec codec, std::unique_ptr<ByteSource> source,
                                                    const DecodeOptions& options);

/// Reads until `n_bytes` are in or the input ends (ByteSource::read may return less); the count read.
Result<size_t> read_fully(ByteSource& source, void* dst, size_t n_bytes);

/// Status(code, "<source name>: <message>").
Status input_error(const ByteSource& source, ErrorCode code, const std::string& message);

/// Checks a decoder's header values against the options: 0 Hz / 0 channels are corrupt; more channels
/// than options.max_channels, a rate above max_source_rate_hz or a length above max_duration_s are
/// too_large; a rate below min_source_rate_hz is corrupt. Every decoder calls this as soon as it knows
/// the values, before allocating anything that depends on them.
Status check_format(const ByteSource& source, const PcmFormat& format, const DecodeOptions& options);

/// Adapts a ByteSource to the C libraries' POSIX-like I/O callbacks and keeps the first I/O error,
/// so a decoder can report the ByteSource's own message instead of the library's generic one.
class SourceStream {
public:
    explicit SourceStream(ByteSource& source) : source_(source) {}
    /// Reads up to `n_bytes`; returns the count (0 at the end) or -1 after an I/O error.
    int64_t read(void* dst, size_t n_bytes);
    /// lseek(): `whence` is SEEK_SET, SEEK_CUR or SEEK_END. Returns the new position or -1.
    int64_t seek(int64_t offset_bytes, int whence);
    int64_t tell() const { return source_.tell(); }
    int64_t size() const { return source_.size(); }
    bool at_end() const { return source_.tell() >= source_.size(); }
    /// The first read/seek error (ok if none).
    const Status& io_error() const { return io_error_; }
    ByteSource& source() { return source_; }
    const ByteSource& source() const { return source_; }
    const std::string& name() const { return source_.name(); }

private:
    ByteSource& source_;
    Status io_error_;
};

}  // namespace cf::detail
