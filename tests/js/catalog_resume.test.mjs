// `catalog build` survives interruption and names no private folder (issue 12, items 4 and 5), with the
// real models and the WASM core on a few short clips:
//  - SOURCE and OUT given relative to another cwd: every track found, paths stored relative to SOURCE
//    (no absolute path, no temp or home folder in catalog.json / catalog.cfc), search still works;
//  - a build killed with SIGKILL mid-way, then one cache entry truncated, resumes (discarding that entry,
//    naming it) to a catalog byte-identical to the uninterrupted build's (neither file holds a timestamp);
//  - a FIFO in SOURCE is refused by the core's byte source instead of hanging the build, and a track
//    whose worker never answers is skipped after --track-timeout while the build goes on.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const build = path.join(root, 'src/cli/catalog/build.mjs');
const moduleFile = process.env.CF_NODE_MODULE || path.join(root, 'build/wasm-release/src/cli/cuefinder_node.js');
const ready = fs.existsSync(moduleFile) && fs.existsSync(path.join(root, 'models/msd-musicnn-1/manifest.json'));
const opts = { skip: ready ? false : `needs ${moduleFile} (./cuefinder build wasm-release cuefinder_node)` };
const env = (extra = {}) => ({ ...process.env, CF_NODE_MODULE: moduleFile, ...extra });
const node = (args, o = {}) => spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 26, ...o, env: env(o.env) });
const fixtures = path.join(root, 'tests/data/audio');
const CLIPS = ['vorbis_q2_44k_stereo_3s.ogg', 'flac_s16_44k_stereo.flac', 'mp3_cbr128_44k_stereo.mp3',
  'opus_64k_48k_stereo.opus', 'wav_s16_44k_stereo.wav', 'wav_s16_22k_stereo.wav'];

const tmp = ready ? fs.mkdtempSync(path.join(os.tmpdir(), 'cf-catalog-resume-')) : null;
const music = tmp && path.join(tmp, 'music');
if (tmp) {
  fs.mkdirSync(path.join(music, 'sub'), { recursive: true });
  for (const [i, f] of CLIPS.entries()) fs.copyFileSync(path.join(fixtures, f), path.join(music, i % 2 ? 'sub' : '', f));
}
test.after(() => { if (tmp) fs.rmSync(tmp, { recursive: true, force: true }); });

const cacheEntries = (out) => {
  const dir = path.join(out, '.work', 'analysis');
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort() : [];
};

test('relative SOURCE and OUT from another folder: tracks found, paths stored relative to SOURCE', opts, () => {
  const r = node([build, 'music', '-o', path.join('a', 'catalog'), '--jobs', '2', '--name', 'fixture'], { cwd: tmp });
  assert.equal(r.status, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /not found|cannot analyse/);
  const out = path.join(tmp, 'a', 'catalog');
  const cat = JSON.parse(fs.readFileSync(path.join(out, 'catalog.json'), 'utf8'));
  assert.deepEqual(cat.tracks.map((t) => t.path).sort(), CLIPS.map((f, i) => (i % 2 ? `sub/${f}` : f)).sort());
  for (const t of cat.tracks) {
    assert.ok(fs.existsSync(path.join(music, t.path)), t.path);
    assert.ok(fs.readFileSync(path.join(out, 'previews', t.preview)).subarray(0, 4).equals(Buffer.from('OggS')), t.preview);
  }
  // Neither file names the folder the catalog was built in, nor the builder's home.
  for (const f of ['catalog.json', 'catalog.cfc']) {
    const bytes = fs.readFileSync(path.join(out, f));
    for (const secret of [tmp, fs.realpathSync(tmp), os.homedir()]) assert.equal(bytes.indexOf(secret), -1, `${f} contains ${secret}`);
  }
  // The CLI reads the catalog from a relative path and reports the stored relative paths.
  const s = node([path.join(root, 'src/cli/search.mjs'), path.join('a', 'catalog'), '--track', cat.tracks[0].id, '-k', '2', '--json'], { cwd: tmp });
  assert.equal(s.status, 0, s.stderr);
  const hits = JSON.parse(s.stdout).results;
  assert.equal(hits.length, 2);
  for (const h of hits) assert.ok(!path.isAbsolute(h.path) && fs.existsSync(path.join(music, h.path)), h.path);
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const groupAlive = (pgid) => {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
};

/// Starts a build (in its own process group) and SIGKILLs the build process alone once `n` tracks are
/// cached; returns how it ended and whether its worker outlived it.
async function killedBuild(out, n) {
  const child = spawn(process.execPath, [build, music, '-o', out, '--jobs', '1', '--name', 'fixture', '--quiet'],
    { env: env(), stdio: 'ignore', detached: true });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  let finished = null;
  exited.then((e) => { finished = e; });
  while (!finished && cacheEntries(out).length < n) await sleep(20);
  if (!finished) process.kill(child.pid, 'SIGKILL');
  const end = await exited;
  // The worker notices that the build is gone and stops (the bound only keeps a broken one from
  // hanging the test); whatever is left is killed so that nothing writes into OUT behind the resume.
  for (let i = 0; i < 600 && groupAlive(child.pid); i++) await sleep(100);
  const orphans = groupAlive(child.pid);
  if (orphans) process.kill(-child.pid, 'SIGKILL');
  return { ...end, orphans };
}

test('a build killed with SIGKILL, then a truncated cache entry: resuming gives the same catalog', opts, async () => {
  const out = path.join(tmp, 'b', 'catalog');
  const killed = await killedBuild(out, 2);
  assert.equal(killed.signal, 'SIGKILL', 'the build finished before it could be killed');
  assert.equal(killed.orphans, false, 'a worker kept running after the build was killed');
  assert.ok(!fs.existsSync(path.join(out, 'catalog.json')), 'killed before the catalog was written');
  const cached = cacheEntries(out);
  assert.ok(cached.length >= 2 && cached.length < CLIPS.length, `${cached.length} cached`);
  // A write that was cut short (what a non-atomic writer leaves): half of one entry, and leftovers.
  const victim = path.join(out, '.work', 'analysis', cached[0]);
  fs.truncateSync(victim, Math.floor(fs.statSync(victim).size / 2));
  fs.writeFileSync(`${victim}.tmp-999999`, '{"half":');
  fs.writeFileSync(path.join(out, 'previews', 'deadbeef.opus.tmp-999999.opus'), 'Ogg');

  const r = node([build, music, '-o', out, '--jobs', '2', '--name', 'fixture']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, new RegExp(`discarding the cached analysis \\S*${cached[0]} of \\S+: not valid JSON`));
  assert.match(r.stderr, new RegExp(`${CLIPS.length} tracks, ${cached.length - 1} already analysed, ${CLIPS.length - cached.length + 1} to analyse`));
  for (const f of ['catalog.json', 'catalog.cfc']) {
    const a = fs.readFileSync(path.join(tmp, 'a', 'catalog', f)), b = fs.readFileSync(path.join(out, f));
    assert.ok(a.equals(b), `${f}: the resumed build differs from the uninterrupted one`);
  }
  const left = [...fs.readdirSync(path.join(out, '.work', 'analysis')), ...fs.readdirSync(path.join(out, 'previews'))];
  assert.deepEqual(left.filter((f) => f.includes('.tmp-')), []);
  assert.equal(cacheEntries(out).length, CLIPS.length);
});

test('a FIFO is refused and a hung track skipped after --track-timeout; the build goes on', opts, (t) => {
  const dir = path.join(tmp, 'odd');
  fs.mkdirSync(dir);
  if (spawnSync('mkfifo', [path.join(dir, 'pipe.wav')]).status !== 0) return t.skip('mkfifo is not available');
  for (const f of ['a.ogg', 'hang.ogg', 'z.ogg']) fs.copyFileSync(path.join(fixtures, CLIPS[0]), path.join(dir, f));
  // One worker: the hung track blocks it, so the tracks after it need the replacement worker.
  const r = node([build, dir, '-o', path.join(tmp, 'odd-catalog'), '--jobs', '1', '--track-timeout', '20', '--no-previews'],
    { env: { CF_CATALOG_TEST_HANG_ON: 'hang.ogg' } });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /cannot analyse \S*pipe\.wav: \S*pipe\.wav: is a FIFO \(named pipe\), not a regular file/);
  assert.match(r.stderr, /cannot analyse \S*hang\.ogg: no result within 20 s/);
  const cat = JSON.parse(fs.readFileSync(path.join(tmp, 'odd-catalog', 'catalog.json'), 'utf8'));
  assert.deepEqual(cat.tracks.map((x) => x.path).sort(), ['a.ogg', 'z.ogg']);
  const report = JSON.parse(fs.readFileSync(path.join(tmp, 'odd-catalog', 'build_report.json'), 'utf8'));
  assert.deepEqual(report.failed.map((f) => path.basename(f.path)).sort(), ['hang.ogg', 'pipe.wav']);
  // The timed-out track is not cached as a failure: the next build tries it again.
  const again = node([build, dir, '-o', path.join(tmp, 'odd-catalog'), '--no-previews', '--jobs', '1']);
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stderr, /4 tracks, 2 already analysed, 1 to analyse/);
});

test('the site assembled from such a catalog publishes no private folder; an absolute-path catalog is refused', opts, async () => {
  const { assemble, ORT_FILES } = await import(path.join(root, 'src/site/assemble.mjs'));
  const catalog = path.join(tmp, 'a', 'catalog');
  assert.ok(fs.existsSync(path.join(catalog, 'catalog.json')), 'needs the first test\'s catalog');
  const inputs = path.join(tmp, 'site-inputs');
  const write = (f, data) => { fs.mkdirSync(path.dirname(path.join(inputs, f)), { recursive: true }); fs.writeFileSync(path.join(inputs, f), data); };
  write('web/index.html', '<!doctype html>\n');
  for (const f of ['cuefinder_app.js', 'cuefinder_app.wasm']) write(`app/${f}`, 'not needed');
  for (const f of ORT_FILES) write(`ort/${f}`, 'not needed');
  for (const f of ['m/model.onnx', 'm/manifest.json', 'README.md', 'LICENSE-essentia-models.txt']) write(`models/${f}`, f.endsWith('.json') ? '{"name":"m"}' : 'x');
  const base = { app: path.join(inputs, 'app'), web: path.join(inputs, 'web'), ortDist: path.join(inputs, 'ort'),
    models: path.join(inputs, 'models'), bridge: false, font: false };

  const { out } = await assemble({ ...base, out: path.join(tmp, 'site'), catalog });
  for (const f of ['catalog/catalog.json', 'catalog/catalog.cfc']) {
    const bytes = fs.readFileSync(path.join(out, f));
    for (const secret of [tmp, fs.realpathSync(tmp), os.homedir()]) assert.equal(bytes.indexOf(secret), -1, `${f} contains ${secret}`);
  }
  // Every preview the catalog names is in the site.
  for (const t of JSON.parse(fs.readFileSync(path.join(out, 'catalog/catalog.json'), 'utf8')).tracks) {
    assert.ok(fs.existsSync(path.join(out, 'catalog/previews', t.preview)), t.preview);
  }

  // A catalog built before paths were relative (absolute in catalog.json) is not published.
  const old = path.join(tmp, 'old-catalog');
  fs.cpSync(catalog, old, { recursive: true });
  const json = JSON.parse(fs.readFileSync(path.join(old, 'catalog.json'), 'utf8'));
  json.tracks[1].path = path.join(music, json.tracks[1].path);
  fs.writeFileSync(path.join(old, 'catalog.json'), JSON.stringify(json));
  await assert.rejects(assemble({ ...base, out: path.join(tmp, 'site-old'), catalog: old }),
    new RegExp(`track ${json.tracks[1].id} has an absolute path .*rebuild the catalog`));
});
