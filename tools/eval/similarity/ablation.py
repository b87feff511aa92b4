#!/usr/bin/python3
"""Similarity-space ablation with held-out evaluation by source package (issue 15).

    /usr/bin/python3 tools/eval/similarity/ablation.py [CATALOG_DIR] [--extra DUMP.jsonl] [--folds 5]
        [--rows baseline,whiten,...] [--markdown OUT.md] [--json OUT.json] [--frozen RECIPE.json]

CATALOG_DIR (default ~/.cache/cuefinder/demo/catalog) holds catalog.json and .work/analysis/*.json
(per track: embedding.values = mean of the per-window msd-musicnn-1 200-d post-ReLU embedding,
embedding.per_patch = the windows, tags.msd / tags.mtt, moods). --extra: the per-window extra
outputs dumped by tools/eval/similarity/dump.mjs (msd embedding_linear, mtt embedding and
embedding_linear) — the fusion and pre-ReLU rows need it.

Protocol. Every row is a similarity space: track vectors (L2-normalised, cosine) or a re-rank.
Label-free transforms (centring, whitening, the contrastive projection trained on window pairs of the
same track) are fitted on all tracks' audio, as `catalog build` would (transductive, no labels).
Hyperparameters (shrinkage, dims, weights, temperature, ...) are chosen per fold: packages are split
into K folds; for fold k the configuration with the best same-package precision@10 over the queries
of the OTHER folds' packages is chosen, and scored on the queries of fold k's packages. Every query
ranks the whole catalog (itself excluded), as the product searches. Each track is a held-out query
exactly once, so the numbers are pooled over all tracks. --frozen scores one fixed configuration per
row (read from a JSON written by --json) without any selection: for a second catalog.

Metrics (per query, then averaged): same-package precision@10; same-group (package + folder)
precision@10; version pairs: rank of the partner (1 = first) and share in the top 10; same composer
across packages: for queries whose composer (catalog composer, else artist, else the copyright holder
in `attribution`) has tracks in at least two packages, the share of the top 10 from OTHER packages
(own package excluded from the ranking) by that composer. Chance levels are printed with each.
"""
import argparse
import glob
import json
import os
import re
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import spaces as S  # noqa: E402

PAIRS = [
    ('warzone2100-music/albums/original_soundtrack/track3', 'warzone2100-music/albums/aftermath_soundtrack/track3_enhanced'),
    ('nexuiz-music/sixtyfour_', 'nexuiz-music/sixtyfour_revisited'),
    ('supertux-data/antarctic/airship_2', 'supertux-data/antarctic/airship_remix'),
] + [(f'fretsonfire-songs-muldjord/{s}/song', f'fretsonfire-songs-muldjord/{s}/guitar')
     for s in ('armygeddon', 'chaos_god', 'internal_degeneration', 'mutilated_mime')]


# ----------------------------------------------------------------------------------------- loading

def holder(t):
    """The composer key: composer, else artist, else the copyright holder in the attribution."""
    for k in ('composer', 'artist'):
        v = (t.get(k) or '').strip()
        if v and v != '<Unknown>':
            return norm_name(v)
    m = re.match(r'.* — (.*?), ' + re.escape(t.get('source', '')), t.get('attribution', ''))
    return norm_name(m.group(1)) if m else ''


def norm_name(s):
    s = re.sub(r'\s+et al\.?$', '', s.strip())
    return s.lower()


def load_catalog(cat_dir, extra_path=None):
    cat = json.load(open(os.path.join(cat_dir, 'catalog.json')))
    by_file = {}
    for p in glob.glob(os.path.join(cat_dir, '.work/analysis/*.json')):
        r = json.load(open(p))
        if not r.get('error'):
            by_file[r['file']] = r
    suffix = {}
    for f, r in by_file.items():
        suffix[f] = r
    tracks, rows = [], []
    files = list(by_file)
    for t in cat['tracks']:
        hit = [f for f in files if f.endswith('/' + t['path']) or f == t['path']]
        if not hit:
            continue
        r = by_file[hit[0]]
        emb = r.get('embedding') or {}
        if 'per_patch' not in emb:
            continue
        tracks.append(t)
        rows.append(r)
    n = len(tracks)
    # A second evaluation set may carry its own labels (H3's eval_labels.json next to the catalog dir):
    # version pairs, composers by id, and split groups (packages of one game counted as one package).
    labels_file = os.path.join(os.path.dirname(os.path.abspath(cat_dir)), 'eval_labels.json')
    labels = json.load(open(labels_file)) if os.path.exists(labels_file) else None
    pairs, comp_of, group_of = PAIRS, None, {}
    if labels:
        pairs = [(p['a'], p['b']) for p in labels.get('version_pairs', [])]
        comp_of = {i: k for k, c in labels.get('composers', {}).items() for i in c['ids']}
        group_of = labels.get('split_groups', {})
    d = {
        'pairs': pairs,
        'labels_file': labels_file if labels else None,
        'ids': [t['id'] for t in tracks],
        'files': [r['file'] for r in rows],
        'source': np.array([group_of.get(t['source'], t['source']) for t in tracks]),
        'group': np.array(['/'.join(t['id'].split('/')[:-1]) for t in tracks]),
        'composer': np.array([comp_of.get(t['id'], '') if comp_of is not None else holder(t) for t in tracks]),
        'artist': np.array([norm_name(t.get('artist') or '') if (t.get('artist') or '') != '<Unknown>' else '' for t in tracks]),
        'mean': np.array([r['embedding']['values'] for r in rows], dtype=np.float64),
        'windows': [np.array(r['embedding']['per_patch'], dtype=np.float64).reshape(-1, 200) for r in rows],
        'msd_tags': np.array([list(r['tags']['msd'].values()) for r in rows], dtype=np.float64),
        'mtt_tags': np.array([list(r['tags']['mtt'].values()) for r in rows], dtype=np.float64),
        'moods': np.array([list(r['moods'].values()) for r in rows], dtype=np.float64),
    }
    if extra_path and os.path.exists(extra_path):
        ex = {}
        for line in open(extra_path):
            if line.strip():
                o = json.loads(line)
                if 'extra_outputs' in o:
                    ex[o['file']] = o
        keep = [i for i, f in enumerate(d['files']) if f in ex]
        if len(keep) < n:
            # A dump stopped early (dump.mjs goes in a shuffled order: a random subset): every row is
            # then scored on that subset only, transforms fitted on it too.
            print(f'extra dump {extra_path}: {len(keep)}/{n} tracks: evaluating on that subset', file=sys.stderr)
            d = subset(d, keep)
        for key, out in (('msd', 'embedding_linear'), ('mtt', 'embedding'), ('mtt', 'embedding_linear')):
            wins = []
            for f in d['files']:
                x = ex[f]['extra_outputs'][key][out]
                wins.append(np.array(x['per_patch'], dtype=np.float64).reshape(-1, x['dim']))
            d[f'x_{key}_{out}'] = wins
        d['subset_of'] = n
    return d


def subset(d, keep):
    out = {}
    for k, v in d.items():
        if isinstance(v, np.ndarray):
            out[k] = v[keep]
        elif isinstance(v, list) and len(v) == len(d['ids']):
            out[k] = [v[i] for i in keep]
        else:
            out[k] = v
    return out


# ----------------------------------------------------------------------------------------- metrics

def rank_matrix(sim):
    """Per query, the other tracks best first (self excluded)."""
    s = sim.copy()
    np.fill_diagonal(s, -np.inf)
    return np.argsort(-s, axis=1, kind='stable')[:, :-1]


def per_query(sim, data, top=None):
    """Per-query metric arrays for one similarity matrix (N × N)."""
    n = len(data["ids"])
    order = rank_matrix(sim) if top is None else top
    src, grp, comp = data['source'], data['group'], data['composer']
    t10 = order[:, :10]
    p_pkg = (src[t10] == src[:, None]).mean(1)
    p_grp = (grp[t10] == grp[:, None]).mean(1)
    # version partners
    idx = {k: i for i, k in enumerate(data['ids'])}
    partner = np.full(n, -1)
    for a, b in data['pairs']:
        if a in idx and b in idx:
            partner[idx[a]], partner[idx[b]] = idx[b], idx[a]
    prank = np.full(n, np.nan)
    for q in np.where(partner >= 0)[0]:
        prank[q] = int(np.where(order[q] == partner[q])[0][0]) + 1
    # same composer across packages
    cross = cross_composer_mask(data)
    p_comp = np.full(n, np.nan)
    for q in np.where(cross)[0]:
        o = order[q][src[order[q]] != src[q]][:10]
        p_comp[q] = (comp[o] == comp[q]).mean()
    return {'p_pkg': p_pkg, 'p_grp': p_grp, 'prank': prank, 'p_comp': p_comp}


def cross_composer_mask(data):
    src, comp = data['source'], data['composer']
    pk = {}
    for s, c in zip(src, comp):
        if c:
            pk.setdefault(c, set()).add(s)
    return np.array([bool(c) and len(pk[c]) > 1 for c in comp])


def chance(data):
    src, grp, comp = data['source'], data['group'], data['composer']
    n = len(src)
    c_pkg = np.mean([(np.sum(src == s) - 1) / (n - 1) for s in src])
    c_grp = np.mean([(np.sum(grp == g) - 1) / (n - 1) for g in grp])
    cross = cross_composer_mask(data)
    cc = [np.sum((comp == comp[q]) & (src != src[q])) / np.sum(src != src[q]) for q in np.where(cross)[0]]
    return {'p_pkg': c_pkg, 'p_grp': c_grp, 'p_comp': float(np.mean(cc)) if cc else float('nan'),
            'n_comp_queries': int(cross.sum()), 'prank': (n) / 2, 'top10': 10 / (n - 1)}


def summarise(m, mask=None):
    if mask is None:
        mask = np.ones(len(m['p_pkg']), bool)
    pr = m['prank'][mask]
    pr = pr[~np.isnan(pr)]
    pc = m['p_comp'][mask]
    pc = pc[~np.isnan(pc)]
    return {'p_pkg': float(m['p_pkg'][mask].mean()), 'p_grp': float(m['p_grp'][mask].mean()),
            'prank_mean': float(pr.mean()) if len(pr) else float('nan'),
            'prank_median': float(np.median(pr)) if len(pr) else float('nan'),
            'top10': float((pr <= 10).mean()) if len(pr) else float('nan'), 'n_pairs': int(len(pr)),
            'p_comp': float(pc.mean()) if len(pc) else float('nan')}


# -------------------------------------------------------------------------------- cross-validation

def package_folds(data, k, seed=0):
    pk = sorted(set(data['source']))
    rng = np.random.RandomState(seed)
    rng.shuffle(pk)
    fold_of = {p: i % k for i, p in enumerate(pk)}
    return np.array([fold_of[s] for s in data['source']])


def held_out(configs, data, folds):
    """configs: {name: per-query metrics}. Per fold choose by train-query p_pkg; pool held-out."""
    k = folds.max() + 1
    names = list(configs)
    out = {key: np.full(len(folds), np.nan) for key in ('p_pkg', 'p_grp', 'prank', 'p_comp')}
    chosen = []
    at = lambda c, f: configs[c][f] if isinstance(configs[c], list) else configs[c]  # per-fold fits
    for f in range(k):
        train, test = folds != f, folds == f
        best = max(names, key=lambda c: at(c, f)['p_pkg'][train].mean())
        chosen.append(best)
        for key in out:
            out[key][test] = at(best, f)[key][test]
    return out, chosen


def evaluate_row(name, make_configs, data, folds, log):
    t0 = time.time()
    data['folds'] = folds
    configs = make_configs(data)
    one = lambda v: per_query(v, data) if isinstance(v, np.ndarray) else per_query(None, data, top=v['order'])
    per_cfg = {c: [one(x) for x in v] if isinstance(v, list) else one(v) for c, v in configs.items()}
    ho, chosen = held_out(per_cfg, data, folds)
    res = summarise(ho)
    res['chosen'] = chosen
    res['n_configs'] = len(configs)
    flat = {c: v for c, v in per_cfg.items() if not isinstance(v, list)}
    if flat:
        best_all = max(flat, key=lambda c: flat[c]['p_pkg'].mean())
        res['tuned_on_all'] = {'config': best_all, **summarise(flat[best_all])}
    else:
        best_all = '(per-fold fits)'
        res['tuned_on_all'] = {'config': best_all, 'p_pkg': float('nan')}
    res['seconds'] = time.time() - t0
    log(f"{name:40s} held-out p@10 pkg {res['p_pkg']:.3f} grp {res['p_grp']:.3f} pairs mean rank "
        f"{res['prank_mean']:.1f} top10 {res['top10'] * 100:.0f}% comp {res['p_comp']:.3f}  "
        f"(in-sample best {res['tuned_on_all']['p_pkg']:.3f} {best_all}; chosen {sorted(set(chosen))}) {res['seconds']:.1f}s")
    return res


def markdown(results):
    """The ablation table (docs/benchmarks/matching.md)."""
    ch = results['chance']
    frozen = any('config' in r for r in results['rows'].values())
    head = ('| row | P@10 same package | P@10 same group | version pairs: mean rank (median) | partner in top 10 | '
            'same composer across packages P@10 | ' + ('config (frozen)' if frozen else 'configs chosen per fold (of N)') + ' |')
    lines = [head, '|---|---|---|---|---|---|---|']
    for name, r in results['rows'].items():
        if frozen:
            cfg = r.get('config', '')
        else:
            cfg = '; '.join(f'{c} ×{r["chosen"].count(c)}' for c in sorted(set(r['chosen']), key=lambda c: -r['chosen'].count(c)))
            cfg += f' (of {r["n_configs"]})'
        label = S.LABELS.get(name, name)
        lines.append(f"| {label} | {r['p_pkg']:.3f} | {r['p_grp']:.3f} | {r['prank_mean']:.1f} ({r['prank_median']:.0f}) | "
                     f"{r['top10'] * 100:.0f} % | {r['p_comp']:.3f} | {cfg} |")
    lines.append(f"| chance | {ch['p_pkg']:.3f} | {ch['p_grp']:.3f} | ~{ch['prank']:.0f} | {ch['top10'] * 100:.1f} % | "
                 f"{ch['p_comp']:.3f} ({ch['n_comp_queries']} queries) | |")
    return '\n'.join(lines) + '\n'


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('catalog', nargs='?', default=os.path.expanduser('~/.cache/cuefinder/demo/catalog'))
    ap.add_argument('--extra', default=None)
    ap.add_argument('--folds', type=int, default=5)
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--rows', default=None, help='comma-separated row names (default: all available)')
    ap.add_argument('--json', default=None)
    ap.add_argument('--markdown', default=None)
    ap.add_argument('--frozen', default=None, help='JSON from --json: score each row at its frozen config')
    a = ap.parse_args()
    t0 = time.time()
    data = load_catalog(a.catalog, a.extra)
    n = len(data['ids'])
    ch = chance(data)
    print(f'{a.catalog}: {n} tracks, {len(set(data["source"]))} packages; load {time.time() - t0:.1f}s')
    print(f"chance: p@10 pkg {ch['p_pkg']:.3f} grp {ch['p_grp']:.3f} comp {ch['p_comp']:.3f} "
          f"({ch['n_comp_queries']} composer queries); pair rank ~{ch['prank']:.0f}, top10 {ch['top10'] * 100:.1f}%")
    rows = S.rows(data)
    if a.rows:
        want = a.rows.split(',')
        rows = [(k, f) for k, f in rows if k in want]
    results = {'catalog': a.catalog, 'n_tracks': n, 'n_packages': len(set(data['source'])), 'chance': ch,
               'folds': a.folds, 'seed': a.seed, 'rows': {}}
    if a.frozen:
        frozen = json.load(open(a.frozen))['rows']
        for name, make in rows:
            if name not in frozen or name in ('wccn_artist', 'wccn_trainpkg'):  # these fit on labels
                continue
            cfg = frozen[name]['frozen_config']
            configs = make(data, only=cfg)
            v = configs[cfg]
            m = per_query(v, data) if isinstance(v, np.ndarray) else per_query(None, data, top=v['order'])
            res = summarise(m)
            res['config'] = cfg
            results['rows'][name] = res
            print(f"{name:40s} frozen {cfg}: p@10 pkg {res['p_pkg']:.3f} grp {res['p_grp']:.3f} pairs "
                  f"{res['prank_mean']:.1f}/{res['top10'] * 100:.0f}% ({res['n_pairs']}) comp {res['p_comp']:.3f}")
    else:
        folds = package_folds(data, a.folds, a.seed)
        for name, make in rows:
            res = evaluate_row(name, make, data, folds, print)
            # The configuration a product would freeze: the most chosen over the folds.
            res['frozen_config'] = max(set(res['chosen']), key=res['chosen'].count)
            if make is S.contrastive:
                res['train_seconds'] = dict(S.contrastive.times)
            results['rows'][name] = res
    if a.json:
        json.dump(results, open(a.json, 'w'), indent=1, default=float)
    if a.markdown:
        open(a.markdown, 'w').write(markdown(results))
    print(f'total {time.time() - t0:.1f}s')


if __name__ == '__main__':
    main()
