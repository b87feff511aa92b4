// web/core_client.js, the one JS client of the WASM core: copies in and out of the heap (every copy
// freed, also when the export throws), C strings out, the one error convention as thrown Errors, the
// classic-script face (a global, for the map worker) and the Node loader. First on a fake module (a
// bump allocator over a 64 KiB heap that records frees), then on the real Node build.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { fileURLToPath } from 'node:url';
import { coreClient, loadNodeCore } from '../../web/core_client.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const moduleFile = process.env.CF_NODE_MODULE || path.join(root, 'build/wasm-release/src/cli/cuefinder_node.js');
const needsBuild = { skip: fs.existsSync(moduleFile) ? false : `needs ${moduleFile} (./cuefinder build wasm-release cuefinder_node)` };

/** A stand-in for an Emscripten module: _malloc/_free over one heap, no stringToUTF8 (the worker's case). */
function fakeModule(exports = {}) {
  const buffer = new ArrayBuffer(1 << 16);
  const M = { HEAPU8: new Uint8Array(buffer), HEAPF32: new Float32Array(buffer), live: new Set(), next: 16 };
  M._malloc = (n) => { const p = M.next; M.next += (n + 7) & ~7; M.live.add(p); return p; };
  M._free = (p) => { assert.ok(M.live.delete(p), `free of ${p}, which is not allocated`); };
  for (const [k, f] of Object.entries(exports)) M['_' + k] = f.bind(null, M);
  return M;
}
const cString = (M, p) => { let e = p; while (M.HEAPU8[e]) e++; return new TextDecoder().decode(M.HEAPU8.subarray(p, e)); };

test('call: strings (UTF-8), bytes, floats, booleans and null go in; every copy is freed', () => {
  const seen = [];
  const M = fakeModule({
    take: (M, s, b, n, f, k, yes, none) => {
      seen.push(cString(M, s), Array.from(M.HEAPU8.subarray(b, b + n)), Array.from(M.HEAPF32.subarray(f >> 2, (f >> 2) + k)), yes, none);
      return 7;
    },
  });
  const core = coreClient(M);
  assert.equal(core.call('take', 'nöise ♪', new Uint8Array([1, 2, 255]), 3, new Float32Array([0.5, -2]), 2, true, null), 7);
  assert.deepEqual(seen, ['nöise ♪', [1, 2, 255], [0.5, -2], 1, 0]);
  assert.equal(M.live.size, 0);
  assert.deepEqual(core.withStrings(['a', 'bé', ''], (ps) => ps.map((p) => cString(M, p))), ['a', 'bé', '']);
  assert.equal(M.live.size, 0);
  assert.equal(coreClient(M), core, 'one client per module');
});

test('a throwing export still frees the copies; bad arguments and missing exports are named', () => {
  const M = fakeModule({ boom: () => { throw new Error('inside'); } });
  const core = coreClient(M);
  assert.throws(() => core.call('boom', 'a', 'b'), /inside/);
  assert.equal(M.live.size, 0);
  assert.throws(() => core.call('nope'), /the core has no export nope/);
  assert.throws(() => core.call('boom', [1, 2]), /cannot pass a \[object Array\] to the core/);
  assert.equal(M.live.size, 0);
  assert.throws(() => coreClient({}), /expected an instantiated cuefinder WASM module/);
});

test('the error convention (abi.h): must / mustText / mustJson throw Error(cf_error()) on < 0, NaN or NULL', () => {
  let message = '';
  const cStr = (M, t) => { const b = new TextEncoder().encode(t); const p = M._malloc(b.length + 1); M.HEAPU8.set(b, p); M.HEAPU8[p + b.length] = 0; return p; };
  const M = fakeModule({
    open: (M, p) => { const name = cString(M, p); if (name === 'ok') return 3; message = `no catalog ${name}`; return -1; },
    percent: (M, x) => (x >= 0 ? x : (message = 'no calibration', NaN)),
    info: (M, h) => (h === 1 ? cStr(M, '{"n": 2}') : (message = `no handle ${h}`, 0)),
    cf_error: (M) => cStr(M, message),
  });
  const core = coreClient(M);
  assert.equal(core.must('open', 'ok'), 3);
  assert.throws(() => core.must('open', 'x/y'), (e) => e instanceof Error && e.message === 'no catalog x/y');
  assert.equal(core.must('percent', 0), 0, '0 is a success');
  assert.throws(() => core.must('percent', -1), /^Error: no calibration$/);
  assert.deepEqual(core.mustJson('info', 1), { n: 2 });
  assert.equal(core.mustText('info', 1), '{"n": 2}');
  assert.throws(() => core.mustJson('info', 7), /^Error: no handle 7$/);
  assert.throws(() => core.mustText('info', 8), /^Error: no handle 8$/);
  assert.equal(core.error().message, 'no handle 8');
});

test('floats out: withFloats(n) hands a zeroed buffer; floats() copies it out', () => {
  const M = fakeModule({ fill: (M, p, n) => { for (let i = 0; i < n; i++) M.HEAPF32[(p >> 2) + i] = i * 1.5; return 0; } });
  const core = coreClient(M);
  const out = core.withFloats(4, (p) => { assert.equal(M.HEAPF32[p >> 2], 0); core.call('fill', p, 4); return core.floats(p, 4); });
  assert.deepEqual(Array.from(out), [0, 1.5, 3, 4.5]);
  assert.equal(M.live.size, 0);
});

test('classic script: without CommonJS it defines the global cuefinderCoreClient', () => {
  const context = vm.createContext({ TextEncoder, TextDecoder, WeakMap });
  context.globalThis = context;
  vm.runInContext(fs.readFileSync(path.join(root, 'web/core_client.js'), 'utf8'), context);
  assert.equal(typeof context.cuefinderCoreClient.coreClient, 'function');
  assert.equal(context.cuefinderCoreClient.loadNodeCore, undefined, 'no Node loader in a browser');
});

test('the real core: loadNodeCore, a UTF-8 round trip through an error message, JSON out', needsBuild, async () => {
  const core = await loadNodeCore(moduleFile);
  assert.throws(() => core.mustJson('cf_analysis_profile', 'mäßig ♪', false), /unknown analysis profile "mäßig ♪"/);
  assert.equal(core.mustJson('cf_analysis_profile', 'query', false).name, 'query');
  assert.throws(() => core.must('cf_catalog_open', '/no/such/catalog.cfc'), /no\/such\/catalog/);
  assert.ok(Number.isNaN(core.call('cf_catalog_match_percent', 12345, 0.5)), 'a double that may be negative fails with NaN');
  assert.throws(() => core.must('cf_catalog_match_percent', 12345, 0.5), /no catalog with handle 12345/);
  await assert.rejects(loadNodeCore(path.join(root, 'build/no-such-core.js')), /no-such-core\.js not found \(build it: /);
});
