// cuefinder — fetch, unpack and describe the music of the default demo catalog (called by demo_sources.sh).
//
//   node src/cli/catalog/demo_sources.mjs [--out DIR] [--cache DIR] [--jobs N] [--only PKG,PKG] [--quiet]
//
//   --only PKG,PKG   only these packages (default: $CF_DEMO_PACKAGES when set, else all of the table);
//                    a small list makes a small manifest, e.g. for tests
//   --table FILE     another package table: an ES module exporting PACKAGES (same shape as below) and
//                    NAME (the manifest's name), e.g. tools/eval/similarity/second_set_table.mjs
//   --debs DIR       where the .debs are downloaded/kept (default CACHE/demo/debs)
// Output contract: the manifest is always OUT/manifest.json. stdout carries nothing but that path
// (one line, at the end); everything else — progress, and whatever apt-get, dpkg-deb, unzip,
// openmpt123 and oggenc print — goes to stderr, so a caller capturing stdout gets the path only.
//
// [SECTION] index
//   1. package table    which .deb, where its music lives, how to get it out (plain files, zip, modules)
//   2. steps            download → unpack → render modules → describe → manifest
//   (the Ogg/MIDI/DEP-5 readers and the license rules live in demo_lib.mjs)
//
// Layout (OUT defaults to $CF_CACHE_DIR/demo, CF_CACHE_DIR to ~/.cache/cuefinder):
//   CACHE/demo/debs/*.deb            the downloaded packages (always in the cache, also with --out)
//   OUT/music/<package>/<rel path>   the audio files the manifest points at (modules rendered to .ogg)
//   OUT/modules/<package>/...        tracker modules as shipped (the render sources)
//   OUT/meta/<package>/{copyright,stamp.json}   copyright file and "unpacked from which .deb"
//   OUT/meta/timings.json            what the last run that did real work measured
//   OUT/manifest.json                {"name","version","tracks":[...]} sorted by id
//
// Durations and tags are read by the small Ogg reader in demo_lib.mjs (no ffprobe/sox needed); a track is kept
// when it is longer than 30 s. Nothing here calls the network except `apt-get download`/`update`/`install`
// (the last only for a missing tool the chosen packages need: unzip, openmpt123, vorbis-tools).

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { creditFromCopyright, licenseFor, licenseKind, pickTags, readIni, readMidiTempos, readOgg } from './demo_lib.mjs';

const MIN_DURATION_S = 30;
const RENDER_CAP_S = 360;         // a render stops at the song end libopenmpt detects, or here (modules loop)
const RENDER_RATE_HZ = 44100;
const RENDER_VORBIS_QUALITY = 5;  // ~130–160 kb/s: transparent enough for analysis and previews

// ─── 1. package table ─────────────────────────────────────────────────────────────────────────────
// root: folder inside the .deb whose files become OUT/music/<pkg>/...; globs: tar wildcards relative
// to root (`*` also matches `/`). zip: an archive inside the .deb, with zipGlobs/zipExclude for its
// members and zipRoot stripped from their names. modules: files to render with openmpt123.
const kenta = (pkg, game, sub) => ({ pkg, root: `usr/share/games/${game}/sounds`, globs: [`${sub}*.ogg`] });
const DEMO_PACKAGES = [
  { pkg: 'wesnoth-1.16-music', root: 'usr/share/games/wesnoth/1.16/data/core/music', globs: ['*.ogg'] },
  { pkg: 'ufoai-music', root: 'usr/share/games/ufoai/base', globs: ['0music.pk3'], zip: '0music.pk3',
    zipGlobs: ['music/*.ogg'], zipExclude: ['music/dynamictest*'], zipRoot: 'music/' },
  { pkg: 'warzone2100-music', root: 'usr/share/games/warzone2100/music', globs: ['*.opus', '*album.json'] },
  { pkg: 'nexuiz-music', root: 'usr/share/games/nexuiz/data', globs: ['music.pk3'], zip: 'music.pk3',
    zipGlobs: ['sound/cdtracks/*.ogg'], zipExclude: [], zipRoot: 'sound/cdtracks/' },
  // dep5Ignore: Files patterns that name another source folder but look like a suffix of the installed
  // path (hedgewars' Pascal sources live in hedgewars/*, the data in share/hedgewars/Data/*).
  { pkg: 'hedgewars-data', root: 'usr/share/games/hedgewars/Data/Music', globs: ['*.ogg'], dep5Ignore: ['hedgewars/*'] },
  { pkg: 'supertux-data', root: 'usr/share/games/supertux2/music', globs: ['*.ogg'] },
  { pkg: 'colobot-common-sounds', root: 'usr/share/games/colobot/music', globs: ['*.ogg'] },
  { pkg: 'singularity-music', root: 'usr/share/games/singularity/music', globs: ['*.ogg'] },
  { pkg: 'hyperrogue-music', root: 'usr/share/hyperrogue/music', globs: ['*.ogg'] },
  { pkg: 'pushover-data', root: 'usr/share/pushover/themes', globs: ['*.ogg'] },
  { pkg: 'drascula-music', root: 'usr/share/scummvm/drascula/audio', globs: ['*.ogg'] },
  { pkg: 'planetblupi-music-ogg', root: 'usr/share/planetblupi/music', globs: ['*.ogg'] },
  { pkg: 'fretsonfire-songs-muldjord', root: 'usr/share/games/fretsonfire/data/songs/muldjord',
    globs: ['*.ogg', '*notes.mid', '*song.ini'] },
  kenta('a7xpg-data', 'a7xpg', ''),
  kenta('gunroar-data', 'gunroar', 'musics/'),
  kenta('mu-cade-data', 'mu-cade', 'musics/'),
  kenta('noiz2sa-data', 'noiz2sa', ''),
  kenta('parsec47-data', 'parsec47', ''),
  kenta('rrootage-data', 'rrootage', ''),
  kenta('titanion-data', 'titanion', 'musics/'),
  kenta('torus-trooper-data', 'torus-trooper', 'musics/'),
  kenta('tumiki-fighters-data', 'tumiki-fighters', ''),
  { pkg: 'tecnoballz-data', root: 'usr/share/games/tecnoballz/musics', globs: ['*.mod'], modules: true },
  { pkg: 'pingus-data', root: 'usr/share/games/pingus/data/music', globs: ['*.it', '*.s3m'], modules: true },
  { pkg: 'freedroid-data', root: 'usr/share/games/freedroid/sound', globs: ['*.mod', '*.ogg'], modules: true },
  { pkg: 'pachi-data', root: 'usr/share/pachi/music', globs: ['*.s3m'], modules: true },
  { pkg: 'rafkill-data', root: 'usr/share/games/rafkill/music', globs: ['*.xm'], modules: true },
  { pkg: 'bomberclone-data', root: 'usr/share/games/bomberclone/music', globs: ['*.xm', '*.mod'], modules: true },
  { pkg: 'circuslinux-data', root: 'usr/share/games/circuslinux/data/music', globs: ['*.mod'], modules: true },
  { pkg: 'penguin-command', root: 'usr/share/games/penguin-command/sound', globs: ['*.s3m'], modules: true },
];
const MODULE_EXT = /\.(mod|it|s3m|xm)$/i;
const AUDIO_EXT = /\.(ogg|opus)$/i;

// ─── command line ─────────────────────────────────────────────────────────────────────────────────
const args = process.argv.slice(2);
const opt = { out: null, cache: null, jobs: 2, only: null, quiet: false, table: null, debs: null };
for (let i = 0; i < args.length; ++i) {
  const a = args[i];
  const val = () => { if (i + 1 >= args.length) die(`${a} needs a value`); return args[++i]; };
  if (a === '--out') opt.out = val();
  else if (a === '--cache') opt.cache = val();
  else if (a === '--jobs') opt.jobs = Math.max(1, parseInt(val(), 10) || 1);
  else if (a === '--only') opt.only = val().split(',');
  else if (a === '--quiet') opt.quiet = true;
  else if (a === '--table') opt.table = val();
  else if (a === '--debs') opt.debs = val();
  else if (a === '-h' || a === '--help') { process.stdout.write(fs.readFileSync(new URL(import.meta.url)).toString().split('\n').slice(0, 20).join('\n') + '\n'); process.exit(0); }
  else die(`unknown option ${a} (see --help)`);
}
const CACHE = path.resolve(opt.cache || process.env.CF_CACHE_DIR || path.join(os.homedir(), '.cache/cuefinder'));
const DEBS = path.resolve(opt.debs || path.join(CACHE, 'demo', 'debs'));
const table = opt.table ? await import(pathToFileURL(path.resolve(opt.table)).href) : null;
if (table && !(Array.isArray(table.PACKAGES) && table.NAME)) die(`--table ${opt.table}: exports no PACKAGES array and NAME`);
const PACKAGES = table ? table.PACKAGES : DEMO_PACKAGES;
const MANIFEST_NAME = table ? table.NAME : 'cuefinder demo catalog';
const OUT = path.resolve(opt.out || path.join(CACHE, 'demo'));
if (!opt.only && process.env.CF_DEMO_PACKAGES) opt.only = process.env.CF_DEMO_PACKAGES.split(',');
if (opt.only) opt.only = opt.only.map((p) => p.trim()).filter(Boolean);
const packages = opt.only ? PACKAGES.filter((p) => opt.only.includes(p.pkg)) : PACKAGES;
if (opt.only) {
  const unknown = opt.only.filter((p) => !PACKAGES.some((q) => q.pkg === p));
  if (unknown.length || !packages.length) die(`--only/CF_DEMO_PACKAGES: unknown package ${unknown.join(',') || '(none given)'}`);
}

function die(msg) { process.stderr.write(`demo_sources: ${msg}\n`); process.exit(1); }
function log(msg) { if (!opt.quiet) process.stderr.write(`demo_sources: ${msg}\n`); }
function run(cmd, argv, o = {}) {
  const r = spawnSync(cmd, argv, { encoding: 'utf8', maxBuffer: 64 << 20, ...o });
  if (r.error) throw new Error(`${cmd}: ${r.error.message}`);
  return r;
}
function mustRun(cmd, argv, o = {}) {
  const r = run(cmd, argv, o);
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} failed (${r.status}): ${(r.stderr || '').trim().slice(-800)}`);
  return r;
}
// A child that talks to the user (apt) writes to our stderr: its stdout must never reach ours.
const TO_STDERR = ['ignore', process.stderr.fd, process.stderr.fd];
const sudo = () => (process.getuid && process.getuid() !== 0 ? ['sudo'] : []);
function apt(argv, o = {}) {
  const [cmd, ...rest] = [...sudo(), 'apt-get', ...argv];
  return run(cmd, rest, { stdio: TO_STDERR, ...o });
}
const now = () => performance.now() / 1000;
const mb = (bytes) => (bytes / 1e6).toFixed(1);

// ─── 2. steps ─────────────────────────────────────────────────────────────────────────────────────
function listDebs() {
  const byPkg = new Map();
  if (!fs.existsSync(DEBS)) return byPkg;
  for (const f of fs.readdirSync(DEBS).sort()) {
    if (!f.endsWith('.deb')) continue;
    const pkg = f.split('_')[0];
    if (byPkg.has(pkg)) log(`warning: several .debs for ${pkg} in ${DEBS}; using ${f}`);
    byPkg.set(pkg, path.join(DEBS, f));
  }
  return byPkg;
}

function download() {
  fs.mkdirSync(DEBS, { recursive: true });
  const have = listDebs();
  const missing = packages.map((p) => p.pkg).filter((p) => !have.has(p));
  if (!missing.length) { log(`download: all ${packages.length} packages already in ${DEBS}`); return 0; }
  log(`download: apt-get download ${missing.length} packages into ${DEBS} ...`);
  const t0 = now();
  const get = () => run('apt-get', ['download', ...missing], { cwd: DEBS, stdio: ['ignore', process.stderr.fd, 'pipe'] });
  let r = get();
  if (r.status !== 0) {
    process.stderr.write(r.stderr);
    if (/no candidate|Unable to locate|404|Failed to fetch/i.test(r.stderr)) {
      log('download: refreshing the package lists (apt-get update) and retrying');
      if (apt(['update']).status !== 0) die('apt-get update failed');
      r = get();
    }
    if (r.status !== 0) die(`apt-get download failed:\n${r.stderr}`);
  }
  const dt = now() - t0;
  log(`download: done in ${dt.toFixed(1)} s`);
  return dt;
}

// The tools the chosen packages need (zip-in-deb: unzip; modules: openmpt123 + oggenc), installed
// from Debian when missing; a list without zips or modules (a test's) needs none.
function ensureTools() {
  const need = [];
  if (packages.some((p) => p.zip)) need.push(['unzip', 'unzip']);
  if (packages.some((p) => p.modules)) need.push(['openmpt123', 'openmpt123'], ['oggenc', 'vorbis-tools']);
  const missing = need.filter(([cmd]) => run('sh', ['-c', 'command -v "$1"', '_', cmd]).status !== 0).map(([, pkg]) => pkg);
  if (!missing.length) return;
  log(`installing ${missing.join(' ')}`);
  const install = () => apt(['install', '-y', '--no-install-recommends', ...missing]);
  if (install().status === 0) return;
  if (apt(['update']).status !== 0 || install().status !== 0) die(`could not install ${missing.join(' ')} (apt-get install)`);
}

function debVersion(deb) { return mustRun('dpkg-deb', ['-f', deb, 'Version']).stdout.trim(); }

function rmrf(p) { fs.rmSync(p, { recursive: true, force: true }); }

// Unpack one package: music (or the zip, or the modules) and the copyright file in one pass over the
// .deb, into a staging folder that is renamed into place, so an interrupted run leaves no half state.
function unpack(spec, deb) {
  const metaDir = path.join(OUT, 'meta', spec.pkg);
  const stampFile = path.join(metaDir, 'stamp.json');
  const debName = path.basename(deb);
  if (fs.existsSync(stampFile)) {
    const stamp = JSON.parse(fs.readFileSync(stampFile, 'utf8'));
    if (stamp.deb === debName) return { version: stamp.version, seconds: 0, cached: true };
  }
  const t0 = now();
  const version = debVersion(deb);
  const staging = path.join(OUT, '.staging', spec.pkg);
  rmrf(staging);
  fs.mkdirSync(staging, { recursive: true });
  const copyright = `./usr/share/doc/${spec.pkg}/copyright`;
  const members = [...spec.globs.map((g) => `./${spec.root}/${g}`), copyright];
  const cmd = `dpkg-deb --fsys-tarfile "$1" | tar -x -C "$2" --wildcards "\${@:3}"`;
  mustRun('bash', ['-o', 'pipefail', '-c', cmd, '_', deb, staging, ...members]);
  const rootDir = path.join(staging, spec.root);
  const musicDir = path.join(OUT, 'music', spec.pkg);
  const moduleDir = path.join(OUT, 'modules', spec.pkg);
  rmrf(musicDir);
  fs.mkdirSync(path.dirname(musicDir), { recursive: true });
  if (spec.zip) {
    const unz = path.join(staging, '.unzip');
    const r = run('unzip', ['-q', '-o', path.join(rootDir, spec.zip), ...spec.zipGlobs,
      ...(spec.zipExclude.length ? ['-x', ...spec.zipExclude] : []), '-d', unz]);
    if (r.status !== 0 && r.status !== 1) throw new Error(`unzip ${spec.zip} from ${debName} failed: ${r.stderr}`);
    fs.renameSync(path.join(unz, spec.zipRoot), musicDir);
  } else if (spec.modules) {
    rmrf(moduleDir);
    fs.mkdirSync(path.dirname(moduleDir), { recursive: true });
    fs.renameSync(rootDir, moduleDir);
    fs.mkdirSync(musicDir, { recursive: true });
    // plain audio shipped next to the modules (freedroid's Paradroid.ogg) goes straight to music/
    for (const f of fs.readdirSync(moduleDir)) {
      if (AUDIO_EXT.test(f)) fs.renameSync(path.join(moduleDir, f), path.join(musicDir, f));
    }
  } else {
    fs.renameSync(rootDir, musicDir);
  }
  fs.mkdirSync(metaDir, { recursive: true });
  fs.renameSync(path.join(staging, copyright), path.join(metaDir, 'copyright'));
  rmrf(staging);
  fs.writeFileSync(stampFile, JSON.stringify({ deb: debName, version }, null, 1) + '\n');
  return { version, seconds: now() - t0, cached: false };
}

function walk(dir, rel = '') {
  const out = [];
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...walk(dir, r));
    else out.push(r);
  }
  return out.sort();
}

function moduleInfo(file) {
  const r = run('openmpt123', ['--info', '--', file]);
  const field = (name) => { const m = new RegExp(`^${name}\\.*: ?(.*)$`, 'm').exec(r.stdout + r.stderr); return m ? m[1].trim() : ''; };
  // tracker titles are fixed-width fields: drop padding bytes (0xFF shows up as ÿ) and control characters
  const clean = (v) => v.replace(/[\u0000-\u001f\u007f-\u00a0\u00ff]/g, ' ').replace(/\s+/g, ' ').trim();
  return { title: clean(field('Title')), artist: clean(field('Artist')), type: field('Type') };
}

function renderOne(pkg, src, dst) {
  const info = moduleInfo(src);
  const tagArgs = [];
  if (info.title) tagArgs.push('-t', info.title);
  if (info.artist) tagArgs.push('-a', info.artist);
  tagArgs.push('-c', `comment=rendered by openmpt123 from ${path.basename(src)} (${info.type || 'module'}), ${pkg}`);
  const part = dst + '.part';
  const cmd = 'nice -n 10 openmpt123 --quiet --batch --stdout --no-float --samplerate "$3" --channels 2 --subsong 0 ' +
    '--end-time "$4" -- "$1" | nice -n 10 oggenc -Q -r -B 16 -C 2 -R "$3" -q "$5" -o "$2" "${@:6}" -';
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-o', 'pipefail', '-c', cmd, '_', src, part, String(RENDER_RATE_HZ),
      String(RENDER_CAP_S), String(RENDER_VORBIS_QUALITY), ...tagArgs], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => { err += d; });
    child.on('close', (code) => {
      if (code !== 0) { rmrf(part); reject(new Error(`render ${src} failed (${code}): ${err.slice(-500)}`)); return; }
      fs.renameSync(part, dst);
      resolve();
    });
  });
}

async function renderModules(spec) {
  const moduleDir = path.join(OUT, 'modules', spec.pkg);
  const musicDir = path.join(OUT, 'music', spec.pkg);
  const todo = walk(moduleDir).filter((f) => MODULE_EXT.test(f))
    .map((f) => ({ src: path.join(moduleDir, f), dst: path.join(musicDir, f.replace(MODULE_EXT, '.ogg')) }))
    .filter((j) => !fs.existsSync(j.dst));
  if (!todo.length) return 0;
  const t0 = now();
  let next = 0, done = 0;
  const worker = async () => {
    while (next < todo.length) {
      const j = todo[next++];
      fs.mkdirSync(path.dirname(j.dst), { recursive: true });
      await renderOne(spec.pkg, j.src, j.dst);
      ++done;
      log(`  render ${spec.pkg}: ${done}/${todo.length} ${path.basename(j.src)}`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(opt.jobs, todo.length) }, worker));
  return now() - t0;
}

function groupOf(pkg, rel) {
  let dir = path.posix.dirname(rel);
  if (dir === '.') return pkg;
  dir = dir.replace(/^albums\//, '');
  return `${pkg}/${dir}`;
}

function describe(spec, version) {
  const musicDir = path.join(OUT, 'music', spec.pkg);
  const copyrightText = fs.readFileSync(path.join(OUT, 'meta', spec.pkg, 'copyright'), 'utf8');
  const files = walk(musicDir);
  const albums = new Map(); // warzone: folder → album.json
  for (const f of files.filter((x) => x.endsWith('album.json'))) {
    albums.set(path.posix.dirname(f), JSON.parse(fs.readFileSync(path.join(musicDir, f), 'utf8')));
  }
  const tracks = [], dropped = [];
  for (const rel of files.filter((f) => AUDIO_EXT.test(f))) {
    const abs = path.join(musicDir, rel);
    let info;
    try { info = readOgg(abs); } catch (e) { log(`warning: ${e.message}; skipped`); dropped.push({ rel, why: 'unreadable' }); continue; }
    if (!info.eos) log(`warning: ${abs} has no end-of-stream page (a strict decoder reports it as truncated)`);
    if (!(info.duration_s > MIN_DURATION_S)) { dropped.push({ rel, why: `${info.duration_s.toFixed(1)} s` }); continue; }
    const relNoExt = rel.replace(/\.[^./]+$/, '');
    const t = pickTags(info.tags, path.posix.basename(relNoExt));
    const tr = { id: `${spec.pkg}/${relNoExt}`, path: abs, title: t.title || '', artist: t.artist || '',
      composer: t.composer || '', genre: t.genre || '', album: t.album || '' };

    // where the file sits in the installed package, for the DEP-5 Files patterns
    let installed;
    if (spec.zip) installed = `${spec.root}/${spec.zipRoot}${rel}`;
    else if (spec.modules && t.comment && /rendered by openmpt123 from (\S+)/.test(t.comment)) {
      installed = `${spec.root}/${path.posix.dirname(rel) === '.' ? '' : path.posix.dirname(rel) + '/'}${/rendered by openmpt123 from (\S+)/.exec(t.comment)[1]}`;
      tr.rendered_from = installed.split('/').pop();
    } else installed = `${spec.root}/${rel}`;

    const album = albums.get(path.posix.dirname(rel));
    if (album) {
      const at = (album.tracks || []).find((x) => x.filename === path.posix.basename(rel));
      if (!tr.album) tr.album = album.title || '';
      if (at) { if (!tr.title) tr.title = at.title || ''; if (!tr.artist) tr.artist = at.author || ''; }
      if (!tr.artist) tr.artist = album.author || '';
    }
    if (spec.pkg === 'fretsonfire-songs-muldjord') {
      const dir = path.join(musicDir, path.posix.dirname(rel));
      const ini = fs.existsSync(path.join(dir, 'song.ini')) ? readIni(path.join(dir, 'song.ini')) : {};
      const stem = path.posix.basename(relNoExt) === 'guitar' ? 'guitar stem' : 'backing track';
      if (ini.name) tr.title = `${ini.name} (${stem})`; // the files' own tags do not tell the stems apart
      if (!tr.artist && ini.artist) tr.artist = ini.artist.replace(/\s*-\s*www\..*$/, '');
      if (!tr.genre) tr.genre = 'Metal';
      tr.stem = path.posix.basename(relNoExt);
      const mid = path.join(dir, 'notes.mid');
      if (fs.existsSync(mid)) {
        const { tempos } = readMidiTempos(mid);
        if (tempos.length) {
          tr.bpm_truth = Math.round(tempos[0].bpm * 1000) / 1000;
          const distinct = [...new Set(tempos.map((x) => Math.round(x.bpm * 1000) / 1000))];
          if (distinct.length > 1) tr.bpm_truth_changes = distinct;
          tr.bpm_truth_source = `notes.mid Set Tempo meta event`;
        }
      }
    }
    if (!tr.title) tr.title = path.posix.basename(relNoExt);

    const lic = licenseFor(spec.pkg, copyrightText, installed, spec.dep5Ignore);
    Object.assign(tr, { source: spec.pkg, source_version: version, license: lic.license,
      license_kind: licenseKind(lic.license), license_from: lic.license_from, copyright: lic.copyright });
    const who = tr.artist || tr.composer || creditFromCopyright(lic.copyright, path.posix.basename(relNoExt)) || spec.pkg;
    tr.attribution = `${tr.title} — ${who}, ${spec.pkg} ${version}, ${lic.license}`;
    tr.duration_s = Math.round(info.duration_s * 1000) / 1000;
    tr.codec = info.codec;
    if (spec.modules && tr.rendered_from) tr.render_capped = info.duration_s >= RENDER_CAP_S - 0.5;
    tr.group = groupOf(spec.pkg, rel);
    tracks.push(tr);
  }
  return { tracks, dropped };
}

async function main() {
  const tStart = now();
  ensureTools();
  const downloadS = download();
  const debs = listDebs();
  const timings = { download_s: downloadS, packages: {} };
  const allTracks = [];
  const summary = [];
  let worked = downloadS > 0;
  for (const [i, spec] of packages.entries()) {
    const deb = debs.get(spec.pkg);
    if (!deb) die(`no .deb for ${spec.pkg} in ${DEBS}`);
    const u = unpack(spec, deb);
    if (!u.cached) log(`[${i + 1}/${packages.length}] unpacked ${spec.pkg} ${u.version} (${mb(fs.statSync(deb).size)} MB .deb) in ${u.seconds.toFixed(1)} s`);
    const renderS = spec.modules ? await renderModules(spec) : 0;
    if (renderS) log(`[${i + 1}/${packages.length}] rendered ${spec.pkg} modules in ${renderS.toFixed(1)} s`);
    const { tracks, dropped } = describe(spec, u.version);
    allTracks.push(...tracks);
    const minutes = tracks.reduce((s, t) => s + t.duration_s, 0) / 60;
    summary.push({ pkg: spec.pkg, version: u.version, deb_bytes: fs.statSync(deb).size, tracks: tracks.length,
      dropped: dropped.length, minutes, kinds: [...new Set(tracks.map((t) => t.license_kind))].sort().join('/'),
      licenses: [...new Set(tracks.map((t) => t.license))].sort().join(' / ') });
    timings.packages[spec.pkg] = { unpack_s: u.seconds, render_s: renderS };
    if (!u.cached || renderS) worked = true;
    if (u.cached && !renderS) log(`[${i + 1}/${packages.length}] ${spec.pkg}: cached, ${tracks.length} tracks`);
  }
  allTracks.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const manifest = { name: MANIFEST_NAME, version: 1, tracks: allTracks };
  const manifestFile = path.join(OUT, 'manifest.json');
  fs.writeFileSync(manifestFile + '.tmp', JSON.stringify(manifest, null, 1) + '\n');
  fs.renameSync(manifestFile + '.tmp', manifestFile);
  rmrf(path.join(OUT, '.staging'));

  const total = now() - tStart;
  const hours = allTracks.reduce((s, t) => s + t.duration_s, 0) / 3600;
  const debBytes = summary.reduce((s, x) => s + x.deb_bytes, 0);
  timings.total_s = total;
  const stats = { when: new Date().toISOString(), n_tracks: allTracks.length, hours, deb_bytes: debBytes, timings, summary };
  fs.writeFileSync(path.join(OUT, 'meta', 'summary.json'), JSON.stringify(stats, null, 1) + '\n');
  if (worked) fs.writeFileSync(path.join(OUT, 'meta', 'timings.json'), JSON.stringify(stats, null, 1) + '\n');
  log(`${allTracks.length} tracks, ${hours.toFixed(2)} h, from ${summary.length} packages (${mb(debBytes)} MB of .debs) in ${total.toFixed(1)} s`);
  process.stdout.write(manifestFile + '\n');
}

main().catch((e) => die(e.stack || String(e)));
