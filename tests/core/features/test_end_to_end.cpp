// End to end: the two golden MP3 clips decoded by cuefinder (libmpg123 + libsamplerate) and turned
// into mel frames, compared with essentia.js frames computed from ffmpeg's decode (soxr resampler).
// The decoders and resamplers differ, so this cannot match to 1e-4 like the feature tests that start
// from the golden 16 kHz signal; the tolerances below are derived from what those differences do.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "core/audio/audio_reader.h"
#include "core/features/musicnn_features.h"
#include "test_util.h"

namespace {
struct Clip {
    const char* id;
    const char* mp3;
};

double percentile(std::vector<float> v, double q) {
    std::sort(v.begin(), v.end());
    return v[size_t(q * double(v.size() - 1))];
}
}  // namespace

class EndToEnd : public ::testing::TestWithParam<Clip> {};

TEST_P(EndToEnd, DecodedMp3GivesGoldenMelFrames) {
    const Clip clip = GetParam();
    const std::string mp3 = cf::test::golden_dir() + "/source/" + clip.mp3;
    cf::DecodeOptions options;
    options.resample_quality = cf::ResampleQuality::best;
    auto reader = cf::AudioReader::open_file(mp3, options);
    ASSERT_TRUE(reader.is_ok()) << reader.status().message();
    auto decoded = cf::decode_all(**reader, options);
    ASSERT_TRUE(decoded.is_ok()) << decoded.status().message();
    std::vector<float> golden_signal = cf::test::read_f32(cf::test::golden_dir() + "/" + clip.id + ".signal.f32");
    std::vector<float>& ours = *decoded;

    // 1. The signals: same length to within the decoders' gapless handling (a few ms), and sample
    //    values close — both decode the same MP3 frames; the resamplers' filters differ near 8 kHz.
    const double length_diff_ms = std::fabs(double(ours.size()) - double(golden_signal.size())) / 16.0;
    EXPECT_LE(length_diff_ms, 60.0) << "ours " << ours.size() << " golden " << golden_signal.size();
    const size_t n = std::min(ours.size(), golden_signal.size());
    double err = 0, energy = 0;
    for (size_t i = 0; i < n; ++i) {
        err += double(ours[i] - golden_signal[i]) * (ours[i] - golden_signal[i]);
        energy += double(golden_signal[i]) * golden_signal[i];
    }
    const double snr_db = 10.0 * std::log10(energy / std::max(err, 1e-30));
    std::printf("%s: %zu samples (golden %zu), SNR vs ffmpeg/soxr decode %.1f dB\n", clip.id, ours.size(),
                golden_signal.size(), snr_db);
    // Sample-aligned decodes of the same MP3 agree to well above 30 dB; a misalignment of even one
    // sample at 16 kHz would drop this to a few dB on music.
    EXPECT_GE(snr_db, 30.0);

    // 2. The mel frames vs the golden essentia.js frames (first n_valid frames of the patches).
    std::vector<float> frames = cf::compute_musicnn_frames(ours.data(), std::min<size_t>(ours.size(), 30 * 16000));
    std::vector<float> golden = cf::test::read_f32(cf::test::golden_dir() + "/" + clip.id + ".mel_patches.f32");
    const size_t n_frames = std::min(frames.size(), golden.size()) / 96;
    ASSERT_GT(n_frames, 1000u);
    std::vector<float> diffs;
    std::vector<double> band_max(96, 0.0);
    for (size_t f = 0; f < n_frames; ++f)
        for (int b = 0; b < 96; ++b) {
            const float d = std::fabs(frames[f * 96 + b] - golden[f * 96 + b]);
            diffs.push_back(d);
            band_max[b] = std::max(band_max[b], double(d));
        }
    const double mean = std::accumulate(diffs.begin(), diffs.end(), 0.0) / double(diffs.size());
    const double p99 = percentile(diffs, 0.99), worst = percentile(diffs, 1.0);
    std::printf("%s: mel |ours - essentia.js| mean %.2e, p99 %.2e, max %.2e (log10 units; values span 0..~4)\n",
                clip.id, mean, p99, worst);
    // Tolerances: a relative band-energy change r moves log10(1 + 1e4·E) by at most r/ln10. Sample
    // differences at −30 dB SNR give r ≈ a few % in quiet bands, i.e. ≈ 0.01–0.02, and more in the
    // top bands where the two resamplers' anti-aliasing filters roll off differently (7.2–8 kHz).
    EXPECT_LE(mean, 0.01);
    EXPECT_LE(p99, 0.1);
    for (int b = 0; b < 90; ++b) EXPECT_LE(band_max[b], 0.5) << "band " << b;
}

INSTANTIATE_TEST_SUITE_P(GoldenMp3, EndToEnd,
                         ::testing::Values(Clip{"trwjazw", "TRWJAZW128F42760DD_test.mp3"},
                                           Clip{"joram", "joram-moments_of_clarity-08-solipsism-59-88.mp3"}),
                         [](const auto& info) { return std::string(info.param.id); });
