// The binding layer's one export list (src/bindings/web/exports.h): every EMSCRIPTEN_KEEPALIVE function
// in src/bindings is declared there (and every declared one is defined), every binding file includes it
// (so the compiler checks the signatures), and every cf_* export the JavaScript side calls (web/,
// src/cli/, src/site/, tools/, tests/) is declared there. A grep-level check: names, not types.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const self = fileURLToPath(import.meta.url);

function walk(dir, keep, out = []) {
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) { if (e.name !== 'node_modules' && !e.name.startsWith('.')) walk(p, keep, out); }
    else if (keep(e.name)) out.push(p);
  }
  return out;
}
const stripComments = (text) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');

/** The cf_* functions declared in exports.h's text. */
export function declared(headerText) {
  return new Set([...stripComments(headerText).matchAll(/\b(cf_\w+)\s*\(/g)].map((m) => m[1]));
}
/** The EMSCRIPTEN_KEEPALIVE functions defined in one C++ file's text. */
export function keptAlive(cppText) {
  return [...stripComments(cppText).matchAll(/EMSCRIPTEN_KEEPALIVE\s+[\w\s*:<>]*?\b(cf_\w+)\s*\(/g)].map((m) => m[1]);
}
/** The cf_* exports a JS file calls: 'cf_x' / "cf_x" names handed to the client, and Module._cf_x. */
export function calledFromJs(jsText) {
  const names = [...jsText.matchAll(/['"`]_?(cf_\w+)['"`]/g), ...jsText.matchAll(/\b_(cf_\w+)\b/g)].map((m) => m[1]);
  return [...new Set(names)];
}

/** Problems of a tree: {header, cpp: {file: text}, js: {file: text}} → list of messages. */
export function problems({ header, cpp, js }) {
  const list = declared(header), out = [], defined = new Set();
  for (const [file, text] of Object.entries(cpp)) {
    const names = keptAlive(text);
    names.forEach((n) => defined.add(n));
    if (names.length && !text.includes('#include "bindings/web/exports.h"')) out.push(`${file}: does not include bindings/web/exports.h`);
    for (const n of names) if (!list.has(n)) out.push(`${file}: ${n} is exported but not declared in exports.h`);
  }
  for (const n of list) if (!defined.has(n)) out.push(`exports.h: ${n} is declared but no binding file defines it`);
  for (const [file, text] of Object.entries(js))
    for (const n of calledFromJs(text)) if (!list.has(n)) out.push(`${file}: calls ${n}, which exports.h does not declare`);
  return out;
}

function tree() {
  const rel = (p) => path.relative(root, p);
  const read = (files) => Object.fromEntries(files.map((f) => [rel(f), fs.readFileSync(f, 'utf8')]));
  const cpp = read(walk(path.join(root, 'src/bindings'), (n) => /\.(cpp|h)$/.test(n)).filter((f) => !f.endsWith('exports.h')));
  const jsFiles = ['web', 'src/cli', 'src/site', 'tools', 'tests']
    .flatMap((d) => walk(path.join(root, d), (n) => /\.(mjs|js|cjs)$/.test(n)))
    .filter((f) => f !== self);
  return { header: fs.readFileSync(path.join(root, 'src/bindings/web/exports.h'), 'utf8'), cpp, js: read(jsFiles) };
}

test('every export is in exports.h, every binding file includes it, every cf_* call from JS is declared', () => {
  const t = tree();
  assert.ok(declared(t.header).size >= 60, `exports.h declares ${declared(t.header).size} functions`);
  assert.ok(Object.keys(t.js).length > 20, 'the JS files were found');
  assert.deepEqual(problems(t), []);
});

test('the check can fail: an unlisted export, a missing include, a stale declaration, an unknown call', () => {
  const t = tree();
  const header = t.header.replace(/^int cf_catalog_size\(int handle\);.*$/m, '');
  assert.ok(!declared(header).has('cf_catalog_size'), 'the declaration was removed');
  const cpp = { ...t.cpp, 'x.cpp': 'EMSCRIPTEN_KEEPALIVE const char* cf_new_thing(int a) { return 0; }' };
  // Two exports that no longer exist (spelled in pieces so that a grep for them finds no caller).
  const [gone1, gone2] = [['cf_catalog_last', 'text'].join('_'), ['cf_tsne', 'error'].join('_')];
  const js = { 'a.mjs': `core.must('${gone1}'); Module._${gone2}();` };
  const got = problems({ header: header + '\nvoid cf_gone();\n', cpp, js });
  assert.ok(got.some((p) => /catalog_api\.cpp: cf_catalog_size is exported but not declared/.test(p)), got.join('\n'));
  assert.ok(got.includes('x.cpp: does not include bindings/web/exports.h'), got.join('\n'));
  assert.ok(got.includes('x.cpp: cf_new_thing is exported but not declared in exports.h'), got.join('\n'));
  assert.ok(got.includes('exports.h: cf_gone is declared but no binding file defines it'), got.join('\n'));
  assert.ok(got.includes(`a.mjs: calls ${gone1}, which exports.h does not declare`), got.join('\n'));
  assert.ok(got.includes(`a.mjs: calls ${gone2}, which exports.h does not declare`), got.join('\n'));
});
