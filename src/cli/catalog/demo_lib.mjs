// cuefinder — readers and license rules behind src/cli/catalog/demo_sources.mjs (no I/O besides reading
// the file a reader is given; tested by src/cli/catalog/demo_lib.test.mjs).
//
//   import { readOgg, readMidiTempos, licenseFor, licenseKind } from './demo_lib.mjs';
//   readOgg('x.opus')            → { codec: 'opus', rate: 48000, channels, preskip, tags: {title: [..]}, duration_s, eos }
//   readMidiTempos('notes.mid')  → { division, tempos: [{ tick, bpm }] }
//   licenseFor(pkg, copyrightText, 'usr/share/games/x/music/a.ogg') → { license, copyright, license_from }
//   licenseKind('CC-BY-SA-3.0')  → 'cc-by-sa'   (cc-by, cc-by-sa, gpl, lgpl, bsd, public-domain, other)

import fs from 'node:fs';

// Packages whose copyright file is not machine-readable and whose plain text does not name the
// version: the license comes from the package's own README (quoted in license_from).
export const LICENSE_OVERRIDES = {
  'singularity-music': { license: 'CC-BY-SA-3.0',
    from: 'README: "released under the same BY-SA 3.0 license"; copyright file holds the CC BY-SA legal code' },
};

// ─── 2. small readers ─────────────────────────────────────────────────────────────────────────────
// Ogg: header packets of the first logical stream (codec, rate, pre-skip, comments) from the start of
// the file, and the duration from the granule position of the last page of that stream.
export function oggPages(buf, cb) {
  let off = 0;
  while (off + 27 <= buf.length) {
    if (buf.readUInt32BE(off) !== 0x4f676753) { // "OggS": resync
      const next = buf.indexOf('OggS', off + 1);
      if (next < 0) return;
      off = next;
      continue;
    }
    const nseg = buf[off + 26];
    if (off + 27 + nseg > buf.length) return;
    let bodyLen = 0;
    for (let i = 0; i < nseg; ++i) bodyLen += buf[off + 27 + i];
    const end = off + 27 + nseg + bodyLen;
    if (end > buf.length) return;
    const page = { flags: buf[off + 5], granule: buf.readBigInt64LE(off + 6), serial: buf.readUInt32LE(off + 14),
      lacing: buf.subarray(off + 27, off + 27 + nseg), body: buf.subarray(off + 27 + nseg, end) };
    if (cb(page) === false) return;
    off = end;
  }
}

function readCommentPacket(p, start) {
  const tags = {};
  let o = start;
  const vendorLen = p.readUInt32LE(o); o += 4 + vendorLen;
  const n = p.readUInt32LE(o); o += 4;
  for (let i = 0; i < n && o + 4 <= p.length; ++i) {
    const len = p.readUInt32LE(o); o += 4;
    const kv = p.subarray(o, o + len).toString('utf8'); o += len;
    const eq = kv.indexOf('=');
    if (eq <= 0) continue;
    const key = kv.slice(0, eq).toLowerCase();
    if (key === 'metadata_block_picture') continue;
    const value = kv.slice(eq + 1).trim();
    if (!value || /^(<unknown>|\(none\)|unknown|none|-)$/i.test(value)) continue; // placeholders some encoders write
    (tags[key] ||= []).includes(value) || tags[key].push(value);
  }
  return tags;
}

// One value per field. Files that repeat a tag (hyperrogue's hr3-*.ogg carry the TITLE of every
// track of their album) get the value that best matches the file name, else the first one.
export function pickTags(tags, baseName) {
  const norm = (v) => v.toLowerCase().replace(/[^a-z0-9]/g, '');
  const out = {};
  for (const [key, values] of Object.entries(tags)) {
    if (values.length === 1 || key !== 'title') { out[key] = values[0]; continue; }
    const b = norm(baseName).replace(/^hr\d*/, '');
    const hit = values.find((v) => norm(v) && (norm(v).includes(b) || b.includes(norm(v))));
    out[key] = hit || values[0];
  }
  return out;
}

export function readOgg(file) {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    let headLen = Math.min(size, 256 << 10);
    for (;;) {
      const head = Buffer.alloc(headLen);
      fs.readSync(fd, head, 0, headLen, 0);
      const packets = [];
      let serial = null, cur = [];
      oggPages(head, (pg) => {
        if (serial === null) serial = pg.serial;
        if (pg.serial !== serial) return true;
        let o = 0;
        for (const l of pg.lacing) {
          cur.push(pg.body.subarray(o, o + l)); o += l;
          if (l < 255) { packets.push(Buffer.concat(cur)); cur = []; if (packets.length >= 2) return false; }
        }
        return true;
      });
      if (packets.length < 2) {
        if (headLen < size && headLen < (64 << 20)) { headLen = Math.min(size, headLen * 8); continue; }
        throw new Error(`${file}: no Ogg header packets`);
      }
      const [id, comment] = packets;
      let info;
      if (id.subarray(0, 7).toString('latin1') === '\x01vorbis') {
        info = { codec: 'vorbis', rate: id.readUInt32LE(12), channels: id[11], preskip: 0n,
          tags: comment.subarray(0, 7).toString('latin1') === '\x03vorbis' ? readCommentPacket(comment, 7) : {} };
      } else if (id.subarray(0, 8).toString('latin1') === 'OpusHead') {
        info = { codec: 'opus', rate: 48000, channels: id[9], preskip: BigInt(id.readUInt16LE(10)),
          tags: comment.subarray(0, 8).toString('latin1') === 'OpusTags' ? readCommentPacket(comment, 8) : {} };
      } else {
        throw new Error(`${file}: Ogg stream is neither Vorbis nor Opus`);
      }
      // last page of that stream with a granule position
      let granule = -1n, eos = false;
      for (let tailLen = Math.min(size, 128 << 10); ; tailLen = Math.min(size, tailLen * 4)) {
        const tail = Buffer.alloc(tailLen);
        fs.readSync(fd, tail, 0, tailLen, size - tailLen);
        oggPages(tail.subarray(tail.indexOf('OggS')), (pg) => {
          if (pg.serial === serial && pg.granule >= 0n) { granule = pg.granule; eos = (pg.flags & 4) !== 0; }
          return true;
        });
        if (granule >= 0n || tailLen === size) break;
      }
      if (granule < 0n) throw new Error(`${file}: no Ogg page with a granule position`);
      info.duration_s = Number(granule - info.preskip) / info.rate;
      info.eos = eos;
      return info;
    }
  } finally {
    fs.closeSync(fd);
  }
}

// MIDI: every Set Tempo meta event (FF 51 03 tttttt) of every track, as {tick, bpm}.
export function readMidiTempos(file) {
  const b = fs.readFileSync(file);
  if (b.subarray(0, 4).toString('latin1') !== 'MThd') throw new Error(`${file}: not a MIDI file`);
  const nTracks = b.readUInt16BE(10);
  const division = b.readUInt16BE(12);
  let off = 8 + b.readUInt32BE(4);
  const tempos = [];
  for (let t = 0; t < nTracks && off + 8 <= b.length; ++t) {
    if (b.subarray(off, off + 4).toString('latin1') !== 'MTrk') break;
    const end = Math.min(b.length, off + 8 + b.readUInt32BE(off + 4));
    let p = off + 8, tick = 0, status = 0;
    const vlq = () => { let v = 0, c; do { c = b[p++]; v = (v << 7) | (c & 0x7f); } while (c & 0x80 && p < end); return v; };
    while (p < end) {
      tick += vlq();
      let s = b[p];
      if (s & 0x80) { p++; if (s < 0xf0) status = s; } else s = status; // running status
      if (s === 0xff) {
        const type = b[p++]; const len = vlq();
        if (type === 0x51 && len === 3) {
          const usPerQuarter = (b[p] << 16) | (b[p + 1] << 8) | b[p + 2];
          tempos.push({ tick, bpm: 60e6 / usPerQuarter });
        }
        p += len;
      } else if (s === 0xf0 || s === 0xf7) {
        const len = vlq(); // not `p += vlq()`: that reads p before vlq() moves it past the length
        p += len;
      } else {
        const hi = s & 0xf0;
        p += (hi === 0xc0 || hi === 0xd0) ? 1 : 2;
      }
    }
    off = end;
  }
  tempos.sort((x, y) => x.tick - y.tick);
  return { division, tempos };
}

export function readIni(file) {
  const out = {};
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const m = /^\s*([A-Za-z_]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (m) out[m[1].toLowerCase()] = m[2];
  }
  return out;
}

// ─── 3. licenses ──────────────────────────────────────────────────────────────────────────────────
// DEP-5 (machine-readable debian/copyright): paragraphs of fields, continuation lines start with a space.
export function parseDep5(text) {
  if (!/^Format:/m.test(text.split('\n\n')[0])) return null;
  const paragraphs = [];
  for (const block of text.split(/\n[ \t]*\n/)) {
    const fields = {};
    let key = null;
    for (const line of block.split('\n')) {
      if (/^[ \t]/.test(line) && key) fields[key] += '\n' + line.trim();
      else {
        const m = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
        if (m) { key = m[1].toLowerCase(); fields[key] = m[2].trim(); }
      }
    }
    if (Object.keys(fields).length) paragraphs.push(fields);
  }
  return paragraphs;
}

const globCache = new Map();
function globRe(pattern) {
  let re = globCache.get(pattern);
  if (!re) {
    re = new RegExp('^' + pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$');
    globCache.set(pattern, re);
  }
  return re;
}

// A Files pattern names a path in the *source* tree (data/music/x.ogg), the track has an *installed*
// path (usr/share/games/supertux2/music/x.ogg). A pattern matches when it, or the pattern with leading
// directories dropped (keeping a literal directory), matches a trailing part of the installed path.
export function dep5Matches(pattern, installedPath) {
  if (pattern === '*') return true;
  if (pattern.startsWith('debian/')) return false;
  const parts = installedPath.split('/');
  const suffixes = parts.map((_, i) => parts.slice(i).join('/'));
  const pp = pattern.split('/');
  for (let k = 0; k < pp.length; ++k) {
    const variant = pp.slice(k).join('/');
    if (k > 0 && (pp.length - k < 2 || /[*?]/.test(pp[k]))) break; // keep a literal directory
    const re = globRe(variant);
    if (suffixes.some((s) => re.test(s))) return true;
  }
  return false;
}

function firstLine(s) { return (s || '').split('\n')[0].trim(); }
function oneLine(s) { return (s || '').split('\n').map((l) => l.trim().replace(/,$/, '')).filter((l) => l && l !== '.').join('; '); }

// Plain-text copyright files: the license mentioned first wins (Kenta Cho's files are BSD and also
// mention SDL's LGPL further down; wesnoth's GPL comes before the LGPL of a bundled library).
export function sniffLicense(text) {
  const found = [];
  const at = (re, fn) => { const m = re.exec(text); if (m) found.push({ idx: m.index, name: fn(m, text.slice(m.index, m.index + 600)) }); };
  at(/Attribution[- ]?Share[- ]?Alike|creativecommons\.org\/licenses\/by-sa|Attribute Share-Alike/i, (m, ctx) => {
    const v = /by-sa\/(\d\.\d)/i.exec(ctx) || /(?:licen[cs]e|alike)\s+(\d\.\d)/i.exec(ctx);
    return v ? `CC-BY-SA-${v[1]}` : 'CC-BY-SA';
  });
  at(/Redistribution and use in source and binary forms/i, (m, ctx) => (/Neither the name/i.test(text) ? 'BSD-3-Clause' : 'BSD-2-Clause'));
  at(/GNU (Library|Lesser) General Public\s+License/i, (m, ctx) => {
    const v = /version (\d(?:\.\d)?)/i.exec(ctx);
    return `LGPL${v ? '-' + v[1] : ''}${/any later version/i.test(ctx) ? '+' : ''}`;
  });
  at(/GNU GENERAL PUBLIC\s+LICENSE/i, (m, ctx) => {
    const v = /version (\d)/i.exec(ctx);
    return `GPL${v ? '-' + v[1] : ''}${v && /any later version/i.test(ctx) ? '+' : ''}`;
  });
  found.sort((a, b) => a.idx - b.idx);
  return found.length ? found[0].name : 'unknown';
}

export function sniffCopyright(text) {
  const lines = text.split('\n');
  const found = [];
  for (let i = 0; i < lines.length; ++i) {
    const m = /(?:copyright\s*:?\s*(?:\(c\)|©)?|©)\s*((?:19|20)\d\d\b.*)$/i.exec(lines[i]) ||
      /^copyright:\s*(\S.*\b(?:19|20)\d\d\b.*)$/i.exec(lines[i].trim()); // "Copyright: Kenta Cho, 2003."
    if (!m) continue;
    let holder = m[1].trim();
    // "Copyright (c) 2002-2003" with the names on the following indented lines
    for (let j = i + 1; !/[A-Za-z]/.test(holder.replace(/\bby\b/, '')) && j < lines.length && /^\s+\S/.test(lines[j]) && j <= i + 3; ++j) {
      holder += (holder.endsWith(',') ? ' ' : ', ') + lines[j].trim();
    }
    found.push(holder.replace(/,\s*,/g, ',').replace(/^((?:19|20)\d\d[\d\s,-]*)\s*,\s*/, '$1 '));
  }
  // the first holder named is upstream; later lines are bundled libraries and Debian packagers
  return found.length ? found[0] + (found.length > 1 ? '; and others' : '') : '';
}

// "2003 - 2009 by David White <dave@whitevine.net>" → "David White"
export function holderName(copyright) {
  return (copyright.split(';')[0] || '').replace(/,\s*(?:19|20)\d\d\.?$/, '').replace(/^[\d\s,–-]+/, '').replace(/^by\s+/i, '').replace(/\s*<[^>]*>/g, '')
    .replace(/\.?\s*All rights reserved\.?/i, '').replace(/[\s,;.]+$/, '').trim();
}

// Who to credit when the file has no artist/composer tag: the copyright holder whose name shares a
// word with the file name (ufoai's David01.ogg → "David Reeves (Destructavator)"), else the first
// holder, with "et al." when the stanza names several.
export function creditFromCopyright(copyright, baseName) {
  const holders = copyright.split(';').map((h) => holderName(h)).filter((h) => h && h !== 'and others');
  if (!holders.length) return '';
  const file = baseName.toLowerCase();
  const words = (h) => h.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w.length >= 4 && !/^(http|www|team|project|games?)$/.test(w));
  const hit = holders.find((h) => words(h).some((w) => file.includes(w)));
  if (hit) return hit;
  return holders[0] + (holders.length > 1 || /and others/.test(copyright) ? ' et al.' : '');
}

export function licenseFor(pkg, copyrightText, installedPath, dep5Ignore = []) {
  const dep5 = parseDep5(copyrightText);
  if (dep5) {
    let hit = null;
    for (const para of dep5) {
      if (!para.files) continue;
      const patterns = para.files.split(/\s+/).filter((p) => p && !dep5Ignore.includes(p));
      const matched = patterns.find((p) => dep5Matches(p, installedPath));
      if (matched) hit = { para, matched };
    }
    if (hit) {
      return { license: firstLine(hit.para.license), copyright: oneLine(hit.para.copyright),
        license_from: `debian/copyright (DEP-5) Files: ${hit.matched}` };
    }
  }
  const o = LICENSE_OVERRIDES[pkg];
  if (o) return { license: o.license, copyright: sniffCopyright(copyrightText), license_from: o.from };
  return { license: sniffLicense(copyrightText), copyright: sniffCopyright(copyrightText),
    license_from: 'debian/copyright (plain text, first license named)' };
}

export function licenseKind(license) {
  const first = license.split(/\s+or\s+/i)[0].toLowerCase();
  if (/by-sa|sharealike/.test(first)) return 'cc-by-sa';
  if (/^cc-by|attribution/.test(first)) return 'cc-by';
  if (/cc0|public.?domain/.test(first)) return 'public-domain';
  if (/lgpl/.test(first)) return 'lgpl';
  if (/gpl/.test(first)) return 'gpl';
  if (/bsd/.test(first)) return 'bsd';
  return 'other';
}
