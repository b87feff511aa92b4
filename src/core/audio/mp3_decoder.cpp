// MP3 (MPEG-1/2/2.5 Layer I/II/III) decoding with libmpg123 over the ByteSource.
//
// Setup: float output, gapless (encoder delay and padding from LAME's Info/Xing frame removed), no
// messages on stderr, ID3v2 skipped unparsed by mpg123 (our own bounded reader, id3v2.h, reads its text
// frames into the tags first and rewinds, so a damaged tag cannot change the audio), and no
// "Frankenstein" streams (a format change mid-stream is an error rather than a silent switch). The
// length comes from LAME's Info/Xing frame when there is one (exact, counted as such when it also
// carries the encoder delay, as LAME's and ffmpeg's do); otherwise mpg123 estimates it from the file
// size (info().length_is_estimate) rather than scanning the whole file with mpg123_scan().
//
// Corrupt-frame policy: mpg123 skips junk between frames silently (up to MPG123_RESYNC_LIMIT, 1024
// bytes by default), as every player does; ordinary files carry such junk. An error mpg123 reports
// (e.g. it cannot resync within the limit) is fatal. A stream in which no frame decodes at all is
// unsupported_format (the first bytes only looked like MP3), or truncated when the input ends right
// after a valid header (e.g. LAME's Info frame and nothing else). With an exact length, ending more than one
// MPEG frame (1152 samples) short of it is a truncation if mpg123 used up the input, and damage if it
// stopped early (it ends quietly at some broken frames).
#include <mpg123.h>

#include <algorithm>
#include <vector>

#include "core/audio/detail/pcm_decoder.h"
#include "core/audio/id3v2.h"

namespace cf::detail {
namespace {

constexpr int64_t kMaxFrameSamples = 1152;
constexpr size_t kProbeFrames = 1152;

class Mp3Decoder final : public PcmDecoder {
public:
    explicit Mp3Decoder(ByteSource& source) : io_(source) {}
    ~Mp3Decoder() override {
        if (handle_) {
            mpg123_close(handle_);
            mpg123_delete(handle_);
        }
    }

    Status open(const DecodeOptions& options) {
        const int64_t start = io_.tell();
        read_id3v2_tags(io_.source(), format_.tags);  // never fails; stops quietly at a damaged frame
        CF_RETURN_IF_ERROR(io_.source().seek(start));
        static const int init_result = mpg123_init();  // a no-op since mpg123 1.27, required before
        (void)init_result;
        int rc = MPG123_OK;
        handle_ = mpg123_new(nullptr, &rc);
        if (!handle_) return error(ErrorCode::io, std::string("mpg123: ") + mpg123_plain_strerror(rc));
        long flags = MPG123_FORCE_FLOAT | MPG123_GAPLESS | MPG123_QUIET | MPG123_SKIP_ID3V2 | MPG123_NO_FRANKENSTEIN;
        if (mpg123_param(handle_, MPG123_ADD_FLAGS, flags, 0) != MPG123_OK || mpg123_format_none(handle_) != MPG123_OK)
            return library_error("setting up mpg123");
        const long* rates = nullptr;
        size_t n_rates = 0;
        mpg123_rates(&rates, &n_rates);
        for (size_t i = 0; i < n_rates; ++i)
            if (mpg123_format(handle_, rates[i], MPG123_MONO | MPG123_STEREO, MPG123_ENC_FLOAT_32) != MPG123_OK)
                return library_error("setting up mpg123");
        if (mpg123_replace_reader_handle(handle_, &Mp3Decoder::read_cb, &Mp3Decoder::seek_cb, nullptr) != MPG123_OK ||
            mpg123_open_handle(handle_, this) != MPG123_OK)
            return library_error("opening the stream");

        long rate = 0;
        int n_channels = 0, encoding = 0;
        rc = mpg123_getformat(handle_, &rate, &n_channels, &encoding);
        CF_RETURN_IF_ERROR(io_.io_error());
        if (rc == MPG123_DONE) return error(ErrorCode::truncated, "MP3 stream ends before its first audio frame (truncated)");
        if (rc != MPG123_OK) return no_frame();
        if (encoding != MPG123_ENC_FLOAT_32) return error(ErrorCode::unsupported_format, "mpg123 cannot produce float samples");
        format_.source_rate_hz = int(rate);
        format_.n_channels = n_channels;
        CF_RETURN_IF_ERROR(check_format(io_.source(), format_, options));

        // Decode the first samples now: a frame-sync pattern alone does not make an MP3.
        pending_.resize(kProbeFrames * size_t(n_channels));
        Result<size_t> n = decode(pending_.data(), kProbeFrames);
        if (!n) {
            if (n.status().code() == ErrorCode::corrupt) return no_frame();
            return n.status();
        }
        if (*n == 0)  // a valid header (e.g. LAME's Info frame) and then the end of the input
            return error(ErrorCode::truncated, "MP3 stream ends before its first audio frame (truncated)");
        pending_.resize(*n * size_t(n_channels));

        // mpg123_length() is exact when LAME's Info/Xing tag gave the frame count and the encoder delay
        // (mpg123 then also reports that delay); otherwise it divides the file size by a frame size.
        off_t length = mpg123_length(handle_);
        long encoder_delay = -1;
        mpg123_getstate(handle_, MPG123_ENC_DELAY, &encoder_delay, nullptr);
        if (length > 0) {
            format_.n_frames = int64_t(length);
            format_.n_frames_is_estimate = encoder_delay < 0;
        }
        return check_format(io_.source(), format_, options);
    }

    const PcmFormat& format() const override { return format_; }

    Result<size_t> read(float* out, size_t n_frames) override {
        size_t n_channels = size_t(format_.n_channels);
        if (pending_pos_ < pending_.size()) {
            size_t n = std::min(n_frames, (pending_.size() - pending_pos_) / n_channels);
            std::copy_n(pending_.data() + pending_pos_, n * n_channels, out);
            pending_pos_ += n * n_channels;
            return n;
        }
        return decode(out, n_frames);
    }

    Status seek(int64_t frame) override {
        pending_.clear();
        pending_pos_ = 0;
        at_end_ = false;
        if (format_.n_frames >= 0 && !format_.n_frames_is_estimate && frame >= format_.n_frames) {
            at_end_ = true;
            n_decoded_frames_ = format_.n_frames;
            return Status::ok();
        }
        off_t at = mpg123_seek(handle_, off_t(frame), SEEK_SET);
        CF_RETURN_IF_ERROR(io_.io_error());
        if (at < 0) {
            // Past the end of a stream whose length was only estimated.
            if (format_.n_frames_is_estimate && frame > 0) {
                at_end_ = true;
                return Status::ok();
            }
            return library_error("seeking to sample " + std::to_string(frame));
        }
        n_decoded_frames_ = int64_t(at);
        return Status::ok();
    }

private:
    Status error(ErrorCode code, const std::string& message) const { return input_error(io_.source(), code, message); }

    Status library_error(const std::string& doing) const {
        return error(ErrorCode::corrupt, "mpg123: " + std::string(mpg123_strerror(handle_)) + " while " + doing +
                                             " (near byte " + std::to_string(io_.tell()) + ")");
    }

    Status no_frame() const {
        return error(ErrorCode::unsupported_format,
                     "looks like MP3 but mpg123 finds no decodable MPEG audio frame; not a supported audio format "
                     "(WAV, MP3, FLAC, Ogg Vorbis, Ogg Opus)");
    }

    /// Decodes up to `n_frames` frames straight into `out`.
    Result<size_t> decode(float* out, size_t n_frames) {
        if (at_end_) return end_of_stream();
        size_t frame_bytes = sizeof(float) * size_t(format_.n_channels);
        size_t n_bytes = 0;
        // MPG123_NEW_FORMAT may come with no samples; with MPG123_NO_FRANKENSTEIN it comes at most once
        // per stream, so two more tries are plenty.
        for (int attempt = 0; attempt < 3 && n_bytes == 0; ++attempt) {
            int rc = mpg123_read(handle_, out, n_frames * frame_bytes, &n_bytes);
            CF_RETURN_IF_ERROR(io_.io_error());
            if (rc == MPG123_NEW_FORMAT) {
                long rate = 0;
                int n_channels = 0, encoding = 0;
                mpg123_getformat(handle_, &rate, &n_channels, &encoding);
                if (rate != format_.source_rate_hz || n_channels != format_.n_channels || encoding != MPG123_ENC_FLOAT_32)
                    return error(ErrorCode::corrupt, "MP3 stream changes format mid-stream (to " + std::to_string(rate) +
                                                         " Hz, " + std::to_string(n_channels) + " channels) near byte " +
                                                         std::to_string(io_.tell()));
            } else if (rc == MPG123_DONE) {
                if (n_bytes == 0) {
                    at_end_ = true;
                    return end_of_stream();
                }
            } else if (rc != MPG123_OK) {
                return library_error("decoding");
            }
        }
        if (n_bytes == 0) return error(ErrorCode::corrupt, "mpg123 makes no progress near byte " + std::to_string(io_.tell()));
        size_t n = n_bytes / frame_bytes;
        n_decoded_frames_ += int64_t(n);
        return n;
    }

    /// mpg123 says "done". Short of an exact length, that is a truncation when mpg123 used up the input,
    /// and damage when it gave up with input left (it stops quietly on some broken frames).
    Result<size_t> end_of_stream() const {
        if (format_.n_frames > 0 && !format_.n_frames_is_estimate &&
            n_decoded_frames_ + kMaxFrameSamples < format_.n_frames) {
            std::string counts = std::to_string(n_decoded_frames_) + " of " + std::to_string(format_.n_frames) +
                                 " samples its Xing/Info frame announces";
            int64_t stopped_at = int64_t(mpg123_tell_stream(handle_));
            constexpr int64_t kTrailingTagBytes = 128;  // an ID3v1 tag
            if (stopped_at >= 0 && stopped_at + kTrailingTagBytes < io_.size())
                return error(ErrorCode::corrupt, "MP3 stream stops at byte " + std::to_string(stopped_at) + " of " +
                                                     std::to_string(io_.size()) + " after " + counts + " (damaged data)");
            return error(ErrorCode::truncated, "MP3 stream ends after " + counts + " (truncated)");
        }
        return size_t(0);
    }

    static mpg123_ssize_t read_cb(void* handle, void* dst, size_t n_bytes) {
        return mpg123_ssize_t(static_cast<Mp3Decoder*>(handle)->io_.read(dst, n_bytes));
    }
    static off_t seek_cb(void* handle, off_t offset, int whence) {
        return off_t(static_cast<Mp3Decoder*>(handle)->io_.seek(int64_t(offset), whence));
    }

    SourceStream io_;
    mpg123_handle* handle_ = nullptr;
    PcmFormat format_;
    std::vector<float> pending_;  ///< the samples decoded in open() to validate the stream
    size_t pending_pos_ = 0;
    bool at_end_ = false;
    int64_t n_decoded_frames_ = 0;
};

}  // namespace

Result<std::unique_ptr<PcmDecoder>> open_mp3_decoder(ByteSource& source, const DecodeOptions& options) {
    auto decoder = std::make_unique<Mp3Decoder>(source);
    CF_RETURN_IF_ERROR(decoder->open(options));
    return std::unique_ptr<PcmDecoder>(std::move(decoder));
}

}  // namespace cf::detail
