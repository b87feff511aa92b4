// A catalog track's full-length audio (catalog/audio/<file>, catalog.json `audio`), fetched whole in
// byte ranges, so a long file shows progress, can be cancelled, and never depends on one long response.
//
//   import { fetchTrackAudio } from './track_audio.mjs';
//   const bytes = await fetchTrackAudio('catalog/audio/0123456789abcdef.opus', {
//     track: 'Airship 2',                                   // named in errors (default: the file name)
//     expectedBytes: t.audio_bytes,                         // optional: catalog.json's size, checked
//     onProgress: (gotBytes, totalBytes) => bar(gotBytes / totalBytes),
//     signal: controller.signal,                            // abort → rejects with the AbortError
//   });                                                     // → Uint8Array of the whole file
//
// How: the first request asks for bytes 0..chunkBytes-1 and learns the size from Content-Range
// ("bytes 0-524287/3145728"); the rest follow one range at a time. A server that ignores Range answers
// 200 with the whole file, which is taken as it is (a plain GET). Every response is checked: the range
// it says it holds must be the one asked for, its body exactly that long, the total the same in every
// response (a file replaced mid-download is an error, not a silent mix of two files). Errors are Error
// objects whose message names the track and the problem: "Airship 2: not on the server (HTTP 404 for
// catalog/audio/….opus)", "…: network error (…)", "…: truncated: got 1000 of 524288 bytes …".
// No product logic here: which track, when, and what to do with the bytes is the caller's.

const KIB = 1024;

/** The track's name for messages. */
function nameOf(url, track) {
  if (track) return String(track);
  const path = String(url).split(/[?#]/)[0];
  return path.slice(path.lastIndexOf('/') + 1) || String(url);
}

/** Parses "bytes a-b/total" → {start, end, total} (total may be NaN for "*"), or null. */
export function parseContentRange(header) {
  const m = /^bytes\s+(\d+)-(\d+)\/(\d+|\*)$/i.exec(String(header || '').trim());
  if (!m) return null;
  return { start: Number(m[1]), end: Number(m[2]), total: m[3] === '*' ? NaN : Number(m[3]) };
}

async function request(url, start, end, o, who) {
  let res;
  try {
    res = await fetch(url, { headers: { Range: `bytes=${start}-${end}` }, signal: o.signal, cache: o.cache || 'default' });
  } catch (e) {
    if (e && e.name === 'AbortError') throw e;
    throw new Error(`${who}: network error fetching ${url} (${e && e.message ? e.message : e}); offline?`);
  }
  if (res.status === 404) throw new Error(`${who}: not on the server (HTTP 404 for ${url})`);
  if (res.status === 416) throw new Error(`${who}: the server has fewer bytes than expected (HTTP 416 for bytes ${start}-${end} of ${url})`);
  if (res.status !== 200 && res.status !== 206) throw new Error(`${who}: HTTP ${res.status} ${res.statusText || ''} for ${url}`.trimEnd());
  return res;
}

/** The body as bytes; a broken connection mid-body is a network error naming the track. */
async function bodyOf(res, url, who) {
  try {
    return new Uint8Array(await res.arrayBuffer());
  } catch (e) {
    if (e && e.name === 'AbortError') throw e;
    throw new Error(`${who}: the download of ${url} broke off (${e && e.message ? e.message : e})`);
  }
}

/**
 * Fetches the whole file at `url` in Range requests of `chunkBytes`.
 * @param {string} url
 * @param {{chunkBytes?: number, onProgress?: (gotBytes:number, totalBytes:number) => void, signal?: AbortSignal,
 *          track?: string, expectedBytes?: number, cache?: RequestCache}} [o]
 * @returns {Promise<Uint8Array>}  rejects with an Error naming the track, or the AbortError
 */
export async function fetchTrackAudio(url, o = {}) {
  const chunk = Math.floor(o.chunkBytes ?? 512 * KIB);
  if (!(chunk >= 1)) throw new Error(`fetchTrackAudio: chunkBytes must be >= 1, got ${o.chunkBytes}`);
  const who = nameOf(url, o.track);
  const progress = (got, total) => { if (o.onProgress) o.onProgress(got, total); };

  const first = await request(url, 0, chunk - 1, o, who);
  if (first.status === 200) {  // Range ignored: the whole file in one response
    const all = await bodyOf(first, url, who);
    const declared = Number(first.headers.get('content-length'));
    if (Number.isFinite(declared) && first.headers.has('content-length') && declared !== all.length)
      throw new Error(`${who}: truncated: got ${all.length} of ${declared} bytes of ${url}`);
    checkExpected(all.length, o, who, url);
    progress(all.length, all.length);
    return all;
  }
  const cr = parseContentRange(first.headers.get('content-range'));
  if (!cr || !Number.isFinite(cr.total)) throw new Error(`${who}: the server answered 206 without a usable Content-Range for ${url}`);
  const total = cr.total;
  checkExpected(total, o, who, url);
  const out = new Uint8Array(total);
  let got = 0;
  for (let res = first; ;) {
    const want = { start: got, end: Math.min(got + chunk, total) - 1 };
    const range = parseContentRange(res.headers.get('content-range'));
    if (!range || range.start !== want.start || range.end !== want.end || range.total !== total)
      throw new Error(`${who}: asked for bytes ${want.start}-${want.end}/${total} of ${url}, the server sent ${res.headers.get('content-range') || 'no Content-Range'}` +
        (range && range.total !== total ? ' (the file changed during the download)' : ''));
    const part = await bodyOf(res, url, who);
    if (part.length !== want.end - want.start + 1)
      throw new Error(`${who}: truncated: got ${part.length} of ${want.end - want.start + 1} bytes at offset ${want.start} of ${url}`);
    out.set(part, got);
    got += part.length;
    progress(got, total);
    if (got >= total) return out;
    res = await request(url, got, Math.min(got + chunk, total) - 1, o, who);
    if (res.status !== 206) throw new Error(`${who}: the server stopped answering ranges (HTTP ${res.status}) at offset ${got} of ${url}`);
  }
}

function checkExpected(total, o, who, url) {
  if (o.expectedBytes != null && Number(o.expectedBytes) !== total)
    throw new Error(`${who}: ${url} has ${total} bytes, the catalog says ${o.expectedBytes} (a catalog and site out of step?)`);
}
