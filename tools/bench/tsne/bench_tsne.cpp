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
#include "core/common/json.h"
#include "core/dsp/simd.h"
#include "core/map/quality.h"
#include "core/map/tsne.h"

namespace {
using cf::bench::read_f32;
double ms_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

// init and optimize of the fastest run; the median and every run's total.
std::string timing_json(size_t n, size_t dim, const cf::Tsne& tsne, double init_ms, double optimize_ms,
                        const std::vector<double>& totals_ms, double kl) {
    std::vector<double> sorted = totals_ms;
    std::sort(sorted.begin(), sorted.end());
    cf::JsonWriter w;
    w.begin_object();
    w.key("n").value(n).key("dim").value(dim).key("isa").value(cf::simd::simd_isa_name());
    w.key("perplexity").number(tsne.effective_perplexity(), "%g").key("iterations").value(tsne.iteration());
    w.key("init_ms").number(init_ms, "%.1f").key("optimize_ms").number(optimize_ms, "%.1f");
    w.key("total_ms").number(init_ms + optimize_ms, "%.1f").key("median_total_ms").number(sorted[sorted.size() / 2], "%.1f");
    w.key("runs_total_ms").begin_array();
    for (double ms : totals_ms) w.number(ms, "%.1f");
    w.end_array();
    w.key("kl").number(kl, "%.5f");
    return w.end_object().take();
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
        cf::JsonWriter w;
        w.begin_object().key("layout").value(trust_path).key("k").value(k);
        w.key("trustworthiness").number(*t, "%.6f").key("ms").number(ms_since(t0), "%.1f").end_object();
        std::printf("%s\n", w.str().c_str());
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
    std::printf("%s\n", timing_json(n, dim, tsne, init_ms, optimize_ms, totals, kl).c_str());
    return 0;
}
