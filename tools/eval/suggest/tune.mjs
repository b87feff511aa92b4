#!/usr/bin/env node
// Chooses the pace part of the soundtrack ranking (src/core/query/soundtrack.h: tempo_fit, energy_fit)
// on the TUNING half of the calm/lively clip set only, then reports the chosen constants on both halves.
// The content score (what the shots show and feel) does not depend on pace, so one run of the product
// with every track listed gives everything needed: each track's content per clip. The pace part is
// then recomputed here for each candidate; the core keeps the chosen constants (this file only looks).
//
//   files=$(node -e "const m=require('./build/eval-suggest/manifest.json'); console.log(m.clips.map(c=>'build/eval-suggest/'+c.file).join(' '))")
//   ./cuefinder suggest $files --catalog ~/.cache/cuefinder/demo/catalog -k 425 --json > build/eval-suggest/tune/all.jsonl
//   node tools/eval/suggest/tune.mjs [--runs build/eval-suggest/tune/all.jsonl] [--catalog DIR] [-k 10] [--keep 0.8]
//
// Objective (tuning half): the lively − calm separation of the top K — mean BPM difference / 40 + mean
// energy difference + relaxed-share difference (calm − lively) — among candidates that keep the top K's
// mean content at least --keep (0.8) of the content-only top K's (pictures and words still decide among
// tracks that fit the pace; at 0.9 no candidate moves the relaxed share the right way on this half). Candidates: half/double-tempo credit, the fall-off outside the BPM range, its
// floor, and the energy weight.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const args = Object.fromEntries(process.argv.slice(2).reduce((a, x, i, v) => (i % 2 ? a : [...a, [x, v[i + 1]]]), []));
const runsFile = args['--runs'] || path.join(root, 'build/eval-suggest/tune/all.jsonl');
const catalogDir = args['--catalog'] || path.join(os.homedir(), '.cache/cuefinder/demo/catalog');
const K = Number(args['-k'] || 10);
const KEEP = Number(args['--keep'] || 0.8);

const manifest = JSON.parse(fs.readFileSync(path.join(root, 'build/eval-suggest/manifest.json'), 'utf8'));
const tracks = new Map(JSON.parse(fs.readFileSync(path.join(catalogDir, 'catalog.json'), 'utf8')).tracks.map((t) => [t.id, t]));
const clipOf = new Map(manifest.clips.map((c) => [path.basename(c.file), c]));
const runs = fs.readFileSync(runsFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l))
  .map((r) => ({ ...r, meta: clipOf.get(path.basename(r.file)) }));

const clamp01 = (x) => Math.min(1, Math.max(0, x));
function paceTarget(cutsPerMin, motion) {  // soundtrack.cpp pace_target (unchanged)
  const p = 0.5 * clamp01(cutsPerMin / 30) + 0.5 * clamp01(motion / 0.3);
  const c = 70 + 80 * p;
  return { min: c - 12.5, max: c + 12.5, energy: p };
}
function energyOf(t) {
  const m = t.moods || [];
  const v = [m[3], m[4], Number.isFinite(m[2]) ? 1 - m[2] : NaN].filter(Number.isFinite);
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN;
}
function tempoFit(bpm, tg, p) {
  if (!(bpm > 0)) return p.unknown;
  const inside = (b) => b >= tg.min && b <= tg.max;
  if (inside(bpm)) return 1;
  if (inside(bpm / 2) || inside(bpm * 2)) return p.halfDouble;
  const d = bpm < tg.min ? tg.min - bpm : bpm - tg.max;
  return Math.max(p.floor, 1 - d / p.width);
}
const energyFit = (e, tg, p) => (Number.isFinite(e) ? 1 - p.energyWeight * Math.abs(clamp01(e) - tg.energy) : 1);

// The top K of one clip under candidate p (p = null: content alone).
function topK(run, p) {
  const tg = paceTarget(run.pace.cuts_per_min, run.pace.motion);
  const scored = run.suggestions.map((s) => {
    const t = tracks.get(s.id);
    const score = p ? s.content * tempoFit(t.bpm, tg, p) * energyFit(energyOf(t), tg, p) : s.content;
    return { t, content: s.content, score };
  });
  return scored.sort((a, b) => b.score - a.score).slice(0, K);
}
const mean = (v) => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN);
function stats(list) {
  return { bpm: mean(list.filter((x) => x.t.bpm > 0).map((x) => x.t.bpm)), energy: mean(list.map((x) => energyOf(x.t)).filter(Number.isFinite)),
    relaxed: mean(list.map((x) => (x.t.moods?.[2] >= 0.5 ? 1 : 0))), content: mean(list.map((x) => x.content)) };
}
function evaluate(split, p) {
  const rs = runs.filter((r) => r.meta.split === split);
  const per = (cls) => rs.filter((r) => r.meta.class === cls).map((r) => ({ s: stats(topK(r, p)), base: stats(topK(r, null)) }));
  const avg = (xs, f) => mean(xs.map(f));
  const calm = per('calm'), lively = per('lively');
  const all = [...calm, ...lively];
  const d = { bpm: avg(lively, (x) => x.s.bpm) - avg(calm, (x) => x.s.bpm), energy: avg(lively, (x) => x.s.energy) - avg(calm, (x) => x.s.energy),
    relaxed: avg(lively, (x) => x.s.relaxed) - avg(calm, (x) => x.s.relaxed), content: avg(all, (x) => x.s.content / x.base.content) };
  d.objective = d.bpm / 40 + d.energy - d.relaxed;
  return d;
}

const before = { halfDouble: 0.9, width: 40, floor: 0.3, energyWeight: 0.5, unknown: 0.7 };  // until 2026-12-06
const grid = [];
for (const halfDouble of [0.9, 0.8, 0.7, 0.6, 0.5])
  for (const width of [40, 30, 20, 15])
    for (const floor of [0.3, 0.2, 0.1])
      for (const energyWeight of [0.5, 0.75, 1.0])
        grid.push({ halfDouble, width, floor, energyWeight, unknown: 0.7 });
const ok = grid.map((p) => ({ p, r: evaluate('tuning', p) })).filter((x) => x.r.content >= KEEP);
ok.sort((a, b) => b.r.objective - a.r.objective);
const best = ok[0].p;
const fmt = (d) => `ΔBPM ${d.bpm.toFixed(1)}, Δenergy ${d.energy.toFixed(3)}, Δrelaxed ${d.relaxed.toFixed(3)}, content kept ${d.content.toFixed(3)}`;
console.log(`${runs.length} clips, top ${K}; ${grid.length} candidates, ${ok.length} keep ≥ ${KEEP} of the content`);
console.log('before', JSON.stringify(before));
for (const split of ['tuning', 'held-out']) console.log(`  ${split}: ${fmt(evaluate(split, before))}`);
console.log('chosen on the tuning half', JSON.stringify(best));
for (const split of ['tuning', 'held-out']) console.log(`  ${split}: ${fmt(evaluate(split, best))}`);
console.log('next best (tuning):');
for (const x of ok.slice(1, 6)) console.log(`  ${JSON.stringify(x.p)}: ${fmt(x.r)}`);
