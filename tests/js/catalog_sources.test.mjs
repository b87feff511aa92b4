// Tests for src/cli/catalog/demo_lib.mjs (run by ./cuefinder test: node --test tests/js/)
// The Ogg and MIDI inputs are built byte by byte here, so the tests need no audio tools.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'node:test';

import { creditFromCopyright, dep5Matches, licenseFor, licenseKind, pickTags, readMidiTempos, readOgg, sniffLicense } from '../../src/cli/catalog/demo_lib.mjs';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cf-demo-lib-'));
test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));

// One Ogg page; `segments` are lacing values whose bytes are taken from `body` in order.
function oggPage({ flags = 0, granule = 0n, serial = 7, seq = 0, segments, body }) {
  const h = Buffer.alloc(27);
  h.write('OggS', 0, 'latin1');
  h[4] = 0; h[5] = flags;
  h.writeBigInt64LE(granule, 6);
  h.writeUInt32LE(serial, 14);
  h.writeUInt32LE(seq, 18);
  h[26] = segments.length;
  return Buffer.concat([h, Buffer.from(segments), body]); // CRC left 0: the reader does not check it
}
// Lacing values of one packet: 255 for every full segment, then the remainder (0 when a multiple).
function lacing(len) { const l = Array(Math.floor(len / 255)).fill(255); l.push(len % 255); return l; }
function commentPacket(magic, comments) {
  const parts = [Buffer.from(magic, 'latin1')];
  const u32 = (v) => { const b = Buffer.alloc(4); b.writeUInt32LE(v); return b; };
  parts.push(u32(1), Buffer.from('x'), u32(comments.length));
  for (const c of comments) { const b = Buffer.from(c, 'utf8'); parts.push(u32(b.length), b); }
  return Buffer.concat(parts);
}

test('readOgg: Opus duration subtracts the pre-skip, tags keep every value, EOS is seen', () => {
  const head = Buffer.alloc(19);
  head.write('OpusHead', 0, 'latin1'); head[8] = 1; head[9] = 2; head.writeUInt16LE(312, 10); head.writeUInt32LE(44100, 12);
  const tags = commentPacket('OpusTags', ['TITLE=Living Caves', 'title=Desert', 'ARTIST=<Unknown>', 'GENRE=Game']);
  const audio = Buffer.alloc(100, 1);
  const file = path.join(tmp, 'a.opus');
  fs.writeFileSync(file, Buffer.concat([
    oggPage({ flags: 2, segments: lacing(head.length), body: head }),
    oggPage({ seq: 1, segments: lacing(tags.length), body: tags }),
    oggPage({ seq: 2, granule: 48000n * 10n + 312n, segments: [100], body: audio }),
    oggPage({ flags: 4, seq: 3, granule: 48000n * 12n + 312n, segments: [100], body: audio }),
  ]));
  const info = readOgg(file);
  assert.equal(info.codec, 'opus');
  assert.equal(info.channels, 2);
  assert.equal(info.duration_s, 12);
  assert.equal(info.eos, true);
  assert.deepEqual(info.tags.title, ['Living Caves', 'Desert']);
  assert.equal(info.tags.artist, undefined, 'placeholder values are dropped');
  assert.equal(pickTags(info.tags, 'hr3-desert').title, 'Desert');
  assert.equal(pickTags(info.tags, 'unrelated').title, 'Living Caves');
});

test('readOgg: a Vorbis comment packet continued over two pages, and a stream without EOS', () => {
  const id = Buffer.alloc(30);
  id.write('\x01vorbis', 0, 'latin1'); id[11] = 1; id.writeUInt32LE(22050, 12);
  const big = commentPacket('\x03vorbis', ['TITLE=Big', `COMMENT=${'z'.repeat(70000)}`]);
  const lace = lacing(big.length);
  const cut = 200; // segments on the first page; the packet continues on the next
  const bodyCut = cut * 255;
  const setup = Buffer.from('\x05vorbis', 'latin1');
  const file = path.join(tmp, 'b.ogg');
  fs.writeFileSync(file, Buffer.concat([
    oggPage({ flags: 2, segments: lacing(id.length), body: id }),
    oggPage({ seq: 1, segments: lace.slice(0, cut), body: big.subarray(0, bodyCut) }),
    oggPage({ flags: 1, seq: 2, segments: [...lace.slice(cut), ...lacing(setup.length)], body: Buffer.concat([big.subarray(bodyCut), setup]) }),
    oggPage({ seq: 3, granule: 22050n * 45n, segments: [10], body: Buffer.alloc(10) }),
  ]));
  const info = readOgg(file);
  assert.equal(info.codec, 'vorbis');
  assert.equal(info.rate, 22050);
  assert.equal(info.duration_s, 45);
  assert.equal(info.eos, false);
  assert.deepEqual(info.tags.title, ['Big']);
  assert.equal(info.tags.comment[0].length, 70000);
});

test('readOgg: not Vorbis or Opus is an error naming the file', () => {
  const file = path.join(tmp, 'c.ogg');
  const flac = Buffer.from('\x7fFLAC....................', 'latin1');
  fs.writeFileSync(file, Buffer.concat([
    oggPage({ flags: 2, segments: lacing(flac.length), body: flac }),
    oggPage({ seq: 1, segments: lacing(flac.length), body: flac }),
  ]));
  assert.throws(() => readOgg(file), /c\.ogg: Ogg stream is neither Vorbis nor Opus/);
});

test('readMidiTempos: Set Tempo events of every track, running status skipped correctly', () => {
  const track = (bytes) => { const h = Buffer.alloc(8); h.write('MTrk', 0, 'latin1'); h.writeUInt32BE(bytes.length, 4); return Buffer.concat([h, Buffer.from(bytes)]); };
  const mthd = Buffer.from([0x4d, 0x54, 0x68, 0x64, 0, 0, 0, 6, 0, 1, 0, 2, 0x01, 0xe0]); // format 1, 2 tracks, 480 ticks
  const t1 = track([0x00, 0xff, 0x51, 0x03, 0x07, 0xa1, 0x20, 0x00, 0xff, 0x2f, 0x00]);               // 500000 µs = 120 BPM
  const t2 = track([0x00, 0x90, 0x3c, 0x64, 0x83, 0x60, 0x3c, 0x00,                                    // note on, 480 ticks later off (running status)
    0x00, 0xf0, 0x02, 0x01, 0xf7,                                                                       // sysex
    0x00, 0xff, 0x51, 0x03, 0x06, 0x1a, 0x80, 0x00, 0xff, 0x2f, 0x00]);                                 // 400000 µs = 150 BPM at tick 480
  const file = path.join(tmp, 'notes.mid');
  fs.writeFileSync(file, Buffer.concat([mthd, t1, t2]));
  const { division, tempos } = readMidiTempos(file);
  assert.equal(division, 480);
  assert.deepEqual(tempos, [{ tick: 0, bpm: 120 }, { tick: 480, bpm: 150 }]);
});

const DEP5 = `Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: game

Files: *
Copyright: 2003-2021 Game Team
License: GPL-3+

Files: data/music/*
Copyright: Marek Moeckel <wansti@gmx.de>
License: GPL-2+ or CC-BY-SA-3.0

Files: base/music/a.ogg
 base/music/b.ogg
Copyright: Someone
 Someone Else
License: CC-BY-3.0

Files: debian/*
Copyright: 2020 Packager
License: GPL-2+
`;

test('licenseFor: DEP-5 source patterns match installed paths; the last matching stanza wins', () => {
  const music = licenseFor('game', DEP5, 'usr/share/games/game2/music/forest/x.ogg');
  assert.equal(music.license, 'GPL-2+ or CC-BY-SA-3.0');
  assert.equal(music.copyright, 'Marek Moeckel <wansti@gmx.de>');
  assert.match(music.license_from, /Files: data\/music\/\*/);
  const zip = licenseFor('game', DEP5, 'usr/share/games/game/base/music/b.ogg');
  assert.equal(zip.license, 'CC-BY-3.0');
  assert.equal(zip.copyright, 'Someone; Someone Else');
  assert.equal(licenseFor('game', DEP5, 'usr/share/games/game/sounds/y.ogg').license, 'GPL-3+');
  assert.equal(licenseFor('game', DEP5, 'usr/share/games/game/music/z.ogg', ['data/music/*']).license, 'GPL-3+');
  assert.equal(dep5Matches('debian/*', 'usr/share/debian/x.ogg'), false);
  assert.equal(dep5Matches('share/x/Data/Sounds/*', 'usr/share/games/x/Data/Music/a.ogg'), false);
});

test('licenseFor: plain-text copyright files give the license named first', () => {
  const kenta = `Copyright:\n\n    Copyright 2003 Kenta Cho\n\nLicense:\n\n Redistribution and use in source and binary forms, with or without
 modification, are permitted ...\n\nimport/SDL*:\n This library is free software; you can redistribute it under the terms of the GNU Library General Public
 License as published by the Free Software Foundation; either version 2 of the License, or (at your option) any later version.\n`;
  const k = licenseFor('a7xpg-data', kenta, 'usr/share/games/a7xpg/sounds/bgm1.ogg');
  assert.equal(k.license, 'BSD-2-Clause');
  assert.equal(k.copyright, '2003 Kenta Cho');
  assert.equal(sniffLicense('under the terms of the GNU General Public License\nas published by the Free Software Foundation; either version 2\nof the License, or (at your option) any later version.'), 'GPL-2+');
  assert.equal(sniffLicense('distributed under the GNU GENERAL PUBLIC LICENSE.'), 'GPL');
  assert.equal(sniffLicense('licensed under the Creative Commons Attribute Share-Alike license which\ncan be viewed at http://creativecommons.org/licenses/by-sa/3.0'), 'CC-BY-SA-3.0');
  assert.equal(licenseFor('singularity-music', 'Copyright (C) 2007-2008,2012 Max McCracken\nTHE WORK IS PROVIDED UNDER ...', 'x').license, 'CC-BY-SA-3.0');
});

test('licenseKind: short kinds', () => {
  const cases = { 'CC-BY-SA-3.0': 'cc-by-sa', 'CC-BY-3.0': 'cc-by', 'GPL-2+': 'gpl', 'GPL-2.0+': 'gpl', GPL: 'gpl', 'LGPL-2': 'lgpl',
    'BSD-2-Clause': 'bsd', 'public-domain': 'public-domain', 'CC0-1.0': 'public-domain', 'Drascula-License': 'other',
    'GPL-2+ or CC-BY-SA-3.0': 'gpl' };
  for (const [license, kind] of Object.entries(cases)) assert.equal(licenseKind(license), kind, license);
});

test('creditFromCopyright: the holder named in the file name, else the first one et al.', () => {
  const c = 'Manuel "Vanethian" Marino (www.manuelmarino.com); Gren; David Reeves (Destructavator); Karl Macklin';
  assert.equal(creditFromCopyright(c, 'David04'), 'David Reeves (Destructavator)');
  assert.equal(creditFromCopyright(c, 'van_theme'), 'Manuel "Vanethian" Marino (www.manuelmarino.com) et al.');
  assert.equal(creditFromCopyright('2003 Kenta Cho; and others', 'bgm1'), 'Kenta Cho et al.');
  assert.equal(creditFromCopyright('2000 - 2001 Bill Kendrick', 'finally'), 'Bill Kendrick');
});
