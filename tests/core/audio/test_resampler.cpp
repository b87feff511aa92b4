// detail::StreamResampler with `best` downsampling (our PolyphaseFir): passband, stopband, grid
// position, and streaming in any chunking giving the same samples as one call.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/audio/detail/resampler.h"

namespace cf {
namespace {

std::vector<float> tone(int rate_hz, double freq_hz, double seconds, double amplitude = 0.5) {
    std::vector<float> x(size_t(seconds * rate_hz));
    for (size_t i = 0; i < x.size(); ++i) x[i] = float(amplitude * std::sin(2.0 * M_PI * freq_hz * double(i) / rate_hz));
    return x;
}

// Feeds `in` in chunks of `chunk` input frames, asking for at most `out_chunk` outputs per call, then flushes.
std::vector<float> run(detail::StreamResampler& r, const std::vector<float>& in, size_t chunk, size_t out_chunk) {
    std::vector<float> out;
    std::vector<float> buf(out_chunk);
    size_t pos = 0;
    for (int guard = 0; guard < 10000000; ++guard) {
        const size_t n_in = std::min(chunk, in.size() - pos);
        const bool end = pos == in.size();
        auto step = r.process(in.data() + pos, n_in, buf.data(), buf.size(), end);
        EXPECT_TRUE(step.is_ok());
        if (!step) break;
        pos += step->n_in_used;
        out.insert(out.end(), buf.begin(), buf.begin() + long(step->n_out_produced));
        if (end && step->n_out_produced == 0) break;
    }
    return out;
}

double rms_db_middle(const std::vector<float>& y, double ref_amplitude) {
    const size_t a = y.size() / 4, b = 3 * y.size() / 4;
    double s = 0.0;
    for (size_t i = a; i < b; ++i) s += double(y[i]) * y[i];
    return 10.0 * std::log10(std::max(s / double(b - a), 1e-30) / (ref_amplitude * ref_amplitude / 2.0));
}

TEST(Resampler, BestDownsamplingUsesTheFirAndKeepsThePassband) {
    for (int rate : {44100, 48000, 22050}) {
        detail::StreamResampler r;
        ASSERT_TRUE(r.init(rate, 16000, ResampleQuality::best).is_ok());
        EXPECT_TRUE(r.uses_fir());
        for (double f : {100.0, 1000.0, 5000.0, 7000.0}) {
            r.reset();
            const double g = rms_db_middle(run(r, tone(rate, f, 1.0), 4096, 4096), 0.5);
            EXPECT_NEAR(g, 0.0, 0.01) << rate << " Hz input, " << f << " Hz tone";
        }
    }
}

TEST(Resampler, BestDownsamplingRejectsWhatWouldAlias) {
    detail::StreamResampler r;
    ASSERT_TRUE(r.init(44100, 16000, ResampleQuality::best).is_ok());
    for (double f : {8100.0, 9000.0, 12000.0, 20000.0}) {
        r.reset();
        EXPECT_LT(rms_db_middle(run(r, tone(44100, f, 1.0), 4096, 4096), 0.5), -110.0) << f << " Hz";
    }
}

TEST(Resampler, OutputSitsOnTheInputGridWithoutDelay) {
    // A slow ramp resampled 48 → 16 kHz: output j must equal the input at 3 j (the ramp is far inside the passband).
    std::vector<float> in(48000);
    for (size_t i = 0; i < in.size(); ++i) in[i] = float(std::sin(2.0 * M_PI * 50.0 * double(i) / 48000.0));
    detail::StreamResampler r;
    ASSERT_TRUE(r.init(48000, 16000, ResampleQuality::best).is_ok());
    std::vector<float> out = run(r, in, 1000, 700);
    ASSERT_GE(out.size(), 15990u);
    for (size_t j = 1000; j < 15000; j += 997) EXPECT_NEAR(out[j], in[3 * j], 1e-4) << j;
}

TEST(Resampler, ChunkingAndResetDoNotChangeTheSamples) {
    const std::vector<float> in = tone(44100, 1234.5, 0.7, 0.3);
    detail::StreamResampler r;
    ASSERT_TRUE(r.init(44100, 16000, ResampleQuality::best).is_ok());
    const std::vector<float> whole = run(r, in, in.size(), 1 << 16);
    EXPECT_NEAR(double(whole.size()), 0.7 * 16000, 2.0);
    for (auto [chunk, out_chunk] : {std::pair<size_t, size_t>{1, 1}, {37, 5}, {4096, 333}, {100000, 1}}) {
        r.reset();
        EXPECT_EQ(run(r, in, chunk, out_chunk), whole) << chunk << " / " << out_chunk;
    }
}

TEST(Resampler, UpsamplingAndOtherQualitiesStayWithLibsamplerate) {
    detail::StreamResampler r;
    ASSERT_TRUE(r.init(8000, 16000, ResampleQuality::best).is_ok());
    EXPECT_FALSE(r.uses_fir());
    ASSERT_TRUE(r.init(44100, 16000, ResampleQuality::medium).is_ok());
    EXPECT_FALSE(r.uses_fir());
    ASSERT_TRUE(r.init(44100, 16000, ResampleQuality::best, /*use_fir=*/false).is_ok());
    EXPECT_FALSE(r.uses_fir());
    ASSERT_TRUE(r.init(16000, 16000, ResampleQuality::best).is_ok());
    EXPECT_TRUE(r.bypass());
}

}  // namespace
}  // namespace cf
