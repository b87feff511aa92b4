#include "core/audio/wav_writer.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

namespace cf {

namespace {

void put_u16(std::vector<uint8_t>& out, uint32_t v) {
    out.push_back(uint8_t(v));
    out.push_back(uint8_t(v >> 8));
}

void put_u32(std::vector<uint8_t>& out, uint32_t v) {
    put_u16(out, v & 0xffff);
    put_u16(out, v >> 16);
}

void put_tag(std::vector<uint8_t>& out, const char* tag) { out.insert(out.end(), tag, tag + 4); }

Status check(std::span<const float> x, int n_channels, int rate, size_t bytes_per_sample) {
    auto bad = [](ErrorCode c, const std::string& m) { return Status(c, "WAV writer: " + m); };
    if (x.empty()) return bad(ErrorCode::empty, "no samples to write");
    if (n_channels < 1 || n_channels > 64)
        return bad(ErrorCode::invalid_argument, "n_channels = " + std::to_string(n_channels) + " is outside [1, 64]");
    if (rate < 1 || rate > 768000)
        return bad(ErrorCode::invalid_argument, "sample_rate_hz = " + std::to_string(rate) + " is outside [1, 768000]");
    if (x.size() % size_t(n_channels) != 0)
        return bad(ErrorCode::invalid_argument, std::to_string(x.size()) + " samples are not a whole number of " +
                                                    std::to_string(n_channels) + "-channel frames");
    if (double(x.size()) * double(bytes_per_sample) > 4294967295.0 - 64)
        return bad(ErrorCode::too_large, "the data exceeds the 4 GiB a RIFF file can hold");
    for (size_t i = 0; i < x.size(); ++i)
        if (!std::isfinite(x[i]))
            return bad(ErrorCode::invalid_argument, "sample " + std::to_string(i) + " is not a finite number");
    return Status::ok();
}

}  // namespace

size_t wav_header_bytes(WavSampleFormat format) { return format == WavSampleFormat::pcm16 ? 44 : 58; }

Result<std::vector<uint8_t>> encode_wav(std::span<const float> x, int n_channels, int rate, WavSampleFormat format) {
    const bool is_float = format == WavSampleFormat::float32;
    const uint32_t bytes_per_sample = is_float ? 4 : 2;
    CF_RETURN_IF_ERROR(check(x, n_channels, rate, bytes_per_sample));
    const uint32_t data_bytes = uint32_t(x.size()) * bytes_per_sample;
    const size_t header = wav_header_bytes(format);
    std::vector<uint8_t> out;
    out.reserve(header + data_bytes);
    put_tag(out, "RIFF");
    put_u32(out, uint32_t(header - 8 + data_bytes));
    put_tag(out, "WAVE");
    put_tag(out, "fmt ");
    put_u32(out, is_float ? 18 : 16);
    put_u16(out, is_float ? 3 : 1);
    put_u16(out, uint32_t(n_channels));
    put_u32(out, uint32_t(rate));
    put_u32(out, uint32_t(rate) * uint32_t(n_channels) * bytes_per_sample);  // byte rate
    put_u16(out, uint32_t(n_channels) * bytes_per_sample);                   // block align
    put_u16(out, bytes_per_sample * 8);
    if (is_float) {
        put_u16(out, 0);  // cbSize
        put_tag(out, "fact");
        put_u32(out, 4);
        put_u32(out, uint32_t(x.size() / size_t(n_channels)));
    }
    put_tag(out, "data");
    put_u32(out, data_bytes);
    out.resize(header + data_bytes);
    uint8_t* p = out.data() + header;
    for (float v : x) {  // byte by byte: little-endian on any host
        uint32_t bits;
        if (is_float) {
            std::memcpy(&bits, &v, 4);
        } else {
            bits = uint16_t(int16_t(std::lround(std::clamp(v, -1.0f, 1.0f) * 32767.0f)));
        }
        for (uint32_t k = 0; k < bytes_per_sample; ++k) *p++ = uint8_t(bits >> (8 * k));
    }
    return out;
}

}  // namespace cf
