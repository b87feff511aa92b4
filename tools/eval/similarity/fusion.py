#!/usr/bin/python3
"""Fusing the msd and mtt per-window embeddings into one similarity space (issue 15, step after
docs/benchmarks/matching.md's "Inputs" table). Same folds and protocol as ablation.py: per fold the
configuration with the best same-package P@10 on the OTHER folds' packages is scored on the fold's
packages; label-free fits on all tracks' audio; then the most chosen configuration of each row is
frozen and scored on the second catalog (its fits redone on its own audio, none of its labels used).

    /usr/bin/python3 tools/eval/similarity/fusion.py [--demo DIR --demo-extra DUMP.jsonl]
        [--second DIR --second-extra DUMP.jsonl] [--rows a,b] [--seed 0] [--json OUT] [--markdown OUT]

Inputs: the catalog's analysis (msd post-ReLU windows, tag/mood means) and the per-window dump of
tools/eval/similarity/dump.sh (mtt `embedding` on the same 8 windows).
"""
import argparse
import json
import os
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import ablation as A  # noqa: E402
import spaces as S  # noqa: E402

CACHE = os.path.expanduser('~/.cache/cuefinder')


# ------------------------------------------------------------------------------------- the fits

def unit(x):
    return x / np.maximum(np.linalg.norm(x, axis=-1, keepdims=True), 1e-12)


def wccn_core(wins, shrink, dims, weighted=True):
    """fit_wccn as src/core/index/space.cpp does it: every window at unit length; track vector =
    unit(mean of unit windows); mu = mean of those; within scatter of the unit windows around their
    track's (unnormalised) mean; then S.wccn's algebra. Returns (mu, W); apply = core_apply."""
    uw = [unit(w) for w in wins]
    m = [w.mean(0) for w in uw]
    x = unit(np.array(m))
    mu = x.mean(0)
    within = np.concatenate([w - mm for w, mm in zip(uw, m) if len(w) >= 2])
    return mu, S.wccn_from_scatter(x, mu, within, shrink, dims, weighted)


def core_apply(mu, w, x):
    """Space::apply: unit(input) − mean, projected, unit length."""
    return unit((unit(x) - mu) @ w)


def fused_windows(msd, mtt, beta):
    """Per window [unit(msd), beta·unit(mtt)] — the input a fused space takes (each block at unit
    length, so the two models weigh by beta only, not by their activations' scale)."""
    return [np.concatenate([unit(a), beta * unit(b)], 1) for a, b in zip(msd, mtt)]


def fused_track(msd_mean, mtt_mean, beta):
    return np.concatenate([unit(msd_mean), beta * unit(mtt_mean)], 1)


def sim_of(z):
    return z @ z.T


# ------------------------------------------------------------------------------------------ rows
# Each row: data -> {config name: N × N similarity (or {'order': ...})}; `only` = one frozen config.

def row_core(d, wins_key, mean_key, only=None):
    """WCCN on one model's windows, fitted as the core fits it (unit windows)."""
    out = {}
    for name, c in S._cfgs({'shrink': [0.01, 0.03, 0.1], 'dims': [50, 100]}, only):
        mu, w = wccn_core(d[wins_key], c['shrink'], c['dims'])
        out[name] = sim_of(core_apply(mu, w, d[mean_key]))
    return out


def row_msd_core(d, only=None):
    """Today's core recipe (msd windows only)."""
    return row_core(d, 'windows', 'mean', only)


def row_mtt_core(d, only=None):
    return row_core(d, 'x_mtt_embedding', 'mtt_mean', only)


def row_raw_concat(d, only=None):
    """The last session's 0.398 row: WCCN (no unit windows) on the raw 400-d concatenation."""
    wins = [np.concatenate(ws, 1) for ws in zip(d['windows'], d['x_mtt_embedding'])]
    x = np.array([w.mean(0) for w in wins])
    out = {}
    for name, c in S._cfgs({'shrink': [0.01, 0.03, 0.1, 0.3], 'dims': [50, 100]}, only):
        mu, w = S.wccn(wins, c['shrink'], c['dims'], True)
        out[name] = S.cos(S.apply(mu, w, x))
    return out


def row_early(d, only=None, betas=(0.5, 0.75, 1.0, 1.5), shrinks=(0.01, 0.03, 0.1), dims=(50, 100)):
    """Early fusion as the core can do it: WCCN on [unit(msd), beta·unit(mtt)] per window."""
    out = {}
    for name, c in S._cfgs({'beta': list(betas), 'shrink': list(shrinks), 'dims': list(dims)}, only):
        wins = fused_windows(d['windows'], d['x_mtt_embedding'], c['beta'])
        mu, w = wccn_core(wins, c['shrink'], c['dims'])
        out[name] = sim_of(core_apply(mu, w, fused_track(d['mean'], d['mtt_mean'], c['beta'])))
    return out


def row_early_dims(d, only=None):
    """Early fusion, beta 1, the LDA dims swept wider."""
    return row_early(d, only, betas=(1.0,), shrinks=(0.01, 0.03), dims=(25, 35, 50, 75, 100, 150, 200))


def row_late(d, only=None):
    """Late fusion: WCCN per model (each fitted alone), the two unit images concatenated with weight
    w_mtt on the mtt block: cosine = ((1 − w)·cos_msd + w·cos_mtt) up to the norm."""
    out, cache = {}, {}
    grid = {'shrink': [0.01, 0.03, 0.1], 'dims': [50, 100], 'w_mtt': [0.3, 0.4, 0.5, 0.6, 0.7]}
    for name, c in S._cfgs(grid, only):
        key = (c['shrink'], c['dims'])
        if key not in cache:
            mu1, w1 = wccn_core(d['windows'], *key)
            mu2, w2 = wccn_core(d['x_mtt_embedding'], *key)
            cache[key] = (sim_of(core_apply(mu1, w1, d['mean'])), sim_of(core_apply(mu2, w2, d['mtt_mean'])))
        a, b = cache[key]
        out[name] = (1 - c['w_mtt']) * a + c['w_mtt'] * b
    return out


def block_whitener(wins, shrink):
    """PCA-whitening of one model's unit windows (S.whitener, all dims)."""
    return S.whitener(np.concatenate([unit(w) for w in wins]), shrink, wins[0].shape[1])


def row_whiten_blocks(d, only=None):
    """Each model's block PCA-whitened (shrinkage) on its unit windows before the fused WCCN."""
    out, cache = {}, {}
    grid = {'bw_shrink': [0.1, 0.3, 1.0], 'shrink': [0.01, 0.03, 0.1], 'dims': [50, 100]}
    for name, c in S._cfgs(grid, only):
        s = c['bw_shrink']
        if s not in cache:
            (m1, w1), (m2, w2) = block_whitener(d['windows'], s), block_whitener(d['x_mtt_embedding'], s)
            f1 = lambda x: unit((unit(x) - m1) @ w1)
            f2 = lambda x: unit((unit(x) - m2) @ w2)
            wins = [np.concatenate([f1(a), f2(b)], 1) for a, b in zip(d['windows'], d['x_mtt_embedding'])]
            cache[s] = (wins, np.concatenate([f1(d['mean']), f2(d['mtt_mean'])], 1))
        wins, x = cache[s]
        mu, w = wccn_core(wins, c['shrink'], c['dims'])
        out[name] = sim_of(core_apply(mu, w, x))
    return out


def row_early_tags(d, only=None):
    """Early fusion (beta 1) + tag/mood logit blocks (catalog tag means, standardised)."""
    blocks = {'msd': S.block(S.logit(d['msd_tags'])), 'mtt': S.block(S.logit(d['mtt_tags'])),
              'moods': S.block(S.logit(d['moods']))}
    out, cache = {}, {}
    grid = {'shrink': [0.01, 0.03], 'dims': [50, 100], 'w_msd': [0, 0.25, 0.5], 'w_mtt': [0, 0.25, 0.5], 'w_moods': [0, 0.25]}
    for name, c in S._cfgs(grid, only):
        key = (c['shrink'], c['dims'])
        if key not in cache:
            mu, w = wccn_core(fused_windows(d['windows'], d['x_mtt_embedding'], 1.0), *key)
            cache[key] = core_apply(mu, w, fused_track(d['mean'], d['mtt_mean'], 1.0))
        parts = [cache[key]] + [c['w_' + k] * blocks[k] for k in ('msd', 'mtt', 'moods') if c['w_' + k] > 0]
        out[name] = S.cos(np.concatenate(parts, 1))
    return out


def dba(z, k, alpha):
    """Database-side augmentation / alpha-QE (Radenović et al., TPAMI 2019): each vector replaced by
    the unit sum of itself and its k nearest neighbours weighted by cos^alpha (cos clipped at 0)."""
    s = z @ z.T
    np.fill_diagonal(s, -np.inf)
    nn = np.argsort(-s, 1, kind='stable')[:, :k]
    wts = np.maximum(np.take_along_axis(s, nn, 1), 0) ** alpha
    return unit(z + (wts[:, :, None] * z[nn]).sum(1))


def row_early_qe(d, only=None):
    """Early fusion (beta 1) + average-of-neighbours: catalog vectors replaced by DBA (query time
    cost 0 for a catalog track; a file query would need a second search), cosine of the new vectors."""
    out, cache = {}, {}
    grid = {'shrink': [0.01, 0.03], 'dims': [50, 100], 'k': [1, 2, 3, 5], 'alpha': [1, 3]}
    for name, c in S._cfgs(grid, only):
        key = (c['shrink'], c['dims'])
        if key not in cache:
            mu, w = wccn_core(fused_windows(d['windows'], d['x_mtt_embedding'], 1.0), *key)
            cache[key] = core_apply(mu, w, fused_track(d['mean'], d['mtt_mean'], 1.0))
        z = dba(cache[key], c['k'], c['alpha'])
        out[name] = sim_of(z)
    return out


def row_early_qe_asym(d, only=None):
    """As row_early_qe, but only the catalog side is augmented and the query stays as analysed (what
    a file query meets without a second search): sim(q, j) = z_q · dba(z)_j."""
    out, cache = {}, {}
    grid = {'shrink': [0.01, 0.03], 'dims': [50, 100], 'k': [1, 2, 3, 5], 'alpha': [1, 3]}
    for name, c in S._cfgs(grid, only):
        key = (c['shrink'], c['dims'])
        if key not in cache:
            mu, w = wccn_core(fused_windows(d['windows'], d['x_mtt_embedding'], 1.0), *key)
            cache[key] = core_apply(mu, w, fused_track(d['mean'], d['mtt_mean'], 1.0))
        z = cache[key]
        out[name] = z @ dba(z, c['k'], c['alpha']).T
    return out


def fused_base(d, shrink, dims, beta=1.0, bw_shrink=None):
    """The unit track images of early fusion (bw_shrink: each block PCA-whitened first, affine only —
    no unit length between the whitening and the WCCN, so the whole map stays one affine map)."""
    wm, wt, xm, xt = d['windows'], d['x_mtt_embedding'], d['mean'], d['mtt_mean']
    if bw_shrink is None:
        wins = fused_windows(wm, wt, beta)
        x = fused_track(xm, xt, beta)
    else:
        (m1, w1), (m2, w2) = block_whitener(wm, bw_shrink), block_whitener(wt, bw_shrink)
        g = lambda a, b: np.concatenate([(unit(a) - m1) @ w1, beta * ((unit(b) - m2) @ w2)], 1)
        wins = [g(a, b) for a, b in zip(wm, wt)]
        x = g(xm, xt)
    mu, w = wccn_raw(wins, shrink, dims)
    return unit((x - mu) @ w), (mu, w)


def wccn_raw(wins, shrink, dims):
    """S.wccn (windows as given, no unit length), weighted."""
    return S.wccn(wins, shrink, dims, True)


def row_whiten_blocks_affine(d, only=None):
    """Each block PCA-whitened (affine, no unit length after it), then WCCN: one affine map in all."""
    out = {}
    grid = {'bw_shrink': [0.03, 0.1, 0.3], 'beta': [0.75, 1.0], 'shrink': [0.01, 0.03, 0.1], 'dims': [50]}
    for name, c in S._cfgs(grid, only):
        z, _ = fused_base(d, c['shrink'], c['dims'], c['beta'], c['bw_shrink'])
        out[name] = sim_of(z)
    return out


def hub_scores(sim, k):
    s = sim.copy()
    np.fill_diagonal(s, -np.inf)
    return np.sort(s, 1)[:, -k:].mean(1)


def row_csls(d, only=None):
    """Hubness reduction, query-independent: score(q, j) = cos(q, j) − g·r_j, r_j = track j's mean
    cosine to its k nearest catalog tracks (CSLS, Conneau et al. 2018; local scaling, Schnitzer et al.
    JMLR 2012). The query's own r_q does not change its ranking, so this is one stored offset per track."""
    out, cache = {}, {}
    grid = {'bw_shrink': [None, 0.1], 'k': [5, 10, 20], 'g': [0.25, 0.5, 1.0]}
    for name, c in S._cfgs(grid, only):
        if c['bw_shrink'] not in cache:
            z, _ = fused_base(d, 0.03 if c['bw_shrink'] else 0.1, 50, 1.0 if c['bw_shrink'] else 0.5, c['bw_shrink'])
            cache[c['bw_shrink']] = sim_of(z)
        sim = cache[c['bw_shrink']]
        r = hub_scores(sim, c['k'])
        out[name] = sim - c['g'] * r[None, :]
    return out


def row_mp(d, only=None):
    """Mutual proximity (Gaussian, Schnitzer et al. 2012): score = Φ((cos − m_q)/s_q) · Φ((cos − m_j)/s_j),
    m, s = each track's mean and spread of cosines to the catalog. A file query's m_q, s_q come from its
    own scores to the whole catalog (the scan computes them anyway)."""
    from math import erf, sqrt
    phi = np.vectorize(lambda v: 0.5 * (1 + erf(v / sqrt(2))))
    out = {}
    for name, c in S._cfgs({'bw_shrink': [None, 0.1]}, only):
        z, _ = fused_base(d, 0.03 if c['bw_shrink'] else 0.1, 50, 1.0 if c['bw_shrink'] else 0.5, c['bw_shrink'])
        sim = sim_of(z)
        s = sim.copy()
        np.fill_diagonal(s, np.nan)
        m, sd = np.nanmean(s, 1), np.nanstd(s, 1)
        a = phi((sim - m[:, None]) / sd[:, None])
        out[name] = a * a.T
    return out


def row_triple(d, only=None):
    """Early fusion of four blocks: msd post/pre-ReLU, mtt post/pre-ReLU (unit each)."""
    out = {}
    keys = ['windows', 'x_msd_embedding_linear', 'x_mtt_embedding', 'x_mtt_embedding_linear']
    for name, c in S._cfgs({'pre_w': [0.5, 1.0], 'shrink': [0.03, 0.1, 0.3], 'dims': [50, 100]}, only):
        wts = [1.0, c['pre_w'], 1.0, c['pre_w']]
        wins = [np.concatenate([w * unit(b) for w, b in zip(wts, bl)], 1) for bl in zip(*[d[k] for k in keys])]
        x = np.array([w.mean(0) for w in wins])
        mu, w = S.wccn(wins, c['shrink'], c['dims'], True)
        out[name] = sim_of(unit((x - mu) @ w))
    return out


def row_sqrt(d, only=None):
    """Early fusion on the square roots of the post-ReLU windows (Hellinger-like)."""
    out = {}
    for name, c in S._cfgs({'beta': [0.5, 1.0], 'shrink': [0.03, 0.1], 'dims': [50, 100]}, only):
        sq = lambda ws: [np.sqrt(np.maximum(w, 0)) for w in ws]
        wins = fused_windows(sq(d['windows']), sq(d['x_mtt_embedding']), c['beta'])
        x = np.array([w.mean(0) for w in wins])
        mu, w = S.wccn(wins, c['shrink'], c['dims'], True)
        out[name] = sim_of(unit((x - mu) @ w))
    return out


def row_asym(d, only=None):
    """File queries when only msd is analysed: the catalog stores the fused images F(msd, mtt); a query
    is mapped by G, the ridge regression of F's (pre-unit) output on the centred unit msd input over
    all windows (so G is an affine map of the msd embedding, like today's space). sim = G(q) · F(j).
    blocks: 'plain' = early fusion (β 0.5, shrink 0.1); 'affine' = blocks whitened without unit length
    after; 'unit' = whiten_blocks' recipe (blocks whitened then unit length, β 1, shrink 0.03 — the core's)."""
    out = {}
    grid = {'blocks': ['plain', 'affine', 'unit'], 'ridge': [1e-3, 1e-2, 1e-1]}
    for name, c in S._cfgs(grid, only):
        bw = None if c['blocks'] == 'plain' else 0.1
        beta = 0.5 if bw is None else 1.0
        f = fused_map(d, beta, bw, unit_blocks=c['blocks'] == 'unit')
        wins = [f(a, b) for a, b in zip(d['windows'], d['x_mtt_embedding'])]
        mu, w = wccn_core(wins, 0.1 if bw is None else 0.03, 50)
        z = core_apply(mu, w, f(d['mean'], d['mtt_mean']))
        g = fit_msd_to_fused(d, mu, w, f, c['ridge'])
        q = unit((unit(d['mean']) - g[0]) @ g[1])
        out[name] = q @ z.T
    return out


def fused_map(d, beta, bw_shrink, unit_blocks=False):
    """The fused input of (msd, mtt) rows: [unit(a), β·unit(b)], or with each block PCA-whitened first
    (unit_blocks: then unit length, as FusedSpaces::input in the core does)."""
    wm, wt = d['windows'], d['x_mtt_embedding']
    if bw_shrink is None:
        return lambda a, b: np.concatenate([unit(a), beta * unit(b)], 1)
    (m1, w1), (m2, w2) = block_whitener(wm, bw_shrink), block_whitener(wt, bw_shrink)
    u = unit if unit_blocks else (lambda v: v)
    return lambda a, b: np.concatenate([u((unit(a) - m1) @ w1), beta * u((unit(b) - m2) @ w2)], 1)


def fit_msd_to_fused(d, mu, w, f, ridge):
    """G: ridge regression of the fused space's affine output (as core_apply before unit length) on the
    unit msd window, all windows; returns (mean, matrix) with G(x) = (unit(x) − mean) @ matrix."""
    xs = np.concatenate([unit(a) for a in d['windows']])
    ys = np.concatenate([(unit(f(a, b)) - mu) @ w for a, b in zip(d['windows'], d['x_mtt_embedding'])])
    m = xs.mean(0)
    xc = xs - m
    lam = ridge * np.trace(xc.T @ xc) / xc.shape[1]
    beta_ = np.linalg.solve(xc.T @ xc + lam * np.eye(xc.shape[1]), xc.T @ (ys - ys.mean(0)))
    # affine: y ≈ (x − m) B + ymean  ⇒ y ≈ (x − m') B with m' = m − pinv-free shift: keep the offset
    # as a shift of the input mean along B (exact when ymean lies in B's row space; checked below).
    ymean = ys.mean(0)
    shift = np.linalg.lstsq(beta_.T, ymean, rcond=None)[0]
    return m - shift, beta_


def row_early_pool(d, only=None):
    """Early fusion; the track's vector pooled from its fused windows instead of the two models' mean
    embeddings: 'wmean' = the mean of the unit fused windows (what the fit sees), 'zmean' = the mean of
    the windows' unit images."""
    out = {}
    grid = {'pool': ['wmean', 'zmean'], 'beta': [0.5, 0.75, 1.0], 'shrink': [0.03, 0.1], 'dims': [50]}
    for name, c in S._cfgs(grid, only):
        wins = fused_windows(d['windows'], d['x_mtt_embedding'], c['beta'])
        mu, w = wccn_core(wins, c['shrink'], c['dims'])
        if c['pool'] == 'wmean':
            z = core_apply(mu, w, np.array([unit(x).mean(0) for x in wins]))
        else:
            z = unit(np.array([core_apply(mu, w, x).mean(0) for x in wins]))
        out[name] = sim_of(z)
    return out



ROWS = [
    ('msd_core', row_msd_core, 'WCCN on msd windows (the core today, unit windows as the core fits)'),
    ('mtt_core', row_mtt_core, 'WCCN on mtt embedding windows (unit windows)'),
    ('raw_concat', row_raw_concat, 'WCCN on raw [msd, mtt] windows (last session\'s 0.398 row)'),
    ('early', row_early, 'early fusion: WCCN on [unit(msd), β·unit(mtt)] windows, β in the folds'),
    ('early_dims', row_early_dims, 'early fusion β 1, LDA dims 25–200'),
    ('late', row_late, 'late fusion: WCCN per model, weighted sum of the two cosines'),
    ('whiten_blocks', row_whiten_blocks, 'each block PCA-whitened, then early fusion WCCN'),
    ('early_tags', row_early_tags, 'early fusion + tag/mood logit blocks'),
    ('early_qe', row_early_qe, 'early fusion + average-of-neighbours (DBA, both sides)'),
    ('early_qe_asym', row_early_qe_asym, 'early fusion + DBA on the catalog side only'),
    ('early_pool', row_early_pool, 'early fusion, track vector pooled from the fused windows'),
    ('wb_affine', row_whiten_blocks_affine, 'each block PCA-whitened (affine), then WCCN: one affine map'),
    ('csls', row_csls, 'fusion + hubness offset per track (CSLS / local scaling)'),
    ('mp', row_mp, 'fusion + mutual proximity (Gaussian)'),
    ('triple', row_triple, 'early fusion of msd and mtt post- and pre-ReLU'),
    ('sqrt', row_sqrt, 'early fusion of sqrt post-ReLU windows'),
    ('asym', row_asym, 'file query with msd only (G: ridge msd -> fused) against fused catalog'),
]


# ------------------------------------------------------------------------------------------ main

def load(cat, extra):
    d = A.load_catalog(cat, extra)
    d['mtt_mean'] = np.array([w.mean(0) for w in d['x_mtt_embedding']])
    return d


def line(name, r, cfg):
    return (f"{name:14s} p@10 {r['p_pkg']:.3f} grp {r['p_grp']:.3f} pairs {r['prank_mean']:.1f} "
            f"({r['prank_median']:.0f}) top10 {r['top10'] * 100:.0f}% comp {r['p_comp']:.3f}  {cfg}")


def score_rankings(a):
    """Scores built catalogs' rankings (catalog_rankings.mjs) on the demo labels, beside this file's
    fused recipe at its frozen configuration over all queries (the reference the core should match)."""
    demo = load(a.demo, a.demo_extra)
    ref = {'whiten_blocks (python, frozen, all queries)': (row_whiten_blocks, 'bw_shrink=0.1 shrink=0.03 dims=50'),
           'asym file query (python, frozen, all queries)': (row_asym, 'blocks=unit ridge=0.01'),
           'msd WCCN (python, core fit, frozen)': (row_msd_core, 'shrink=0.03 dims=50')}
    for name, (make, cfg) in ref.items():
        print(line(name[:40], A.summarise(A.per_query(make(demo, only=cfg)[cfg], demo)), cfg))
    idx = {k: i for i, k in enumerate(demo['ids'])}
    for f in a.rankings:
        r = json.load(open(f))
        for kind in ('track', 'file'):
            q = [i for i, k in enumerate(demo['ids']) if k in r[kind]]
            order = np.zeros((len(demo['ids']), len(demo['ids']) - 1), dtype=int)
            for i in q:
                order[i] = [idx[k] for k in r[kind][demo['ids'][i]]]
            m = A.per_query(None, demo, top=order)
            mask = np.zeros(len(demo['ids']), bool)
            mask[q] = True
            print(line(f'{os.path.basename(f)} {kind}', A.summarise(m, mask), f'{len(q)} queries; {r["space"]}'))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--demo', default=f'{CACHE}/demo/catalog')
    ap.add_argument('--demo-extra', default=f'{CACHE}/eval/similarity/demo.jsonl')
    ap.add_argument('--second', default=f'{CACHE}/eval/second/catalog')
    ap.add_argument('--second-extra', default=f'{CACHE}/eval/similarity/second.jsonl')
    ap.add_argument('--rows', default=None)
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--folds', type=int, default=5)
    ap.add_argument('--json', default=None)
    ap.add_argument('--markdown', default=None)
    ap.add_argument('--rankings', nargs='*', default=None,
                    help='catalog_rankings.mjs outputs to score (a built catalog: track and file queries), '
                         'beside the recipe frozen over all demo queries')
    a = ap.parse_args()
    if a.rankings is not None:
        return score_rankings(a)
    t0 = time.time()
    demo, second = load(a.demo, a.demo_extra), load(a.second, a.second_extra)
    print(f'loaded demo {len(demo["ids"])} tracks, second {len(second["ids"])} tracks in {time.time() - t0:.0f}s')
    folds = A.package_folds(demo, a.folds, a.seed)
    rows = [r for r in ROWS if not a.rows or r[0] in a.rows.split(',')]
    out = {'seed': a.seed, 'folds': a.folds, 'rows': {}}
    for key, make, label in rows:
        res = A.evaluate_row(key, make, demo, folds, lambda s: None)
        frozen = max(set(res['chosen']), key=res['chosen'].count)
        v = make(second, only=frozen)[frozen]
        m = A.per_query(v, second) if isinstance(v, np.ndarray) else A.per_query(None, second, top=v['order'])
        res2 = A.summarise(m)
        chosen = '; '.join(f'{c} ×{res["chosen"].count(c)}' for c in sorted(set(res['chosen']), key=lambda c: -res['chosen'].count(c)))
        print(line(key, res, f'[{chosen}] (of {res["n_configs"]}) {res["seconds"]:.0f}s'))
        print(line('  second', res2, f'frozen {frozen}'))
        out['rows'][key] = {'label': label, 'demo': res, 'second': {**res2, 'config': frozen}}
        sys.stdout.flush()
    if a.json:
        json.dump(out, open(a.json, 'w'), indent=1, default=float)
    if a.markdown:
        md = ['| row | demo held out: P@10 pkg | group | pairs mean (median) | partner top 10 | composer | '
              'chosen per fold (of N) | second, frozen: P@10 pkg | pairs top 10 | composer |', '|---|---|---|---|---|---|---|---|---|---|']
        for key, r in out['rows'].items():
            dm, sc = r['demo'], r['second']
            ch = '; '.join(f'{c} ×{dm["chosen"].count(c)}' for c in sorted(set(dm['chosen']), key=lambda c: -dm['chosen'].count(c)))
            md.append(f"| {r['label']} | {dm['p_pkg']:.3f} | {dm['p_grp']:.3f} | {dm['prank_mean']:.1f} ({dm['prank_median']:.0f}) | "
                      f"{dm['top10'] * 100:.0f} % | {dm['p_comp']:.3f} | {ch} (of {dm['n_configs']}) | {sc['p_pkg']:.3f} | "
                      f"{sc['top10'] * 100:.0f} % | {sc['p_comp']:.3f} |")
        open(a.markdown, 'w').write('\n'.join(md) + '\n')
    print(f'total {time.time() - t0:.0f}s')


if __name__ == '__main__':
    main()
