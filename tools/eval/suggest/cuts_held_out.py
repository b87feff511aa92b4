#!/usr/bin/python3
"""Cut detection on material it was not tuned on: cuefinder-core video vs FFmpeg's scdet.

    /usr/bin/python3 tools/eval/suggest/cuts_held_out.py [--core build/native-release/src/cli/cuefinder-core]
        [--manifest build/eval-suggest/manifest.json] [--out build/eval-video] [--repeat 1]

Two sets, neither seen while the detector's thresholds were chosen (those came from the generated
patterns of tests/data/video and tools/bench/video):
 1. Real camera footage from Debian's opencv-doc (apt-get download, extracted to OUT; not committed):
    examples/data/vtest.avi (79.5 s, 768×576, 10 fps: a fixed camera over a path with people walking)
    and examples/data/tree.avi (29.6 s, 320×240, 15 fps: a hand-held view of a tree, a hand passes
    in front of the lens near the end). Each is one continuous take (checked by eye on contact sheets
    of one frame every 2–5 s and frame by frame around every reported cut): known cuts = none, so
    every reported cut is a false one. License: the package's copyright file puts examples/data under
    `Files: *` (OpenCV, Apache-2.0 / BSD-3-Clause). Megamind.avi in the same folder (a film excerpt
    with cuts) is left out: its license is not stated.
 2. The calm/lively clips of make_clips.py (real pictures, slow zooms, dissolves, fast pans with shake),
    known cuts from the manifest.
Methods and matching as tools/bench/video/compare.py (imported): a cut within ±1 frame of a known cut is
a hit. Prints Markdown tables.
"""
import argparse
import glob
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tools", "bench", "video"))
import compare  # noqa: E402

REAL = {"vtest.avi": (10, []), "tree.avi": (15, [])}  # file → (fps, known cut times in s)


def fetch_opencv_data(out):
    debs = os.path.join(out, "debs")
    os.makedirs(debs, exist_ok=True)
    if not glob.glob(os.path.join(debs, "opencv-doc_*.deb")):
        subprocess.run(["apt-get", "download", "opencv-doc"], cwd=debs, check=True, stdout=subprocess.DEVNULL)
    dest = os.path.join(out, "pkg-opencv-doc")
    if not os.path.isdir(dest):
        subprocess.run(["dpkg-deb", "-x", sorted(glob.glob(os.path.join(debs, "opencv-doc_*.deb")))[-1], dest], check=True)
    return os.path.join(dest, "usr/share/doc/opencv-doc/examples/data")


def run(clips, args):
    methods = {"cuefinder": lambda p: compare.ours(args.core, p, args.repeat, 256),
               "scdet": lambda p: compare.scdet(p, args.repeat)}
    totals = {m: [0, 0, 0] for m in methods}
    print("| clip | known cuts | method | found | hits ±1 frame | false | wall s |\n|---|---|---|---|---|---|---|")
    for path, fps, known in clips:
        for name, fn in methods.items():
            wall, found = fn(path)
            hits = compare.matched(known, found, 1.0 / fps + 1e-3)
            t = totals[name]
            t[0] += hits; t[1] += len(found); t[2] += len(known)
            if len(clips) <= 4:
                print(f"| {os.path.basename(path)} | {len(known)} | {name} | {len(found)} | {hits} | "
                      f"{len(found) - hits} | {wall:.3f} |")
            print(json.dumps({"clip": os.path.basename(path), "method": name, "found_s": found, "hits": hits}),
                  file=sys.stderr)
    for name, (hits, n_found, n_known) in totals.items():
        print(f"| **{len(clips)} clips together** | {n_known} | {name} | {n_found} | {hits} | {n_found - hits} | "
              f"F1 {compare.f1(hits, n_found, n_known):.3f} |" if n_known else
              f"| **{len(clips)} clips together** | 0 | {name} | {n_found} | – | {n_found} | |")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--core", default=os.path.join(ROOT, "build/native-release/src/cli/cuefinder-core"))
    ap.add_argument("--manifest", default=os.path.join(ROOT, "build/eval-suggest/manifest.json"))
    ap.add_argument("--out", default=os.path.join(ROOT, "build/eval-video"))
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()
    data = fetch_opencv_data(args.out)
    print(f"load average before: {os.getloadavg()[0]:.2f}\n\nReal footage, no cuts (opencv-doc):\n")
    run([(os.path.join(data, f), fps, cuts) for f, (fps, cuts) in REAL.items()], args)
    if os.path.exists(args.manifest):
        m = json.load(open(args.manifest))
        base = os.path.dirname(args.manifest)
        for kind in ("calm", "lively"):
            print(f"\nmake_clips.py {kind} clips (30 fps):\n")
            run([(os.path.join(base, c["file"]), 30, c["cuts_s"]) for c in m["clips"] if c["class"] == kind], args)
    print(f"\nload average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
