// Where the decode stage's time goes (docs/benchmarks/analyze.md, "Where the decode time goes"): times
// each part of `analyze`'s decode separately on one file, natively and as WASM under Node.
//
//   bench_decode [--repeat N] FILE
//   bench_decode --quality [RATE_HZ]   (no file: each converter's response to pure tones, RATE_HZ → 16 kHz)
//                                      (the same measurement for soxr: tools/bench/decode/soxr_tones.py)
//
// Rows (one JSON object per line, median over N runs):
//   codec+mix        AudioReader at the source rate (resampler bypassed): codec, downmix, finite check
//   codec+mix+tap    the same plus the source tap copying every block (what the loudness tap costs to feed)
//   loudness         LoudnessMeter (libebur128 I+LRA+sample peak, histogram) over the interleaved source
//   mix              the stereo → mono mean alone, over the whole file
//   resample:C       StreamResampler alone, source-rate mono → 16 kHz, converter C: libsamplerate's
//                    src-fastest / src-medium / src-best, or polyphase-fir (ours, what `best` uses)
//   reader:Q         the whole AudioReader decode_all at 16 kHz with quality Q (codec+mix+resample)
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "core/audio/audio_reader.h"
#include "core/audio/detail/resampler.h"
#include "core/common/json.h"
#include "core/loudness/loudness.h"

namespace {

using Clock = std::chrono::steady_clock;

double median_ms(int repeat, const std::function<void()>& run) {
    std::vector<double> ms;
    for (int i = 0; i < repeat; ++i) {
        const auto t0 = Clock::now();
        run();
        ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    }
    std::sort(ms.begin(), ms.end());
    return ms[ms.size() / 2];
}

void print_row(const char* part, double ms, double audio_s, double checksum) {
    cf::JsonWriter w;
    w.begin_object();
    w.key("part").value(part);
    w.key("median_ms").number(ms, "%.2f");
    w.key("x_realtime").number(audio_s * 1000.0 / ms, "%.1f");
    w.key("checksum").number(checksum, "%.6g");
    w.end_object();
    std::printf("%s\n", w.str().c_str());
    std::fflush(stdout);
}

const char* quality_name(cf::ResampleQuality q) {
    return q == cf::ResampleQuality::fast ? "fast" : q == cf::ResampleQuality::medium ? "medium" : "best";
}

// Decodes the whole file at `rate_hz` (0 = the source rate); the tap (if any) sees the source stream.
std::vector<float> decode(const std::string& path, int rate_hz, cf::ResampleQuality q,
                          std::function<void(const float*, size_t, int, int)> tap = {}) {
    cf::DecodeOptions o;
    o.resample_quality = q;
    o.source_tap = std::move(tap);
    if (rate_hz == 0) {
        auto probe = cf::AudioReader::open_file(path, o);
        if (!probe) return {};
        rate_hz = (*probe)->info().source_rate_hz;
    }
    o.output_rate_hz = rate_hz;
    auto reader = cf::AudioReader::open_file(path, o);
    if (!reader) {
        std::fprintf(stderr, "bench_decode: %s\n", reader.status().message().c_str());
        return {};
    }
    auto all = cf::decode_all(**reader, o);
    return all ? std::move(*all) : std::vector<float>{};
}

// The converters compared: libsamplerate's three and our polyphase FIR (what `best` now uses).
struct Converter {
    const char* name;
    cf::ResampleQuality quality;
    bool use_fir;
};
constexpr Converter kConverters[] = {{"src-fastest", cf::ResampleQuality::fast, false},
                                     {"src-medium", cf::ResampleQuality::medium, false},
                                     {"src-best", cf::ResampleQuality::best, false},
                                     {"polyphase-fir", cf::ResampleQuality::best, true}};

std::vector<float> resample(const std::vector<float>& in, int in_rate_hz, const Converter& c) {
    cf::detail::StreamResampler r;
    if (!r.init(in_rate_hz, 16000, c.quality, c.use_fir)) return {};
    std::vector<float> out(size_t(double(in.size()) * 16000.0 / in_rate_hz) + 4096);
    size_t in_pos = 0, out_pos = 0;
    const size_t block = 4096;  // like the reader: one decoder block at a time
    for (;;) {
        const size_t n_in = std::min(block, in.size() - in_pos);
        auto step = r.process(in.data() + in_pos, n_in, out.data() + out_pos, out.size() - out_pos, n_in == 0);
        if (!step) return {};
        in_pos += step->n_in_used;
        out_pos += step->n_out_produced;
        if (n_in == 0 && step->n_out_produced == 0) break;
        if (out_pos == out.size()) break;
    }
    out.resize(out_pos);
    return out;
}

// Gain (dB) of the converter at `freq_hz`: a 2 s tone of amplitude 0.5 in, RMS of the output's middle
// second out. Above 8 kHz the whole output is aliasing, so the gain is the stopband rejection there.
double tone_gain_db(int in_rate_hz, const Converter& q, double freq_hz) {
    std::vector<float> tone(size_t(2 * in_rate_hz));
    for (size_t i = 0; i < tone.size(); ++i) tone[i] = float(0.5 * std::sin(2.0 * M_PI * freq_hz * double(i) / in_rate_hz));
    std::vector<float> out = resample(tone, in_rate_hz, q);
    if (out.size() < 24000) return NAN;
    double sum_sq = 0.0;
    for (size_t i = 8000; i < 24000; ++i) sum_sq += double(out[i]) * out[i];
    return 10.0 * std::log10(std::max(sum_sq / 16000.0, 1e-30) / 0.125);
}

// Passband ripple (max − min gain over 50 Hz .. 6 / 7 kHz, 50 Hz steps), the −0.1 dB and −3 dB band
// edges (20 Hz steps), gains near 8 kHz, and the worst aliasing (max gain over 8.5 kHz .. the input
// Nyquist, 100 Hz steps), per converter.
int print_quality(int in_rate_hz) {
    for (const Converter& q : kConverters) {
        double lo6 = 1e9, hi6 = -1e9, lo7 = 1e9, hi7 = -1e9, edge01 = 0.0, edge3 = 0.0;
        for (double f = 50.0; f <= 7000.0; f += 50.0) {
            const double g = tone_gain_db(in_rate_hz, q, f);
            lo7 = std::min(lo7, g), hi7 = std::max(hi7, g);
            if (f <= 6000.0) lo6 = std::min(lo6, g), hi6 = std::max(hi6, g);
        }
        for (double f = 5000.0; f <= 8000.0; f += 20.0) {
            const double g = tone_gain_db(in_rate_hz, q, f);
            if (g >= -0.1) edge01 = f;
            if (g >= -3.0) edge3 = f;
        }
        double worst_alias = -1e9, worst_alias_hz = 0.0;
        for (double f = 8500.0; f < in_rate_hz / 2.0; f += 100.0) {
            const double g = tone_gain_db(in_rate_hz, q, f);
            if (g > worst_alias) worst_alias = g, worst_alias_hz = f;
        }
        std::printf("{\"converter\":\"%s\",\"in_rate_hz\":%d,\"ripple_db_50_6000\":%.4f,\"ripple_db_50_7000\":%.4f,"
                    "\"edge_0.1db_hz\":%.0f,\"edge_3db_hz\":%.0f,\"gain_db_7760\":%.2f,\"gain_db_8000\":%.1f,\"gain_db_8200\":%.1f,"
                    "\"worst_alias_db_above_8500\":%.1f,\"worst_alias_hz\":%.0f}\n",
                    q.name, in_rate_hz, hi6 - lo6, hi7 - lo7, edge01, edge3, tone_gain_db(in_rate_hz, q, 7760.0),
                    tone_gain_db(in_rate_hz, q, 8000.0), tone_gain_db(in_rate_hz, q, 8200.0), worst_alias, worst_alias_hz);
        std::fflush(stdout);
    }
    return 0;
}

double sum_of(const std::vector<float>& x) {
    double s = 0.0;
    for (float v : x) s += double(v);
    return s;
}

}  // namespace

int main(int argc, char** argv) {
    int repeat = 5;
    std::string path;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--repeat" && i + 1 < argc) repeat = std::max(1, std::atoi(argv[++i]));
        else if (arg == "--quality") return print_quality(i + 1 < argc ? std::atoi(argv[i + 1]) : 44100);
        else path = arg;
    }
    if (path.empty()) {
        std::fprintf(stderr, "usage: bench_decode [--repeat N] FILE\n");
        return 2;
    }
    auto probe = cf::AudioReader::open_file(path, {});
    if (!probe) {
        std::fprintf(stderr, "bench_decode: %s\n", probe.status().message().c_str());
        return 1;
    }
    const cf::AudioInfo info = (*probe)->info();
    const int rate = info.source_rate_hz, n_ch = info.n_source_channels;
    std::vector<float> interleaved;
    std::vector<float> mono = decode(path, 0, cf::ResampleQuality::best, [&](const float* x, size_t n, int c, int) {
        interleaved.insert(interleaved.end(), x, x + n * size_t(c));
    });
    if (mono.empty()) return 1;
    const double audio_s = double(mono.size()) / rate;
    std::printf("{\"file\":\"%s\",\"source_rate_hz\":%d,\"channels\":%d,\"duration_s\":%.3f,\"repeat\":%d}\n",
                path.c_str(), rate, n_ch, audio_s, repeat);

    std::vector<float> out;
    double ms = median_ms(repeat, [&] { out = decode(path, 0, cf::ResampleQuality::best); });
    print_row("codec+mix", ms, audio_s, sum_of(out));
    double tapped = 0.0;
    ms = median_ms(repeat, [&] {
        std::vector<float> copy;
        out = decode(path, 0, cf::ResampleQuality::best, [&](const float* x, size_t n, int c, int) {
            copy.assign(x, x + n * size_t(c));
            tapped += copy[0];
        });
    });
    print_row("codec+mix+tap", ms, audio_s, sum_of(out));

    cf::LoudnessResult lr;
    ms = median_ms(repeat, [&] {
        cf::LoudnessMeter meter(rate, n_ch, cf::loudness_options_for(info));
        const size_t block = 4096;
        for (size_t f = 0; f * n_ch < interleaved.size(); f += block)
            meter.push_interleaved(interleaved.data() + f * n_ch, std::min(block, interleaved.size() / n_ch - f));
        lr = meter.finish();
    });
    print_row("loudness", ms, audio_s, lr.integrated_lufs);

    std::vector<float> mixed(interleaved.size() / std::max(1, n_ch));
    ms = median_ms(repeat, [&] {
        for (size_t i = 0; i < mixed.size(); ++i) {
            float s = 0.0f;
            for (int c = 0; c < n_ch; ++c) s += interleaved[i * n_ch + c];
            mixed[i] = s / float(n_ch);
        }
    });
    print_row("mix", ms, audio_s, sum_of(mixed));

    for (const Converter& c : kConverters) {
        ms = median_ms(repeat, [&] { out = resample(mono, rate, c); });
        print_row((std::string("resample:") + c.name).c_str(), ms, audio_s, sum_of(out));
    }
    for (cf::ResampleQuality q : {cf::ResampleQuality::fast, cf::ResampleQuality::medium, cf::ResampleQuality::best}) {
        ms = median_ms(repeat, [&] { out = decode(path, 16000, q); });
        print_row((std::string("reader:") + quality_name(q)).c_str(), ms, audio_s, sum_of(out));
    }
    return 0;
}
