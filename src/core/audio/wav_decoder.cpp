// WAV / RF64 decoding: our own RIFF parser (it is a container; the samples are plain PCM).
//
// ref: Microsoft "Multimedia Programming Interface and Data Specifications 1.0" (RIFF, WAVE, fmt, data,
//      odd chunks padded to even), "WAVEFORMATEXTENSIBLE" (cbSize 22, SubFormat GUID
//      xxxxxxxx-0000-0010-8000-00aa00389b71), EBU Tech 3306 (RF64: ds64 chunk with 64-bit sizes).
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "core/audio/detail/pcm_decoder.h"

namespace cf::detail {
namespace {

enum class SampleType { u8, s16, s24, s32, f32, f64 };

constexpr uint32_t kUnknownSize32 = 0xFFFFFFFFu;
constexpr uint16_t kTagPcm = 0x0001;
constexpr uint16_t kTagFloat = 0x0003;
constexpr uint16_t kTagExtensible = 0xFFFE;
constexpr uint8_t kGuidTail[14] = {0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71};

uint16_t le16(const uint8_t* p) { return uint16_t(p[0] | (p[1] << 8)); }
uint32_t le32(const uint8_t* p) { return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24; }
uint64_t le64(const uint8_t* p) { return uint64_t(le32(p)) | uint64_t(le32(p + 4)) << 32; }

const char* format_tag_name(uint16_t tag) {
    switch (tag) {
        case 0x0002: return "Microsoft ADPCM";
        case 0x0006: return "A-law";
        case 0x0007: return "mu-law";
        case 0x0011: return "IMA ADPCM";
        case 0x0050: return "MPEG";
        case 0x0055: return "MPEG Layer III";
        default: return "unknown";
    }
}

std::string hex16(uint16_t v) {
    char text[8];
    std::snprintf(text, sizeof text, "0x%04x", v);
    return text;
}

class WavDecoder final : public PcmDecoder {
public:
    WavDecoder(ByteSource& source, PcmFormat format, SampleType type, int bytes_per_frame, int64_t data_offset,
               int64_t n_declared_frames)
        : source_(source), format_(format), type_(type), bytes_per_frame_(bytes_per_frame),
          data_offset_(data_offset), n_declared_frames_(n_declared_frames) {}

    const PcmFormat& format() const override { return format_; }

    Result<size_t> read(float* out, size_t n_frames) override {
        int64_t n_left = format_.n_frames - position_;
        if (n_left <= 0) {
            if (n_declared_frames_ > format_.n_frames)
                return input_error(source_, ErrorCode::truncated,
                                   "WAV data chunk declares " + std::to_string(n_declared_frames_) +
                                       " frames but the file ends after " + std::to_string(format_.n_frames) +
                                       " (truncated)");
            return size_t(0);
        }
        size_t n_wanted = size_t(std::min<int64_t>(int64_t(n_frames), n_left));
        n_wanted = std::min(n_wanted, kMaxBlockBytes / size_t(bytes_per_frame_));
        if (n_wanted == 0) n_wanted = 1;
        bytes_.resize(n_wanted * size_t(bytes_per_frame_));
        Result<size_t> n_bytes = read_fully(source_, bytes_.data(), bytes_.size());
        if (!n_bytes) return n_bytes.status();
        size_t n_got = *n_bytes / size_t(bytes_per_frame_);
        if (n_got == 0)  // the file shrank since open()
            return input_error(source_, ErrorCode::truncated,
                               "WAV data ends at frame " + std::to_string(position_) + " of " +
                                   std::to_string(format_.n_frames) + " (file changed while reading?)");
        convert(bytes_.data(), n_got * size_t(format_.n_channels), out);
        position_ += int64_t(n_got);
        if (n_got * size_t(bytes_per_frame_) != *n_bytes)  // keep the byte position frame-aligned
            CF_RETURN_IF_ERROR(source_.seek(data_offset_ + position_ * bytes_per_frame_));
        return n_got;
    }

    Status seek(int64_t frame) override {
        position_ = std::clamp<int64_t>(frame, 0, format_.n_frames);
        return source_.seek(data_offset_ + position_ * bytes_per_frame_);
    }

private:
    // Bounds the byte buffer however many channels the file has (one frame always fits).
    static constexpr size_t kMaxBlockBytes = size_t(1) << 18;

    void convert(const uint8_t* p, size_t n_samples, float* out) const {
        switch (type_) {
            case SampleType::u8:
                for (size_t i = 0; i < n_samples; ++i) out[i] = float(int(p[i]) - 128) * (1.0f / 128.0f);
                break;
            case SampleType::s16:
                for (size_t i = 0; i < n_samples; ++i, p += 2) out[i] = float(int16_t(le16(p))) * (1.0f / 32768.0f);
                break;
            case SampleType::s24:
                for (size_t i = 0; i < n_samples; ++i, p += 3) {
                    int32_t v = int32_t(uint32_t(p[0]) << 8 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 24) >> 8;
                    out[i] = float(v) * (1.0f / 8388608.0f);
                }
                break;
            case SampleType::s32:
                for (size_t i = 0; i < n_samples; ++i, p += 4)
                    out[i] = float(double(int32_t(le32(p))) * (1.0 / 2147483648.0));
                break;
            case SampleType::f32:
                for (size_t i = 0; i < n_samples; ++i, p += 4) {
                    uint32_t bits = le32(p);
                    std::memcpy(&out[i], &bits, 4);
                }
                break;
            case SampleType::f64:
                for (size_t i = 0; i < n_samples; ++i, p += 8) {
                    uint64_t bits = le64(p);
                    double v;
                    std::memcpy(&v, &bits, 8);
                    out[i] = float(v);  // out-of-range values become ±inf; the reader rejects non-finite samples
                }
                break;
        }
    }

    ByteSource& source_;
    PcmFormat format_;
    SampleType type_;
    int bytes_per_frame_;
    int64_t data_offset_;
    int64_t n_declared_frames_;  ///< what the header says; more than format_.n_frames when truncated
    int64_t position_ = 0;
    std::vector<uint8_t> bytes_;
};

/// Reads exactly `n` bytes at the current position; false (no error) if the input ends first.
Result<bool> read_exact(ByteSource& source, uint8_t* dst, size_t n) {
    Result<size_t> got = read_fully(source, dst, n);
    if (!got) return got.status();
    return *got == n;
}

struct FmtChunk {
    uint16_t tag = 0;
    int n_channels = 0;
    int rate_hz = 0;
    int block_align = 0;
    int bits = 0;
};

Result<FmtChunk> parse_fmt(ByteSource& source, uint64_t chunk_bytes) {
    if (chunk_bytes < 16)
        return input_error(source, ErrorCode::corrupt, "WAV fmt chunk is " + std::to_string(chunk_bytes) + " bytes (at least 16 expected)");
    uint8_t b[40] = {};
    size_t n = size_t(std::min<uint64_t>(chunk_bytes, sizeof b));
    Result<bool> ok = read_exact(source, b, n);
    if (!ok) return ok.status();
    if (!*ok) return input_error(source, ErrorCode::truncated, "WAV file ends inside its fmt chunk");
    FmtChunk fmt;
    fmt.tag = le16(b);
    fmt.n_channels = le16(b + 2);
    fmt.rate_hz = int(std::min<uint32_t>(le32(b + 4), 0x7FFFFFFF));
    fmt.block_align = le16(b + 12);
    fmt.bits = le16(b + 14);
    if (fmt.tag == kTagExtensible) {
        if (n < 40 || le16(b + 16) < 22)
            return input_error(source, ErrorCode::corrupt,
                               "WAVE_FORMAT_EXTENSIBLE fmt chunk is " + std::to_string(chunk_bytes) + " bytes (40 expected)");
        if (std::memcmp(b + 26, kGuidTail, sizeof kGuidTail) != 0)
            return input_error(source, ErrorCode::unsupported_format,
                               "WAVE_FORMAT_EXTENSIBLE with a non-standard SubFormat GUID is not supported");
        fmt.tag = le16(b + 24);
    }
    return fmt;
}

}  // namespace

Result<std::unique_ptr<PcmDecoder>> open_wav_decoder(ByteSource& source, const DecodeOptions& options) {
    uint8_t riff[12];
    Result<bool> ok = read_exact(source, riff, sizeof riff);
    if (!ok) return ok.status();
    if (!*ok) return input_error(source, ErrorCode::truncated, "WAV header ends before byte 12");
    bool is_rf64 = std::memcmp(riff, "RIFF", 4) != 0;  // "RF64" or "BW64"
    if (std::memcmp(riff + 8, "WAVE", 4) != 0)
        return input_error(source, ErrorCode::unsupported_format, "RIFF file is not of type WAVE");

    const int64_t file_bytes = source.size();
    int64_t position = 12;
    std::optional<FmtChunk> fmt;
    std::optional<uint64_t> ds64_data_bytes;
    int64_t data_offset = -1;
    uint64_t data_bytes = 0;
    bool data_size_unknown = false;
    while (data_offset < 0) {
        uint8_t header[8];
        ok = read_exact(source, header, sizeof header);
        if (!ok) return ok.status();
        if (!*ok)
            return input_error(source, ErrorCode::truncated,
                               std::string("WAV file ends at byte ") + std::to_string(file_bytes) + " before its " +
                                   (fmt ? "data" : "fmt") + " chunk");
        uint64_t chunk_bytes = le32(header + 4);
        int64_t body = position + 8;
        if (std::memcmp(header, "fmt ", 4) == 0) {
            Result<FmtChunk> parsed = parse_fmt(source, chunk_bytes);
            if (!parsed) return parsed.status();
            fmt = *parsed;
        } else if (std::memcmp(header, "ds64", 4) == 0 && is_rf64) {
            uint8_t ds64[16];
            ok = read_exact(source, ds64, sizeof ds64);
            if (!ok) return ok.status();
            if (!*ok || chunk_bytes < 16) return input_error(source, ErrorCode::truncated, "RF64 ds64 chunk is incomplete");
            ds64_data_bytes = le64(ds64 + 8);
        } else if (std::memcmp(header, "data", 4) == 0) {
            if (!fmt) return input_error(source, ErrorCode::corrupt, "WAV data chunk comes before the fmt chunk");
            data_offset = body;
            data_bytes = chunk_bytes;
            if (chunk_bytes == kUnknownSize32) {
                if (is_rf64 && ds64_data_bytes) data_bytes = *ds64_data_bytes;
                else data_size_unknown = true;
            }
            break;
        }
        // Next chunk; odd sizes are padded to an even byte.
        uint64_t next = uint64_t(body) + chunk_bytes + (chunk_bytes & 1);
        if (next >= uint64_t(file_bytes))
            return input_error(source, ErrorCode::truncated,
                               std::string("WAV file ends at byte ") + std::to_string(file_bytes) + " before its " +
                                   (fmt ? "data" : "fmt") + " chunk");
        position = int64_t(next);
        CF_RETURN_IF_ERROR(source.seek(position));
    }

    SampleType type;
    int container_bytes = (fmt->bits + 7) / 8;
    if (fmt->tag == kTagPcm) {
        if (fmt->bits < 1 || fmt->bits > 32)
            return input_error(source, ErrorCode::unsupported_format, "PCM WAV with " + std::to_string(fmt->bits) + " bits per sample is not supported");
        // Samples narrower than their container (e.g. 12 or 20 bits) are left-justified in it.
        static const SampleType kByBytes[] = {SampleType::u8, SampleType::s16, SampleType::s24, SampleType::s32};
        type = kByBytes[container_bytes - 1];
    } else if (fmt->tag == kTagFloat) {
        if (fmt->bits != 32 && fmt->bits != 64)
            return input_error(source, ErrorCode::unsupported_format, "IEEE float WAV with " + std::to_string(fmt->bits) + " bits per sample is not supported");
        type = fmt->bits == 32 ? SampleType::f32 : SampleType::f64;
    } else {
        return input_error(source, ErrorCode::unsupported_format,
                           "WAV format tag " + hex16(fmt->tag) + " (" + format_tag_name(fmt->tag) +
                               ") is not supported (only PCM and IEEE float)");
    }

    PcmFormat format;
    format.source_rate_hz = fmt->rate_hz;
    format.n_channels = fmt->n_channels;
    CF_RETURN_IF_ERROR(check_format(source, format, options));  // rate and channels, before block_align
    int bytes_per_frame = fmt->n_channels * container_bytes;
    if (fmt->block_align != bytes_per_frame)
        return input_error(source, ErrorCode::corrupt,
                           "WAV block_align " + std::to_string(fmt->block_align) + " does not match " +
                               std::to_string(fmt->n_channels) + " channels x " + std::to_string(fmt->bits) + " bits");

    int64_t n_present_frames = (file_bytes - data_offset) / bytes_per_frame;
    int64_t n_declared_frames = data_size_unknown ? n_present_frames : int64_t(data_bytes / uint64_t(bytes_per_frame));
    format.n_frames = std::min(n_declared_frames, n_present_frames);
    if (n_declared_frames == 0) return input_error(source, ErrorCode::empty, "WAV data chunk holds no samples");
    if (format.n_frames == 0)
        return input_error(source, ErrorCode::truncated,
                           "WAV data chunk declares " + std::to_string(n_declared_frames) +
                               " frames but the file ends before the first one");
    CF_RETURN_IF_ERROR(check_format(source, format, options));  // now with the length
    return std::unique_ptr<PcmDecoder>(
        new WavDecoder(source, format, type, bytes_per_frame, data_offset, n_declared_frames));
}

}  // namespace cf::detail
