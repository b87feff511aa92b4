#!/usr/bin/python3
"""Sanity check of the zero-shot set: is it learnable? For every label that IS in an audio model's
vocabulary, the ROC-AUC of that model's own tag probability (mean over the clip, from
analysis.jsonl) against the label. Clips in the label's `exclude` list are left out.

  sanity.py SET_DIR [--markdown]

No zero-shot method here: only the supervised tags (MSD / MTT musicnn) on labels they already know.
"""
import glob
import json
import os
import sys


def roc_auc(scores_pos, scores_neg):
    """Mann-Whitney U / (n_pos * n_neg), ties counted as one half."""
    allv = sorted([(s, 1) for s in scores_pos] + [(s, 0) for s in scores_neg])
    rank_sum, i = 0.0, 0
    while i < len(allv):
        j = i
        while j < len(allv) and allv[j][0] == allv[i][0]:
            j += 1
        avg_rank = (i + 1 + j) / 2.0
        rank_sum += avg_rank * sum(1 for k in range(i, j) if allv[k][1])
        i = j
    n_p, n_n = len(scores_pos), len(scores_neg)
    return (rank_sum - n_p * (n_p + 1) / 2.0) / (n_p * n_n)


def load_set(set_dir):
    """The set's labels.json entries (file order), vocabulary labels, and analysis rows by clip."""
    entries = json.load(open(os.path.join(set_dir, "labels.json")))
    vocab = json.load(open(os.path.join(set_dir, "vocabulary.json")))["labels"]
    analysis = {}  # analysis.jsonl and the part files of an analysis still running (analyze_set.py)
    files = [os.path.join(set_dir, "analysis.jsonl")] + sorted(glob.glob(os.path.join(set_dir, "analysis.part*.jsonl")))
    for path in files:
        if not os.path.exists(path):
            continue
        with open(path) as f:
            for line in f:
                try:
                    j = json.loads(line)
                except json.JSONDecodeError:
                    continue
                if "error" not in j:
                    analysis[j.get("clip") or os.path.relpath(j["file"], set_dir)] = j
    return entries, vocab, analysis


def main():
    set_dir = sys.argv[1]
    md = "--markdown" in sys.argv
    entry_list, vocab, analysis = load_set(set_dir)
    entries = {e["file"]: e for e in entry_list}
    clips = [c for c in entries if c in analysis]
    rows, aucs = [], {"msd": [], "mtt": []}
    for lab, v in sorted(vocab.items()):
        if not v["in_vocabulary"]:
            continue
        pos = [c for c in clips if lab in entries[c]["labels"]]
        neg = [c for c in clips if lab not in entries[c]["labels"] and lab not in entries[c]["exclude"]]
        cells = {}
        for model, tag in v["model_tags"].items():
            if pos and neg:
                a = roc_auc([analysis[c]["tags"][model][tag] for c in pos], [analysis[c]["tags"][model][tag] for c in neg])
                cells[model] = a
                aucs[model].append(a)
        rows.append((lab, len(pos), len(neg), cells))
    mean = lambda x: sum(x) / len(x) if x else float("nan")
    per_sf = {}  # soundfont -> model -> [AUC per label], on that soundfont's clips only
    for sf in sorted({entries[c]["soundfont"] for c in clips}):
        sub = [c for c in clips if entries[c]["soundfont"] == sf]
        for lab, v in vocab.items():
            if not v["in_vocabulary"]:
                continue
            pos = [c for c in sub if lab in entries[c]["labels"]]
            neg = [c for c in sub if lab not in entries[c]["labels"] and lab not in entries[c]["exclude"]]
            for model, tag in v["model_tags"].items():
                if pos and neg:
                    per_sf.setdefault(sf, {}).setdefault(model, []).append(
                        roc_auc([analysis[c]["tags"][model][tag] for c in pos], [analysis[c]["tags"][model][tag] for c in neg]))
    if md:
        print(f"Clips analysed: {len(clips)} of {len(entries)}.\n")
        print("| label (in vocabulary) | positives | negatives | AUC, MSD tag | AUC, MTT tag |\n|---|---|---|---|---|")
        for lab, n_p, n_n, cells in rows:
            f = lambda m: f"{cells[m]:.3f}" if m in cells else "–"
            print(f"| {lab} | {n_p} | {n_n} | {f('msd')} | {f('mtt')} |")
        print(f"| **mean** | | | **{mean(aucs['msd']):.3f}** ({len(aucs['msd'])} labels) | "
              f"**{mean(aucs['mtt']):.3f}** ({len(aucs['mtt'])} labels) |")
        print("\n| soundfont | clips analysed | mean AUC, MSD tags | mean AUC, MTT tags |\n|---|---|---|---|")
        for sf, d in per_sf.items():
            n = sum(entries[c]["soundfont"] == sf for c in clips)
            print(f"| {sf} | {n} | {mean(d.get('msd', [])):.3f} | {mean(d.get('mtt', [])):.3f} |")
    else:
        print(f"sanity (in-vocabulary labels, model's own tag probability), {len(clips)} of {len(entries)} clips analysed")
        for lab, n_p, n_n, cells in rows:
            print(f"  {lab:12s} +{n_p:3d} -{n_n:3d}  " + "  ".join(f"{m} {a:.3f}" for m, a in cells.items()))
        print(f"  mean AUC: msd {mean(aucs['msd']):.3f} ({len(aucs['msd'])} labels), "
              f"mtt {mean(aucs['mtt']):.3f} ({len(aucs['mtt'])} labels)")
        for sf, d in per_sf.items():
            print(f"  {sf:10s} mean AUC: msd {mean(d.get('msd', [])):.3f}, mtt {mean(d.get('mtt', [])):.3f}")


if __name__ == "__main__":
    main()
