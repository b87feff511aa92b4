// tempo_eval — runs cf::TempoTracker (and, with --loudness, cf::LoudnessMeter through the reader's
// source tap) over audio files; one tab-separated line per file on stdout:
//   file  bpm  confidence  n_beats  bpm_low  bpm_high  kind  [integrated_lufs  loudness_range_lu  sample_peak_dbfs]
// kind is the cf::TempoReading (core/rhythm/tempo_reading.h): steady, uncertain or free.
// Used by tools/eval/tempo/run.sh. Usage: tempo_eval [--loudness] [--windows N [--cache DIR]] FILE...
//   --windows N  analyse as the catalog analysis does (core/analysis/track_analyzer.cpp): a track
//                longer than N windows of 2.976 s is read through N such windows centred at
//                (i + 1) / (N + 1) of its length, each a separate segment; shorter tracks whole.
//   --cache DIR  keeps the decoded windows (16 kHz mono, float) in DIR so reruns skip decoding.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/audio/audio_reader.h"
#include "core/loudness/loudness.h"
#include "core/rhythm/tempo.h"
#include "core/rhythm/tempo_reading.h"

namespace {

constexpr double kWindowS = 47616.0 / 16000.0;  // one musicnn patch: 187 frames × 256 − 256 samples

struct Segment {
    double start_s = 0.0;
    std::vector<float> samples;
};

bool read_all(cf::AudioReader& reader, std::vector<float>& out, size_t limit) {
    std::vector<float> block(16384);
    while (out.size() < limit) {
        auto n = reader.read(block.data(), std::min(block.size(), limit - out.size()));
        if (!n) {
            std::fprintf(stderr, "%s\n", n.status().message().c_str());
            return false;
        }
        if (*n == 0) break;
        out.insert(out.end(), block.begin(), block.begin() + std::ptrdiff_t(*n));
    }
    return true;
}

/// The segments the catalog analysis would read (n_windows == 0: the whole file).
bool read_segments(cf::AudioReader& reader, int n_windows, std::vector<Segment>& segments) {
    const double duration_s = reader.info().duration_s;
    const int rate = reader.info().output_rate_hz;
    if (n_windows <= 0 || duration_s < 0 || duration_s <= kWindowS * n_windows) {
        segments.push_back({});
        return read_all(reader, segments.back().samples, size_t(-1));
    }
    const size_t window_samples = size_t(std::lround(kWindowS * rate));
    for (int i = 0; i < n_windows; ++i) {
        const double centre = duration_s * double(i + 1) / double(n_windows + 1);
        double start = std::max(0.0, std::min(centre - kWindowS / 2, duration_s - kWindowS));
        start = std::round(start * rate) / rate;
        if (cf::Status st = reader.seek(start); !st) {
            std::fprintf(stderr, "%s\n", st.message().c_str());
            return false;
        }
        segments.push_back({start, {}});
        if (!read_all(reader, segments.back().samples, window_samples)) return false;
    }
    return true;
}

std::string cache_path(const std::string& dir, const std::string& file, int n_windows) {
    return dir + "/" + std::to_string(std::hash<std::string>{}(file)) + "_w" + std::to_string(n_windows) + ".seg";
}

bool load_cache(const std::string& path, std::vector<Segment>& segments) {
    FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) return false;
    uint64_t n_segments = 0;
    bool ok = std::fread(&n_segments, 8, 1, f) == 1;
    for (uint64_t i = 0; ok && i < n_segments; ++i) {
        Segment s;
        uint64_t n = 0;
        ok = std::fread(&s.start_s, 8, 1, f) == 1 && std::fread(&n, 8, 1, f) == 1;
        if (!ok) break;
        s.samples.resize(size_t(n));
        ok = std::fread(s.samples.data(), 4, size_t(n), f) == size_t(n);
        segments.push_back(std::move(s));
    }
    std::fclose(f);
    if (!ok) segments.clear();
    return ok;
}

void save_cache(const std::string& path, const std::vector<Segment>& segments) {
    FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) return;
    uint64_t n_segments = segments.size();
    std::fwrite(&n_segments, 8, 1, f);
    for (const Segment& s : segments) {
        uint64_t n = s.samples.size();
        std::fwrite(&s.start_s, 8, 1, f);
        std::fwrite(&n, 8, 1, f);
        std::fwrite(s.samples.data(), 4, s.samples.size(), f);
    }
    std::fclose(f);
}

}  // namespace

int main(int argc, char** argv) {
    bool loudness = false;
    int n_windows = 0;
    std::string cache_dir;
    int status = 0;
    for (int a = 1; a < argc; ++a) {
        if (std::strcmp(argv[a], "--loudness") == 0) {
            loudness = true;
            continue;
        }
        if (std::strcmp(argv[a], "--windows") == 0 && a + 1 < argc) {
            n_windows = std::atoi(argv[++a]);
            continue;
        }
        if (std::strcmp(argv[a], "--cache") == 0 && a + 1 < argc) {
            cache_dir = argv[++a];
            continue;
        }
        const std::string path = argv[a];
        std::unique_ptr<cf::LoudnessMeter> meter;
        cf::LoudnessOptions loudness_options;  // channel roles from the codec's order, set after open()
        std::vector<Segment> segments;
        const std::string cached = cache_dir.empty() || loudness ? "" : cache_path(cache_dir, path, n_windows);
        if (cached.empty() || !load_cache(cached, segments)) {
            cf::DecodeOptions opts;
            if (loudness)
                opts.source_tap = [&meter, &loudness_options](const float* x, size_t n, int channels, int rate) {
                    if (!meter) meter = std::make_unique<cf::LoudnessMeter>(rate, channels, loudness_options);
                    meter->push_interleaved(x, n);
                };
            auto reader = cf::AudioReader::open_file(path, opts);
            if (!reader) {
                std::fprintf(stderr, "%s\n", reader.status().message().c_str());
                status = 1;
                continue;
            }
            loudness_options = cf::loudness_options_for((*reader)->info());
            if (!read_segments(**reader, loudness ? 0 : n_windows, segments)) {
                status = 1;
                continue;
            }
            if (!cached.empty()) save_cache(cached, segments);
        }
        cf::TempoOptions topts;  // defaults; the environment may override the prior (for tuning only)
        if (const char* e = std::getenv("CF_TEMPO_PRIOR_BPM")) topts.prior_bpm = std::atof(e);
        if (const char* e = std::getenv("CF_TEMPO_PRIOR_OCTAVES")) topts.prior_octaves = std::atof(e);
        cf::TempoTracker tracker(16000, topts);
        for (const Segment& s : segments) {
            tracker.start_segment(s.start_s);
            tracker.push(s.samples.data(), s.samples.size());
        }
        cf::TempoResult t = tracker.finish();
        cf::TempoReading r = cf::tempo_reading(t);
        std::printf("%s\t%.3f\t%.3f\t%zu\t%.1f\t%.1f\t%s", path.c_str(), t.bpm, t.confidence, t.beats_s.size(), r.bpm_low, r.bpm_high, cf::tempo_kind_name(r.kind));
        if (loudness && meter) {
            cf::LoudnessResult l = meter->finish();
            std::printf("\t%.2f\t%.2f\t%.2f", l.integrated_lufs, l.loudness_range_lu, l.sample_peak_dbfs);
        }
        std::printf("\n");
        std::fflush(stdout);
    }
    return status;
}
