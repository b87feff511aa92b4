#!/usr/bin/python3
"""Analyse every clip of the zero-shot set once with cuefinder (WASM core + ONNX Runtime in Node).

  analyze_set.py SET_DIR [JOBS]      (JOBS = 0: only merge the part files of earlier/interrupted runs)

CF_ANALYZE_ORDER=soundfont[:A,B] analyses one soundfont's clips after the other (A, B first; see below).
Runs `node src/cli/analyze.mjs --json --patch-embeddings FILES...` (the same code as
`./cuefinder analyze`, without its rebuild step) in JOBS parallel processes under `nice -n 19`, each
on a share of the clips not analysed yet, and collects the results into SET_DIR/analysis.jsonl (one
JSON object per clip; "clip" is the path relative to SET_DIR, as in labels.json). Resumable: clips
already in analysis.jsonl or in a part file of an interrupted run are skipped.
"""
import glob
import json
import os
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "../../.."))


def read_jsonl(path):
    out = {}
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                line = line.strip()
                if not line:
                    continue
                try:
                    j = json.loads(line)
                except json.JSONDecodeError:
                    continue  # a line cut by an interrupted run
                if "error" not in j:
                    out[j["clip"] if "clip" in j else j["file"]] = j
    return out


def main():
    set_dir = os.path.abspath(sys.argv[1])
    jobs = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    entries = json.load(open(os.path.join(set_dir, "labels.json")))
    final = os.path.join(set_dir, "analysis.jsonl")
    done = {}
    for p in [final] + sorted(glob.glob(os.path.join(set_dir, "analysis.part*.jsonl"))):
        for k, j in read_jsonl(p).items():
            rel = os.path.relpath(k, set_dir) if os.path.isabs(k) else k
            j["clip"] = rel
            done[rel] = j
    todo = [e for e in entries if e["file"] not in done]
    # CF_ANALYZE_ORDER=soundfont: one soundfont (renderer) after the other, each in set order, so that an
    # interrupted run leaves whole renderings of the set rather than the first pieces in every sound.
    order = os.environ.get("CF_ANALYZE_ORDER", "")
    if order.startswith("soundfont"):  # "soundfont:A,B" puts A, then B first
        first = {name: k for k, name in enumerate(order.partition(":")[2].split(",")) if name}
        for e in entries:
            first.setdefault(e.get("soundfont"), len(first))
        todo.sort(key=lambda e: first[e.get("soundfont")])
    todo = [e["file"] for e in todo]
    print(f"analysis: {len(done)} clips cached, {len(todo)} to analyse with {jobs} processes", flush=True)
    t0 = time.time()
    if todo and jobs > 0:
        procs = []
        for k in range(jobs):
            share = todo[k::jobs]  # interleaved: every process works through the same order
            if not share:
                continue
            part = open(os.path.join(set_dir, f"analysis.part{k}.{int(t0)}.jsonl"), "w")
            cmd = ["nice", "-n", "19", "node", os.path.join(ROOT, "src/cli/analyze.mjs"), "--json", "--patch-embeddings",
                   "--threads", "1"] + [os.path.join(set_dir, f) for f in share]
            procs.append((subprocess.Popen(cmd, stdout=part, cwd=ROOT), part))
        for p, part in procs:
            p.wait()
            part.close()
        for p in sorted(glob.glob(os.path.join(set_dir, "analysis.part*.jsonl"))):
            for k, j in read_jsonl(p).items():
                rel = os.path.relpath(k, set_dir)
                j["clip"] = rel
                done[rel] = j
    with open(final + ".tmp", "w") as f:
        for e in entries:
            if e["file"] in done:
                f.write(json.dumps(done[e["file"]], separators=(",", ":")) + "\n")
    os.replace(final + ".tmp", final)
    for p in glob.glob(os.path.join(set_dir, "analysis.part*.jsonl")):
        os.remove(p)
    missing = [e["file"] for e in entries if e["file"] not in done]
    print(f"analysis.jsonl: {len(entries) - len(missing)} of {len(entries)} clips ({time.time() - t0:.0f} s this run)"
          + (f"; failed: {missing[:5]}" if missing else ""), flush=True)


if __name__ == "__main__":
    main()
