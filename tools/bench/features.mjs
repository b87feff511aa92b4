// Feature-extraction benchmark: essentia.js (the peer) vs cuefinder native and WASM, in one run,
// on the same 16 kHz signals. Writes docs/benchmarks/features.md and prints the table.
//
//   node tools/bench/features.mjs [--repeat N] [--out docs/benchmarks/features.md]
//   node tools/bench/features.mjs --smoke   # seconds (tools/bench/smoke.mjs): one signal, one run, report in build/bench-smoke
// Needs: npm ci (essentia.js), build/native-release and build/wasm-release with bench_features
// (`./cuefinder bench` does all of it).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt; };
const SMOKE = args.includes('--smoke');
const repeat = SMOKE ? 1 : Number(opt('--repeat', '5'));
const outFile = path.resolve(root, opt('--out', SMOKE ? 'build/bench-smoke/features.md' : 'docs/benchmarks/features.md'));
const ids = SMOKE ? ['tumiki'] : ['tumiki', 'joram'];
const signals = ids.map((id) => path.join(root, 'tests', 'data', 'golden', `${id}.signal.f32`));

const readF32 = (f) => { const b = fs.readFileSync(f); return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4); };
const median = (a) => { const s = [...a].sort((x, y) => x - y); return s[s.length >> 1]; };

// --- peer: essentia.js EssentiaTFInputExtractor('musicnn').computeFrameWise(signal, 256)
const esLib = require('essentia.js');
const extractor = new esLib.EssentiaModel.EssentiaTFInputExtractor(esLib.EssentiaWASM, 'musicnn', false);
const peer = {};
for (const [i, file] of signals.entries()) {
  const sig = readF32(file).slice(0, 30 * 16000);
  extractor.computeFrameWise(sig.slice(0, 16000), 256); // warm-up
  const runs = [];
  let feat;
  for (let r = 0; r < repeat; r++) {
    const t0 = process.hrtime.bigint();
    feat = extractor.computeFrameWise(sig, 256);
    runs.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const frames = new Float32Array(feat.melSpectrum.length * 96);
  feat.melSpectrum.forEach((row, k) => frames.set(row, k * 96));
  peer[ids[i]] = { ms: median(runs), runs, frames, seconds: sig.length / 16000 };
  process.stderr.write(`essentia.js ${ids[i]}: ${median(runs).toFixed(1)} ms\n`);
}

// --- ours: the same C++ benchmark binary, native and WASM (Node)
const dump = fs.mkdtempSync(path.join(os.tmpdir(), 'cf-bench-'));
function runOurs(label, cmd, cmdArgs) {
  const text = execFileSync(cmd, [...cmdArgs, '--repeat', String(SMOKE ? 1 : Math.max(repeat, 9)), '--dump-dir', dump, ...signals],
    { encoding: 'utf8', env: { ...process.env, NODE_PATH: '/usr/share/nodejs' } });
  return text.trim().split('\n').map((l) => ({ ...JSON.parse(l), build: label }));
}
const rows = [];
let nativeBin = path.join(root, 'build/native-release/tools/bench/bench_features');
// --smoke: the native-debug build (made by ./cuefinder test) stands in when native-release has not been built.
if (SMOKE && !fs.existsSync(nativeBin)) nativeBin = path.join(root, 'build/native-debug/tools/bench/bench_features');
const wasmJs = path.join(root, 'build/wasm-release/tools/bench/bench_features.js');
const maxDiff = {};
for (const [label, cmd, cmdArgs] of [['native', nativeBin, []], ['wasm', process.execPath, [wasmJs]]]) {
  if (!fs.existsSync(cmdArgs[0] || cmd)) { process.stderr.write(`skipping ${label}: ${cmdArgs[0] || cmd} not built\n`); continue; }
  rows.push(...runOurs(label, cmd, cmdArgs));
  for (const id of ids) for (const kernel of ['scalar', 'simd']) { // the numbers must be the same as the peer's
    const ours = readF32(path.join(dump, `${id}.signal.f32.${kernel}.frames.f32`));
    const ref = peer[id].frames;
    let d = ours.length === ref.length ? 0 : Infinity;
    for (let k = 0; k < ref.length && d !== Infinity; k++) d = Math.max(d, Math.abs(ours[k] - ref[k]));
    maxDiff[`${label}/${kernel}/${id}`] = d;
  }
}
fs.rmSync(dump, { recursive: true, force: true });

// --- report
const cpu = (os.cpus()[0] || {}).model || 'unknown CPU';
const lines = [];
lines.push('# Feature extraction benchmark: cuefinder vs essentia.js');
lines.push('');
lines.push(`Command: \`./cuefinder bench\` (runs \`node tools/bench/features.mjs --repeat ${repeat}\`), ${new Date().toISOString().slice(0, 10)}.`);
lines.push(`Machine: ${cpu}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, one thread everywhere.`);
lines.push('Task: Essentia musicnn input (512/256 framing, 96 log-mel bands) of the golden 16 kHz signals, median of the runs.');
lines.push('Peer: essentia.js 0.1.3 `EssentiaTFInputExtractor(\'musicnn\').computeFrameWise(signal, 256)` in the same Node process.');
lines.push('');
lines.push('| signal | audio s | essentia.js ms | build | kernel | ms | × faster than essentia.js | max \\|Δ\\| vs essentia.js |');
lines.push('|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  const id = r.file.replace('.signal.f32', '');
  const p = peer[id];
  const diff = maxDiff[`${r.build}/${r.kernel}/${id}`].toExponential(1);
  lines.push(`| ${id} | ${p.seconds.toFixed(1)} | ${p.ms.toFixed(0)} | ${r.build} | ${r.kernel} (${r.isa}) | ${r.median_ms.toFixed(2)} | ${(p.ms / r.median_ms).toFixed(0)}× | ${diff} |`);
}
lines.push('');
const per30 = (build, kernel) => {
  const sel = rows.filter((r) => r.build === build && r.kernel === kernel);
  if (!sel.length) return null;
  const ms = sel.reduce((a, r) => a + r.median_ms, 0), s = sel.reduce((a, r) => a + r.n_samples / 16000, 0);
  return ms / s * 30;
};
const peer30 = ids.reduce((a, id) => a + peer[id].ms, 0) / ids.reduce((a, id) => a + peer[id].seconds, 0) * 30;
lines.push(`Per 30 s of audio: essentia.js ${peer30.toFixed(0)} ms` +
  ['native', 'wasm'].flatMap((b) => ['simd', 'scalar'].map((k) => { const v = per30(b, k); return v == null ? '' : `; ${b} ${k} ${v.toFixed(2)} ms (${(peer30 / v).toFixed(0)}×)`; })).join('') + '.');
lines.push('');
fs.mkdirSync(path.dirname(outFile), { recursive: true });
fs.writeFileSync(outFile, lines.join('\n'));
console.log(lines.join('\n'));
const worst = Math.max(...Object.values(maxDiff));
if (!(worst <= 1e-4)) { console.error(`feature mismatch vs essentia.js: ${worst}`); process.exit(1); }
