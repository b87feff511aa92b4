#!/usr/bin/env node
// Smoke run of every benchmark recorded in docs/benchmarks (list: docs/benchmarks/README.md): each one's
// tiny mode on data in the repository (the test fixture catalog of tests/js/fixture_catalog.mjs, the
// golden signals, tests/data), so a refactor that breaks a benchmark fails `./cuefinder test`
// (tests/js/bench_smoke.test.mjs) instead of going unnoticed until the next full run.
//
//   node tools/bench/smoke.mjs [NAME...] [--list]
//
// First every .mjs under tools/bench and tools/eval has its relative imports checked (also those of
// benchmarks that cannot run here). Then each benchmark runs; one that needs what a fresh clone or this
// machine lacks (a build artefact, Chromium, upstream models, a data set in ~/.cache) is skipped with the
// reason. Exit status 1 names every benchmark that failed. Outputs go to build/bench-smoke (never docs/).
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { fixtureCatalog, fixtureSkipReason, nodeModule } from '../../tests/js/fixture_catalog.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const work = path.join(root, 'build/bench-smoke');
// Native binaries: native-release, else native-debug (what ./cuefinder test builds on a fresh clone).
const native = (p) => [path.join(root, 'build/native-release', p), path.join(root, 'build/native-debug', p)].find((f) => fs.existsSync(f)) ||
  path.join(root, 'build/native-release', p);
const wasm = (p) => path.join(root, 'build/wasm-release', p);
const CACHE = process.env.CF_EVAL_CACHE || path.join(process.env.HOME || '/', '.cache/cuefinder/eval');

/** Relative imports of every script of tools/bench and tools/eval that do not resolve: ["file: spec", ...]. */
export function brokenImports(dirs = ['tools/bench', 'tools/eval'].map((d) => path.join(root, d))) {
  const broken = [];
  const walk = (dir) => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(path.join(dir, e.name)) : /\.m?js$/.test(e.name) ? [path.join(dir, e.name)] : []);
  for (const file of dirs.flatMap(walk)) {
    const text = fs.readFileSync(file, 'utf8');
    // Top-level static imports start a line; dynamic imports of a literal path anywhere. Page-side imports inside
    // template strings (video/chromium.mjs) are indented and refer to the page's files: not matched.
    const specs = [...text.matchAll(/^import\s[^;]*?from\s+'(\.[^']+)'/gm), ...text.matchAll(/\bimport\('(\.[^']+)'\)/g)].map((m) => m[1]);
    for (const s of specs) if (!fs.existsSync(path.resolve(path.dirname(file), s))) broken.push(`${path.relative(root, file)}: ${s}`);
  }
  return broken;
}

// A labelled set in the zero-shot sets' format (tools/eval/zeroshot/README.md) made from the fixture
// catalog's analyses: every analysis as 5 clips of their own "piece", two labels on 15 clips each (K = 10
// needs 12 positives). The
// numbers it gives mean nothing; it lets fewshot/run.mjs and zeroshot/run.mjs run end to end.
function labelledSet(catalog) {
  const dir = path.join(work, 'labelled-set');
  const an = path.join(catalog, '.work/analysis');
  const analyses = fs.readdirSync(an).filter((f) => f.endsWith('.json')).sort().map((f) => JSON.parse(fs.readFileSync(path.join(an, f), 'utf8')));
  if (analyses.length < 6) throw new Error(`labelled set: the fixture catalog has ${analyses.length} analyses, 6 needed`);
  const entries = [], lines = [];
  analyses.forEach((a, i) => {
    for (let c = 0; c < 5; c++) {
      const file = `clips/fixture${i}-${c}.ogg`;
      const labels = i < 3 ? ['piano'] : i < 6 ? ['accordion'] : [];
      entries.push({ file, soundfont: 'fixture', piece: `fixture${i}-${c}`, labels, exclude: [] });
      lines.push(JSON.stringify({ ...a, clip: file }));
    }
  });
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'labels.json'), JSON.stringify(entries));
  fs.writeFileSync(path.join(dir, 'analysis.jsonl'), lines.join('\n') + '\n');
  fs.writeFileSync(path.join(dir, 'vocabulary.json'), JSON.stringify({ labels: {
    piano: { in_vocabulary: true, model_tags: {}, kind: 'instrument', positives: 15 },
    accordion: { in_vocabulary: false, model_tags: {}, kind: 'instrument', positives: 15 } } }));
  return dir;
}

const needFile = (...files) => () => { for (const f of files) if (!fs.existsSync(f)) return `needs ${path.relative(root, f)}`; return false; };
const needCatalog = () => fixtureSkipReason();
const node = (...a) => [process.execPath, ...a];
const out = (f) => path.join(work, f);

// name, the docs/benchmarks page, the command run (a function: the fixture catalog is built on first use),
// what must exist (else skipped with that reason). `data` marks a benchmark whose full run needs data a fresh
// clone cannot have: its smoke run uses the fixture stand-ins named in its command.
export const BENCHES = [
  { name: 'features', doc: 'features.md', skip: needFile(native('tools/bench/bench_features'), wasm('tools/bench/bench_features.js'), path.join(root, 'node_modules/essentia.js')),
    cmd: () => node('tools/bench/features.mjs', '--smoke') },
  { name: 'analyze', doc: 'analyze.md', skip: needFile(nodeModule), cmd: () => node('tools/bench/analyze.mjs', '--smoke') },
  { name: 'analyze_e2e', doc: 'analyze_e2e.md', skip: needFile(nodeModule), cmd: () => node('tools/bench/e2e/run.mjs', '--smoke') },
  { name: 'model_check', doc: 'model_check.md', skip: needFile(nodeModule), cmd: () => node('tools/bench/model_check.mjs', '--reps', '1') },
  { name: 'app', doc: 'app.md', skip: () => false, cmd: () => node('tools/bench/app.mjs', '--smoke') },
  { name: 'search', doc: 'search.md', skip: () => false, cmd: () => ['bash', 'tools/bench/search/run.sh', '--smoke'] },
  { name: 'search_export', doc: 'search.md', skip: needCatalog,
    cmd: () => node('tools/bench/search/export_embeddings.mjs', path.join(fixtureCatalog(), '.work/analysis'), '-o', out('search_export.f32')) },
  { name: 'space_latency', doc: 'matching.md', skip: needCatalog, cmd: () => node('tools/bench/search/space_latency.mjs', fixtureCatalog()) },
  { name: 'tsne', doc: 'tsne.md', skip: () => false, cmd: () => ['bash', 'tools/bench/tsne/run.sh', '--smoke'] },
  { name: 'decode_native', doc: 'analyze.md', skip: needFile(native('tools/bench/decode/bench_decode')),
    cmd: () => [native('tools/bench/decode/bench_decode'), '--repeat', '1', 'tests/data/audio/vorbis_q2_44k_stereo_3s.ogg'] },
  { name: 'decode_wasm', doc: 'analyze.md', skip: needFile(wasm('tools/bench/decode/bench_decode.js')),
    cmd: () => node(wasm('tools/bench/decode/bench_decode.js'), '--repeat', '1', 'tests/data/audio/vorbis_q2_44k_stereo_3s.ogg') },
  { name: 'fit_native', doc: 'fit.md', skip: needFile(native('tools/bench/fit/bench_fit')), cmd: () => [native('tools/bench/fit/bench_fit'), '1'] },
  { name: 'fit_wasm', doc: 'fit.md', skip: needFile(wasm('tools/bench/fit/bench_fit.js')), cmd: () => node(wasm('tools/bench/fit/bench_fit.js'), '1') },
  { name: 'video', doc: 'video.md', skip: () => false, cmd: () => ['bash', 'tools/bench/video/run.sh', '--smoke'] },
  { name: 'session', doc: 'sessions.md', skip: needCatalog, cmd: () => node('tools/bench/session/run.mjs', fixtureCatalog(), '--smoke', '--json', out('session.json')) },
  { name: 'playlist', doc: 'playlists.md', skip: needCatalog, cmd: () => node('tools/bench/playlist/bench.mjs', fixtureCatalog(), '--smoke') },
  { name: 'matching', doc: 'matching.md', skip: needCatalog, cmd: () => node('tools/eval/matching.mjs', fixtureCatalog(), '--out', out('matching.md')) },
  { name: 'windows', doc: 'windows.md', skip: needFile(nodeModule),
    cmd: () => node('tools/eval/windows.mjs', '--min-s', '1', '--out', out('windows.md'), 'tests/data/audio/vorbis_q2_44k_stereo_3s.ogg') },
  { name: 'fewshot', doc: 'fewshot.md', skip: needCatalog,
    cmd: () => node('tools/eval/fewshot/run.mjs', '--set1', labelledSet(fixtureCatalog()), '--set2', out('no-set2'), '--draws', '2', '--out', out('fewshot.md')) },
  { name: 'zeroshot', doc: 'zeroshot.md', skip: needCatalog,
    cmd: () => node('tools/eval/zeroshot/run.mjs', '--set', labelledSet(fixtureCatalog()), '--catalog', fixtureCatalog(), '--repeat', '2', '--no-sanity', '--out', out('zeroshot.md')) },
  // Full runs only: what they need cannot be in a fresh clone or made in seconds (their scripts' imports are checked above).
  { name: 'image_model', doc: 'image_model.md', skip: () => 'needs the photos and TFLite reference outputs of tools/eval/image_model_photos.py --upstream UPSTREAM_IMAGE_MODELS (not in the repository)' },
  { name: 'similarity', doc: 'matching.md', skip: () => 'needs the demo catalog (./cuefinder catalog demo: downloads 30 packages) and its per-window dump (tools/eval/similarity/dump.sh, ~1 h)' },
  { name: 'suggest', doc: 'suggest.md', skip: () => 'needs the calm/lively clips (tools/eval/suggest/make_clips.py fetches Debian images) and the demo catalog' },
  { name: 'tempo', doc: 'tempo.md', skip: () => 'needs fluidsynth and soundfonts from Debian and renders its own set (tools/eval/tempo/run.sh installs them)' },
  { name: 'video_chromium', doc: 'video.md', skip: () => 'a browser run of the 60 s 1080p clip (minutes); tools/bench/video/chromium*.mjs --runs 1 by hand' },
];

function main() {
  const args = process.argv.slice(2);
  if (args.includes('--list')) {
    for (const b of BENCHES) console.log(`${b.name}\t${b.doc}\t${b.cmd ? b.cmd().map((a) => path.relative(root, a) || a).join(' ') : '(full run only)'}`);
    return 0;
  }
  const only = args.filter((a) => !a.startsWith('--'));
  for (const n of only) if (!BENCHES.some((b) => b.name === n)) { console.error(`smoke: no benchmark named ${n} (--list)`); return 2; }
  fs.mkdirSync(work, { recursive: true });
  const failed = [];
  const broken = brokenImports();
  if (broken.length) { failed.push('imports'); console.log(`FAIL imports: ${broken.join('; ')}`); } else console.log('ok   imports (tools/bench, tools/eval)');
  for (const b of BENCHES.filter((x) => !only.length || only.includes(x.name))) {
    const reason = b.skip();
    if (reason || !b.cmd) { console.log(`skip ${b.name}: ${reason}`); continue; }
    const t0 = performance.now();
    let r;
    try {
      const [cmd, ...a] = b.cmd();
      r = spawnSync(cmd, a, { cwd: root, encoding: 'utf8', timeout: 120000, maxBuffer: 1 << 26, env: { ...process.env, CF_NODE_MODULE: nodeModule } });
    } catch (e) {
      r = { status: null, stdout: '', stderr: String(e && e.stack || e) };
    }
    const s = ((performance.now() - t0) / 1000).toFixed(1);
    const skipLine = (r.stdout || '').split('\n').find((l) => l.startsWith('skip: '));
    if (r.status !== 0) {
      failed.push(b.name);
      const tail = `${r.stderr || ''}\n${r.stdout || ''}`.trim().split('\n').slice(-12).map((l) => (l.length > 300 ? `${l.slice(0, 300)} …` : l)).join('\n');
      console.log(`FAIL ${b.name} (docs/benchmarks/${b.doc}; exit ${r.status}${r.signal ? `, ${r.signal}` : ''}, ${s} s)\n${tail}`);
    } else console.log(skipLine ? `skip ${b.name}: ${skipLine.slice(6)} (${s} s)` : `ok   ${b.name} (${s} s)`);
  }
  if (failed.length) { console.log(`\nbenchmarks broken: ${failed.join(', ')}`); return 1; }
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = main();
