// Shared pieces of the per-codec decoders (see detail/pcm_decoder.h).
#include "core/audio/detail/pcm_decoder.h"

#include <cctype>
#include <cstdio>

namespace cf::detail {

Status input_error(const ByteSource& source, ErrorCode code, const std::string& message) {
    return Status(code, source.name() + ": " + message);
}

Result<size_t> read_fully(ByteSource& source, void* dst, size_t n_bytes) {
    size_t n_read = 0;
    while (n_read < n_bytes) {
        Result<size_t> n = source.read(static_cast<uint8_t*>(dst) + n_read, n_bytes - n_read);
        if (!n) return n.status();
        if (*n == 0) break;
        n_read += *n;
    }
    return n_read;
}

Status check_format(const ByteSource& source, const PcmFormat& format, const DecodeOptions& options) {
    if (format.n_channels <= 0) return input_error(source, ErrorCode::corrupt, "header says 0 channels");
    if (format.n_channels > options.max_channels)
        return input_error(source, ErrorCode::too_large,
                           std::to_string(format.n_channels) + " channels is not plausible (maximum " +
                               std::to_string(options.max_channels) + ")");
    if (format.source_rate_hz <= 0) return input_error(source, ErrorCode::corrupt, "header says a sample rate of 0 Hz");
    if (format.source_rate_hz > options.max_source_rate_hz)
        return input_error(source, ErrorCode::too_large,
                           "sample rate " + std::to_string(format.source_rate_hz) + " Hz is not plausible (maximum " +
                               std::to_string(options.max_source_rate_hz) + " Hz)");
    if (format.source_rate_hz < options.min_source_rate_hz)
        return input_error(source, ErrorCode::corrupt,
                           "sample rate " + std::to_string(format.source_rate_hz) + " Hz is not plausible (minimum " +
                               std::to_string(options.min_source_rate_hz) + " Hz)");
    if (format.n_frames >= 0) {
        double duration_s = double(format.n_frames) / format.source_rate_hz;
        if (duration_s > options.max_duration_s) {
            char text[160];
            std::snprintf(text, sizeof text, "%.1f s long (%s), more than the %g s limit (max_duration_s)", duration_s,
                          format.n_frames_is_estimate ? "estimated from the file size" : "from the header",
                          options.max_duration_s);
            return input_error(source, ErrorCode::too_large, text);
        }
    }
    return Status::ok();
}

int64_t SourceStream::read(void* dst, size_t n_bytes) {
    if (!io_error_.is_ok()) return -1;
    Result<size_t> n = source_.read(dst, n_bytes);
    if (!n) {
        io_error_ = n.status();
        return -1;
    }
    return int64_t(*n);
}

int64_t SourceStream::seek(int64_t offset_bytes, int whence) {
    if (!io_error_.is_ok()) return -1;
    int64_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? source_.tell() : whence == SEEK_END ? source_.size() : -1;
    if (base < 0) return -1;
    // Positions outside the input are refused without recording an I/O error: the libraries probe
    // (e.g. mpg123 looks for an ID3v1 tag 128 bytes before the end of a tiny file) and cope with -1.
    // Checking the offset first also keeps base + offset from overflowing.
    if (offset_bytes > source_.size() || offset_bytes < -source_.size()) return -1;
    int64_t target = base + offset_bytes;
    if (target < 0 || target > source_.size()) return -1;
    Status status = source_.seek(target);
    if (!status) {
        io_error_ = status;
        return -1;
    }
    return target;
}

Result<std::unique_ptr<PcmDecoder>> open_decoder(AudioCodec codec, ByteSource& source, const DecodeOptions& options) {
    CF_RETURN_IF_ERROR(source.seek(0));
    switch (codec) {
        case AudioCodec::wav: return open_wav_decoder(source, options);
        case AudioCodec::mp3: return open_mp3_decoder(source, options);
        case AudioCodec::flac: return open_flac_decoder(source, options);
        case AudioCodec::vorbis: return open_vorbis_decoder(source, options);
        case AudioCodec::opus: return open_opus_decoder(source, options);
    }
    return Status(ErrorCode::invalid_argument, source.name() + ": unknown codec");
}

}  // namespace cf::detail

namespace cf::detail {

namespace {
constexpr size_t kMaxTags = 64;
constexpr size_t kMaxTagBytes = 1024;
}  // namespace

void add_tag(AudioTags& tags, std::string key, std::string value) {
    for (char& c : key) c = char(std::tolower(static_cast<unsigned char>(c)));
    while (!value.empty() && (value.back() == '\0' || value.back() == ' ')) value.pop_back();
    if (key.empty() || value.empty() || key.size() > 64) return;
    if (value.size() > kMaxTagBytes) value.resize(kMaxTagBytes);
    auto it = tags.find(key);
    if (it != tags.end()) {
        if (it->second.size() + 2 + value.size() <= kMaxTagBytes && it->second != value) it->second += "; " + value;
        return;
    }
    if (tags.size() >= kMaxTags) return;
    tags.emplace(std::move(key), std::move(value));
}

void add_vorbis_comment(AudioTags& tags, const char* entry, size_t length) {
    if (!entry) return;
    const std::string text(entry, length);
    const size_t eq = text.find('=');
    if (eq == std::string::npos || eq == 0) return;
    add_tag(tags, text.substr(0, eq), text.substr(eq + 1));
}

}  // namespace cf::detail
