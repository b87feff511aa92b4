// AudioReader behaviour beyond "it decodes": block sizes, options, budgets, progress/cancel and memory.
#include <gtest/gtest.h>

#include <cstring>

#include "core/audio/audio_reader.h"
#include "core/audio/audio_test_util.h"

// AddressSanitizer's runtime reports the live heap; GCC ships no header for it, so declare it.
#if defined(__SANITIZE_ADDRESS__)
extern "C" size_t __sanitizer_get_current_allocated_bytes();
#define CF_TEST_HAVE_ALLOCATOR_STATS 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
extern "C" size_t __sanitizer_get_current_allocated_bytes();
#define CF_TEST_HAVE_ALLOCATOR_STATS 1
#endif
#endif

namespace cf {
namespace {

std::unique_ptr<AudioReader> open_or_die(const std::string& name, const DecodeOptions& options = {}) {
    auto reader = AudioReader::open_file(test::audio_fixture(name), options);
    EXPECT_TRUE(reader) << reader.status().message();
    return reader ? std::move(*reader) : nullptr;
}

TEST(AudioReader, OddBlockSizesGiveTheSameSamples) {
    // One fixture per decoder (and the 6-channel path): reads of 1, 7 and 4097 samples must not change
    // a single sample, since the decoders, downmix and resampler keep their state across calls.
    for (const char* file : {"wav_s24_8k_stereo.wav", "wav_s16_16k_stereo.wav", "flac_s16_44k_stereo.flac",
                             "mp3_cbr128_44k_stereo.mp3", "vorbis_chained_same_format.ogg", "opus_160k_48k_6ch.opus"}) {
        auto reference_reader = open_or_die(file);
        ASSERT_TRUE(reference_reader);
        auto reference = decode_all(*reference_reader);
        ASSERT_TRUE(reference) << file;
        for (size_t block : {size_t(1), size_t(7), size_t(4097)}) {
            auto reader = open_or_die(file);
            auto x = test::read_all(*reader, block);
            ASSERT_TRUE(x) << file << " block " << block << ": " << x.status().message();
            EXPECT_EQ(*x, *reference) << file << " block " << block;
        }
    }
}

TEST(AudioReader, StereoDownmixIsTheMeanOfTheChannels) {
    // L = 0.5·sin 440 Hz, R = silence: the mono mix has half the amplitude.
    auto reader = open_or_die("wav_s16_8k_left_only.wav");
    auto x = decode_all(*reader);
    ASSERT_TRUE(x);
    EXPECT_NEAR(test::tone_amplitude(*x, 800, 5600, 440, 16000), 0.25, 0.0025);
    EXPECT_LT(test::tone_amplitude(*x, 800, 5600, 1000, 16000), 1e-3);
}

TEST(AudioReader, OpenReadsOnlyHeaders) {
    auto reader = open_or_die("flac_s16_44k_stereo.flac");
    EXPECT_EQ(reader->position_s(), 0.0);
    EXPECT_EQ(reader->name(), test::audio_fixture("flac_s16_44k_stereo.flac"));
    EXPECT_STREQ(audio_codec_name(reader->info().codec), "FLAC");
}

TEST(AudioReader, InvalidOptionsAreRejectedWithTheFieldName) {
    struct Case {
        void (*edit)(DecodeOptions&);
        const char* field;
    } cases[] = {
        {[](DecodeOptions& o) { o.output_rate_hz = 0; }, "output_rate_hz"},
        {[](DecodeOptions& o) { o.max_channels = 0; }, "max_channels"},
        {[](DecodeOptions& o) { o.min_source_rate_hz = 0; }, "min_source_rate_hz"},
        {[](DecodeOptions& o) { o.max_source_rate_hz = 100; }, "max_source_rate_hz"},
        {[](DecodeOptions& o) { o.max_source_rate_hz = 100000000; }, "max_source_rate_hz"},
        {[](DecodeOptions& o) { o.max_duration_s = -1; }, "max_duration_s"},
        {[](DecodeOptions& o) { o.max_duration_s = NAN; }, "max_duration_s"},
        {[](DecodeOptions& o) { o.max_output_bytes = 0; }, "max_output_bytes"},
        {[](DecodeOptions& o) { o.resample_quality = ResampleQuality(7); }, "resample_quality"},
    };
    EXPECT_TRUE(validate(DecodeOptions{}));
    for (const Case& c : cases) {
        DecodeOptions options;
        c.edit(options);
        Status status = validate(options);
        EXPECT_EQ(status.code(), ErrorCode::invalid_argument) << c.field;
        EXPECT_NE(status.message().find(c.field), std::string::npos) << status.message();
        auto reader = AudioReader::open_file(test::audio_fixture("wav_s16_8k_stereo.wav"), options);
        ASSERT_FALSE(reader);
        EXPECT_EQ(reader.status().code(), ErrorCode::invalid_argument);
        EXPECT_EQ(reader.status().message().rfind(test::audio_fixture("wav_s16_8k_stereo.wav") + ": ", 0), 0u)
            << reader.status().message();
    }
}

TEST(AudioReader, DecodeAllChecksTheBudgetFromTheHeaderBeforeDecoding) {
    auto reader = open_or_die("wav_s16_44k_stereo.wav");
    DecodeOptions options;
    options.max_output_bytes = 16000 * sizeof(float) - 1;  // one second needs 64000 bytes
    int n_progress_calls = 0;
    auto x = decode_all(*reader, options, [&](double) { return ++n_progress_calls, true; });
    ASSERT_FALSE(x);
    EXPECT_EQ(x.status().code(), ErrorCode::too_large);
    EXPECT_NE(x.status().message().find("max_output_bytes"), std::string::npos) << x.status().message();
    EXPECT_EQ(n_progress_calls, 0);
    EXPECT_EQ(reader->position_s(), 0.0);  // nothing was decoded
    options.max_output_bytes = 16000 * sizeof(float);
    EXPECT_TRUE(decode_all(*reader, options));
}

/// A FLAC file whose STREAMINFO says "length unknown" (total samples 0, as old encoders wrote).
std::vector<uint8_t> flac_without_length() {
    std::vector<uint8_t> bytes = test::read_bytes(test::audio_fixture("flac_s16_44k_stereo.flac"));
    // "fLaC", block header (4 bytes), STREAMINFO: 36-bit total samples in the low nibble of byte 21
    // and bytes 22..25.
    bytes[21] &= 0xF0;
    std::memset(bytes.data() + 22, 0, 4);
    return bytes;
}

TEST(AudioReader, DecodeAllRechecksTheBudgetWhileDecoding) {
    std::vector<uint8_t> bytes = flac_without_length();
    auto reader = AudioReader::open(make_memory_source(bytes.data(), bytes.size(), "nolength.flac"));
    ASSERT_TRUE(reader) << reader.status().message();
    EXPECT_EQ((*reader)->info().n_source_frames, -1);
    EXPECT_EQ((*reader)->info().duration_s, -1.0);
    DecodeOptions options;
    options.max_output_bytes = 8000 * sizeof(float);  // half of the second
    auto x = decode_all(**reader, options);
    ASSERT_FALSE(x);
    EXPECT_EQ(x.status().code(), ErrorCode::too_large);
    EXPECT_EQ(x.status().message().rfind("nolength.flac: ", 0), 0u) << x.status().message();
    options.max_output_bytes = 16000 * sizeof(float);
    auto all = decode_all(**reader, options);  // seeks back to the start
    ASSERT_TRUE(all) << all.status().message();
    EXPECT_EQ(all->size(), 16000u);
}

TEST(AudioReader, MaxDurationIsCheckedFromTheHeaderAndWhileDecoding) {
    DecodeOptions options;
    options.max_duration_s = 0.5;
    auto reader = AudioReader::open_file(test::audio_fixture("flac_s16_44k_stereo.flac"), options);
    ASSERT_FALSE(reader);
    EXPECT_EQ(reader.status().code(), ErrorCode::too_large);

    std::vector<uint8_t> bytes = flac_without_length();
    auto unknown = AudioReader::open(make_memory_source(bytes.data(), bytes.size(), "nolength.flac"), options);
    ASSERT_TRUE(unknown) << unknown.status().message();
    auto x = decode_all(**unknown, options);
    ASSERT_FALSE(x);
    EXPECT_EQ(x.status().code(), ErrorCode::too_large);
    EXPECT_NE(x.status().message().find("0.5 s limit"), std::string::npos) << x.status().message();
    EXPECT_NEAR((*unknown)->position_s(), 0.5, 0.3);  // stopped near the limit, not at the end
}

TEST(AudioReader, ProgressRisesToOneAndCanCancel) {
    auto reader = open_or_die("vorbis_q2_44k_stereo_3s.ogg");
    std::vector<double> fractions;
    auto x = decode_all(*reader, {}, [&](double f) { return fractions.push_back(f), true; });
    ASSERT_TRUE(x);
    ASSERT_GE(fractions.size(), 3u);  // 48000 samples in blocks of 16384, then the final 1.0
    for (size_t i = 1; i < fractions.size(); ++i) EXPECT_GE(fractions[i], fractions[i - 1]);
    EXPECT_EQ(fractions.back(), 1.0);

    auto cancelled = decode_all(*reader, {}, [](double f) { return f < 0.3; });
    ASSERT_FALSE(cancelled);
    EXPECT_EQ(cancelled.status().code(), ErrorCode::cancelled);
    EXPECT_EQ(cancelled.status().message().rfind(test::audio_fixture("vorbis_q2_44k_stereo_3s.ogg"), 0), 0u);
}

TEST(AudioReader, AcceptTruncatedEndsQuietly) {
    DecodeOptions options;
    options.accept_truncated = true;
    for (const char* file : {"bad_truncated_30pct_wav_s16_8k_stereo.wav", "bad_truncated_30pct_flac_s16_44k_stereo.flac",
                             "bad_truncated_30pct_mp3_cbr128_44k_stereo.mp3", "bad_truncated_30pct_opus_64k_48k_stereo.opus"}) {
        auto reader = AudioReader::open_file(test::audio_fixture(file), options);
        ASSERT_TRUE(reader) << reader.status().message();
        auto x = decode_all(**reader, options);
        ASSERT_TRUE(x) << x.status().message();
        EXPECT_GT(x->size(), 1000u) << file;
    }
}

/// A WAV of any length made up on the fly: the 44-byte header, then 16-bit stereo samples of a 440 Hz
/// tone (one second of it, repeated). Lets the tests decode long inputs without storing them.
class SyntheticWavSource final : public ByteSource {
public:
    SyntheticWavSource(int rate_hz, int64_t n_frames) : size_(44 + n_frames * 4) {
        for (int i = 0; i < rate_hz; ++i) {
            auto v = uint16_t(int16_t(16000.0 * std::sin(2.0 * M_PI * 440.0 * i / rate_hz)));
            uint8_t frame[4] = {uint8_t(v), uint8_t(v >> 8), uint8_t(v), uint8_t(v >> 8)};
            second_.insert(second_.end(), frame, frame + 4);
        }
        auto put32 = [&](int at, uint32_t v) { for (int i = 0; i < 4; ++i) header_[at + i] = uint8_t(v >> (8 * i)); };
        auto put16 = [&](int at, uint16_t v) { header_[at] = uint8_t(v), header_[at + 1] = uint8_t(v >> 8); };
        std::memcpy(header_, "RIFF\0\0\0\0WAVEfmt \x10\0\0\0", 20);
        put32(4, uint32_t(std::min<int64_t>(size_ - 8, 0xFFFFFFFE)));
        put16(20, 1), put16(22, 2), put32(24, uint32_t(rate_hz)), put32(28, uint32_t(rate_hz) * 4), put16(32, 4),
            put16(34, 16);
        std::memcpy(header_ + 36, "data", 4);
        put32(40, uint32_t(std::min<int64_t>(n_frames * 4, 0xFFFFFFFE)));
    }
    Result<size_t> read(void* dst, size_t n_bytes) override {
        uint8_t* out = static_cast<uint8_t*>(dst);
        size_t n = size_t(std::min<int64_t>(int64_t(n_bytes), size_ - position_));
        for (size_t done = 0; done < n;) {
            const uint8_t* from;
            size_t available;
            if (position_ < 44) {
                from = header_ + position_, available = size_t(44 - position_);
            } else {
                size_t offset = size_t((position_ - 44) % int64_t(second_.size()));
                from = second_.data() + offset, available = second_.size() - offset;
            }
            size_t m = std::min(available, n - done);
            std::memcpy(out + done, from, m);
            done += m;
            position_ += int64_t(m);
        }
        return n;
    }
    Status seek(int64_t offset) override { return position_ = offset, Status::ok(); }
    int64_t tell() const override { return position_; }
    int64_t size() const override { return size_; }
    const std::string& name() const override { return name_; }

private:
    std::vector<uint8_t> second_;
    int64_t size_;
    int64_t position_ = 0;
    uint8_t header_[44] = {};
    std::string name_ = "synthetic.wav";
};

TEST(AudioReader, MemoryDoesNotGrowWithTrackLength) {
    // A minute of 48 kHz stereo through WAV parsing, downmix and 48 → 16 kHz resampling (the fast
    // converter: the test is about memory, not quality). Under AddressSanitizer the live heap is
    // sampled after every block: it must stay flat (the reader holds a few blocks, never the track).
    // Elsewhere this still checks that a long input decodes completely.
    constexpr int64_t kFrames = int64_t(48000) * 60;
    DecodeOptions options;
    options.resample_quality = ResampleQuality::fast;
    auto reader = AudioReader::open(std::make_unique<SyntheticWavSource>(48000, kFrames), options);
    ASSERT_TRUE(reader) << reader.status().message();
    std::vector<float> block(4096);
    size_t n_total = 0;
#ifdef CF_TEST_HAVE_ALLOCATOR_STATS
    size_t baseline = 0, peak = 0;
#endif
    for (;;) {
        auto n = (*reader)->read(block.data(), block.size());
        ASSERT_TRUE(n) << n.status().message();
        if (*n == 0) break;
        n_total += *n;
#ifdef CF_TEST_HAVE_ALLOCATOR_STATS
        size_t now = __sanitizer_get_current_allocated_bytes();
        if (baseline == 0) baseline = now;
        peak = std::max(peak, now);
#endif
    }
    EXPECT_EQ(n_total, size_t(kFrames / 3));
#ifdef CF_TEST_HAVE_ALLOCATOR_STATS
    EXPECT_LT(peak - baseline, size_t(64) << 10) << "baseline " << baseline << " peak " << peak;
#endif
}

TEST(AudioReader, CompressedDecodersKeepASmallHeap) {
#ifndef CF_TEST_HAVE_ALLOCATOR_STATS
    GTEST_SKIP() << "needs AddressSanitizer's allocator statistics";
#else
    // Heap in use while reading, beyond what open() left: one codec frame and a few blocks at most.
    for (const char* file : {"flac_s16_44k_stereo.flac", "mp3_cbr128_44k_stereo.mp3", "vorbis_q2_44k_stereo_3s.ogg",
                             "opus_160k_48k_6ch.opus"}) {
        auto reader = open_or_die(file);
        size_t after_open = __sanitizer_get_current_allocated_bytes(), peak = after_open;
        std::vector<float> block(4096);
        for (;;) {
            auto n = reader->read(block.data(), block.size());
            ASSERT_TRUE(n);
            if (*n == 0) break;
            peak = std::max(peak, __sanitizer_get_current_allocated_bytes());
        }
        EXPECT_LT(peak - after_open, size_t(1) << 20) << file;
    }
#endif
}

}  // namespace
}  // namespace cf
