// Times t-SNE the way the browser app runs it: the real map worker script (web/tsne_worker.js) on the
// WASM core (cuefinder_worker.js), one thread, driven through its message protocol, with a progress
// message (layout copied out and transferred) every ~50 ms of work. Runs the worker script inside
// node:worker_threads behind a shim for the browser's worker globals (as tests/js/tsne_worker.test.mjs).
//
//   node tools/bench/tsne/bench_worker.mjs --module cuefinder_worker.js --data X.f32 --dim D
//        [--perplexity 30] [--iterations 1000] [--seed 0] [--init pca|random] [--repeat R] [--out Y.f32]
//   prints {"n","dim","median_total_ms","runs_total_ms":[...],"init_ms","optimize_ms","n_progress","kl",...}
//   (total = wall time on the page's side, from posting 'start' to receiving 'done'; init = the
//   worker's neighbour search + affinities)
import fs from 'node:fs';
import path from 'node:path';
import { startClassicWorker } from '../../../src/site/classic_worker.mjs';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const args = { perplexity: 30, iterations: 1000, seed: 0, init: 'pca', repeat: 1 };
for (let i = 2; i < process.argv.length; i += 2) {
  const key = process.argv[i].replace(/^--/, '');
  if (process.argv[i + 1] === undefined) { console.error(`bench_worker: ${process.argv[i]} needs a value`); process.exit(2); }
  args[key] = process.argv[i + 1];
}
if (!args.module || !args.data || !args.dim) {
  console.error('usage: bench_worker.mjs --module cuefinder_worker.js --data X.f32 --dim D [--perplexity 30] [--iterations 1000] [--seed 0] [--init pca] [--repeat 1] [--out Y.f32]');
  process.exit(2);
}
const dim = Number(args.dim);
const bytes = fs.readFileSync(args.data);
const all = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
const n = all.length / dim;
if (!Number.isInteger(n)) { console.error(`bench_worker: ${args.data}: size is not a multiple of --dim ${dim}`); process.exit(2); }


const worker = startClassicWorker(path.join(root, 'web/tsne_worker.js'), path.resolve(args.module));

function run(id) {
  return new Promise((resolve, reject) => {
    let nProgress = 0;
    const t0 = performance.now();
    const onMessage = (m) => {
      if (m.id !== id) return;
      if (m.type === 'progress') ++nProgress;
      else if (m.type === 'done') { worker.off('message', onMessage); resolve({ ...m, total_ms: performance.now() - t0, n_progress: nProgress }); }
      else if (m.type === 'error') { worker.off('message', onMessage); reject(new Error(m.message)); }
    };
    worker.on('message', onMessage);
    // A copy per run: the page hands the worker its own buffer.
    worker.postMessage({ type: 'start', id, data: all.slice(), n, dim, perplexity: Number(args.perplexity), seed: Number(args.seed),
                         iters: Number(args.iterations), init: args.init });
  });
}

try {
  const runs = [];
  let best = null;
  for (let r = 0; r < Number(args.repeat); ++r) {
    const res = await run(r + 1);
    runs.push(res.total_ms);
    if (!best || res.total_ms <= best.total_ms) best = res;
  }
  if (args.out) fs.writeFileSync(args.out, Buffer.from(best.coords.buffer, best.coords.byteOffset, best.coords.byteLength));
  const sorted = [...runs].sort((a, b) => a - b);
  const r1 = (x) => Math.round(x * 10) / 10;
  console.log(JSON.stringify({
    n, dim, isa: 'wasm-simd128, web/tsne_worker.js', perplexity: best.perplexity, iterations: best.iter,
    init_ms: r1(best.init_ms), optimize_ms: r1(best.total_ms - best.init_ms), total_ms: r1(best.total_ms),
    worker_ms: r1(best.ms), median_total_ms: r1(sorted[Math.floor(sorted.length / 2)]), runs_total_ms: runs.map(r1),
    n_progress: best.n_progress, kl: Math.round(best.kl * 1e5) / 1e5,
  }));
} finally {
  await worker.terminate();
}
