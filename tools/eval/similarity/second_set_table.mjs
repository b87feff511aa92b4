// cuefinder — the package table of the second similarity evaluation set (issue 15 item 3): Debian
// bookworm game-data packages that ship music and are NOT among the demo catalog's 30
// (docs/catalog-sources.md). Read by src/cli/catalog/demo_sources.mjs --table (same fields as its own
// table: root = folder in the .deb, globs = tar wildcards below it where `*` also matches `/`,
// modules = tracker modules rendered with openmpt123). tools/eval/similarity/second_set.sh runs it;
// docs/eval-second-set.md lists what each package gives.

export const NAME = 'cuefinder similarity evaluation set 2 (not shipped)';

export const PACKAGES = [
  // per-file DEP-5 stanzas name the composer (Nikola Whallon, Askyel, Zeropage, Vega Strike)
  { pkg: 'naev-data', root: 'usr/share/naev/dat/snd/music', globs: ['*.ogg'] },
  { pkg: 'widelands-data', root: 'usr/share/games/widelands/data/music', globs: ['*.ogg'] },
  { pkg: 'flare-game', root: 'usr/share/games/flare/mods', globs: ['*/music/*.ogg'] },
  // (its titles/ folders hold voice acting and jingles)
  { pkg: 'freedroidrpg-data', root: 'usr/share/freedroidrpg/data/sound/music', globs: ['*.ogg'] },
  { pkg: 'warmux-data', root: 'usr/share/games/warmux/music', globs: ['*.ogg'] },
  { pkg: 'starfighter-data', root: 'usr/share/starfighter/music', globs: ['*.ogg'] },
  // authors.txt: all 8 tracks by K-Pone, CC-BY-3.0 unless stated otherwise (second_set.mjs uses it)
  { pkg: 'openclonk-data', root: 'usr/share/games/openclonk/Music.ocg', globs: ['*.ogg', 'authors.txt'] },
  { pkg: 'xmoto-data', root: 'usr/share/games/xmoto/Textures/Musics', globs: ['*.ogg'] },
  { pkg: 'extremetuxracer-data', root: 'usr/share/games/etr/music', globs: ['*.ogg'] },
  { pkg: 'fillets-ng-data', root: 'usr/share/games/fillets-ng/music', globs: ['*.ogg'] },
  { pkg: 'frozen-bubble-data', root: 'usr/share/games/frozen-bubble/snd', globs: ['*.ogg'] },
  // the tracker original of frozen-bubble-data's frozen-mainzik-2p.ogg: a version pair
  { pkg: 'fb-music-high', root: 'usr/share/games/frozen-bubble/snd', globs: ['*.xm'], modules: true },
  { pkg: 'btanks-data', root: 'usr/share/games/btanks/data/tunes', globs: ['*.ogg'] },
  { pkg: 'zaz-data', root: 'usr/share/games/zaz', globs: ['mus*.ogg'] },
  { pkg: 'caveexpress-data', root: 'usr/share/games/caveexpress/sounds', globs: ['music-*.ogg'] },
  { pkg: 'lugaru-data', root: 'usr/share/games/lugaru/Sounds', globs: ['Music*.ogg'] },
  { pkg: 'ri-li-data', root: 'usr/share/games/ri-li/Ri-li/Sounds', globs: ['*.xm', '*.mod'], modules: true },
];
