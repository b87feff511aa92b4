// The WAV writer: header fields, exact data length, sample coding, bad input; read back by our reader.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "core/audio/audio_reader.h"
#include "core/audio/wav_writer.h"
#include "core/io/byte_source.h"

namespace cf {
namespace {

uint32_t u32(const std::vector<uint8_t>& b, size_t at) {
    return uint32_t(b[at]) | uint32_t(b[at + 1]) << 8 | uint32_t(b[at + 2]) << 16 | uint32_t(b[at + 3]) << 24;
}
uint16_t u16(const std::vector<uint8_t>& b, size_t at) { return uint16_t(b[at] | b[at + 1] << 8); }
std::string tag(const std::vector<uint8_t>& b, size_t at) {
    return std::string(b.begin() + long(at), b.begin() + long(at) + 4);
}

TEST(WavWriter, Pcm16HeaderAndSamples) {
    std::vector<float> x = {0.0f, 1.0f, -1.0f, 0.5f, 2.0f, -3.0f};  // 3 stereo frames
    Result<std::vector<uint8_t>> r = encode_wav(x, 2, 44100);
    ASSERT_TRUE(r) << r.status().message();
    const std::vector<uint8_t>& b = *r;
    ASSERT_EQ(b.size(), 44u + 2 * x.size());
    EXPECT_EQ(tag(b, 0), "RIFF");
    EXPECT_EQ(u32(b, 4), b.size() - 8);
    EXPECT_EQ(tag(b, 8), "WAVE");
    EXPECT_EQ(tag(b, 12), "fmt ");
    EXPECT_EQ(u32(b, 16), 16u);
    EXPECT_EQ(u16(b, 20), 1u);          // PCM
    EXPECT_EQ(u16(b, 22), 2u);          // channels
    EXPECT_EQ(u32(b, 24), 44100u);      // rate
    EXPECT_EQ(u32(b, 28), 44100u * 4);  // byte rate
    EXPECT_EQ(u16(b, 32), 4u);          // block align
    EXPECT_EQ(u16(b, 34), 16u);         // bits
    EXPECT_EQ(tag(b, 36), "data");
    EXPECT_EQ(u32(b, 40), 2 * x.size());
    const int16_t want[] = {0, 32767, -32767, 16384, 32767, -32767};  // 0.5 × 32767 = 16383.5 rounds up
    for (size_t i = 0; i < x.size(); ++i) EXPECT_EQ(int16_t(u16(b, 44 + 2 * i)), want[i]) << i;
}

TEST(WavWriter, Float32HeaderFactChunkAndExactBits) {
    std::vector<float> x = {0.25f, -0.75f, 1.5f};
    Result<std::vector<uint8_t>> r = encode_wav(x, 1, 48000, WavSampleFormat::float32);
    ASSERT_TRUE(r);
    const std::vector<uint8_t>& b = *r;
    ASSERT_EQ(b.size(), wav_header_bytes(WavSampleFormat::float32) + 4 * x.size());
    EXPECT_EQ(u32(b, 4), b.size() - 8);
    EXPECT_EQ(u32(b, 16), 18u);
    EXPECT_EQ(u16(b, 20), 3u);  // IEEE float
    EXPECT_EQ(u16(b, 34), 32u);
    EXPECT_EQ(u16(b, 36), 0u);  // cbSize
    EXPECT_EQ(tag(b, 38), "fact");
    EXPECT_EQ(u32(b, 46), 3u);  // frames
    EXPECT_EQ(tag(b, 50), "data");
    EXPECT_EQ(u32(b, 54), 12u);
    for (size_t i = 0; i < x.size(); ++i) {
        float v;
        std::memcpy(&v, b.data() + 58 + 4 * i, 4);
        EXPECT_EQ(v, x[i]);  // not clamped: float WAV keeps the value
    }
}

TEST(WavWriter, ReadBackByOurDecoderWithTheExactLength) {
    std::vector<float> x(2 * 48001);
    for (size_t i = 0; i < x.size(); ++i) x[i] = float(0.3 * std::sin(double(i) * 0.01));
    for (WavSampleFormat f : {WavSampleFormat::pcm16, WavSampleFormat::float32}) {
        Result<std::vector<uint8_t>> wav = encode_wav(x, 2, 48000, f);
        ASSERT_TRUE(wav);
        auto reader = AudioReader::open(make_owned_memory_source(*wav, "fit.wav"));
        ASSERT_TRUE(reader) << reader.status().message();
        EXPECT_EQ((*reader)->info().n_source_frames, 48001);
        EXPECT_EQ((*reader)->info().source_rate_hz, 48000);
        EXPECT_EQ((*reader)->info().n_source_channels, 2);
    }
}

TEST(WavWriter, BadInputIsAStatusNamingIt) {
    std::vector<float> x = {0.1f, 0.2f, 0.3f};
    auto message = [](Result<std::vector<uint8_t>> r) { return r ? std::string() : r.status().message(); };
    EXPECT_NE(message(encode_wav({}, 1, 48000)).find("no samples"), std::string::npos);
    EXPECT_NE(message(encode_wav(x, 2, 48000)).find("whole number"), std::string::npos);
    EXPECT_NE(message(encode_wav(x, 0, 48000)).find("n_channels"), std::string::npos);
    EXPECT_NE(message(encode_wav(x, 1, 0)).find("sample_rate_hz"), std::string::npos);
    x[1] = NAN;
    EXPECT_NE(message(encode_wav(x, 1, 48000)).find("sample 1"), std::string::npos);
}

}  // namespace
}  // namespace cf
