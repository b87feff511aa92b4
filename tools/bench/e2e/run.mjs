#!/usr/bin/env node
// Whole-process analysis benchmark: the peer pipeline and `./cuefinder analyze` as a user runs them, on
// the same files, in one run, with the ratio and the per-stage times beside it.
//
//   node tools/bench/e2e/run.mjs --upstream UPSTREAM_AUDIO_MODELS [--reps 3] [--out FILE] [AUDIO...]
//   node tools/bench/e2e/run.mjs --smoke     # ours only, once, on the 3 s test clip (no peer models here)
//
// AUDIO defaults to two 3-minute Ogg Vorbis tracks of the demo catalog's sources
// (~/.cache/cuefinder/demo/music, made by `./cuefinder demo`). Every configuration is a fresh process
// timed from spawn to exit (start-up, imports, WASM compile, model loading included); the rounds
// interleave the configurations so each sees the same machine load. Median of --reps per file.
//   peer:  tools/bench/e2e/peer_analyze.mjs — ffmpeg decode + soxr to 16 kHz, essentia.js 0.1.3 musicnn
//          features, @tensorflow/tfjs-backend-wasm 4.22 (SIMD, one thread) msd-musicnn-1 on every
//          non-overlapping patch: 50 tags + the 200-d embedding.
//   ours:  ./cuefinder analyze FILE --json — the default: 7 models (msd on every patch, mtt and each mood
//          model on 8), tempo and beats, EBU R128 loudness, waveform, taggram; models in the native runtime.
//          Also --runtime wasm (the page's onnxruntime-web) and --only msd (the peer's output only).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const args = process.argv.slice(2);
const opt = (name, def) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : def; };
const smoke = args.includes('--smoke');
const reps = smoke ? 1 : Number(opt('--reps', '3'));
const upstream = opt('--upstream');
const out = opt('--out', path.join(root, 'docs/benchmarks/analyze_e2e.md'));
const valued = new Set(['--reps', '--upstream', '--out']);
const positional = args.filter((a, i) => !a.startsWith('--') && !valued.has(args[i - 1]));
const DEMO = path.join(os.homedir(), '.cache/cuefinder/demo/music');
const DEFAULT_FILES = ['pushover-data/castle.ogg', 'drascula-music/track1.ogg'].map((f) => path.join(DEMO, f));
const median = (a) => { const s = [...a].sort((x, y) => x - y); const m = s.length >> 1; return s.length % 2 ? s[m] : 0.5 * (s[m - 1] + s[m]); };

const CONFIGS = [
  { key: 'peer', label: 'peer: ffmpeg + essentia.js + TF.js WASM msd-musicnn-1 (1 thread)', peer: true },
  { key: 'ours', label: '`./cuefinder analyze FILE --json` (default: native runtime, 7 models, tempo, loudness)', argv: [] },
  { key: 'ours_wasm', label: 'the same with `--runtime wasm` (the page\'s onnxruntime-web)', argv: ['--runtime', 'wasm'] },
  { key: 'msd', label: '`./cuefinder analyze FILE --json --only msd` (the peer\'s output: msd tags + embedding)', argv: ['--only', 'msd'] },
  { key: 'msd_wasm', label: 'the same with `--runtime wasm`', argv: ['--only', 'msd', '--runtime', 'wasm'] },
];

/** Runs one configuration on one file as a whole process: {wall_s, stages: {name: s}}. */
function runOnce(cfg, file) {
  const cmd = cfg.peer
    ? [process.execPath, path.join(root, 'tools/bench/e2e/peer_analyze.mjs'), upstream, file]
    : [path.join(root, 'cuefinder'), 'analyze', file, '--json', '--quiet', ...cfg.argv];
  const t0 = performance.now();
  const r = spawnSync(cmd[0], cmd.slice(1), { encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, CF_ORT_RUNTIME: '' } });
  const wall_s = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${cfg.key} failed on ${file} (status ${r.status}): ${r.error?.message ?? (r.stderr || '').slice(-600)}`);
  const j = JSON.parse(r.stdout.trim().split('\n').pop());
  return { wall_s, stages: j.timings_s, audio_s: j.duration_s ?? j.audio_s, n_patches: j.n_patches };
}

/** `./cuefinder analyze` on every file in one process (models loaded once, kept warm): each file's elapsed_s. */
function runWarm(files) {
  const r = spawnSync(path.join(root, 'cuefinder'), ['analyze', ...files, '--json', '--quiet'],
    { encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, CF_ORT_RUNTIME: '' } });
  if (r.status !== 0) throw new Error(`warm run failed (status ${r.status}): ${r.error?.message ?? (r.stderr || '').slice(-600)}`);
  return r.stdout.trim().split('\n').map((l) => JSON.parse(l).elapsed_s);
}

function machine() {
  const cpu = (fs.readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/) || [])[1] || os.cpus()[0]?.model;
  return `${os.cpus().length} cores (${cpu}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
}

function measure(files, configs) {
  const res = Object.fromEntries(configs.map((c) => [c.key, Object.fromEntries(files.map((f) => [f, []]))]));
  for (let rep = 0; rep < reps; rep++)
    for (const f of files)
      for (const c of configs) {
        process.stderr.write(`round ${rep + 1}/${reps}: ${c.key} ${path.basename(f)} ... `);
        const r = runOnce(c, f);
        process.stderr.write(`${r.wall_s.toFixed(2)} s\n`);
        res[c.key][f].push(r);
      }
  return res;
}

/** Per file after the first, median over the rounds, in one process analysing [last, ...files]. */
function measureWarm(files) {
  const order = [files[files.length - 1], ...files];  // the first file only warms the models up
  const per = files.map(() => []);
  for (let rep = 0; rep < reps; rep++) runWarm(order).slice(1).forEach((s, i) => per[i].push(s));
  return per.map(median);
}

/** The median run (by wall time) of each configuration on each file. */
function medians(res) {
  const m = {};
  for (const [k, byFile] of Object.entries(res)) {
    m[k] = {};
    for (const [f, runs] of Object.entries(byFile)) {
      const w = median(runs.map((r) => r.wall_s));
      const stages = {};
      for (const s of Object.keys(runs[0].stages)) stages[s] = median(runs.map((r) => r.stages[s]));
      m[k][f] = { wall_s: w, all_s: runs.map((r) => r.wall_s), stages, audio_s: runs[0].audio_s, n_patches: runs[0].n_patches };
    }
  }
  return m;
}

function report(files, configs, m, warm, load0) {
  const name = (f) => `${path.basename(path.dirname(f))}/${path.basename(f)}`;
  const lines = ['# Whole-process analysis: cuefinder vs the peer (issue 17)', '',
    `Command: \`node tools/bench/e2e/run.mjs --upstream UPSTREAM_AUDIO_MODELS --reps ${reps}\` ` +
      '(UPSTREAM_AUDIO_MODELS: the upstream TF.js models, not in the repository; tools/convert/lib.mjs says where to get them).',
    `Recorded ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC. Machine: ${machine()}. ` +
      `Load average at the start ${load0}, at the end ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}.`,
    'Each cell: the median wall time of a fresh process, spawn to exit, over the rounds (all rounds in brackets); the ' +
      'rounds interleave the configurations. Files: ' + files.map((f) => `${name(f)} (${m.ours[f].audio_s.toFixed(0)} s)`).join(', ') + '.', '',
    `| pipeline | ${files.map(name).join(' | ')} | × faster than the peer |`, `|---|${files.map(() => '---|').join('')}---|`];
  for (const c of configs) {
    const cells = files.map((f) => `${m[c.key][f].wall_s.toFixed(2)} s (${m[c.key][f].all_s.map((x) => x.toFixed(1)).join(', ')})`);
    const ratio = c.peer ? '1.0×' : files.map((f) => `${(m.peer[f].wall_s / m[c.key][f].wall_s).toFixed(1)}×`).join(', ');
    lines.push(`| ${c.label} | ${cells.join(' | ')} | ${ratio} |`);
  }
  lines.push('', `Models kept warm (\`./cuefinder analyze A B ...\`: one process, the models loaded once): ` +
    files.map((f, i) => `${name(f)} ${warm[i].toFixed(2)} s (${(m.peer[f].wall_s / warm[i]).toFixed(1)}× the peer's whole process)`).join(', ') +
    ' per file, median of the rounds.');
  lines.push('', 'Per stage (median seconds, the first file; start-up = the wall time not inside a stage: the launcher, Node, ' +
    'imports, WASM compile, model loading and session creation):', '',
    '| pipeline | decode | features | rhythm | model load | inference | start-up | wall |', '|---|---|---|---|---|---|---|---|');
  const f = files[0];
  for (const c of configs) {
    const s = m[c.key][f].stages, g = (k) => (s[k] ?? 0);
    const inStages = g('decode') + g('features') + g('rhythm') + g('model_load') + g('inference');
    const cell = (k) => (k in s ? s[k].toFixed(2) : '–');
    lines.push(`| ${c.key} | ${cell('decode')} | ${cell('features')} | ${cell('rhythm')} | ${cell('model_load')} | ` +
      `${cell('inference')} | ${(m[c.key][f].wall_s - inStages).toFixed(2)} | ${m[c.key][f].wall_s.toFixed(2)} |`);
  }
  return lines;
}

if (smoke) {
  const clip = path.join(root, 'tests/data/audio/vorbis_q2_44k_stereo_3s.ogg');
  const r = runOnce(CONFIGS[1], clip);
  for (const k of ['decode', 'features', 'rhythm', 'inference'])
    if (!Number.isFinite(r.stages[k])) { console.error(`e2e smoke: timings_s.${k} is ${r.stages[k]}`); process.exit(1); }
  console.log(`smoke: ours ${r.wall_s.toFixed(2)} s whole process on a 3 s clip; the peer skipped (needs --upstream, not in the repository)`);
  process.exit(0);
}
if (!upstream) {  // `./cuefinder bench` goes on without it, as with tools/bench/analyze.mjs
  console.error('whole-process benchmark skipped: no --upstream UPSTREAM_AUDIO_MODELS (the peer\'s TF.js msd-musicnn-1, ' +
    'not in this repository; tools/convert/lib.mjs UPSTREAM_HELP says where to get it)');
  process.exit(0);
}
if (!fs.existsSync(path.join(upstream, 'msd-musicnn-1', 'model.json'))) {
  console.error(`--upstream ${upstream}: no msd-musicnn-1/model.json there\n` +
    'usage: node tools/bench/e2e/run.mjs --upstream UPSTREAM_AUDIO_MODELS [--reps N] [--out FILE] [AUDIO...]');
  process.exit(2);
}
const files = positional.length ? positional.map((f) => path.resolve(f)) : DEFAULT_FILES;
for (const f of files) if (!fs.existsSync(f)) { console.error(`${f}: not found (the defaults come from ./cuefinder demo)`); process.exit(2); }
const load0 = os.loadavg().map((x) => x.toFixed(2)).join(' ');
for (const f of files) runOnce(CONFIGS[1], f);  // warm the page cache and the launcher's stamp
const m = medians(measure(files, CONFIGS));
const lines = report(files, CONFIGS, m, measureWarm(files), load0);
// Sections written by hand after the recorded tables ("## ..." headings) are kept.
const kept = fs.existsSync(out) ? fs.readFileSync(out, 'utf8').split(/\n(?=## )/).slice(1) : [];
fs.writeFileSync(out, [lines.join('\n') + '\n', ...kept].join('\n'));
console.log(lines.join('\n'));
