// ./cuefinder playlist (src/cli/playlist.mjs → src/bindings/web/playlist_api.cpp → core/query/playlist.h)
// on the fixture catalog (fixture_catalog.mjs, 7 tracks with full audio): the JSON (entries, costs,
// seeds in it, the arc's targets), the M3U8 / XSPF / CSV exports with locations that exist relative to
// the written file, seeds from a file and from words, and errors: an unknown id (exit 1, named), too many
// tracks asked for, usage errors (exit 2). A picture as a seed.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fixtureCatalog, fixtureSkipReason, nodeModule, root } from './fixture_catalog.mjs';

const skip = fixtureSkipReason() || (fs.existsSync(nodeModule) && !fs.readFileSync(nodeModule, 'utf8').includes('cf_playlist_open')
  ? `${nodeModule} has no playlists (rebuild cuefinder_node)` : false);

function playlist(args) {
  return spawnSync(process.execPath, [path.join(root, 'src/cli/playlist.mjs'), ...args], { encoding: 'utf8',
    env: { ...process.env, CF_NODE_MODULE: nodeModule }, maxBuffer: 1 << 26 });
}

function catalogIds() {
  return JSON.parse(fs.readFileSync(path.join(fixtureCatalog(), 'catalog.json'), 'utf8')).tracks.map((t) => t.id);
}

test('playlist --json: n tracks, the seeds in it, a cost per transition', { skip }, () => {
  const ids = catalogIds();
  const r = playlist([fixtureCatalog(), '--seed', `${ids[1]},${ids[4]}`, '-n', '4', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const res = JSON.parse(r.stdout);
  assert.equal(res.n_tracks, 4);
  assert.equal(res.entries.length, 4);
  assert.equal(new Set(res.entries.map((e) => e.id)).size, 4, 'no track twice');
  assert.deepEqual(res.entries.filter((e) => e.is_seed).map((e) => e.id).sort(), [ids[1], ids[4]].sort());
  assert.equal(res.entries[0].transition_cost, 0);
  for (const e of res.entries.slice(1)) assert.ok(e.transition_cost >= 0 && e.transition_cost <= 2, JSON.stringify(e));
  const mean = res.entries.slice(1).reduce((a, e) => a + e.transition_cost, 0) / 3;
  assert.ok(Math.abs(mean - res.mean_transition_cost) < 1e-3);
  for (const e of res.entries) {
    assert.ok(e.fit >= 0 && e.fit <= 1);
    for (const k of ['position', 'title', 'license', 'attribution', 'x', 'y', 'target_bpm']) assert.ok(k in e, `missing ${k}`);
  }
  assert.deepEqual(res.seed.ids, [ids[1], ids[4]]);
});

test('playlist --bpm-arc: every entry has its target tempo', { skip }, () => {
  const ids = catalogIds();
  const r = playlist([fixtureCatalog(), '--seed', ids[1], '-n', '5', '--bpm-arc', '90:140:100', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const res = JSON.parse(r.stdout);
  assert.deepEqual(res.entries.map((e) => e.target_bpm), [90, 115, 140, 120, 100]);
});

test('playlist --m3u / --xspf / --csv -o: locations relative to the written file, credits', { skip }, () => {
  const ids = catalogIds();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cf-playlist-'));
  const out = (f) => path.join(dir, f);
  for (const [flag, file] of [['--m3u', 'list.m3u8'], ['--xspf', 'list.xspf'], ['--csv', 'list.csv']]) {
    const r = playlist([fixtureCatalog(), '--seed', ids[4], '-n', '3', flag, '-o', out(file)]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /wrote .* \(3 tracks\)/);
  }
  const m3u = fs.readFileSync(out('list.m3u8'), 'utf8').split('\n').filter(Boolean);
  assert.equal(m3u[0], '#EXTM3U');
  const infos = m3u.filter((l) => l.startsWith('#EXTINF:'));
  assert.equal(infos.length, 3);
  for (const l of infos) assert.match(l, /^#EXTINF:\d+,.+/);
  const locations = m3u.filter((l) => !l.startsWith('#'));
  assert.equal(locations.length, 3);
  for (const l of locations) assert.ok(fs.existsSync(path.resolve(dir, l)), `${l} is not there relative to the playlist`);

  const xspf = fs.readFileSync(out('list.xspf'), 'utf8');
  assert.match(xspf, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<playlist version="1" xmlns="http:\/\/xspf.org\/ns\/0\/">/);
  assert.equal((xspf.match(/<track>/g) || []).length, 3);
  assert.equal((xspf.match(/<\/track>/g) || []).length, 3);
  assert.doesNotMatch(xspf, /&(?!amp;|lt;|gt;|quot;|apos;)/, 'every & is escaped');

  const csv = fs.readFileSync(out('list.csv'), 'utf8').split('\r\n').filter(Boolean);
  assert.equal(csv[0], 'position,id,title,artist,composer,license,attribution,source,bpm,target_bpm,fit,transition_cost,location');
  assert.equal(csv.length, 4);
  fs.rmSync(dir, { recursive: true });
});

test('playlist: a file and words are seeds too', { skip }, () => {
  const file = path.join(root, 'tests/data/audio/wav_s16_44k_stereo.wav');
  const r = playlist([fixtureCatalog(), file, '--text', 'calm piano', '-n', '3', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const res = JSON.parse(r.stdout);
  assert.equal(res.entries.length, 3);
  assert.ok(res.entries.every((e) => !e.is_seed));
  assert.deepEqual(res.seed.files, [file]);
  assert.equal(res.seed.text, 'calm piano');
});

test('playlist: a picture is a seed, alone or with words', { skip }, () => {
  const image = path.join(root, 'tests/data/image/pattern.jpg');
  const alone = playlist([fixtureCatalog(), '--image', image, '-n', '3', '--json']);
  assert.equal(alone.status, 0, alone.stderr);
  const a = JSON.parse(alone.stdout);
  assert.equal(a.entries.length, 3);
  assert.equal(a.seed.image, image);
  const both = playlist([fixtureCatalog(), '--image', image, '--text', 'loud drums', '-n', '7', '--json']);
  assert.equal(both.status, 0, both.stderr);
  assert.equal(JSON.parse(both.stdout).entries.length, 7);
});

test('playlist: bad input is named', { skip }, () => {
  const ids = catalogIds();
  const unknown = playlist([fixtureCatalog(), '--seed', 'no/such-track', '--json']);
  assert.equal(unknown.status, 1);
  assert.match(unknown.stderr, /track "no\/such-track" is not in the catalog/);
  const many = playlist([fixtureCatalog(), '--seed', ids[0], '-n', '50', '--json']);
  assert.equal(many.status, 1);
  assert.match(many.stderr, /7 tracks pass the filters; 50 were asked for/);
  const arc = playlist([fixtureCatalog(), '--seed', ids[0], '--bpm-arc', '90:fast:100']);
  assert.equal(arc.status, 1);
  assert.match(arc.stderr, /BPM arc "90:fast:100"/);
});

test('playlist: usage errors exit 2 before any work', () => {
  for (const [args, msg] of [[['cat'], /give a seed/], [['cat', '--seed', 'a', '-n', '0'], /-n needs a whole number/],
    [['cat', '--seed', 'a', '--json', '--m3u'], /give one of/], [['cat', '--seed', 'a', '--frobnicate'], /unknown option --frobnicate/]]) {
    const r = playlist(args);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, msg);
    assert.match(r.stderr, /usage: \.\/cuefinder playlist/);
  }
});
