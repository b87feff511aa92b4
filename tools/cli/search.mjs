#!/usr/bin/env node
// ./cuefinder search CATALOG FILE|--track ID [-k N] [filters] [--json]
//
//   CATALOG            a catalog folder (catalog.cfc inside) or a .cfc file
//   FILE               an audio file: analysed on this machine (WASM core + ONNX Runtime Web), its
//                      embedding, tags and moods are the query
//   --track ID         a catalog track as the query (it is left out of the results)
//   -k N               results (default 10)
//   --bpm MIN:MAX      --duration MIN:MAX (seconds)      either side may be empty ("100:", ":90")
//   --mood NAME=MIN    e.g. --mood happy=0.5 (repeatable; happy, sad, relaxed, aggressive, danceable)
//   --license KIND,..  public-domain, cc-by, cc-by-sa, cc-by-nc, gpl, lgpl, artistic, mit-bsd, other
//   --exact            exhaustive scan (no index)
//   --json             {"query": ..., "results": [{"rank", "id", "path", "title", "score", ...}]}
// Filters apply before the top-k: k results come back whenever k tracks pass.
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { createAnalyzer, parseArgs as parseAnalyzeArgs } from './analyze.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function range(s, what) {
  const m = /^\s*([0-9.]*)\s*:\s*([0-9.]*)\s*$/.exec(s || '');
  if (!m) throw new Error(`${what}: expected MIN:MAX, got ${s}`);
  return [m[1] === '' ? null : parseFloat(m[1]), m[2] === '' ? null : parseFloat(m[2])];
}

export function parseArgs(argv) {
  const o = { catalog: null, file: null, track: null, k: 10, json: false, options: [] };
  const pos = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = () => { if (i + 1 >= argv.length) throw new Error(`${a} needs a value`); return argv[++i]; };
    if (a === '--json') o.json = true;
    else if (a === '-k' || a === '--k') { o.k = parseInt(v(), 10); if (!(o.k >= 1)) throw new Error('-k needs a number >= 1'); }
    else if (a === '--track') o.track = v();
    else if (a === '--bpm') { const [lo, hi] = range(v(), '--bpm'); if (lo != null) o.options.push(['bpm_min', lo]); if (hi != null) o.options.push(['bpm_max', hi]); }
    else if (a === '--duration') { const [lo, hi] = range(v(), '--duration'); if (lo != null) o.options.push(['duration_min_s', lo]); if (hi != null) o.options.push(['duration_max_s', hi]); }
    else if (a === '--mood') { const [k, val] = v().split('='); if (!k || !(parseFloat(val) >= 0)) throw new Error('--mood: expected NAME=MIN'); o.options.push(['mood_min', k, parseFloat(val)]); }
    else if (a === '--license') for (const k of v().split(',')) o.options.push(['license', k.trim()]);
    else if (a === '--exact') o.options.push(['exact', 1]);
    else if (a.startsWith('-')) throw new Error(`unknown option ${a}`);
    else pos.push(a);
  }
  [o.catalog, o.file] = pos;
  if (!o.catalog) throw new Error('no catalog given');
  if (!o.file && !o.track) throw new Error('give an audio FILE or --track ID');
  if (o.file && o.track) throw new Error('give either FILE or --track, not both');
  if (pos.length > 2) throw new Error(`unexpected argument ${pos[2]}`);
  return o;
}

async function main() {
  let o;
  try {
    o = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`cuefinder search: ${e.message}\nusage: ./cuefinder search CATALOG FILE|--track ID [-k N] [--bpm MIN:MAX] [--duration MIN:MAX] [--mood NAME=MIN] [--license KIND,...] [--json]`);
    process.exit(2);
  }
  let core, analysis = null;
  if (o.file) {
    const an = await createAnalyzer(parseAnalyzeArgs(['--no-taggram', '--no-curves']));
    analysis = await an.analyze(o.file);
    if (analysis.error) { console.error(`cuefinder search: ${analysis.error}`); process.exit(1); }
    core = an.core;
  } else {
    const require = createRequire(import.meta.url);
    core = await require(process.env.CF_NODE_MODULE || path.join(root, 'build/wasm-release/tools/cli/cuefinder_node.js'))();
  }
  const str = (s) => { const n = core.lengthBytesUTF8(s) + 1; const p = core._malloc(n); core.stringToUTF8(s, p, n); return p; };
  const cp = str(o.catalog);
  const h = core._cf_catalog_open(cp);
  core._free(cp);
  if (h < 0) { console.error(`cuefinder search: ${core.UTF8ToString(core._cf_catalog_last_text())}`); process.exit(1); }
  const opts = [['k', o.k], ...o.options];
  let qp = 0, dim = 0;
  if (analysis) {
    dim = analysis.embedding.dim;
    if (dim !== core._cf_catalog_dim(h)) { console.error(`cuefinder search: the catalog's embeddings are ${core._cf_catalog_dim(h)}-d, the query's ${dim}-d`); process.exit(1); }
    qp = core._malloc(dim * 4);
    core.HEAPF32.set(Float32Array.from(analysis.embedding.values), qp >> 2);
    for (const [l, p] of Object.entries(analysis.tags.msd).sort((a, b) => b[1] - a[1]).slice(0, 10)) opts.push(['query_tag', l, p]);
    for (const [m, p] of Object.entries(analysis.moods)) opts.push(['query_mood', m, p]);
  }
  const op = str(opts.map((f) => f.map((x) => String(x).replace(/[\t\n]/g, ' ')).join('\t')).join('\n'));
  const tp = str(o.track || '');
  const res = JSON.parse(core.UTF8ToString(core._cf_catalog_search(h, qp, dim, tp, op)));
  if (res.error) { console.error(`cuefinder search: ${res.error}`); process.exit(1); }
  res.query = o.track ? { track: o.track } : { file: o.file, bpm: analysis.bpm, moods: analysis.moods,
    top_tags: Object.entries(analysis.tags.msd).sort((a, b) => b[1] - a[1]).slice(0, 5).map(([l]) => l) };
  if (o.json) {
    process.stdout.write(JSON.stringify(res) + '\n');
  } else {
    console.log(o.track ? `tracks like ${o.track}:` : `tracks like ${o.file} (${res.query.top_tags.join(', ')}):`);
    for (const r of res.results) {
      const why = [...r.shared_tags, ...r.shared_moods].slice(0, 5).join(', ');
      console.log(`${String(r.rank).padStart(3)}. ${r.score.toFixed(3)}  ${r.title || r.id}${r.artist ? ' — ' + r.artist : ''}  [${r.source}, ${r.license_kind}]` +
        `${r.bpm ? `  ${Math.round(r.bpm)} BPM` : ''}${why ? `  (shares: ${why})` : ''}`);
    }
    if (res.results.length === 0) console.log('  (no track passes the filters)');
  }
  process.exit(0);
}

main();
