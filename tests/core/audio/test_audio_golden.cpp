// End to end against the golden data (tests/data/golden): the two golden clips decoded by AudioReader
// versus the 16 kHz signals made from them with ffmpeg (tools/golden/decode.sh: ffmpeg's decoder,
// (L+R)/2, soxr at precision 28).
//  - joram (MP3, 16 kHz mono, no resampling): mpg123 and ffmpeg decode the same samples, SNR ≈ 118 dB.
//  - tumiki (Ogg Vorbis, 44.1 kHz mono): libvorbis and ffmpeg's Vorbis decoder agree to 75 dB at
//    44.1 kHz with no lag, but libsamplerate's medium sinc is not soxr's very-high-quality filter;
//    the difference sits near the 8 kHz band edge, where this chiptune clip has much energy.
//    Measured SNR: 30.4 dB (medium, the default), 38.5 dB (best; tests/core/features/
//    test_end_to_end.cpp). Lengths agree to one sample (rounding of the last one). A lag of one
//    sample gives 10.6 dB on this signal, so 25 dB still catches misalignment.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "core/audio/audio_reader.h"
#include "core/audio/audio_test_util.h"

namespace cf {
namespace {

double snr_db(const std::vector<float>& x, const std::vector<float>& reference) {
    double signal = 0.0, noise = 0.0;
    for (size_t i = 0; i < std::min(x.size(), reference.size()); ++i) {
        signal += double(reference[i]) * reference[i];
        noise += (double(x[i]) - reference[i]) * (double(x[i]) - reference[i]);
    }
    return 10.0 * std::log10(signal / std::max(noise, 1e-30));
}

void expect_matches_golden(const std::string& source, const std::string& signal, double min_snr_db) {
    std::vector<float> golden = test::read_f32(test::golden_dir() + "/" + signal);
    ASSERT_FALSE(golden.empty()) << "golden data not found in " << test::golden_dir();
    auto reader = AudioReader::open_file(test::golden_dir() + "/source/" + source);
    ASSERT_TRUE(reader) << reader.status().message();
    auto x = decode_all(**reader);
    ASSERT_TRUE(x) << x.status().message();
    EXPECT_NEAR(double(x->size()), double(golden.size()), 1.0);
    const double snr = snr_db(*x, golden);
    std::printf("%s: %zu samples (reference %zu), SNR vs ffmpeg %.1f dB\n", source.c_str(), x->size(), golden.size(), snr);
    EXPECT_GT(snr, min_snr_db);
}

TEST(AudioGolden, Mono16kMp3MatchesFfmpeg) {
    expect_matches_golden("joram-moments_of_clarity-08-solipsism-59-88.mp3", "joram.signal.f32", 100.0);
}

TEST(AudioGolden, Mono44kVorbisMatchesFfmpegPlusSoxr) {
    expect_matches_golden("return_to_home.ogg", "tumiki.signal.f32", 25.0);
}

}  // namespace
}  // namespace cf
