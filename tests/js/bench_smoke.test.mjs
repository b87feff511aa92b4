// Every benchmark recorded in docs/benchmarks runs in its smoke mode (tools/bench/smoke.mjs): a refactor
// that breaks one (a moved module, a renamed export, a core source list gone stale) fails here. A
// benchmark whose build artefact or data is missing is skipped by the runner with the reason (printed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { brokenImports, BENCHES } from '../../tools/bench/smoke.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

test('the import check finds a relative import that does not resolve, and none in tools/bench or tools/eval', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cf-bench-smoke-'));
  try {
    fs.writeFileSync(path.join(dir, 'ok.mjs'), "export const x = 1;\n");
    fs.writeFileSync(path.join(dir, 'bench.mjs'), "import { x } from './ok.mjs';\nimport { startServer } from '../web/serve.mjs';\n" +
      "const page = `\n  import { y } from './page_only.mjs';\n`;\nconst m = await import('./gone.mjs');\n");
    const broken = brokenImports([dir]).map((b) => b.slice(b.lastIndexOf(': ') + 2));
    assert.deepEqual(broken.sort(), ['../web/serve.mjs', './gone.mjs']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  assert.deepEqual(brokenImports(), []);
});

test('every smoke-run benchmark is listed in docs/benchmarks/README.md and names an existing page', () => {
  const readme = fs.readFileSync(path.join(root, 'docs/benchmarks/README.md'), 'utf8');
  for (const b of BENCHES) assert.ok(readme.includes(`\`${b.name}\``), `docs/benchmarks/README.md does not list ${b.name}`);
  for (const b of BENCHES) assert.ok(fs.existsSync(path.join(root, 'docs/benchmarks', b.doc)), `${b.name}: no docs/benchmarks/${b.doc}`);
});

test('every benchmark runs in its smoke mode (tools/bench/smoke.mjs)', () => {
  const r = spawnSync(process.execPath, [path.join(root, 'tools/bench/smoke.mjs')], { cwd: root, encoding: 'utf8', timeout: 240000 });
  const skipped = r.stdout.split('\n').filter((l) => l.startsWith('skip '));
  if (skipped.length) console.log(`bench smoke: ${skipped.length} skipped\n${skipped.join('\n')}`);
  assert.equal(r.status, 0, `tools/bench/smoke.mjs failed:\n${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /^ok {3}imports/m);
});
