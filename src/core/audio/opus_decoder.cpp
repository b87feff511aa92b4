// Ogg Opus decoding with libopusfile (op_open_callbacks over the ByteSource); always 48 kHz.
//
// Any channel count opusfile accepts (mapping families 0, 1 and 255, up to 255 channels) is decoded
// with op_read_float, which returns every channel interleaved. Chained streams must keep the channel
// count. A hole (missing page / failed CRC) or a bad packet is fatal. The checks and messages shared
// with Ogg Vorbis live in OggDecoder (ogg_decoder.cpp).
#include <opusfile.h>

#include <algorithm>
#include <cstdio>

#include "core/audio/detail/ogg_decoder.h"

namespace cf::detail {
namespace {

constexpr int kOpusRateHz = 48000;

class OpusDecoder final : public OggDecoder {
public:
    explicit OpusDecoder(ByteSource& source) : OggDecoder(source, "Ogg Opus") {}
    ~OpusDecoder() override {
        if (file_) op_free(file_);
    }

private:
    int open_library() override {
        OpusFileCallbacks callbacks{&OpusDecoder::read_cb, &OpusDecoder::seek_cb, &OpusDecoder::tell_cb, nullptr};
        int rc = 0;
        file_ = op_open_callbacks(this, &callbacks, nullptr, 0, &rc);
        return file_ ? 0 : (rc != 0 ? rc : OP_EFAULT);
    }

    Status read_headers(const DecodeOptions& options) override {
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
        return Status::ok();
    }

    int64_t total_frames() override { return int64_t(op_pcm_total(file_, -1)); }

    long read_library(float* out, size_t n_frames, int& link) override {
        // op_read_float writes at most buffer_floats values, whatever the link's channel count.
        int buffer_floats = int(std::min<size_t>(n_frames * size_t(format_.n_channels), size_t(1) << 24));
        return op_read_float(file_, out, buffer_floats, &link);
    }

    int link_channels(int link) override { return op_channel_count(file_, link); }
    int seek_library(int64_t frame) override { return op_pcm_seek(file_, ogg_int64_t(frame)); }
    bool is_unsupported(int rc) const override { return rc == OP_EVERSION || rc == OP_EIMPL; }

    std::string library_error(int rc) const override {
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

    OggOpusFile* file_ = nullptr;
};

}  // namespace

Result<std::unique_ptr<PcmDecoder>> open_opus_decoder(ByteSource& source, const DecodeOptions& options) {
    return open_ogg_decoder<OpusDecoder>(source, options);
}

}  // namespace cf::detail
