// Every file under tests/data is named in a README there (its folder's README.md or the top
// tests/data/README.md), which says where it came from, how it was made and its license.
//   node --test tests/js/test_data_readme.test.mjs
// A README names a file by writing it in `backticks`, as a path relative to the README's folder or
// as a bare file name; a name may be a pattern: {a,b} alternatives, <placeholder> and * stand for
// any run of characters without a slash (e.g. `bad_truncated_30pct_<fixture>.<ext>`).
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dataDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../data');

/** A backticked name → RegExp over relative paths (see the header for the pattern syntax). */
export function namePattern(name) {
  let re = '';
  for (let i = 0; i < name.length; i++) {
    const c = name[i];
    if (c === '{') {
      const close = name.indexOf('}', i);
      if (close < 0) return null;
      re += '(' + name.slice(i + 1, close).split(',').map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|') + ')';
      i = close;
    } else if (c === '<') {
      const close = name.indexOf('>', i);
      if (close < 0) return null;
      re += '[^/]+';
      i = close;
    } else if (c === '*') re += '[^/]*';
    else re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** Backticked names of a README, as patterns relative to its folder (bare names match at any depth). */
function readmePatterns(readme) {
  const text = fs.readFileSync(readme, 'utf8');
  const names = [...text.matchAll(/`([^`\n]+)`/g)].map((m) => m[1].trim()).filter((s) => !/\s/.test(s));
  return names.flatMap((n) => {
    const p = namePattern(n.replace(/^\.\//, ''));
    return p ? [{ pattern: p, bare: !n.includes('/') }] : [];
  });
}

function listFiles(dir, rel = '') {
  return fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) => {
    const r = rel ? `${rel}/${e.name}` : e.name;
    return e.isDirectory() ? listFiles(dir, r) : [r];
  });
}

/** Files under dataDir that no README in their folder or an ancestor folder names. */
export function unlistedFiles(root = dataDir) {
  const files = listFiles(root);
  const readmes = files.filter((f) => path.basename(f) === 'README.md');
  const patterns = new Map(readmes.map((r) => [path.dirname(r), readmePatterns(path.join(root, r))]));
  return files.filter((f) => {
    if (path.basename(f) === 'README.md') return false;
    for (const [dir, list] of patterns) {
      const inside = dir === '.' ? f : f.startsWith(dir + '/') ? f.slice(dir.length + 1) : null;
      if (inside === null) continue;
      if (list.some(({ pattern, bare }) => pattern.test(inside) || (bare && pattern.test(path.basename(f))))) return false;
    }
    return true;
  });
}

test('every file under tests/data is named in a README there', () => {
  assert.ok(fs.existsSync(path.join(dataDir, 'README.md')), 'tests/data/README.md is missing');
  const missing = unlistedFiles();
  assert.deepEqual(missing, [], `not named in any README under tests/data (add source, command, license):\n  ${missing.join('\n  ')}`);
});

test('the check notices an unlisted file and reads patterns', () => {
  const tmp = fs.mkdtempSync(path.join(fs.realpathSync('/tmp'), 'cf-readme-'));
  try {
    fs.mkdirSync(path.join(tmp, 'sub'));
    fs.writeFileSync(path.join(tmp, 'README.md'), 'see `sub/a_{x,y}.bin` and `b_<n>.f32`\n');
    for (const f of ['sub/a_x.bin', 'sub/a_y.bin', 'sub/b_7.f32', 'sub/a_z.bin']) fs.writeFileSync(path.join(tmp, f), '');
    assert.deepEqual(unlistedFiles(tmp), ['sub/a_z.bin']);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
