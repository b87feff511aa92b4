#!/usr/bin/env node
// ./cuefinder catalog upgrade DIR — give a catalog built before the learned similarity space (format
// v2, with timelines) its space without analysing anything again.
//
//   node src/cli/catalog/upgrade.mjs DIR [--space learned|contrastive|whiten] [--quiet]
//
// The space is fitted in the core (src/core/index/space.h) on the windows the catalog already stores
// in TIML (each track's 8 one-patch embeddings, unit length, int8); the tracks, tags, timelines and
// metadata are kept and stored in the space (core: upgrade_builder), the map is laid out again with
// t-SNE in the new space, and DIR/catalog.cfc + catalog.json are replaced (written next to them, then
// renamed). catalog.json keeps the catalog's name and each track's full-audio fields. Same --space
// kinds as `catalog build` (build.mjs), except plain.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { coreClient, loadNodeCore } from '../../../web/core_client.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
// --space → the core's space kind, as build.mjs's SPACE_KINDS (importing build.mjs would run its build).
const SPACE_KINDS = { learned: 'wccn', contrastive: 'contrastive', whiten: 'whiten' };

async function main() {
  const argv = process.argv.slice(2);
  let dir = null, space = 'learned', quiet = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--space') space = argv[++i];
    else if (argv[i] === '--quiet') quiet = true;
    else if (argv[i].startsWith('-')) { console.error(`catalog upgrade: unknown option ${argv[i]}`); process.exit(2); }
    else dir = argv[i];
  }
  if (!dir || !SPACE_KINDS[space]) {
    console.error('usage: ./cuefinder catalog upgrade DIR [--space learned|contrastive|whiten]');
    process.exit(2);
  }
  const say = (s) => { if (!quiet) process.stderr.write(s); };
  const modulePath = process.env.CF_NODE_MODULE || path.join(root, 'build/wasm-release/src/cli/cuefinder_node.js');
  const c = coreClient((await loadNodeCore(modulePath)).Module);
  const fail = (what) => { console.error(`catalog upgrade: ${what}: ${c.error().message}`); process.exit(1); };
  const t0 = Date.now();
  const n = c.call('cf_catalog_upgrade_open', path.resolve(dir));
  if (n < 0) fail(dir);
  let info;
  try {
    info = c.mustJson('cf_space_fit', JSON.stringify({ kind: SPACE_KINDS[space], input: 'msd-musicnn-1/embedding' }));
  } catch (e) {
    console.error(`catalog upgrade: similarity space: ${e.message}`);
    process.exit(1);
  }
  say(`similarity space (--space ${space}): ${info.name}, ${info.dim_in}-d → ${info.dim_out}-d, fitted on ${info.n_windows} stored windows of ` +
    `${info.n_tracks} tracks in ${info.fit_s.toFixed(2)} s\n`);
  // A catalog stores msd windows only: the fused msd+mtt space needs the analyses themselves.
  if (space === 'learned') say('(msd windows only: the fused msd + mtt space needs the analyses; rebuild with ./cuefinder catalog build to get it)\n');
  if (c.call('cf_catalog_upgrade_builder') !== 0) fail('builder');
  const tsne0 = Date.now();
  if (c.call('cf_catalog_builder_tsne_map', 30, 1000, 1) === 0) say(`map: t-SNE in the new space in ${((Date.now() - tsne0) / 1000).toFixed(1)} s\n`);
  else say(`map: t-SNE failed (${c.error().message}); the old map is kept\n`);
  const tmp = path.join(path.resolve(dir), '.work', 'upgrade');
  fs.mkdirSync(tmp, { recursive: true });
  if (c.call('cf_catalog_builder_write', tmp) !== 0) fail('write');
  // catalog.json: the catalog's name and each track's full audio, as `catalog build` added them.
  const oldJson = path.join(dir, 'catalog.json');
  if (fs.existsSync(oldJson)) {
    const old = JSON.parse(fs.readFileSync(oldJson, 'utf8'));
    const fresh = JSON.parse(fs.readFileSync(path.join(tmp, 'catalog.json'), 'utf8'));
    const byId = new Map((old.tracks || []).map((t) => [t.id, t]));
    for (const t of fresh.tracks || []) {
      const o = byId.get(t.id);
      if (o && o.audio) Object.assign(t, { audio: o.audio, audio_bytes: o.audio_bytes });
    }
    fs.writeFileSync(path.join(tmp, 'catalog.json'), JSON.stringify(old.name ? { name: old.name, ...fresh } : fresh));
  }
  fs.renameSync(path.join(tmp, 'catalog.cfc'), path.join(dir, 'catalog.cfc'));
  fs.renameSync(path.join(tmp, 'catalog.json'), path.join(dir, 'catalog.json'));
  say(`catalog: ${path.resolve(dir)} upgraded to format v3 (${info.name}) in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  process.exit(0);
}

main();
