// Ogg Vorbis decoding with libvorbisfile (ov_open_callbacks over the ByteSource).
//
// Chained streams (several logical streams one after another) decode as one track when every link has
// the same rate and channel count; a chain that changes format is rejected at open as unsupported.
// A hole (a missing page, or one that fails its CRC) is fatal: vorbisfile would skip it silently.
// The checks and messages shared with Ogg Opus live in OggDecoder (ogg_decoder.cpp).
#define OV_EXCLUDE_STATIC_CALLBACKS
#include <vorbis/vorbisfile.h>

#include <algorithm>
#include <cstdio>

#include "core/audio/detail/ogg_decoder.h"

namespace cf::detail {
namespace {

class VorbisDecoder final : public OggDecoder {
public:
    explicit VorbisDecoder(ByteSource& source) : OggDecoder(source, "Ogg Vorbis") {}
    ~VorbisDecoder() override {
        if (opened_) ov_clear(&file_);
    }

private:
    int open_library() override {
        ov_callbacks callbacks{&VorbisDecoder::read_cb, &VorbisDecoder::seek_cb, nullptr, &VorbisDecoder::tell_cb};
        int rc = ov_open_callbacks(this, &file_, nullptr, 0, callbacks);
        opened_ = rc == 0;
        return rc;
    }

    Status read_headers(const DecodeOptions& options) override {
        const vorbis_info* first = ov_info(&file_, 0);
        if (!first) return error(ErrorCode::corrupt, "Ogg Vorbis stream has no header");
        format_.source_rate_hz = int(std::min<long>(first->rate, 0x7FFFFFFF));
        format_.n_channels = first->channels;
        CF_RETURN_IF_ERROR(check_format(io_.source(), format_, options));
        if (const vorbis_comment* vc = ov_comment(&file_, 0))
            for (int i = 0; i < vc->comments; ++i) add_vorbis_comment(format_.tags, vc->user_comments[i], size_t(vc->comment_lengths[i]));
        CF_RETURN_IF_ERROR(check_links(*first));
        if (ov_streams(&file_) > 1) {
            // libvorbisfile 1.3.7 leaves a chained file positioned at its last link after the open-time
            // scan; without this the first links would be skipped.
            int rc_seek = ov_raw_seek(&file_, 0);
            CF_RETURN_IF_ERROR(io_.io_error());
            if (rc_seek != 0) return error(ErrorCode::corrupt, "Ogg Vorbis: cannot return to the start (" + library_error(rc_seek) + ")");
        }
        return Status::ok();
    }

    Status check_links(const vorbis_info& first) {
        long n_links = ov_streams(&file_);
        for (long link = 1; link < n_links; ++link) {
            const vorbis_info* info = ov_info(&file_, int(link));
            if (!info || info->rate != first.rate || info->channels != first.channels)
                return error(ErrorCode::unsupported_format,
                             "chained Ogg Vorbis stream changes from " + std::to_string(first.rate) + " Hz " +
                                 std::to_string(first.channels) + " ch to " +
                                 (info ? std::to_string(info->rate) + " Hz " + std::to_string(info->channels) + " ch"
                                       : std::string("an unreadable header")) +
                                 " in link " + std::to_string(link + 1) + "; not supported");
        }
        return Status::ok();
    }

    int64_t total_frames() override { return int64_t(ov_pcm_total(&file_, -1)); }

    long read_library(float* out, size_t n_frames, int& link) override {
        float** pcm = nullptr;
        int max_frames = int(std::min<size_t>(n_frames, 1 << 20));
        long n = ov_read_float(&file_, &pcm, max_frames, &link);
        // A link with another channel count would overrun `out`: OggDecoder::read reports it instead.
        if (n <= 0 || link_channels(link) != format_.n_channels) return n;
        size_t n_channels = size_t(format_.n_channels);
        for (size_t c = 0; c < n_channels; ++c)
            for (long i = 0; i < n; ++i) out[size_t(i) * n_channels + c] = pcm[c][i];
        return n;
    }

    int link_channels(int link) override {
        const vorbis_info* info = ov_info(&file_, link);
        return info ? info->channels : -1;
    }
    int seek_library(int64_t frame) override { return ov_pcm_seek(&file_, ogg_int64_t(frame)); }
    bool is_unsupported(int rc) const override { return rc == OV_EVERSION; }

    std::string library_error(int rc) const override {
        switch (rc) {
            case OV_HOLE: return "missing or corrupt data (a page is missing or fails its CRC)";
            case OV_EREAD: return "read error";
            case OV_EFAULT: return "internal decoder fault";
            case OV_EIMPL: return "feature not implemented";
            case OV_EINVAL: return "invalid argument";
            case OV_ENOTVORBIS: return "not Vorbis data";
            case OV_EBADHEADER: return "bad header";
            case OV_EVERSION: return "unsupported Vorbis version";
            case OV_EBADLINK: return "invalid stream section";
            case OV_ENOSEEK: return "stream not seekable";
            case OV_EBADPACKET: return "bad packet";
            default: return "error " + std::to_string(rc);
        }
    }

    static size_t read_cb(void* dst, size_t size, size_t count, void* stream) {
        if (size == 0 || count == 0) return 0;
        int64_t n = static_cast<VorbisDecoder*>(stream)->io_.read(dst, size * count);
        return n < 0 ? 0 : size_t(n) / size;
    }
    static int seek_cb(void* stream, ogg_int64_t offset, int whence) {
        return static_cast<VorbisDecoder*>(stream)->io_.seek(offset, whence) < 0 ? -1 : 0;
    }
    static long tell_cb(void* stream) { return long(static_cast<VorbisDecoder*>(stream)->io_.tell()); }

    OggVorbis_File file_{};
    bool opened_ = false;
};

}  // namespace

Result<std::unique_ptr<PcmDecoder>> open_vorbis_decoder(ByteSource& source, const DecodeOptions& options) {
    return open_ogg_decoder<VorbisDecoder>(source, options);
}

}  // namespace cf::detail
