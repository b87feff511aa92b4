// The `./cuefinder` launcher as a user runs it (run by ./cuefinder test: node --test tests/js/):
//  - from another folder, with paths relative to that folder (analyze FILE, catalog build SOURCE -o OUT);
//  - stdout carries only the result (builds, setup and apt's output go to stderr);
//  - a missing or bad option value is a usage error naming the option (exit status 2), before any build;
//  - the demo sources step from an empty package cache (a small package list; needs Debian's archive)
//    writes its manifest where the launcher reads it, and nothing apt prints reaches stdout;
//  - two launchers never build in one build dir at once (build/<preset>.lock).
//  - the stamp: once setup + build succeeded, analyze/search/... skip both until something they depend
//    on changes (a source file, a new file, a build output, CF_NO_STAMP=1); checked on a copy of the
//    launcher in a scratch checkout with a fake cmake and setup, so no real build runs.
// The tests that analyse need the WASM module (./cuefinder build wasm-release cuefinder_node): they are
// skipped without it, as the other Node tests are; the launcher's own build step is then a no-op.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const launcher = path.join(root, 'cuefinder');
const fixtures = path.join(root, 'tests/data/audio');
const moduleFile = path.join(root, 'build/wasm-release/src/cli/cuefinder_node.js');
const built = fs.existsSync(moduleFile) && fs.existsSync(path.join(root, 'models/msd-musicnn-1/manifest.json'));
const needsBuild = { skip: built ? false : `needs ${moduleFile} (./cuefinder build wasm-release cuefinder_node)` };

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cf-launcher-'));
test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function folder(name) {
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

// Runs the launcher with `args` in `cwd` (never the repository).
function launch(args, { cwd, env = {}, bin = launcher }) {
  return spawnSync('bash', [bin, ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 26, env: { ...process.env, ...env } });
}

test('a missing or bad option value is a usage error naming the option, for every launcher option', () => {
  const cwd = folder('usage');
  const cases = [
    [['demo', '--port'], /--port needs a value/],
    [['demo', '--port', 'x'], /--port needs a whole number/],
    [['demo', '--port', '70000'], /--port: 70000 is not a port number/],
    [['demo', '--bogus'], /unknown option --bogus/],
    [['catalog', 'demo', '--jobs'], /--jobs needs a value/],
    [['catalog', 'build', 'music', '-o'], /-o needs a value/],
    [['catalog', 'build', 'music', '--out'], /--out needs a value/],
    [['catalog', 'build', 'music', '-o', 'out', '--name'], /--name needs a value/],
    [['catalog', 'build', 'music', '-o', 'out', '--jobs'], /--jobs needs a value/],
    [['catalog', 'build', 'music', '--jobs', 'two', '-o', 'out'], /--jobs needs a whole number/],
    [['catalog', 'nothing'], /catalog: expected 'catalog build/],
    [['bench', '--repeat'], /--repeat needs a value/],
    [['fuzz', 'ten'], /SECONDS needs a whole number/],
    [['test', '--all'], /unknown option --all/],
    [['site', 'out'], /site: expected OUT and CATALOG/],
    [['build'], /build: expected a preset/],
  ];
  for (const [args, message] of cases) {
    const r = launch(args, { cwd });
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message, args.join(' '));
    assert.doesNotMatch(r.stderr, /unbound variable/, args.join(' '));
    assert.equal(r.stdout, '', args.join(' '));
  }
  assert.deepEqual(fs.readdirSync(cwd), [], 'a usage error writes nothing');
});

test('the tools behind analyze, search, tag and suggest name a missing option value too', needsBuild, () => {
  const cwd = folder('usage-tools');
  for (const [args, message] of [
    [['analyze', 'song.ogg', '--windows'], /--windows needs a value/],
    [['search', 'catalog', '--track'], /--track needs a value/],
    [['tag', 'song.ogg', '--labels'], /--labels needs a value/],
    [['suggest', 'clip.mp4', '--text'], /--text needs a value/],
  ]) {
    const r = launch(args, { cwd });
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message, args.join(' '));
    assert.equal(r.stdout, '', args.join(' '));
  }
});

test('demo sources from an empty package cache: the manifest is where the launcher reads it, stdout stays clean', () => {
  // Straight from the script: stdout is the manifest path and nothing else (apt's Get: lines go to stderr).
  const direct = folder('sources-direct');
  const r = spawnSync('bash', [path.join(root, 'src/cli/catalog/demo_sources.sh'), '--cache', path.join(direct, 'cache'),
    '--out', 'out', '--only', 'a7xpg-data'], { cwd: direct, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /Get:1 .*a7xpg-data/, 'the package was downloaded (empty cache)');
  assert.equal(r.stdout, `${path.join(direct, 'out', 'manifest.json')}\n`);
  checkManifest(path.join(direct, 'out'));

  // Through the launcher, another empty cache, the package list from the environment: nothing on stdout.
  const cache = folder('sources-launcher');
  const l = launch(['catalog', 'demo', '--sources-only'], { cwd: folder('elsewhere'), env: { CF_CACHE_DIR: cache, CF_DEMO_PACKAGES: 'a7xpg-data' } });
  assert.equal(l.status, 0, l.stderr);
  assert.match(l.stderr, /Get:1 .*a7xpg-data/);
  assert.equal(l.stdout, '');
  checkManifest(path.join(cache, 'demo'));
  assert.ok(fs.readdirSync(path.join(cache, 'demo/debs')).some((f) => /^a7xpg-data_.*\.deb$/.test(f)));
});

function checkManifest(dir) {
  const m = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
  assert.equal(m.name, 'cuefinder demo catalog');
  assert.ok(m.tracks.length >= 1, 'a7xpg-data has tracks longer than 30 s');
  for (const t of m.tracks) {
    assert.equal(t.source, 'a7xpg-data');
    assert.ok(t.path.startsWith(path.join(dir, 'music', 'a7xpg-data') + path.sep), t.path);
    assert.ok(fs.statSync(t.path).size > 0, t.path);
    assert.equal(t.license, 'BSD-2-Clause');
    assert.ok(t.duration_s > 30 && t.attribution.includes('Kenta Cho'), JSON.stringify(t));
  }
}

test('analyze FILE relative to the caller\'s folder; stdout is the JSON only', needsBuild, () => {
  const cwd = folder('analyze');
  fs.copyFileSync(path.join(fixtures, 'vorbis_q2_44k_stereo_3s.ogg'), path.join(cwd, 'song.ogg'));
  const r = launch(['analyze', 'song.ogg', '--json'], { cwd });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.split('\n').filter(Boolean);
  assert.equal(lines.length, 1, r.stdout);
  const a = JSON.parse(lines[0]);
  assert.equal(a.file, 'song.ogg');
  assert.equal(a.error, undefined);
  assert.equal(a.embedding.dim, 200);
});

test('catalog build SOURCE -o OUT with relative paths, from another folder', needsBuild, () => {
  const cwd = folder('catalog');
  fs.mkdirSync(path.join(cwd, 'music/sub'), { recursive: true });
  fs.copyFileSync(path.join(fixtures, 'vorbis_q2_44k_stereo_3s.ogg'), path.join(cwd, 'music/a.ogg'));
  fs.copyFileSync(path.join(fixtures, 'flac_s16_44k_stereo.flac'), path.join(cwd, 'music/sub/b.flac'));
  fs.copyFileSync(path.join(fixtures, 'mp3_cbr128_44k_stereo.mp3'), path.join(cwd, 'music/c.mp3'));
  const r = launch(['catalog', 'build', 'music', '-o', 'out', '--jobs', '1', '--no-previews'], { cwd });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, '');
  const report = JSON.parse(fs.readFileSync(path.join(cwd, 'out/build_report.json'), 'utf8'));
  assert.deepEqual(report.failed, [], r.stderr);
  const cat = JSON.parse(fs.readFileSync(path.join(cwd, 'out/catalog.json'), 'utf8'));
  assert.deepEqual(cat.tracks.map((t) => t.id).sort(), ['a', 'c', 'sub/b']);
  // relative to SOURCE or absolute: either way the file is found from the caller's folder
  for (const t of cat.tracks) assert.ok(fs.existsSync(path.resolve(cwd, 'music', t.path)), t.path);
  assert.ok(fs.existsSync(path.join(cwd, 'out/catalog.cfc')));
});

test('a second launcher waits for build/<preset>.lock instead of building in the same dir', needsBuild, async () => {
  const lockFile = path.join(root, 'build/wasm-release.lock');
  const holder = spawn('flock', [lockFile, '-c', 'echo locked; read _'], { stdio: ['pipe', 'pipe', 'inherit'] });
  await new Promise((resolve) => holder.stdout.once('data', resolve));
  const cwd = folder('lock');
  fs.copyFileSync(path.join(fixtures, 'vorbis_q2_44k_stereo_3s.ogg'), path.join(cwd, 'song.ogg'));
  const child = spawn('bash', [launcher, 'analyze', 'song.ogg', '--json'], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '', stderr = '', exited = false;
  child.stdout.on('data', (d) => { stdout += d; });
  const exit = new Promise((resolve) => child.on('exit', (code) => { exited = true; resolve(code); }));
  await new Promise((resolve) => {
    child.stderr.on('data', (d) => { stderr += d; if (/waiting: another cuefinder/.test(stderr)) resolve(); });
    exit.then(resolve);
  });
  assert.match(stderr, /waiting: another cuefinder is using build\/wasm-release/);
  assert.equal(exited, false, 'blocked while the lock is held');
  assert.equal(stdout, '', 'nothing analysed yet');
  holder.stdin.end('\n');
  assert.equal(await exit, 0, stderr);
  assert.equal(JSON.parse(stdout).file, 'song.ogg');
});

// A scratch checkout: the real launcher, a fake setup and WASM library scripts, a configured build dir
// whose build.ninja maps cuefinder_node to its output, `cmake` on PATH a fake that logs and writes it
// (or fails while fail.flag exists), and src/cli/search.mjs a script printing "searched".
function fakeCheckout() {
  const dir = folder('stamp');
  const log = path.join(dir, 'calls.log');
  const write = (rel, text, mode = 0o644) => {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text, { mode });
  };
  write('repo/cuefinder', fs.readFileSync(launcher), 0o755);
  write('repo/tools/setup.sh', `echo setup >>'${log}'\n`);
  write('repo/tools/wasm_deps.sh', '');
  write('repo/tools/wasm_ui_deps.sh', '');
  write('repo/src/cli/search.mjs', "console.log('searched');\n");
  write('repo/src/core/part.cpp', 'int part() { return 1; }\n');
  write('repo/build/wasm-release/build.ninja', 'build cuefinder_node: phony src/cli/cuefinder_node.js\n');
  write('bin/cmake', `#!/bin/sh
echo "build $*" >>'${log}'
[ -e '${dir}/fail.flag' ] && { echo 'fake build failed' >&2; exit 1; }
mkdir -p "$2/src/cli" && touch "$2/src/cli/cuefinder_node.js" "$2/src/cli/cuefinder_node.wasm"
`, 0o755);
  const repo = path.join(dir, 'repo');
  const env = { PATH: `${path.join(dir, 'bin')}:${process.env.PATH}`, CF_CACHE_DIR: path.join(dir, 'cache'), CF_NO_STAMP: '' };
  const calls = () => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').filter(Boolean) : []);
  // Runs `search` (from another folder) and returns what setup/build it ran.
  const search = (extraEnv = {}) => {
    const before = calls().length;
    const r = launch(['search', 'catalog', '--track', 'x'], { cwd: folder('stamp-cwd'), env: { ...env, ...extraEnv }, bin: path.join(repo, 'cuefinder') });
    return { ...r, ran: calls().slice(before) };
  };
  return { dir, repo, search, stamp: path.join(repo, 'build/wasm-release/.cf-stamp-cuefinder_node') };
}

// Moves a file's mtime forward (a second run in the same clock tick must still see the edit).
function touch(file) {
  const later = new Date(Date.now() + 5000);
  fs.utimesSync(file, later, later);
}

test('the stamp: written after setup + build, then both are skipped until something they depend on changes', () => {
  const { dir, repo, search, stamp } = fakeCheckout();
  const full = ['setup', 'build --build ' + path.join(repo, 'build/wasm-release') + ' --target cuefinder_node'];

  let r = search();
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'searched\n');
  assert.deepEqual(r.ran, full, 'the first call sets up and builds');
  assert.match(fs.readFileSync(stamp, 'utf8'), /^[0-9a-f]{32} [0-9a-f]{32}\n$/, 'the stamp is written after the build');

  r = search();
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'searched\n');
  assert.deepEqual(r.ran, [], 'nothing changed: no setup, no build');
  assert.doesNotMatch(r.stderr, /build wasm-release/);

  touch(path.join(repo, 'src/core/part.cpp'));
  assert.deepEqual(search().ran, full, 'a touched source file: the full check');
  assert.deepEqual(search().ran, [], 'and stamped again');

  fs.writeFileSync(path.join(repo, 'src/core/new_part.cpp'), 'int new_part() { return 2; }\n');
  assert.deepEqual(search().ran, full, 'a new source file: the full check');

  fs.rmSync(path.join(repo, 'build/wasm-release/src/cli/cuefinder_node.wasm'));
  assert.deepEqual(search().ran, full, 'a deleted build output: the full check');
  assert.ok(fs.existsSync(path.join(repo, 'build/wasm-release/src/cli/cuefinder_node.wasm')), 'rebuilt');

  assert.deepEqual(search({ CF_NO_STAMP: '1' }).ran, full, 'CF_NO_STAMP=1: the full check');
  assert.deepEqual(search({ CF_NO_STAMP: '1' }).ran, full, 'CF_NO_STAMP=1: every time');
  assert.deepEqual(search({ PATH: `${path.join(dir, 'bin')}:/usr/local/bin:${process.env.PATH}` }).ran, full,
    'a different PATH (toolchain): the full check');

  // A failed build: non-zero exit, no stamp, so the next call checks everything again.
  fs.writeFileSync(path.join(dir, 'fail.flag'), '');
  touch(path.join(repo, 'src/core/part.cpp'));
  r = search();
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /fake build failed/);
  assert.equal(r.stdout, '', 'no search after a failed build');
  assert.equal(fs.existsSync(stamp), false, 'no stamp after a failed build');
  fs.rmSync(path.join(dir, 'fail.flag'));
  assert.deepEqual(search().ran, full, 'after a failed build: the full check, though no file changed since');
  assert.deepEqual(search().ran, [], 'then stamped');
});
