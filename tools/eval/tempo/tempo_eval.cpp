// tempo_eval — runs cf::TempoTracker (and, with --loudness, cf::LoudnessMeter through the reader's
// source tap) over audio files; one tab-separated line per file on stdout:
//   file  bpm  confidence  n_beats  [integrated_lufs  loudness_range_lu  sample_peak_dbfs]
// Used by tools/eval/tempo/run.sh. Usage: tempo_eval [--loudness] FILE...
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "core/audio/audio_reader.h"
#include "core/loudness/loudness.h"
#include "core/rhythm/tempo.h"

int main(int argc, char** argv) {
    bool loudness = false;
    int status = 0;
    for (int a = 1; a < argc; ++a) {
        if (std::strcmp(argv[a], "--loudness") == 0) {
            loudness = true;
            continue;
        }
        const std::string path = argv[a];
        std::unique_ptr<cf::LoudnessMeter> meter;
        cf::LoudnessOptions loudness_options;  // channel roles from the codec's order, set after open()
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
        cf::TempoOptions topts;  // defaults; the environment may override the prior (for tuning only)
        if (const char* e = std::getenv("CF_TEMPO_PRIOR_BPM")) topts.prior_bpm = std::atof(e);
        if (const char* e = std::getenv("CF_TEMPO_PRIOR_OCTAVES")) topts.prior_octaves = std::atof(e);
        cf::TempoTracker tracker((*reader)->info().output_rate_hz, topts);
        std::vector<float> block(16384);
        bool ok = true;
        for (;;) {
            auto n = (*reader)->read(block.data(), block.size());
            if (!n) {
                std::fprintf(stderr, "%s\n", n.status().message().c_str());
                ok = false;
                break;
            }
            if (*n == 0) break;
            tracker.push(block.data(), *n);
        }
        if (!ok) {
            status = 1;
            continue;
        }
        cf::TempoResult t = tracker.finish();
        std::printf("%s\t%.3f\t%.3f\t%zu", path.c_str(), t.bpm, t.confidence, t.beats_s.size());
        if (loudness && meter) {
            cf::LoudnessResult l = meter->finish();
            std::printf("\t%.2f\t%.2f\t%.2f", l.integrated_lufs, l.loudness_range_lu, l.sample_peak_dbfs);
        }
        std::printf("\n");
        std::fflush(stdout);
    }
    return status;
}
