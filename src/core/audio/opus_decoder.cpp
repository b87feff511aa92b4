// Ogg Opus decoding with libopusfile (op_open_callbacks over the ByteSource); always 48 kHz.
//
// Any channel count opusfile accepts (mapping families 0, 1 and 255, up to 255 channels) is decoded
// with op_read_float, which returns every channel interleaved. Chained streams must keep the channel
// count. A hole (missing page / failed CRC) or a bad packet is fatal.
#include <opusfile.h>

#include <algorithm>
#include <cstdio>

#include "core/audio/detail/ogg_check.h"
#include "core/audio/detail/pcm_decoder.h"

namespace cf::detail {
namespace {

constexpr int kOpusRateHz = 48000;

class OpusDecoder final : public PcmDecoder {
public:
    explicit OpusDecoder(ByteSource& source) : io_(source) {}
    ~OpusDecoder() override {
        if (file_) op_free(file_);
    }

    Status open(const DecodeOptions& options) {
        Result<bool> complete = ogg_stream_is_complete(io_.source());
        if (!complete) return complete.status();
        truncated_ = !*complete;
        Result<bool> contiguous = ogg_stream_start_is_contiguous(io_.source());
        if (!contiguous) return contiguous.status();
        CF_RETURN_IF_ERROR(io_.source().seek(0));

        OpusFileCallbacks callbacks{&OpusDecoder::read_cb, &OpusDecoder::seek_cb, &OpusDecoder::tell_cb, nullptr};
        int rc = 0;
        file_ = op_open_callbacks(this, &callbacks, nullptr, 0, &rc);
        CF_RETURN_IF_ERROR(io_.io_error());
        if (!file_) {
            if (!*contiguous)
                return error(ErrorCode::corrupt, "Ogg Opus headers are damaged: a page is missing or fails its CRC (" +
                                                     opusfile_error(rc) + ")");
            if (truncated_)
                return error(ErrorCode::truncated, "Ogg Opus file ends before its first complete audio page (truncated; " +
                                                       opusfile_error(rc) + ")");
            return error(rc == OP_EVERSION || rc == OP_EIMPL ? ErrorCode::unsupported_format : ErrorCode::corrupt,
                         "Ogg Opus headers are invalid (" + opusfile_error(rc) + ")");
        }
        format_.source_rate_hz = kOpusRateHz;
        format_.n_channels = op_channel_count(file_, 0);
        CF_RETURN_IF_ERROR(check_format(io_.source(), format_, options));
        if (const OpusTags* tags = op_tags(file_, 0))
            for (int i = 0; i < tags->comments; ++i) add_vorbis_comment(format_.tags, tags->user_comments[i], size_t(tags->comment_lengths[i]));
        int n_links = op_link_count(file_);
        for (int link = 1; link < n_links; ++link) {
            int n_channels = op_channel_count(file_, link);
            if (n_channels != format_.n_channels)
                return error(ErrorCode::unsupported_format,
                             "chained Ogg Opus stream changes from " + std::to_string(format_.n_channels) + " to " +
                                 std::to_string(n_channels) + " channels in link " + std::to_string(link + 1) +
                                 "; not supported");
        }
        ogg_int64_t total = op_pcm_total(file_, -1);
        format_.n_frames = total >= 0 ? int64_t(total) : -1;
        if (!*contiguous)
            return error(ErrorCode::corrupt, "Ogg Opus: a page before the first audio page is missing or fails its CRC");
        if (format_.n_frames == 0)
            return truncated_ ? error(ErrorCode::truncated, "Ogg Opus file ends after its headers (truncated)")
                              : error(ErrorCode::empty, "Ogg Opus stream holds no samples");
        CF_RETURN_IF_ERROR(check_format(io_.source(), format_, options));
        return Status::ok();
    }

    const PcmFormat& format() const override { return format_; }

    Result<size_t> read(float* out, size_t n_frames) override {
        if (at_end_) return end_of_stream();
        size_t n_channels = size_t(format_.n_channels);
        int buffer_floats = int(std::min<size_t>(n_frames * n_channels, size_t(1) << 24));
        int link = 0;
        int n = op_read_float(file_, out, buffer_floats, &link);
        CF_RETURN_IF_ERROR(io_.io_error());
        if (n == 0) {
            at_end_ = true;
            return end_of_stream();
        }
        if (n < 0)
            return error(ErrorCode::corrupt, "Ogg Opus: " + opusfile_error(n) + " near byte " + std::to_string(io_.tell()));
        if (op_channel_count(file_, link) != format_.n_channels)
            return error(ErrorCode::corrupt, "Ogg Opus channel count changes mid-stream");
        return size_t(n);
    }

    Status seek(int64_t frame) override {
        at_end_ = false;
        if (format_.n_frames >= 0 && frame >= format_.n_frames) {
            at_end_ = true;
            return Status::ok();
        }
        int rc = op_pcm_seek(file_, ogg_int64_t(frame));
        CF_RETURN_IF_ERROR(io_.io_error());
        if (rc != 0)
            return error(ErrorCode::corrupt, "Ogg Opus: seek to sample " + std::to_string(frame) + " failed (" +
                                                 opusfile_error(rc) + ")");
        return Status::ok();
    }

private:
    Status error(ErrorCode code, const std::string& message) const { return input_error(io_.source(), code, message); }

    Result<size_t> end_of_stream() const {
        if (truncated_) return error(ErrorCode::truncated, "Ogg Opus stream ends without its end-of-stream page (truncated)");
        return size_t(0);
    }

    static std::string opusfile_error(int rc) {
        switch (rc) {
            case OP_HOLE: return "missing or corrupt data (a page is missing or fails its CRC)";
            case OP_EREAD: return "read error";
            case OP_EFAULT: return "internal decoder fault";
            case OP_EIMPL: return "feature not implemented";
            case OP_EINVAL: return "invalid argument";
            case OP_ENOTFORMAT: return "not Opus data";
            case OP_EBADHEADER: return "bad header";
            case OP_EVERSION: return "unsupported Opus version";
            case OP_EBADPACKET: return "bad packet";
            case OP_EBADLINK: return "invalid stream section";
            case OP_ENOSEEK: return "stream not seekable";
            case OP_EBADTIMESTAMP: return "invalid timestamp";
            default: return "error " + std::to_string(rc);
        }
    }

    static int read_cb(void* stream, unsigned char* dst, int n_bytes) {
        if (n_bytes <= 0) return 0;
        return int(static_cast<OpusDecoder*>(stream)->io_.read(dst, size_t(n_bytes)));
    }
    static int seek_cb(void* stream, opus_int64 offset, int whence) {
        return static_cast<OpusDecoder*>(stream)->io_.seek(offset, whence) < 0 ? -1 : 0;
    }
    static opus_int64 tell_cb(void* stream) { return static_cast<OpusDecoder*>(stream)->io_.tell(); }

    SourceStream io_;
    OggOpusFile* file_ = nullptr;
    bool truncated_ = false;  ///< the file has no end-of-stream page: reaching the end is a truncation
    bool at_end_ = false;
    PcmFormat format_;
};

}  // namespace

Result<std::unique_ptr<PcmDecoder>> open_opus_decoder(ByteSource& source, const DecodeOptions& options) {
    auto decoder = std::make_unique<OpusDecoder>(source);
    CF_RETURN_IF_ERROR(decoder->open(options));
    return std::unique_ptr<PcmDecoder>(std::move(decoder));
}

}  // namespace cf::detail
