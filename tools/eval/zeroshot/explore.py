#!/usr/bin/python3
"""Prototype and tune the two text -> music zero-shot approaches of issue 6 on the labelled set
(README.md here), so the chosen settings can be ported to C++.

  explore.py [SET_DIR] [--grid | --cv]

SET_DIR defaults to ~/.cache/cuefinder/eval/zeroshot (CF_EVAL_CACHE moves it). Without --grid:
the per-label table of the chosen settings for (a), (b) and (c) with the uncertainty of the means.
With --grid: the coarse grids (sensitivity). With --cv: how much tuning on these labels flatters
the result (tune on half of the labels, measure on the other half). Output is Markdown. Text
embeddings of every sentence (tag/mood texts and labels through the prompt templates) are cached in SET_DIR/text/cache.{f32,json}; missing ones are embedded with
`node tools/eval/zeroshot/embed_texts.mjs` (USE lite, ONNX).

(a) Semantic bridge: concepts c = 50 MSD tags, 50 MTT tags, 5 moods. e_c = normalize(mean_t
    USE(t(text_c))). z[n,c] = (p[n,c] - mean_c) / max(std_c, floor) over the catalog (the clips).
    q = normalize(mean_t USE(t(label))). s_c = q.e_c; w = softmax(s/T) over the top-K concepts;
    score[n] = sum_c w_c z[n,c].
(b) Learned projection (Choi et al. 2019 style): target t[n] = normalize(sum_c f(p[n,c]) e_c); ridge
    W from [embedding; 1] to t on the clips (predicted tags only, never the labels);
    score[n] = cos(W a[n], q).
(c) mean of (a) and (b) per-label percentile ranks.
"""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
from scipy.stats import rankdata
from sklearn.metrics import roc_auc_score

from sanity import load_set  # the set's files, read as the sanity check reads them

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
DIM = 512

# ---- tag / mood texts ------------------------------------------------------------------------
# Every tag is lower-cased ('Mellow' -> 'mellow', 'Progressive rock', 'House'); these tables list the
# tags whose text is changed beyond that. Negations are replaced by 'instrumental' (a sentence
# embedding puts "no vocals" next to "vocals"); MTT's one-word voice tags get a noun.
MSD_TEXT = {
    '00s': '2000s',
    'Hip-Hop': 'hip-hop',
    'rnb': 'r&b',
}
MTT_TEXT = {
    'no vocals': 'instrumental',
    'no vocal': 'instrumental',
    'no voice': 'instrumental',
    'classic': 'classical',
    'man': 'male voice',
    'woman': 'female voice',
    'male': 'male vocals',
    'female': 'female vocals',
    'vocal': 'vocals',
    'indian': 'indian music',
}
MOOD_TEXT = {
    'happy': 'happy',
    'sad': 'sad',
    'relaxed': 'relaxed, calm',
    'aggressive': 'aggressive',
    'danceable': 'danceable',
}
MOODS = ['happy', 'sad', 'relaxed', 'aggressive', 'danceable']

TEMPLATES = {
    'bare': ['{}'],
    'music': ['{} music'],
    'bare+music': ['{}', '{} music'],
    'four': ['{}', '{} music', 'a song with {}', 'this is {} music'],
    'six': ['{}', '{} music', 'a song with {}', 'this is {} music', 'a {} track', 'the sound of {}'],
}


def tag_text(source, tag, clean=True):
    if not clean:
        return tag.lower()
    table = {'msd': MSD_TEXT, 'mtt': MTT_TEXT, 'mood': MOOD_TEXT}[source]
    return table.get(tag, tag.lower())


# ---- data ------------------------------------------------------------------------------------
class Data:
    def __init__(self, set_dir):
        self.set_dir = set_dir
        entries, vocab, rows = load_set(set_dir)
        self.entries = [e for e in entries if e['file'] in rows]
        r0 = rows[self.entries[0]['file']]
        self.msd_tags = list(r0['tags']['msd'].keys())
        self.mtt_tags = list(r0['tags']['mtt'].keys())
        R = [rows[e['file']] for e in self.entries]
        self.P = {
            'msd': np.array([[r['tags']['msd'][t] for t in self.msd_tags] for r in R]),
            'mtt': np.array([[r['tags']['mtt'][t] for t in self.mtt_tags] for r in R]),
            'mood': np.array([[r['moods'][m] for m in MOODS] for r in R]),
        }
        self.A = np.array([r['embedding']['values'] for r in R])
        self.labels = sorted(vocab)
        self.in_vocab = {l: vocab[l]['in_vocabulary'] for l in self.labels}
        self.kind = {l: vocab[l]['kind'] for l in self.labels}
        self.N = len(self.entries)
        # y[l]: 1 positive, 0 negative, -1 excluded
        self.y = {}
        for l in self.labels:
            self.y[l] = np.array([1 if l in e['labels'] else (-1 if l in e['exclude'] else 0)
                                  for e in self.entries])

    def concepts(self, sources=('msd', 'mtt', 'mood')):
        out = []
        for s in sources:
            names = {'msd': self.msd_tags, 'mtt': self.mtt_tags, 'mood': MOODS}[s]
            out += [(s, t) for t in names]
        return out

    def probs(self, sources=('msd', 'mtt', 'mood')):
        return np.concatenate([self.P[s] for s in sources], axis=1)


# ---- text embeddings (cached) ----------------------------------------------------------------
class TextCache:
    def __init__(self, set_dir):
        self.dir = os.path.join(set_dir, 'text')
        os.makedirs(self.dir, exist_ok=True)
        self.prefix = os.path.join(self.dir, 'cache')
        self.index, self.E = {}, np.zeros((0, DIM), np.float32)
        if os.path.exists(self.prefix + '.json'):
            names = json.load(open(self.prefix + '.json'))
            self.E = np.fromfile(self.prefix + '.f32', dtype=np.float32).reshape(-1, DIM)
            self.index = {s: i for i, s in enumerate(names)}

    def get(self, sentences):
        missing = sorted({s for s in sentences if s not in self.index})
        if missing:
            with tempfile.TemporaryDirectory() as tmp:
                inp, out = os.path.join(tmp, 'in.json'), os.path.join(tmp, 'out')
                json.dump(missing, open(inp, 'w'))
                subprocess.run(['node', os.path.join(ROOT, 'tools', 'eval', 'zeroshot', 'embed_texts.mjs'),
                                inp, out], check=True, cwd=ROOT)
                new = np.fromfile(out + '.f32', dtype=np.float32).reshape(-1, DIM)
            names = [None] * len(self.index)
            for s, i in self.index.items():
                names[i] = s
            for s in missing:
                self.index[s] = len(names)
                names.append(s)
            self.E = np.concatenate([self.E, new])
            self.E.tofile(self.prefix + '.f32')
            json.dump(names, open(self.prefix + '.json', 'w'))
        return self.E[[self.index[s] for s in sentences]].astype(np.float64)

    def embed(self, texts, templates):
        """normalize(mean over templates of USE(template(text))) per text -> [len(texts), 512]."""
        sents = [t.format(x) for x in texts for t in templates]
        E = self.get(sents).reshape(len(texts), len(templates), DIM).mean(axis=1)
        return E / np.maximum(np.linalg.norm(E, axis=1, keepdims=True), 1e-12)


# ---- methods ---------------------------------------------------------------------------------
def standardize(P, floor, zscore=True, ref=None):
    """z over the catalog; ref (default P) is the catalog the mean and std come from."""
    if not zscore:
        return P
    ref = P if ref is None else ref
    return (P - ref.mean(axis=0)) / np.maximum(ref.std(axis=0), floor)


def bridge_scores(Q, Ec, Z, K, T):
    """(a): Q [L,512] queries, Ec [C,512] concepts, Z [N,C] track values -> scores [N,L] and weights [L,C]."""
    S = Q @ Ec.T
    W = np.zeros_like(S)
    for i in range(S.shape[0]):
        top = np.argsort(-S[i])[:K]
        x = S[i, top] / T
        x = np.exp(x - x.max())
        W[i, top] = x / x.sum()
    return Z @ W.T, W


def target_weights(P, f, floor=0.05):
    """f(p) of (b), per track and concept; the z of 'z+' and 'topK' use their own std floor of 0.05."""
    if f == 'p':
        return P
    if f == 'z+':
        return np.maximum(standardize(P, floor), 0)
    if f == 'p-mean+':
        return np.maximum(P - P.mean(axis=0), 0)
    if f.startswith('top'):  # top-k tags of the track by z, weights z (clipped at 0)
        k = int(f[3:])
        Z = standardize(P, floor)
        out = np.zeros_like(Z)
        idx = np.argsort(-Z, axis=1)[:, :k]
        np.put_along_axis(out, idx, np.maximum(np.take_along_axis(Z, idx, axis=1), 0), axis=1)
        return out
    raise ValueError(f)


def projection_fit(A, P, Ec, f, lam, prep):
    """(b): ridge from [prep(A); 1] to normalize(f(P) @ Ec), ridge alpha = lam * N (N tracks; with
    standardized features every diagonal entry of X'X is N, so lam is independent of the catalog
    size; the bias is not penalised). Returns a function A -> [N,512]."""
    alpha = lam * A.shape[0]
    mu, sd = A.mean(axis=0), A.std(axis=0)
    def feat(X):
        if prep == 'none':
            return X
        if prep == 'center':
            return X - mu
        return (X - mu) / np.maximum(sd, 1e-6)
    Tg = target_weights(P, f) @ Ec
    Tg /= np.maximum(np.linalg.norm(Tg, axis=1, keepdims=True), 1e-12)
    X = np.hstack([feat(A), np.ones((A.shape[0], 1))])
    R = alpha * np.eye(X.shape[1])
    R[-1, -1] = 0  # the bias is not penalised
    W = np.linalg.solve(X.T @ X + R, X.T @ Tg)  # [201, 512]
    return lambda Anew: np.hstack([feat(Anew), np.ones((Anew.shape[0], 1))]) @ W


def projection_scores(proj, Q):
    Y = proj / np.maximum(np.linalg.norm(proj, axis=1, keepdims=True), 1e-12)
    return Y @ Q.T


def pct_rank(S):
    """Per column: percentile of each score among the tracks (average ranks for ties), in (0, 1]."""
    return np.column_stack([rankdata(S[:, j]) / S.shape[0] for j in range(S.shape[1])])


# ---- metric ----------------------------------------------------------------------------------
def aucs(data, S):
    out = {}
    for j, l in enumerate(data.labels):
        y = data.y[l]
        m = y >= 0
        out[l] = roc_auc_score(y[m], S[m, j])
    return out


def fast_auc(y, s):
    """Mann-Whitney AUC (ties one half) for y in {0,1}; nan without both classes."""
    n_p = int(y.sum())
    n_n = len(y) - n_p
    if n_p == 0 or n_n == 0:
        return float('nan')
    r = rankdata(s)
    return (r[y == 1].sum() - n_p * (n_p + 1) / 2.0) / (n_p * n_n)


def bootstrap(data, methods, B=300, seed=1):
    """Resample the 93 pieces (each with its 3 renders) with replacement, B times: mean AUC per method
    (in / out / all) per resample -> {name: [B, 3]}. Labels without a positive in a resample are skipped."""
    rng = np.random.default_rng(seed)
    pieces = sorted({e['piece'] for e in data.entries})
    by_piece = {p: [i for i, e in enumerate(data.entries) if e['piece'] == p] for p in pieces}
    inv = np.array([data.in_vocab[l] for l in data.labels])
    out = {k: np.zeros((B, 3)) for k in methods}
    for b in range(B):
        idx = np.concatenate([by_piece[pieces[k]] for k in rng.integers(0, len(pieces), len(pieces))])
        for name, S in methods.items():
            a = []
            for j, l in enumerate(data.labels):
                y = data.y[l][idx]
                m = y >= 0
                a.append(fast_auc(y[m], S[idx][m, j]))
            a = np.array(a)
            out[name][b] = [np.nanmean(a[inv]), np.nanmean(a[~inv]), np.nanmean(a)]
    return out


def means(data, a):
    inn = [a[l] for l in data.labels if data.in_vocab[l]]
    out = [a[l] for l in data.labels if not data.in_vocab[l]]
    return np.mean(inn), np.mean(out), np.mean(list(a.values()))


# ---- settings --------------------------------------------------------------------------------
DEFAULT_A = dict(tag_tpl='four', q_tpl='four', sources=('msd', 'mtt', 'mood'), zscore=True,
                 floor=0.01, K=10, T=0.05, clean=True)
DEFAULT_B = dict(tag_tpl='four', q_tpl='four', sources=('msd', 'mtt', 'mood'), f='p-mean+', lam=10.0,
                 prep='none', clean=True)


class Explorer:
    def __init__(self, data, cache):
        self.d, self.c = data, cache

    def Q(self, tpl):
        return self.c.embed(self.d.labels, TEMPLATES[tpl])

    def Ec(self, sources, tpl, clean=True):
        cs = self.d.concepts(sources)
        return self.c.embed([tag_text(s, t, clean) for s, t in cs], TEMPLATES[tpl])

    def run_a(self, tag_tpl, q_tpl, sources, zscore, floor, K, T, clean=True, with_weights=False, fit=None):
        P = self.d.probs(sources)
        Z = standardize(P, floor, zscore, ref=None if fit is None else P[fit])
        S, W = bridge_scores(self.Q(q_tpl), self.Ec(sources, tag_tpl, clean), Z, K, T)
        return (S, W) if with_weights else S

    def run_b(self, tag_tpl, q_tpl, sources, f, lam, prep, clean=True, fit=None):
        """fit: indices of the clips the projection is trained on (default all); all clips are scored."""
        Ec = self.Ec(sources, tag_tpl, clean)
        fit = np.arange(self.d.N) if fit is None else fit
        proj = projection_fit(self.d.A[fit], self.d.probs(sources)[fit], Ec, f, lam, prep)(self.d.A)
        return projection_scores(proj, self.Q(q_tpl))

    def m(self, S):
        return means(self.d, aucs(self.d, S))


def fmt(m):
    return f'{m[0]:.3f} / {m[1]:.3f} / {m[2]:.3f}'


def grid(ex):
    """Coarse grids: one or two knobs at a time around the defaults."""
    def table(title, rows):
        print(f'\n### {title}\n')
        print('| setting | in-vocab | out-of-vocab | all |\n|---|---|---|---|')
        vals = []
        for name, m in rows:
            vals.append(m[2])
            print(f'| {name} | {m[0]:.3f} | {m[1]:.3f} | {m[2]:.3f} |')
        print(f'\nspread of "all" over these rows: {min(vals):.3f} .. {max(vals):.3f}')

    A = dict(DEFAULT_A)
    B = dict(DEFAULT_B)
    # (a)
    rows = []
    for tt in TEMPLATES:
        for qt in TEMPLATES:
            rows.append((f'(a) tags {tt}, queries {qt}', ex.m(ex.run_a(**{**A, 'tag_tpl': tt, 'q_tpl': qt}))))
    table('(a) templates (tag templates x query templates)', rows)
    rows = []
    for K in [1, 3, 5, 10, 20, 105]:
        for T in [0.02, 0.05, 0.1, 1.0]:
            rows.append((f'(a) K={K}, T={T}', ex.m(ex.run_a(**{**A, 'K': K, 'T': T}))))
    table('(a) K x T', rows)
    rows = []
    for zs, fl in [(False, 0)] + [(True, x) for x in [0.0, 0.005, 0.01, 0.02, 0.05, 0.1]]:
        rows.append((f'(a) z-score={zs}, floor={fl}', ex.m(ex.run_a(**{**A, 'zscore': zs, 'floor': fl}))))
    table('(a) z-scoring and the std floor', rows)
    rows = []
    for srcs in [('msd',), ('mtt',), ('msd', 'mtt'), ('msd', 'mtt', 'mood'), ('mtt', 'mood')]:
        rows.append((f'(a) concepts {"+".join(srcs)}', ex.m(ex.run_a(**{**A, 'sources': srcs}))))
    rows.append(('(a) no tag-text clean-up (lower-case only)', ex.m(ex.run_a(**{**A, 'clean': False}))))
    table('(a) concept sets, clean-up', rows)
    # (b)
    rows = []
    for f in ['p', 'p-mean+', 'z+', 'top3', 'top5', 'top10']:
        for lam in [0.1, 1.0, 3.0, 10.0, 30.0, 100.0]:
            rows.append((f'(b) f={f}, alpha={lam:g}N', ex.m(ex.run_b(**{**B, 'f': f, 'lam': lam}))))
    table('(b) f x alpha', rows)
    rows = []
    for prep in ['none', 'center', 'standardize']:
        for lam in [0.1, 1.0, 10.0, 100.0]:
            rows.append((f'(b) prep={prep}, alpha={lam:g}N', ex.m(ex.run_b(**{**B, 'prep': prep, 'lam': lam}))))
    table('(b) embedding preparation x alpha', rows)
    rows = []
    for tt in TEMPLATES:
        for qt in ['bare', 'music', 'four', 'six']:
            rows.append((f'(b) tags {tt}, queries {qt}', ex.m(ex.run_b(**{**B, 'tag_tpl': tt, 'q_tpl': qt}))))
    table('(b) templates', rows)
    rows = []
    for srcs in [('msd',), ('mtt',), ('msd', 'mtt'), ('msd', 'mtt', 'mood')]:
        rows.append((f'(b) concepts {"+".join(srcs)}', ex.m(ex.run_b(**{**B, 'sources': srcs}))))
    rows.append(('(b) no tag-text clean-up', ex.m(ex.run_b(**{**B, 'clean': False}))))
    table('(b) concept sets, clean-up', rows)
    # (c) over many (a) x (b) pairs near the defaults: does averaging the ranks help regardless?
    rows, gains = [], []
    Sas = {(tt, K, T): ex.run_a(**{**A, 'tag_tpl': tt, 'q_tpl': tt, 'K': K, 'T': T})
           for tt in ['music', 'four', 'six'] for K in [5, 10, 20] for T in [0.02, 0.05]}
    Sbs = {(tt, f, lam): ex.run_b(**{**B, 'tag_tpl': tt, 'q_tpl': tt, 'f': f, 'lam': lam})
           for tt in ['music', 'four', 'six'] for f in ['p', 'p-mean+', 'z+'] for lam in [3.0, 10.0, 30.0]}
    ma = {k: ex.m(S) for k, S in Sas.items()}
    mb = {k: ex.m(S) for k, S in Sbs.items()}
    for ka, Sa in Sas.items():
        for kb, Sb in Sbs.items():
            mc = ex.m((pct_rank(Sa) + pct_rank(Sb)) / 2)
            gains.append([mc[2] - ma[ka][2], mc[2] - mb[kb][2], mc[2], mc[0], mc[1]])
    g = np.array(gains)
    print(f'\n### (c) over {len(Sas)} (a) settings x {len(Sbs)} (b) settings near the defaults\n')
    print('(a): templates music/four/six (same for tags and queries) x K 5/10/20 x T 0.02/0.05; '
          '(b): templates music/four/six x f p/p-mean+/z+ x alpha 3N/10N/30N.\n')
    print('| quantity | min | median | max |\n|---|---|---|---|')
    for i, name in enumerate(['(c) - (a), all', '(c) - (b), all', '(c) all', '(c) in-vocab', '(c) out-of-vocab']):
        sg = '+' if i < 2 else ''
        print(f'| {name} | {g[:, i].min():{sg}.3f} | {np.median(g[:, i]):{sg}.3f} | {g[:, i].max():{sg}.3f} |')
    print(f'| (a) all, alone | {min(m[2] for m in ma.values()):.3f} | {np.median([m[2] for m in ma.values()]):.3f} | '
          f'{max(m[2] for m in ma.values()):.3f} |')
    print(f'| (b) all, alone | {min(m[2] for m in mb.values()):.3f} | {np.median([m[2] for m in mb.values()]):.3f} | '
          f'{max(m[2] for m in mb.values()):.3f} |')
    # catalog size: the z statistics (a) and the projection (b) come from a random subset of the
    # clips (5 draws per size); every clip is scored.
    rows = []
    rng = np.random.default_rng(7)
    for size in [10, 20, 50, 100, ex.d.N]:
        ma, mb, mc = [], [], []
        for _ in range(5 if size < ex.d.N else 1):
            fit = np.sort(rng.choice(ex.d.N, size, replace=False))
            Sa, Sb = ex.run_a(**A, fit=fit), ex.run_b(**B, fit=fit)
            ma.append(ex.m(Sa)); mb.append(ex.m(Sb)); mc.append(ex.m((pct_rank(Sa) + pct_rank(Sb)) / 2))
        for name, m in [('(a)', ma), ('(b)', mb), ('(c)', mc)]:
            rows.append((f'{name} statistics/projection from {size} clips', np.mean(m, axis=0)))
    table('catalog size (mean over 5 random subsets; every clip scored)', rows)


def label_split_cv(ex, n_splits=500, seed=3):
    """How optimistic is tuning on 39 labels? Every configuration of a coarse grid is scored per
    label once; then, n_splits times, the labels are split in two random halves (in- and
    out-of-vocabulary labels halved separately), the best configuration on half A (mean AUC) is
    evaluated on half B. Compared on half B with the chosen default, the median configuration and
    the best one (oracle)."""
    d = ex.d
    grids = {
        '(a)': [dict(DEFAULT_A, tag_tpl=tt, q_tpl=qt, K=K, T=T) for tt in TEMPLATES for qt in TEMPLATES
                for K in [3, 5, 10, 20] for T in [0.02, 0.05, 0.1]],
        '(a) templates only (K=10, T=0.05)': [dict(DEFAULT_A, tag_tpl=tt, q_tpl=qt) for tt in TEMPLATES
                                              for qt in TEMPLATES],
        '(a) K, T only (templates four/four)': [dict(DEFAULT_A, K=K, T=T) for K in [1, 3, 5, 10, 20, 105]
                                                for T in [0.02, 0.05, 0.1, 1.0]],
        '(a) same templates for tags and queries, K, T': [dict(DEFAULT_A, tag_tpl=tt, q_tpl=tt, K=K, T=T)
                                                          for tt in TEMPLATES for K in [3, 5, 10, 20]
                                                          for T in [0.02, 0.05, 0.1]],
        '(b)': [dict(DEFAULT_B, tag_tpl=tt, q_tpl=qt, f=f, lam=lam) for tt in TEMPLATES for qt in TEMPLATES
                for f in ['p', 'p-mean+', 'z+', 'top5'] for lam in [1.0, 3.0, 10.0, 30.0]],
        '(b) f, alpha only (templates four/four)': [dict(DEFAULT_B, f=f, lam=lam)
                                                    for f in ['p', 'p-mean+', 'z+', 'top3', 'top5', 'top10']
                                                    for lam in [0.1, 1.0, 3.0, 10.0, 30.0, 100.0]],
        '(b) templates only (f=p-mean+, alpha=10N)': [dict(DEFAULT_B, tag_tpl=tt, q_tpl=qt) for tt in TEMPLATES
                                                      for qt in TEMPLATES],
    }
    inv = np.array([d.in_vocab[l] for l in d.labels])
    rng = np.random.default_rng(seed)
    print('\n### Label-split check of the tuning (mean AUC on held-out half of the labels)\n')
    print(f'{n_splits} random splits of the labels into halves (in- and out-of-vocabulary halved separately).\n')
    print('| method | configs | tuned on half A | chosen default | median config | oracle best on B |\n|---|---|---|---|---|---|')
    for name, cfgs in grids.items():
        run = ex.run_a if name.startswith('(a)') else ex.run_b
        default = DEFAULT_A if name.startswith('(a)') else DEFAULT_B
        M = np.array([[v for v in aucs(d, run(**c)).values()] for c in cfgs])  # [configs, labels]
        dv = np.array(list(aucs(d, run(**default)).values()))
        res = []
        for _ in range(n_splits):
            half = np.zeros(len(d.labels), bool)
            for grp in (inv, ~inv):
                idx = np.flatnonzero(grp)
                half[rng.choice(idx, len(idx) // 2, replace=False)] = True
            a, b = M[:, half].mean(axis=1), M[:, ~half].mean(axis=1)
            res.append([b[np.argmax(a)], dv[~half].mean(), np.median(b), b.max()])
        r = np.mean(res, axis=0)
        print(f'| {name} | {len(cfgs)} | {r[0]:.3f} | {r[1]:.3f} | {r[2]:.3f} | {r[3]:.3f} |')


def report(ex):
    d = ex.d
    Sa, Wa = ex.run_a(**DEFAULT_A, with_weights=True)
    Sb = ex.run_b(**DEFAULT_B)
    Sc = (pct_rank(Sa) + pct_rank(Sb)) / 2
    # direct tag baseline for in-vocabulary labels (max over matching model tags of z)
    vocab = json.load(open(os.path.join(d.set_dir, 'vocabulary.json')))['labels']
    ma, mb, mc = aucs(d, Sa), aucs(d, Sb), aucs(d, Sc)
    cs = d.concepts(DEFAULT_A['sources'])
    print(f'settings (a): {DEFAULT_A}')
    print(f'settings (b): {DEFAULT_B}\n')
    print('| label | vocab | kind | pos | neg | AUC (a) bridge | AUC (b) projection | AUC (c) mean rank | (a) top concepts (weight) |')
    print('|---|---|---|---|---|---|---|---|---|')
    for grp in (True, False):
        for j, l in enumerate(d.labels):
            if d.in_vocab[l] != grp:
                continue
            top = np.argsort(-Wa[j])[:3]
            def nm(c):
                src, tag = cs[c]
                txt = tag_text(src, tag)
                return f'{src}:{tag}' + (f' ("{txt}")' if txt != tag.lower() else '')
            expl = ', '.join(f'{nm(c)} {Wa[j, c]:.2f}' for c in top if Wa[j, c] > 0)
            y = d.y[l]
            print(f'| {l} | {"in" if grp else "out"} | {d.kind[l]} | {(y == 1).sum()} | {(y == 0).sum()} | '
                  f'{ma[l]:.3f} | {mb[l]:.3f} | {mc[l]:.3f} | {expl} |')
    ms = {k: means(d, a) for k, a in [('a', ma), ('b', mb), ('c', mc)]}
    print(f'| **mean, in-vocabulary (19)** | | | | | **{ms["a"][0]:.3f}** | **{ms["b"][0]:.3f}** | **{ms["c"][0]:.3f}** | |')
    print(f'| **mean, out-of-vocabulary (20)** | | | | | **{ms["a"][1]:.3f}** | **{ms["b"][1]:.3f}** | **{ms["c"][1]:.3f}** | |')
    print(f'| **mean, all (39)** | | | | | **{ms["a"][2]:.3f}** | **{ms["b"][2]:.3f}** | **{ms["c"][2]:.3f}** | |')
    # (d) exact-tag gate: when the query's text is (up to the templates) a concept's text (max s_c >= 0.99),
    # use (a) alone, else (c). Not tuned: an exact match gives s_c = 1 with shared templates.
    smax = (ex.Q(DEFAULT_A['q_tpl']) @ ex.Ec(DEFAULT_A['sources'], DEFAULT_A['tag_tpl']).T).max(axis=1)
    Sd = np.where(smax[None, :] >= 0.99, pct_rank(Sa), Sc)
    md_ = means(d, aucs(d, Sd))
    print(f'\n(d) = (a) when the query equals a tag/mood text (max s_c >= 0.99: '
          f'{", ".join(l for j, l in enumerate(d.labels) if smax[j] >= 0.99)}), else (c): '
          f'in {md_[0]:.3f} / out {md_[1]:.3f} / all {md_[2]:.3f}')
    # per kind of label
    print('\n| kind | labels | (a) | (b) | (c) |\n|---|---|---|---|---|')
    for kind in sorted(set(d.kind.values())):
        ls = [l for l in d.labels if d.kind[l] == kind]
        for grp in (True, False):
            g = [l for l in ls if d.in_vocab[l] == grp]
            if g:
                print(f'| {kind}, {"in" if grp else "out of"} vocabulary | {len(g)} | ' +
                      ' | '.join(f'{np.mean([a[l] for l in g]):.3f}' for a in (ma, mb, mc)) + ' |')
    # per soundfont
    print('\n| soundfont | clips | (a) in / out / all | (b) in / out / all | (c) in / out / all |\n|---|---|---|---|---|')
    for sf in sorted({e['soundfont'] for e in d.entries}):
        sel = np.array([e['soundfont'] == sf for e in d.entries])
        row = []
        for S in (Sa, Sb, Sc):
            a = {}
            for j, l in enumerate(d.labels):
                y = d.y[l][sel]
                m = y >= 0
                a[l] = fast_auc(y[m], S[sel][m, j])
            row.append(fmt(means(d, a)))
        print(f'| {sf} | {sel.sum()} | ' + ' | '.join(row) + ' |')
    # uncertainty
    bs = bootstrap(d, {'a': Sa, 'b': Sb, 'c': Sc})
    print('\nUncertainty of the means (in / out / all). Piece bootstrap (93 pieces with their 3 renders, '
          '300 resamples): standard error; label spread: std of the per-label AUCs / sqrt(#labels).\n')
    print('| method | mean | piece-bootstrap SE | label SE |\n|---|---|---|---|')
    inv = np.array([d.in_vocab[l] for l in d.labels])
    for k, a in [('a', ma), ('b', mb), ('c', mc)]:
        v = np.array([a[l] for l in d.labels])
        lse = [v[inv].std(ddof=1) / np.sqrt(inv.sum()), v[~inv].std(ddof=1) / np.sqrt((~inv).sum()),
               v.std(ddof=1) / np.sqrt(len(v))]
        print(f'| ({k}) | {fmt(ms[k])} | {fmt(bs[k].std(axis=0))} | {fmt(lse)} |')
    for x, y in [('a', 'b'), ('c', 'a'), ('c', 'b')]:
        dd = bs[x] - bs[y]
        lo, hi = np.percentile(dd, 5, axis=0), np.percentile(dd, 95, axis=0)
        per = {'a': ma, 'b': mb, 'c': mc}
        va = np.array([per[x][l] - per[y][l] for l in d.labels])
        print(f'| ({x}) - ({y}) | {fmt(np.array(ms[x]) - np.array(ms[y]))} | 90% interval all: '
              f'{lo[2]:+.3f} .. {hi[2]:+.3f} | paired label SE all: {va.std(ddof=1) / np.sqrt(len(va)):.3f} |')


def main():
    args = [a for a in sys.argv[1:] if not a.startswith('--')]
    set_dir = args[0] if args else os.path.join(
        os.environ.get('CF_EVAL_CACHE', os.path.expanduser('~/.cache/cuefinder/eval')), 'zeroshot')
    data = Data(set_dir)
    ex = Explorer(data, TextCache(set_dir))
    if '--grid' in sys.argv:
        grid(ex)
    elif '--cv' in sys.argv:
        label_split_cv(ex)
    else:
        report(ex)


if __name__ == '__main__':
    main()
