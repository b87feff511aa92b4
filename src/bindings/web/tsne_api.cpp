// C entry points of the embedding map for a Web Worker (web/tsne_worker.js): an incremental t-SNE
// the worker drives in short chunks so the page can animate it, the PCA view, and trustworthiness.
// All buffers are float32, row-major, in the module's heap (the caller mallocs and frees them).
// Errors (abi.h): -1, NULL or NaN, and cf_error() names the bad input. Exceptions never cross into JS
// (every export that allocates catches).
//
//   int h = cf_tsne_begin(data, n, dim, 30.0, 1000, 0, 0, nullptr);   // kNN + affinities (blocking)
//   while (cf_tsne_iterate(h, 20) < cf_tsne_total_iters(h)) draw(cf_tsne_coords(h));
//   cf_tsne_end(h);
#include <emscripten.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/map/pca.h"
#include "core/map/quality.h"
#include "core/map/tsne.h"
#include "bindings/web/abi.h"
#include "bindings/web/exports.h"

namespace {

struct TsneApiState {
    std::map<int, std::unique_ptr<cf::Tsne>> runs;
    int next_handle = 1;
};

TsneApiState& api_state() {
    static TsneApiState s;
    return s;
}

using cf::bindings::fail;

std::string no_run(int handle) { return "t-SNE: no run with handle " + std::to_string(handle); }

std::string num(double v) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

cf::Tsne* find_run(int handle) {
    auto it = api_state().runs.find(handle);
    return it == api_state().runs.end() ? nullptr : it->second.get();
}

}  // namespace

extern "C" {

/// Starts a t-SNE run on `data` [n × dim]: neighbour search, affinities and the initial layout (the
/// blocking part: ~0.1 s at 400 points, ~6–15 s at 10k in WASM). `data` is not kept.
/// init: 0 = PCA, 1 = `init_xy` [n × 2] (e.g. the current map; centred and rescaled), 2 = random.
/// Unlike the core (which clamps), a perplexity ≥ n is an error here, as in scikit-learn: the UI
/// should say so rather than silently run another perplexity.
/// Returns a handle > 0, or -1.
EMSCRIPTEN_KEEPALIVE int cf_tsne_begin(const float* data, int n, int dim, double perplexity, int n_iterations, int seed,
                                       int init, const float* init_xy) {
    try {
        if (n < 1) return fail("t-SNE: n = " + std::to_string(n) + ": need at least one point");
        if (dim < 1) return fail("t-SNE: dim = " + std::to_string(dim) + ": must be >= 1");
        if (!data) return fail("t-SNE: data is a null pointer");
        if (!(std::isfinite(perplexity) && perplexity > 0.0))
            return fail("t-SNE: perplexity = " + num(perplexity) + ": must be > 0");
        if (perplexity >= double(n))
            return fail("t-SNE: perplexity = " + num(perplexity) + " must be less than the number of points (n = " +
                        std::to_string(n) + ")");
        if (n_iterations < 0)
            return fail("t-SNE: n_iterations = " + std::to_string(n_iterations) + ": must be >= 0");
        cf::TsneOptions o;
        o.perplexity = perplexity;
        o.n_iterations = n_iterations;
        o.seed = uint64_t(uint32_t(seed));
        switch (init) {
            case 0: o.init = cf::TsneInit::pca; break;
            case 1:
                if (!init_xy) return fail("t-SNE: init = given but init_xy is a null pointer");
                o.init = cf::TsneInit::given;
                o.initial_layout.assign(init_xy, init_xy + size_t(n) * 2);
                break;
            case 2: o.init = cf::TsneInit::random; break;
            default: return fail("t-SNE: init = " + std::to_string(init) + ": must be 0 (pca), 1 (given) or 2 (random)");
        }
        auto run = std::make_unique<cf::Tsne>();
        const cf::Status st = run->init(data, size_t(n), size_t(dim), o);
        if (!st) return fail(st.message());
        TsneApiState& s = api_state();
        const int h = s.next_handle++;
        s.runs[h] = std::move(run);
        return h;
    } catch (const std::exception& e) {  // std::bad_alloc when the heap cannot grow far enough
        return fail(std::string("t-SNE: ") + e.what() + " (n = " + std::to_string(n) + ", dim = " +
                    std::to_string(dim) + ")");
    }
}

/// Runs up to `n_iters` more gradient steps; returns the iteration reached (== total when done),
/// or -1 for an unknown handle.
EMSCRIPTEN_KEEPALIVE int cf_tsne_iterate(int handle, int n_iters) {
    cf::Tsne* t = find_run(handle);
    if (!t) return fail(no_run(handle));
    if (n_iters > 0) t->step(n_iters);
    return t->iteration();
}

/// The current layout, [n × 2] floats, valid until the next cf_tsne_iterate / cf_tsne_end on this
/// handle (and until the heap grows: copy it out at once). NULL for an unknown handle.
EMSCRIPTEN_KEEPALIVE const float* cf_tsne_coords(int handle) {
    cf::Tsne* t = find_run(handle);
    if (!t) return fail(no_run(handle)), nullptr;  // a float pointer: NULL on failure
    return t->embedding().data();
}

/// KL(P‖Q) of the current layout (Barnes-Hut estimate). Costs about one iteration; call it now and
/// then, not every frame. NaN for an unknown handle (a KL estimate is not meant to be negative, but NaN is
/// unambiguous).
EMSCRIPTEN_KEEPALIVE double cf_tsne_kl(int handle) {
    cf::Tsne* t = find_run(handle);
    if (!t) return cf::bindings::fail_nan(no_run(handle));
    return t->kl_divergence_estimate();
}

/// Total iterations of the schedule (0 for n ≤ 2, which get a fixed layout), or -1.
EMSCRIPTEN_KEEPALIVE int cf_tsne_total_iters(int handle) {
    cf::Tsne* t = find_run(handle);
    if (!t) return fail(no_run(handle));
    return t->n_iterations();
}

/// Perplexity in use (the core lowers it to (n−1)/3 when n < 3·perplexity + 1), or -1.
EMSCRIPTEN_KEEPALIVE double cf_tsne_perplexity(int handle) {
    cf::Tsne* t = find_run(handle);
    if (!t) return fail(no_run(handle));
    return t->effective_perplexity();
}

/// Frees a run; unknown handles are ignored.
EMSCRIPTEN_KEEPALIVE void cf_tsne_end(int handle) { api_state().runs.erase(handle); }

/// PCA view of `data` [n × dim] into `out_xy` [n × 2]. Returns 0, or -1 with the message.
EMSCRIPTEN_KEEPALIVE int cf_pca_2d(const float* data, int n, int dim, float* out_xy) {
    try {
        if (n < 1 || dim < 1)
            return fail("PCA: empty input (n = " + std::to_string(n) + ", dim = " + std::to_string(dim) + ")");
        if (!out_xy) return fail("PCA: out_xy is a null pointer");
        cf::Result<std::vector<float>> xy = cf::pca_2d(data, size_t(n), size_t(dim));
        if (!xy) return fail(xy.status().message());
        std::copy(xy->begin(), xy->end(), out_xy);
        return 0;
    } catch (const std::exception& e) {
        return fail(std::string("PCA: ") + e.what());
    }
}

/// Trustworthiness (k nearest neighbours) of the 2-D layout `lo` [n × 2] as a view of `hi` [n × dim],
/// in [0, 1]. O(n²·dim): fine up to ~10k points. Returns -1 with the message on bad input
/// (k < 1 or k ≥ n/2, zero sizes, non-finite values).
EMSCRIPTEN_KEEPALIVE double cf_trustworthiness(const float* hi, int n, int dim, const float* lo, int k) {
    try {
        if (n < 1 || dim < 1)
            return fail("trustworthiness: empty input (n = " + std::to_string(n) + ", dim = " + std::to_string(dim) + ")");
        cf::Result<double> t = cf::trustworthiness(hi, size_t(n), size_t(dim), lo, 2, k);
        if (!t) return fail(t.status().message());
        return *t;
    } catch (const std::exception& e) {
        return fail(std::string("trustworthiness: ") + e.what());
    }
}

}  // extern "C"
