// Times musicnn feature extraction (16 kHz signal → log-mel frames) with the scalar reference and the
// SIMD path, on raw float32 signal files. Built natively and as WASM; tools/bench/features.mjs runs
// both side by side with essentia.js and writes the report.
//
//   bench_features [--repeat N] [--dump-dir DIR] signal.f32...
// Prints one JSON object per line: {"file", "n_samples", "n_frames", "kernel", "isa", "median_ms", "runs_ms"}.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "bench_util.h"
#include "core/common/json.h"
#include "core/dsp/simd.h"
#include "core/features/musicnn_features.h"

namespace {
using cf::bench::read_f32;
std::string base_name(const std::string& path) {
    const size_t slash = path.find_last_of('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

void print_result(const std::string& file, size_t n_samples, size_t n_frames, const char* kernel, const char* isa,
                  double median_ms, const std::vector<double>& runs_ms) {
    cf::JsonWriter w;
    w.begin_object();
    w.key("file").value(file);
    w.key("n_samples").value(n_samples);
    w.key("n_frames").value(n_frames);
    w.key("kernel").value(kernel);
    w.key("isa").value(isa);
    w.key("median_ms").number(median_ms, "%.4f");
    w.key("runs_ms").begin_array();
    for (double ms : runs_ms) w.number(ms, "%.4f");
    w.end_array().end_object();
    std::printf("%s\n", w.str().c_str());
}

}  // namespace

int main(int argc, char** argv) {
    int repeat = 7;
    std::string dump_dir;
    std::vector<std::string> files;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--repeat" && i + 1 < argc) {
            repeat = std::max(1, std::atoi(argv[++i]));
        } else if (arg == "--dump-dir" && i + 1 < argc) {
            dump_dir = argv[++i];
        } else if (arg.rfind("--", 0) == 0) {
            std::fprintf(stderr, "bench_features: unknown option %s\n", arg.c_str());
            return 2;
        } else {
            files.push_back(arg);
        }
    }
    if (files.empty()) {
        std::fprintf(stderr, "usage: bench_features [--repeat N] [--dump-dir DIR] signal.f32...\n");
        return 2;
    }
    for (const std::string& file : files) {
        const std::vector<float> signal = read_f32(file);
        if (signal.empty()) {
            std::fprintf(stderr, "bench_features: %s: cannot read or empty\n", file.c_str());
            return 1;
        }
        for (cf::Kernel kernel : {cf::Kernel::scalar, cf::Kernel::best}) {
            cf::MusicnnOptions options;
            options.kernel = kernel;
            std::vector<double> runs_ms;
            std::vector<float> frames;
            for (int r = 0; r < repeat + 1; ++r) {  // first run warms caches and tables, not counted
                const auto t0 = std::chrono::steady_clock::now();
                frames = cf::compute_musicnn_frames(signal.data(), signal.size(), options);
                const auto t1 = std::chrono::steady_clock::now();
                if (r > 0) runs_ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
            }
            std::vector<double> sorted = runs_ms;
            std::sort(sorted.begin(), sorted.end());
            const double median = sorted[sorted.size() / 2];
            const char* kernel_name = kernel == cf::Kernel::scalar ? "scalar" : "simd";
            const char* isa = kernel == cf::Kernel::scalar ? "scalar" : cf::simd::simd_isa_name();
            print_result(base_name(file), signal.size(), frames.size() / 96, kernel_name, isa, median, runs_ms);
            if (!dump_dir.empty()) {
                const std::string out = dump_dir + "/" + base_name(file) + "." + kernel_name + ".frames.f32";
                if (std::FILE* f = std::fopen(out.c_str(), "wb")) {
                    std::fwrite(frames.data(), 4, frames.size(), f);
                    std::fclose(f);
                }
            }
        }
    }
    return 0;
}
