#!/usr/bin/python3
"""Writes the demo catalog's track embeddings as a raw float32 matrix for the t-SNE benchmark.

  export_demo.py OUT.f32 [--analysis DIR] [--dim 200]

DIR defaults to ~/.cache/cuefinder/demo/catalog/.work/analysis (one JSON per track, written by
`./cuefinder demo` / src/cli/catalog/build.mjs); each file's embedding.values (musicnn msd, 200-d, the
track mean) becomes one row, in file-name order. Rows with a missing, wrong-sized or non-finite
embedding are skipped and counted. Also writes OUT.ids.txt (the file names, one per row).
"""
import argparse
import glob
import json
import os
import sys

import numpy as np


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--analysis", default=os.path.expanduser("~/.cache/cuefinder/demo/catalog/.work/analysis"))
    ap.add_argument("--dim", type=int, default=200)
    a = ap.parse_args()
    files = sorted(glob.glob(os.path.join(a.analysis, "*.json")))
    if not files:
        sys.exit("export_demo.py: no analysis JSON files in %s (build the demo catalog: ./cuefinder demo)" % a.analysis)
    rows, ids, skipped = [], [], 0
    for f in files:
        with open(f) as fh:
            values = (json.load(fh).get("embedding") or {}).get("values")
        if not isinstance(values, list) or len(values) != a.dim or not np.all(np.isfinite(np.asarray(values, float))):
            skipped += 1
            continue
        rows.append(np.asarray(values, dtype=np.float32))
        ids.append(os.path.basename(f))
    x = np.stack(rows)
    x.tofile(a.out)
    with open(a.out + ".ids.txt", "w") as fh:
        fh.write("\n".join(ids) + "\n")
    print("%s: %d x %d from %s (%d skipped), mean %.2f, std %.2f, zeros %.0f %%" % (
        a.out, x.shape[0], x.shape[1], a.analysis, skipped, x.mean(), x.std(), 100 * (x == 0).mean()), file=sys.stderr)


if __name__ == "__main__":
    main()
