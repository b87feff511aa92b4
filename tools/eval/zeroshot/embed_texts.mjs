// Embeds a list of sentences with the converted Universal Sentence Encoder lite
// (models/use-lite/model.onnx, onnxruntime-web wasm EP, reference JS SentencePiece tokenizer),
// for the zero-shot exploration (explore.py). Writes OUT.f32 (n x 512 float32, row-major,
// L2-normalised as the model outputs them) and OUT.json (the sentences, in row order).
//
//   node tools/eval/zeroshot/embed_texts.mjs IN.json OUT_PREFIX [--batch 64] [--onnx FILE]
//   echo '["calm piano", "rock"]' | node tools/eval/zeroshot/embed_texts.mjs - OUT_PREFIX
//
// IN.json is a JSON array of strings ("-" reads it from stdin). An empty sentence (no tokens) gets
// a zero row (the graph needs >= 1 token per batch, so it is embedded on its own if at all).
import fs from 'node:fs';
import path from 'node:path';
import * as L from '../../convert/lib.mjs';
import { referenceTokenizer, runOnnx } from '../../convert/check_text_parity.mjs';

const DIM = 512;

async function main() {
  const args = process.argv.slice(2);
  const opt = (k, d) => { const i = args.indexOf(k); if (i < 0) return d; const v = args[i + 1]; args.splice(i, 2); return v; };
  const batch = Number(opt('--batch', 64));
  const onnxFile = opt('--onnx', path.join(L.MODELS_DIR, 'use-lite', 'model.onnx'));
  if (args.length !== 2) {
    console.error('usage: embed_texts.mjs IN.json|- OUT_PREFIX [--batch 64] [--onnx FILE]');
    process.exit(2);
  }
  const [inFile, outPrefix] = args;
  const list = JSON.parse(fs.readFileSync(inFile === '-' ? 0 : inFile, 'utf8'));
  if (!Array.isArray(list) || !list.every((s) => typeof s === 'string')) {
    console.error(`${inFile}: expected a JSON array of strings`);
    process.exit(2);
  }
  const tok = referenceTokenizer();
  if (!tok) { console.error('no reference tokenizer (@energetic-ai/embeddings); see check_text_parity.mjs'); process.exit(2); }
  const sess = await L.ortSession(onnxFile);
  const out = new Float32Array(list.length * DIM);
  const enc = list.map((s) => tok.encode(s));
  const t0 = performance.now();
  for (let i = 0; i < list.length; i += batch) {
    const idx = [];
    for (let k = i; k < Math.min(i + batch, list.length); k++) if (enc[k].length > 0) idx.push(k);
    if (idx.length === 0) continue;
    const r = await runOnnx(sess, idx.map((k) => enc[k]));
    if (r.shape[0] !== idx.length || r.shape[1] !== DIM) throw new Error(`unexpected output shape ${r.shape}`);
    idx.forEach((k, j) => out.set(r.data.subarray(j * DIM, (j + 1) * DIM), k * DIM));
  }
  fs.mkdirSync(path.dirname(path.resolve(outPrefix)), { recursive: true });
  fs.writeFileSync(`${outPrefix}.f32`, Buffer.from(out.buffer));
  fs.writeFileSync(`${outPrefix}.json`, JSON.stringify(list, null, 0) + '\n');
  console.error(`embedded ${list.length} sentences in ${(performance.now() - t0).toFixed(0)} ms -> ${outPrefix}.f32`);
}

await main();
