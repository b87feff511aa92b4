#!/usr/bin/python3
"""t-SNE side by side, one run: cuefinder in the browser's map worker (WASM under Node, one thread),
cuefinder WASM called directly, cuefinder native, and scikit-learn's TSNE natively (one OpenMP thread
and its default threads), on the same data with the same settings, plus trustworthiness (k=10).

Called by run.sh (which builds the binaries and prepares the data sets); prepends a section to
docs/benchmarks/tsne.md and keeps the earlier sections below it. Trustworthiness of every layout is
computed by one function, cf::trustworthiness (natively), which tests/core/map/test_quality.cpp checks
against sklearn.manifold.trustworthiness; for sets up to 2000 points sklearn's own value is shown too.
"""
import argparse
import datetime
import json
import os
import platform
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def run_json(cmd, timeout=None):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=timeout).stdout
    return json.loads(out.strip().splitlines()[-1])


def tsne_args(data, dim, out, args, repeat):
    return ["--data", data, "--dim", str(dim), "--perplexity", str(args.perplexity), "--iterations",
            str(args.iterations), "--init", args.init, "--seed", "0", "--repeat", str(repeat), "--out", out]


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
    else:
        env.pop("OMP_NUM_THREADS", None)
    res = subprocess.run([sys.executable, "-c", SKLEARN_SNIPPET, data, str(dim), out, str(args.perplexity),
                          str(args.iterations), args.init, str(repeat)], check=True, capture_output=True,
                         text=True, env=env, timeout=args.timeout_s)
    return json.loads(res.stdout.strip().splitlines()[-1])


def trust(native_binary, data, dim, layout, k=10):
    return run_json([native_binary, "--data", data, "--dim", str(dim), "--trust", layout, "--k", str(k)])[
        "trustworthiness"]


RUNNERS = ["worker", "wasm", "native", "sklearn", "sklearn_default_threads"]
NAMES = {"worker": "cuefinder map worker (WASM)", "wasm": "cuefinder WASM direct", "native": "cuefinder native",
         "sklearn": "sklearn 1 thread", "sklearn_default_threads": "sklearn default threads"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--native", required=True, help="native bench_tsne")
    ap.add_argument("--wasm", required=True, help="bench_tsne.js (WASM, Node)")
    ap.add_argument("--worker-module", required=True, help="cuefinder_worker.js for web/tsne_worker.js")
    ap.add_argument("--work", required=True)
    ap.add_argument("--set", action="append", default=[], metavar="LABEL=FILE.f32[:REPEAT]",
                    help="a data set, raw float32 [n x dim]; repeatable")
    ap.add_argument("--set-note", action="append", default=[], metavar="LABEL=TEXT", help="where a set comes from")
    ap.add_argument("--dim", type=int, default=200)
    ap.add_argument("--perplexity", type=float, default=30.0)
    ap.add_argument("--iterations", type=int, default=1000)
    ap.add_argument("--init", choices=["pca", "random"], default="pca")
    ap.add_argument("--timeout-s", type=float, default=1200, help="per scikit-learn call")
    ap.add_argument("--no-sklearn-default-threads", action="store_true")
    ap.add_argument("--report", required=True)
    ap.add_argument("--command", default="bash tools/bench/tsne/run.sh")
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    notes = dict(s.split("=", 1) for s in args.set_note)
    load_before = open("/proc/loadavg").read().split()[:3]

    rows = []
    for spec in args.set:
        label, rest = spec.split("=", 1)
        data, _, repeat = rest.partition(":")
        repeat = int(repeat or 1)
        n = os.path.getsize(data) // 4 // args.dim
        r = {"label": label, "n": n, "data": data, "repeat": repeat, "note": notes.get(label, "")}
        runners = {
            "worker": lambda o: run_json(["node", os.path.join(HERE, "bench_worker.mjs"), "--module",
                                          args.worker_module] + tsne_args(data, args.dim, o, args, repeat)),
            "wasm": lambda o: run_json(["node", args.wasm] + tsne_args(data, args.dim, o, args, repeat)),
            "native": lambda o: run_json([args.native] + tsne_args(data, args.dim, o, args, repeat)),
            "sklearn": lambda o: sklearn_tsne(data, args.dim, o, args, repeat, 1),
            "sklearn_default_threads": lambda o: sklearn_tsne(data, args.dim, o, args, repeat, None),
        }
        for name in RUNNERS:
            if name == "sklearn_default_threads" and args.no_sklearn_default_threads:
                continue
            out = os.path.join(args.work, "%s_%s.f32" % (label, name))
            print("t-SNE %s n=%d: %s ..." % (label, n, name), file=sys.stderr, flush=True)
            try:
                r[name] = runners[name](out)
            except subprocess.TimeoutExpired:
                r[name] = {"timeout_s": args.timeout_s}
                print("  timed out after %g s" % args.timeout_s, file=sys.stderr, flush=True)
                continue
            r[name]["trust"] = trust(args.native, data, args.dim, out)
            if n <= 2000:
                from sklearn.manifold import trustworthiness
                x = np.fromfile(data, dtype=np.float32).reshape(-1, args.dim)
                y = np.fromfile(out, dtype=np.float32).reshape(-1, 2)
                r[name]["trust_sklearn"] = float(trustworthiness(x, y, n_neighbors=10))
            print("  %s" % json.dumps(r[name]), file=sys.stderr, flush=True)
        rows.append(r)
    load_after = open("/proc/loadavg").read().split()[:3]
    write_report(args, rows, load_before, load_after)


def cpu_name():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def write_report(args, rows, load_before, load_after):
    import sklearn
    node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    when = datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M")
    ms = lambda r, k: r[k]["median_total_ms"] if k in r and "median_total_ms" in r[k] else None
    L = []
    L.append("## %s UTC: %s\n" % (when, ", ".join("%s (%d points)" % (r["label"], r["n"]) for r in rows)))
    L.append("```sh\n%s\n```\n" % args.command)
    L.append("Machine: 2-core Debian bookworm VM (%s, %d logical CPUs), shared with other agents' builds while this "
             "ran: load average (1/5/15 min) %s before, %s after, so absolute times are noisy; the ratios come "
             "from one run of the script. Python %s, scikit-learn %s (Debian python3-sklearn), Node %s, "
             "emscripten 3.1.6.\n" % (cpu_name(), os.cpu_count(), " / ".join(load_before), " / ".join(load_after),
                                      platform.python_version(), sklearn.__version__, node))
    L.append("Same settings for all: perplexity %g, %d iterations (the first 250 with early exaggeration 12), "
             "theta/angle 0.5, learning rate auto (max(N/48, 50)), init='%s', seed/random_state 0. cuefinder: "
             "Barnes-Hut with exact kNN (vantage-point tree), one thread. **Map worker** = what the browser "
             "runs: `web/tsne_worker.js` on `cuefinder_worker.js` (em++ -O3, SIMD128; "
             "`src/bindings/web/tsne_api.cpp`) driven through its message protocol, iterating in ~50 ms chunks "
             "and copying the layout out to the page after each (`bench_worker.mjs`, in a Node worker thread); "
             "time from posting 'start' to receiving 'done', module load included. WASM direct = the core's "
             "`cf::Tsne` in one call (`bench_tsne.js`); native = the same in the native-release build (%s). scikit-learn: "
             "`TSNE(method='barnes_hut')` (Cython) natively, with `OMP_NUM_THREADS=1` and with its default "
             "OpenMP threads (%s). Times are wall time of the whole fit (neighbours + affinities + "
             "optimisation); with several runs, the median.\n"
             % (args.perplexity, args.iterations, args.init, rows[0]["native"].get("isa", "?"),
                next((r["sklearn_default_threads"].get("openmp_threads") for r in rows
                      if "openmp_threads" in r.get("sklearn_default_threads", {})), "not run")))
    L.append("Data:\n")
    for r in rows:
        L.append("- **%s**: %d x %d, `%s`, %d run(s) per method. %s" % (r["label"], r["n"], args.dim, r["data"],
                                                                      r["repeat"], r["note"]))
    L.append("")
    L.append("| data | n | map worker ms | WASM direct ms | native ms | sklearn 1 thread ms | sklearn default ms | "
             "**worker / best sklearn** | T(10) worker | T(10) WASM direct | T(10) native | T(10) sklearn 1 thr | "
             "T(10) sklearn default |")
    L.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        def t(name):
            if name not in r or "trust" not in r[name]:
                return "—"
            s = "%.4f" % r[name]["trust"]
            if "trust_sklearn" in r[name]:
                s += " (%.4f)" % r[name]["trust_sklearn"]
            return s

        def tm(name):
            if name not in r:
                return "not run"
            if "timeout_s" in r[name]:
                return "> %.0f (timeout)" % r[name]["timeout_s"]
            return "%.0f" % r[name]["median_total_ms"]
        sk = [v for v in (ms(r, "sklearn"), ms(r, "sklearn_default_threads")) if v]
        ratio = "**%.2f**" % (ms(r, "worker") / min(sk)) if sk else "—"
        L.append("| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            r["label"], r["n"], tm("worker"), tm("wasm"), tm("native"), tm("sklearn"), tm("sklearn_default_threads"),
            ratio, t("worker"), t("wasm"), t("native"), t("sklearn"), t("sklearn_default_threads")))
    L.append("")
    L.append("Trustworthiness (k=10) by `cf::trustworthiness` (same definition as "
             "`sklearn.manifold.trustworthiness`; sklearn's own value in parentheses up to 2000 points).\n")
    L.append("Split of our time (init = kNN + affinities + PCA init; rest = all iterations, plus for the worker "
             "the module load and the per-chunk layout copies), final KL(P‖Q) and the worker's progress messages:\n")
    L.append("| data | worker init ms | worker rest ms | progress msgs | WASM init ms | WASM optimise ms | native init ms "
             "| native optimise ms | KL worker | KL WASM | KL native |")
    L.append("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        w, a, nat = r["worker"], r["wasm"], r["native"]
        L.append("| %s | %.0f | %.0f | %d | %.0f | %.0f | %.0f | %.0f | %.4f | %.4f | %.4f |" % (
            r["label"], w["init_ms"], w["optimize_ms"], w["n_progress"], a["init_ms"], a["optimize_ms"],
            nat["init_ms"], nat["optimize_ms"], w["kl"], a["kl"], nat["kl"]))
    L.append("")
    verdicts = []
    for r in rows:
        sk = [k for k in ("sklearn", "sklearn_default_threads") if ms(r, k)]
        if not sk:
            continue
        best = min(sk, key=lambda k: ms(r, k))
        faster = ms(r, "worker") <= ms(r, best)
        trust_ok = r["worker"]["trust"] >= max(r[k]["trust"] for k in sk) - 5e-4
        verdicts.append("%s: worker %.2f x the time of the faster sklearn run (%s), T(10) %.4f vs %.4f — %s" % (
            r["label"], ms(r, "worker") / ms(r, best), NAMES[best], r["worker"]["trust"],
            max(r[k]["trust"] for k in sk), "met" if faster and trust_ok else "NOT met"))
    L.append("**Goal** (issue 5: our in-browser t-SNE no slower than scikit-learn's native one, at equal or better "
             "trustworthiness; 'equal' = within 5e-4): " + "; ".join(verdicts) + ".\n")
    L.append("<details><summary>Raw results</summary>\n\n```json\n%s\n```\n</details>\n" % json.dumps(rows, indent=1))

    # Prepend under the title; keep what was there (earlier runs) below.
    title = "# t-SNE: cuefinder (native, WASM) vs scikit-learn\n"
    previous = ""
    if os.path.exists(args.report):
        previous = open(args.report).read()
        if previous.startswith("# "):
            previous = previous.split("\n", 1)[1] if "\n" in previous else ""
    os.makedirs(os.path.dirname(os.path.abspath(args.report)), exist_ok=True)
    with open(args.report, "w") as f:
        f.write(title + "\n" + "\n".join(L) + "\n" + previous.lstrip("\n"))
    print("wrote %s" % args.report, file=sys.stderr)


if __name__ == "__main__":
    main()
