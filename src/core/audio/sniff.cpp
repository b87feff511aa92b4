// Format sniffing: the codec comes from the first bytes, never from the file name.
#include "core/audio/detail/sniff.h"

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "core/audio/detail/pcm_decoder.h"

namespace cf::detail {
namespace {

constexpr size_t kHeadBytes = 64;

/// Reads up to `n_bytes` at `offset` (fewer at the end of the input).
Result<std::vector<uint8_t>> read_at(ByteSource& source, int64_t offset, size_t n_bytes) {
    std::vector<uint8_t> bytes(n_bytes);
    if (offset > source.size()) return std::vector<uint8_t>{};
    CF_RETURN_IF_ERROR(source.seek(offset));
    Result<size_t> n_read = read_fully(source, bytes.data(), n_bytes);
    if (!n_read) return n_read.status();
    bytes.resize(*n_read);
    return bytes;
}

bool starts_with(const std::vector<uint8_t>& bytes, size_t offset, const char* magic) {
    size_t n = std::strlen(magic);
    return bytes.size() >= offset + n && std::memcmp(bytes.data() + offset, magic, n) == 0;
}

std::string hex_prefix(const std::vector<uint8_t>& bytes) {
    std::string out;
    char buf[4];
    for (size_t i = 0; i < bytes.size() && i < 8; ++i) {
        std::snprintf(buf, sizeof buf, "%s%02x", i ? " " : "", bytes[i]);
        out += buf;
    }
    return out;
}

Status unsupported(const ByteSource& source, const std::string& what) {
    return input_error(source, ErrorCode::unsupported_format, what);
}

Status not_audio(const ByteSource& source, const std::vector<uint8_t>& head) {
    return unsupported(source, "not a supported audio format (WAV, MP3, FLAC, Ogg Vorbis, Ogg Opus); first bytes " +
                                   hex_prefix(head));
}

/// The codec inside an Ogg stream, from the first packet of its first page.
Result<AudioCodec> sniff_ogg(ByteSource& source) {
    // 27-byte page header, up to 255 lacing values, then the first packet.
    Result<std::vector<uint8_t>> page = read_at(source, 0, 27 + 255 + 16);
    if (!page) return page.status();
    const std::vector<uint8_t>& b = *page;
    if (b.size() < 27 || b.size() < size_t(27) + b[26] + 8)
        return input_error(source, ErrorCode::truncated,
                           "Ogg stream ends at byte " + std::to_string(b.size()) + ", inside its first page");
    size_t packet = size_t(27) + b[26];
    if (starts_with(b, packet, "\x01vorbis")) return AudioCodec::vorbis;
    if (starts_with(b, packet, "OpusHead")) return AudioCodec::opus;
    if (starts_with(b, packet, "\x7f" "FLAC")) return unsupported(source, "Ogg FLAC is not supported (only native FLAC)");
    if (starts_with(b, packet, "Speex   ")) return unsupported(source, "Ogg Speex is not supported");
    if (starts_with(b, packet, "\x80theora")) return unsupported(source, "Ogg Theora is video, not supported");
    return unsupported(source, "Ogg stream with an unsupported codec (only Vorbis and Opus); first packet starts " +
                                   hex_prefix(std::vector<uint8_t>(b.begin() + long(packet), b.end())));
}

/// ID3v2 header → total tag size in bytes (header + body + optional footer), or -1 if malformed.
int64_t id3v2_tag_bytes(const std::vector<uint8_t>& head) {
    if (head.size() < 10 || !starts_with(head, 0, "ID3")) return -1;
    if (head[3] == 0xFF || head[4] == 0xFF) return -1;
    int64_t body = 0;
    for (int i = 6; i < 10; ++i) {
        if (head[i] & 0x80) return -1;  // sizes are "synchsafe": 7 bits per byte
        body = (body << 7) | head[i];
    }
    bool footer = (head[5] & 0x10) != 0;
    return 10 + body + (footer ? 10 : 0);
}

}  // namespace

bool parse_mpeg_frame_header(const uint8_t* p, MpegFrameHeader* header) {
    // ref: ISO/IEC 11172-3 §2.4.2.3 and ISO/IEC 13818-3 (header fields); MPEG 2.5 is the Fraunhofer
    // extension (version bits 00). Bitrates in kbit/s by [is_mpeg1][layer-1][index].
    static const int kBitrateKbps[2][3][15] = {
        {{0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256},
         {0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160},
         {0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160}},
        {{0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448},
         {0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384},
         {0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320}},
    };
    static const int kRateHz[4][3] = {{11025, 12000, 8000}, {0, 0, 0}, {22050, 24000, 16000}, {44100, 48000, 32000}};
    if (p[0] != 0xFF || (p[1] & 0xE0) != 0xE0) return false;
    int version_id = (p[1] >> 3) & 3;
    int layer_bits = (p[1] >> 1) & 3;
    int bitrate_idx = p[2] >> 4;
    int rate_idx = (p[2] >> 2) & 3;
    if (version_id == 1 || layer_bits == 0 || bitrate_idx == 0 || bitrate_idx == 15 || rate_idx == 3 ||
        (p[3] & 3) == 2)
        return false;
    int layer = 4 - layer_bits;
    bool mpeg1 = version_id == 3;
    int bitrate = kBitrateKbps[mpeg1][layer - 1][bitrate_idx] * 1000;
    int rate = kRateHz[version_id][rate_idx];
    int padding = (p[2] >> 1) & 1;
    int bytes = 0;
    if (layer == 1) bytes = (12 * bitrate / rate + padding) * 4;
    else if (layer == 3 && !mpeg1) bytes = 72 * bitrate / rate + padding;
    else bytes = 144 * bitrate / rate + padding;
    *header = {version_id, layer, rate, bytes};
    return bytes >= 4;
}

Result<AudioCodec> sniff_codec(ByteSource& source) {
    if (source.size() == 0) return input_error(source, ErrorCode::empty, "file is empty (0 bytes)");
    Result<std::vector<uint8_t>> head = read_at(source, 0, kHeadBytes);
    if (!head) return head.status();
    const std::vector<uint8_t>& b = *head;

    if ((starts_with(b, 0, "RIFF") || starts_with(b, 0, "RF64") || starts_with(b, 0, "BW64"))) {
        if (starts_with(b, 8, "WAVE")) return AudioCodec::wav;
        if (b.size() >= 12)
            return unsupported(source, "RIFF file of type '" + std::string(b.begin() + 8, b.begin() + 12) +
                                           "' is not audio we support (only WAVE)");
        return input_error(source, ErrorCode::truncated,
                           "RIFF header ends at byte " + std::to_string(b.size()) + " before its form type");
    }
    if (starts_with(b, 0, "fLaC")) return AudioCodec::flac;
    if (starts_with(b, 0, "OggS")) return sniff_ogg(source);
    if (starts_with(b, 0, "ID3")) {
        // Skip every ID3v2 tag (some files carry two), then see what follows.
        int64_t offset = 0;
        std::vector<uint8_t> after = b;
        for (int n_tags = 0; n_tags < 16 && starts_with(after, 0, "ID3"); ++n_tags) {
            int64_t tag_bytes = id3v2_tag_bytes(after);
            if (tag_bytes < 0) return unsupported(source, "malformed ID3v2 tag header at byte " + std::to_string(offset));
            offset += tag_bytes;
            if (offset >= source.size())
                return input_error(source, ErrorCode::truncated,
                                   "ID3v2 tag runs to byte " + std::to_string(offset) + " but the file has only " +
                                       std::to_string(source.size()) + " bytes; no audio follows");
            Result<std::vector<uint8_t>> next = read_at(source, offset, kHeadBytes);
            if (!next) return next.status();
            after = std::move(*next);
        }
        if (starts_with(after, 0, "fLaC")) return AudioCodec::flac;
        return AudioCodec::mp3;  // mpg123 decides whether there really is MPEG audio after the tag
    }
    MpegFrameHeader first;
    if (b.size() >= 4 && parse_mpeg_frame_header(b.data(), &first)) {
        Result<std::vector<uint8_t>> next = read_at(source, first.frame_bytes, 4);
        if (!next) return next.status();
        MpegFrameHeader second;
        if (next->size() < 4) return AudioCodec::mp3;  // a single (possibly cut) frame: let mpg123 judge
        if (parse_mpeg_frame_header(next->data(), &second) && second.version_id == first.version_id &&
            second.layer == first.layer && second.sample_rate_hz == first.sample_rate_hz)
            return AudioCodec::mp3;
        return not_audio(source, b);
    }
    if (starts_with(b, 4, "ftyp")) return unsupported(source, "MP4/M4A (AAC, ALAC) is not supported");
    if (starts_with(b, 0, "FORM") && (starts_with(b, 8, "AIFF") || starts_with(b, 8, "AIFC")))
        return unsupported(source, "AIFF is not supported");
    return not_audio(source, b);
}

}  // namespace cf::detail
