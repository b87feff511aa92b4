#!/usr/bin/python3
"""Synthetic stand-in for catalog embeddings (until the demo catalog exists), and jittered copies.

  gen_data.py mixture OUT.f32 [--n 400] [--dim 200] [--seed 1]
      ReLU features of a latent mixture, shaped like musicnn msd 200-d track embeddings (the golden
      clips in tests/data/golden: mean ~1, std ~1.3, ~43 % zeros, tracks ~20 apart): 16 "styles" of
      unequal size in a 16-d latent space, tracks spread around their style, a fixed random
      200 x 16 read-out, then ReLU. Low intrinsic dimension with overlapping clusters, like real ones.
  gen_data.py jitter IN.f32 OUT.f32 --dim D --n N [--seed 2]
      N rows: copies of IN's rows (cycled) plus Gaussian noise of 0.15 x the per-dimension std,
      clipped at 0 (e.g. many excerpts per track).
"""
import argparse
import sys

import numpy as np


def mixture(n, dim, seed):
    rng = np.random.default_rng(seed)
    n_styles, latent = 16, 16
    weights = rng.dirichlet(np.full(n_styles, 2.0))
    style_of = rng.choice(n_styles, size=n, p=weights)
    centres = rng.normal(0.0, 1.0, (n_styles, latent))
    z = centres[style_of] + 0.45 * rng.normal(0.0, 1.0, (n, latent))
    readout = rng.normal(0.0, 1.0 / np.sqrt(latent), (latent, dim))
    bias = rng.normal(0.0, 0.4, dim)
    x = np.maximum(0.0, 1.3 * (z @ readout + bias + 0.25 * rng.normal(0.0, 1.0, (n, dim))) + 0.1)
    return x.astype(np.float32)


def jitter(x, n, seed):
    rng = np.random.default_rng(seed)
    rows = x[np.arange(n) % x.shape[0]]
    noise = rng.normal(0.0, 1.0, rows.shape) * (0.15 * x.std(axis=0) + 1e-6)
    return np.maximum(0.0, rows + noise).astype(np.float32)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["mixture", "jitter"])
    ap.add_argument("paths", nargs="+")
    ap.add_argument("--n", type=int, default=400)
    ap.add_argument("--dim", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    if a.mode == "mixture":
        x = mixture(a.n, a.dim, a.seed)
        x.tofile(a.paths[0])
    else:
        src = np.fromfile(a.paths[0], dtype=np.float32).reshape(-1, a.dim)
        x = jitter(src, a.n, a.seed + 1)
        x.tofile(a.paths[1])
    print(f"{a.paths[-1]}: {x.shape[0]} x {x.shape[1]}, mean {x.mean():.2f}, std {x.std():.2f}, "
          f"zeros {100 * (x == 0).mean():.0f} %", file=sys.stderr)


if __name__ == "__main__":
    main()
