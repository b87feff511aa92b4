// Every model is checked against the sha256 of its manifest when it is loaded (web/
// ort_bridge.mjs checkModelBytes → the core's cf::Sha256 and cf::check_model_sha256). Here in Node:
// `./cuefinder analyze` on a copy of models/ with one byte of a model flipped fails and names the
// file; the same copy intact analyses; a manifest without a digest loads nothing; a flipped byte in
// the sentence encoder's vocabulary stops text search naming vocab.txt. (The page: tests/browser/
// model_check.test.mjs.)
import test, { after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(root, 'src/cli/analyze.mjs');
const moduleFile = process.env.CF_NODE_MODULE || path.join(root, 'build/wasm-release/src/cli/cuefinder_node.js');
const ready = fs.existsSync(moduleFile) && fs.existsSync(path.join(root, 'models/msd-musicnn-1/model.onnx'));
const opts = { skip: ready ? false : `needs ${moduleFile} and models/ (./cuefinder build wasm-release cuefinder_node)` };

const made = [];  // temp dirs, removed after the tests
after(() => { for (const d of made) fs.rmSync(d, { recursive: true, force: true }); });
const tempDir = (prefix) => { const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix)); made.push(d); return d; };

// models/ as symlinks (cheap), except the files named in `copies`, which are real copies to modify.
function modelsCopy(copies) {
  const dir = tempDir('cf-models-');
  for (const name of fs.readdirSync(path.join(root, 'models'))) {
    const from = path.join(root, 'models', name);
    if (!fs.statSync(from).isDirectory()) continue;
    fs.mkdirSync(path.join(dir, name));
    for (const f of fs.readdirSync(from)) {
      const rel = `${name}/${f}`;
      if (copies.includes(rel)) fs.copyFileSync(path.join(from, f), path.join(dir, rel));
      else fs.symlinkSync(path.join(from, f), path.join(dir, rel));
    }
  }
  return dir;
}

function flipByte(file, at) {
  const b = fs.readFileSync(file);
  b[at % b.length] ^= 0x01;
  fs.writeFileSync(file, b);
}

// 3 s of a 440 Hz tone, 16 kHz mono 16-bit WAV.
function toneWav() {
  const rate = 16000, n = 3 * rate;
  const b = Buffer.alloc(44 + 2 * n);
  b.write('RIFF', 0); b.writeUInt32LE(36 + 2 * n, 4); b.write('WAVEfmt ', 8); b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20); b.writeUInt16LE(1, 22); b.writeUInt32LE(rate, 24); b.writeUInt32LE(2 * rate, 28);
  b.writeUInt16LE(2, 32); b.writeUInt16LE(16, 34); b.write('data', 36); b.writeUInt32LE(2 * n, 40);
  for (let i = 0; i < n; i++) b.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / rate)), 44 + 2 * i);
  const file = path.join(tempDir('cf-tone-'), 'tone.wav');
  fs.writeFileSync(file, b);
  return file;
}

function analyze(models, file) {
  const r = spawnSync(process.execPath, [cli, '--json', '--module', moduleFile, '--models', models, '--only', 'msd', file],
    { encoding: 'utf8', maxBuffer: 1 << 26 });
  const results = r.stdout.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
  return { status: r.status, results, stderr: r.stderr };
}

test('analyze: a model with one flipped byte fails naming the file; the intact copy analyses', opts, () => {
  const wav = toneWav();
  const models = modelsCopy(['msd-musicnn-1/model.onnx']);
  const model = path.join(models, 'msd-musicnn-1/model.onnx');
  const good = analyze(models, wav);
  assert.equal(good.status, 0, good.stderr);
  assert.ok(good.results[0].tags, JSON.stringify(good.results[0]).slice(0, 300));

  flipByte(model, 1234567);
  const bad = analyze(models, wav);
  assert.notEqual(bad.status, 0);
  const said = `${bad.results.map((r) => r.error || '').join('\n')}\n${bad.stderr}`;
  assert.ok(said.includes(`${model}: sha256 mismatch`), said.slice(0, 600));
  assert.match(said, /its manifest says 51a61dee04a16db777ca292c8ae3b9b27183d4b567540fa48c3a5a882e374a99/);
});

test('analyze: a manifest that records no sha256 loads nothing', opts, () => {
  const models = modelsCopy(['msd-musicnn-1/manifest.json']);
  const file = path.join(models, 'msd-musicnn-1/manifest.json');
  const m = JSON.parse(fs.readFileSync(file, 'utf8'));
  delete m.sha256;
  fs.writeFileSync(file, JSON.stringify(m));
  const r = analyze(models, toneWav());
  assert.notEqual(r.status, 0);
  const said = `${r.results.map((x) => x.error || '').join('\n')}\n${r.stderr}`;
  assert.match(said, /msd-musicnn-1\/model\.onnx: its manifest records no sha256 for it/);
});

test('text search: a flipped byte in the sentence encoder\'s vocabulary is refused naming vocab.txt', opts, async () => {
  const { createAnalyzer, parseArgs } = await import(cli);
  const { openSemantic } = await import(path.join(root, 'src/cli/semantic.mjs'));
  const models = modelsCopy(['use-lite/vocab.txt']);
  const an = await createAnalyzer({ ...parseArgs(['--no-taggram', '--no-curves']), module: moduleFile, models, only: [] });
  flipByte(path.join(models, 'use-lite/vocab.txt'), 5000);
  await assert.rejects(openSemantic(an.core, { models }), (e) => {
    assert.match(e.message, /use-lite\/vocab\.txt: sha256 mismatch/);
    assert.equal(e.name, 'ModelIntegrityError');
    return true;
  });
});

// The pure part of the policy: which digest a manifest records for a file (three manifest shapes).
test('manifestSha256 finds the digest in every manifest shape of models/', async () => {
  const { manifestSha256, modelFileName } = await import(path.join(root, 'web/ort_bridge.mjs'));
  for (const name of fs.readdirSync(path.join(root, 'models'))) {
    const mf = path.join(root, 'models', name, 'manifest.json');
    if (!fs.existsSync(mf)) continue;
    const m = JSON.parse(fs.readFileSync(mf, 'utf8'));
    const file = modelFileName(m);
    assert.match(manifestSha256(m, file), /^[0-9a-f]{64}$/, `${name}/${file}`);
  }
  const use = JSON.parse(fs.readFileSync(path.join(root, 'models/use-lite/manifest.json'), 'utf8'));
  assert.match(manifestSha256(use, 'vocab.txt'), /^[0-9a-f]{64}$/);
  const mobilenet = JSON.parse(fs.readFileSync(path.join(root, 'models/mobilenet-v2/manifest.json'), 'utf8'));
  assert.equal(manifestSha256(mobilenet, 'labels.txt'), mobilenet.labels.sha256);
  assert.equal(manifestSha256(mobilenet, 'model_qdq.onnx'), mobilenet.variants.qdq.sha256);
  assert.equal(manifestSha256(mobilenet, 'nope.onnx'), '');
  assert.equal(manifestSha256({ file: 'model.onnx', sha256: 'ab' }, 'other.onnx'), '', 'a digest belongs to its file');
});
