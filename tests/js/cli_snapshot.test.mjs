// "Behaviour unchanged": the CLI's outputs, byte for byte, against snapshots in tests/data/snapshots/.
//   node --test tests/js/cli_snapshot.test.mjs
//   CF_UPDATE_SNAPSHOTS=1 node --test tests/js/cli_snapshot.test.mjs    # rewrite the snapshots (then review
//                                                                       # `git diff tests/data/snapshots`)
// The guard of issue 13 (the query logic moves into the core): `analyze --json` on the two golden clips,
// `search` on the fixture catalog (fixture_catalog.mjs) by --track, by FILE, by --text, by --image and
// mixed, as JSON and as text, and `tag --json` (zero-shot labels and a few-shot tag). Any changed byte fails, except in VARYING_FIELDS below,
// the only normalisation: analysis and search timings, and preview file names (a hash of the absolute path and
// mtime of the clip the catalog was built from, src/cli/catalog/build.mjs cacheKey).
//
// Determinism (measured before the snapshots were made): each command run 3 times gave identical output
// apart from those fields; `analyze --threads 1` gives the same bytes as the default, so no thread
// count is pinned. The tools run as `node src/cli/<tool>.mjs` from the repository root, exactly what
// `./cuefinder analyze|search|tag` runs after its build check: the launcher itself is covered by
// launcher.test.mjs, and its per-call setup + build check would run again for each of the ten commands
// (and wait on build/wasm-release.lock while anyone builds). The fixture catalog is cached in
// build/test-fixtures/semantic-catalog: delete that folder to check a changed catalog build too.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fixtureCatalog, fixtureSkipReason, nodeModule, root } from './fixture_catalog.mjs';

const snapshots = path.join(root, 'tests/data/snapshots');
const update = process.env.CF_UPDATE_SNAPSHOTS === '1';
const JORAM = 'tests/data/golden/source/joram-moments_of_clarity-08-solipsism-59-88.mp3';
const TUMIKI = 'tests/data/golden/source/return_to_home.ogg';
const CATALOG = Symbol('the fixture catalog folder');

/** Snapshot file → the CLI tool and its arguments (paths relative to the repository root). */
const CASES = {
  'analyze_joram.jsonl': ['analyze.mjs', [JORAM, '--json']],
  'analyze_tumiki.jsonl': ['analyze.mjs', [TUMIKI, '--json']],
  'search_track.json': ['search.mjs', [CATALOG, '--track', 'return_to_home', '-k', '10', '--json']],
  'search_track.txt': ['search.mjs', [CATALOG, '--track', 'return_to_home', '-k', '10']],
  'search_file.json': ['search.mjs', [CATALOG, JORAM, '-k', '10', '--json']],
  'search_text.json': ['search.mjs', [CATALOG, '--text', 'calm piano for a rainy evening', '-k', '10', '--json']],
  'search_text.txt': ['search.mjs', [CATALOG, '--text', 'calm piano for a rainy evening', '--bpm', '100:', '-k', '10']],
  'search_image.json': ['search.mjs', [CATALOG, '--image', 'tests/data/image/pattern.jpg', '-k', '10', '--json']],
  'search_mixed.json': ['search.mjs', [CATALOG, 'tests/data/audio/flac_s16_44k_stereo.flac', '--text', 'calm', '--image',
    'tests/data/image/gray.jpg', '--weights', 'track=1,text=2,image=0.5', '-k', '10', '--json']],
  'search_adaptive.json': ['search.mjs', [CATALOG, '--track', 'return_to_home', '--like', 'joram-moments_of_clarity-08-solipsism-59-88',
    '--skip', 'wav_s16_44k_stereo', '-k', '10', '--json']],
  'search_adaptive.txt': ['search.mjs', [CATALOG, '--track', 'return_to_home', '--like', 'joram-moments_of_clarity-08-solipsism-59-88',
    '--skip', 'wav_s16_44k_stereo', '-k', '10']],
  'tag.jsonl': ['tag.mjs', ['tests/data/audio/flac_s16_44k_stereo.flac', '--labels', 'piano, waltz, rainy evening', '--catalog', CATALOG, '--top', '3', '--json']],
  'tag_fewshot.jsonl': ['tag.mjs', ['tests/data/audio/flac_s16_44k_stereo.flac', TUMIKI, '--examples-pos',
    'flac_s16_44k_stereo,mp3_cbr128_44k_stereo,opus_64k_48k_stereo', '--catalog', CATALOG, '--top', '3', '--json']],
  'playlist.json': ['playlist.mjs', [CATALOG, '--seed', 'return_to_home,joram-moments_of_clarity-08-solipsism-59-88', '-n', '5',
    '--bpm-arc', '90:140:100', '--json']],
  'playlist.txt': ['playlist.mjs', [CATALOG, '--seed', 'return_to_home,joram-moments_of_clarity-08-solipsism-59-88', '-n', '5',
    '--bpm-arc', '90:140:100']],
};

/** The fields whose values legitimately differ between runs; each becomes "<varies>". */
const VARYING_FIELDS = ['timings_s', 'elapsed_s', 'timing', 'preview'];
const varying = new RegExp(`"(${VARYING_FIELDS.join('|')})":(\\{[^{}]*\\}|"[^"]*"|[-+.\\deE]+|null)`, 'g');
const normalise = (text) => text.replace(varying, '"$1":"<varies>"');

/** Where two texts first differ, with some context, so a failure names the changed value. */
function firstDifference(want, got) {
  let i = 0;
  while (i < want.length && want[i] === got[i]) i++;
  const line = want.slice(0, i).split('\n').length;
  const around = (s) => JSON.stringify(s.slice(Math.max(0, i - 80), i + 40));
  return `first difference at character ${i} (line ${line}):\n  snapshot: ${around(want)}\n  now:      ${around(got)}`;
}

/** Runs fn when one of CONCURRENCY slots is free (two commands at a time: the machine may have 2 cores). */
const CONCURRENCY = 2;
let free = CONCURRENCY;
const waiting = [];
async function inSlot(fn) {
  while (free === 0) await new Promise((resolve) => waiting.push(resolve));
  free--;
  try { return await fn(); } finally { free++; waiting.shift()?.(); }
}

/** Runs one case; resolves (never rejects) with its exit status, normalised stdout and stderr. */
function runCase([tool, args], catalog) {
  const argv = args.map((a) => (a === CATALOG ? catalog : a));
  const child = spawn(process.execPath, [path.join(root, 'src/cli', tool), ...argv],
    // wasm: byte-exact on every machine (the native runtime picks CPU-specific kernels; the two agree within
    // 1e-5 on tags, tests/js/analyze.test.mjs).
    { cwd: root, env: { ...process.env, CF_NODE_MODULE: nodeModule, CF_ORT_RUNTIME: "wasm" } });
  const out = [], err = [];
  child.stdout.on('data', (d) => out.push(d));
  child.stderr.on('data', (d) => err.push(d));
  return new Promise((resolve) => child.on('close', (status) => resolve({
    command: `${tool} ${argv.join(' ')}`, status, stdout: normalise(Buffer.concat(out).toString('utf8')), stderr: Buffer.concat(err).toString('utf8') })));
}

let pending = null;
/** Every case started at once (CONCURRENCY at a time, in CASES order): snapshot name → its run. */
function runs() {
  if (!pending) {
    const catalog = fixtureCatalog();
    pending = new Map(Object.entries(CASES).map(([name, cmd]) => [name, inSlot(() => runCase(cmd, catalog))]));
  }
  return pending;
}

const skip = fixtureSkipReason();
if (skip) console.log(`CLI snapshot tests skipped: ${skip}`);

for (const [name, cmd] of Object.entries(CASES)) {
  test(`snapshot ${name}: ${cmd[0].replace('.mjs', '')} ${cmd[1].map((a) => (a === CATALOG ? 'CATALOG' : a)).join(' ')}`,
    { skip, timeout: 900000 }, async () => {
      const r = await runs().get(name);
      assert.equal(r.status, 0, `${r.command}: exit status ${r.status}\n${r.stderr}`);
      const file = path.join(snapshots, name);
      if (update) {
        fs.mkdirSync(snapshots, { recursive: true });
        fs.writeFileSync(file, r.stdout);
        return;
      }
      assert.ok(fs.existsSync(file), `${file} is missing: make it with CF_UPDATE_SNAPSHOTS=1 (see this file's header)`);
      const want = fs.readFileSync(file, 'utf8');
      if (want !== r.stdout) assert.fail(`${name} changed: ${firstDifference(want, r.stdout)}`);
    });
}

test('the snapshot folder holds exactly the snapshots of CASES', () => {
  const files = fs.existsSync(snapshots) ? fs.readdirSync(snapshots).filter((f) => f !== 'README.md').sort() : [];
  assert.deepEqual(files, Object.keys(CASES).sort());
});

test('the normaliser replaces only the listed fields', () => {
  const line = '{"preview":"ab12.opus","score":0.5,"timings_s":{"decode":0.1},"elapsed_s":4.87,"path":"a.ogg","bpm":null,'
    + '"timing":{"embed_ms":0,"total_ms":4.3e2}}';
  assert.equal(normalise(line), '{"preview":"<varies>","score":0.5,"timings_s":"<varies>","elapsed_s":"<varies>","path":"a.ogg","bpm":null,'
    + '"timing":"<varies>"}');
});
