#!/usr/bin/env node
// What does analysing only part of a long track cost? (issue 3, item 3)
//
//   node tools/eval/windows.mjs [--min-s 150] [--max-tracks N] [--out FILE.md] [--cache FILE.json] [--list FILES.txt] FILE|DIR...
//
// Every track is analysed completely once (msd + mtt, every non-overlapping patch, the per-patch
// embeddings kept). Each sampling strategy is then a subset of those patches: K windows of W
// consecutive patches centred at (i + 1) / (K + 1) of the track, exactly where TrackAnalyzer puts
// them (the real windows start on other sample offsets; patch outputs are locally stationary, so
// the subset is a faithful stand-in and costs no extra inference). For each strategy and track:
//   - cosine similarity of the strategy's mean embedding with the full-track mean embedding;
//   - top-5 tag agreement (|top5 ∩ top5_full| / 5) for msd and mtt; mean |Δp| over the 50 tags;
//   - the patches it needs (its inference cost).
// Prints and writes a Markdown table; the defaults in track_analyzer.h come from it.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAnalyzer, parseArgs } from '../../src/cli/analyze.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function listAudio(p, out) {
  const st = fs.statSync(p);
  if (st.isDirectory()) {
    for (const e of fs.readdirSync(p).sort()) listAudio(path.join(p, e), out);
  } else if (/\.(ogg|opus|mp3|flac|wav|oga)$/i.test(p)) out.push(p);
  return out;
}

const cosine = (a, b) => {
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < a.length; i++) { ab += a[i] * b[i]; aa += a[i] * a[i]; bb += b[i] * b[i]; }
  return ab / Math.sqrt(aa * bb || 1);
};

function mean(rows, idx, weights) {
  const dim = rows[0].length;
  const m = new Float64Array(dim);
  let wsum = 0;
  for (const i of idx) {
    const w = weights[i];
    wsum += w;
    for (let j = 0; j < dim; j++) m[j] += w * rows[i][j];
  }
  return Array.from(m, (v) => v / wsum);
}

const top5 = (v) => v.map((p, i) => [p, i]).sort((a, b) => b[0] - a[0]).slice(0, 5).map((x) => x[1]);
const overlap = (a, b) => { const s = new Set(top5(a)); return top5(b).filter((i) => s.has(i)).length / 5; };
const mad = (a, b) => a.reduce((s, v, i) => s + Math.abs(v - b[i]), 0) / a.length;

// Patch indices of K windows × W patches, centred like TrackAnalyzer's windows.
function windowPatches(n, K, W) {
  if (K * W >= n) return [...Array(n).keys()];
  const idx = new Set();
  for (let i = 0; i < K; i++) {
    const centre = (n * (i + 1)) / (K + 1);
    let start = Math.round(centre - W / 2);
    start = Math.max(0, Math.min(n - W, start));
    for (let j = 0; j < W; j++) idx.add(start + j);
  }
  return [...idx].sort((a, b) => a - b);
}

async function main() {
  const argv = process.argv.slice(2);
  let listFile = null, minS = 150, maxTracks = Infinity, out = path.join(root, 'docs/benchmarks/windows.md'), cache = null;
  const inputs = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--min-s') minS = parseFloat(argv[++i]);
    else if (argv[i] === '--max-tracks') maxTracks = parseInt(argv[++i], 10);
    else if (argv[i] === '--out') out = argv[++i];
    else if (argv[i] === '--cache') cache = argv[++i];
    else if (argv[i] === '--list') {
      listFile = argv[++i];
      inputs.push(...fs.readFileSync(listFile, 'utf8').split('\n').filter(Boolean));
    }
    else inputs.push(argv[i]);
  }
  const files = inputs.flatMap((p) => listAudio(p, []));
  const opts = parseArgs(['--full', '--only', 'msd,mtt', '--patch-embeddings', '--no-curves', '--precise']);
  const analyzer = await createAnalyzer(opts);
  let cached = {};
  if (cache && fs.existsSync(cache)) cached = JSON.parse(fs.readFileSync(cache, 'utf8'));
  const tracks = [];
  for (const f of files) {
    if (tracks.length >= maxTracks) break;
    let r = cached[f];
    if (!r) {
      const t0 = Date.now();
      const full = await analyzer.analyze(f);
      if (full.error) { console.error(`${f}: ${full.error}`); continue; }
      if (full.duration_s < minS) continue;
      const mtt = full.tags.mtt;
      r = { file: f, duration_s: full.duration_s, times: full.taggram.times_s, msd: full.taggram.values,
        emb: [], mttMean: Object.values(mtt) };
      const dim = full.embedding.dim;
      for (let p = 0; p < full.taggram.values.length; p++) r.emb.push(full.embedding.per_patch.slice(p * dim, (p + 1) * dim));
      console.error(`${path.basename(f)}: ${full.duration_s.toFixed(0)} s, ${r.emb.length} patches, ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      cached[f] = r;
      if (cache) fs.writeFileSync(cache, JSON.stringify(cached));
    }
    if (r.duration_s >= minS) tracks.push(r);
  }
  if (tracks.length === 0) { console.error('no tracks long enough'); process.exit(1); }
  const strategies = [];
  for (const [K, W] of [[1, 2], [2, 1], [1, 4], [2, 2], [4, 1], [3, 2], [6, 1], [2, 4], [4, 2], [8, 1], [3, 4], [4, 3], [12, 1], [16, 1], [4, 5], [6, 3], [8, 2], [4, 10], [24, 1]])
    strategies.push({ name: `${K} × ${W}`, K, W });
  const rows = [];
  for (const s of strategies) {
    const cos = [], agree = [], dmsd = [], cost = [];
    for (const t of tracks) {
      const n = t.emb.length;
      const w = new Array(n).fill(1);  // full patches; the padded last one is a sliver of a long track
      const all = [...Array(n).keys()];
      const idx = windowPatches(n, s.K, s.W);
      cos.push(cosine(mean(t.emb, idx, w), mean(t.emb, all, w)));
      const fullMsd = mean(t.msd, all, w), subMsd = mean(t.msd, idx, w);
      agree.push(overlap(fullMsd, subMsd));
      dmsd.push(mad(fullMsd, subMsd));
      cost.push(idx.length / n);
    }
    const avg = (a) => a.reduce((x, y) => x + y, 0) / a.length;
    const min = (a) => Math.min(...a);
    rows.push({ ...s, patches: s.K * s.W, cos: avg(cos), cosMin: min(cos), agree: avg(agree), agreeMin: min(agree), dmsd: avg(dmsd), cost: avg(cost) });
  }
  const hours = tracks.reduce((a, t) => a + t.duration_s, 0) / 3600;
  const lines = [
    '# Windowed analysis of long tracks: what the shortcut costs',
    '',
    `Command: \`node tools/eval/windows.mjs --min-s ${minS} ${listFile ? '--list FILES.txt' : inputs.join(' ')}\`` +
      (listFile ? ` on ${files.length} files: ${files.map((f) => path.basename(f)).join(', ')}.` : ''),
    `(2-core Debian bookworm VM, ${new Date().toISOString().slice(0, 10)}). ${tracks.length} real tracks of at least ${minS} s ` +
      `(${hours.toFixed(1)} h; mean ${(hours * 3600 / tracks.length / 60).toFixed(1)} min), each analysed completely with msd-musicnn-1; ` +
      'a strategy "K × W" keeps K windows of W consecutive 3-s patches centred at (i+1)/(K+1) of the track.',
    '',
    '| strategy K × W | patches | share of the track | cosine to full mean embedding (mean / worst) | msd top-5 agreement (mean / worst) | mean abs Δ tag prob |',
    '|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.name} | ${r.patches} | ${(r.cost * 100).toFixed(1)} % | ${r.cos.toFixed(4)} / ${r.cosMin.toFixed(4)} | ${r.agree.toFixed(2)} / ${r.agreeMin.toFixed(2)} | ${r.dmsd.toFixed(4)} |`),
    '',
  ];
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, lines.join('\n'));
  console.log(lines.join('\n'));
  process.exit(0);
}

main();
