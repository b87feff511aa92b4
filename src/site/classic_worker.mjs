// Runs a browser classic Web Worker script (web/tsne_worker.js) under Node's worker_threads, with the
// globals a browser gives it: self, importScripts (scripts run in the global scope, relative to the
// worker script), postMessage and onmessage. `require` is made global because emscripten's Node
// branch uses it. Shared by the worker's test and its benchmark.
import { Worker } from 'node:worker_threads';

const SHIM = `
const { parentPort, workerData } = require('node:worker_threads');
const vm = require('node:vm'), fs = require('node:fs'), path = require('node:path');
delete globalThis.module;   // as in a browser worker: scripts see no CommonJS (core_client.js then
delete globalThis.exports;  // defines its global, as it does in the browser)
globalThis.self = globalThis;
globalThis.require = require;
globalThis.CUEFINDER_WORKER_JS = workerData.moduleFile;
globalThis.importScripts = (...urls) => {
  for (const u of urls) {
    const file = path.resolve(path.dirname(workerData.workerScript), u);
    vm.runInThisContext(fs.readFileSync(file, 'utf8'), { filename: file });
  }
};
globalThis.postMessage = (msg, transfer) => parentPort.postMessage(msg, transfer);
parentPort.on('message', (data) => { if (typeof globalThis.onmessage === 'function') globalThis.onmessage({ data }); });
vm.runInThisContext(fs.readFileSync(workerData.workerScript, 'utf8'), { filename: workerData.workerScript });
`;

/** A node:worker_threads Worker running `workerScript` as a browser classic worker; `moduleFile` is
 *  what the script's importScripts of the WASM module loads (self.CUEFINDER_WORKER_JS). */
export function startClassicWorker(workerScript, moduleFile) {
  return new Worker(SHIM, { eval: true, workerData: { moduleFile, workerScript } });
}
