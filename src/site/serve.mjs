// A small static file server for the cuefinder site (the output of src/site/assemble.mjs).
//
//   node src/site/serve.mjs DIR [--port 8080] [--host 127.0.0.1] [--no-isolation] [--verbose | --quiet]
//   (the CLI logs failed requests (4xx/5xx) by default, every request with --verbose, none with --quiet)
//
//   import { startServer } from './src/site/serve.mjs';
//   const srv = await startServer({ root: 'build/site', port: 0 });   // port 0: any free port
//   console.log(srv.url);                                              // http://127.0.0.1:40123/
//   await srv.close();
//
// What it does, and why:
// - GET and HEAD of files under DIR only (405 for anything else); '/' and folders serve index.html,
//   a folder asked for without its '/' gets a 301 to the normalised path (never to '//host').
// - The request target must be a path ('/...', at most MAX_TARGET_CHARS): absolute-form URLs, '//...',
//   bad percent-encoding, encoded '/' '\\' or control characters and '..' above the root get 400, a
//   too long target 414, each with the reason. Segments are decoded and '.'/'..' resolved the way a
//   browser does; the file opened is the resolved real path, which must lie inside DIR (a symlink out
//   of DIR is 404); dot-files (.git, .env) are never served.
// - Downloads are streamed with stream.pipeline, so a client that goes away closes the file.
// - Cross-origin isolation (default on): `Cross-Origin-Opener-Policy: same-origin` and
//   `Cross-Origin-Embedder-Policy: require-corp`, so the page gets SharedArrayBuffer and the WASM
//   builds can use threads. `--no-isolation` drops both to check the one-thread fallback.
//   `Cross-Origin-Resource-Policy: same-origin` is always sent.
// - `Cache-Control: no-cache`: the browser revalidates every time (ETag / Last-Modified → 304);
//   long-term caching and offline use are the service worker's job (web/sw.js).
// - Single byte ranges (`Range: bytes=a-b`, `bytes=a-`, `bytes=-n`) → 206, unsatisfiable → 416,
//   so <audio> can seek. Multi-range requests get the whole file (200), which HTTP allows.
import http from 'node:http';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream';
import { fileURLToPath } from 'node:url';
import byteRange from '../../web/byte_range.js';

/** Content types by lower-case extension. Anything else is application/octet-stream. */
export const MIME_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
  '.cfc': 'application/octet-stream',
  '.bin': 'application/octet-stream',
  '.opus': 'audio/ogg; codecs=opus',
  '.ogg': 'audio/ogg',
  '.mp3': 'audio/mpeg',
  '.flac': 'audio/flac',
  '.wav': 'audio/wav',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.glsl': 'text/plain; charset=utf-8',
};

export function mimeType(file) {
  return MIME_TYPES[path.extname(file).toLowerCase()] || 'application/octet-stream';
}

/** Parses a Range header against a file size (web/byte_range.js, shared with the service worker). */
export const parseRange = byteRange.parseRange;

/** Longest request target served; longer ones get 414 (Node itself answers 431 past 16 KB of headers). */
export const MAX_TARGET_CHARS = 4096;

const bad = (status, message) => ({ status, message });

/** Percent-decodes one path segment; null when the encoding is malformed or names a separator. */
function decodeSegment(raw) {
  let s;
  try {
    s = decodeURIComponent(raw);
  } catch {
    return null;
  }
  return /[/\\\x00-\x1f\x7f]/.test(s) ? null : s;
}

/**
 * Parses a request target (the path of the request line) the way a browser resolves a URL path.
 * @param {string} target  req.url, e.g. "/sub/a%20b.opus?x=1"
 * @returns {{segments:string[], folder:boolean, query:string}|{status:number, message:string}}
 *   segments: decoded, with "." and ".." resolved and empty ones dropped; folder: the path ends in "/";
 *   query: the raw text after "?" (printable ASCII only). A bad target gets a 4xx status and a reason.
 */
export function parseTarget(target) {
  if (target.length > MAX_TARGET_CHARS) return bad(414, `request target longer than ${MAX_TARGET_CHARS} characters`);
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return bad(400, 'absolute-form request target: this server is not a proxy, ask for a path');
  if (!target.startsWith('/')) return bad(400, 'request target must be a path starting with /');
  if (target.startsWith('//')) return bad(400, 'request target starts with //, which names a host, not a path');
  if (/[^\x21-\x7e]/.test(target)) return bad(400, 'request target has characters that must be percent-encoded');
  const q = target.search(/[?#]/);
  const rawPath = q < 0 ? target : target.slice(0, q);
  const query = q >= 0 && target[q] === '?' ? target.slice(q + 1).replace(/#.*/, '') : '';
  const segments = [];
  for (const raw of rawPath.split('/')) {
    const s = decodeSegment(raw);
    if (s === null) return bad(400, `bad path segment "${raw}": malformed percent-encoding, or an encoded separator or control character`);
    if (s === '' || s === '.') continue;
    if (s !== '..') segments.push(s);
    else if (segments.pop() === undefined) return bad(400, 'the path climbs above the site root with ..');
  }
  return { segments, folder: rawPath.endsWith('/'), query };
}

/** The URL path of a folder: "/" + every segment encoded + "/". Never starts with "//". */
export function folderLocation(segments) {
  return '/' + segments.map((s) => encodeURIComponent(s) + '/').join('');
}

function etagOf(st) {
  return `"${st.size.toString(16)}-${Math.floor(st.mtimeMs).toString(16)}"`;
}

/** true when an If-None-Match / If-Modified-Since header says the client's copy is current. */
function notModified(req, etag, mtime) {
  const inm = req.headers['if-none-match'];
  if (inm) return inm.split(',').some((t) => t.trim().replace(/^W\//, '') === etag || t.trim() === '*');
  const ims = req.headers['if-modified-since'];
  if (ims) {
    const since = Date.parse(ims);
    return Number.isFinite(since) && Math.floor(mtime.getTime() / 1000) <= Math.floor(since / 1000);
  }
  return false;
}

/**
 * Starts serving `root`.
 * @param {object} o
 * @param {string} o.root        folder to serve (must exist)
 * @param {number} [o.port=0]    0 picks a free port
 * @param {string} [o.host='127.0.0.1']
 * @param {boolean} [o.isolation=true]  send COOP/COEP (cross-origin isolation)
 * @param {(line:string)=>void} [o.log] called once per request: "GET /path 200 1234"
 * @returns {Promise<{url:string, port:number, host:string, server:http.Server, close:()=>Promise<void>}>}
 *          rejects with a readable Error when the port is taken or root is not a folder.
 */
export async function startServer({ root, port = 0, host = '127.0.0.1', isolation = true, log } = {}) {
  if (!root) throw new Error('startServer: root is required');
  let rootReal;
  try {
    rootReal = await fsp.realpath(path.resolve(root));
    if (!(await fsp.stat(rootReal)).isDirectory()) throw new Error('not a folder');
  } catch (e) {
    throw new Error(`cannot serve ${root}: ${e.code === 'ENOENT' ? 'no such folder' : e.message}`);
  }

  const baseHeaders = {
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff',
  };
  if (isolation) {
    baseHeaders['Cross-Origin-Opener-Policy'] = 'same-origin';
    baseHeaders['Cross-Origin-Embedder-Policy'] = 'require-corp';
  }

  // The real path of p when it exists and lies inside root (after resolving every symlink), else null.
  async function realInside(p) {
    let real;
    try {
      real = await fsp.realpath(p);
    } catch {
      return null;
    }
    const rel = path.relative(rootReal, real);
    const outside = rel === '..' || rel.startsWith('..' + path.sep) || path.isAbsolute(rel);
    return outside ? null : real;
  }

  // Resolves parsed path segments to the real path of a regular file inside root, a folder redirect,
  // or null (→ 404). Dot-files are never served.
  async function resolveFile({ segments, folder }) {
    if (segments.some((s) => s.startsWith('.'))) return null;
    let real = await realInside(path.join(rootReal, ...segments));
    if (!real) return null;
    const st = await fsp.stat(real).catch(() => null);
    if (st && st.isDirectory()) {
      if (!folder) return { redirect: folderLocation(segments) };
      real = await realInside(path.join(real, 'index.html'));
      if (!real) return null;
    } else if (folder) return null;  // "file.txt/" names a folder that is not there
    return { real };
  }

  // Opens the checked real path itself, so the file read is the file checked: O_NOFOLLOW refuses a
  // symlink swapped in since, O_NONBLOCK keeps a FIFO from blocking the open. null unless a regular file.
  async function openFile(real) {
    let fh;
    try {
      fh = await fsp.open(real, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
      const st = await fh.stat();
      if (st.isFile()) return { fh, st };
    } catch {
      // missing, unreadable or replaced by a symlink: 404
    }
    await fh?.close();
    return null;
  }

  function send(res, status, headers, body) {
    res.writeHead(status, { ...baseHeaders, ...headers });
    res.end(body);
  }
  const sendText = (res, status, text, headers = {}) =>
    send(res, status, { 'Content-Type': 'text/plain; charset=utf-8', ...headers }, text + '\n');

  async function handle(req, res) {
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'method not allowed', { Allow: 'GET, HEAD' });
    const target = parseTarget(req.url);
    if (target.status) return sendText(res, target.status, `bad request: ${target.message}`);
    const found = await resolveFile(target);
    if (found?.redirect) return send(res, 301, { Location: found.redirect + (target.query ? `?${target.query}` : '') }, '');
    const opened = found ? await openFile(found.real) : null;
    if (!opened) return sendText(res, 404, `not found: ${folderLocation(target.segments).slice(0, -1) || '/'}`);
    let handedOver = false;
    try {
      handedOver = sendFile(req, res, { ...opened, real: found.real });
    } finally {
      if (!handedOver) await opened.fh.close();
    }
  }

  // Answers with the open file (304, 416, 200 or 206). true when a stream now owns the handle.
  function sendFile(req, res, { fh, st, real }) {
    const etag = etagOf(st);
    const headers = {
      'Content-Type': mimeType(real),
      'Accept-Ranges': 'bytes',
      ETag: etag,
      'Last-Modified': st.mtime.toUTCString(),
    };
    if (notModified(req, etag, st.mtime)) {
      send(res, 304, { ETag: etag, 'Last-Modified': headers['Last-Modified'] });
      return false;
    }
    let start = 0, end = st.size - 1, status = 200;
    const ifRange = req.headers['if-range'];
    const rangeHeader = req.headers.range;
    if (rangeHeader && (!ifRange || ifRange === etag || ifRange === headers['Last-Modified'])) {
      const r = parseRange(rangeHeader, st.size);
      if (r === 'unsatisfiable') {
        sendText(res, 416, 'range not satisfiable', { 'Content-Range': `bytes */${st.size}` });
        return false;
      }
      if (r) {
        ({ start, end } = r);
        status = 206;
        headers['Content-Range'] = `bytes ${start}-${end}/${st.size}`;
      }
    }
    headers['Content-Length'] = String(st.size === 0 ? 0 : end - start + 1);
    res.writeHead(status, { ...baseHeaders, ...headers });
    if (req.method === 'HEAD' || st.size === 0) {
      res.end();
      return false;
    }
    // pipeline, not pipe: when the client goes away mid-download, the file stream is destroyed and
    // its handle closed (pipe would leave it paused and open).
    pipeline(fh.createReadStream({ start, end }), res, () => {});
    return true;
  }

  const server = http.createServer((req, res) => {
    res.on('finish', () => {
      if (log) log(`${req.method} ${req.url} ${res.statusCode} ${res.getHeader('content-length') ?? '-'}`);
    });
    handle(req, res).catch((e) => {
      if (!res.headersSent) send(res, 500, { 'Content-Type': 'text/plain; charset=utf-8' }, `server error: ${e.message}\n`);
      else res.destroy();
    });
  });
  // Keep-alive sockets would hold close() open (and the Node test runner with it).
  const sockets = new Set();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  await new Promise((resolve, reject) => {
    const onError = (e) => {
      if (e.code === 'EADDRINUSE') {
        reject(new Error(`port ${port} is in use: another server (an earlier \`./cuefinder demo\`?) is listening on ${host}:${port}; ` +
          `stop it or choose another port with --port N`));
      } else if (e.code === 'EACCES') {
        reject(new Error(`port ${port} on ${host} needs privileges: choose a port above 1023 with --port N`));
      } else reject(new Error(`cannot listen on ${host}:${port}: ${e.message}`));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const actualPort = server.address().port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${actualPort}/`,
    port: actualPort,
    host,
    server,
    close: () => new Promise((resolve) => {
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
    }),
  };
}

function usage() {
  return 'usage: node src/site/serve.mjs DIR [--port 8080] [--host 127.0.0.1] [--no-isolation] [--verbose | --quiet]';
}

async function main(argv) {
  let root = null, port = 8080, host = '127.0.0.1', isolation = true, logLevel = 'errors';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value\n${usage()}`);
      return argv[++i];
    };
    if (a === '--port') {
      port = Number(value());
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port: not a port number: ${argv[i]}`);
    } else if (a === '--host') host = value();
    else if (a === '--no-isolation') isolation = false;
    else if (a === '--quiet') logLevel = 'none';
    else if (a === '--verbose') logLevel = 'all';
    else if (a === '-h' || a === '--help') {
      console.log(usage());
      return;
    } else if (a.startsWith('-')) throw new Error(`unknown option ${a}\n${usage()}`);
    else if (root === null) root = a;
    else throw new Error(`one folder only (got ${root} and ${a})\n${usage()}`);
  }
  if (!root) throw new Error(usage());
  const log = logLevel === 'none' ? undefined
    : logLevel === 'all' ? (l) => console.log(l)
      : (l) => { if (/ [45]\d\d [^ ]+$/.test(l)) console.log(l); };
  const srv = await startServer({ root, port, host, isolation, log });
  console.log(`serving ${path.resolve(root)} at ${srv.url} ` +
    `(${isolation ? 'cross-origin isolated: COOP/COEP on, threads available' : 'no COOP/COEP: the app runs on one thread'}); Ctrl-C stops`);
  const stop = () => srv.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((e) => {
    console.error(`serve: ${e.message}`);
    process.exit(1);
  });
}
