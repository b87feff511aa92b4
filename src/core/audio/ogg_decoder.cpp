// The codec-independent half of the Ogg Opus and Ogg Vorbis decoders (detail/ogg_decoder.h).
#include "core/audio/detail/ogg_decoder.h"

#include "core/audio/detail/ogg_check.h"

namespace cf::detail {

Status OggDecoder::open(const DecodeOptions& options) {
    // Both libraries skip what these checks find (ogg_check.h), so they run before the library opens.
    Result<bool> complete = ogg_stream_is_complete(io_.source());
    if (!complete) return complete.status();
    truncated_ = !*complete;
    Result<bool> contiguous = ogg_stream_start_is_contiguous(io_.source());
    if (!contiguous) return contiguous.status();
    CF_RETURN_IF_ERROR(io_.source().seek(0));

    int rc = open_library();
    CF_RETURN_IF_ERROR(io_.io_error());
    if (rc != 0) return open_failed(rc, *contiguous);
    CF_RETURN_IF_ERROR(read_headers(options));
    int64_t total = total_frames();
    format_.n_frames = total >= 0 ? total : -1;
    if (!*contiguous)
        return error(ErrorCode::corrupt, codec_name_ + ": a page before the first audio page is missing or fails its CRC");
    if (format_.n_frames == 0)
        return truncated_ ? error(ErrorCode::truncated, codec_name_ + " file ends after its headers (truncated)")
                          : error(ErrorCode::empty, codec_name_ + " stream holds no samples");
    return check_format(io_.source(), format_, options);
}

// The library's own code says little about why; what the page checks found says more, so it comes first.
Status OggDecoder::open_failed(int rc, bool contiguous) const {
    if (!contiguous)
        return error(ErrorCode::corrupt, codec_name_ + " headers are damaged: a page is missing or fails its CRC (" +
                                             library_error(rc) + ")");
    if (truncated_)
        return error(ErrorCode::truncated, codec_name_ + " file ends before its first complete audio page (truncated; " +
                                               library_error(rc) + ")");
    return error(is_unsupported(rc) ? ErrorCode::unsupported_format : ErrorCode::corrupt,
                 codec_name_ + " headers are invalid (" + library_error(rc) + ")");
}

Result<size_t> OggDecoder::read(float* out, size_t n_frames) {
    if (at_end_) return end_of_stream();
    int link = 0;
    long n = read_library(out, n_frames, link);
    CF_RETURN_IF_ERROR(io_.io_error());
    if (n == 0) {
        at_end_ = true;
        return end_of_stream();
    }
    if (n < 0)
        return error(ErrorCode::corrupt,
                     codec_name_ + ": " + library_error(int(n)) + " near byte " + std::to_string(io_.tell()));
    if (link_channels(link) != format_.n_channels)
        return error(ErrorCode::corrupt, codec_name_ + " channel count changes mid-stream");
    return size_t(n);
}

Status OggDecoder::seek(int64_t frame) {
    at_end_ = false;
    if (format_.n_frames >= 0 && frame >= format_.n_frames) {
        at_end_ = true;
        return Status::ok();
    }
    int rc = seek_library(frame);
    CF_RETURN_IF_ERROR(io_.io_error());
    if (rc != 0)
        return error(ErrorCode::corrupt, codec_name_ + ": seek to sample " + std::to_string(frame) + " failed (" +
                                             library_error(rc) + ")");
    return Status::ok();
}

Result<size_t> OggDecoder::end_of_stream() const {
    if (truncated_)
        return error(ErrorCode::truncated, codec_name_ + " stream ends without its end-of-stream page (truncated)");
    return size_t(0);
}

}  // namespace cf::detail
