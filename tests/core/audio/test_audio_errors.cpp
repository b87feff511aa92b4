// Every bad input gives the right ErrorCode, at the right moment, with a message that starts with the
// input's name — never a crash, a hang or silently wrong output. The policy is in audio_reader.h.
#include <gtest/gtest.h>

#include <cstring>

#include "core/audio/audio_reader.h"
#include "core/audio/audio_test_util.h"
#include "core/audio/detail/sniff.h"

namespace cf {
namespace {

enum class When { open, read };

struct BadCase {
    const char* file;
    When when;
    ErrorCode code;
    const char* says;  ///< a phrase the message must contain
};

std::string describe(const Status& status) { return std::string(error_code_name(status.code())) + ": " + status.message(); }

/// Opens `name` from memory (so the name is exactly `name`) and reads everything.
Status open_and_read(const std::vector<uint8_t>& bytes, const std::string& name, When* failed_in,
                     const DecodeOptions& options = {}) {
    auto reader = AudioReader::open(make_memory_source(bytes.data(), bytes.size(), name), options);
    *failed_in = When::open;
    if (!reader) return reader.status();
    *failed_in = When::read;
    auto samples = decode_all(**reader);
    return samples ? Status::ok() : samples.status();
}

class AudioBadInput : public ::testing::TestWithParam<BadCase> {};

TEST_P(AudioBadInput, GivesTheRightErrorNamingTheFile) {
    const BadCase& c = GetParam();
    // From the file: the message starts with the path.
    const std::string path = test::audio_fixture(c.file);
    auto reader = AudioReader::open_file(path);
    Status status;
    When failed_in = When::open;
    if (!reader) {
        status = reader.status();
    } else {
        failed_in = When::read;
        auto samples = decode_all(**reader);
        ASSERT_FALSE(samples) << c.file << " decoded without an error";
        status = samples.status();
    }
    EXPECT_EQ(failed_in, c.when) << describe(status);
    EXPECT_EQ(status.code(), c.code) << describe(status);
    EXPECT_EQ(status.message().rfind(path + ": ", 0), 0u) << status.message();
    EXPECT_NE(status.message().find(c.says), std::string::npos) << status.message();

    // From memory with a bare name (as a dropped file in the browser): the same error, that name first.
    Status from_memory = open_and_read(test::read_bytes(path), c.file, &failed_in);
    EXPECT_EQ(from_memory.code(), c.code) << describe(from_memory);
    EXPECT_EQ(from_memory.message().rfind(std::string(c.file) + ": ", 0), 0u) << from_memory.message();
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, AudioBadInput,
    ::testing::Values(
        BadCase{"bad_empty.wav", When::open, ErrorCode::empty, "file is empty (0 bytes)"},
        BadCase{"bad_text.txt", When::open, ErrorCode::unsupported_format,
                "not a supported audio format (WAV, MP3, FLAC, Ogg Vorbis, Ogg Opus); first bytes 54 68 69 73"},
        BadCase{"bad_ogg_flac.oga", When::open, ErrorCode::unsupported_format, "Ogg FLAC"},
        BadCase{"bad_vorbis_chained_format_change.ogg", When::open, ErrorCode::unsupported_format,
                "changes from 8000 Hz 1 ch to 11025 Hz 2 ch in link 2"},
        BadCase{"bad_wav_0hz.wav", When::open, ErrorCode::corrupt, "0 Hz"},
        BadCase{"bad_wav_1mhz.wav", When::open, ErrorCode::too_large, "1000000 Hz is not plausible (maximum 768000 Hz)"},
        BadCase{"bad_wav_65535_channels.wav", When::open, ErrorCode::too_large, "65535 channels is not plausible (maximum 64)"},
        BadCase{"bad_wav_block_align.wav", When::open, ErrorCode::corrupt, "block_align 3"},
        BadCase{"bad_wav_adpcm.wav", When::open, ErrorCode::unsupported_format, "0x0002 (Microsoft ADPCM)"},
        BadCase{"bad_wav_data_before_fmt.wav", When::open, ErrorCode::corrupt, "before the fmt chunk"},
        // The header claims 4026531840 bytes; the 2000 frames that are there come out first.
        BadCase{"bad_wav_data_claims_4gb.wav", When::read, ErrorCode::truncated, "declares 2013265920 frames"},
        BadCase{"bad_truncated_header_only_wav_s16_8k_stereo.wav", When::open, ErrorCode::truncated, "before the first one"},
        BadCase{"bad_truncated_30pct_wav_s16_8k_stereo.wav", When::read, ErrorCode::truncated, "ends after 1200"},
        BadCase{"bad_truncated_header_only_flac_s16_44k_stereo.flac", When::read, ErrorCode::truncated, "after 0 of 44100"},
        BadCase{"bad_truncated_30pct_flac_s16_44k_stereo.flac", When::read, ErrorCode::truncated, "ends inside a frame"},
        BadCase{"bad_corrupt_middle_flac_s16_44k_stereo.flac", When::read, ErrorCode::corrupt, "FLAC stream decoder: "},
        BadCase{"bad_truncated_header_only_mp3_cbr128_44k_stereo.mp3", When::open, ErrorCode::truncated, "before its first audio frame"},
        BadCase{"bad_truncated_30pct_mp3_cbr128_44k_stereo.mp3", When::read, ErrorCode::truncated, "of 44100 samples"},
        BadCase{"bad_corrupt_middle_mp3_cbr128_44k_stereo.mp3", When::read, ErrorCode::corrupt, "damaged data"},
        BadCase{"bad_mp3_garbage_4k_middle.mp3", When::read, ErrorCode::corrupt, "mpg123: "},
        BadCase{"bad_truncated_header_only_vorbis_q2_44k_stereo_3s.ogg", When::open, ErrorCode::truncated, "(truncated)"},
        BadCase{"bad_truncated_30pct_vorbis_q2_44k_stereo_3s.ogg", When::open, ErrorCode::truncated, "(truncated)"},
        BadCase{"bad_truncated_70pct_vorbis_q2_44k_stereo_3s.ogg", When::read, ErrorCode::truncated, "end-of-stream page"},
        BadCase{"bad_corrupt_middle_vorbis_q2_44k_stereo_3s.ogg", When::read, ErrorCode::corrupt, "fails its CRC"},
        BadCase{"bad_truncated_header_only_opus_64k_48k_stereo.opus", When::open, ErrorCode::truncated, "(truncated"},
        BadCase{"bad_truncated_30pct_opus_64k_48k_stereo.opus", When::read, ErrorCode::truncated, "end-of-stream page"},
        BadCase{"bad_corrupt_middle_opus_64k_48k_stereo.opus", When::read, ErrorCode::corrupt, "fails its CRC"},
        BadCase{"bad_corrupt_first_page_opus_64k_48k_stereo.opus", When::open, ErrorCode::corrupt,
                "before the first audio page is missing or fails its CRC"}),
    [](const ::testing::TestParamInfo<BadCase>& info) { return test::param_name(info.param.file); });

TEST(AudioBadInput, TruncatedFilesDeliverWhatIsThereBeforeTheError) {
    // 30 % of the 0.5 s WAV: 1200 of 4000 frames at 8 kHz → 2400 output samples, then the error.
    auto reader = AudioReader::open_file(test::audio_fixture("bad_truncated_30pct_wav_s16_8k_stereo.wav"));
    ASSERT_TRUE(reader);
    EXPECT_EQ((*reader)->info().n_source_frames, 1200);  // what is present, not what the header claims
    std::vector<float> block(10000);
    auto n = (*reader)->read(block.data(), block.size());
    ASSERT_TRUE(n);
    EXPECT_EQ(*n, 2400u);
    EXPECT_NEAR(test::tone_amplitude(block, 200, 2200, 440, 16000), 0.25, 0.005);
    auto end = (*reader)->read(block.data(), block.size());
    ASSERT_FALSE(end);
    EXPECT_EQ(end.status().code(), ErrorCode::truncated);
}

TEST(AudioBadInput, MissingFileAndDirectory) {
    auto missing = AudioReader::open_file(test::audio_fixture("no_such_file.mp3"));
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.status().code(), ErrorCode::not_found);
    EXPECT_EQ(missing.status().message().rfind(test::audio_fixture("no_such_file.mp3"), 0), 0u);
    auto directory = AudioReader::open_file(test::test_data_dir() + "/audio");
    ASSERT_FALSE(directory);
    EXPECT_EQ(directory.status().code(), ErrorCode::io);
}

std::vector<uint8_t> bytes_of(const char* text, size_t n) { return std::vector<uint8_t>(text, text + n); }

std::vector<uint8_t> wav_header(uint16_t tag, uint16_t channels, uint32_t rate, uint16_t bits, uint32_t data_bytes) {
    std::vector<uint8_t> b(44);
    auto put32 = [&](size_t at, uint32_t v) { for (int i = 0; i < 4; ++i) b[at + i] = uint8_t(v >> (8 * i)); };
    auto put16 = [&](size_t at, uint16_t v) { b[at] = uint8_t(v), b[at + 1] = uint8_t(v >> 8); };
    std::memcpy(b.data(), "RIFF", 4), put32(4, 36 + data_bytes), std::memcpy(b.data() + 8, "WAVEfmt ", 8);
    put32(16, 16), put16(20, tag), put16(22, channels), put32(24, rate), put32(28, rate * channels * bits / 8);
    put16(32, uint16_t(channels * bits / 8)), put16(34, bits), std::memcpy(b.data() + 36, "data", 4);
    put32(40, data_bytes);
    return b;
}

TEST(AudioBadInput, HandMadeHeaders) {
    struct Case {
        const char* name;
        std::vector<uint8_t> bytes;
        When when;
        ErrorCode code;
    };
    std::vector<uint8_t> nan_wav = wav_header(3, 1, 8000, 32, 8);
    const float nan_and_one[2] = {NAN, 1.0f};
    nan_wav.insert(nan_wav.end(), reinterpret_cast<const uint8_t*>(nan_and_one),
                   reinterpret_cast<const uint8_t*>(nan_and_one) + 8);
    std::vector<uint8_t> zero_data = wav_header(1, 1, 8000, 16, 0);
    std::vector<uint8_t> bits_48 = wav_header(1, 1, 8000, 48, 12);
    bits_48.resize(56);
    std::vector<uint8_t> float_16 = wav_header(3, 1, 8000, 16, 4);
    float_16.resize(48);
    std::vector<uint8_t> zero_channels = wav_header(1, 0, 8000, 16, 4);
    zero_channels.resize(48);
    std::vector<uint8_t> big_chunk = wav_header(1, 1, 8000, 16, 4);
    std::memcpy(big_chunk.data() + 36, "LIST", 4);  // a 4-byte LIST chunk "covers" nothing; no data follows
    std::vector<uint8_t> id3_too_long = bytes_of("ID3\x04\x00\x00\x7f\x7f\x7f\x7f" "abc", 13);
    std::vector<uint8_t> ogg_cut = bytes_of("OggS\0\x02\0\0\0\0\0\0\0\0\0\0\0\0", 18);
    std::vector<uint8_t> mpeg_sync_then_junk(2000, 0x55);
    mpeg_sync_then_junk[0] = 0xFF, mpeg_sync_then_junk[1] = 0xFB, mpeg_sync_then_junk[2] = 0x90,
    mpeg_sync_then_junk[3] = 0x00;
    std::vector<uint8_t> elf = bytes_of("\x7f" "ELF\x02\x01\x01\0\0\0\0\0", 12);
    std::vector<uint8_t> mp4 = bytes_of("\0\0\0\x20" "ftypM4A \0\0\0\0", 16);
    std::vector<Case> cases = {
        {"nan.wav", nan_wav, When::read, ErrorCode::corrupt},
        {"zero_data.wav", zero_data, When::open, ErrorCode::empty},
        {"bits48.wav", bits_48, When::open, ErrorCode::unsupported_format},
        {"float16.wav", float_16, When::open, ErrorCode::unsupported_format},
        {"zero_channels.wav", zero_channels, When::open, ErrorCode::corrupt},
        {"no_data.wav", big_chunk, When::open, ErrorCode::truncated},
        {"riff.avi", bytes_of("RIFF\0\0\0\0AVI LIST", 16), When::open, ErrorCode::unsupported_format},
        {"riff_cut.wav", bytes_of("RIFF\0\0", 6), When::open, ErrorCode::truncated},
        {"wave_cut.wav", bytes_of("RIFF\0\0\0\0WAVEfm", 14), When::open, ErrorCode::truncated},
        {"flac_cut.flac", bytes_of("fLaC\0\0", 6), When::open, ErrorCode::truncated},
        {"id3_too_long.mp3", id3_too_long, When::open, ErrorCode::truncated},
        {"ogg_cut.ogg", ogg_cut, When::open, ErrorCode::truncated},
        {"sync_junk.mp3", mpeg_sync_then_junk, When::open, ErrorCode::unsupported_format},
        {"program.bin", elf, When::open, ErrorCode::unsupported_format},
        {"song.m4a", mp4, When::open, ErrorCode::unsupported_format},
        {"x", bytes_of("x", 1), When::open, ErrorCode::unsupported_format},
    };
    for (const Case& c : cases) {
        When failed_in = When::open;
        Status status = open_and_read(c.bytes, c.name, &failed_in);
        EXPECT_EQ(status.code(), c.code) << c.name << " → " << describe(status);
        EXPECT_EQ(failed_in, c.when) << c.name << " → " << describe(status);
        EXPECT_EQ(status.message().rfind(std::string(c.name) + ": ", 0), 0u) << status.message();
    }
    When failed_in;
    EXPECT_NE(open_and_read(elf, "program.bin", &failed_in).message().find("first bytes 7f 45 4c 46"), std::string::npos);
}

TEST(AudioSniff, MpegFrameHeaders) {
    detail::MpegFrameHeader h;
    const uint8_t mpeg1_l3_128k_44k[4] = {0xFF, 0xFB, 0x90, 0x00};
    ASSERT_TRUE(detail::parse_mpeg_frame_header(mpeg1_l3_128k_44k, &h));
    EXPECT_EQ(h.layer, 3);
    EXPECT_EQ(h.sample_rate_hz, 44100);
    EXPECT_EQ(h.frame_bytes, 417);  // 144 × 128000 / 44100
    const uint8_t padded[4] = {0xFF, 0xFB, 0x92, 0x00};
    ASSERT_TRUE(detail::parse_mpeg_frame_header(padded, &h));
    EXPECT_EQ(h.frame_bytes, 418);
    const uint8_t mpeg2_l3_32k_22k[4] = {0xFF, 0xF3, 0x40, 0xC0};
    ASSERT_TRUE(detail::parse_mpeg_frame_header(mpeg2_l3_32k_22k, &h));
    EXPECT_EQ(h.sample_rate_hz, 22050);
    EXPECT_EQ(h.frame_bytes, 104);  // 72 × 32000 / 22050
    const uint8_t bad_rate[4] = {0xFF, 0xFB, 0x9C, 0x00}, free_format[4] = {0xFF, 0xFB, 0x00, 0x00},
                  reserved_layer[4] = {0xFF, 0xF9, 0x90, 0x00}, no_sync[4] = {0xFF, 0x7B, 0x90, 0x00};
    EXPECT_FALSE(detail::parse_mpeg_frame_header(bad_rate, &h));
    EXPECT_FALSE(detail::parse_mpeg_frame_header(free_format, &h));
    EXPECT_FALSE(detail::parse_mpeg_frame_header(reserved_layer, &h));
    EXPECT_FALSE(detail::parse_mpeg_frame_header(no_sync, &h));
}

}  // namespace
}  // namespace cf
