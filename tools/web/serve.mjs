// A small static file server for the cuefinder site (the output of tools/web/assemble.mjs).
//
//   node tools/web/serve.mjs DIR [--port 8080] [--host 127.0.0.1] [--no-isolation] [--verbose | --quiet]
//   (the CLI logs failed requests (4xx/5xx) by default, every request with --verbose, none with --quiet)
//
//   import { startServer } from './tools/web/serve.mjs';
//   const srv = await startServer({ root: 'build/site', port: 0 });   // port 0: any free port
//   console.log(srv.url);                                              // http://127.0.0.1:40123/
//   await srv.close();
//
// What it does, and why:
// - GET and HEAD of files under DIR only (405 for anything else); '/' and folders serve index.html.
//   Paths are decoded, normalised and must stay inside DIR after resolving symlinks; dot-files
//   (.git, .env) are never served.
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
import { fileURLToPath } from 'node:url';

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

/**
 * Parses a Range header against a file size.
 * @returns {null} no usable single range (serve 200), {start, end} inclusive, or 'unsatisfiable'.
 */
export function parseRange(header, size) {
  const m = /^bytes=(\d*)-(\d*)$/.exec(String(header).trim());
  if (!m || (m[1] === '' && m[2] === '')) return null;  // malformed or multi-range: ignore it
  let start, end;
  if (m[1] === '') {  // suffix: the last n bytes
    const n = Number(m[2]);
    if (n === 0) return 'unsatisfiable';
    start = Math.max(0, size - n);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
    if (m[2] !== '' && Number(m[2]) < start) return null;  // invalid: RFC 9110 says ignore
  }
  if (start >= size || size === 0) return 'unsatisfiable';
  return { start, end };
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

  // Resolves a URL path to a file inside root, or null (→ 404). Never throws on bad input.
  async function resolveFile(urlPath) {
    let rel;
    try {
      rel = decodeURIComponent(urlPath);
    } catch {
      return null;
    }
    if (rel.includes('\0') || rel.includes('\\')) return null;
    const parts = rel.split('/').filter((p) => p !== '' && p !== '.');
    if (parts.some((p) => p === '..' || p.startsWith('.'))) return null;
    let file = path.join(rootReal, ...parts);
    let st;
    try {
      st = await fsp.stat(file);
      if (st.isDirectory()) {
        if (!urlPath.endsWith('/')) return { redirect: urlPath + '/' };
        file = path.join(file, 'index.html');
        st = await fsp.stat(file);
      }
      if (!st.isFile()) return null;
      const real = await fsp.realpath(file);
      if (real !== rootReal && !real.startsWith(rootReal + path.sep)) return null;  // a symlink out of root
    } catch {
      return null;
    }
    return { file, st };
  }

  function send(res, status, headers, body) {
    res.writeHead(status, { ...baseHeaders, ...headers });
    res.end(body);
  }

  async function handle(req, res) {
    const url = new URL(req.url, 'http://localhost');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return send(res, 405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' }, 'method not allowed\n');
    }
    const found = await resolveFile(url.pathname);
    if (!found) return send(res, 404, { 'Content-Type': 'text/plain; charset=utf-8' }, `not found: ${url.pathname}\n`);
    if (found.redirect) return send(res, 301, { Location: found.redirect + url.search }, '');
    const { file, st } = found;
    const etag = etagOf(st);
    const headers = {
      'Content-Type': mimeType(file),
      'Accept-Ranges': 'bytes',
      ETag: etag,
      'Last-Modified': st.mtime.toUTCString(),
    };
    if (notModified(req, etag, st.mtime)) return send(res, 304, { ETag: etag, 'Last-Modified': headers['Last-Modified'] });

    let start = 0, end = st.size - 1, status = 200;
    const ifRange = req.headers['if-range'];
    const rangeHeader = req.headers.range;
    if (rangeHeader && (!ifRange || ifRange === etag || ifRange === headers['Last-Modified'])) {
      const r = parseRange(rangeHeader, st.size);
      if (r === 'unsatisfiable') {
        return send(res, 416, { 'Content-Range': `bytes */${st.size}`, 'Content-Type': 'text/plain; charset=utf-8' }, 'range not satisfiable\n');
      }
      if (r) {
        ({ start, end } = r);
        status = 206;
        headers['Content-Range'] = `bytes ${start}-${end}/${st.size}`;
      }
    }
    headers['Content-Length'] = String(st.size === 0 ? 0 : end - start + 1);
    res.writeHead(status, { ...baseHeaders, ...headers });
    if (req.method === 'HEAD' || st.size === 0) return res.end();
    const stream = fs.createReadStream(file, { start, end });
    stream.on('error', () => res.destroy());
    stream.pipe(res);
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
  return 'usage: node tools/web/serve.mjs DIR [--port 8080] [--host 127.0.0.1] [--no-isolation] [--verbose | --quiet]';
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
