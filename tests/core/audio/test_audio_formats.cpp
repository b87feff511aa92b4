// Every format and variant decodes to 16 kHz mono with the right length and content.
//
// Content is checked on the mono mix: tone amplitudes at 440 and 1000 Hz over [0.1 D, 0.7 D) (a
// Hann-windowed DFT bin, see audio_test_util.h), the absence of energy at 700 and 2000 Hz, and the RMS of
// the chirp over [0.8 D, 0.95 D). Tolerances:
//  - lossless (WAV, FLAC): 1 % on levels: 16-bit quantisation is -96 dB, libsamplerate's medium sinc has
//    < 0.01 dB passband ripple below 0.9 × Nyquist; 3 % for 8-bit WAV (quantisation noise at -48 dB).
//  - lossy (MP3 128 kbps, Vorbis q2, Opus 64-160 kbps): 8 %. LAME's encoding alone comes out 5 % low on
//    these pure tones (sox, which decodes with its own libmad, measures the same), Vorbis/Opus < 1 %.
//  - length: exact. The reader ends the output at ceil(n_source_frames × 16000 / rate) samples
//    (audio_reader.cpp pads the resampler's input so its last sample always comes out). The MP3
//    without LAME's Info frame keeps the encoder delay and padding (~70 ms), as every decoder must.
#include <gtest/gtest.h>

#include <cmath>

#include "core/audio/audio_reader.h"
#include "core/audio/audio_test_util.h"

namespace cf {
namespace {

struct FormatCase {
    const char* file;
    AudioCodec codec;
    int rate_hz;
    int n_channels;
    double signal_s;          ///< D: the synthetic signal's duration
    double a440 = 0.25;       ///< expected tone amplitudes in the mono mix
    double a1000 = 0.25;
    double chirp_rms = 0.4 / std::sqrt(2.0);
    double tolerance = 0.01;  ///< relative, on the three levels
    bool lossy = false;
    bool exact_length = true;  ///< false: MP3 without an Info frame (length estimated, keeps delay/padding)
};

constexpr double kSixChannel440 = 0.5 * 3 / 6;   // 5.1: FL, FC, BL carry 440 Hz
constexpr double kSixChannel1000 = 0.5 * 2 / 6;  // FR, BR carry 1000 Hz; LFE is silent
const double kSixChannelChirp = 0.4 / std::sqrt(2.0) * 5 / 6;

std::vector<FormatCase> format_cases() {
    const AudioCodec wav = AudioCodec::wav;
    std::vector<FormatCase> cases = {
        {"wav_u8_8k_stereo.wav", wav, 8000, 2, 0.5},
        {"wav_s16_8k_stereo.wav", wav, 8000, 2, 0.5},
        {"wav_s24_8k_stereo.wav", wav, 8000, 2, 0.5},
        {"wav_s32_8k_stereo.wav", wav, 8000, 2, 0.5},
        {"wav_f32_8k_stereo.wav", wav, 8000, 2, 0.5},
        {"wav_f64_8k_stereo.wav", wav, 8000, 2, 0.5},
        {"wav_ext_s24_8k_stereo.wav", wav, 8000, 2, 0.5},
        {"wav_ext_f32_8k_stereo.wav", wav, 8000, 2, 0.5},
        {"wav_s16_44k_stereo.wav", wav, 44100, 2, 1.0},
        {"wav_s16_48k_mono.wav", wav, 48000, 1, 0.5},
        {"wav_s16_22k_stereo.wav", wav, 22050, 2, 0.5},
        {"wav_s16_16k_stereo.wav", wav, 16000, 2, 0.5},
        {"wav_ext_s16_8k_6ch.wav", wav, 8000, 6, 0.5, kSixChannel440, kSixChannel1000, kSixChannelChirp},
        {"wav_s16_8k_left_only.wav", wav, 8000, 2, 0.5, 0.25, 0.0, 0.4 / std::sqrt(2.0) / 2},
        {"wav_rf64_s16_8k_stereo.wav", wav, 8000, 2, 0.5},
        {"wav_odd_chunks_8k_mono.wav", wav, 8000, 1, 0.5},
        {"wav_data_size_ffffffff.wav", wav, 8000, 1, 0.25},
        {"flac_s16_44k_stereo.flac", AudioCodec::flac, 44100, 2, 1.0},
        {"flac_s24_48k_stereo.flac", AudioCodec::flac, 48000, 2, 0.5},
        {"flac_s24_48k_stereo_id3v2.flac", AudioCodec::flac, 48000, 2, 0.5},
    };
    cases[0].tolerance = 0.03;  // 8-bit
    FormatCase lossy[] = {
        {"mp3_cbr128_44k_stereo.mp3", AudioCodec::mp3, 44100, 2, 1.0},
        {"mp3_cbr32_22k_mono_noinfo.mp3", AudioCodec::mp3, 22050, 1, 1.0},
        {"bad_mp3_named.wav", AudioCodec::mp3, 22050, 1, 1.0},  // sniffed, not trusted by extension
        {"vorbis_q2_44k_stereo_3s.ogg", AudioCodec::vorbis, 44100, 2, 3.0},
        {"opus_64k_48k_stereo.opus", AudioCodec::opus, 48000, 2, 1.0},
        {"opus_160k_48k_6ch.opus", AudioCodec::opus, 48000, 6, 1.0, kSixChannel440, kSixChannel1000, kSixChannelChirp},
    };
    for (FormatCase c : lossy) {
        c.lossy = true;
        c.tolerance = 0.08;
        c.exact_length = std::string(c.file).find("mp3_cbr32") == std::string::npos &&
                         std::string(c.file) != "bad_mp3_named.wav";
        cases.push_back(c);
    }
    return cases;
}

class AudioFormat : public ::testing::TestWithParam<FormatCase> {};

TEST_P(AudioFormat, DecodesWithRightLengthAndContent) {
    const FormatCase& c = GetParam();
    auto reader = AudioReader::open_file(test::audio_fixture(c.file));
    ASSERT_TRUE(reader) << reader.status().message();
    const AudioInfo& info = (*reader)->info();
    EXPECT_EQ(info.codec, c.codec);
    EXPECT_EQ(info.source_rate_hz, c.rate_hz);
    EXPECT_EQ(info.n_source_channels, c.n_channels);
    EXPECT_EQ(info.output_rate_hz, 16000);

    auto decoded = decode_all(**reader);
    ASSERT_TRUE(decoded) << decoded.status().message();
    const std::vector<float>& x = *decoded;
    const int64_t n_signal_frames = std::llround(c.signal_s * c.rate_hz);
    if (c.exact_length) {
        EXPECT_FALSE(info.length_is_estimate);
        EXPECT_EQ(info.n_source_frames, n_signal_frames);
        EXPECT_NEAR(info.duration_s, c.signal_s, 1e-9);
        EXPECT_EQ(int64_t(x.size()), (n_signal_frames * 16000 + c.rate_hz - 1) / c.rate_hz);
    } else {
        // Without LAME's Info frame: the length is a file-size estimate, and the output keeps the encoder
        // delay (576 + 529 samples) and the padding to whole frames.
        EXPECT_TRUE(info.length_is_estimate);
        EXPECT_NEAR(info.duration_s, c.signal_s, 0.1);
        EXPECT_GE(x.size(), size_t(c.signal_s * 16000));
        EXPECT_LE(x.size(), size_t((c.signal_s + 0.1) * 16000));
    }
    EXPECT_NEAR(double(x.size()) / 16000.0, (*reader)->position_s(), 1e-9);

    const double rate = 16000.0;
    const size_t tone_begin = size_t(0.1 * c.signal_s * rate), tone_end = size_t(0.7 * c.signal_s * rate);
    EXPECT_NEAR(test::tone_amplitude(x, tone_begin, tone_end, 440, rate), c.a440, c.tolerance * 0.25);
    EXPECT_NEAR(test::tone_amplitude(x, tone_begin, tone_end, 1000, rate), c.a1000, c.tolerance * 0.25);
    const double off_limit = c.lossy ? 0.01 : 0.003;
    EXPECT_LT(test::tone_amplitude(x, tone_begin, tone_end, 700, rate), off_limit);
    EXPECT_LT(test::tone_amplitude(x, tone_begin, tone_end, 2000, rate), off_limit);
    const size_t chirp_begin = size_t(0.8 * c.signal_s * rate), chirp_end = size_t(0.95 * c.signal_s * rate);
    EXPECT_NEAR(test::rms(x, chirp_begin, chirp_end), c.chirp_rms, c.tolerance * c.chirp_rms);
}

TEST_P(AudioFormat, MemorySourceGivesTheSameSamplesAsTheFile) {
    const FormatCase& c = GetParam();
    auto from_file = AudioReader::open_file(test::audio_fixture(c.file));
    ASSERT_TRUE(from_file) << from_file.status().message();
    auto file_samples = decode_all(**from_file);
    ASSERT_TRUE(file_samples) << file_samples.status().message();

    std::vector<uint8_t> bytes = test::read_bytes(test::audio_fixture(c.file));
    auto from_memory = AudioReader::open(make_memory_source(bytes.data(), bytes.size(), "dropped-file"));
    ASSERT_TRUE(from_memory) << from_memory.status().message();
    EXPECT_EQ((*from_memory)->name(), "dropped-file");
    auto memory_samples = decode_all(**from_memory);
    ASSERT_TRUE(memory_samples) << memory_samples.status().message();
    EXPECT_EQ(*file_samples, *memory_samples);  // bit-exact: same bytes, same code path
}

INSTANTIATE_TEST_SUITE_P(Fixtures, AudioFormat, ::testing::ValuesIn(format_cases()),
                         [](const ::testing::TestParamInfo<FormatCase>& info) { return test::param_name(info.param.file); });

TEST(AudioFormat, ChainedVorbisWithOneFormatDecodesEveryLink) {
    // Two links of the 0.5 s, 8 kHz mono signal one after another. (libvorbisfile 1.3.7 starts chained
    // files at their last link; the decoder seeks back.)
    auto reader = AudioReader::open_file(test::audio_fixture("vorbis_chained_same_format.ogg"));
    ASSERT_TRUE(reader) << reader.status().message();
    EXPECT_EQ((*reader)->info().n_source_frames, 8000);
    auto x = decode_all(**reader);
    ASSERT_TRUE(x) << x.status().message();
    ASSERT_EQ(x->size(), 16000u);
    for (size_t link = 0; link < 2; ++link) {
        size_t begin = link * 8000 + 800, end = link * 8000 + 5600;  // [0.1 D, 0.7 D) of each link
        EXPECT_NEAR(test::tone_amplitude(*x, begin, end, 440, 16000), 0.25, 0.02) << "link " << link;
        EXPECT_NEAR(test::tone_amplitude(*x, begin, end, 1000, 16000), 0.25, 0.02) << "link " << link;
    }
}

TEST(AudioFormat, ResamplingAddsNoDelay) {
    // The same tones sampled at 8, 22.05, 44.1 and 48 kHz must, after resampling, match the 16 kHz
    // file (which bypasses the resampler) sample by sample. Tolerance 2e-3: the medium sinc's stopband
    // and passband errors plus 16-bit quantisation of both files; a delay of even one output sample
    // would give differences up to 0.25 × 2π × 1000/16000 ≈ 0.1.
    auto reference = AudioReader::open_file(test::audio_fixture("wav_s16_16k_stereo.wav"));
    ASSERT_TRUE(reference);
    auto ref = decode_all(**reference);
    ASSERT_TRUE(ref);
    for (const char* file : {"wav_s16_8k_stereo.wav", "wav_s16_22k_stereo.wav", "wav_s16_44k_stereo.wav",
                             "wav_s16_48k_mono.wav", "flac_s24_48k_stereo.flac"}) {
        auto reader = AudioReader::open_file(test::audio_fixture(file));
        ASSERT_TRUE(reader) << file;
        auto x = decode_all(**reader);
        ASSERT_TRUE(x) << file;
        double max_diff = 0.0;
        for (size_t i = 160; i < 5600; ++i) max_diff = std::max(max_diff, double(std::fabs((*x)[i] - (*ref)[i])));
        EXPECT_LT(max_diff, 2e-3) << file;
    }
}

TEST(AudioFormat, SixteenKilohertzInputBypassesTheResampler) {
    // At the output rate the samples are the exact mean of the two 16-bit channels.
    std::vector<uint8_t> bytes = test::read_bytes(test::audio_fixture("wav_s16_16k_stereo.wav"));
    auto reader = AudioReader::open_file(test::audio_fixture("wav_s16_16k_stereo.wav"));
    ASSERT_TRUE(reader);
    auto x = decode_all(**reader);
    ASSERT_TRUE(x);
    ASSERT_EQ(x->size(), (bytes.size() - 44) / 4);
    for (size_t i = 0; i < x->size(); ++i) {
        const uint8_t* p = bytes.data() + 44 + 4 * i;
        float left = float(int16_t(p[0] | p[1] << 8)) / 32768.0f, right = float(int16_t(p[2] | p[3] << 8)) / 32768.0f;
        ASSERT_EQ((*x)[i], (left + right) * 0.5f) << i;
    }
}

TEST(AudioFormat, EveryResampleQualityKeepsTheTones) {
    for (ResampleQuality quality : {ResampleQuality::fast, ResampleQuality::medium, ResampleQuality::best}) {
        DecodeOptions options;
        options.resample_quality = quality;
        auto reader = AudioReader::open_file(test::audio_fixture("wav_s16_44k_stereo.wav"), options);
        ASSERT_TRUE(reader);
        auto x = decode_all(**reader, options);
        ASSERT_TRUE(x);
        EXPECT_EQ(x->size(), 16000u);
        EXPECT_NEAR(test::tone_amplitude(*x, 1600, 11200, 440, 16000), 0.25, 0.0025) << int(quality);
        EXPECT_NEAR(test::tone_amplitude(*x, 1600, 11200, 1000, 16000), 0.25, 0.0025) << int(quality);
    }
}

TEST(AudioFormat, OtherOutputRates) {
    DecodeOptions options;
    options.output_rate_hz = 22050;
    auto reader = AudioReader::open_file(test::audio_fixture("flac_s16_44k_stereo.flac"), options);
    ASSERT_TRUE(reader);
    EXPECT_EQ((*reader)->info().output_rate_hz, 22050);
    auto x = decode_all(**reader, options);
    ASSERT_TRUE(x);
    EXPECT_EQ(x->size(), 22050u);
    EXPECT_NEAR(test::tone_amplitude(*x, 2205, 15435, 1000, 22050), 0.25, 0.0025);
}

}  // namespace
}  // namespace cf
