// Makes the committed TF.js reference outputs of the conversion parity test
// (tests/js/models.test.mjs): every upstream model in tools/convert/lib.mjs MODEL_NAMES, run by
// @tensorflow/tfjs 4.22 (wasm backend, one thread — the runtime the parity test compared against
// when it ran TF.js live) on every golden mel patch of every golden clip.
//
//   node tools/golden/make_parity.mjs UPSTREAM_AUDIO_MODELS [--out tests/data/golden/parity]
//
// Writes <out>/<model>.<clip>.{activations,embedding,embedding_linear}.f32 ([patches, width],
// float32 little-endian) and <out>/manifest.json (shapes, runtime versions).
import fs from 'node:fs';
import path from 'node:path';
import * as L from '../convert/lib.mjs';
import { writeF32 } from './peer.mjs';

const USAGE = 'node tools/golden/make_parity.mjs UPSTREAM_AUDIO_MODELS [--out DIR]';

async function main() {
  const argv = process.argv.slice(2);
  const upstream = L.requireUpstreamDir(argv[0], USAGE);
  const i = argv.indexOf('--out');
  const out = path.resolve(i >= 0 ? argv[i + 1] : path.join(L.GOLDEN, 'parity'));
  fs.mkdirSync(out, { recursive: true });
  const tf = await L.tfjs('wasm', 1);
  const manifest = { made_by: 'tools/golden/make_parity.mjs', tfjs: tf.version.tfjs, backend: 'wasm', threads: 1, files: {} };
  for (const name of L.MODEL_NAMES) {
    const model = await L.loadTfjs('wasm', L.upstreamDir(name, upstream));
    for (const clip of Object.keys(L.CLIPS)) {
      const { data, n } = L.goldenPatches(clip);
      const outputs = await L.runTfjs(model, data, n);
      for (const [k, values] of Object.entries(outputs)) {
        const file = `${name}.${clip}.${k}.f32`;
        writeF32(path.join(out, file), values);
        manifest.files[file] = [n, values.length / n];
      }
      process.stderr.write(`${name} ${clip}: ${n} patches\n`);
    }
    model.dispose();
  }
  fs.writeFileSync(path.join(out, 'manifest.json'), JSON.stringify(manifest, null, 1) + '\n');
}

main().catch((e) => { process.stderr.write(`make_parity: ${e.stack || e}\n`); process.exit(1); });
