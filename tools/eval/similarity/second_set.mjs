// cuefinder — labels for the second similarity evaluation set (issue 15 item 3; docs/eval-second-set.md).
//
//   node tools/eval/similarity/second_set.mjs [OUT]     (OUT default $CF_CACHE_DIR/eval/second)
//
// Reads OUT/manifest.json (written by src/cli/catalog/demo_sources.mjs --table second_set_table.mjs) and
// writes, next to it:
//   OUT/eval_manifest.json  the same tracks (minus exact duplicates), each with `split_group` (the
//                           package, or the package of the same game), `composer_name`,
//                           `composer_key` (normalised; "" when no per-file source names the composer)
//                           and `composer_from` (which source named it), and two license corrections
//   OUT/eval_labels.json    {packages: {pkg: [ids]}, split_groups: {pkg: group}, composers: {key: {name, ids, packages}},
//                           version_pairs: [{a, b, evidence}], excluded: [{id, why}],
//                           cross_set: [...] (pairs/composers shared with the demo catalog)}
// Only per-file evidence names a composer: a composer/artist tag, a DEP-5 Files stanza that names the
// track (not `*`), or a file name of the form Artist.-.Title. A credits list for a whole game (starfighter's
// credits.txt) does not say who wrote which track and is not used.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const OUT = () => path.resolve(process.argv[2] || path.join(process.env.CF_CACHE_DIR || path.join(os.homedir(), '.cache/cuefinder'), 'eval/second'));

// Byte-identical files (md5): the second copy is left out, it would be a free same-package hit.
const EXCLUDE = {
  'widelands-data/menu': 'byte-identical to widelands-data/ingame_14',
  // freedroidrpg's titles/ folders hold voice acting and jingles, not music: not unpacked by the table,
  // listed here in case an older unpack is still in the cache
  'freedroidrpg-data/base/titles/GameLost': 'jingle (titles/)',
  'freedroidrpg-data/base/titles/StartOfGame': 'voice acting (titles/)',
  'freedroidrpg-data/storyline/act1/titles/EndOfAct': 'jingle (titles/)',
};

// License corrections, each from the package's own files.
const LICENSE_FIXES = [
  // DEP-5 `Files: data/mus*.ogg` (Leonard Ritter, CC-BY-SA-3.0): the demo's matcher needs a literal
  // directory of the pattern in the installed path, and zaz installs data/ as usr/share/games/zaz/.
  { match: /^zaz-data\/mus\d+$/, license: 'CC-BY-SA-3.0', kind: 'cc-by-sa', copyright: 'Leonard Ritter',
    from: 'debian/copyright (DEP-5) Files: data/mus*.ogg (matched by hand: installed without data/)' },
  // The copyright file names the engine's ISC license and says game content is CC-BY-3.0 or CC0;
  // Music.ocg/authors.txt credits all 8 tracks to K-Pone and says "if not stated otherwise" CC-BY-3.0.
  { match: /^openclonk-data\//, license: 'CC-BY-3.0', kind: 'cc-by', copyright: 'Martin Strohmeier (K-Pone)',
    from: 'debian/copyright (content: CC-BY-3.0 or CC0) + Music.ocg/authors.txt' },
];

// Packages of one game go to the same side of a split by package: fb-music-high is frozen-bubble's
// tracker original of one of frozen-bubble-data's songs.
const SPLIT_GROUP = { 'fb-music-high': 'frozen-bubble-data' };

// Composers named by a package's documents for every file it ships (used when the file has no tag).
const COMPOSER_DOCS = [
  { match: /^fb-music-high\//, name: 'Matthias Le Bidan',
    from: 'fb-music-high copyright "Upstream Author" (the package is this one module)' },
];

// Known version pairs: the same piece in two renditions. cross_set pairs have one side in the demo.
const VERSION_PAIRS = [
  { a: 'fb-music-high/frozen-mainzik-2p', b: 'frozen-bubble-data/frozen-mainzik-2p',
    evidence: 'the tracker module (rendered, 206.8 s) and the Ogg frozen-bubble ships (183.7 s) of the same song' },
  { a: 'warmux-data/ingame/Olivier_Militon.-.Apnee', b: 'warmux-data/ingame/Olivier_Militon.-.Apnee2',
    evidence: 'same composer and ALBUM tag "Apnée", same length (147 s), different files (md5)' },
  { a: 'naev-data/sirius1', b: 'naev-data/sirius2',
    evidence: 'sirius2 TITLE "Sirius Remix" (Askyel); sirius1 by Nikola Whallon: a remix, by a different composer (weak)' },
];
const CROSS_SET = [
  { a: 'starfighter-data/through_space', b: 'singularity-music/Through Space',
    evidence: 'same piece by Maxstack (tags "Through Space"): 200.0 s edit here, 233.7 s in the demo catalog' },
];

// "Nikola Whallon (saturn)" / "Klaus Halfmann aka Hasi50" / "Maxstack" → "nikola whallon" / "klaus halfmann" / "maxstack"
export function composerKey(name) {
  return name.toLowerCase().replace(/\(.*?\)/g, ' ').replace(/\baka\b.*$/, ' ').replace(/<[^>]*>/g, ' ')
    .replace(/[^a-z0-9'\u00c0-\u024f]+/g, ' ').trim();
}

// Who wrote the track, from per-file evidence only; [name, from] or ['', ''].
export function composerOf(t) {
  if (t.composer) return [t.composer, 'COMPOSER tag'];
  if (t.artist) return [t.artist, 'ARTIST tag'];
  const doc = COMPOSER_DOCS.find((d) => d.match.test(t.id));
  if (doc) return [doc.name, doc.from];
  const m = /^debian\/copyright \(DEP-5\) Files: (.*)$/.exec(t.license_from || '');
  const holder = (t.copyright || '').replace(/<[^>]*>/g, '').trim();
  if (m && m[1] !== '*' && !/\*\.\w+$/.test(m[1]) && holder && !/vega strike|and others|team/i.test(holder)) {
    return [holder, `debian/copyright Files: ${m[1]}`];
  }
  const f = /\/([A-Z][A-Za-z]+(?:_[A-Z][A-Za-z]+)+)\.-\.[^/]+$/.exec(t.id);
  if (f) return [f[1].replace(/_/g, ' '), 'file name Artist.-.Title'];
  return ['', ''];
}

function main() {
  const out = OUT();
  const manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8'));
  const excluded = [];
  const tracks = [];
  for (const t0 of manifest.tracks) {
    if (EXCLUDE[t0.id]) { excluded.push({ id: t0.id, why: EXCLUDE[t0.id] }); continue; }
    const t = { ...t0 };
    const fix = LICENSE_FIXES.find((f) => f.match.test(t.id));
    if (fix) {
      Object.assign(t, { license: fix.license, license_kind: fix.kind, copyright: fix.copyright, license_from: fix.from });
      t.attribution = t.attribution.replace(/, [^,]+$/, `, ${fix.license}`);
    }
    const [name, from] = composerOf(t);
    t.split_group = SPLIT_GROUP[t.source] || t.source;
    t.composer_name = name;
    t.composer_key = name ? composerKey(name) : '';
    t.composer_from = from;
    tracks.push(t);
  }
  const ids = new Set(tracks.map((t) => t.id));
  for (const p of VERSION_PAIRS) if (!ids.has(p.a) || !ids.has(p.b)) throw new Error(`version pair ${p.a} / ${p.b}: not in the manifest`);

  const packages = {};
  const composers = {};
  for (const t of tracks) {
    (packages[t.source] ||= []).push(t.id);
    if (!t.composer_key) continue;
    const c = (composers[t.composer_key] ||= { names: new Set(), ids: [], packages: new Set() });
    c.names.add(t.composer_name);
    c.ids.push(t.id);
    c.packages.add(t.source);
  }
  const composerOut = Object.fromEntries(Object.entries(composers).sort().map(([k, c]) =>
    [k, { names: [...c.names].sort(), packages: [...c.packages].sort(), ids: c.ids }]));
  const labels = {
    name: manifest.name, n_tracks: tracks.length, packages, split_groups: SPLIT_GROUP, composers: composerOut,
    composers_across_packages: Object.keys(composerOut).filter((k) => composerOut[k].packages.length > 1),
    version_pairs: VERSION_PAIRS, cross_set: { version_pairs: CROSS_SET, composers: [
      { key: 'maxstack', here: tracks.filter((t) => t.composer_key === 'maxstack').map((t) => t.id),
        demo: 'singularity-music (16 tracks, ARTIST Maxstack)' }] },
    excluded,
  };
  const write = (f, obj) => { fs.writeFileSync(f + '.tmp', JSON.stringify(obj, null, 1) + '\n'); fs.renameSync(f + '.tmp', f); };
  write(path.join(out, 'eval_manifest.json'), { ...manifest, tracks });
  write(path.join(out, 'eval_labels.json'), labels);
  const named = tracks.filter((t) => t.composer_key).length;
  process.stderr.write(`second_set: ${tracks.length} tracks (${excluded.length} left out) from ${Object.keys(packages).length} packages; ` +
    `${named} with a composer, ${Object.keys(composerOut).length} composers, across packages: ${labels.composers_across_packages.join(', ') || 'none'}\n`);
  process.stdout.write(path.join(out, 'eval_manifest.json') + '\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) main();
