#!/usr/bin/python3
"""Today's similarity on the second evaluation set (docs/eval-second-set.md), as a reference row.

    /usr/bin/python3 tools/eval/similarity/second_set_baseline.py [CATALOG_DIR]   (default $CF_CACHE_DIR/eval/second/catalog)

Space: the catalog's stored embedding (cosine of the mean msd-musicnn-1 embedding of the 8 windows,
the cached analyses in CATALOG_DIR/.work/analysis). Nothing is fitted, so nothing is tuned here.
Prints: same-package precision@10 (split_group as the package; chance = mean share of the other
tracks in the query's group), same-composer precision@10 across packages for composers that recur
in more than one package (neighbours from the query's own package removed first), and the rank of
each version pair's partner among all other tracks.
"""
import json
import os
import sys

import numpy as np

cache = os.environ.get("CF_CACHE_DIR", os.path.expanduser("~/.cache/cuefinder"))
cat_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(cache, "eval/second/catalog")
set_dir = os.path.dirname(os.path.abspath(cat_dir))
tracks = json.load(open(os.path.join(set_dir, "eval_manifest.json")))["tracks"]
labels = json.load(open(os.path.join(set_dir, "eval_labels.json")))

by_file = {}
work = os.path.join(cat_dir, ".work/analysis")
for f in os.listdir(work):
    r = json.load(open(os.path.join(work, f)))
    if "embedding" in r:
        by_file[r["file"]] = np.asarray(r["embedding"]["values"], dtype=np.float64)
rows = [t for t in tracks if t["path"] in by_file]
missing = len(tracks) - len(rows)
X = np.stack([by_file[t["path"]] for t in rows])
X /= np.linalg.norm(X, axis=1, keepdims=True)
S = X @ X.T
np.fill_diagonal(S, -np.inf)
ids = [t["id"] for t in rows]
group = np.array([t["split_group"] for t in rows])
comp = np.array([t["composer_key"] for t in rows])
n = len(rows)

K = 10
p_pkg, chance = [], []
for i in range(n):
    same = group == group[i]
    if same.sum() < 2:
        continue
    top = np.argsort(-S[i])[:K]
    p_pkg.append(np.mean(same[top]))
    chance.append((same.sum() - 1) / (n - 1))
print(f"tracks {n} (missing analyses: {missing}), packages {len(set(group))}")
print(f"same-package P@{K}: {np.mean(p_pkg):.3f} (chance {np.mean(chance):.3f}, {len(p_pkg)} queries)")

for key in labels["composers_across_packages"]:
    q = [i for i in range(n) if comp[i] == key]
    ps = []
    for i in q:
        other = group != group[i]
        cand = [j for j in np.argsort(-S[i]) if other[j]][:K]
        ps.append(np.mean(comp[cand] == key))
    pool = [(np.sum((comp == key) & (group != group[i]))) / np.sum(group != group[i]) for i in q]
    print(f"same-composer P@{K} across packages, {key} ({len(q)} tracks): {np.mean(ps):.3f} (chance {np.mean(pool):.3f})")

for p in labels["version_pairs"]:
    if p["a"] not in ids or p["b"] not in ids:
        print(f"pair {p['a']} / {p['b']}: not analysed")
        continue
    a, b = ids.index(p["a"]), ids.index(p["b"])
    ra = int(np.sum(S[a] > S[a, b])) + 1
    rb = int(np.sum(S[b] > S[b, a])) + 1
    print(f"pair {p['a']} / {p['b']}: partner rank {ra} / {rb} of {n - 1}, cosine {S[a, b]:.3f}")
