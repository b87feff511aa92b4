// Single byte ranges (RFC 9110 §14.1.2), shared by the static server and the service worker.
//
//   service worker (classic script):  importScripts('byte_range.js');  cuefinderByteRange.parseRange(h, size)
//   Node (src/site/serve.mjs):       import byteRange from '../../web/byte_range.js';  byteRange.parseRange(h, size)
//
// A plain script without import/export, because a classic service worker can only load scripts
// (module service workers are not in every browser) and Node must load the same file. Under
// CommonJS it fills module.exports; anywhere else it defines one global, cuefinderByteRange.
'use strict';

(function (exports) {
  /**
   * Parses a Range header against a file size.
   * @param {string} header  e.g. "bytes=100-199", "bytes=100-", "bytes=-50"
   * @param {number} size    the file's size in bytes
   * @returns {null|'unsatisfiable'|{start:number, end:number}}
   *   null: no usable single range (malformed, multi-range or end < start): serve the whole file (200);
   *   'unsatisfiable': answer 416; otherwise the inclusive byte range to answer with 206.
   */
  function parseRange(header, size) {
    const m = /^bytes=(\d*)-(\d*)$/.exec(String(header).trim());
    if (!m || (m[1] === '' && m[2] === '')) return null;
    let start, end;
    if (m[1] === '') {  // suffix: the last n bytes
      const n = Number(m[2]);
      if (n === 0) return 'unsatisfiable';
      start = Math.max(0, size - n);
      end = size - 1;
    } else {
      start = Number(m[1]);
      end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
      if (m[2] !== '' && Number(m[2]) < start) return null;  // invalid: RFC 9110 says ignore the header
    }
    if (start >= size || size === 0) return 'unsatisfiable';
    return { start, end };
  }

  exports.parseRange = parseRange;
})(typeof module === 'object' && module.exports ? module.exports : (globalThis.cuefinderByteRange = {}));
