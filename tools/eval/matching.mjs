#!/usr/bin/env node
// Matching quality on a built catalog (issue 4): which embedding should search use?
//
//   node tools/eval/matching.mjs [CATALOG_DIR] [--out docs/benchmarks/matching.md]
//
// Reads CATALOG_DIR/catalog.json (ids, sources) and the analyses kept by `catalog build` in
// CATALOG_DIR/.work/analysis, and compares, by cosine similarity:
//   embedding   the 200-d msd-musicnn-1 embedding (mean over the analysed patches)
//   msd tags    the 50 MSD tag probabilities;  msd+mtt tags  the 100 tag probabilities
//   combined    [embedding / |embedding|, msd tags / |msd tags|] (equal weight)
// Metrics: for the known version pairs (CATALOG.md), the rank of the partner when either is the query
// (1 = first result); mean precision@10 of "same source package" over every track (a weak label:
// a package is one game's soundtrack, often one composer) and of "same group" (package + folder).
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const dir = args.find((a) => !a.startsWith('--') && args[args.indexOf(a) - 1] !== '--out') ||
  path.join(process.env.CF_CACHE_DIR || path.join(os.homedir(), '.cache/cuefinder'), 'demo/catalog');
const out = args.includes('--out') ? args[args.indexOf('--out') + 1] : path.join(root, 'docs/benchmarks/matching.md');

const cat = JSON.parse(fs.readFileSync(path.join(dir, 'catalog.json'), 'utf8'));
const byPath = new Map();
for (const f of fs.readdirSync(path.join(dir, '.work/analysis'))) {
  const r = JSON.parse(fs.readFileSync(path.join(dir, '.work/analysis', f), 'utf8'));
  if (!r.error) byPath.set(r.file, r);
}
const tracks = cat.tracks.filter((t) => byPath.has(t.path));
const norm = (v) => { const n = Math.sqrt(v.reduce((a, x) => a + x * x, 0)) || 1; return v.map((x) => x / n); };
const spaces = {
  'embedding (200-d)': (r) => norm(r.embedding.values),
  'msd tags (50)': (r) => norm(Object.values(r.tags.msd)),
  'msd + mtt tags (100)': (r) => norm([...Object.values(r.tags.msd), ...Object.values(r.tags.mtt)]),
  'combined: embedding + msd tags': (r) => norm([...norm(r.embedding.values), ...norm(Object.values(r.tags.msd))]),
};
const PAIRS = [
  ['warzone2100-music/albums/original_soundtrack/track3', 'warzone2100-music/albums/aftermath_soundtrack/track3_enhanced'],
  ['nexuiz-music/sixtyfour_', 'nexuiz-music/sixtyfour_revisited'],
  ['supertux-data/antarctic/airship_2', 'supertux-data/antarctic/airship_remix'],
  ...['armygeddon', 'chaos_god', 'internal_degeneration', 'mutilated_mime'].map((s) =>
    [`fretsonfire-songs-muldjord/${s}/song`, `fretsonfire-songs-muldjord/${s}/guitar`]),
];
const group = (t) => t.id.split('/').slice(0, -1).join('/');
const idx = new Map(tracks.map((t, i) => [t.id, i]));
const rows = [];
const pairRows = PAIRS.filter(([a, b]) => idx.has(a) && idx.has(b));
const pairRanks = {};
for (const [name, f] of Object.entries(spaces)) {
  const V = tracks.map((t) => f(byPath.get(t.path)));
  const sim = (i, j) => { let s = 0; for (let k = 0; k < V[i].length; k++) s += V[i][k] * V[j][k]; return s; };
  const ranked = (i) => tracks.map((_, j) => j).filter((j) => j !== i).sort((a, b) => sim(i, b) - sim(i, a));
  let p10 = 0, g10 = 0;
  const lists = tracks.map((_, i) => ranked(i));
  tracks.forEach((t, i) => {
    const top = lists[i].slice(0, 10);
    p10 += top.filter((j) => tracks[j].source === t.source).length / 10;
    g10 += top.filter((j) => group(tracks[j]) === group(t)).length / 10;
  });
  pairRanks[name] = pairRows.map(([a, b]) => {
    const ia = idx.get(a), ib = idx.get(b);
    return [lists[ia].indexOf(ib) + 1, lists[ib].indexOf(ia) + 1];
  });
  const all = pairRanks[name].flat();
  rows.push({ name, p10: p10 / tracks.length, g10: g10 / tracks.length, meanRank: all.reduce((a, b) => a + b, 0) / all.length,
    top10: all.filter((r) => r <= 10).length / all.length });
}
// Chance level of precision@10 for "same source": sum over tracks of (n_source - 1) / (n - 1).
const counts = {};
for (const t of tracks) counts[t.source] = (counts[t.source] || 0) + 1;
const chance = tracks.reduce((a, t) => a + (counts[t.source] - 1) / (tracks.length - 1), 0) / tracks.length;
// The default is the best precision@10: it averages over every track; the 7 pairs give only 14 ranks.
const best = rows.slice().sort((a, b) => b.p10 - a.p10)[0];
const lines = [
  '# Matching quality on the demo catalog',
  '',
  `Command: \`node tools/eval/matching.mjs\` on the catalog built by \`./cuefinder catalog demo\` (${tracks.length} tracks, ` +
    `${Object.keys(counts).length} source packages; catalog profile: 8 one-patch windows per track). ${new Date().toISOString().slice(0, 10)}.`,
  '',
  '| embedding | precision@10 same package | precision@10 same group | version pairs: mean rank of the partner | partner in top 10 |',
  '|---|---|---|---|---|',
  ...rows.map((r) => `| ${r.name} | ${r.p10.toFixed(3)} | ${r.g10.toFixed(3)} | ${r.meanRank.toFixed(1)} | ${(r.top10 * 100).toFixed(0)} % |`),
  '',
  `Chance level for precision@10 same package: ${chance.toFixed(3)}.`,
  '',
  '## Rank of the partner, per version pair (query a → b / query b → a)',
  '',
  `| pair | ${Object.keys(spaces).join(' | ')} |`,
  `|---|${Object.keys(spaces).map(() => '---').join('|')}|`,
  ...pairRows.map(([a, b], i) => `| ${a.split('/').pop()} ↔ ${b.split('/').slice(-2).join('/')} | ${Object.keys(spaces).map((k) => pairRanks[k][i].join(' / ')).join(' | ')} |`),
  '',
  `Best precision@10 (over all ${tracks.length} queries; the pairs give only ${pairRows.length * 2} ranks): **${best.name}**, ` +
    'which is what `catalog build` stores and `search` uses.',
  '',
];
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, lines.join('\n'));
console.log(lines.join('\n'));
