// The fixture catalog the CLI tests search (semantic.test.mjs, cli_snapshot.test.mjs): five short clips
// of tests/data/audio and the golden clips of tests/data/golden/source, built once by
// src/cli/catalog/build.mjs into build/test-fixtures/semantic-catalog/{music,catalog} and reused. Built
// with --full-audio all (the folder gives no license fields; tests/data/README.md: CC0 clips, golden
// clips under BSD-2-Clause and CC BY-NC-SA 1.0), so every track has its full-length audio
// (catalog/audio/, catalog.json `audio`).
//
//   import { fixtureCatalog, fixtureSkipReason, nodeModule } from './fixture_catalog.mjs';
//   const skip = fixtureSkipReason();          // false, or why the fixture cannot be built here
//   const dir = fixtureCatalog();              // the catalog folder (built on first use)
//
// A cached fixture made from other clips is rebuilt, so no test runs on stale files. The build goes
// to a folder of its own and is renamed into place, so two test files building at once (node --test
// with more than one worker) never write into the same folder.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The cuefinder_node.js build the CLI tools run (CF_NODE_MODULE, else the wasm-release build). */
export const nodeModule = path.resolve(process.env.CF_NODE_MODULE || path.join(root, 'build/wasm-release/src/cli/cuefinder_node.js'));

const golden = path.join(root, 'tests/data/golden/source');
const audio = path.join(root, 'tests/data/audio');
const out = path.join(root, 'build/test-fixtures/semantic-catalog');
const AUDIO_CLIPS = ['flac_s16_44k_stereo.flac', 'mp3_cbr128_44k_stereo.mp3', 'opus_64k_48k_stereo.opus', 'vorbis_q2_44k_stereo_3s.ogg', 'wav_s16_44k_stereo.wav'];
const MODELS = ['models/use-lite/model.onnx', 'models/use-lite/vocab.txt', 'models/mobilenet-v2/model_wq.onnx', 'models/mobilenet-v2/labels.txt',
  'models/msd-musicnn-1/model.onnx'];

/** false when the fixture can be built and searched; else what is missing. */
export function fixtureSkipReason() {
  if (!fs.existsSync(nodeModule)) return `needs ${nodeModule} (./cuefinder build wasm-release cuefinder_node)`;
  if (!fs.readFileSync(nodeModule, 'utf8').includes('cf_sem_new')) return `${nodeModule} has no text search (rebuild cuefinder_node)`;
  for (const f of MODELS) if (!fs.existsSync(path.join(root, f))) return `needs ${f}`;
  if (!fs.existsSync(golden)) return `needs ${golden}`;
  return false;
}

function sources() {
  return [...AUDIO_CLIPS.map((c) => path.join(audio, c)),
    ...fs.readdirSync(golden).filter((f) => /\.(mp3|ogg)$/.test(f)).map((f) => path.join(golden, f))];
}

function build(files, into) {
  const music = path.join(into, 'music');
  fs.mkdirSync(music, { recursive: true });
  for (const f of files) fs.copyFileSync(f, path.join(music, path.basename(f)));
  const r = spawnSync(process.execPath, [path.join(root, 'src/cli/catalog/build.mjs'), music, '-o', path.join(into, 'catalog'), '--jobs', '2',
    '--name', 'semantic test fixture', '--full-audio', 'all', '--quiet'], { encoding: 'utf8',
    // wasm: the same fixture bytes on every machine (the native runtime's kernels depend on the CPU).
    env: { ...process.env, CF_NODE_MODULE: nodeModule, CF_ORT_RUNTIME: 'wasm' } });
  assert.equal(r.status, 0, `fixture catalog build failed: ${r.stderr}`);
}

/** Built before catalogs had full audio: every track of catalog.json names its audio file. */
function hasFullAudio(catalog) {
  try {
    const tracks = JSON.parse(fs.readFileSync(path.join(catalog, 'catalog.json'), 'utf8')).tracks;
    return tracks.length > 0 && tracks.every((t) => t.audio && fs.existsSync(path.join(catalog, 'audio', t.audio)));
  } catch {
    return false;
  }
}

/** The core that analysed the clips: a catalog built by another core (a changed resampler, model,
 *  feature) would hold other embeddings than a fresh clone gets, so it is rebuilt. */
function coreKey() {
  const wasm = nodeModule.replace(/\.js$/, '.wasm');
  return crypto.createHash('sha256').update(fs.readFileSync(fs.existsSync(wasm) ? wasm : nodeModule)).digest('hex');
}

let cached = null;
/** The fixture catalog's folder, built (or rebuilt from changed clips or another core) on first use. */
export function fixtureCatalog() {
  if (cached) return cached;
  const files = sources();
  const names = files.map((f) => path.basename(f)).sort().join('\n');
  const music = path.join(out, 'music');
  const keyFile = path.join(out, 'core.sha256'), key = coreKey();
  if (fs.existsSync(out) && (!fs.existsSync(keyFile) || fs.readFileSync(keyFile, 'utf8') !== key)) fs.rmSync(out, { recursive: true, force: true });
  if (fs.existsSync(music) && fs.readdirSync(music).sort().join('\n') !== names) fs.rmSync(out, { recursive: true, force: true });
  if (fs.existsSync(path.join(out, 'catalog/catalog.cfc')) && !hasFullAudio(path.join(out, 'catalog'))) fs.rmSync(out, { recursive: true, force: true });
  if (!fs.existsSync(path.join(out, 'catalog/catalog.cfc'))) {
    const tmp = `${out}.tmp-${process.pid}`;
    fs.rmSync(tmp, { recursive: true, force: true });
    build(files, tmp);
    fs.writeFileSync(path.join(tmp, 'core.sha256'), key);
    if (fs.existsSync(path.join(out, 'catalog/catalog.cfc'))) fs.rmSync(tmp, { recursive: true, force: true });  // another process won
    else {
      fs.rmSync(out, { recursive: true, force: true });
      fs.renameSync(tmp, out);
    }
  }
  cached = path.join(out, 'catalog');
  return cached;
}
