// Assembles the deployable static site: one folder that any static host can serve.
//
//   node src/site/assemble.mjs --out build/site --app DIR [--worker DIR] --catalog CATALOG_DIR [--models models]
//
//   import { assemble } from './src/site/assemble.mjs';
//   const { out, manifest } = await assemble({ out: 'build/site', app: 'build/wasm-release/src/app',
//                                             catalog: '~/.cache/cuefinder/demo/catalog' });
//
// Layout written (every file a real copy: static hosts do not follow symlinks):
//   index.html, app.js, ...       every file of web/ except tests (web/sw.js gets the site version):
//                                 the page's own modules (ort_bridge.mjs, core_client.*) are in web/, so
//                                 web/ and the site have the same layout (Node imports them from web/)
//   fonts/DejaVuSans.ttf          Debian's fonts-dejavu-core font when installed (app.js loads it if
//                                 present), its copyright as licenses/fonts-dejavu-copyright.txt
//   cuefinder_app.{js,wasm}       from --app (plus cuefinder_app.worker.js / .data when present)
//   cuefinder_worker.{js,wasm}    from --worker, when given
//   ort/                          ONNX Runtime Web, only what the wasm execution provider loads:
//                                 ort.wasm.min.mjs (the API; a module worker of itself for the proxy),
//                                 ort-wasm-simd-threaded.mjs (the Emscripten glue, also the pthread
//                                 worker script) and ort-wasm-simd-threaded.wasm. The .jsep/.jspi/
//                                 .asyncify builds belong to the WebGPU/WebNN/JSPI bundles (ort.min.mjs,
//                                 ort.all.*), which the app does not use: 55 MB less to download.
//   vendor/mediabunny.min.mjs     the demuxer of web/video_reader.mjs (npm mediabunny's one ESM bundle,
//                                 unmodified; MPL-2.0: licenses/mediabunny-LICENSE.txt beside it)
//   models/<name>/{model.onnx,manifest.json}, models/README.md, models/LICENSE-essentia-models.txt
//   catalog/{catalog.cfc,catalog.json}, catalog/previews/<file> for each preview named in catalog.json,
//   catalog/audio/<file> for each track's full-length audio named in catalog.json (`audio`; hard links)
//   licenses/{LICENSE,THIRD_PARTY.md}
//   (the font can be turned off with font: false, or pointed elsewhere)
//   site-manifest.json            {version, built, files:[{path,bytes,sha256}], groups:{app,models,catalog,previews,audio}}
//
// `version` is the first 16 hex digits of the sha256 over "path sha256\n" of every file except
// sw.js and site-manifest.json; sw.js then gets `const SITE_VERSION = '<version>'` so its bytes change
// with every new site and browsers install the new service worker. The service worker precaches
// groups app + models + catalog; previews are cached when first played; full audio is fetched in ranges
// and never precached.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import crypto from 'node:crypto';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The ONNX Runtime Web 1.30 files the wasm execution provider loads at run time (see the header). */
export const ORT_FILES = ['ort.wasm.min.mjs', 'ort-wasm-simd-threaded.mjs', 'ort-wasm-simd-threaded.wasm'];

/** npm mediabunny's files the site ships (web/video_reader.mjs imports the bundle), by their site path. */
export const MEDIABUNNY_FILES = { 'vendor/mediabunny.min.mjs': 'dist/bundles/mediabunny.min.mjs', 'licenses/mediabunny-LICENSE.txt': 'LICENSE' };

/** The UI font (Debian fonts-dejavu-core, Bitstream Vera / public-domain license) and its copyright. */
export const DEBIAN_FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';
export const DEBIAN_FONT_LICENSE = '/usr/share/doc/fonts-dejavu-core/copyright';

/** Placeholder line in web/sw.js that assemble() rewrites. */
const SW_VERSION_RE = /^const SITE_VERSION = '[^']*';/m;

class AssembleError extends Error {}
const fail = (msg) => { throw new AssembleError(msg); };

function expandHome(p) {
  return p && p.startsWith('~/') ? path.join(os.homedir(), p.slice(2)) : p;
}

async function isDir(p) {
  try {
    return (await fsp.stat(p)).isDirectory();
  } catch {
    return false;
  }
}

async function isFile(p) {
  try {
    return (await fsp.stat(p)).isFile();
  } catch {
    return false;
  }
}

async function requireDir(p, what) {
  if (!(await isDir(p))) fail(`${what}: ${p} is not a folder${fs.existsSync(p) ? '' : ' (it does not exist)'}`);
}

async function requireFile(p, what) {
  if (!(await isFile(p))) fail(`${what}: missing ${p}`);
}

/** A web/ entry that is a test and must not ship: tests/, test/ folders, *.test.* and *.spec.* files. */
function isTestPath(rel) {
  const parts = rel.split('/');
  if (parts.slice(0, -1).some((p) => p === 'tests' || p === 'test' || p === '__tests__')) return true;
  return /\.(test|spec)\.[^/]+$/.test(parts[parts.length - 1]);
}

async function listFiles(dir, rel = '') {
  const out = [];
  for (const e of await fsp.readdir(path.join(dir, rel), { withFileTypes: true })) {
    if (e.name.startsWith('.')) continue;
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listFiles(dir, r)));
    else if (e.isFile()) out.push(r);
    else if (e.isSymbolicLink()) {
      const st = await fsp.stat(path.join(dir, r));  // copy what it points to (never ship a link)
      if (st.isDirectory()) out.push(...(await listFiles(dir, r)));
      else out.push(r);
    }
  }
  return out.sort();
}

async function sha256File(p) {
  const hash = crypto.createHash('sha256');
  for await (const chunk of fs.createReadStream(p)) hash.update(chunk);
  return hash.digest('hex');
}

/**
 * Builds the site folder.
 * @param {object} o
 * @param {string} o.out       output folder; emptied first if it is a previous assemble output
 *                             (has site-manifest.json) or empty; any other non-empty folder is refused
 * @param {string} o.app       folder with cuefinder_app.js and cuefinder_app.wasm
 * @param {string} [o.worker]  folder with cuefinder_worker.js and cuefinder_worker.wasm
 * @param {string} o.catalog   catalog folder (catalog.cfc, catalog.json, previews/)
 * @param {string} [o.models='<repo>/models']
 * @param {string} [o.web='<repo>/web']                     page files (index.html required)
 * @param {string} [o.ortDist='<repo>/node_modules/onnxruntime-web/dist']
 * @param {string} [o.mediabunny='<repo>/node_modules/mediabunny']
 * @param {string} [o.licenseDir='<repo>']                  holds LICENSE and THIRD_PARTY.md
 * @param {string|false} [o.font=DEBIAN_FONT]  copied to fonts/DejaVuSans.ttf when the file exists
 * @param {string} [o.fontLicense=DEBIAN_FONT_LICENSE]  copied to licenses/fonts-dejavu-copyright.txt
 * @param {(line:string)=>void} [o.log]
 * @returns {Promise<{out:string, manifest:object}>}  rejects with a message naming the missing input
 */
export async function assemble(o = {}) {
  const log = o.log || (() => {});
  if (!o.out) fail('--out is required');
  if (!o.app) fail('--app is required (folder with cuefinder_app.js and cuefinder_app.wasm)');
  if (!o.catalog) fail('--catalog is required (a folder made by `./cuefinder catalog build`)');
  const out = path.resolve(expandHome(o.out));
  const app = path.resolve(expandHome(o.app));
  const worker = o.worker ? path.resolve(expandHome(o.worker)) : null;
  const catalog = path.resolve(expandHome(o.catalog));
  const models = path.resolve(expandHome(o.models || path.join(repoRoot, 'models')));
  const web = path.resolve(expandHome(o.web || path.join(repoRoot, 'web')));
  const ortDist = path.resolve(expandHome(o.ortDist || path.join(repoRoot, 'node_modules/onnxruntime-web/dist')));
  const licenseDir = path.resolve(expandHome(o.licenseDir || repoRoot));

  // 1. Check every input before touching the output.
  /** @type {{src:string, dest:string, group:string}[]} */
  const plan = [];
  const add = (src, dest, group) => plan.push({ src, dest, group });

  await requireDir(web, 'web (page files)');
  await requireFile(path.join(web, 'index.html'), 'web');
  for (const rel of await listFiles(web)) {
    if (isTestPath(rel)) continue;
    add(path.join(web, rel), rel, rel === 'sw.js' ? null : 'app');
  }

  const fromWeb = new Set(plan.map((p) => p.dest));
  const font = o.font === false ? null : path.resolve(expandHome(o.font || DEBIAN_FONT));
  if (font && !fromWeb.has('fonts/DejaVuSans.ttf')) {
    if (await isFile(font)) {
      const fontLicense = path.resolve(expandHome(o.fontLicense || DEBIAN_FONT_LICENSE));
      await requireFile(fontLicense, 'font license');
      add(font, 'fonts/DejaVuSans.ttf', 'app');
      add(fontLicense, 'licenses/fonts-dejavu-copyright.txt', 'app');
    } else if (o.font) fail(`font: missing ${font}`);
    else log(`note: ${DEBIAN_FONT} not found (apt-get install fonts-dejavu-core): the app uses ImGui's built-in font`);
  }

  await requireDir(app, '--app');
  for (const base of ['cuefinder_app']) {
    for (const ext of ['.js', '.wasm']) await requireFile(path.join(app, base + ext), '--app');
    for (const ext of ['.js', '.wasm', '.worker.js', '.data']) {
      if (await isFile(path.join(app, base + ext))) add(path.join(app, base + ext), base + ext, 'app');
    }
  }
  if (worker) {
    await requireDir(worker, '--worker');
    for (const ext of ['.js', '.wasm']) await requireFile(path.join(worker, 'cuefinder_worker' + ext), '--worker');
    for (const ext of ['.js', '.wasm', '.worker.js', '.data']) {
      const f = path.join(worker, 'cuefinder_worker' + ext);
      if (await isFile(f)) add(f, 'cuefinder_worker' + ext, 'app');
    }
  }

  await requireDir(ortDist, 'onnxruntime-web (npm install onnxruntime-web@1.30.0)');
  for (const f of ORT_FILES) {
    await requireFile(path.join(ortDist, f), 'onnxruntime-web');
    add(path.join(ortDist, f), `ort/${f}`, 'app');
  }

  const mediabunny = path.resolve(expandHome(o.mediabunny || path.join(repoRoot, 'node_modules/mediabunny')));
  for (const [dest, f] of Object.entries(MEDIABUNNY_FILES)) {
    await requireFile(path.join(mediabunny, f), 'mediabunny (npm install mediabunny@1.61.0)');
    add(path.join(mediabunny, f), dest, 'app');
  }

  await requireDir(models, '--models');
  const modelNames = [];
  for (const e of (await fsp.readdir(models, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    if (!e.isDirectory() || e.name.startsWith('.')) continue;
    // A model folder ships its manifest and the files the manifest lists under "web_files" (default:
    // model.onnx). A folder without a manifest is not a finished model: skipped with a note.
    const manifestFile = path.join(models, e.name, 'manifest.json');
    if (!(await isFile(manifestFile))) {
      // model.onnx without its manifest is a broken model; a folder with neither is work in progress.
      if (await isFile(path.join(models, e.name, 'model.onnx'))) await requireFile(manifestFile, `--models (model ${e.name})`);
      log(`note: models/${e.name} has no manifest.json: not shipped`);
      continue;
    }
    let files = ['model.onnx'];
    try {
      const m = JSON.parse(await fsp.readFile(manifestFile, 'utf8'));
      if (Array.isArray(m.web_files)) files = m.web_files;
    } catch (err) { fail(`--models (model ${e.name}): manifest.json is not valid JSON: ${err.message}`); }
    if (files.length === 1 && files[0] === 'model.onnx' && !(await isFile(path.join(models, e.name, 'model.onnx')))) {
      log(`note: models/${e.name} has no model.onnx and its manifest lists no web_files: not shipped`);
      continue;
    }
    for (const f of ['manifest.json', ...files]) {
      await requireFile(path.join(models, e.name, f), `--models (model ${e.name})`);
      add(path.join(models, e.name, f), `models/${e.name}/${f}`, 'models');
    }
    modelNames.push(e.name);
  }
  if (modelNames.length === 0) fail(`--models: ${models} has no model folders (<name>/model.onnx + manifest.json)`);
  for (const f of ['README.md', 'LICENSE-essentia-models.txt']) {
    await requireFile(path.join(models, f), '--models');
    add(path.join(models, f), `models/${f}`, 'models');
  }

  await requireDir(catalog, '--catalog');
  for (const f of ['catalog.cfc', 'catalog.json']) {
    await requireFile(path.join(catalog, f), '--catalog');
    add(path.join(catalog, f), `catalog/${f}`, 'catalog');
  }
  let catalogJson;
  try {
    catalogJson = JSON.parse(await fsp.readFile(path.join(catalog, 'catalog.json'), 'utf8'));
  } catch (e) {
    fail(`--catalog: ${path.join(catalog, 'catalog.json')} is not valid JSON: ${e.message}`);
  }
  if (!Array.isArray(catalogJson.tracks)) fail(`--catalog: ${path.join(catalog, 'catalog.json')} has no "tracks" array`);
  // A published site names no private folder of the builder; catalogs built before track paths were
  // stored relative to SOURCE hold absolute ones (in catalog.cfc too, so they cannot be edited here).
  const absolute = catalogJson.tracks.find((t) => t && typeof t.path === 'string' && (path.isAbsolute(t.path) || /^[A-Za-z]:[\\/]/.test(t.path)));
  if (absolute) {
    fail(`--catalog: track ${absolute.id} has an absolute path (${absolute.path}), which the site would publish: ` +
      'rebuild the catalog (`./cuefinder catalog build SOURCE -o OUT`, or `./cuefinder catalog demo` for the demo; ' +
      'its cached analyses are reused)');
  }
  const previews = new Set();
  for (const t of catalogJson.tracks) {
    if (!t || !t.preview) continue;
    const p = String(t.preview);
    if (p.includes('/') || p.includes('\\') || p.startsWith('.')) fail(`--catalog: track ${t.id}: preview name "${p}" is not a plain file name`);
    if (previews.has(p)) continue;
    await requireFile(path.join(catalog, 'previews', p), `--catalog (preview of track ${t.id})`);
    previews.add(p);
  }
  for (const p of [...previews].sort()) add(path.join(catalog, 'previews', p), `catalog/previews/${p}`, 'previews');
  // Full-length audio (catalog.json `audio`, where the track's license allows it): served, never precached.
  const audio = new Set();
  for (const t of catalogJson.tracks) {
    if (!t || !t.audio) continue;
    const a = String(t.audio);
    if (a.includes('/') || a.includes('\\') || a.startsWith('.')) fail(`--catalog: track ${t.id}: audio name "${a}" is not a plain file name`);
    if (!audio.has(a)) await requireFile(path.join(catalog, 'audio', a), `--catalog (full audio of track ${t.id})`);
    audio.add(a);
  }
  for (const a of [...audio].sort()) add(path.join(catalog, 'audio', a), `catalog/audio/${a}`, 'audio');

  for (const f of ['LICENSE', 'THIRD_PARTY.md']) {
    await requireFile(path.join(licenseDir, f), 'licenses');
    add(path.join(licenseDir, f), `licenses/${f}`, 'app');
  }

  const seen = new Map();
  for (const p of plan) {
    if (seen.has(p.dest)) fail(`two inputs want to write ${p.dest}: ${seen.get(p.dest)} and ${p.src}`);
    seen.set(p.dest, p.src);
  }
  if (seen.has('site-manifest.json')) fail('web/site-manifest.json would be overwritten by the generated manifest: remove it');

  // 2. Prepare the output folder (refuse to wipe a folder that is not ours).
  if (fs.existsSync(out)) {
    if (!(await isDir(out))) fail(`--out: ${out} exists and is not a folder`);
    const entries = await fsp.readdir(out);
    if (entries.length > 0 && !entries.includes('site-manifest.json')) {
      fail(`--out: ${out} is not empty and is not an earlier assembled site (no site-manifest.json): refusing to delete it`);
    }
    await fsp.rm(out, { recursive: true, force: true });
  }
  await fsp.mkdir(out, { recursive: true });

  // 3. Copy and hash.
  const files = [];
  let swEntry = null;
  for (const p of plan) {
    const dest = path.join(out, ...p.dest.split('/'));
    await fsp.mkdir(path.dirname(dest), { recursive: true });
    // Full audio can be a gigabyte: a hard link (a real file to any host) where the file system allows it.
    if (p.group === 'audio') await fsp.link(p.src, dest).catch(() => fsp.copyFile(p.src, dest, fs.constants.COPYFILE_FICLONE));
    else await fsp.copyFile(p.src, dest, fs.constants.COPYFILE_FICLONE);
    const entry = { path: p.dest, bytes: (await fsp.stat(dest)).size, sha256: await sha256File(dest), group: p.group };
    if (p.dest === 'sw.js') swEntry = entry;
    files.push(entry);
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

  const versionHash = crypto.createHash('sha256');
  for (const f of files) if (f !== swEntry) versionHash.update(`${f.path} ${f.sha256}\n`);
  const version = versionHash.digest('hex').slice(0, 16);

  if (swEntry) {
    const swPath = path.join(out, 'sw.js');
    const text = await fsp.readFile(swPath, 'utf8');
    const line = `const SITE_VERSION = '${version}';`;
    const patched = SW_VERSION_RE.test(text) ? text.replace(SW_VERSION_RE, line) : `${line}\n${text}`;
    await fsp.writeFile(swPath, patched);
    swEntry.bytes = Buffer.byteLength(patched);
    swEntry.sha256 = crypto.createHash('sha256').update(patched).digest('hex');
  }

  const groups = { app: [], models: [], catalog: [], previews: [], audio: [] };
  for (const f of files) if (f.group) groups[f.group].push(f.path);
  const manifest = {
    version,
    built: new Date().toISOString(),
    files: files.map(({ path: p, bytes, sha256 }) => ({ path: p, bytes, sha256 })),
    groups,
  };
  await fsp.writeFile(path.join(out, 'site-manifest.json'), JSON.stringify(manifest, null, 1) + '\n');

  const sum = (g) => files.filter((f) => f.group === g).reduce((s, f) => s + f.bytes, 0);
  const mb = (n) => (n / 1e6).toFixed(1);
  log(`site ${version}: ${files.length} files in ${out}\n` +
    `  precached: app ${mb(sum('app'))} MB, models ${mb(sum('models'))} MB (${modelNames.length}), catalog ${mb(sum('catalog'))} MB ` +
    `(${catalogJson.tracks.length} tracks); previews ${mb(sum('previews'))} MB (${previews.size}, cached when played); ` +
    `full audio ${mb(sum('audio'))} MB (${audio.size} tracks, fetched in ranges when needed)`);
  return { out, manifest };
}

function usage() {
  return 'usage: node src/site/assemble.mjs --out build/site --app DIR [--worker DIR] --catalog CATALOG_DIR [--models models] [--web web]';
}

async function main(argv) {
  const o = {};
  const keys = { '--out': 'out', '--app': 'app', '--worker': 'worker', '--catalog': 'catalog', '--models': 'models', '--web': 'web', '--ort': 'ortDist' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-h' || a === '--help') {
      console.log(usage());
      return;
    }
    if (!(a in keys)) fail(`unknown argument ${a}\n${usage()}`);
    if (i + 1 >= argv.length) fail(`${a} needs a value\n${usage()}`);
    o[keys[a]] = argv[++i];
  }
  await assemble({ ...o, log: (l) => console.log(l) });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((e) => {
    console.error(`assemble: ${e.message}`);
    process.exit(e instanceof AssembleError ? 2 : 1);
  });
}
