#!/usr/bin/python3
"""Zero-shot text -> music across two sets (issue 15, item 6): the core's bridge, projection and
ensemble (src/core/semantic/text_matcher.cpp) re-implemented in numpy, to study why a word fails and
to choose the defaults by cross-validation ACROSS sets (tune on one set, score on the other).

  crossset.py neighbours WORD...           the concepts nearest to a word in the text space (+ hubness)
  crossset.py eval [--set1 DIR] [--set2 DIR] [--hub H] [--k K] [--t T] [--w W]   per-label AUCs, both sets
  crossset.py cv   [--set1 DIR] [--set2 DIR]                                      tune on one set, score the other

Text embeddings come from tools/eval/zeroshot/embed_texts.mjs (USE lite, ONNX; cached in
~/.cache/cuefinder/eval/zeroshot_text/). numpy only (no scipy/sklearn). The numbers that count are
run.mjs's, through the core; this file is for exploring and for the cross-set choice.
"""
import itertools
import json
import os
import subprocess
import sys

import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "../../.."))
CACHE = os.path.join(os.path.expanduser(os.environ.get("CF_EVAL_CACHE", "~/.cache/cuefinder/eval")))
TEXT_CACHE = os.path.join(CACHE, "zeroshot_text")
TEMPLATES_BEFORE = ["{}", "{} music", "a song with {}", "this is {} music"]  # before 2026-12-07 (--templates before)
# The core's (concepts.cpp), chosen on set 1 by `prompts` (greedy forward selection from PROMPT_POOL).
TEMPLATES = ["an instrumental with {}", "{} sound", "this is {} music"]
# Candidates for `prompts`: the four of before, CLAP/CLIP-style prompts ("this is a sound of {}", "a
# recording of {}"), and phrasings of instrument and part. "the sound of {}", "{} sound" and "a
# recording of {}" joined the pool after a set of them had been scored on both sets (the evidence
# table's prompts row): `prompts` also runs without them.
PROMPT_POOL = ["{}", "{} music", "a song with {}", "this is {} music", "the sound of {}", "{} sound", "a recording of {}",
               "music played on {}", "a track featuring {}", "{} playing", "music with {}", "a piece for {}", "{} solo",
               "an instrumental with {}", "a {} song", "the {} part of a song", "this is a sound of {}"]
SEEN_ON_SET2 = ("the sound of {}", "{} sound", "a recording of {}")
PROMPTS_BLIND = ["an instrumental with {}", "{} solo", "this is {} music"]  # what `prompts` picks without SEEN_ON_SET2
TEMPLATES_NOW = TEMPLATES
MOODS = ["happy", "sad", "relaxed", "aggressive", "danceable"]
WORDS = {("msd", "00s"): "2000s", ("msd", "Hip-Hop"): "hip-hop", ("msd", "rnb"): "r&b",
         ("mtt", "no vocals"): "instrumental", ("mtt", "no vocal"): "instrumental", ("mtt", "no voice"): "instrumental",
         ("mtt", "classic"): "classical", ("mtt", "man"): "male voice", ("mtt", "woman"): "female voice",
         ("mtt", "male"): "male vocals", ("mtt", "female"): "female vocals", ("mtt", "vocal"): "vocals",
         ("mtt", "indian"): "indian music", ("mood", "relaxed"): "relaxed, calm"}


# ------------------------------------------------------------------ text
class Text:
    def __init__(self):
        os.makedirs(TEXT_CACHE, exist_ok=True)
        self.f32, self.js = os.path.join(TEXT_CACHE, "cache.f32"), os.path.join(TEXT_CACHE, "cache.json")
        self.rows = {}
        if os.path.exists(self.js):
            names = json.load(open(self.js))
            m = np.fromfile(self.f32, dtype=np.float32).reshape(len(names), 512)
            self.rows = {s: m[i] for i, s in enumerate(names)}

    def embed(self, sentences):
        todo = sorted({s for s in sentences if s not in self.rows})
        if todo:
            tmp = os.path.join(TEXT_CACHE, "todo")
            json.dump(todo, open(tmp + ".json", "w"))
            subprocess.run(["node", os.path.join(ROOT, "tools/eval/zeroshot/embed_texts.mjs"), tmp + ".json", tmp + ".out"],
                           check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
            m = np.fromfile(tmp + ".out.f32", dtype=np.float32).reshape(len(todo), 512)
            for i, s in enumerate(todo):
                self.rows[s] = m[i]
            names = list(self.rows)
            np.stack([self.rows[s] for s in names]).astype(np.float32).tofile(self.f32)
            json.dump(names, open(self.js, "w"))
        return np.stack([self.rows[s] for s in sentences])

    def phrase(self, words_list):
        """Template-averaged unit embeddings of each phrase (the core's concept_prompts/query_prompts)."""
        sents = [t.replace("{}", w) for w in words_list for t in TEMPLATES]
        e = self.embed(sents).reshape(len(words_list), len(TEMPLATES), 512).mean(1)
        return e / np.linalg.norm(e, axis=1, keepdims=True)


# A variant to study: each instrument concept also names its instrument family (keyboard, plucked or
# bowed strings, woodwind, percussion, voices), so an instrument word the models have no tag for lands
# near the tags of its family rather than near whichever instrument word is closest.
FAMILY_WORDS = {"piano": "piano, a keyboard instrument", "harpsichord": "harpsichord, a keyboard instrument",
                "synth": "synthesizer, an electronic keyboard instrument", "guitar": "guitar, a plucked string instrument",
                "sitar": "sitar, a plucked string instrument", "harp": "harp, a plucked string instrument",
                "strings": "strings, bowed string instruments", "violin": "violin, a bowed string instrument",
                "cello": "cello, a bowed string instrument", "flute": "flute, a woodwind instrument",
                "drums": "drums, percussion instruments", "choir": "choir, singing voices", "choral": "choral, singing voices"}
WORD_VARIANT = "plain"


def concepts():
    msd = json.load(open(os.path.join(ROOT, "models/msd-musicnn-1/manifest.json")))["labels"]
    mtt = json.load(open(os.path.join(ROOT, "models/mtt-musicnn-1/manifest.json")))["labels"]
    out = [("msd", l) for l in msd] + [("mtt", l) for l in mtt] + [("mood", m) for m in MOODS]
    words = [WORDS.get(c, c[1].lower()) for c in out]
    if WORD_VARIANT == "synthesizer":  # the one abbreviation left among the tags
        words = ["synthesizer" if w == "synth" else w for w in words]
    if WORD_VARIANT == "families":
        words = [FAMILY_WORDS.get(w, w) for w in words]
    return out, words


# ------------------------------------------------------------------ sets
SPACE = "plain"  # whiten / wccn: the audio embeddings through a PCA-whitening / the catalog's WCCN space fitted on the set


def load(set_dir, keys):
    entries = json.load(open(os.path.join(set_dir, "labels.json")))
    vocab = json.load(open(os.path.join(set_dir, "vocabulary.json")))["labels"]
    an = {}  # analysis.jsonl and the part files of a run still going (analyze_set.py)
    import glob
    for f in [os.path.join(set_dir, "analysis.jsonl")] + sorted(glob.glob(os.path.join(set_dir, "analysis.part*.jsonl"))):
        if not os.path.exists(f):
            continue
        for line in open(f):
            try:
                j = json.loads(line)
            except json.JSONDecodeError:
                continue
            if "error" not in j:
                an[j.get("clip") or os.path.relpath(j["file"], set_dir)] = j
    clips = [e for e in entries if e["file"] in an]
    P = np.array([[(an[e["file"]]["moods"] if s == "mood" else an[e["file"]]["tags"][s]).get(l, np.nan) for s, l in keys]
                  for e in clips], dtype=np.float64)
    P = np.round(P * 255) / 255  # the catalog's TAGP codes (core/catalog/catalog.h), as the core reads them
    A = np.array([an[e["file"]]["embedding"]["values"] for e in clips], dtype=np.float64)
    A /= np.linalg.norm(A, axis=1, keepdims=True)
    if SPACE == "whiten":  # a learned space as catalogs may hold one (core/index/space.h fit_whitening, s = 0.1)
        c = A - A.mean(0)
        lam, V = np.linalg.eigh(c.T @ c / len(c))
        lam = np.maximum(lam, 0)
        A = c @ V / np.sqrt(0.9 * lam + 0.1 * lam.mean())
        A /= np.linalg.norm(A, axis=1, keepdims=True)
    if SPACE == "wccn":  # the catalog's learned space (core/index/space.h fit_wccn: windows unit length, s 0.03, 50-d)
        wins = [np.array(an[e["file"]]["embedding"]["per_patch"], dtype=np.float64).reshape(-1, A.shape[1]) for e in clips]
        wins = [w / np.maximum(np.linalg.norm(w, axis=1, keepdims=True), 1e-12) for w in wins]
        sys.path.insert(0, os.path.join(ROOT, "tools/eval/similarity"))
        from spaces import wccn
        mu, w = wccn(wins, 0.03, 50)
        A = (A - mu) @ w
        A /= np.linalg.norm(A, axis=1, keepdims=True)
    return {"dir": set_dir, "clips": clips, "vocab": vocab, "labels": sorted(vocab), "P": P, "A": A}


# ------------------------------------------------------------------ methods (as text_matcher.cpp)
EVIDENCE = "rank"  # what the bridge's z is taken on (text_matcher.h Evidence): rank normal scores; "probability": before; "logit": tried


def zscores(P, floor=None, evidence=None):
    """Z of the bridge per concept over the catalog: the normal score of each value's rank (ties half,
    clamped 0.005..0.995; the core's default), or (p − mean) / sd on the probabilities (floor 0.01), or
    z on their logits clamped to the catalog's code step 0.5/255 (floor 0.1); the probabilities with
    NaN filled by the mean, and the mean probability (the projection's)."""
    mean = np.nanmean(P, 0)
    P = np.where(np.isnan(P), mean, P)
    if (evidence or EVIDENCE) == "probability":
        return (P - mean) / np.maximum(P.std(0), floor or 0.01), P, mean
    if (evidence or EVIDENCE) == "rank":
        from statistics import NormalDist
        R = np.clip(pct(P.T).T, 0.005, 0.995)
        return np.vectorize(NormalDist().inv_cdf)(R), P, mean
    eps = 0.5 / 255
    L = np.log(np.clip(P, eps, 1 - eps) / (1 - np.clip(P, eps, 1 - eps)))
    return (L - L.mean(0)) / np.maximum(L.std(0), floor or 0.1), P, mean


GROUPS = None  # concept index -> index of its words among the distinct words (set by main)


def bridge(Q, E, Z, k=10, t=0.05, hub=0.0, Hub=None, dedup=0):
    """dedup = 1: the softmax runs over distinct concept words (the K nearest words), and a word's
    weight is split among the concepts that share it (msd:guitar and mtt:guitar; the four tags that
    mean "instrumental"), so a word is not counted once per model that has it."""
    S = Q @ E.T
    if hub and Hub is not None:
        S = S - hub * Hub[None, :]
    W = np.zeros_like(S)
    for i, s in enumerate(S):
        if dedup:
            g = np.array(GROUPS)
            words = {}
            for j in np.argsort(-s, kind="stable"):
                words.setdefault(g[j], s[j])
            top_w = list(words)[:k]
            w = np.exp((np.array([words[x] for x in top_w]) - words[top_w[0]]) / t)
            w /= w.sum()
            for x, wx in zip(top_w, w):
                members = np.where(g == x)[0]
                W[i, members] = wx / len(members)
        else:
            top = np.argsort(-s, kind="stable")[:k]
            w = np.exp((s[top] - s[top[0]]) / t)
            w /= w.sum()
            W[i, top] = w
    return W @ Z.T, W


def bridge_share(Q, E, w, lo):
    """The ensemble's bridge share per query: w, raised towards 1 as the query's nearest concept gets
    closer to an exact match (cosine lo .. 1); lo >= 1: always w."""
    smax = (Q @ E.T).max(1)
    if lo >= 1:
        return np.full(len(Q), w)
    g = np.clip((smax - lo) / (1 - lo), 0, 1)
    return w + (1 - w) * g


def fit_projection(A, P, mean, E, alpha=0.02):
    F = np.maximum(P - mean, 0)
    T = F @ E
    n = np.linalg.norm(T, axis=1)
    keep = n > 0
    X = np.hstack([A, np.ones((len(A), 1))])[keep]
    T = T[keep] / n[keep, None]
    G = X.T @ X
    lam = alpha * np.trace(G[:-1, :-1])
    G[np.arange(len(G) - 1), np.arange(len(G) - 1)] += lam
    return np.linalg.solve(G, X.T @ T)


def projection(Q, A, W):
    X = np.hstack([A, np.ones((len(A), 1))]) @ W
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    return Q @ X.T


def pct(S):
    """Per row: the fraction of the row below each value, ties half (fraction_below)."""
    out = np.empty_like(S)
    for i, s in enumerate(S):
        srt = np.sort(s)
        out[i] = (np.searchsorted(srt, s, "left") + np.searchsorted(srt, s, "right")) / 2 / len(s)
    return out


def auc(y, s):
    order = np.argsort(s, kind="stable")
    s, y = s[order], y[order]
    ranks = np.empty(len(s))
    i = 0
    while i < len(s):
        j = i
        while j < len(s) and s[j] == s[i]:
            j += 1
        ranks[i:j] = (i + 1 + j) / 2
        i = j
    npos, nneg = y.sum(), (~y).sum()
    return (ranks[y].sum() - npos * (npos + 1) / 2) / (npos * nneg)


def label_aucs(ds, S):
    out = {}
    for k, l in enumerate(ds["labels"]):
        keep = np.array([l not in e.get("exclude", []) for e in ds["clips"]])
        y = np.array([l in e["labels"] for e in ds["clips"]])[keep]
        if y.sum() and (~y).sum():
            out[l] = auc(y, S[k][keep])
    return out


# ------------------------------------------------------------------ the experiment
def hubness(E, ref):
    """How close each concept is to everything: its mean cosine to its 10 nearest reference phrases."""
    S = ref @ E.T
    return np.sort(S, axis=0)[-10:].mean(0)


def center(E, Q, how):
    """how = 0: as is; 1: both sides minus the concepts' mean embedding, renormalised (the template and
    "music" part every concept shares is removed, so cosines say what differs)."""
    if not how:
        return E, Q
    m = E.mean(0)
    E2, Q2 = E - m, Q - m
    return E2 / np.linalg.norm(E2, axis=1, keepdims=True), Q2 / np.linalg.norm(Q2, axis=1, keepdims=True)


def evaluate(ds, tx, E, words, cfg):
    Q = tx.phrase(ds["labels"])
    E, Q = center(E, Q, cfg.get("center", 0))
    Z, P, mean = zscores(ds["P"])
    Hub = cfg.get("Hub")
    b, W = bridge(Q, E, Z, cfg.get("k", 10), cfg.get("t", 0.05), cfg.get("hub", 0.0), Hub, cfg.get("dedup", 0))
    Wp = fit_projection(ds["A"], P, mean, E, cfg.get("alpha", 0.02))
    p = projection(Q, ds["A"], Wp)
    w = bridge_share(Q, E, cfg.get("w", 0.5), cfg.get("lo", 1.0))[:, None]
    e = w * pct(b) + (1 - w) * pct(p)
    return {"bridge": label_aucs(ds, b), "projection": label_aucs(ds, p), "ensemble": label_aucs(ds, e), "W": W}


BASE = {"center": 0, "k": 10, "t": 0.05, "w": 0.5, "lo": 1.0, "alpha": 0.02}  # the defaults before issue 15
DEFAULTS = {**BASE, "w": 0.4, "lo": 0.9}  # the core's defaults now (text_matcher.h), chosen on set 1 by `cv`


def grid():
    for center, k, t, w, lo in itertools.product((0, 1), (5, 10, 20), (0.02, 0.05, 0.1), (0.3, 0.4, 0.5, 0.6, 0.7), (1.0, 0.9, 0.8, 0.7)):
        yield {"center": center, "k": k, "t": t, "w": w, "lo": lo, "alpha": 0.02}


def cfg_name(c):
    share = f"w={c['w']}" if c["lo"] >= 1 else f"w={c['w']}→1 from cos {c['lo']}"
    return f"{'centred' if c['center'] else 'raw'} K={c['k']} T={c['t']} {share}"


def sweep(ds, tx, E):
    """Per config: per-label AUCs of the three methods (the projection is fitted once per centring)."""
    Q0 = tx.phrase(ds["labels"])
    Z, P, mean = zscores(ds["P"])
    cache, out = {}, []
    for c in grid():
        Ec, Q = center(E, Q0, c["center"])
        if c["center"] not in cache:
            Wp = fit_projection(ds["A"], P, mean, Ec, c["alpha"])
            p = projection(Q, ds["A"], Wp)
            cache[c["center"]] = (p, pct(p), label_aucs(ds, p))
        p, pp, pa = cache[c["center"]]
        b, _ = bridge(Q, Ec, Z, c["k"], c["t"])
        w = bridge_share(Q, Ec, c["w"], c["lo"])[:, None]
        e = w * pct(b) + (1 - w) * pp
        out.append((c, {"bridge": label_aucs(ds, b), "projection": pa, "ensemble": label_aucs(ds, e)}))
    return out


def summary(r, m="ensemble"):
    v = list(r[m].values())
    lo = min(r[m], key=r[m].get)
    return np.mean(v), lo, r[m][lo]


def cv(s1, s2, tx, E):
    r1, r2 = sweep(s1, tx, E), sweep(s2, tx, E)
    same = lambda a, b, keys=tuple(BASE): all(a[k] == b[k] for k in keys)
    idx = lambda c: [i for i, (x, _) in enumerate(r1) if same(x, c)][0]
    base = idx(BASE)
    best = lambda r, ids: max(ids, key=lambda i: summary(r[i][1])[0])
    every = range(len(r1))
    # Only the ensemble's share (w, lo) free; centring, K and T as before (their set-1 optimum does not
    # carry over: see the correlation below).
    share_only = [i for i in every if same(r1[i][0], BASE, ("center", "k", "t", "alpha"))]
    rows = (("the defaults before issue 15", base), ("the defaults before this run (chosen on 107 clips of set 1)", idx({**BASE, "w": 0.3, "lo": 0.9})),
            ("best on set 1, whole grid", best(r1, every)), ("best on set 2, whole grid", best(r2, every)),
            ("best on set 1, the ensemble's share only", best(r1, share_only)),
            ("best on set 2, the ensemble's share only", best(r2, share_only)))
    L = ["## Choosing the defaults across sets (`crossset.py cv`)", "",
         f"Grid: {len(r1)} settings (text raw or centred × bridge K ∈ 5, 10, 20 × T ∈ 0.02, 0.05, 0.1 × the ensemble's bridge share",
         "w ∈ 0.3, 0.4, 0.5, 0.6, 0.7 × the share rising to 1 for queries whose nearest tag is at cosine ≥ lo, lo ∈ 0.7, 0.8, 0.9 or never;",
         "ridge α = 0.02), each scored on both sets by the numpy copy of the core (crossset.py). Criterion: the mean ensemble",
         "ROC-AUC over the set's labels. A setting chosen on one set is scored on the other.",
         f"The bridge's z on: {EVIDENCE} ({'as before 2026-12-07; the Evidence table below has the change' if EVIDENCE == 'probability' else 'the core now'}).", "",
         "| setting | chosen how | set 1 mean | set 1 lowest label | set 2 mean | set 2 lowest label |", "|---|---|---|---|---|---|"]
    for name, i in rows:
        m1, l1, a1 = summary(r1[i][1])
        m2, l2, a2 = summary(r2[i][1])
        L.append(f"| {cfg_name(r1[i][0])} | {name} | {m1:.3f} | {l1} {a1:.3f} | {m2:.3f} | {l2} {a2:.3f} |")
    corr = np.corrcoef([summary(r[1])[0] for r in r1], [summary(r[1])[0] for r in r2])[0, 1]
    cs = [i for i in share_only]
    corr_s = np.corrcoef([summary(r1[i][1])[0] for i in cs], [summary(r2[i][1])[0] for i in cs])[0, 1]
    L += ["", f"Correlation of the two sets' means over all {len(r1)} settings: {corr:.2f}; over the {len(cs)} settings of the",
          f"ensemble's share alone: {corr_s:.2f}.", "", "The best 10 settings on set 1 and what they give on set 2:", "",
          "| setting | set 1 mean | set 2 mean | set 2 lowest label |", "|---|---|---|---|"]
    for i in sorted(every, key=lambda i: -summary(r1[i][1])[0])[:10]:
        m2, l2, a2 = summary(r2[i][1])
        L.append(f"| {cfg_name(r1[i][0])} | {summary(r1[i][1])[0]:.3f} | {m2:.3f} | {l2} {a2:.3f} |")
    L.append("")
    return "\n".join(L), r1, r2


def why_markdown(s1, s2, tx, E, keys, labs=("organ", "bass", "brass")):
    """Why words fail: what the text side weights for each and what would have separated its clips."""
    L = ["## Why words outside the models' vocabularies fail (`crossset.py why --label L`)", "",
         f"(With {'the prompts of before 2026-12-07' if TEMPLATES == TEMPLATES_BEFORE else 'the prompts of now'} and the bridge's z on {EVIDENCE}.)", "",
         "The text side. Every USE-lite cosine between two music prompts lies in about 0.65–0.9 (the templates and the word",
         "\"music\" are shared), so the bridge's softmax (T = 0.05 over the 10 nearest) spreads a word the models have no tag for",
         "over words that are merely other instruments or genres, or the hub \"instrumental\" (four concepts: msd:instrumental and",
         "MTT's no vocal / no vocals / no voice, which are sent as \"instrumental\"). Nearest concepts (cosine; the median concept):", ""]
    for lab in labs:
        raw = E @ tx.phrase([lab])[0]
        order = np.argsort(-raw)
        L.append(f"- {lab}: " + ", ".join(f"{keys[j][0]}:{keys[j][1]} {raw[j]:.3f}" for j in order[:6]) + f" (median {np.median(raw):.3f})")
    L += ["", "| label | set | positives / negatives | bridge weights (weight; AUC of that concept alone for the label) | bridge AUC | concepts that separate the label best alone |",
          "|---|---|---|---|---|---|"]
    for lab in labs:
        q = tx.phrase([lab])
        for name, ds in (("set 1", s1), ("set 2", s2)):
            if lab not in ds["labels"]:
                continue
            Z, _, _ = zscores(ds["P"])
            keep = np.array([lab not in e.get("exclude", []) for e in ds["clips"]])
            y = np.array([lab in e["labels"] for e in ds["clips"]])[keep]
            if not y.sum() or y.all():
                continue
            ca = np.array([auc(y, Z[keep, j]) for j in range(len(keys))])
            b, W = bridge(q, E, Z, 10, 0.05)
            top = np.argsort(-W[0])[:5]
            best = np.argsort(-ca)[:5]
            L.append(f"| {lab} | {name} | {y.sum()} / {(~y).sum()} | " + ", ".join(f"{keys[j][1]} {W[0, j]:.2f}; {ca[j]:.2f}" for j in top)
                     + f" | {auc(y, b[0][keep]):.3f} | " + ", ".join(f"{keys[j][0]}:{keys[j][1]} {ca[j]:.2f}" for j in best) + " |")
    L.append("")
    return "\n".join(L)


def projection_scores(A, W, residual):
    """residual = 1: the catalog's mean prediction is subtracted before the cosine (what every track's
    predicted tag text shares says nothing about one track)."""
    X = np.hstack([A, np.ones((len(A), 1))]) @ W
    if residual:
        X = X - X.mean(0)
    return X / np.linalg.norm(X, axis=1, keepdims=True)


def fixes_grid(ds, tx, words_by_variant):
    """Per setting (words, dedup, K, T, residual projection, w, lo): per-label ensemble AUCs (+ bridge, projection)."""
    global GROUPS
    Q = tx.phrase(ds["labels"])
    Z, P, mean = zscores(ds["P"])
    out = {}
    for wv, words in words_by_variant.items():
        E = tx.phrase(words)
        distinct = list(dict.fromkeys(words))
        GROUPS = [distinct.index(w) for w in words]
        Wp = fit_projection(ds["A"], P, mean, E, 0.02)
        proj = {r: Q @ projection_scores(ds["A"], Wp, r).T for r in (0, 1)}
        pproj = {r: pct(p) for r, p in proj.items()}
        for dedup, k, t in itertools.product((0, 1), (5, 10, 20), (0.02, 0.05, 0.1)):
            b, _ = bridge(Q, E, Z, k, t, dedup=dedup)
            pb = pct(b)
            ab = label_aucs(ds, b)
            for r, w, lo in itertools.product((0, 1), (0.2, 0.3, 0.4, 0.5, 0.6), (0.8, 0.9, 1.0)):
                s = bridge_share(Q, E, w, lo)[:, None]
                e = s * pb + (1 - s) * pproj[r]
                out[(wv, dedup, k, t, r, w, lo)] = {"ensemble": label_aucs(ds, e), "bridge": ab}
    return out


def fixes_name(c):
    wv, dedup, k, t, r, w, lo = c
    share = f"w={w}" if lo >= 1 else f"w={w}→1 from {lo}"
    return (f"{'synth→synthesizer' if wv == 'synthesizer' else 'words as before'}, {'dedup' if dedup else 'no dedup'}, K={k} T={t}, "
            f"{'residual' if r else 'plain'} projection, {share}")


def fixes(s1, s2, tx):
    """Every candidate with every ensemble share on both sets; the setting best on one set scored on the other, both ways."""
    global WORD_VARIANT
    variants = {}
    for wv in ("plain", "synthesizer"):
        WORD_VARIANT = wv
        variants[wv] = concepts()[1]
    WORD_VARIANT = "plain"
    r1, r2 = fixes_grid(s1, tx, variants), fixes_grid(s2, tx, variants)
    cfgs = list(r1)
    m = lambda r, c: float(np.mean(list(r[c]["ensemble"].values())))
    low = lambda r, c: min(r[c]["ensemble"].items(), key=lambda kv: kv[1])
    cur = ("plain", 0, 10, 0.05, 0, DEFAULTS["w"], DEFAULTS["lo"])
    before = ("plain", 0, 10, 0.05, 0, 0.3, 0.9)
    def row(name, c):
        l1, l2 = low(r1, c), low(r2, c)
        b2 = r2[c]["ensemble"].get("bass", float("nan"))
        return f"| {fixes_name(c)} | {name} | {m(r1, c):.3f} | {l1[0]} {l1[1]:.3f} | {m(r2, c):.3f} | {l2[0]} {l2[1]:.3f} | {b2:.3f} |"
    L = ["## Candidate fixes, each chosen on one set and scored on the other (`crossset.py fixes`)", "",
         "Each family frees one change on top of the defaults (the ensemble share w always free, w ∈ 0.2–0.6, lo ∈ 0.8, 0.9, never):",
         "the MTT tag \"synth\" written \"synthesizer\" for the sentence encoder; the projection's cosine taken after subtracting the",
         "catalog's mean prediction (residual); duplicated tag words counted once (dedup); bridge K ∈ 5, 10, 20 and T ∈ 0.02, 0.05, 0.1.",
         "Ties on a set go to the share nearest 0.3.", "",
         "| setting | chosen how | set 1 mean | set 1 lowest | set 2 mean | set 2 lowest | set 2 bass |", "|---|---|---|---|---|---|---|",
         row("the defaults before this run", before), row("the defaults now", cur)]
    families = (("ensemble share only", lambda c: c[:5] == cur[:5]),
                ("+ synth→synthesizer", lambda c: c[1:5] == cur[1:5]),
                ("+ residual projection", lambda c: c[0] == cur[0] and c[1:4] == cur[1:4]),
                ("+ dedup", lambda c: c[0] == cur[0] and c[2:5] == cur[2:5]),
                ("+ K, T", lambda c: c[0] == cur[0] and c[1] == cur[1] and c[4] == cur[4]),
                ("whole grid", lambda c: True))
    for fam, keep in families:
        sub = [c for c in cfgs if keep(c)]
        b1 = max(sub, key=lambda c: (m(r1, c), -abs(c[5] - 0.3)))
        b2 = max(sub, key=lambda c: (m(r2, c), -abs(c[5] - 0.3)))
        L.append(row(f"{fam}: best on set 1", b1))
        L.append(row(f"{fam}: best on set 2", b2))
    return "\n".join(L), r1, r2


# ------------------------------------------------------------------ evidence (issue 15, 2026-12-07)
def standardised(S):
    return (S - S.mean(1, keepdims=True)) / np.maximum(S.std(1, keepdims=True), 1e-12)


def variant_scores(ds, E, Q, c, Eshare=None, Qshare=None):
    """Ensemble scores (labels × clips) of one setting: evidence, K, T, share w → 1 from lo, fusion of
    the two methods by percentiles (the core) or by z-scores; the share from the plain texts."""
    Z, P, mean = zscores(ds["P"], evidence=c["evidence"])
    b, _ = bridge(Q, E, Z, c["k"], c["t"])
    Wp = fit_projection(ds["A"], P, mean, E, 0.02)
    p = projection(Q, ds["A"], Wp)
    w = bridge_share(Q if Qshare is None else Qshare, E if Eshare is None else Eshare, c["w"], c["lo"])
    if c.get("common"):
        w = common_discount(w, p, common_scores(ds["A"], Wp, E), c["common"])
    w = w[:, None]
    if c.get("fusion") == "z":
        return w * standardised(b) + (1 - w) * standardised(p)
    return w * pct(b) + (1 - w) * pct(p)


def common_scores(A, Wp, E):
    """Every track's projection score for the concepts' mean text (the core's TextMatcher::common_)."""
    return projection(E.mean(0, keepdims=True), A, Wp)[0]


def common_correlation(p, common):
    """Per query: the correlation, over the catalog, of its projection scores with every track's
    projection score for the concepts' mean text (what the projection says whatever the word)."""
    pc = p - p.mean(1, keepdims=True)
    cc = common - common.mean()
    return (pc @ cc) / np.maximum(np.linalg.norm(pc, axis=1) * np.linalg.norm(cc), 1e-30)


def common_discount(w, p, common, how):
    """The ensemble's bridge share once the projection's share is scaled by the part of its ranking that
    depends on the word: 1 − ρ⁺² ("rho2", the core's), 1 − ρ² ("rho2u") or 1 − ρ⁺ ("rho")."""
    r = common_correlation(p, common)
    keep = {"rho2": 1 - np.clip(r, 0, 1) ** 2, "rho2u": 1 - r ** 2, "rho": 1 - np.clip(r, 0, 1)}[how]
    wp = (1 - w) * keep
    return np.where(w + wp > 0, w / np.maximum(w + wp, 1e-30), w)


def piece_bootstrap(ds, S_list, reps=500, seed=0):
    """Mean ensemble AUC over the labels for each score matrix, resampling the set's pieces (a piece's
    renders and a recording's clips stay together): 95 % intervals and P(second > first)."""
    rng = np.random.default_rng(seed)
    groups = {}
    for i, e in enumerate(ds["clips"]):
        groups.setdefault(e.get("piece") or e["file"], []).append(i)
    keys = list(groups)
    means = [[] for _ in S_list]
    for _ in range(reps):
        pick = np.concatenate([groups[keys[j]] for j in rng.integers(0, len(keys), len(keys))])
        sub = {**ds, "clips": [ds["clips"][i] for i in pick]}
        for m, S in zip(means, S_list):
            m.append(np.mean(list(label_aucs(sub, S[:, pick]).values())))
    means = np.array(means)
    return [np.percentile(m, [2.5, 97.5]) for m in means], float(np.mean(means[-1] > means[0])), len(keys)


def evidence_table(s1, s2, tx):
    """What the bridge's z is taken on, and the other changes tried with it, on both sets."""
    keys, words = concepts()
    E = tx.phrase(words)
    old = {"evidence": "probability", "k": 10, "t": 0.05, "w": 0.4, "lo": 0.9}
    now = {**old, "evidence": "rank"}
    rows = [("probability (before)", old, None), ("normal scores of ranks: the core's default since", now, None),
            ("logits", {**old, "evidence": "logit"}, None),
            ("ranks, the ensemble's share re-opened: best on set 1 (0.5)", {**now, "w": 0.5}, None),
            ("ranks, the two methods fused by z-scores instead of percentiles", {**now, "fusion": "z"}, None),
            ("ranks, prompts \"{}\", \"the sound of {}\", \"{} sound\", \"a recording of {}\"", now,
             ["{}", "the sound of {}", "{} sound", "a recording of {}"])]
    sys.path.insert(0, os.path.dirname(__file__))
    import wordnet_glosses
    glosses = wordnet_glosses.Glosses() if wordnet_glosses.available() else None
    if glosses:
        rows += [("ranks, queries and concepts mixed 0.3 with their WordNet music gloss", now, "gloss 0.3"),
                 ("ranks, the same, 0.5", now, "gloss 0.5")]
    global TEMPLATES
    plain_templates = TEMPLATES = TEMPLATES_BEFORE  # the evidence was chosen with the prompts of before
    E = tx.phrase(words)
    out, scores = [], {}
    for name, c, texts in rows:
        cells = []
        for i, ds in enumerate((s1, s2)):
            TEMPLATES = plain_templates
            Q0, E0 = tx.phrase(ds["labels"]), E
            Q, Ec = Q0, E0
            if isinstance(texts, list):
                TEMPLATES = texts
                Q, Ec = Q0, E0 = tx.phrase(ds["labels"]), tx.phrase(words)
            elif texts:
                lam = float(texts.split()[1])
                Q, Ec = with_glosses(tx, glosses, ds["labels"], Q0, lam), with_glosses(tx, glosses, words, E0, lam)
            S = variant_scores(ds, Ec, Q, c, E0, Q0)
            scores[(name, i)] = S
            a = label_aucs(ds, S)
            lo = min(a, key=a.get)
            cells.append(f"{np.mean(list(a.values())):.3f} | {lo} {a[lo]:.3f}")
        out.append(f"| {name} | " + " | ".join(cells) + " |")
    TEMPLATES = TEMPLATES_NOW
    L = ["## Evidence: what the bridge's z is taken on, and what else was tried with it (`crossset.py evidence`)", "",
         "The bridge's z per concept: on the probabilities ((p − mean) / sd, before), on the normal score of each value's rank among",
         "the catalog (Φ⁻¹ of its fraction below, ties half, clamped 0.005..0.995) or on the logits (clamped to the catalog's code",
         "step 0.5/255); the rest as the defaults of the time (K 10, T 0.05, share 0.4 → 1 from cosine 0.9, the four prompts of",
         "before). Numpy copy of the core, probabilities read as the catalog stores them (uint8 codes).", "",
         "| setting | set 1 mean | set 1 lowest | set 2 mean | set 2 lowest |", "|---|---|---|---|---|"] + out
    L += ["", "Resampling the pieces (500 draws; a piece's renders, a recording's clips together), mean ensemble ROC-AUC:", "",
          "| set | pieces | probability, 95 % interval | ranks, 95 % interval | P(ranks > probability) |", "|---|---|---|---|---|"]
    for i, ds in enumerate((s1, s2)):
        ci, p_up, n = piece_bootstrap(ds, [scores[(rows[0][0], i)], scores[(rows[1][0], i)]])
        L.append(f"| set {i + 1} | {n} | {ci[0][0]:.3f}–{ci[0][1]:.3f} | {ci[1][0]:.3f}–{ci[1][1]:.3f} | {p_up:.2f} |")
    return "\n".join(L)


def prompt_selection(s1, s2, tx, pool):
    """Greedy forward selection of prompt templates on set 1 (add the template that raises set 1's mean
    ensemble ROC-AUC most; stop when none raises it by > 0.0001), each step scored on set 2 too."""
    global TEMPLATES
    keys, words = concepts()
    c = {"evidence": "rank", "k": 10, "t": 0.05, "w": 0.4, "lo": 0.9}

    def score(tm, ds):
        global TEMPLATES
        TEMPLATES = tm
        a = label_aucs(ds, variant_scores(ds, tx.phrase(words), tx.phrase(ds["labels"]), c))
        lo = min(a, key=a.get)
        return float(np.mean(list(a.values()))), lo, a[lo]

    sel, best, steps = [], -1.0, []
    while True:
        cands = [(score(sel + [t], s1)[0], t) for t in pool if t not in sel]
        if not cands:
            break
        m, t = max(cands)
        if m <= best + 1e-4:
            break
        sel, best = sel + [t], m
        steps.append((list(sel), score(sel, s1), score(sel, s2)))
    TEMPLATES = TEMPLATES_NOW
    return steps


def prompts_table(s1, s2, tx):
    keys, words = concepts()
    L = ["## Prompts chosen on set 1 (`crossset.py prompts`)", "",
         "Every concept and every query is embedded as the mean of its prompts. Greedy forward selection on set 1 from a pool of",
         f"{len(PROMPT_POOL)} templates (rank evidence, K 10, T 0.05, share 0.4 → 1 from 0.9): add the template that raises set 1's mean",
         "ensemble ROC-AUC most, stop when none raises it by more than 0.0001; every step scored on set 2 as well.",
         f"Three of the pool ({', '.join(repr(t) for t in SEEN_ON_SET2)}) joined it after a set of them had been scored on both sets",
         "(the Evidence table's prompts row): the selection is also run without them, and that is the number set 2 gives for a pool",
         "written blind.", "",
         "| pool | step | prompts | set 1 mean | set 1 lowest | set 2 mean | set 2 lowest |", "|---|---|---|---|---|---|---|"]
    c = {"evidence": "rank", "k": 10, "t": 0.05, "w": 0.4, "lo": 0.9}
    for name, pool in (("all", PROMPT_POOL), ("without the three", [t for t in PROMPT_POOL if t not in SEEN_ON_SET2])):
        for i, (sel, a, b) in enumerate(prompt_selection(s1, s2, tx, pool)):
            L.append(f"| {name} | {i + 1} | {', '.join(repr(t) for t in sel)} | {a[0]:.3f} | {a[1]} {a[2]:.3f} | {b[0]:.3f} | {b[1]} {b[2]:.3f} |")
    global TEMPLATES
    sc = {}
    for key, tm in (("before", TEMPLATES_BEFORE), ("now", TEMPLATES_NOW)):
        TEMPLATES = tm
        E = tx.phrase(words)
        for i, ds in enumerate((s1, s2)):
            sc[(key, i)] = variant_scores(ds, E, tx.phrase(ds["labels"]), c)
    TEMPLATES = TEMPLATES_NOW
    L += ["", "Resampling the pieces (500 draws), mean ensemble ROC-AUC, the prompts of before against the chosen ones:", "",
          "| set | pieces | before, 95 % interval | chosen, 95 % interval | P(chosen > before) |", "|---|---|---|---|---|"]
    for i, ds in enumerate((s1, s2)):
        ci, p_up, n = piece_bootstrap(ds, [sc[("before", i)], sc[("now", i)]])
        L.append(f"| set {i + 1} | {n} | {ci[0][0]:.3f}–{ci[0][1]:.3f} | {ci[1][0]:.3f}–{ci[1][1]:.3f} | {p_up:.3f} |")
    return "\n".join(L)


def subset(ds, keep):
    """The clips of ds for which keep(clip) holds, as a catalog of their own."""
    idx = [i for i, e in enumerate(ds["clips"]) if keep(e)]
    return {**ds, "clips": [ds["clips"][i] for i in idx], "P": ds["P"][idx], "A": ds["A"][idx]}


def organ_within_renders(ds, tx, E, words, lab="organ"):
    """Why the projection still inverts a label within one kind of material: what the positives' predicted
    tag texts have more and less of than the negatives', and how close the label's word is to those concepts."""
    r = evaluate(ds, tx, E, words, DEFAULTS)
    Z, P, mean = zscores(ds["P"])
    X = np.hstack([ds["A"], np.ones((len(ds["A"]), 1))]) @ fit_projection(ds["A"], P, mean, E, 0.02)
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    y = np.array([lab in e["labels"] for e in ds["clips"]])
    neg = ~y & ~np.array([lab in e.get("exclude", []) for e in ds["clips"]])
    d = E @ (X[y].mean(0) - X[neg].mean(0))
    q = E @ tx.phrase([lab])[0]
    seen, order = set(), []
    for j in np.argsort(-d):
        if words[j] not in seen:
            seen.add(words[j]), order.append(j)
    fmt = lambda js: ", ".join(f"{words[j]} ({q[j]:.2f})" for j in js)
    return "\n".join([
        f"Within both renders (one catalog of {len(ds['clips'])} clips, {y.sum()} {lab} positives from "
        f"{len({e['piece'] for e, p in zip(ds['clips'], y) if p})} pieces), {lab}: bridge {r['bridge'][lab]:.3f}, projection "
        f"{r['projection'][lab]:.3f}, ensemble {r['ensemble'][lab]:.3f}. The {lab} clips' predicted tag texts have more of "
        f"{fmt(order[:5])} and less of {fmt(order[-5:][::-1])} than the other clips' (in brackets: the cosine of the word "
        f"\"{lab}\" with that concept): the text encoder puts the word as near the concepts its clips lack as the ones they have."])


def common_table(s1, s2, tx):
    """The projection's word-independent part: how much of each query's projection ranking every word
    shares, and the ensemble with the projection's share scaled by the rest, on both sets and on set 2's parts."""
    keys, words = concepts()
    E = tx.phrase(words)
    now = {"evidence": "rank", "k": 10, "t": 0.05, "w": 0.4, "lo": 0.9}
    rows = (("the ensemble as before", now), ("projection share × (1 − ρ⁺²): the core's default since", {**now, "common": "rho2"}),
            ("projection share × (1 − ρ²)", {**now, "common": "rho2u"}), ("projection share × (1 − ρ⁺)", {**now, "common": "rho"}))

    def cells(ds, c, templates=None):
        global TEMPLATES
        TEMPLATES = templates or TEMPLATES_NOW
        a = label_aucs(ds, variant_scores(ds, tx.phrase(words), tx.phrase(ds["labels"]), c))
        TEMPLATES = TEMPLATES_NOW
        lo = min(a, key=a.get)
        return f"{np.mean(list(a.values())):.3f} | {lo} {a[lo]:.3f}"
    L = ["## The projection's word-independent part (`crossset.py common`)", "",
         "ρ of a query: the correlation, over the catalog, of its projection scores with each track's projection score for the",
         "concepts' mean text (the same as its mean over all 105 concept texts): how much of the ranking the projection gives",
         "every word alike. The ensemble keeps the bridge's share w (0.4 → 1 from cosine 0.9) and scales the projection's",
         "(1 − w) by the word's own part, then renormalises. Numpy copy of the core (rank evidence, the prompts of now).", "",
         "| setting | set 1 mean | set 1 lowest | set 2 mean | set 2 lowest |", "|---|---|---|---|---|"]
    L += [f"| {name} | {cells(s1, c)} | {cells(s2, c)} |" for name, c in rows]
    blind = PROMPTS_BLIND
    L += [f"| {name}, with the prompts a pool written blind gives ({', '.join(repr(t) for t in blind)}) | {cells(s1, c, blind)} | {cells(s2, c, blind)} |"
          for name, c in (rows[0], rows[1])]
    L += ["", "ρ per label (the query is the label's word; the twelve highest, then the mean over all the set's labels):", ""]
    for i, ds in enumerate((s1, s2)):
        Z, P, mean = zscores(ds["P"])
        Wp = fit_projection(ds["A"], P, mean, E, 0.02)
        r = common_correlation(projection(tx.phrase(ds["labels"]), ds["A"], Wp), common_scores(ds["A"], Wp, E))
        L.append(f"- set {i + 1}: " + ", ".join(f"{l} {x:.2f}" for l, x in sorted(zip(ds["labels"], r), key=lambda t: -t[1])[:12])
                 + f"{' …' if len(r) > 12 else ''}; mean {r.mean():.2f}")
    parts = (("CsoundGM renders", lambda e: e["soundfont"] == "CsoundGM"), ("Freepats renders", lambda e: e["soundfont"] == "Freepats"),
             ("both renders", lambda e: e["soundfont"] != "recording"), ("recordings", lambda e: e["soundfont"] == "recording"))
    L += ["", "Set 2's parts, each attached as a catalog of its own (the sources do not mix):", "",
          "| part | clips | before: mean | before: lowest | × (1 − ρ⁺²): mean | × (1 − ρ⁺²): lowest |", "|---|---|---|---|---|---|"]
    for name, keep in parts:
        ds = subset(s2, keep)
        L.append(f"| {name} | {len(ds['clips'])} | {cells(ds, rows[0][1])} | {cells(ds, rows[1][1])} |")
    L += ["", organ_within_renders(subset(s2, parts[2][1]), tx, E, words)]
    L += ["", "Resampling the pieces (500 draws), mean ensemble ROC-AUC:", "",
          "| set | pieces | before, 95 % interval | × (1 − ρ⁺²), 95 % interval | P(after > before) |", "|---|---|---|---|---|"]
    for i, ds in enumerate((s1, s2)):
        Q = tx.phrase(ds["labels"])
        ci, p_up, n = piece_bootstrap(ds, [variant_scores(ds, E, Q, rows[0][1]), variant_scores(ds, E, Q, rows[1][1])])
        L.append(f"| set {i + 1} | {n} | {ci[0][0]:.3f}–{ci[0][1]:.3f} | {ci[1][0]:.3f}–{ci[1][1]:.3f} | {p_up:.3f} |")
    return "\n".join(L)


def with_glosses(tx, glosses, words_list, base, lam):
    """Each text mixed (1 − lam : lam) with the embedding of its WordNet music gloss, where it has one."""
    out = base.copy()
    for i, w in enumerate(words_list):
        g = glosses.gloss(w)
        if g:
            v = tx.embed([g])[0]
            out[i] = (1 - lam) * base[i] + lam * v / np.linalg.norm(v)
    return out / np.linalg.norm(out, axis=1, keepdims=True)


def arg(name, default):
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else default


def emit(md, mode="a"):
    """Prints a section and adds it to --out (mode "w": starts the file, as `cv` does)."""
    out = arg("--out", None)
    if out:
        open(out, mode).write(md + "\n")
    print(md)


def main():
    global SPACE, EVIDENCE
    SPACE = arg("--space", "plain")
    EVIDENCE = arg("--evidence", "rank")
    global TEMPLATES
    TEMPLATES = TEMPLATES_BEFORE if arg("--templates", "now") == "before" else TEMPLATES_NOW
    global WORD_VARIANT
    WORD_VARIANT = arg("--words", "plain")
    tx = Text()
    keys, words = concepts()
    global GROUPS
    distinct = list(dict.fromkeys(words))
    GROUPS = [distinct.index(w) for w in words]
    E = tx.phrase(words)
    cmd = sys.argv[1]
    if cmd == "neighbours":
        hub = hubness(E, E)
        for w in [a for a in sys.argv[2:] if not a.startswith("--")]:
            q = tx.phrase([w])[0]
            s = E @ q
            top = np.argsort(-s)[:10]
            print(w, " ".join(f"{keys[i][0]}:{keys[i][1]} {s[i]:.3f} (hub {hub[i]:.3f})" for i in top))
        return
    s1 = load(arg("--set1", os.path.join(CACHE, "zeroshot")), keys)
    s2 = load(arg("--set2", os.path.join(CACHE, "zeroshot2")), keys)
    if cmd == "why":
        # For a label: its bridge weights raw and centred, and how well each concept alone (its z)
        # separates the label's clips on each set (per-concept ROC-AUC).
        lab = arg("--label", "organ")
        q = tx.phrase([lab])
        for ds in (s1, s2):
            if lab not in ds["labels"]:
                continue
            Z, _, _ = zscores(ds["P"])
            keep = np.array([lab not in e.get("exclude", []) for e in ds["clips"]])
            y = np.array([lab in e["labels"] for e in ds["clips"]])[keep]
            ca = np.array([auc(y, Z[keep, j]) for j in range(len(keys))])
            print(f"== {ds['dir']}: {lab}: {y.sum()} positives, {(~y).sum()} negatives")
            order = np.argsort(-ca)
            print("  concepts that separate it best alone:", ", ".join(f"{keys[j][0]}:{keys[j][1]} {ca[j]:.2f}" for j in order[:8]))
            print("  worst:", ", ".join(f"{keys[j][0]}:{keys[j][1]} {ca[j]:.2f}" for j in order[-5:]))
            for cen, k, t in ((0, 10, 0.05), (1, 10, 0.05), (1, 10, 0.1), (1, 20, 0.2)):
                Ec, Qc = center(E, q, cen)
                b, W = bridge(Qc, Ec, Z, k, t)
                top = np.argsort(-W[0])[:5]
                print(f"  center={cen} K={k} T={t}: AUC {auc(y, b[0][keep]):.3f}  weights",
                      ", ".join(f"{keys[j][1]} {W[0, j]:.2f} (alone {ca[j]:.2f})" for j in top))
        return
    if cmd == "variants":
        # Text-side variants with the new ensemble share (and the old defaults for reference).
        chosen = DEFAULTS
        rows = []
        for name, c, wv in (("old defaults", BASE, "plain"), ("new defaults", chosen, "plain"),
                            ("new + text centred", {**chosen, "center": 1}, "plain"),
                            ("new + duplicated tag words counted once", {**chosen, "dedup": 1}, "plain"),
                            ("new + each instrument tag names its family", chosen, "families"),
                            ("new + the tag \"synth\" written \"synthesizer\" (found on set 2)", chosen, "synthesizer")):
            WORD_VARIANT = wv
            _, w2 = concepts()
            E2 = tx.phrase(w2)
            r = [evaluate(ds, tx, E2, w2, c) for ds in (s1, s2)]
            cells = []
            for x in r:
                lo = min(x["ensemble"], key=x["ensemble"].get)
                cells.append(f"{np.mean(list(x['ensemble'].values())):.3f} | {lo} {x['ensemble'][lo]:.3f}")
            rows.append(f"| {name} | " + " | ".join(cells) + " |")
        md = "\n".join(["Text-side variants (`crossset.py variants`, ensemble, numpy copy of the core):", "",
                        "| variant | set 1 mean | set 1 lowest | set 2 mean | set 2 lowest |", "|---|---|---|---|---|"] + rows + [""])
        emit(md)
        return
    if cmd == "spaces":
        # The old and the new defaults with the audio embeddings as they are and through a whitening
        # fitted on the set (what a catalog with a learned space feeds the projection).
        chosen = DEFAULTS
        rows = []
        for space in ("plain", "whiten", "wccn"):
            SPACE = space
            a, b = load(s1["dir"], keys), load(s2["dir"], keys)
            for name, c in (("old defaults", BASE), ("new defaults", chosen)):
                r = [evaluate(ds, tx, E, words, c) for ds in (a, b)]
                rows.append(f"| {space} | {name} | " + " | ".join(f"{np.mean(list(x['ensemble'].values())):.3f}" for x in r) + " |")
        md = "\n".join(["Audio space (`crossset.py spaces`): the ensemble's mean ROC-AUC with the clips' embeddings as analysed (plain) and",
                        "through a PCA-whitening fitted on the set (shrinkage 0.1, as core/index/space.h fits for a catalog's learned space):", "",
                        "| audio space | defaults | set 1 mean | set 2 mean |", "|---|---|---|---|"] + rows + [""])
        emit(md)
        return
    if cmd == "prompts":
        md = prompts_table(s1, s2, tx)
        emit(md)
        return
    if cmd == "common":
        emit(common_table(s1, s2, tx))
        return
    if cmd == "evidence":
        md = evidence_table(s1, s2, tx)
        emit(md)
        return
    if cmd == "fixes":
        md, _, _ = fixes(s1, s2, tx)
        emit(md)
        return
    if cmd == "cv":
        md, r1, r2 = cv(s1, s2, tx, E)
        md = why_markdown(s1, s2, tx, E, keys) + "\n" + md
        emit(md, "w")
        return
    if cmd == "eval":
        cfg = {"k": int(arg("--k", 10)), "t": float(arg("--t", 0.05)), "hub": float(arg("--hub", 0)), "w": float(arg("--w", 0.5)),
               "center": int(arg("--center", 0)), "alpha": float(arg("--alpha", 0.02)), "lo": float(arg("--lo", 1.0)),
               "dedup": int(arg("--dedup", 0))}
        cfg["Hub"] = hubness(E, E)
        for ds in (s1, s2):
            r = evaluate(ds, tx, E, words, cfg)
            print(f"== {ds['dir']}  ({len(ds['clips'])} clips)")
            for l in ds["labels"]:
                if l in r["ensemble"]:
                    top = np.argsort(-r["W"][ds["labels"].index(l)])[:3]
                    tops = ", ".join(f"{keys[i][0]}:{keys[i][1]} {r['W'][ds['labels'].index(l), i]:.2f}" for i in top)
                    print(f"  {l:16s} b {r['bridge'][l]:.3f}  p {r['projection'][l]:.3f}  e {r['ensemble'][l]:.3f}   {tops}")
            for m in ("bridge", "projection", "ensemble"):
                v = list(r[m].values())
                print(f"  mean {m:10s} {np.mean(v):.3f}  min {min(v):.3f}")


if __name__ == "__main__":
    main()
