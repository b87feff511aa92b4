#!/usr/bin/python3
"""t-SNE side by side: cuefinder native, cuefinder WASM under Node (one thread), scikit-learn native.

Called by run.sh (which builds the two bench_tsne binaries); writes docs/benchmarks/tsne.md.
Trustworthiness (k=10) of every layout is computed by one function, cf::trustworthiness (natively),
which tests/core/map/test_quality.cpp checks against sklearn.manifold.trustworthiness; for the small
set sklearn's own value is reported too.
"""
import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def run_json(cmd):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def ours(binary, data, dim, out, args, repeat):
    cmd = ([] if binary.endswith(".js") is False else ["node"]) + [binary]
    return run_json(cmd + ["--data", data, "--dim", str(dim), "--perplexity", str(args.perplexity),
                           "--iterations", str(args.iterations), "--init", args.init, "--seed", "0",
                           "--repeat", str(repeat), "--out", out])


SKLEARN_SNIPPET = r"""
import sys, time, json, numpy as np
from sklearn.manifold import TSNE
from threadpoolctl import threadpool_info
data, dim, out, perplexity, iterations, init, repeat = sys.argv[1:8]
x = np.fromfile(data, dtype=np.float32).reshape(-1, int(dim))
runs = []
for _ in range(int(repeat)):
    t0 = time.perf_counter()
    y = TSNE(n_components=2, perplexity=float(perplexity), early_exaggeration=12.0, learning_rate="auto",
             n_iter=int(iterations), init=init, method="barnes_hut", angle=0.5, random_state=0).fit_transform(x)
    runs.append(1000 * (time.perf_counter() - t0))
y.astype(np.float32).tofile(out)
threads = max([p.get("num_threads", 1) for p in threadpool_info() if p.get("user_api") == "openmp"] or [1])
print(json.dumps({"median_total_ms": float(np.median(runs)), "runs_total_ms": runs, "openmp_threads": threads}))
"""


def sklearn_tsne(data, dim, out, args, repeat, threads):
    """scikit-learn in a fresh interpreter, so OMP_NUM_THREADS applies (None = its default)."""
    env = dict(os.environ)
    if threads:
        env["OMP_NUM_THREADS"] = str(threads)
    res = subprocess.run([sys.executable, "-c", SKLEARN_SNIPPET, data, str(dim), out, str(args.perplexity),
                          str(args.iterations), args.init, str(repeat)], check=True, capture_output=True,
                         text=True, env=env)
    return json.loads(res.stdout.strip().splitlines()[-1])


def trust(native_binary, data, dim, layout, k=10):
    return run_json([native_binary, "--data", data, "--dim", str(dim), "--trust", layout, "--k", str(k)])[
        "trustworthiness"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--native", required=True)
    ap.add_argument("--wasm", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--data", help="small set, raw float32 [n x dim]; default: synthetic mixture")
    ap.add_argument("--dim", type=int, default=200)
    ap.add_argument("--large-n", type=int, default=10000)
    ap.add_argument("--perplexity", type=float, default=30.0)
    ap.add_argument("--iterations", type=int, default=1000)
    ap.add_argument("--init", choices=["pca", "random"], default="pca")
    ap.add_argument("--repeat-small", type=int, default=3)
    ap.add_argument("--sklearn-default-threads-large", action="store_true",
                    help="also run sklearn with its default OpenMP threads on the large set (slow on a busy VM)")
    ap.add_argument("--report", required=True)
    ap.add_argument("--command", default="bash tools/bench/tsne/run.sh")
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    gen = [sys.executable, os.path.join(HERE, "gen_data.py")]
    small = args.data or os.path.join(args.work, "mixture_400x%d.f32" % args.dim)
    if not args.data:
        subprocess.run(gen + ["mixture", small, "--n", "400", "--dim", str(args.dim), "--seed", "1"], check=True)
    large = os.path.join(args.work, "jittered_%dx%d.f32" % (args.large_n, args.dim))
    subprocess.run(gen + ["jitter", small, large, "--dim", str(args.dim), "--n", str(args.large_n)], check=True)

    rows = []
    for label, data, repeat in [("small", small, args.repeat_small), ("large", large, 1)]:
        n = os.path.getsize(data) // 4 // args.dim
        r = {"label": label, "n": n, "data": data}
        runners = [("native", lambda o: ours(args.native, data, args.dim, o, args, repeat)),
                   ("wasm", lambda o: ours(args.wasm, data, args.dim, o, args, repeat)),
                   ("sklearn", lambda o: sklearn_tsne(data, args.dim, o, args, repeat, 1))]
        if label == "small" or args.sklearn_default_threads_large:
            runners.append(("sklearn_default_threads", lambda o: sklearn_tsne(data, args.dim, o, args, repeat, None)))
        for name, fn in runners:
            out = os.path.join(args.work, "%s_%s.f32" % (label, name))
            print("t-SNE %s n=%d: %s ..." % (label, n, name), file=sys.stderr, flush=True)
            r[name] = fn(out)
            r[name]["trust"] = trust(args.native, data, args.dim, out)
            print("  %s" % json.dumps(r[name]), file=sys.stderr, flush=True)
        if n <= 2000:
            from sklearn.manifold import trustworthiness
            x = np.fromfile(data, dtype=np.float32).reshape(-1, args.dim)
            for name in [r_[0] for r_ in runners]:
                y = np.fromfile(os.path.join(args.work, "%s_%s.f32" % (label, name)), dtype=np.float32).reshape(-1, 2)
                r[name]["trust_sklearn"] = float(trustworthiness(x, y, n_neighbors=10))
        rows.append(r)
    write_report(args, rows)


def write_report(args, rows):
    cpu = "unknown CPU"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import sklearn
    node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    L = []
    L.append("# t-SNE: cuefinder (native, WASM) vs scikit-learn\n")
    L.append("Recorded %s UTC with\n" % datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M"))
    L.append("```sh\n%s\n```\n" % args.command)
    L.append("Machine: 2-core Debian bookworm VM (%s, %d logical CPUs), shared with other jobs while this ran, "
             "so absolute times are noisy; the ratios come from one run of the script. Python %s, scikit-learn %s "
             "(Debian python3-sklearn), Node %s, emscripten 3.1.6.\n"
             % (cpu, os.cpu_count(), platform.python_version(), sklearn.__version__, node))
    L.append("Same settings for all: perplexity %g, %d iterations (the first 250 with early exaggeration 12), "
             "theta/angle 0.5, learning rate auto (max(N/48, 50)), init='%s'. cuefinder: Barnes-Hut, exact kNN "
             "(vantage-point tree), one thread (native: g++ -O2, %s; WASM: em++ -O3 SIMD128 under Node). "
             "scikit-learn: `TSNE(method='barnes_hut')` (Cython), run with `OMP_NUM_THREADS=1` (column "
             "'sklearn 1 thread') and, for the small set, with its default OpenMP threads (%s; column "
             "'sklearn default'). On this busy 2-core VM the 2-thread OpenMP run is much slower than the "
             "1-thread one (threads spin at barriers while the cores are taken by other jobs), so the ratio "
             "uses the faster of the two sklearn runs.\n"
             % (args.perplexity, args.iterations, args.init, rows[0]["native"]["isa"],
                rows[0].get("sklearn_default_threads", {}).get("openmp_threads", "?")))
    L.append("Data: %s; large = %d jittered copies of those rows (noise 0.15 x per-dimension std, clipped at 0; "
             "`gen_data.py jitter`).\n" % (
                 "`%s`" % args.data if args.data else
                 "small = synthetic 400 x %d mixture shaped like musicnn track embeddings (`gen_data.py mixture`; "
                 "the golden folder has only 76 real embedding rows, from 2 clips)" % args.dim,
                 rows[-1]["n"]))
    L.append("Time is wall time of the whole fit (neighbours + affinities + optimisation); for the small set the "
             "median of %d runs. Trustworthiness (k=10) of each layout by `cf::trustworthiness` "
             "(same definition as `sklearn.manifold.trustworthiness`; sklearn's own value in parentheses "
             "where computed).\n" % args.repeat_small)
    L.append("| data | n | cuefinder native ms | cuefinder WASM ms | sklearn 1 thread ms | sklearn default ms | "
             "**WASM / best sklearn time** | T(10) native | T(10) WASM | T(10) sklearn |")
    L.append("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        def t(name):
            s = "%.4f" % r[name]["trust"]
            if "trust_sklearn" in r[name]:
                s += " (%.4f)" % r[name]["trust_sklearn"]
            return s
        sk = [r[k]["median_total_ms"] for k in ("sklearn", "sklearn_default_threads") if k in r]
        skd = r.get("sklearn_default_threads")
        L.append("| %s | %d | %.0f | %.0f | %.0f | %s | **%.2f** | %s | %s | %s |" % (
            r["label"], r["n"], r["native"]["median_total_ms"], r["wasm"]["median_total_ms"],
            r["sklearn"]["median_total_ms"], "%.0f (T %.4f)" % (skd["median_total_ms"], skd["trust"]) if skd else "not run",
            r["wasm"]["median_total_ms"] / min(sk), t("native"), t("wasm"), t("sklearn")))
    L.append("")
    L.append("Split of our time (init = kNN + affinities + PCA init; optimise = all iterations):\n")
    L.append("| data | native init ms | native optimise ms | WASM init ms | WASM optimise ms | native / sklearn time |")
    L.append("|---|---|---|---|---|---|")
    for r in rows:
        L.append("| %s | %.0f | %.0f | %.0f | %.0f | %.2f |" % (
            r["label"], r["native"]["init_ms"], r["native"]["optimize_ms"], r["wasm"]["init_ms"],
            r["wasm"]["optimize_ms"], r["native"]["median_total_ms"] / min(
                r[k]["median_total_ms"] for k in ("sklearn", "sklearn_default_threads") if k in r)))
    L.append("")
    L.append("Raw results:\n\n```json\n%s\n```\n" % json.dumps(rows, indent=1))
    os.makedirs(os.path.dirname(os.path.abspath(args.report)), exist_ok=True)
    with open(args.report, "w") as f:
        f.write("\n".join(L))
    print("wrote %s" % args.report, file=sys.stderr)


if __name__ == "__main__":
    main()
