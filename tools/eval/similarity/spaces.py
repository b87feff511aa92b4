"""The similarity spaces of the ablation (tools/eval/similarity/ablation.py): each row is a function
data -> {config name: N × N similarity matrix, or {'order': N × (N-1) ranking}}; `only` restricts it
to one config (a frozen recipe). Label-free fits only: nothing here reads sources or composers."""
import itertools
import time

import numpy as np

SHRINKS = [0.0, 0.01, 0.03, 0.1, 0.3, 1.0]
DIMS = [200, 128, 64, 32]


def l2n(x):
    return x / np.maximum(np.linalg.norm(x, axis=-1, keepdims=True), 1e-12)


def cos(x):
    z = l2n(x)
    return z @ z.T


def window_stack(wins):
    return np.concatenate(wins, 0)


def whitener(fit, shrink, dims):
    """PCA-whitening fitted on rows of `fit`: (x - mu) U_k diag((1-s) l + s mean(l))^-1/2.
    shrink s = 1 is a rotation (centring only, up to the common scale); s = 0 full whitening."""
    mu = fit.mean(0)
    c = np.cov(fit - mu, rowvar=False)
    lam, u = np.linalg.eigh(c)
    lam, u = lam[::-1], u[:, ::-1]
    lam = np.maximum(lam, 0)
    ls = (1 - shrink) * lam + shrink * lam.mean()
    w = u[:, :dims] / np.sqrt(ls[:dims] + 1e-12)
    return mu, w


def wccn_from_scatter(x, mu, within, shrink, dims, weighted=True):
    """The algebra every WCCN fit here shares: x the track (or class) vectors, mu their mean, within the
    rows whose scatter is the within-track covariance. A = U diag((1-s) l + s mean(l))^-1/2 (eigen of the
    within scatter, shrunk); the principal axes V (eigenvalues b) of x in that space, first `dims`;
    weighted: column j scaled by sqrt(b_j / (b_j + 1)). Returns W (d_in x dims)."""
    sw = within.T @ within / len(within)
    lam, u = np.linalg.eigh(sw)
    lam = np.maximum(lam, 0)
    a = u / np.sqrt((1 - shrink) * lam + shrink * lam.mean() + 1e-12)
    xb = (x - mu) @ a
    b, v = np.linalg.eigh(xb.T @ xb / len(xb))
    b, v = np.maximum(b[::-1], 0), v[:, ::-1]
    w = a @ v[:, :dims]
    if weighted:
        w = w * np.sqrt(b[:dims] / (b[:dims] + 1))
    return w


def wccn(wins, shrink, dims, weighted=True):
    """Within-track covariance normalisation + LDA, label-free (the 'classes' are tracks, the samples
    their windows): mu = mean of the track means; Sw = covariance of windows around their track's mean
    (tracks with >= 2 windows); A = U diag((1-s) l + s mean(l))^-1/2 (eigen of Sw, shrunk); then the
    principal axes V (eigenvalues b) of the track means' covariance in that space, first `dims`;
    weighted: column j scaled by sqrt(b_j / (b_j + 1)) (down-weights axes where tracks differ no more
    than windows do). Returns mu, W (d_in × dims): z = (x - mu) W."""
    x = np.array([w.mean(0) for w in wins])
    mu = x.mean(0)
    within = np.concatenate([w - w.mean(0) for w in wins if len(w) >= 2])
    return mu, wccn_from_scatter(x, mu, within, shrink, dims, weighted)


def wccn_classes(wins, cls, shrink, dims, weighted=True):
    """wccn() with windows grouped into classes `cls` (one label per track): the within scatter is
    of windows around their CLASS mean, so tracks of one class (e.g. the same artist by the metadata)
    are pulled together like the windows of one track."""
    x = np.array([w.mean(0) for w in wins])
    mu = x.mean(0)
    groups = {}
    for i, c in enumerate(cls):
        groups.setdefault(c, []).append(i)
    parts = []
    for idx in groups.values():
        ww = np.concatenate([wins[i] for i in idx])
        if len(ww) >= 2:
            parts.append(ww - ww.mean(0))
    within = np.concatenate(parts)
    return mu, wccn_from_scatter(x, mu, within, shrink, dims, weighted)


def apply(mu, w, x):
    return (x - mu) @ w


def _cfgs(grid, only):
    keys = list(grid)
    out = []
    for vals in itertools.product(*[grid[k] for k in keys]):
        name = ' '.join(f'{k}={v}' for k, v in zip(keys, vals))
        if only is None or name == only:
            out.append((name, dict(zip(keys, vals))))
    return out


# ------------------------------------------------------------------------------------------ rows

def baseline(data, only=None, key='mean'):
    return {'-': cos(data[key])}


def centred(data, only=None):
    x = data['mean']
    return {'-': cos(x - x.mean(0))}


def standardised(data, only=None):
    x = data['mean']
    return {'-': cos((x - x.mean(0)) / (x.std(0) + 1e-6))}


def whiten_row(data, only=None, wins_key='windows'):
    wins = data[wins_key]
    x = np.array([w.mean(0) for w in wins])
    fits = {'tracks': x, 'windows': window_stack(wins)}
    out = {}
    for name, c in _cfgs({'fit': ['tracks', 'windows'], 'shrink': SHRINKS, 'dims': DIMS}, only):
        mu, w = whitener(fits[c['fit']], c['shrink'], c['dims'])
        out[name] = cos(apply(mu, w, x))
    return out


def power_whiten(data, only=None):
    """Signed power (x^p) on the post-ReLU windows before the mean, then whitening."""
    out = {}
    for name, c in _cfgs({'p': [0.5], 'shrink': [0.03, 0.1, 0.3], 'dims': [200, 128, 64]}, only):
        wins = [np.sign(w) * np.abs(w) ** c['p'] for w in data['windows']]
        x = np.array([w.mean(0) for w in wins])
        mu, w = whitener(window_stack(wins), c['shrink'], c['dims'])
        out[name] = cos(apply(mu, w, x))
    return out


def mean_std(data, only=None):
    out = {}
    for name, c in _cfgs({'shrink': [0.03, 0.1, 0.3], 'dims': [200, 64], 'w_std': [0.25, 0.5, 1.0]}, only):
        mu, w = whitener(window_stack(data['windows']), c['shrink'], c['dims'])
        zw = [apply(mu, w, win) for win in data['windows']]
        m = l2n(np.array([z.mean(0) for z in zw]))
        s = np.array([z.std(0) for z in zw])
        s = l2n(s - s.mean(0))
        out[name] = cos(np.concatenate([m, c['w_std'] * s], 1))
    return out


def set_rerank(data, only=None, top=50):
    """Rank by the whitened mean; re-rank the top 50 by a·cos(means) + (1-a)·set similarity, the
    symmetric mean of per-window best matches (cosine of whitened windows)."""
    out = {}
    grid = {'shrink': [0.03, 0.1, 0.3], 'dims': [200, 64], 'a': [0.0, 0.25, 0.5, 0.75]}
    cache = {}
    for name, c in _cfgs(grid, only):
        k = (c['shrink'], c['dims'])
        if k not in cache:
            mu, w = whitener(window_stack(data['windows']), c['shrink'], c['dims'])
            x = np.array([win.mean(0) for win in data['windows']])
            base = cos(apply(mu, w, x))
            zw = [l2n(apply(mu, w, win)) for win in data['windows']]
            lens = np.array([len(z) for z in zw])
            allz = np.concatenate(zw, 0)
            owner = np.repeat(np.arange(len(zw)), lens)
            g = allz @ allz.T  # window × window cosines
            n = len(zw)
            # best match of each window of i among the windows of j: max over j's block
            starts = np.concatenate([[0], np.cumsum(lens)[:-1]])
            best = np.maximum.reduceat(g, starts, axis=1)  # (windows) × n
            # mean over i's windows
            setsim = np.add.reduceat(best, starts, axis=0) / lens[:, None]  # n × n, row i -> j
            setsim = 0.5 * (setsim + setsim.T)
            cache[k] = (base, setsim)
        base, setsim = cache[k]
        b = base.copy()
        np.fill_diagonal(b, -np.inf)
        order = np.argsort(-b, axis=1, kind='stable')[:, :-1]
        head = order[:, :top]
        rows = np.arange(len(order))[:, None]
        score = c['a'] * base[rows, head] + (1 - c['a']) * setsim[rows, head]
        head = np.take_along_axis(head, np.argsort(-score, axis=1, kind='stable'), 1)
        out[name] = {'order': np.concatenate([head, order[:, top:]], 1)}
    return out


# ------------------------------------------------------------------------------ contrastive

def draw_views(cw, i, rng, views):
    """Two views of track i: 'win' = two different windows; 'half' = the means of a random split of
    its windows into two disjoint halves (a view then looks like the track-level mean that is searched)."""
    k = len(cw[i])
    if views == 'win':
        a, b = rng.choice(k, 2, replace=False)
        return cw[i][a], cw[i][b]
    p = rng.permutation(k)
    h = k // 2
    return cw[i][p[:h]].mean(0), cw[i][p[h:]].mean(0)


def train_contrastive(wins, w0, mu, tau=0.1, epochs=100, lr=1e-3, batch=128, seed=0, wd=0.0, log=None, views='win'):
    """Linear projection W (d_in × d_out, init w0) on centred windows, z = normalise(W^T (x - mu)).
    InfoNCE: per batch of tracks, two different random windows of each; logits z1 z2^T / tau;
    symmetric cross-entropy, in-batch negatives; Adam. Returns W."""
    rng = np.random.RandomState(seed)
    W = w0.copy()
    m, v = np.zeros_like(W), np.zeros_like(W)
    b1, b2, eps = 0.9, 0.999, 1e-8
    step = 0
    usable = np.array([i for i, w in enumerate(wins) if len(w) >= 2])
    cw = [w - mu for w in wins]
    for ep in range(epochs):
        perm = rng.permutation(usable)
        for s in range(0, len(perm), batch):
            idx = perm[s:s + batch]
            if len(idx) < 4:
                continue
            x1 = np.empty((len(idx), W.shape[0]))
            x2 = np.empty_like(x1)
            for r, i in enumerate(idx):
                x1[r], x2[r] = draw_views(cw, i, rng, views)
            h1, h2 = x1 @ W, x2 @ W
            n1 = np.linalg.norm(h1, axis=1, keepdims=True)
            n2 = np.linalg.norm(h2, axis=1, keepdims=True)
            z1, z2 = h1 / n1, h2 / n2
            L = z1 @ z2.T / tau
            B = len(idx)
            pr = np.exp(L - L.max(1, keepdims=True))
            pr /= pr.sum(1, keepdims=True)
            pc = np.exp(L - L.max(0, keepdims=True))
            pc /= pc.sum(0, keepdims=True)
            eye = np.eye(B)
            dL = 0.5 * ((pr - eye) + (pc - eye)) / B
            dz1 = dL @ z2 / tau
            dz2 = dL.T @ z1 / tau
            dh1 = (dz1 - z1 * (z1 * dz1).sum(1, keepdims=True)) / n1
            dh2 = (dz2 - z2 * (z2 * dz2).sum(1, keepdims=True)) / n2
            g = x1.T @ dh1 + x2.T @ dh2 + wd * W
            step += 1
            m = b1 * m + (1 - b1) * g
            v = b2 * v + (1 - b2) * g * g
            W -= lr * (m / (1 - b1 ** step)) / (np.sqrt(v / (1 - b2 ** step)) + eps)
        if log and (ep % 20 == 0 or ep == epochs - 1):
            loss = -0.5 * (np.log(np.diag(pr) + 1e-12).mean() + np.log(np.diag(pc) + 1e-12).mean())
            log(f'  epoch {ep} loss {loss:.3f}')
    return W


def contrastive(data, only=None, wins_key='windows', grid=None):
    wins = data[wins_key]
    x = np.array([w.mean(0) for w in wins])
    allw = window_stack(wins)
    grid = grid or {'shrink': [0.1], 'dims': [200, 64], 'tau': [0.1, 0.2], 'epochs': [50, 200], 'lr': [1e-3]}
    out = {}
    cache = {}
    for name, c in _cfgs(grid, only):
        mu, w0 = whitener(allw, c['shrink'], c['dims'])
        # Scale the whitened init so the windows have unit mean norm (lr then means the same for every init).
        scale = np.mean(np.linalg.norm((allw - mu) @ w0, axis=1))
        w0 = w0 / scale
        t0 = time.time()
        W = train_contrastive(wins, w0, mu, tau=c['tau'], epochs=c['epochs'], lr=c['lr'])
        contrastive.times[name] = time.time() - t0
        out[name] = cos(apply(mu, W, x))
    return out


contrastive.times = {}


# ----------------------------------------------------------------------------------- fusion

def logit(p):
    p = np.clip(p, 1e-4, 1 - 1e-4)
    return np.log(p / (1 - p))


def block(x):
    """Centre, standardise, L2-normalise a block (so blocks are weighed by their weight only)."""
    return l2n((x - x.mean(0)) / (x.std(0) + 1e-6))


def fusion_tags(data, only=None):
    mu, w = whitener(window_stack(data['windows']), 0.1, 200)
    e = l2n(apply(mu, w, data['mean']))
    blocks = {'msd': block(logit(data['msd_tags'])), 'mtt': block(logit(data['mtt_tags'])),
              'moods': block(logit(data['moods']))}
    out = {}
    for name, c in _cfgs({'w_msd': [0, 0.25, 0.5], 'w_mtt': [0, 0.25, 0.5], 'w_moods': [0, 0.25, 0.5]}, only):
        parts = [e] + [c['w_' + k] * blocks[k] for k in ('msd', 'mtt', 'moods') if c['w_' + k] > 0]
        out[name] = cos(np.concatenate(parts, 1))
    return out


def wccn_row(data, only=None):
    wins = data['windows']
    x = np.array([w.mean(0) for w in wins])
    out = {}
    for name, c in _cfgs({'shrink': [0.01, 0.03, 0.1, 0.3], 'dims': [200, 100, 50], 'weighted': [0, 1]}, only):
        mu, w = wccn(wins, c['shrink'], c['dims'], bool(c['weighted']))
        out[name] = cos(apply(mu, w, x))
    return out


def _fold_classes(data, folds, k, key):
    """Per track: its `key` label if it is in a training package of fold k and has one, else itself."""
    lab = data[key]
    return [f'{key}:{lab[i]}' if folds[i] != k and lab[i] else f'track:{i}' for i in range(len(lab))]


def wccn_meta_row(data, only=None, key='artist', grid=None):
    """WCCN whose classes merge tracks with the same `key` — from the TRAINING packages of each fold
    only (returns one similarity matrix per fold)."""
    wins = data['windows']
    x = np.array([w.mean(0) for w in wins])
    folds = data['folds']
    out = {}
    grid = grid or {'shrink': [0.03, 0.1], 'dims': [200, 100], 'weighted': [1]}
    for name, c in _cfgs(grid, only):
        per = []
        for k in range(folds.max() + 1):
            mu, w = wccn_classes(wins, _fold_classes(data, folds, k, key), c['shrink'], c['dims'], bool(c['weighted']))
            per.append(cos(apply(mu, w, x)))
        out[name] = per
    return out


def k_reciprocal(sim, k1=20, k2=6, lam=0.3):
    """k-reciprocal re-ranking (Zhong et al., CVPR 2017), label-free: each track's k1-reciprocal
    neighbour set (expanded by its members' k1/2-reciprocal sets that overlap it by > 2/3), weighted by
    exp(-distance), averaged over the k2 nearest (local query expansion); final similarity =
    -((1 - lam) · Jaccard distance + lam · squared-chord distance 2 - 2 cos)."""
    n = len(sim)
    dist = 2 - 2 * sim
    order = np.argsort(dist, 1, kind='stable')
    rank = np.empty_like(order)
    rank[np.arange(n)[:, None], order] = np.arange(n)[None, :]

    def recip(i, k):
        f = order[i, :k + 1]
        return f[rank[f, i] <= k]

    V = np.zeros((n, n))
    h = int(round(k1 / 2))
    for i in range(n):
        r = recip(i, k1)
        rs = set(r.tolist())
        for j in r:
            rj = recip(j, h)
            if len(set(rj.tolist()) & set(r.tolist())) > 2 / 3 * len(rj):
                rs |= set(rj.tolist())
        rs = np.array(sorted(rs))
        w = np.exp(-dist[i, rs])
        V[i, rs] = w / w.sum()
    if k2 > 1:
        V = V[order[:, :k2]].mean(1)
    mn = np.zeros((n, n))
    for k in range(n):
        idx = np.nonzero(V[:, k])[0]
        if len(idx):
            mn[np.ix_(idx, idx)] += np.minimum.outer(V[idx, k], V[idx, k])
    tot = V.sum(1)
    jd = 1 - mn / (tot[:, None] + tot[None, :] - mn)
    return -((1 - lam) * jd + lam * dist)


def wccn_krr_row(data, only=None):
    wins = data['windows']
    x = np.array([w.mean(0) for w in wins])
    out, bases = {}, {}
    grid = {'shrink': [0.01, 0.03], 'dims': [50, 100], 'k1': [10, 20, 30], 'k2': [1, 3, 6], 'lam': [0.3, 0.6]}
    for name, c in _cfgs(grid, only):
        key = (c['shrink'], c['dims'])
        if key not in bases:
            mu, w = wccn(wins, c['shrink'], c['dims'], True)
            bases[key] = cos(apply(mu, w, x))
        out[name] = k_reciprocal(bases[key], c['k1'], c['k2'], c['lam'])
    return out


def wccn_tags_row(data, only=None):
    wins = data['windows']
    blocks = {'msd': block(logit(data['msd_tags'])), 'mtt': block(logit(data['mtt_tags'])),
              'moods': block(logit(data['moods']))}
    out, es = {}, {}
    grid = {'shrink': [0.01, 0.03], 'dims': [50, 100], 'w_msd': [0, 0.25, 0.5], 'w_mtt': [0, 0.25, 0.5], 'w_moods': [0, 0.25]}
    for name, c in _cfgs(grid, only):
        key = (c['shrink'], c['dims'])
        if key not in es:
            mu, w = wccn(wins, c['shrink'], c['dims'], True)
            es[key] = l2n(apply(mu, w, np.array([v.mean(0) for v in wins])))
        parts = [es[key]] + [c['w_' + k] * blocks[k] for k in ('msd', 'mtt', 'moods') if c['w_' + k] > 0]
        out[name] = cos(np.concatenate(parts, 1))
    return out


def extra_rows(data):
    """Rows over the dumped per-window outputs (pre-ReLU msd, mtt embeddings): the input ablation."""
    def mean_of(key):
        return lambda d, only=None: {'-': cos(np.array([w.mean(0) for w in d[key]]))}

    def wccn_of(keys):
        def make(d, only=None):
            wins = [np.concatenate(ws, 1) for ws in zip(*[d[k] for k in keys])]
            x = np.array([w.mean(0) for w in wins])
            out = {}
            for name, c in _cfgs({'shrink': [0.01, 0.03, 0.1, 0.3], 'dims': [50, 100]}, only):
                mu, w = wccn(wins, c['shrink'], c['dims'], True)
                out[name] = cos(apply(mu, w, x))
            return out
        return make
    def four(d):  # the catalog profile runs mtt on 4 of the 8 windows: patches 1, 3, 5, 7
        return [np.concatenate([a, b], 1)[1::2] if len(a) == 8 else np.concatenate([a, b], 1)
                for a, b in zip(d['windows'], d['x_mtt_embedding'])]

    def wccn4(d, only=None):
        wins = four(d)
        x = np.array([w.mean(0) for w in wins])
        out = {}
        for name, c in _cfgs({'shrink': [0.01, 0.03, 0.1, 0.3], 'dims': [50, 100]}, only):
            mu, w = wccn(wins, c['shrink'], c['dims'], True)
            out[name] = cos(apply(mu, w, x))
        return out

    def krr(d, only=None):
        wins = [np.concatenate(ws, 1) for ws in zip(d['windows'], d['x_mtt_embedding'])]
        x = np.array([w.mean(0) for w in wins])
        out, bases = {}, {}
        for name, c in _cfgs({'shrink': [0.01, 0.03], 'dims': [50, 100], 'k1': [20, 30], 'k2': [3, 6], 'lam': [0.3]}, only):
            key = (c['shrink'], c['dims'])
            if key not in bases:
                mu, w = wccn(wins, c['shrink'], c['dims'], True)
                bases[key] = cos(apply(mu, w, x))
            out[name] = k_reciprocal(bases[key], c['k1'], c['k2'], c['lam'])
        return out
    return [('msd_mttE_wccn4', wccn4), ('msd_mttE_krr', krr),
            ('pre_mean', mean_of('x_msd_embedding_linear')), ('mttE_mean', mean_of('x_mtt_embedding')),
            ('pre_wccn', wccn_of(['x_msd_embedding_linear'])), ('mttE_wccn', wccn_of(['x_mtt_embedding'])),
            ('mttL_wccn', wccn_of(['x_mtt_embedding_linear'])),
            ('msd_mttE_wccn', wccn_of(['windows', 'x_mtt_embedding'])),
            ('pre_mttL_wccn', wccn_of(['x_msd_embedding_linear', 'x_mtt_embedding_linear']))]


LABELS = {
    'baseline': 'baseline: post-ReLU mean, cosine',
    'centred': 'mean-centred',
    'standardised': 'standardised (z-score per dim)',
    'whiten': 'PCA-whitening + shrinkage',
    'power': 'signed power 0.5 + whitening',
    'meanstd': 'mean + std of whitened windows',
    'rerank': 'whitened mean, top-50 set re-rank',
    'fusion_tags': 'fusion: whitened emb + tag/mood logits',
    'contrastive': 'contrastive linear (InfoNCE, window positives)',
    'wccn': 'within-track covariance normalisation + LDA (closed form)',
    'wccn_artist': 'WCCN, same-artist tracks merged (training packages\' artist tags only)',
    'wccn_krr': 'WCCN + k-reciprocal re-ranking (label-free, transductive)',
    'wccn_tags': 'WCCN + tag/mood logit blocks (catalog tag means)',
    'pre_mean': 'msd pre-ReLU (embedding_linear) mean, cosine',
    'mttE_mean': 'mtt embedding (post-ReLU) mean, cosine',
    'pre_wccn': 'WCCN on msd pre-ReLU windows',
    'mttE_wccn': 'WCCN on mtt embedding windows',
    'mttL_wccn': 'WCCN on mtt pre-ReLU windows',
    'msd_mttE_wccn': 'WCCN on [msd post-ReLU, mtt embedding] windows (400-d)',
    'msd_mttE_wccn4': 'WCCN on [msd, mtt embedding], only the 4 windows mtt sees in the catalog profile',
    'msd_mttE_krr': 'WCCN on [msd, mtt embedding] + k-reciprocal re-ranking',
    'pre_mttL_wccn': 'WCCN on [msd pre-ReLU, mtt pre-ReLU] windows (400-d)',
    'wccn_trainpkg': 'reference: LDA with training packages\' labels (not available in a product)',
}


def rows(data):
    """[(key, make_configs)] in table order."""
    return [('baseline', baseline), ('centred', centred), ('standardised', standardised),
            ('whiten', whiten_row), ('power', power_whiten), ('meanstd', mean_std), ('rerank', set_rerank),
            ('fusion_tags', fusion_tags), ('contrastive', contrastive), ('wccn', wccn_row),
            ('wccn_artist', lambda d, only=None: wccn_meta_row(d, only, 'artist')),
            ('wccn_trainpkg', lambda d, only=None: wccn_meta_row(d, only, 'source')),
            ('wccn_krr', wccn_krr_row), ('wccn_tags', wccn_tags_row)] + \
        (extra_rows(data) if 'x_msd_embedding_linear' in data else [])
