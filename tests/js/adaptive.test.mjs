// `./cuefinder search CATALOG --track ID --like ID,ID --skip ID,ID [--remark WORDS] [--json]` on the
// fixture catalog (fixture_catalog.mjs): src/cli/adaptive.mjs → src/bindings/web/adaptive_api.cpp →
// core/query/adaptive.h. Judged tracks and the query track never come back, a like lifts the liked
// track's neighbours, replaying the same flags gives the same bytes, unknown ids are named.
// Skipped when the WASM module, the models or the clips are missing.
import test from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fixtureCatalog as catalog, fixtureSkipReason, nodeModule, root } from './fixture_catalog.mjs';

const skip = fixtureSkipReason();
if (skip) console.log(`adaptive CLI tests skipped: ${skip}`);

const QUERY = 'return_to_home';
const LIKED = 'joram-moments_of_clarity-08-solipsism-59-88';
const SKIPPED = 'wav_s16_44k_stereo';

function search(args) {
  const r = spawnSync(process.execPath, [path.join(root, 'src/cli/search.mjs'), catalog(), ...args],
    { encoding: 'utf8', env: { ...process.env, CF_NODE_MODULE: nodeModule }, maxBuffer: 1 << 26 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function json(args) {
  const r = search([...args, '--json']);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

test('--like/--skip: judged and query tracks left out, learned and the session in the JSON', { skip, timeout: 600000 }, () => {
  const j = json(['--track', QUERY, '--like', LIKED, '--skip', SKIPPED, '-k', '10']);
  const ids = j.results.map((r) => r.id);
  for (const gone of [QUERY, LIKED, SKIPPED]) assert.ok(!ids.includes(gone), `${gone} must not be a result: ${ids}`);
  assert.ok(j.results.length >= 3, 'the other fixture tracks are ranked');
  j.results.forEach((r, i) => {
    assert.equal(r.rank, i + 1);
    assert.ok(Number.isFinite(r.score) && Number.isFinite(r.base) && Number.isFinite(r.learned));
    if (i > 0) assert.ok(j.results[i - 1].score >= r.score, 'best first');
  });
  assert.ok(Array.isArray(j.learned.likes) && Array.isArray(j.learned.skips) && typeof j.learned.text === 'string');
  assert.deepEqual(j.session.events, [{ kind: 'like', id: LIKED }, { kind: 'skip', id: SKIPPED }]);
  assert.match(j.session.catalog, /^n=7 fnv1a64=[0-9a-f]{16}$/);
});

test('a like lifts the tracks most like the liked one more than the least like it', { skip, timeout: 600000 }, () => {
  const near = json(['--track', LIKED, '-k', '10']).results.map((r) => r.id).filter((id) => id !== QUERY);
  const j = json(['--track', QUERY, '--like', LIKED, '-k', '10']);
  const learned = Object.fromEntries(j.results.map((r) => [r.id, r.learned]));
  const first = near[0], last = near[near.length - 1];
  assert.ok(learned[first] > learned[last], `learned ${first} ${learned[first]} vs ${last} ${learned[last]}`);
  const none = json(['--track', QUERY, '-k', '10', '--like', SKIPPED, '--skip', SKIPPED]);  // a like taken back by a skip
  assert.ok(none.results.every((r) => r.id !== SKIPPED));
});

test('replaying the same flags gives the same output; text output says what was learned', { skip, timeout: 600000 }, () => {
  const args = ['--track', QUERY, '--like', LIKED, '--skip', SKIPPED, '-k', '5'];
  const a = search(args), b = search(args);
  assert.equal(a.status, 0, a.stderr);
  assert.equal(a.stdout, b.stdout);
  assert.match(a.stdout, /^tracks for return_to_home after 1 liked, 1 skipped:/);
  assert.match(a.stdout, /\nlearned: /);
});

test('unknown ids and empty flags are named', { skip, timeout: 600000 }, () => {
  const r = search(['--track', QUERY, '--like', 'no/such/track']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /--like: no track "no\/such\/track" in the catalog/);
  const s = search(['--track', QUERY, '--skip', `${SKIPPED},nope`]);
  assert.equal(s.status, 1);
  assert.match(s.stderr, /--skip: no track "nope"/);
  const e = search(['--track', QUERY, '--like', ',']);
  assert.equal(e.status, 2);
  assert.match(e.stderr, /--like needs track ids/);
});

test('--remark adds words to the query (text model)', { skip, timeout: 900000 }, () => {
  const j = json(['--track', QUERY, '--remark', 'calm piano', '--skip', SKIPPED, '-k', '10']);
  assert.deepEqual(j.session.events, [{ kind: 'remark', text: 'calm piano' }, { kind: 'skip', id: SKIPPED }]);
  const plain = json(['--track', QUERY, '--skip', SKIPPED, '-k', '10']);
  const score = (res) => Object.fromEntries(res.results.map((r) => [r.id, r.score - r.base]));
  const a = score(j), b = score(plain);
  assert.ok(Object.keys(a).some((id) => Math.abs(a[id] - b[id]) > 1e-3), 'the remark changes the scores');
});
