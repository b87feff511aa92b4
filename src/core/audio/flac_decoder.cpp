// FLAC decoding with libFLAC's stream decoder over the ByteSource.
//
// Every decoder error (lost sync, bad header, CRC mismatch, unparseable stream) is fatal: libFLAC
// would carry on with a gap or silence, which is a silently wrong output. Errors after the last sample
// STREAMINFO announced (e.g. junk or a tag appended to the file) are ignored.
#include <FLAC/stream_decoder.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/audio/detail/pcm_decoder.h"

namespace cf::detail {
namespace {

const char* error_status_text(FLAC__StreamDecoderErrorStatus status) {
    switch (status) {
        case FLAC__STREAM_DECODER_ERROR_STATUS_LOST_SYNC: return "lost sync";
        case FLAC__STREAM_DECODER_ERROR_STATUS_BAD_HEADER: return "bad frame header";
        case FLAC__STREAM_DECODER_ERROR_STATUS_FRAME_CRC_MISMATCH: return "frame CRC mismatch";
        case FLAC__STREAM_DECODER_ERROR_STATUS_UNPARSEABLE_STREAM: return "unparseable stream";
        default: return "bad metadata";
    }
}

class FlacDecoder final : public PcmDecoder {
public:
    explicit FlacDecoder(ByteSource& source) : io_(source) {}
    ~FlacDecoder() override {
        if (decoder_) FLAC__stream_decoder_delete(decoder_);
    }

    Status open(const DecodeOptions& options) {
        decoder_ = FLAC__stream_decoder_new();
        if (!decoder_) return error(ErrorCode::io, "FLAC stream decoder: out of memory");
        FLAC__stream_decoder_set_md5_checking(decoder_, false);
        FLAC__stream_decoder_set_metadata_respond(decoder_, FLAC__METADATA_TYPE_VORBIS_COMMENT);
        FLAC__StreamDecoderInitStatus init = FLAC__stream_decoder_init_stream(
            decoder_, &FlacDecoder::read_cb, &FlacDecoder::seek_cb, &FlacDecoder::tell_cb, &FlacDecoder::length_cb,
            &FlacDecoder::eof_cb, &FlacDecoder::write_cb, &FlacDecoder::metadata_cb, &FlacDecoder::error_cb, this);
        if (init != FLAC__STREAM_DECODER_INIT_STATUS_OK)
            return error(ErrorCode::io, std::string("FLAC stream decoder: ") + FLAC__StreamDecoderInitStatusString[init]);
        bool ok = FLAC__stream_decoder_process_until_end_of_metadata(decoder_);
        CF_RETURN_IF_ERROR(io_.io_error());
        if (!have_streaminfo_) {
            if (!error_.is_ok()) return error_;
            if (!ok || io_.at_end())
                return error(ErrorCode::truncated, "FLAC stream ends at byte " + std::to_string(io_.size()) +
                                                       " before its STREAMINFO block");
            return error(ErrorCode::corrupt, "FLAC stream has no STREAMINFO block");
        }
        CF_RETURN_IF_ERROR(check_format(io_.source(), format_, options));
        if (format_.n_frames == 0) {
            // Old encoders wrote 0 for "unknown length": only an absence of frames makes it empty.
            format_.n_frames = -1;
        }
        if (bits_ < 4 || bits_ > 32) return error(ErrorCode::corrupt, "FLAC stream says " + std::to_string(bits_) + " bits per sample");
        return Status::ok();
    }

    const PcmFormat& format() const override { return format_; }

    Result<size_t> read(float* out, size_t n_frames) override {
        if (!error_.is_ok()) return error_;
        size_t n_channels = size_t(format_.n_channels);
        if (pending_pos_ == pending_.size()) {
            pending_.clear();
            pending_pos_ = 0;
            if (!at_end_) CF_RETURN_IF_ERROR(decode_next_frame());
            if (pending_.empty()) {
                if (format_.n_frames > 0 && n_decoded_frames_ < format_.n_frames)
                    return error(ErrorCode::truncated, "FLAC stream ends after " + std::to_string(n_decoded_frames_) +
                                                           " of " + std::to_string(format_.n_frames) +
                                                           " samples (truncated)");
                return size_t(0);
            }
        }
        size_t n = std::min(n_frames, (pending_.size() - pending_pos_) / n_channels);
        std::copy_n(pending_.data() + pending_pos_, n * n_channels, out);
        pending_pos_ += n * n_channels;
        return n;
    }

    Status seek(int64_t frame) override {
        pending_.clear();
        pending_pos_ = 0;
        error_ = Status::ok();
        if (format_.n_frames >= 0 && frame >= format_.n_frames) {
            at_end_ = true;
            n_decoded_frames_ = format_.n_frames;
            return Status::ok();
        }
        at_end_ = false;
        n_decoded_frames_ = frame;
        FLAC__StreamDecoderState state = FLAC__stream_decoder_get_state(decoder_);
        if (state == FLAC__STREAM_DECODER_ABORTED || state == FLAC__STREAM_DECODER_SEEK_ERROR)
            FLAC__stream_decoder_flush(decoder_);  // back to searching for a frame, as seek_absolute needs
        bool ok = FLAC__stream_decoder_seek_absolute(decoder_, FLAC__uint64(frame));
        CF_RETURN_IF_ERROR(io_.io_error());
        if (!error_.is_ok()) {
            FLAC__stream_decoder_flush(decoder_);
            return error_;
        }
        if (!ok) {
            FLAC__stream_decoder_flush(decoder_);
            pending_.clear();
            if (format_.n_frames < 0) {  // no length in STREAMINFO: the likeliest reason is a target past the end
                at_end_ = true;
                return Status::ok();
            }
            return error(ErrorCode::corrupt, "FLAC stream decoder: seek to sample " + std::to_string(frame) +
                                                 " failed (corrupt or truncated stream)");
        }
        return Status::ok();
    }

private:
    Status error(ErrorCode code, const std::string& message) const { return input_error(io_.source(), code, message); }

    /// True while process_single() can make progress: it returns true without doing anything once the
    /// decoder has ended or aborted, so every loop around it must check this.
    bool decoding() const {
        FLAC__StreamDecoderState state = FLAC__stream_decoder_get_state(decoder_);
        return state == FLAC__STREAM_DECODER_SEARCH_FOR_METADATA || state == FLAC__STREAM_DECODER_READ_METADATA ||
               state == FLAC__STREAM_DECODER_SEARCH_FOR_FRAME_SYNC || state == FLAC__STREAM_DECODER_READ_FRAME;
    }

    /// Runs libFLAC until it has written one audio frame into pending_ or the stream ends.
    Status decode_next_frame() {
        // process_single() returns after one metadata block or frame and consumes input each time, so
        // these loops end with the input.
        while (pending_.empty() && !at_end_) {
            bool ok = decoding() && FLAC__stream_decoder_process_single(decoder_);
            CF_RETURN_IF_ERROR(io_.io_error());
            if (!error_.is_ok()) return classify_error();
            FLAC__StreamDecoderState state = FLAC__stream_decoder_get_state(decoder_);
            if (state == FLAC__STREAM_DECODER_END_OF_STREAM) at_end_ = true;
            else if (!ok || !decoding())
                return error(ErrorCode::corrupt, "FLAC stream decoder: stopped (state " + std::to_string(int(state)) +
                                                     ") at byte " + std::to_string(io_.tell()));
        }
        return Status::ok();
    }

    /// After a decoder error: junk after the last announced sample is ignored; an error followed by
    /// no further frame is a cut-off last frame (truncated); anything else is damage (corrupt).
    Status classify_error() {
        pending_.clear();
        if (format_.n_frames > 0 && n_decoded_frames_ >= format_.n_frames) {
            error_ = Status::ok();
            at_end_ = true;
            return Status::ok();
        }
        const int64_t n_before = n_decoded_frames_;
        while (n_decoded_frames_ == n_before && decoding() && FLAC__stream_decoder_process_single(decoder_)) {
        }
        pending_.clear();
        CF_RETURN_IF_ERROR(io_.io_error());
        if (n_decoded_frames_ == n_before && FLAC__stream_decoder_get_state(decoder_) == FLAC__STREAM_DECODER_END_OF_STREAM) {
            std::string of_total = format_.n_frames > 0 ? " of " + std::to_string(format_.n_frames) : "";
            error_ = error(ErrorCode::truncated, "FLAC stream ends inside a frame after " + std::to_string(n_before) +
                                                     of_total + " samples (truncated)");
        }
        return error_;
    }

    FLAC__StreamDecoderWriteStatus on_write(const FLAC__Frame* frame, const FLAC__int32* const buffer[]) {
        if (int(frame->header.channels) != format_.n_channels || int(frame->header.bits_per_sample) != bits_ ||
            int(frame->header.sample_rate) != format_.source_rate_hz) {
            set_error(ErrorCode::corrupt, "FLAC frame at sample " + std::to_string(n_decoded_frames_) + " has " +
                                              std::to_string(frame->header.channels) + " channels, " +
                                              std::to_string(frame->header.bits_per_sample) + " bits, " +
                                              std::to_string(frame->header.sample_rate) +
                                              " Hz, unlike the stream's STREAMINFO");
            return FLAC__STREAM_DECODER_WRITE_STATUS_ABORT;
        }
        size_t n_channels = size_t(format_.n_channels);
        size_t n = frame->header.blocksize;
        const float scale = float(std::ldexp(1.0, -(bits_ - 1)));
        size_t base = pending_.size();
        pending_.resize(base + n * n_channels);
        for (size_t c = 0; c < n_channels; ++c) {
            const FLAC__int32* in = buffer[c];
            float* dst = pending_.data() + base + c;
            for (size_t i = 0; i < n; ++i) dst[i * n_channels] = float(in[i]) * scale;
        }
        n_decoded_frames_ += int64_t(n);
        return FLAC__STREAM_DECODER_WRITE_STATUS_CONTINUE;
    }

    void set_error(ErrorCode code, const std::string& message) {
        if (error_.is_ok()) error_ = error(code, message);
    }

    // -- libFLAC callbacks -------------------------------------------------------------------------
    static FlacDecoder& self(void* client) { return *static_cast<FlacDecoder*>(client); }

    static FLAC__StreamDecoderReadStatus read_cb(const FLAC__StreamDecoder*, FLAC__byte buffer[], size_t* bytes, void* client) {
        if (*bytes == 0) return FLAC__STREAM_DECODER_READ_STATUS_ABORT;
        int64_t n = self(client).io_.read(buffer, *bytes);
        if (n < 0) {
            *bytes = 0;
            return FLAC__STREAM_DECODER_READ_STATUS_ABORT;
        }
        *bytes = size_t(n);
        return n == 0 ? FLAC__STREAM_DECODER_READ_STATUS_END_OF_STREAM : FLAC__STREAM_DECODER_READ_STATUS_CONTINUE;
    }
    static FLAC__StreamDecoderSeekStatus seek_cb(const FLAC__StreamDecoder*, FLAC__uint64 offset, void* client) {
        if (offset > FLAC__uint64(self(client).io_.size())) return FLAC__STREAM_DECODER_SEEK_STATUS_ERROR;
        return self(client).io_.seek(int64_t(offset), SEEK_SET) < 0 ? FLAC__STREAM_DECODER_SEEK_STATUS_ERROR
                                                                     : FLAC__STREAM_DECODER_SEEK_STATUS_OK;
    }
    static FLAC__StreamDecoderTellStatus tell_cb(const FLAC__StreamDecoder*, FLAC__uint64* offset, void* client) {
        *offset = FLAC__uint64(self(client).io_.tell());
        return FLAC__STREAM_DECODER_TELL_STATUS_OK;
    }
    static FLAC__StreamDecoderLengthStatus length_cb(const FLAC__StreamDecoder*, FLAC__uint64* length, void* client) {
        *length = FLAC__uint64(self(client).io_.size());
        return FLAC__STREAM_DECODER_LENGTH_STATUS_OK;
    }
    static FLAC__bool eof_cb(const FLAC__StreamDecoder*, void* client) { return self(client).io_.at_end(); }
    static FLAC__StreamDecoderWriteStatus write_cb(const FLAC__StreamDecoder*, const FLAC__Frame* frame,
                                                   const FLAC__int32* const buffer[], void* client) {
        return self(client).on_write(frame, buffer);
    }
    static void metadata_cb(const FLAC__StreamDecoder*, const FLAC__StreamMetadata* metadata, void* client) {
        FlacDecoder& d = self(client);
        if (metadata->type == FLAC__METADATA_TYPE_VORBIS_COMMENT) {
            const FLAC__StreamMetadata_VorbisComment& vc = metadata->data.vorbis_comment;
            for (FLAC__uint32 i = 0; i < vc.num_comments; ++i)
                add_vorbis_comment(d.format_.tags, reinterpret_cast<const char*>(vc.comments[i].entry), vc.comments[i].length);
            return;
        }
        if (metadata->type != FLAC__METADATA_TYPE_STREAMINFO || d.have_streaminfo_) return;
        const FLAC__StreamMetadata_StreamInfo& info = metadata->data.stream_info;
        d.have_streaminfo_ = true;
        d.format_.source_rate_hz = int(info.sample_rate);
        d.format_.n_channels = int(info.channels);
        d.format_.n_frames = int64_t(info.total_samples);
        d.bits_ = int(info.bits_per_sample);
    }
    static void error_cb(const FLAC__StreamDecoder*, FLAC__StreamDecoderErrorStatus status, void* client) {
        FlacDecoder& d = self(client);
        FLAC__uint64 position = 0;
        if (!FLAC__stream_decoder_get_decode_position(d.decoder_, &position)) position = FLAC__uint64(d.io_.tell());
        d.set_error(ErrorCode::corrupt, std::string("FLAC stream decoder: ") + error_status_text(status) +
                                            " at byte " + std::to_string(position));
    }

    SourceStream io_;
    FLAC__StreamDecoder* decoder_ = nullptr;
    PcmFormat format_;
    int bits_ = 0;
    bool have_streaminfo_ = false;
    bool at_end_ = false;
    int64_t n_decoded_frames_ = 0;  ///< source position after pending_ (frames written by libFLAC)
    std::vector<float> pending_;    ///< one decoded FLAC frame, interleaved
    size_t pending_pos_ = 0;
    Status error_;                  ///< first decoder error (sticky until a seek)
};

}  // namespace

Result<std::unique_ptr<PcmDecoder>> open_flac_decoder(ByteSource& source, const DecodeOptions& options) {
    auto decoder = std::make_unique<FlacDecoder>(source);
    CF_RETURN_IF_ERROR(decoder->open(options));
    return std::unique_ptr<PcmDecoder>(std::move(decoder));
}

}  // namespace cf::detail
