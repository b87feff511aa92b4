// Times cuefinder's t-SNE (and computes trustworthiness) on a raw float32 matrix. Built natively and
// as WASM (one thread); tools/bench/tsne/run.sh runs both next to scikit-learn and writes the report.
//
//   bench_tsne --data X.f32 --dim D [--perplexity 30] [--iterations 1000] [--theta 0.5] [--seed 0]
//              [--init pca|random] [--repeat R] [--out Y.f32]
//       prints {"n","dim","isa","init_ms","optimize_ms","total_ms","runs_total_ms":[...],"kl"}
//   bench_tsne --data X.f32 --dim D --trust Y.f32 [--k 10]
//       prints {"layout","k","trustworthiness","ms"} (Y is [n x 2])
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "../bench_util.h"
#include "core/dsp/simd.h"
#include "core/map/quality.h"
#include "core/map/tsne.h"

namespace {
using cf::bench::read_f32;
double ms_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}
}  // namespace

int main(int argc, char** argv) {
    std::string data_path, out_path, trust_path;
    size_t dim = 0;
    int repeat = 1, k = 10;
    cf::TsneOptions options;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "bench_tsne: %s needs a value\n", a.c_str());
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "--data") data_path = next();
        else if (a == "--dim") dim = size_t(std::atol(next().c_str()));
        else if (a == "--perplexity") options.perplexity = std::atof(next().c_str());
        else if (a == "--iterations") options.n_iterations = std::atoi(next().c_str());
        else if (a == "--theta") options.theta = std::atof(next().c_str());
        else if (a == "--seed") options.seed = std::strtoull(next().c_str(), nullptr, 10);
        else if (a == "--init") options.init = next() == "random" ? cf::TsneInit::random : cf::TsneInit::pca;
        else if (a == "--repeat") repeat = std::max(1, std::atoi(next().c_str()));
        else if (a == "--out") out_path = next();
        else if (a == "--trust") trust_path = next();
        else if (a == "--k") k = std::atoi(next().c_str());
        else {
            std::fprintf(stderr, "bench_tsne: unknown argument %s\n", a.c_str());
            return 2;
        }
    }
    const std::vector<float> data = read_f32(data_path);
    if (dim == 0 || data.empty() || data.size() % dim != 0) {
        std::fprintf(stderr, "bench_tsne: %s: cannot read, or size is not a multiple of --dim %zu\n",
                     data_path.c_str(), dim);
        return 2;
    }
    const size_t n = data.size() / dim;
    if (!trust_path.empty()) {
        const std::vector<float> layout = read_f32(trust_path);
        if (layout.size() != 2 * n) {
            std::fprintf(stderr, "bench_tsne: %s: expected %zu floats\n", trust_path.c_str(), 2 * n);
            return 2;
        }
        const auto t0 = std::chrono::steady_clock::now();
        cf::Result<double> t = cf::trustworthiness(data.data(), n, dim, layout.data(), 2, k);
        if (!t) {
            std::fprintf(stderr, "bench_tsne: %s\n", t.status().message().c_str());
            return 1;
        }
        std::printf("{\"layout\":\"%s\",\"k\":%d,\"trustworthiness\":%.6f,\"ms\":%.1f}\n", trust_path.c_str(), k, *t,
                    ms_since(t0));
        return 0;
    }
    std::vector<double> totals;
    double init_ms = 0, optimize_ms = 0, kl = 0;
    cf::Tsne tsne;
    for (int r = 0; r < repeat; ++r) {
        const auto t0 = std::chrono::steady_clock::now();
        cf::Status s = tsne.init(data.data(), n, dim, options);
        if (!s) {
            std::fprintf(stderr, "bench_tsne: %s\n", s.message().c_str());
            return 1;
        }
        const double t_init = ms_since(t0);
        const auto t1 = std::chrono::steady_clock::now();
        while (tsne.step(50)) {
        }
        const double t_opt = ms_since(t1);
        totals.push_back(t_init + t_opt);
        if (r == 0 || t_init + t_opt <= *std::min_element(totals.begin(), totals.end())) {
            init_ms = t_init;
            optimize_ms = t_opt;
        }
    }
    kl = tsne.kl_divergence_estimate();
    if (!out_path.empty()) {
        std::FILE* f = std::fopen(out_path.c_str(), "wb");
        if (!f || std::fwrite(tsne.embedding().data(), 4, tsne.embedding().size(), f) != tsne.embedding().size()) {
            std::fprintf(stderr, "bench_tsne: cannot write %s\n", out_path.c_str());
            return 1;
        }
        std::fclose(f);
    }
    std::vector<double> sorted = totals;
    std::sort(sorted.begin(), sorted.end());
    std::printf("{\"n\":%zu,\"dim\":%zu,\"isa\":\"%s\",\"perplexity\":%g,\"iterations\":%d,\"init_ms\":%.1f,"
                "\"optimize_ms\":%.1f,\"total_ms\":%.1f,\"median_total_ms\":%.1f,\"runs_total_ms\":[",
                n, dim, cf::simd::simd_isa_name(), tsne.effective_perplexity(), tsne.iteration(), init_ms,
                optimize_ms, init_ms + optimize_ms, sorted[sorted.size() / 2]);
    for (size_t r = 0; r < totals.size(); ++r) std::printf("%s%.1f", r ? "," : "", totals[r]);
    std::printf("],\"kl\":%.5f}\n", kl);
    return 0;
}
