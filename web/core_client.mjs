// The ES module face of core_client.js (the page, ort_bridge.mjs, the CLI): the same functions.
// Node loads core_client.js as CommonJS (its exports are the default export here); a browser runs it
// as a module that defines the global cuefinderCoreClient.
import * as script from './core_client.js';

const impl = script.default || globalThis.cuefinderCoreClient;
export const coreClient = impl.coreClient;
/** Node only: loadNodeCore(file?) → Promise of the client of the core's Node build. */
export const loadNodeCore = impl.loadNodeCore;
