// Ogg Vorbis decoding with libvorbisfile (ov_open_callbacks over the ByteSource).
//
// Chained streams (several logical streams one after another) decode as one track when every link has
// the same rate and channel count; a chain that changes format is rejected at open as unsupported.
// A hole (a missing page, or one that fails its CRC) is fatal: vorbisfile would skip it silently.
#define OV_EXCLUDE_STATIC_CALLBACKS
#include <vorbis/vorbisfile.h>

#include <algorithm>
#include <cstdio>

#include "core/audio/detail/ogg_check.h"
#include "core/audio/detail/pcm_decoder.h"

namespace cf::detail {
namespace {

class VorbisDecoder final : public PcmDecoder {
public:
    explicit VorbisDecoder(ByteSource& source) : io_(source) {}
    ~VorbisDecoder() override {
        if (opened_) ov_clear(&file_);
    }

    Status open(const DecodeOptions& options) {
        Result<bool> complete = ogg_stream_is_complete(io_.source());
        if (!complete) return complete.status();
        truncated_ = !*complete;
        Result<bool> contiguous = ogg_stream_start_is_contiguous(io_.source());
        if (!contiguous) return contiguous.status();
        CF_RETURN_IF_ERROR(io_.source().seek(0));

        ov_callbacks callbacks{&VorbisDecoder::read_cb, &VorbisDecoder::seek_cb, nullptr, &VorbisDecoder::tell_cb};
        int rc = ov_open_callbacks(this, &file_, nullptr, 0, callbacks);
        CF_RETURN_IF_ERROR(io_.io_error());
        if (rc != 0) {
            if (!*contiguous)
                return error(ErrorCode::corrupt, "Ogg Vorbis headers are damaged: a page is missing or fails its CRC (" +
                                                     vorbisfile_error(rc) + ")");
            if (truncated_)
                return error(ErrorCode::truncated, "Ogg Vorbis file ends before its first complete audio page (truncated; " +
                                                       vorbisfile_error(rc) + ")");
            return error(rc == OV_EVERSION ? ErrorCode::unsupported_format : ErrorCode::corrupt,
                         "Ogg Vorbis headers are invalid (" + vorbisfile_error(rc) + ")");
        }
        opened_ = true;
        const vorbis_info* first = ov_info(&file_, 0);
        if (!first) return error(ErrorCode::corrupt, "Ogg Vorbis stream has no header");
        format_.source_rate_hz = int(std::min<long>(first->rate, 0x7FFFFFFF));
        format_.n_channels = first->channels;
        CF_RETURN_IF_ERROR(check_format(io_.source(), format_, options));
        if (const vorbis_comment* vc = ov_comment(&file_, 0))
            for (int i = 0; i < vc->comments; ++i) add_vorbis_comment(format_.tags, vc->user_comments[i], size_t(vc->comment_lengths[i]));
        long n_links = ov_streams(&file_);
        for (long link = 1; link < n_links; ++link) {
            const vorbis_info* info = ov_info(&file_, int(link));
            if (!info || info->rate != first->rate || info->channels != first->channels)
                return error(ErrorCode::unsupported_format,
                             "chained Ogg Vorbis stream changes from " + std::to_string(first->rate) + " Hz " +
                                 std::to_string(first->channels) + " ch to " +
                                 (info ? std::to_string(info->rate) + " Hz " + std::to_string(info->channels) + " ch"
                                       : std::string("an unreadable header")) +
                                 " in link " + std::to_string(link + 1) + "; not supported");
        }
        if (n_links > 1) {
            // libvorbisfile 1.3.7 leaves a chained file positioned at its last link after the open-time
            // scan; without this the first links would be skipped.
            int rc_seek = ov_raw_seek(&file_, 0);
            CF_RETURN_IF_ERROR(io_.io_error());
            if (rc_seek != 0) return error(ErrorCode::corrupt, "Ogg Vorbis: cannot return to the start (" + vorbisfile_error(rc_seek) + ")");
        }
        ogg_int64_t total = ov_pcm_total(&file_, -1);
        format_.n_frames = total >= 0 ? int64_t(total) : -1;
        if (!*contiguous)
            return error(ErrorCode::corrupt, "Ogg Vorbis: a page before the first audio page is missing or fails its CRC");
        if (format_.n_frames == 0)
            return truncated_ ? error(ErrorCode::truncated, "Ogg Vorbis file ends after its headers (truncated)")
                              : error(ErrorCode::empty, "Ogg Vorbis stream holds no samples");
        return check_format(io_.source(), format_, options);
    }

    const PcmFormat& format() const override { return format_; }

    Result<size_t> read(float* out, size_t n_frames) override {
        if (at_end_) return end_of_stream();
        float** pcm = nullptr;
        int link = 0;
        int max_frames = int(std::min<size_t>(n_frames, 1 << 20));
        long n = ov_read_float(&file_, &pcm, max_frames, &link);
        CF_RETURN_IF_ERROR(io_.io_error());
        if (n == 0) {
            at_end_ = true;
            return end_of_stream();
        }
        if (n < 0)
            return error(ErrorCode::corrupt, "Ogg Vorbis: " + vorbisfile_error(int(n)) + " near byte " + std::to_string(io_.tell()));
        const vorbis_info* info = ov_info(&file_, link);
        if (!info || info->channels != format_.n_channels)
            return error(ErrorCode::corrupt, "Ogg Vorbis channel count changes mid-stream");
        size_t n_channels = size_t(format_.n_channels);
        for (size_t c = 0; c < n_channels; ++c)
            for (long i = 0; i < n; ++i) out[size_t(i) * n_channels + c] = pcm[c][i];
        return size_t(n);
    }

    Status seek(int64_t frame) override {
        at_end_ = false;
        if (format_.n_frames >= 0 && frame >= format_.n_frames) {
            at_end_ = true;
            return Status::ok();
        }
        int rc = ov_pcm_seek(&file_, ogg_int64_t(frame));
        CF_RETURN_IF_ERROR(io_.io_error());
        if (rc != 0)
            return error(ErrorCode::corrupt, "Ogg Vorbis: seek to sample " + std::to_string(frame) + " failed (" +
                                                 vorbisfile_error(rc) + ")");
        return Status::ok();
    }

private:
    Status error(ErrorCode code, const std::string& message) const { return input_error(io_.source(), code, message); }

    Result<size_t> end_of_stream() const {
        if (truncated_)
            return error(ErrorCode::truncated, "Ogg Vorbis stream ends without its end-of-stream page (truncated)");
        return size_t(0);
    }

    static std::string vorbisfile_error(int rc) {
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

    SourceStream io_;
    OggVorbis_File file_{};
    bool opened_ = false;
    bool truncated_ = false;  ///< the file has no end-of-stream page: reaching the end is a truncation
    bool at_end_ = false;
    PcmFormat format_;
};

}  // namespace

Result<std::unique_ptr<PcmDecoder>> open_vorbis_decoder(ByteSource& source, const DecodeOptions& options) {
    auto decoder = std::make_unique<VorbisDecoder>(source);
    CF_RETURN_IF_ERROR(decoder->open(options));
    return std::unique_ptr<PcmDecoder>(std::move(decoder));
}

}  // namespace cf::detail
