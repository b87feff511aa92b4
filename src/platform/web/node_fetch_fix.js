// emscripten 3.1.6 glue sees Node 20's global fetch and tries to fetch the .wasm by path, which fails
// ("Failed to parse URL"). Hide fetch under Node only; browsers keep it.
var fetch = (typeof process === 'object' && process.versions && process.versions.node) ? undefined : globalThis.fetch;
