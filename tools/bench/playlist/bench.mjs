#!/usr/bin/env node
// Playlist benchmark on a catalog (default: the demo catalog, ~/.cache/cuefinder/demo/catalog), through
// the WASM core's playlist exports (src/bindings/web/playlist_api.cpp → core/query/playlist.h):
//
//   node tools/bench/playlist/bench.mjs [CATALOG] [--seeds-per-package 6] [--n 10] [--json]
//   node tools/bench/playlist/bench.mjs FIXTURE_CATALOG --smoke   # seconds (tools/bench/smoke.mjs): a tiny
//        catalog without packages is split in two stand-in packages (by the id's first letter), 3+ tracks each
//
// Seed sets: per source package (the id's prefix before "/") with at least 6 tracks, seed sets of 3 of
// its tracks (a fixed pseudo-random draw). The packages are split by name, alternately, into a tuning
// half (the soft-min temperature is chosen there) and a held-out half (reported).
//  1. Seed-set precision: the share of an n-track playlist (seeds left out) from the seeds' package,
//     soft-min at each temperature and the mean against the plain nearest-neighbour union.
//  2. Order: mean adjacent-transition cost of the same tracks in our order, greedy nearest neighbour
//     (best start), catalog order and random order (mean of 5 shuffles).
//  3. BPM arc (90:140:100, n = 2·n): mean |bpm − target| (half/double folded) and transition cost with
//     and without the arc, and what the arc costs in precision.
// docs/benchmarks/playlists.md records a run.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { coreClient, loadNodeCore } from '../../../web/core_client.mjs';

function args(argv) {
  const o = { catalog: path.join(process.env.CF_CACHE_DIR || path.join(os.homedir(), '.cache/cuefinder'), 'demo/catalog'),
    perPackage: 6, n: 10, json: false, arc: '90:140:100' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--seeds-per-package') o.perPackage = Number(argv[++i]);
    else if (a === '--n') o.n = Number(argv[++i]);
    else if (a === '--arc') o.arc = argv[++i];
    else if (a === '--json') o.json = true;
    else if (a === '--smoke') { SMOKE = true; o.perPackage = 1; o.n = 1; }
    else o.catalog = a;
  }
  return o;
}

// A small deterministic generator (mulberry32).
function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle(a, r) {
  const b = a.slice();
  for (let i = b.length - 1; i > 0; i--) { const j = Math.floor(r() * (i + 1)); [b[i], b[j]] = [b[j], b[i]]; }
  return b;
}

const mean = (xs) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
let SMOKE = false;
// --smoke: ids without a package prefix fall into two stand-in packages (the smoke run only exercises the code).
const pkgOf = (id) => (SMOKE && !id.includes('/') ? (id.charCodeAt(0) % 2 ? 'odd' : 'even') : id.split('/')[0]);

function seedSets(tracks, perPackage) {
  const byPkg = new Map();
  for (const t of tracks) (byPkg.get(pkgOf(t.id)) || byPkg.set(pkgOf(t.id), []).get(pkgOf(t.id))).push(t.id);
  const pkgs = [...byPkg.keys()].filter((p) => byPkg.get(p).length >= (SMOKE ? 3 : 6)).sort();
  const r = rng(16);
  const sets = [];
  pkgs.forEach((p, i) => {
    for (let k = 0; k < perPackage; k++) sets.push({ pkg: p, half: i % 2 === 0 ? 'tune' : 'held', seed: shuffle(byPkg.get(p), r).slice(0, 3) });
  });
  return { sets, pkgs };
}

function main() {
  const o = args(process.argv.slice(2));
  return loadNodeCore().then(({ Module: core }) => {
    const c = coreClient(core);
    const h = c.must('cf_playlist_open', o.catalog);
    const tracks = JSON.parse(fs.readFileSync(path.join(o.catalog, 'catalog.json'), 'utf8')).tracks;
    const { sets, pkgs } = seedSets(tracks, o.perPackage);
    const make = (spec) => c.mustJson('cf_playlist_make', h, JSON.stringify(spec), null, 0, 0, null, 0);
    const precision = (pl, pkg) => mean(pl.entries.map((e) => (pkgOf(e.id) === pkg ? 1 : 0)));
    const cost = (ids) => c.must('cf_playlist_order_cost', h, JSON.stringify(ids), '{}');

    // 1. Selection.
    const modes = [['union', { selection: 'union' }], ['mean', { selection: 'mean' }],
      ...[0.5, 1, 2, 4, 8].map((t) => [`soft_min T=${t}`, { selection: 'soft_min', temperature: t }])];
    const sel = {};
    for (const [name, extra] of modes) {
      const by = { tune: [], held: [] };
      for (const s of sets) by[s.half].push(precision(make({ seed: s.seed, n: o.n, include_seeds: false, order: 'by_fit', ...extra }), s.pkg));
      sel[name] = { tune: mean(by.tune), held: mean(by.held) };
    }
    // The most a playlist can reach: all of the package's other tracks, up to n.
    const size = new Map();
    for (const t of tracks) size.set(pkgOf(t.id), (size.get(pkgOf(t.id)) || 0) + 1);
    const best = (half) => mean(sets.filter((x) => x.half === half).map((x) => Math.min(o.n, size.get(x.pkg) - 3) / o.n));
    sel.ceiling = { tune: best('tune'), held: best('held') };
    const sets_ = modes.filter(([n]) => n !== 'union');
    const [bestName, bestExtra] = sets_.reduce((a, b) => (sel[b[0]].tune > sel[a[0]].tune + 1e-9 ? b : a));

    // 2. Order, on the held-out half with the chosen selection, for n and 3n tracks.
    const held = sets.filter((s) => s.half === 'held');
    const r = rng(7);
    const index = new Map(tracks.map((t, i) => [t.id, i]));
    const orderRun = (n) => {
      const ord = { ours: [], greedy: [], catalog: [], random: [] };
      let beat = 0, tie = 0;
      for (const s of held) {
        const spec = { seed: s.seed, n, include_seeds: false, ...bestExtra };
        const ours = make(spec), greedy = make({ ...spec, order: 'greedy' });
        const ids = ours.entries.map((e) => e.id);
        ord.ours.push(ours.mean_transition_cost);
        ord.greedy.push(greedy.mean_transition_cost);
        ord.catalog.push(cost(ids.slice().sort((a, b) => index.get(a) - index.get(b))));
        ord.random.push(mean([0, 1, 2, 3, 4].map(() => cost(shuffle(ids, r)))));
        if (ours.mean_transition_cost < greedy.mean_transition_cost - 1e-6) beat++;
        else if (Math.abs(ours.mean_transition_cost - greedy.mean_transition_cost) <= 1e-6) tie++;
      }
      return { n, ...Object.fromEntries(Object.entries(ord).map(([k, v]) => [k, mean(v)])), beat, tie };
    };
    const orders = [orderRun(o.n), orderRun(3 * o.n)];

    // 3. BPM arc: arc_weight chosen on the tuning half, all reported.
    const [as, ap, ae] = o.arc.split(':').map(Number);
    const arcErr = (pl, n) => {
      const half = (n - 1) / 2;
      const target = (i) => (i <= half ? as + (ap - as) * i / half : ap + (ae - ap) * (i - half) / half);
      return mean(pl.entries.filter((x) => x.bpm > 0).map((x) => Math.min(...[x.bpm, x.bpm / 2, x.bpm * 2].map((b) => Math.abs(b - target(x.position - 1))))));
    };
    const arcRun = (half, extra) => {
      const a = { err: [], cost: [], prec: [] };
      for (const s of sets.filter((x) => x.half === half)) {
        const pl = make({ seed: s.seed, n: 2 * o.n, include_seeds: false, ...bestExtra, ...extra });
        a.err.push(arcErr(pl, 2 * o.n)), a.cost.push(pl.mean_transition_cost), a.prec.push(precision(pl, s.pkg));
      }
      return Object.fromEntries(Object.entries(a).map(([k, v]) => [k, mean(v)]));
    };
    const arcRows = [['no arc', {}], ...[0.5, 1, 2, 4].map((w) => [`arc, arc_weight ${w}`, { bpm_arc: o.arc, arc_weight: w }])]
      .map(([name, extra]) => ({ name, tune: arcRun('tune', extra), held: arcRun('held', extra) }));
    // 4. Time per playlist (WASM under Node; wall time, so it depends on the machine's load).
    const timing = [[o.n, {}], [SMOKE ? 2 : 100, {}], [SMOKE ? 2 : 100, { bpm_arc: o.arc }]].map(([n, extra]) => {
      const t0 = performance.now();
      for (const s of held) make({ seed: s.seed, n, include_seeds: false, ...bestExtra, ...extra });
      return { n, arc: !!extra.bpm_arc, ms: (performance.now() - t0) / held.length };
    });
    c.call('cf_playlist_free', h);

    const report = {
      catalog: o.catalog, n_tracks: tracks.length, packages: pkgs.length, seed_sets: sets.length, n: o.n,
      selection_precision: sel, chosen: bestName, orders, arc: arcRows, arc_spec: o.arc, timing,
    };
    if (o.json) { console.log(JSON.stringify(report, null, 1)); return; }
    const f = (x, d = 3) => x.toFixed(d);
    console.log(`${o.catalog}: ${tracks.length} tracks, ${pkgs.length} packages with ≥ 6 tracks, ${sets.length} seed sets of 3 (${o.perPackage} per package), n = ${o.n}`);
    console.log('\nseed-set precision (share of the playlist from the seeds\' package; seeds left out)');
    console.log('selection            tune half   held-out half');
    for (const [name] of modes) console.log(`${name.padEnd(20)} ${f(sel[name].tune).padStart(9)}   ${f(sel[name].held).padStart(13)}`);
    console.log(`${'(ceiling)'.padEnd(20)} ${f(sel.ceiling.tune).padStart(9)}   ${f(sel.ceiling.held).padStart(13)}   all of the package's other tracks`);
    console.log(`chosen on the tuning half: ${bestName}`);
    for (const x of orders) {
      console.log(`\nmean adjacent-transition cost, held-out half (${held.length} playlists of ${x.n}, ${bestName})`);
      for (const k of ['ours', 'greedy', 'catalog', 'random']) console.log(`${k.padEnd(10)} ${f(x[k], 4)}`);
      console.log(`ours < greedy in ${x.beat} of ${held.length} playlists, equal in ${x.tie}`);
    }
    console.log(`\nBPM arc ${o.arc}, n = ${2 * o.n}: mean |bpm - target| (half/double folded), transition cost, precision`);
    console.log('                          tune: err   cost   prec | held: err   cost   prec');
    for (const r2 of arcRows)
      console.log(`${r2.name.padEnd(24)} ${f(r2.tune.err, 1).padStart(9)} ${f(r2.tune.cost).padStart(6)} ${f(r2.tune.prec).padStart(6)} | ` +
        `${f(r2.held.err, 1).padStart(9)} ${f(r2.held.cost).padStart(6)} ${f(r2.held.prec).padStart(6)}`);
    console.log('\ntime per playlist (WASM, Node): ' + timing.map((t) => `n = ${t.n}${t.arc ? ' with the arc' : ''}: ${f(t.ms, 1)} ms`).join(', '));
  });
}

main().catch((e) => { console.error(`bench playlist: ${e.message}`); process.exit(1); });
