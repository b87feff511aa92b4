// node --test tools/eval/similarity/second_set.test.mjs — the second evaluation set's labelling rules
// (second_set.mjs) and the package-table option of src/cli/catalog/demo_sources.mjs it relies on.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { composerKey, composerOf } from './second_set.mjs';
import { PACKAGES } from './second_set_table.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');

test('composer keys: one key per person however the tags spell the name', () => {
  assert.equal(composerKey('Nikola Whallon (saturn)'), 'nikola whallon');
  assert.equal(composerKey('Nikola Whallon <6.saturn.6@gmail.com>'), 'nikola whallon');
  assert.equal(composerKey('Klaus Halfmann aka Hasi50'), 'klaus halfmann');
  assert.equal(composerKey('Maxstack'), 'maxstack');
  assert.equal(composerKey("Grady O'Connell"), "grady o'connell");
});

test('composers come from per-file evidence only, in order: tag, package documents, DEP-5 stanza, file name', () => {
  const base = { id: 'p/x', composer: '', artist: '', copyright: '', license_from: '' };
  assert.deepEqual(composerOf({ ...base, composer: 'A', artist: 'B' }), ['A', 'COMPOSER tag']);
  assert.deepEqual(composerOf({ ...base, artist: 'B' }), ['B', 'ARTIST tag']);
  assert.equal(composerOf({ ...base, id: 'fb-music-high/frozen-mainzik-2p' })[0], 'Matthias Le Bidan');
  const stanza = (files, holder) => ({ ...base, copyright: holder, license_from: `debian/copyright (DEP-5) Files: ${files}` });
  assert.deepEqual(composerOf(stanza('./dat/snd/music/ambient1.ogg', 'Nikola Whallon <6.saturn.6@gmail.com>')),
    ['Nikola Whallon', 'debian/copyright Files: ./dat/snd/music/ambient1.ogg']);
  assert.deepEqual(composerOf(stanza('*', 'Clint Bellanger')), ['', ''], 'the catch-all stanza names the project, not the composer');
  assert.deepEqual(composerOf(stanza('*.ogg', 'Martin Gerhardy')), ['', ''], 'a by-extension stanza neither');
  assert.deepEqual(composerOf(stanza('./dat/snd/music/peace1.ogg', 'Vega Strike')), ['', ''], 'a project as holder');
  assert.deepEqual(composerOf({ ...base, id: 'warmux-data/ingame/Olivier_Militon.-.Apnee2' }), ['Olivier Militon', 'file name Artist.-.Title']);
  assert.deepEqual(composerOf({ ...base, id: 'warmux-data/ingame/circux' }), ['', '']);
});

test('the table names none of the demo catalog\'s packages', () => {
  const demo = fs.readFileSync(path.join(root, 'src/cli/catalog/demo_sources.mjs'), 'utf8');
  const demoPkgs = [...demo.matchAll(/pkg: '([^']+)'|kenta\('([^']+)'/g)].map((m) => m[1] || m[2]);
  assert.ok(demoPkgs.length >= 30, `demo table parsed: ${demoPkgs.length}`);
  for (const p of PACKAGES) assert.ok(!demoPkgs.includes(p.pkg), `${p.pkg} is in the demo catalog`);
});

test('demo_sources --table/--debs: another table, its own .deb folder and manifest name', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cf-second-set-'));
  try {
    // one small package of this set (ri-li-data, 13 MB: tracker modules → rendered)
    const table = path.join(dir, 'table.mjs');
    fs.writeFileSync(table, `export const NAME = 'test set';\nexport const PACKAGES = ${JSON.stringify(PACKAGES.filter((p) => p.pkg === 'ri-li-data'))};\n`);
    const r = spawnSync('node', [path.join(root, 'src/cli/catalog/demo_sources.mjs'), '--table', table,
      '--debs', path.join(dir, 'debs'), '--out', path.join(dir, 'out'), '--cache', path.join(dir, 'cache'), '--quiet'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, path.join(dir, 'out', 'manifest.json') + '\n');
    assert.ok(fs.readdirSync(path.join(dir, 'debs')).some((f) => /^ri-li-data_.*\.deb$/.test(f)));
    assert.ok(!fs.existsSync(path.join(dir, 'cache', 'demo', 'debs')), 'nothing in the demo\'s .deb folder');
    const m = JSON.parse(fs.readFileSync(path.join(dir, 'out', 'manifest.json'), 'utf8'));
    assert.equal(m.name, 'test set');
    assert.deepEqual(m.tracks.map((t) => t.id), ['ri-li-data/jeu1', 'ri-li-data/jeu2', 'ri-li-data/menu']);
    for (const t of m.tracks) assert.equal(t.rendered_from.replace(/\.(xm|mod)$/, ''), t.id.split('/')[1]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
