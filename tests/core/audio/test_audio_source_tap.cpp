// DecodeOptions::source_tap: every decoded source frame, once, at the source rate, before downmix.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "core/audio/audio_reader.h"
#include "core/audio/audio_test_util.h"

namespace cf {
namespace {

struct Tapped {
    int64_t n_frames = 0;
    int n_channels = 0, rate_hz = 0, n_calls = 0;
    std::vector<float> first_frames;  ///< the first 64 frames, interleaved
};

DecodeOptions tapping(Tapped& t) {
    DecodeOptions o;
    o.source_tap = [&t](const float* x, size_t n, int channels, int rate) {
        if (t.first_frames.size() < size_t(64 * channels))
            t.first_frames.insert(t.first_frames.end(), x, x + std::min(n, size_t(64)) * size_t(channels));
        t.n_frames += int64_t(n);
        t.n_channels = channels;
        t.rate_hz = rate;
        ++t.n_calls;
    };
    return o;
}

const char* kGoodFixtures[] = {
    "flac_s16_44k_stereo.flac", "flac_s24_48k_stereo.flac", "mp3_cbr128_44k_stereo.mp3",
    "opus_64k_48k_stereo.opus", "opus_160k_48k_6ch.opus",   "vorbis_q2_44k_stereo_3s.ogg",
    "wav_s16_44k_stereo.wav",   "wav_ext_s16_8k_6ch.wav",   "wav_s16_48k_mono.wav",
    "wav_f32_8k_stereo.wav",    "wav_s16_16k_stereo.wav",
};

TEST(AudioSourceTap, SeesExactlyTheSourceFramesAndLeavesReadUnchanged) {
    for (const char* name : kGoodFixtures) {
        SCOPED_TRACE(name);
        Tapped t;
        auto tapped = AudioReader::open_file(test::audio_fixture(name), tapping(t));
        ASSERT_TRUE(tapped.is_ok()) << tapped.status().message();
        auto plain = AudioReader::open_file(test::audio_fixture(name));
        ASSERT_TRUE(plain.is_ok());
        auto a = decode_all(**tapped);
        auto b = decode_all(**plain);
        ASSERT_TRUE(a.is_ok() && b.is_ok());
        EXPECT_EQ(*a, *b);  // the tap changes nothing in read()'s output
        const AudioInfo& info = (*tapped)->info();
        EXPECT_EQ(t.n_frames, info.n_source_frames);
        EXPECT_EQ(t.n_channels, info.n_source_channels);
        EXPECT_EQ(t.rate_hz, info.source_rate_hz);
        EXPECT_GT(t.n_calls, 0);
    }
}

TEST(AudioSourceTap, CarriesTheChannelsBeforeTheDownmix) {
    // wav_s16_44k_stereo: channel 0 is 0.5·sin 440 Hz, channel 1 is 0.5·sin 1000 Hz (lossless).
    Tapped t;
    auto reader = AudioReader::open_file(test::audio_fixture("wav_s16_44k_stereo.wav"), tapping(t));
    ASSERT_TRUE(reader.is_ok());
    float block[256];
    ASSERT_TRUE((*reader)->read(block, 256).is_ok());
    ASSERT_GE(t.first_frames.size(), size_t(128));
    for (int i = 1; i < 64; ++i) {
        double t_s = double(i) / 44100.0;
        EXPECT_NEAR(t.first_frames[size_t(2 * i)], 0.5 * std::sin(2 * M_PI * 440 * t_s), 2e-3) << i;
        EXPECT_NEAR(t.first_frames[size_t(2 * i + 1)], 0.5 * std::sin(2 * M_PI * 1000 * t_s), 2e-3) << i;
    }
}

TEST(AudioSourceTap, ContinuesFromTheSeekTarget) {
    for (const char* name : {"flac_s16_44k_stereo.flac", "wav_s16_44k_stereo.wav", "mp3_cbr128_44k_stereo.mp3"}) {
        SCOPED_TRACE(name);
        Tapped t;
        auto reader = AudioReader::open_file(test::audio_fixture(name), tapping(t));
        ASSERT_TRUE(reader.is_ok());
        const double target_s = 0.5;
        ASSERT_TRUE((*reader)->seek(target_s).is_ok());
        std::vector<float> rest;
        float block[4096];
        for (;;) {
            auto n = (*reader)->read(block, 4096);
            ASSERT_TRUE(n.is_ok());
            if (*n == 0) break;
        }
        const AudioInfo& info = (*reader)->info();
        const int64_t target_frame = std::llround(target_s * info.source_rate_hz);
        EXPECT_EQ(t.n_frames, info.n_source_frames - target_frame);
    }
}

}  // namespace
}  // namespace cf
