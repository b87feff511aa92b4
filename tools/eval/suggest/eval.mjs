#!/usr/bin/env node
// Do pace and picture move soundtrack suggestions the right way? Calm vs lively clips (make_clips.py).
//
//   node tools/eval/suggest/eval.mjs [--manifest build/eval-suggest/manifest.json] [--catalog DIR]
//        [-k 10] [--boot 5000] [--split tuning|held-out] [--out build/eval-suggest/results.json] [--md OUT.md]
//
// For every clip of the manifest:
//  - suggest: `./cuefinder suggest CLIP... --catalog DIR -k K --json` (the product, as a user runs it);
//  - two controls, ranked by the same WASM core in this process from the same clip reading
//    (`cuefinder-core video CLIP --keyframes DIR`, what suggest.mjs runs): "pictures, neutral pace"
//    (the reading's pace set to NEUTRAL for every clip: the tempo/energy target is the same for both
//    classes, so only what the keyframes show differs) and "pace only" (the keyframes dropped: every
//    track's content score is 0.5, so only the pace ranks). The core's ranking is not changed; only
//    its input is. The in-process full ranking is also compared with the CLI's (the same top K?).
// Per clip and top-K list: mean BPM over the suggestions with a known tempo (and how many), mean energy
// as the core defines it (soundtrack.h track_energy: the mean of the track's known moods aggressive,
// danceable and 1 − relaxed), the share of relaxed tracks (mood relaxed ≥ 0.5). Per split and class:
// the mean over clips, and lively − calm with a bootstrap 95 % interval (clips resampled within each
// class). Also the detected cuts/min, motion, pace (soundtrack.h pace_target) and cut detection F1
// (±1 frame) against the manifest's known cuts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createAnalyzer, parseArgs as parseAnalyzeArgs } from '../../../src/cli/analyze.mjs';
import { openSemantic } from '../../../src/cli/semantic.mjs';
import { coreClient } from '../../../web/core_client.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const NEUTRAL = { cuts_per_min: 15, motion: 0.15 };  // pace 0.5: 97.5–122.5 BPM, energy 0.5
const NEUTRAL_RANGE = [70 + 80 * 0.5 - 12.5, 70 + 80 * 0.5 + 12.5];
const FPS = 30;  // make_clips.py

function parseArgs(argv) {
  const o = { manifest: path.join(root, 'build/eval-suggest/manifest.json'), catalog: null, k: 10, boot: 5000,
    out: path.join(root, 'build/eval-suggest/results.json'), md: null, split: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i], v = () => argv[++i];
    if (a === '--manifest') o.manifest = path.resolve(v());
    else if (a === '--catalog') o.catalog = path.resolve(v());
    else if (a === '-k') o.k = Number(v());
    else if (a === '--boot') o.boot = Number(v());
    else if (a === '--out') o.out = path.resolve(v());
    else if (a === '--md') o.md = path.resolve(v());
    else if (a === '--split') { o.split = v(); if (!['tuning', 'held-out'].includes(o.split)) throw new Error(`--split: tuning or held-out, not ${o.split}`); }
    else throw new Error(`unknown option ${a}`);
  }
  o.catalog ||= path.join(process.env.CF_CACHE_DIR || path.join(os.homedir(), '.cache/cuefinder'), 'demo/catalog');
  if (!fs.existsSync(path.join(o.catalog, 'catalog.json'))) throw new Error(`${o.catalog}: no catalog.json (build the catalog first)`);
  return o;
}

// soundtrack.h: track_energy (NaN when no mood is known) and pace_target's pace.
const num = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : NaN);
function trackEnergy(moods) {
  const relaxed = num(moods[2]);
  const vals = [num(moods[3]), num(moods[4]), Number.isFinite(relaxed) ? 1 - relaxed : NaN].filter(Number.isFinite);
  return vals.length ? vals.reduce((a, b) => a + b, 0) / vals.length : NaN;
}
const clamp01 = (x) => Math.min(1, Math.max(0, x));
const paceOf = (cutsPerMin, motion) => 0.5 * clamp01(cutsPerMin / 30) + 0.5 * clamp01(motion / 0.3);

const mean = (xs) => { const v = xs.filter(Number.isFinite); return v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN; };

// Per top-K list: mean BPM of the known tempos, how many known, the shares of the known tempos inside
// the target range [lo, hi] and at half or double of it (tempo_fit 0.9), mean energy, relaxed share.
function listStats(ids, tracks, [lo, hi]) {
  const t = ids.map((id) => tracks.get(id));
  if (t.some((x) => !x)) throw new Error(`a suggestion's id is not in catalog.json: ${ids.filter((id) => !tracks.has(id))}`);
  const bpms = t.map((x) => num(x.bpm)).filter((b) => b > 0);
  const relaxed = t.map((x) => num(x.moods[2])).filter(Number.isFinite);
  const inside = (b) => b >= lo && b <= hi;
  const share = (p) => (bpms.length ? bpms.filter(p).length / bpms.length : NaN);
  return { bpm: mean(bpms), n_bpm: bpms.length, n: t.length, energy: mean(t.map((x) => trackEnergy(x.moods))),
    in_range: share(inside), octave: share((b) => !inside(b) && (inside(b / 2) || inside(b * 2))),
    relaxed_share: relaxed.length ? relaxed.filter((r) => r >= 0.5).length / relaxed.length : NaN };
}

// Cut detection F1 within ±1 frame (each known cut matched once).
function cutScore(known, found) {
  const used = new Set();
  let hits = 0;
  for (const f of found) {
    const j = known.findIndex((k, i) => !used.has(i) && Math.abs(k - f) <= 1 / FPS + 1e-3);
    if (j >= 0) { used.add(j); hits++; }
  }
  return { known: known.length, found: found.length, hits };
}

// mulberry32: a seeded PRNG, so the intervals are the same on every run.
function rng(seed) {
  return () => { seed |= 0; seed = (seed + 0x6d2b79f5) | 0; let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t; return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
}

// lively − calm of the clip means, and its bootstrap 95 % interval (clips resampled within each class).
function diff(lively, calm, boot, seed) {
  const L = lively.filter(Number.isFinite), C = calm.filter(Number.isFinite);
  const d = mean(L) - mean(C);
  if (!L.length || !C.length) return { d, lo: NaN, hi: NaN };
  const r = rng(seed), pick = (xs) => xs[Math.floor(r() * xs.length)], ds = [];
  for (let b = 0; b < boot; b++) ds.push(mean(L.map(() => pick(L))) - mean(C.map(() => pick(C))));
  ds.sort((a, b) => a - b);
  return { d, lo: ds[Math.floor(0.025 * boot)], hi: ds[Math.ceil(0.975 * boot) - 1] };
}

// `./cuefinder suggest` on every clip in one run: {file: result}.
function runCli(o, files) {
  const t0 = Date.now();
  const r = spawnSync(path.join(root, 'cuefinder'), ['suggest', ...files, '--catalog', o.catalog, '-k', String(o.k), '--json'],
    { encoding: 'utf8', maxBuffer: 256 << 20 });
  if (r.status !== 0) throw new Error(`./cuefinder suggest exited with ${r.status}: ${r.stderr.trim().slice(-2000)}`);
  const out = new Map();
  for (const line of r.stdout.split('\n').filter((l) => l.startsWith('{'))) {
    const j = JSON.parse(line);
    out.set(path.resolve(j.file), j);
  }
  return { out, wall_s: (Date.now() - t0) / 1000 };
}

// The in-process ranking of one clip reading: the suggestions' ids, best first.
async function rank(sem, clip, k) {
  const c = coreClient(sem.core);
  c.must('cf_sem_suggest', sem.handle, JSON.stringify(clip), JSON.stringify({ k }));
  while (c.must('cf_sem_status', sem.handle) === 1) await new Promise((r) => setImmediate(r));
  return c.mustJson('cf_sem_result', sem.handle).suggestions.map((s) => s.id);
}

async function controls(o, clips) {
  const bin = process.env.CF_CORE_BIN || path.join(root, 'build/native-release/src/cli/cuefinder-core');
  const an = await createAnalyzer({ ...parseAnalyzeArgs(['--no-taggram', '--only', 'msd']) });
  const sem = await openSemantic(an.core);
  await sem.attachCatalog(o.catalog);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cf-eval-suggest-'));
  const res = new Map();
  try {
    for (const clip of clips) {
      fs.mkdirSync(path.join(dir, clip.name), { recursive: true });
      const r = spawnSync(bin, ['video', clip.abs, '--keyframes', path.join(dir, clip.name)], { encoding: 'utf8', maxBuffer: 64 << 20 });
      const line = (r.stdout || '').trim().split('\n').pop();
      if (r.status !== 0 || !line) throw new Error(`${clip.abs}: cuefinder-core video: ${r.stderr}`);
      const reading = JSON.parse(line);
      const neutral = { ...reading, pace: { ...reading.pace, ...NEUTRAL } };
      const { keyframes, ...paceOnly } = reading;
      res.set(clip.abs, { reading, full: await rank(sem, reading, o.k), picture: await rank(sem, neutral, o.k),
        pace_only: await rank(sem, paceOnly, o.k), n_keyframes: (keyframes || []).length });
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return res;
}

const f = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '–');
const ci = (r, d) => `${r.d >= 0 ? '+' : ''}${f(r.d, d)} [${f(r.lo, d)}, ${f(r.hi, d)}]`;

function table(rows, conds, o, split) {
  const out = [];
  for (const cond of conds) {
    out.push(`\n**${split}, ${cond.title}** (top ${o.k} per clip; mean over clips)\n`);
    out.push('| class | clips | cuts/min | motion | pace → BPM target | mean BPM (known of K) | BPM in target / at ½ or 2× | energy | relaxed share |');
    out.push('|---|---|---|---|---|---|---|---|---|');
    const by = {};
    for (const cls of ['calm', 'lively']) {
      const rs = rows.filter((r) => r.split === split && r.class === cls);
      const s = rs.map((r) => r[cond.key]);
      const pace = mean(rs.map((r) => (cond.key === 'picture' ? paceOf(NEUTRAL.cuts_per_min, NEUTRAL.motion) : r.pace)));
      by[cls] = { rs, s };
      out.push(`| ${cls} | ${rs.length} | ${f(mean(rs.map((r) => r.cuts_per_min)))} | ${f(mean(rs.map((r) => r.motion)), 3)} | ` +
        `${f(pace, 2)} → ${f(70 + 80 * pace - 12.5, 0)}–${f(70 + 80 * pace + 12.5, 0)} | ${f(mean(s.map((x) => x.bpm)))} ` +
        `(${f(mean(s.map((x) => x.n_bpm)))} of ${o.k}) | ${f(mean(s.map((x) => x.in_range)), 2)} / ${f(mean(s.map((x) => x.octave)), 2)} | ${f(mean(s.map((x) => x.energy)), 3)} | ${f(mean(s.map((x) => x.relaxed_share)), 2)} |`);
    }
    const D = (m, seed) => diff(by.lively.s.map((x) => x[m]), by.calm.s.map((x) => x[m]), o.boot, seed);
    out.push(`| **lively − calm** (95 % CI) | | | | | ${ci(D('bpm', 1), 1)} | | ${ci(D('energy', 2), 3)} | ${ci(D('relaxed_share', 3), 2)} |`);
  }
  return out.join('\n');
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const manifest = JSON.parse(fs.readFileSync(o.manifest, 'utf8'));
  const base = path.dirname(o.manifest);
  const clips = manifest.clips.filter((c) => !o.split || c.split === o.split).map((c) => ({ ...c, abs: path.resolve(base, c.file) }));
  const catalog = JSON.parse(fs.readFileSync(path.join(o.catalog, 'catalog.json'), 'utf8'));
  const tracks = new Map(catalog.tracks.map((t) => [t.id, t]));

  const cli = runCli(o, clips.map((c) => c.abs));
  const ctl = await controls(o, clips);
  const rows = clips.map((c) => {
    const s = cli.out.get(c.abs), x = ctl.get(c.abs);
    if (!s || s.error) throw new Error(`${c.abs}: ${s ? s.error : 'no result from ./cuefinder suggest'}`);
    const ids = s.suggestions.map((t) => t.id);
    return { name: c.name, split: c.split, class: c.class, duration_s: s.duration_s, cuts_per_min: s.pace.cuts_per_min,
      motion: s.pace.motion, pace: paceOf(s.pace.cuts_per_min, s.pace.motion), bpm_target: [s.pace.bpm_min, s.pace.bpm_max],
      cuts: cutScore(c.cuts_s, s.cuts_s), ids, same_as_cli: x.full.join() === ids.join(), n_keyframes: x.n_keyframes,
      suggest: listStats(ids, tracks, [s.pace.bpm_min, s.pace.bpm_max]), picture: listStats(x.picture, tracks, NEUTRAL_RANGE),
      pace_only: listStats(x.pace_only, tracks, [s.pace.bpm_min, s.pace.bpm_max]),
      picture_ids: x.picture, pace_only_ids: x.pace_only };
  });
  const all = listStats([...tracks.keys()], tracks, NEUTRAL_RANGE);
  const conds = [{ key: 'suggest', title: '`./cuefinder suggest` (pace + pictures)' },
    { key: 'picture', title: 'control: pictures, neutral pace (every clip read as 15 cuts/min, motion 0.15)' },
    { key: 'pace_only', title: 'control: pace only (no keyframes: content 0.5 for every track)' }];
  const splits = o.split ? [o.split] : ['tuning', 'held-out'];
  const cuts = (split) => {
    const rs = rows.filter((r) => r.split === split), k = rs.reduce((a, r) => a + r.cuts.known, 0),
      fd = rs.reduce((a, r) => a + r.cuts.found, 0), h = rs.reduce((a, r) => a + r.cuts.hits, 0);
    return `${split}: ${h}/${k} known cuts found ±1 frame, ${fd - h} false, F1 ${f((2 * h) / (k + fd), 3)}`;
  };
  const md = [
    `Catalog: ${o.catalog} (${tracks.size} tracks: mean BPM ${f(all.bpm)} over ${all.n_bpm} with a tempo, mean energy ${f(all.energy, 3)}, relaxed share ${f(all.relaxed_share, 2)}).`,
    `\`./cuefinder suggest\` on ${rows.length} clips: ${f(cli.wall_s)} s wall. In-process full ranking = the CLI's top ${o.k} on ${rows.filter((r) => r.same_as_cli).length}/${rows.length} clips.`,
    `Cut detection on the clips: ${splits.map(cuts).join('; ')}.`,
    ...splits.map((s) => table(rows, conds, o, s))].join('\n');
  fs.mkdirSync(path.dirname(o.out), { recursive: true });
  fs.writeFileSync(o.out, JSON.stringify({ catalog: o.catalog, k: o.k, neutral: NEUTRAL, catalog_stats: all, cli_wall_s: cli.wall_s, rows }, null, 1));
  if (o.md) fs.writeFileSync(o.md, md + '\n');
  console.log(md);
  console.log(`\nwrote ${o.out}`);
  process.exit(0);  // the analyzer's worker threads would keep Node alive
}

main().catch((e) => { console.error(`eval: ${e.message}`); process.exit(1); });
