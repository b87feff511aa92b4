// Search benchmark: cuefinder's IVF-PQ (+ int8 / float32 re-rank) vs exact search, FAISS (flat and
// IVF-PQ) and hnswlib, on real embeddings plus jittered copies. Not a test; run by run.sh.
//
//   bench_search native --sizes 10000,100000 --seeds FILE.f32[,FILE2.f32] --dim 200 --out DIR
//       generates the data, computes exact top-10, builds and measures every index natively and
//       writes DIR/bench_<N>.cfc (our index + int8 codes + queries + ground truth, and up to 200k the
//       float32 base) for the WASM run; above 200k the float32 base goes to DIR/bench_<N>.f32.
//   bench_search wasm --sizes ... --out DIR        (the same program built with Emscripten, under Node)
//       loads DIR/bench_<N>.cfc (+ .f32 when present, for the float32 re-rank rows) and measures
//       queries.
// Options: --data real|mix3, --holdout N, --jitter S (data, below); --queries N; --rerank N (re-rank
// rows for N and 5·N candidates); --pq-m M, --nlist L (our index; 0 = its defaults); --peers 0 (skip
// FAISS/hnswlib); --hnsw-max N; --write-f32 0; --f16 1 (wasm: re-rank vectors rounded to float16).
// Prints one Markdown table row per (size, method) to stdout.
//
// Data (--data, run.sh picks "real" when --embeddings is given, "mix3" for the golden default):
//   real: the seed rows are real catalog tracks (one embedding per track, e.g. the demo catalog's,
//         exported by export_embeddings.mjs). All rows are L2-normalised; a fixed pseudo-random
//         --holdout tracks (default 40) are held out as query seeds, the others are base seeds.
//         Base = every base seed itself, then jittered copies up to N: copy of a uniformly drawn base
//         seed a, pulled a fraction λ ~ U(0, 0.5) toward one of a's 10 nearest base seeds (uniform),
//         plus Gaussian jitter of --jitter (default 0.1) × the per-dimension standard deviation of
//         the base seeds, clamped at 0 (the musicnn embedding is post-ReLU), L2-normalised.
//         Queries = the held-out tracks themselves, then jittered copies of held-out tracks made the
//         same way (a held out, b among its 10 nearest base seeds), from another random stream. No
//         base row is derived from a held-out track.
//   mix3: every vector is a random convex mix of 3 seed rows (Dirichlet(1,1,1) weights) plus Gaussian
//         jitter of 0.05 × the per-dimension standard deviation of the seeds, clamped at 0, then
//         L2-normalised. Queries are generated the same way from another stream. (Used for the
//         60 golden rows, which are patches of only two clips.)
// Ground truth = exact float32 inner-product top-10 (= cosine top-10 on unit vectors).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "core/io/container.h"
#include "core/index/ivf_pq.h"
#include "core/index/kernels.h"
#include "core/index/quantizers.h"

#if defined(CF_BENCH_FAISS)
#include <faiss/IndexFlat.h>
#include <faiss/IndexIVFPQ.h>
#include <omp.h>
#endif
#if defined(CF_BENCH_HNSW)
#include <hnswlib/hnswlib.h>
#endif

namespace {

using Clock = std::chrono::steady_clock;
using cf::index::Candidate;
constexpr size_t kK = 10;
constexpr size_t kDumpFloatMax = 200000;

double ms_since(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

struct Args {
    std::string mode = "native";
    std::vector<size_t> sizes = {10000, 100000, 1000000};
    std::vector<std::string> seed_files;
    size_t dim = 200;
    size_t n_queries = 200;
    std::string out = "build/bench-search";
    size_t hnsw_max = 100000;  // hnswlib build is single-threaded and slow at 1M on this machine
    size_t n_rerank = 200;
    std::string data = "mix3";  ///< "real" or "mix3", see the top of the file
    size_t n_holdout = 40;      ///< real: tracks held out as query seeds
    double jitter = 0.1;        ///< real: Gaussian jitter in units of the per-dimension SD
    size_t pq_m = 0;            ///< our PQ sub-quantizers (0 = the index default, dim / 5)
    size_t nlist = 0;           ///< our IVF lists (0 = the index default, round(2·√N))
    bool peers = true;          ///< also run FAISS and hnswlib (when compiled in)
    bool rerank_f16 = false;    ///< wasm: round the re-rank vectors to float16 precision (what a 2-byte file holds)
    bool write_f32 = true;      ///< above kDumpFloatMax: write the float32 base as DIR/bench_<N>.f32
};

std::vector<size_t> parse_sizes(const std::string& s) {
    std::vector<size_t> out;
    size_t p = 0;
    while (p < s.size()) {
        size_t q = s.find(',', p);
        if (q == std::string::npos) q = s.size();
        out.push_back(std::strtoull(s.substr(p, q - p).c_str(), nullptr, 10));
        p = q + 1;
    }
    return out;
}

std::vector<std::string> split(const std::string& s) {
    std::vector<std::string> out;
    size_t p = 0;
    while (p <= s.size()) {
        size_t q = s.find(',', p);
        if (q == std::string::npos) q = s.size();
        if (q > p) out.push_back(s.substr(p, q - p));
        p = q + 1;
    }
    return out;
}

std::vector<float> load_seeds(const Args& a) {
    std::vector<float> seeds;
    for (const std::string& f : a.seed_files) {
        auto bytes = cf::read_file_bytes(f);
        if (!bytes) { std::fprintf(stderr, "%s\n", bytes.status().message().c_str()); std::exit(2); }
        const size_t n = bytes->size() / 4 / a.dim;
        const size_t old = seeds.size();
        seeds.resize(old + n * a.dim);
        std::memcpy(seeds.data() + old, bytes->data(), n * a.dim * 4);
    }
    if (seeds.empty()) { std::fprintf(stderr, "no seed rows of dim %zu\n", a.dim); std::exit(2); }
    return seeds;
}

// The generator described at the top of the file.
std::vector<float> generate(const std::vector<float>& seeds, size_t dim, size_t n, uint64_t stream) {
    const size_t n_seeds = seeds.size() / dim;
    std::vector<double> mean(dim, 0.0), sd(dim, 0.0);
    for (size_t s = 0; s < n_seeds; ++s) for (size_t d = 0; d < dim; ++d) mean[d] += seeds[s * dim + d] / double(n_seeds);
    for (size_t s = 0; s < n_seeds; ++s)
        for (size_t d = 0; d < dim; ++d) sd[d] += std::pow(seeds[s * dim + d] - mean[d], 2) / double(n_seeds);
    for (double& v : sd) v = std::sqrt(v);
    cf::index::Rng rng(0xC0FFEE + stream);
    std::vector<float> out(n * dim);
    for (size_t i = 0; i < n; ++i) {
        size_t pick[3];
        double w[3], wsum = 0;
        for (int j = 0; j < 3; ++j) {
            pick[j] = rng.below(n_seeds);
            w[j] = -std::log(std::max(rng.uniform(), 1e-12));  // Exp(1) → Dirichlet(1,1,1) after normalising
            wsum += w[j];
        }
        float* v = out.data() + i * dim;
        for (size_t d = 0; d < dim; ++d) {
            double x = 0;
            for (int j = 0; j < 3; ++j) x += w[j] / wsum * seeds[pick[j] * dim + d];
            x += 0.05 * sd[d] * rng.normal();
            v[d] = float(std::max(x, 0.0));
        }
        if (cf::index::normalize_l2(v, dim) == 0.0f) v[i % dim] = 1.0f;
    }
    return out;
}

// The "real" data set described at the top of the file.
struct RealData {
    std::vector<float> base;     ///< N × dim
    std::vector<float> queries;  ///< n_queries × dim
};

RealData generate_real(const std::vector<float>& raw, size_t dim, size_t n, size_t n_queries, size_t n_holdout,
                       double jitter) {
    constexpr size_t kNeighbours = 10;
    std::vector<float> rows = raw;
    const size_t n_rows = rows.size() / dim;
    for (size_t r = 0; r < n_rows; ++r) cf::index::normalize_l2(rows.data() + r * dim, dim);
    if (n_holdout >= n_rows || n_rows - n_holdout < kNeighbours + 1) {
        std::fprintf(stderr, "--holdout %zu leaves too few of the %zu seed rows\n", n_holdout, n_rows);
        std::exit(2);
    }
    // Fixed pseudo-random split (Fisher–Yates with a fixed seed).
    std::vector<size_t> order(n_rows);
    for (size_t i = 0; i < n_rows; ++i) order[i] = i;
    cf::index::Rng split_rng(0x5EED);
    for (size_t i = n_rows - 1; i > 0; --i) std::swap(order[i], order[split_rng.below(i + 1)]);
    const std::vector<size_t> held(order.begin(), order.begin() + long(n_holdout));
    const std::vector<size_t> seeds(order.begin() + long(n_holdout), order.end());
    if (n < seeds.size()) {
        std::fprintf(stderr, "N = %zu is smaller than the %zu real base rows\n", n, seeds.size());
        std::exit(2);
    }
    // Per-dimension SD over the base seeds; each row's 10 nearest base seeds.
    std::vector<double> mean(dim, 0.0), sd(dim, 0.0);
    for (size_t s : seeds) for (size_t d = 0; d < dim; ++d) mean[d] += rows[s * dim + d] / double(seeds.size());
    for (size_t s : seeds)
        for (size_t d = 0; d < dim; ++d) sd[d] += std::pow(rows[s * dim + d] - mean[d], 2) / double(seeds.size());
    for (double& v : sd) v = std::sqrt(v);
    std::vector<std::vector<size_t>> near(n_rows);
    for (size_t r = 0; r < n_rows; ++r) {
        cf::index::TopK top(kNeighbours);
        for (size_t s : seeds)
            if (s != r) top.push(cf::index::dot(rows.data() + r * dim, rows.data() + s * dim, dim), uint32_t(s));
        for (const Candidate& c : top.take_sorted()) near[r].push_back(c.id);
    }
    auto copy_of = [&](cf::index::Rng& rng, size_t a, float* v) {
        const size_t b = near[a][rng.below(near[a].size())];
        const double lambda = 0.5 * rng.uniform();
        for (size_t d = 0; d < dim; ++d) {
            double x = (1.0 - lambda) * rows[a * dim + d] + lambda * rows[b * dim + d];
            x += jitter * sd[d] * rng.normal();
            v[d] = float(std::max(x, 0.0));
        }
        if (cf::index::normalize_l2(v, dim) == 0.0f) v[a % dim] = 1.0f;
    };
    RealData out;
    out.base.resize(n * dim);
    for (size_t i = 0; i < seeds.size(); ++i) std::memcpy(&out.base[i * dim], &rows[seeds[i] * dim], dim * 4);
    cf::index::Rng base_rng(0xC0FFEE + 1);
    for (size_t i = seeds.size(); i < n; ++i) copy_of(base_rng, seeds[base_rng.below(seeds.size())], &out.base[i * dim]);
    out.queries.resize(n_queries * dim);
    cf::index::Rng query_rng(0xC0FFEE + 999);
    for (size_t i = 0; i < n_queries; ++i) {
        if (i < held.size()) std::memcpy(&out.queries[i * dim], &rows[held[i] * dim], dim * 4);
        else copy_of(query_rng, held[query_rng.below(held.size())], &out.queries[i * dim]);
    }
    return out;
}

std::vector<uint32_t> exact_topk(const float* base, size_t n, size_t dim, const float* q) {
    cf::index::TopK top(kK);
    for (size_t i = 0; i < n; ++i) {
        const float s = cf::index::dot(q, base + i * dim, dim);
        if (s > top.threshold()) top.push(s, uint32_t(i));
    }
    std::vector<uint32_t> ids;
    for (const Candidate& c : top.take_sorted()) ids.push_back(c.id);
    return ids;
}

struct Measure {
    double recall = 0, median_ms = 0, p95_ms = 0;
};

template <class F>
Measure run_queries(size_t n_queries, const std::vector<uint32_t>& truth, F&& search) {
    std::vector<double> lat;
    size_t hits = 0;
    for (size_t qi = 0; qi < n_queries; ++qi) {
        const auto t0 = Clock::now();
        const std::vector<uint32_t> got = search(qi);
        lat.push_back(ms_since(t0));
        for (uint32_t id : got)
            for (size_t j = 0; j < kK; ++j) hits += truth[qi * kK + j] == id;
    }
    std::sort(lat.begin(), lat.end());
    Measure m;
    m.recall = double(hits) / double(n_queries * kK);
    m.median_ms = lat[lat.size() / 2];
    m.p95_ms = lat[std::min(lat.size() - 1, size_t(std::ceil(0.95 * double(lat.size()))) - 1)];
    return m;
}

void row(const char* platform, size_t n, const std::string& method, const Measure& m, double bytes_per_track,
         double build_s, const std::string& note = "") {
    char build[32] = "—";
    if (build_s >= 0) std::snprintf(build, sizeof build, "%.1f", build_s);
    std::printf("| %zu | %s | %s | %.3f | %.3f | %.3f | %.1f | %s | %s |\n", n, platform, method.c_str(), m.recall,
                m.median_ms, m.p95_ms, bytes_per_track, build, note.c_str());
    std::fflush(stdout);
}

// Our query path: probe nprobe lists with PQ ADC, re-rank n_rerank candidates with int8 codes.
std::vector<uint32_t> ours_query(const cf::index::IvfPqIndex& ix, const cf::index::ScalarQuantizer8& sq,
                                 const std::vector<int8_t>& codes, const float* q, size_t nprobe, size_t n_rerank,
                                 const float* base_f32) {
    const auto cand = ix.search(q, nprobe, n_rerank);
    cf::index::TopK top(kK);
    if (base_f32) {
        for (const Candidate& c : cand) top.push(cf::index::dot(q, base_f32 + size_t(c.id) * ix.dim, ix.dim), c.id);
    } else {
        const auto prepared = sq.prepare(q);
        for (const Candidate& c : cand) top.push(sq.dot(prepared, codes.data() + size_t(c.id) * ix.dim), c.id);
    }
    std::vector<uint32_t> ids;
    for (const Candidate& c : top.take_sorted()) ids.push_back(c.id);
    return ids;
}

const size_t kNprobes[] = {8, 16, 32, 64};

void measure_ours(const char* platform, size_t n, const cf::index::IvfPqIndex& ix,
                  const cf::index::ScalarQuantizer8& sq, const std::vector<int8_t>& codes,
                  const std::vector<float>& queries, const std::vector<uint32_t>& truth, size_t n_queries,
                  size_t n_rerank, double build_s, const float* base_f32, const std::string& float_name = "float32",
                  size_t float_bytes = 4) {
    const double bpt = ix.bytes_per_vector();
    for (int use_float = 0; use_float <= (base_f32 ? 1 : 0); ++use_float) {
        for (size_t nprobe : kNprobes) {
            if (nprobe > ix.nlist) continue;
            const Measure m = run_queries(n_queries, truth, [&](size_t qi) {
                return ours_query(ix, sq, codes, queries.data() + qi * ix.dim, nprobe, n_rerank,
                                  use_float ? base_f32 : nullptr);
            });
            const std::string what = use_float ? " + " + float_name + " re-rank " : " + int8 re-rank ";
            row(platform, n, "cuefinder IVF-PQ" + std::to_string(ix.pq.n_sub) + " nprobe=" + std::to_string(nprobe) +
                                 what + std::to_string(n_rerank), m, bpt, build_s,
                "nlist=" + std::to_string(ix.nlist) + "; +" + std::to_string(use_float ? float_bytes * ix.dim : ix.dim) +
                    " B/track re-rank vectors fetched per candidate");
            build_s = -1;
        }
    }
    // More candidates: the PQ ranking is what limits recall on near-duplicate data.
    for (int use_float = 0; use_float <= (base_f32 ? 1 : 0); ++use_float) {
        const size_t big = 5 * n_rerank;
        const Measure m = run_queries(n_queries, truth, [&](size_t qi) {
            return ours_query(ix, sq, codes, queries.data() + qi * ix.dim, 32, big, use_float ? base_f32 : nullptr);
        });
        row(platform, n, "cuefinder IVF-PQ" + std::to_string(ix.pq.n_sub) + " nprobe=32" +
                             (use_float ? " + " + float_name + " re-rank " : std::string(" + int8 re-rank ")) +
                             std::to_string(big), m, bpt, -1);
    }
    // PQ only (no re-rank) at nprobe 32, to show what the re-rank buys.
    const Measure m = run_queries(n_queries, truth, [&](size_t qi) {
        const auto cand = ix.search(queries.data() + qi * ix.dim, 32, kK);
        std::vector<uint32_t> ids;
        for (const Candidate& c : cand) ids.push_back(c.id);
        return ids;
    });
    row(platform, n, "cuefinder IVF-PQ" + std::to_string(ix.pq.n_sub) + " nprobe=32, no re-rank", m, bpt, -1);
    // Exhaustive int8 scan (what a small catalog does without the index).
    const Measure e = run_queries(std::min<size_t>(n_queries, n >= 1000000 ? 50 : n_queries), truth, [&](size_t qi) {
        const float* q = queries.data() + qi * ix.dim;
        const auto prepared = sq.prepare(q);
        cf::index::TopK top(kK);
        for (size_t i = 0; i < n; ++i) top.push(sq.dot(prepared, codes.data() + i * ix.dim), uint32_t(i));
        std::vector<uint32_t> ids;
        for (const Candidate& c : top.take_sorted()) ids.push_back(c.id);
        return ids;
    });
    row(platform, n, "cuefinder exhaustive int8 (SQ8)", e, double(ix.dim), -1);
}

// Rounds to the nearest IEEE binary16 value (ties to even), returned as float: emulates re-rank
// vectors stored as float16. Inputs are unit-vector components (|x| ≤ 1), so no overflow handling.
float round_to_f16(float x) {
    if (std::fabs(x) < 6.103515625e-05f) return std::nearbyint(x * 16777216.0f) / 16777216.0f;  // subnormal: 2^-24 steps
    uint32_t bits;
    std::memcpy(&bits, &x, 4);
    bits += 0x0FFFu + ((bits >> 13) & 1u);
    bits &= ~0x1FFFu;
    std::memcpy(&x, &bits, 4);
    return x;
}

std::string dump_path(const Args& a, size_t n) { return a.out + "/bench_" + std::to_string(n) + ".cfc"; }
// Above kDumpFloatMax the float32 base goes to a raw side file instead of a container section, so the
// WASM pass can read it straight into one buffer (800 MB at 1M) without a second copy in its heap.
std::string f32_path(const Args& a, size_t n) { return a.out + "/bench_" + std::to_string(n) + ".f32"; }

bool write_raw_f32(const std::string& path, const float* data, size_t count) {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) return false;
    const bool ok = std::fwrite(data, 4, count, f) == count;
    return std::fclose(f) == 0 && ok;
}

std::vector<float> read_raw_f32(const std::string& path, size_t count) {
    std::vector<float> out;
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) return out;
    out.resize(count);
    if (std::fread(out.data(), 4, count, f) != count || std::fgetc(f) != EOF) out.clear();
    std::fclose(f);
    return out;
}

void write_dump(const Args& a, size_t n, const cf::index::IvfPqIndex& ix, const cf::index::ScalarQuantizer8& sq,
                const std::vector<int8_t>& codes, const std::vector<float>& queries,
                const std::vector<uint32_t>& truth, double build_s, const float* base_f32) {
    cf::ContainerWriter w;
    ix.write(w);
    cf::PayloadWriter p;
    p.u32(uint32_t(n));
    p.u32(uint32_t(a.dim));
    p.u32(uint32_t(a.n_queries));
    p.f32(float(build_s));
    p.raw(sq.scale.data(), a.dim * 4);
    p.raw(sq.offset.data(), a.dim * 4);
    p.raw(queries.data(), queries.size() * 4);
    p.raw(truth.data(), truth.size() * 4);
    p.raw(codes.data(), codes.size());
    w.add_section("BNCH", std::move(p.bytes()));
    if (n <= kDumpFloatMax) {  // float32 originals for the WASM float re-rank rows (80 MB at 100k)
        cf::PayloadWriter f;
        f.raw(base_f32, n * a.dim * 4);
        w.add_section("BF32", std::move(f.bytes()));
    } else if (a.write_f32 && !write_raw_f32(f32_path(a, n), base_f32, n * a.dim)) {
        std::fprintf(stderr, "could not write %s\n", f32_path(a, n).c_str());
    }
    cf::Status s = w.write_file(dump_path(a, n));
    if (!s) std::fprintf(stderr, "%s\n", s.message().c_str());
}

int run_native(const Args& a) {
#if defined(CF_BENCH_FAISS)
    omp_set_num_threads(1);
#endif
    const std::vector<float> seeds = load_seeds(a);
    const bool real = a.data == "real";
    if (!real && a.data != "mix3") { std::fprintf(stderr, "--data must be real or mix3, got %s\n", a.data.c_str()); return 2; }
    std::fprintf(stderr, "seeds: %zu rows of %zu, data %s\n", seeds.size() / a.dim, a.dim, a.data.c_str());
    std::vector<float> queries = real ? std::vector<float>() : generate(seeds, a.dim, a.n_queries, 999);
    for (size_t n : a.sizes) {
        std::fprintf(stderr, "[%zu] generating\n", n);
        std::vector<float> base;
        if (real) {
            RealData rd = generate_real(seeds, a.dim, n, a.n_queries, a.n_holdout, a.jitter);
            base = std::move(rd.base);
            queries = std::move(rd.queries);  // identical for every N (own stream, held-out seeds)
        } else {
            base = generate(seeds, a.dim, n, 1);
        }
        std::fprintf(stderr, "[%zu] exact ground truth\n", n);
        std::vector<uint32_t> truth;
        auto t0 = Clock::now();
        const Measure flat = run_queries(a.n_queries, std::vector<uint32_t>(a.n_queries * kK, ~0u), [&](size_t qi) {
            auto ids = exact_topk(base.data(), n, a.dim, queries.data() + qi * a.dim);
            truth.insert(truth.end(), ids.begin(), ids.end());
            return ids;
        });
        Measure flat_m = flat;
        flat_m.recall = 1.0;
        row("native", n, "exact float32 scan (cuefinder SIMD dot)", flat_m, 4.0 * a.dim, -1, "ground truth");

        std::fprintf(stderr, "[%zu] building ours\n", n);
        t0 = Clock::now();
        cf::index::IvfPqOptions options;
        options.n_sub = a.pq_m;
        options.nlist = a.nlist;
        const cf::index::IvfPqIndex ix = cf::index::IvfPqIndex::build(base.data(), n, a.dim, options);
        const cf::index::ScalarQuantizer8 sq = cf::index::ScalarQuantizer8::train(base.data(), n, a.dim);
        const std::vector<int8_t> codes = sq.encode_all(base.data(), n);
        const double build_s = ms_since(t0) / 1000.0;
        measure_ours("native", n, ix, sq, codes, queries, truth, a.n_queries, a.n_rerank, build_s, base.data());
        write_dump(a, n, ix, sq, codes, queries, truth, build_s, base.data());

#if defined(CF_BENCH_FAISS)
        if (a.peers) {
            std::fprintf(stderr, "[%zu] faiss\n", n);
            faiss::IndexFlatIP flat_ip(int(a.dim));
            flat_ip.add(faiss::Index::idx_t(n), base.data());
            std::vector<float> D(kK);
            std::vector<faiss::Index::idx_t> I(kK);
            const size_t nq = n >= 1000000 ? 50 : a.n_queries;
            const Measure fm = run_queries(nq, truth, [&](size_t qi) {
                flat_ip.search(1, queries.data() + qi * a.dim, kK, D.data(), I.data());
                return std::vector<uint32_t>(I.begin(), I.end());
            });
            row("native", n, "FAISS IndexFlatIP", fm, 4.0 * a.dim, -1, "1 thread");
            t0 = Clock::now();
            faiss::IndexFlatIP coarse(int(a.dim));
            faiss::IndexIVFPQ ivfpq(&coarse, int(a.dim), ix.nlist, ix.pq.n_sub, 8, faiss::METRIC_INNER_PRODUCT);
            ivfpq.cp.max_points_per_centroid = 64;
            ivfpq.cp.niter = 20;
            ivfpq.train(faiss::Index::idx_t(n), base.data());
            ivfpq.add(faiss::Index::idx_t(n), base.data());
            const double fb = ms_since(t0) / 1000.0;
            for (size_t nprobe : kNprobes) {
                if (nprobe > ix.nlist) continue;
                ivfpq.nprobe = nprobe;
                const Measure im = run_queries(a.n_queries, truth, [&](size_t qi) {
                    ivfpq.search(1, queries.data() + qi * a.dim, kK, D.data(), I.data());
                    return std::vector<uint32_t>(I.begin(), I.end());
                });
                row("native", n, "FAISS IndexIVFPQ" + std::to_string(ix.pq.n_sub) + " nprobe=" + std::to_string(nprobe),
                    im, double(ix.pq.n_sub + 8), nprobe == kNprobes[0] ? fb : -1.0,
                    "nlist=" + std::to_string(ix.nlist) + ", no re-rank, 8-byte ids");
            }
        }
#endif
#if defined(CF_BENCH_HNSW)
        if (a.peers && n <= a.hnsw_max) {
            std::fprintf(stderr, "[%zu] hnswlib\n", n);
            hnswlib::InnerProductSpace space(a.dim);
            t0 = Clock::now();
            hnswlib::HierarchicalNSW<float> h(&space, n, 16, 100, 42);
            for (size_t i = 0; i < n; ++i) h.addPoint(base.data() + i * a.dim, i);
            const double hb = ms_since(t0) / 1000.0;
            for (size_t ef : {32, 64, 128}) {
                h.setEf(ef);
                const Measure hm = run_queries(a.n_queries, truth, [&](size_t qi) {
                    auto res = h.searchKnn(queries.data() + qi * a.dim, kK);
                    std::vector<uint32_t> ids;
                    while (!res.empty()) { ids.push_back(uint32_t(res.top().second)); res.pop(); }
                    return ids;
                });
                // Memory per element: vector + level-0 links (M0 = 2M = 32) + label + upper levels (small).
                const double bpt = double(h.size_data_per_element_) + double(sizeof(void*));
                row("native", n, "hnswlib M=16 efC=100 ef=" + std::to_string(ef), hm, bpt, ef == 32 ? hb : -1.0,
                    "float32 vectors inside the graph");
            }
        } else if (a.peers) {
            std::printf("| %zu | native | hnswlib | — | — | — | — | — | skipped: single-threaded build too slow on this VM (--hnsw-max) |\n", n);
        }
#endif
    }
    return 0;
}

int run_wasm(const Args& a) {
    for (size_t n : a.sizes) {
        auto bytes = cf::read_file_bytes(dump_path(a, n));
        if (!bytes) { std::fprintf(stderr, "%s (run the native pass first)\n", bytes.status().message().c_str()); return 2; }
        auto r = cf::ContainerReader::parse(*bytes, dump_path(a, n));
        if (!r) { std::fprintf(stderr, "%s\n", r.status().message().c_str()); return 2; }
        bool present = false;
        auto ix = cf::index::IvfPqIndex::read(*r, n, a.dim, &present);
        if (!ix) { std::fprintf(stderr, "%s\n", ix.status().message().c_str()); return 2; }
        cf::PayloadReader p(*r->section("BNCH"), "BNCH");
        uint32_t n2 = 0, d2 = 0, nq = 0;
        float build_s = 0;
        if (!(p.u32(n2) && p.u32(d2) && p.u32(nq) && p.f32(build_s))) {
            std::fprintf(stderr, "%s: BNCH section too short\n", dump_path(a, n).c_str());
            return 2;
        }
        cf::index::ScalarQuantizer8 sq;
        sq.dim = a.dim;
        sq.scale.resize(a.dim);
        sq.offset.resize(a.dim);
        std::vector<float> queries(size_t(nq) * a.dim);
        std::vector<uint32_t> truth(size_t(nq) * kK);
        std::vector<int8_t> codes(n * a.dim);
        p.raw(sq.scale.data(), a.dim * 4) && p.raw(sq.offset.data(), a.dim * 4) &&
            p.raw(queries.data(), queries.size() * 4) && p.raw(truth.data(), truth.size() * 4) &&
            p.raw(codes.data(), codes.size());
        if (!p.ok()) { std::fprintf(stderr, "%s\n", p.status().message().c_str()); return 2; }
        std::vector<float> base_f32;
        if (auto bf = r->section("BF32"); bf && bf->size() == n * a.dim * 4) {
            base_f32.resize(n * a.dim);
            std::memcpy(base_f32.data(), bf->data(), bf->size());
        }
        bytes->clear();
        bytes->shrink_to_fit();
        if (base_f32.empty()) base_f32 = read_raw_f32(f32_path(a, n), n * a.dim);  // absent: int8 rows only
        if (a.rerank_f16) for (float& x : base_f32) x = round_to_f16(x);
        measure_ours("wasm (node)", n, *ix, sq, codes, queries, truth, nq, a.n_rerank, -1,
                     base_f32.empty() ? nullptr : base_f32.data(), a.rerank_f16 ? "float16" : "float32",
                     a.rerank_f16 ? 2 : 4);
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    Args a;
    if (argc > 1) a.mode = argv[1];
    for (int i = 2; i + 1 < argc; i += 2) {
        const std::string k = argv[i], v = argv[i + 1];
        if (k == "--sizes") a.sizes = parse_sizes(v);
        else if (k == "--seeds") a.seed_files = split(v);
        else if (k == "--dim") a.dim = std::strtoull(v.c_str(), nullptr, 10);
        else if (k == "--queries") a.n_queries = std::strtoull(v.c_str(), nullptr, 10);
        else if (k == "--out") a.out = v;
        else if (k == "--hnsw-max") a.hnsw_max = std::strtoull(v.c_str(), nullptr, 10);
        else if (k == "--rerank") a.n_rerank = std::strtoull(v.c_str(), nullptr, 10);
        else if (k == "--data") a.data = v;
        else if (k == "--holdout") a.n_holdout = std::strtoull(v.c_str(), nullptr, 10);
        else if (k == "--jitter") a.jitter = std::strtod(v.c_str(), nullptr);
        else if (k == "--pq-m") a.pq_m = std::strtoull(v.c_str(), nullptr, 10);
        else if (k == "--nlist") a.nlist = std::strtoull(v.c_str(), nullptr, 10);
        else if (k == "--peers") a.peers = v != "0";
        else if (k == "--write-f32") a.write_f32 = v != "0";
        else if (k == "--f16") a.rerank_f16 = v != "0";
        else { std::fprintf(stderr, "unknown option %s\n", k.c_str()); return 2; }
    }
    std::printf("| N | platform | method | recall@10 | median ms | p95 ms | bytes/track | build s | notes |\n");
    std::printf("|---|---|---|---|---|---|---|---|---|\n");
    return a.mode == "wasm" ? run_wasm(a) : run_native(a);
}
