// The one JavaScript client of the cuefinder WASM core: copies strings, bytes and floats into the heap
// and frees them, reads the C strings the exports return, and turns the exports' one error convention
// (src/bindings/web/abi.h: a number < 0 or NaN, or a NULL string, and the message in cf_error()) into
// thrown Errors with the core's message. Used by the page (web/app.js), the map worker
// (web/tsne_worker.js), the ONNX Runtime bridge (web/ort_bridge.mjs) and every CLI script (src/cli).
//
//   page / ES module:      import { coreClient } from './core_client.mjs';  const core = coreClient(Module);
//   classic worker:        importScripts('core_client.js');  var core = cuefinderCoreClient.coreClient(m);
//   Node (src/cli):        import { loadNodeCore } from '../../web/core_client.mjs';
//                          const core = await loadNodeCore();   // build/wasm-release/src/cli/cuefinder_node.js
//
//   core.call('cf_catalog_dim', h)                  // strings, Uint8Array, Float32Array args are copied in
//   const h = core.must('cf_catalog_open', path);   // throws Error(cf_error()) when the result is < 0 or NaN
//   core.mustJson('cf_sem_info', h)                 // the returned JSON, parsed; throws when it is NULL
//   core.mustText('cf_analysis_stage')              // the returned string; throws when it is NULL
//   core.error()                                    // cf_error() as an Error (after a poll returned -1)
//
// A plain script without import/export (like byte_range.js), because a classic worker can only load
// scripts and Node and the page must load the same file: under CommonJS it fills module.exports
// (and adds loadNodeCore); anywhere else it defines one global, cuefinderCoreClient. core_client.mjs
// is the ES module face of it.
'use strict';

(function (exports, isNode) {
  var clients = new WeakMap();  // Module -> its client (one per core instance)

  /** The client of one instantiated core (Emscripten Module with _malloc/_free, HEAPU8, HEAPF32). */
  function coreClient(Module) {
    if (!Module || typeof Module._malloc !== 'function') throw new Error('coreClient: expected an instantiated cuefinder WASM module');
    if (!clients.has(Module)) clients.set(Module, makeClient(Module));
    return clients.get(Module);
  }

  function makeClient(M) {
    function alloc(nBytes) {
      var p = M._malloc(Math.max(1, nBytes));
      if (!p) throw new Error('out of memory: cannot copy ' + nBytes + ' bytes into the WASM heap');
      return p;
    }
    function copyString(s) {
      s = String(s);
      if (M.stringToUTF8 && M.lengthBytesUTF8) {
        var n = M.lengthBytesUTF8(s) + 1, p = alloc(n);
        M.stringToUTF8(s, p, n);
        return p;
      }
      var b = new TextEncoder().encode(s), q = alloc(b.length + 1);
      M.HEAPU8.set(b, q);
      M.HEAPU8[q + b.length] = 0;
      return q;
    }
    function copyBytes(bytes) {
      var p = alloc(bytes.length);
      M.HEAPU8.set(bytes, p);
      return p;
    }
    // values: Float32Array or array of numbers (copied), or a count n (n zeroed floats, an output).
    function copyFloats(values) {
      var n = typeof values === 'number' ? values : values.length, p = alloc(n * 4);
      if (typeof values === 'number') M.HEAPF32.fill(0, p >> 2, (p >> 2) + n);
      else M.HEAPF32.set(values instanceof Float32Array ? values : Float32Array.from(values), p >> 2);
      return p;
    }
    // One argument as the export sees it; heap copies are pushed on `owned` for the caller to free.
    function marshal(a, owned) {
      if (typeof a === 'string') return owned[owned.push(copyString(a)) - 1];
      if (a instanceof Uint8Array) return owned[owned.push(copyBytes(a)) - 1];
      if (a instanceof Float32Array) return owned[owned.push(copyFloats(a)) - 1];
      if (typeof a === 'boolean') return a ? 1 : 0;
      if (a === null || a === undefined) return 0;
      if (typeof a === 'number') return a;
      throw new Error('cannot pass a ' + Object.prototype.toString.call(a) + ' to the core');
    }
    function exported(name) {
      var f = M['_' + name];
      if (typeof f !== 'function') throw new Error('the core has no export ' + name);
      return f;
    }
    function withCopies(copy, values, fn) {
      var ptrs = [];
      try {
        for (var i = 0; i < values.length; i++) ptrs.push(copy(values[i]));
        return fn(ptrs);
      } finally {
        ptrs.forEach(function (p) { M._free(p); });
      }
    }
    function string(ptr) {
      if (!ptr) return '';
      if (M.UTF8ToString) return M.UTF8ToString(ptr);
      var end = ptr;
      while (M.HEAPU8[end] !== 0) ++end;
      return new TextDecoder('utf-8').decode(M.HEAPU8.subarray(ptr, end));
    }
    function call(name) {
      var f = exported(name), args = Array.prototype.slice.call(arguments, 1), owned = [];
      try {
        return f.apply(null, args.map(function (a) { return marshal(a, owned); }));
      } finally {
        owned.forEach(function (p) { M._free(p); });
      }
    }
    function text() { return string(call.apply(null, arguments)); }
    // The last failure's message (abi.h), as an Error.
    function coreError() { return new Error(string(exported('cf_error')()) || 'the core failed without a message'); }
    function must() {
      var r = call.apply(null, arguments);
      if (typeof r === 'number' && (r < 0 || r !== r)) throw coreError();
      return r;
    }
    function mustText() {
      var p = call.apply(null, arguments);
      if (!p) throw coreError();
      return string(p);
    }
    var client = {
      Module: M,
      call: call,
      /** The C string the export returns, as a JS string ('' for a null pointer). */
      text: text,
      /** Calls a number-returning export; throws Error(cf_error()) when the result is < 0 or NaN. */
      must: must,
      /** Calls a string-returning export; throws Error(cf_error()) when it returns NULL. */
      mustText: mustText,
      /** Calls a JSON-returning export: the parsed JSON; throws Error(cf_error()) when it returns NULL. */
      mustJson: function () { return JSON.parse(mustText.apply(null, arguments)); },
      /** The last failure's message as an Error (to throw after a status poll said -1). */
      error: coreError,
      string: string,
      /** A copy of n floats at ptr (the heap may grow and move later). */
      floats: function (ptr, n) { return M.HEAPF32.slice(ptr >> 2, (ptr >> 2) + n); },
      withStrings: function (strings, fn) { return withCopies(copyString, strings, fn); },
      withString: function (s, fn) { return withCopies(copyString, [s], function (p) { return fn(p[0]); }); },
      withBytes: function (bytes, fn) { return withCopies(copyBytes, [bytes], function (p) { return fn(p[0]); }); },
      withFloats: function (values, fn) { return withCopies(copyFloats, [values], function (p) { return fn(p[0]); }); },
    };
    return client;
  }

  // Node: loads the core's Node build (the given file, else CF_NODE_MODULE, else the wasm-release
  // one) and resolves with its client.
  function loadNodeCore(file) {
    var path = require('node:path'), fs = require('node:fs');
    var f = file || process.env.CF_NODE_MODULE || path.join(__dirname, '../build/wasm-release/src/cli/cuefinder_node.js');
    if (!fs.existsSync(f)) return Promise.reject(new Error(f + ' not found (build it: ./cuefinder build wasm-release cuefinder_node)'));
    return require(path.resolve(f))().then(coreClient);
  }

  exports.coreClient = coreClient;
  if (isNode) exports.loadNodeCore = loadNodeCore;
})(typeof module === 'object' && module.exports ? module.exports : (globalThis.cuefinderCoreClient = {}),
  typeof module === 'object' && !!module.exports);
