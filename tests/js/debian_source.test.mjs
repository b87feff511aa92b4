// tools/debian_source.sh, the one way the WASM dependency scripts unpack Debian sources: it checks
// every file a .dsc lists (size + sha256) and the .dsc's own pin before dpkg-source reads anything.
// Offline: a small fake source package (upstream + Debian tarball + .dsc) made in a temp dir.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SCRIPT = path.join(root, 'tools/debian_source.sh');
const haveDpkgSource = spawnSync('sh', ['-c', 'command -v dpkg-source'], { encoding: 'utf8' }).status === 0;

const made = [];  // temp dirs, removed after the tests
after(() => { for (const d of made) fs.rmSync(d, { recursive: true, force: true }); });

const sha256 = (file) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

function tar(dir, out, top) {
  const r = spawnSync('tar', ['-czf', out, '-C', dir, top], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
}

// A 3.0 (quilt) package "fakepkg 1.0-1": fakepkg_1.0.orig.tar.gz, fakepkg_1.0-1.debian.tar.gz and
// the .dsc listing both. extraFiles: lines added under "Files:" only.
function makePackage({ withChecksums = true, extraFiles = '' } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cf-debsrc-'));
  made.push(dir);
  fs.mkdirSync(path.join(dir, 'src/fakepkg-1.0'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'src/fakepkg-1.0/hello.c'), 'int main(void) { return 0; }\n');
  fs.mkdirSync(path.join(dir, 'deb/debian/source'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'deb/debian/source/format'), '3.0 (quilt)\n');
  fs.writeFileSync(path.join(dir, 'deb/debian/changelog'),
    'fakepkg (1.0-1) unstable; urgency=medium\n\n  * Test.\n\n -- A <a@example.org>  Sat, 05 Dec 2026 12:00:00 +0000\n');
  const orig = path.join(dir, 'fakepkg_1.0.orig.tar.gz'), deb = path.join(dir, 'fakepkg_1.0-1.debian.tar.gz');
  tar(path.join(dir, 'src'), orig, 'fakepkg-1.0');
  tar(path.join(dir, 'deb'), deb, 'debian');
  const line = (f, hash) => ` ${hash} ${fs.statSync(f).size} ${path.basename(f)}`;
  const md5 = (f) => crypto.createHash('md5').update(fs.readFileSync(f)).digest('hex');
  const dsc = path.join(dir, 'fakepkg_1.0-1.dsc');
  fs.writeFileSync(dsc, ['Format: 3.0 (quilt)', 'Source: fakepkg', 'Version: 1.0-1',
    ...(withChecksums ? ['Checksums-Sha256:', line(orig, sha256(orig)), line(deb, sha256(deb))] : []),
    'Files:', line(orig, md5(orig)), line(deb, md5(deb)), ...(extraFiles ? [extraFiles] : []), ''].join('\n'));
  const pins = path.join(dir, 'pins.sha256');
  fs.writeFileSync(pins, `${sha256(dsc)}  ${path.basename(dsc)}\n`);
  return { dir, orig, deb, dsc, pins, out: path.join(dir, 'out') };
}

function run(pkg, args, pins = pkg.pins, env = {}) {
  return spawnSync('bash', [SCRIPT, ...args], { encoding: 'utf8', env: { ...process.env, CF_DEBIAN_PINS: pins, ...env } });
}

function flipByte(file, at) {
  const b = fs.readFileSync(file);
  b[at] ^= 0x01;
  fs.writeFileSync(file, b);
}

test('a checked package unpacks with its Debian changes', { skip: !haveDpkgSource && 'dpkg-source missing (apt-get install dpkg-dev)' }, () => {
  const p = makePackage();
  const r = run(p, ['unpack', p.dsc, p.out, path.join(p.dir, 'log')]);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(fs.existsSync(path.join(p.out, 'hello.c')));
  assert.ok(fs.existsSync(path.join(p.out, 'debian/changelog')));
});

test('a tampered upstream tarball is refused, naming it, and nothing is unpacked', () => {
  const p = makePackage();
  flipByte(p.orig, 100);
  const r = run(p, ['unpack', p.dsc, p.out]);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /fakepkg_1\.0\.orig\.tar\.gz: sha256 [0-9a-f]{64} does not match fakepkg_1\.0-1\.dsc/);
  assert.ok(!fs.existsSync(p.out));
});

test('a tampered Debian tarball is refused, not replaced by the upstream tarball alone', () => {
  const p = makePackage();
  flipByte(p.deb, 100);
  const r = run(p, ['unpack', p.dsc, p.out]);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /fakepkg_1\.0-1\.debian\.tar\.gz: sha256 [0-9a-f]{64} does not match/);
  assert.doesNotMatch(r.stderr, /without Debian's changes/);
  assert.ok(!fs.existsSync(p.out));
});

test('a tarball of the wrong size is refused', () => {
  const p = makePackage();
  fs.appendFileSync(p.deb, 'x');
  const r = run(p, ['check', p.dsc]);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /fakepkg_1\.0-1\.debian\.tar\.gz: \d+ bytes, but fakepkg_1\.0-1\.dsc lists \d+/);
});

test('without its Debian tarball a package is refused, unless allowed: then its checked upstream tarball is unpacked and stderr says so; a tampered one is not', () => {
  const p = makePackage();
  fs.rmSync(p.deb);
  const refused = run(p, ['unpack', p.dsc, p.out]);
  assert.notEqual(refused.status, 0);
  assert.match(refused.stderr, /fakepkg_1\.0-1\.dsc: Debian's tarball is not available, and fakepkg_1\.0\.orig\.tar\.gz alone would lack Debian's patches/);
  assert.ok(!fs.existsSync(p.out));
  const allow = { CF_DEBIAN_UPSTREAM_ONLY: 'other_1-1.dsc fakepkg_1.0-1.dsc' };
  const r = run(p, ['unpack', p.dsc, p.out], p.pins, allow);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /without Debian's changes/);
  assert.ok(fs.existsSync(path.join(p.out, 'hello.c')));
  flipByte(p.orig, 100);
  const bad = run(p, ['unpack', p.dsc, path.join(p.dir, 'out2')], p.pins, allow);
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /orig\.tar\.gz: sha256 .* does not match/);
  assert.ok(!fs.existsSync(path.join(p.dir, 'out2')));
});

test('a .dsc that differs from its pin is refused; an unpinned one is used with the line to pin it', () => {
  const p = makePackage();
  fs.writeFileSync(p.pins, `${'0'.repeat(64)}  fakepkg_1.0-1.dsc\n`);
  const r = run(p, ['check', p.dsc]);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /fakepkg_1\.0-1\.dsc: sha256 [0-9a-f]{64}, but pins\.sha256 pins 0{64}/);
  fs.writeFileSync(p.pins, '');
  const unpinned = run(p, ['check', p.dsc]);
  assert.equal(unpinned.status, 0, unpinned.stderr);
  assert.match(unpinned.stderr, new RegExp(`not pinned .* add: ${sha256(p.dsc)}  fakepkg_1\\.0-1\\.dsc`));
});

test('a .dsc without Checksums-Sha256, or with a file only under Files, is refused', () => {
  const none = makePackage({ withChecksums: false });
  fs.writeFileSync(none.pins, '');
  const r = run(none, ['check', none.dsc]);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /no Checksums-Sha256 field/);
  const extra = makePackage({ extraFiles: ` ${'a'.repeat(32)} 10 sneaky.tar.gz` });
  const e = run(extra, ['check', extra.dsc]);
  assert.notEqual(e.status, 0);
  assert.match(e.stderr, /sneaky\.tar\.gz is listed under Files but not under Checksums-Sha256/);
});

test('the pinned .dsc files are the WASM scripts\' packages, one line each', () => {
  const pins = fs.readFileSync(path.join(root, 'tools/debian_sources.sha256'), 'utf8').trim().split('\n');
  for (const l of pins) assert.match(l, /^[0-9a-f]{64} {2}[a-z0-9][a-z0-9.+~-]*_[^ ]+\.dsc$/);
  const names = pins.map((l) => l.split('  ')[1].split('_')[0]);
  for (const pkg of ['libogg', 'libvorbis', 'opus', 'opusfile', 'flac', 'mpg123', 'libsamplerate', 'libebur128',
    'libsdl2', 'imgui', 'libwebp']) assert.ok(names.includes(pkg), `${pkg} is not pinned`);
});
