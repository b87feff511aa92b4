// cuefinder core — INTERNAL (not a stable API): what the Ogg Opus and Ogg Vorbis decoders share.
//
// Both wrap a C library (libopusfile, libvorbisfile) that reads an Ogg file through I/O callbacks
// and reports the same kinds of failure. OggDecoder does the parts that do not depend on the codec:
// the page checks the libraries lack (ogg_check.h), the order of the checks at open, end-of-stream
// versus truncation, the read/seek loop and every error message (worded once, with the codec's name).
// A codec class supplies the library calls through the hooks below:
//
//   class OpusDecoder final : public OggDecoder {
//       int open_library() override;                       // op_open_callbacks over io_
//       Status read_headers(const DecodeOptions&) override; // rate, channels, tags, chained links
//       ...
//   };
//   return open_ogg_decoder<OpusDecoder>(source, options);
#pragma once

#include <memory>
#include <string>

#include "core/audio/detail/pcm_decoder.h"

namespace cf::detail {

class OggDecoder : public PcmDecoder {
public:
    /// Checks the pages, opens the library, reads the headers and the length. Errors: corrupt (a
    /// damaged page before the audio, invalid headers), truncated, empty, unsupported_format, and
    /// those of check_format and of read_headers.
    Status open(const DecodeOptions& options);

    const PcmFormat& format() const final { return format_; }
    Result<size_t> read(float* out, size_t n_frames) final;
    Status seek(int64_t frame) final;

protected:
    /// `codec_name` starts every message, e.g. "Ogg Opus".
    OggDecoder(ByteSource& source, std::string codec_name) : io_(source), codec_name_(std::move(codec_name)) {}

    /// Opens the library over io_ (positioned at 0); returns 0 or the library's error code.
    virtual int open_library() = 0;
    /// After a successful open_library: fills format_'s rate, channels and tags, checks them with
    /// check_format and checks that every chained link keeps the format.
    virtual Status read_headers(const DecodeOptions& options) = 0;
    /// Length of the whole (chained) stream in frames, or negative when unknown.
    virtual int64_t total_frames() = 0;
    /// Decodes up to `n_frames` interleaved frames into `out` when the link keeps format_.n_channels;
    /// returns the count (0 at the end) or the library's negative error code, and the link decoded.
    virtual long read_library(float* out, size_t n_frames, int& link) = 0;
    /// Channels of chained link `link`, or -1 when the library has no header for it.
    virtual int link_channels(int link) = 0;
    /// Seeks the library to `frame`; returns 0 or the library's error code.
    virtual int seek_library(int64_t frame) = 0;
    /// The library's error code in words.
    virtual std::string library_error(int rc) const = 0;
    /// True for the error codes of open_library that mean "a version or feature we do not support".
    virtual bool is_unsupported(int rc) const = 0;

    Status error(ErrorCode code, const std::string& message) const { return input_error(io_.source(), code, message); }

    SourceStream io_;
    PcmFormat format_;
    const std::string codec_name_;

private:
    Status open_failed(int rc, bool contiguous) const;
    Result<size_t> end_of_stream() const;

    bool truncated_ = false;  ///< the file has no end-of-stream page: reaching the end is a truncation
    bool at_end_ = false;
};

/// Makes a Decoder (an OggDecoder constructed from a ByteSource&) and opens it.
template <class Decoder>
Result<std::unique_ptr<PcmDecoder>> open_ogg_decoder(ByteSource& source, const DecodeOptions& options) {
    auto decoder = std::make_unique<Decoder>(source);
    CF_RETURN_IF_ERROR(decoder->open(options));
    return std::unique_ptr<PcmDecoder>(std::move(decoder));
}

}  // namespace cf::detail
