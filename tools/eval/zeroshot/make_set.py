#!/usr/bin/python3
"""Labelled audio for the zero-shot tagging evaluation (issue 6): MIDI we write ourselves or get from
mma, rendered through several General MIDI soundfonts with fluidsynth, so instruments, style and tempo
are known.

  make_set.py OUT_DIR        (run by make_set.sh; standard library only, no mido/numpy)

Steps (each cached: delete the file to redo it):
  1. pieces: instrument pieces (a melody + an accompaniment in one GM program, or drums only),
     ensemble pieces (orchestral, lullaby) -> midi/*.mid; style pieces -> mma/*.mma -> midi/*.mid (mma).
  2. per soundfont: all pieces are cut to CLIP_S, laid one after the other in one long MIDI file
     (SLOT_S apart, every controller reset at each slot) and rendered with ONE fluidsynth run
     (loading MuseScore_General_Lite.sf3 takes ~9 s, so one run per soundfont, not per piece).
  3. the long WAV is cut at the slot starts, peak-normalised to -1 dBFS, faded and encoded to Ogg/Opus
     (ffmpeg libopus 96 kb/s) -> clips/<piece>.<soundfont>.opus
  4. labels.json (one entry per clip) and vocabulary.json (every label, in or out of the audio
     models' vocabularies, with counts).
Labels per clip: `labels` are positives; `exclude` are labels that are neither clearly true nor
clearly false for that clip (e.g. "piano" in an mma groove whose comping is a piano; "jazz" for a bossa
nova) and must be left out when a label is scored; every other vocabulary label is a negative.
"""
import json
import math
import os
import random
import struct
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "../../.."))
CLIP_S = 20.0        # length of every clip
SLOT_S = 23.0        # clip + 3 s of silence for the release/reverb tail before the next slot
PIECE_S = 21.0       # pieces are written at least this long, then cut at CLIP_S
SOUNDFONTS = [  # (short name, file, Debian package, license from its debian/copyright)
    ("FluidR3", "/usr/share/sounds/sf2/FluidR3_GM.sf2", "fluid-soundfont-gm", "MIT"),
    ("MuseScore", "/usr/share/sounds/sf3/MuseScore_General_Lite.sf3", "musescore-general-soundfont-small",
     "MIT (parts PD / CC0)"),
    ("TimGM6mb", "/usr/share/sounds/sf2/TimGM6mb.sf2", "timgm6mb-soundfont", "GPL-2"),
]

# ---------------------------------------------------------------- labels and GM program families
# Instrument label -> GM programs (0-based) that count as "this instrument is present".
FAMILIES = {
    "piano": set(range(0, 6)), "organ": set(range(16, 21)), "accordion": {21, 23}, "harmonica": {22},
    "acoustic guitar": {24, 25}, "electric guitar": set(range(26, 32)), "guitar": set(range(24, 32)),
    "violin": {40}, "cello": {42}, "strings": set(range(40, 46)) | {48, 49, 50, 51},
    "trumpet": {56, 59}, "saxophone": set(range(64, 68)), "flute": set(range(72, 76)), "clarinet": {71},
    "choir": {52, 53, 54}, "synth lead": set(range(80, 88)), "synth pad": set(range(88, 96)),
    "synth": set(range(80, 96)) | {38, 39, 50, 51, 62, 63}, "marimba": {11, 12, 13},
}

# Instrument pieces: label, GM program for each of the 3 pieces, centre note of the melody,
# monophonic (accompaniment = a lower arpeggio line instead of block chords), extra positives, excludes.
INSTRUMENTS = [
    ("piano", [0, 0, 1], 67, False, [], ["classical"]),
    ("organ", [16, 19, 17], 67, False, [], ["classical"]),
    ("acoustic guitar", [24, 25, 25], 62, False, ["guitar"], ["country"]),
    ("electric guitar", [30, 29, 30], 60, False, ["guitar"], ["rock"]),
    ("violin", [40, 40, 40], 74, True, [], ["strings", "classical", "orchestral"]),
    ("strings", [48, 49, 48], 67, False, [], ["violin", "cello", "classical", "orchestral"]),
    ("cello", [42, 42, 42], 55, True, [], ["strings", "classical", "orchestral"]),
    ("trumpet", [56, 56, 56], 70, True, [], ["jazz"]),
    ("saxophone", [65, 66, 65], 65, True, [], ["jazz"]),
    ("flute", [73, 73, 73], 79, True, [], ["classical"]),
    ("clarinet", [71, 71, 71], 67, True, [], ["classical"]),
    ("accordion", [21, 21, 23], 67, False, [], []),
    ("harmonica", [22, 22, 22], 67, True, [], ["blues", "country"]),
    ("choir", [52, 52, 53], 67, False, [], ["classical"]),
    ("synth lead", [80, 81, 80], 72, True, ["synth"], ["electronic", "techno", "dance", "trance"]),
    ("synth pad", [89, 88, 90], 67, False, ["synth"], ["electronic", "techno", "trance"]),
    ("marimba", [12, 12, 12], 72, False, [], []),
    ("drums", [None, None, None], 0, False, [], ["rock"]),
]
INSTRUMENT_BPM = [72, 104, 144]  # rotated per instrument so tempo and melody template are independent

# Styles from Debian's mma library (/usr/share/mma/lib/stdlib): label, grooves and tempos of the 3
# songs, beats per bar, progression family, extra positives, excludes.
STYLES = [
    ("swing", ["Swing", "SwingWalk", "Swing1"], [120, 150, 180], 4, "jazz", ["jazz"], []),
    ("bossa nova", ["BossaNova", "BossaNovaSus", "BossaNova1Sus"], [120, 132, 144], 4, "jazz", [], ["jazz"]),
    ("waltz", ["Waltz", "Waltz1", "WaltzWalk"], [96, 120, 150], 3, "waltz", [], ["classical"]),
    ("polka", ["Polka", "Polka1", "PolkaArp"], [112, 124, 136], 4, "pop", [], []),
    ("rock", ["BasicRock", "BasicRock4", "60sRock"], [100, 120, 140], 4, "pop", [], []),
    ("tango", ["Tango", "Tango1", "TangoClean"], [112, 120, 128], 4, "minor", [], []),
    ("country", ["CountrySwing", "SlowCountry", "BlueGrass"], [140, 84, 150], 4, "pop", [], ["swing"]),
    ("trance", ["Trance", "Trance1", "Trance2"], [132, 138, 144], 4, "minor", ["electronic", "dance"], ["techno"]),
    ("blues", ["Blues", "Blues1", "BluesTriple"], [72, 88, 104], 4, "blues", [], ["jazz", "rock"]),
    ("march", ["March", "March1", "March2"], [108, 116, 124], 4, "march", [], []),
    ("funk", ["BVFunk", "BVFunkHorns", "BVFunkSus"], [96, 104, 112], 4, "blues", [], ["dance", "rock", "jazz"]),
]
# Ensemble pieces written here: orchestral (strings + winds + horn + bass + timpani), lullaby (3/4,
# music box / celesta melody over harp or soft strings, soft).
ENSEMBLES = [
    ("orchestral", [66, 88, 110], ["classical"], []),
    ("lullaby", [60, 66, 72], [], ["classical"]),
]
KEYS = [0, 2, -3, 5, -2, 3, -5, 4, 1]

PROGRESSIONS = {  # chords per bar in C (mma names); the pieces are transposed
    "pop": [["C", "Am", "F", "G"], ["C", "G", "Am", "F"], ["F", "G", "Em", "Am", "Dm", "G", "C", "C"]],
    "jazz": [["Dm7", "G7", "Cmaj7", "A7"], ["Cmaj7", "Am7", "Dm7", "G7"], ["Em7", "A7", "Dm7", "G7", "Cmaj7", "C6", "Dm7", "G7"]],
    "blues": [["C7", "F7", "C7", "C7", "F7", "F7", "C7", "C7", "G7", "F7", "C7", "G7"]] * 3,
    "minor": [["Am", "Dm", "E7", "Am"], ["Am", "F", "Dm", "E7"], ["Dm", "Am", "E7", "Am", "F", "Dm", "E7", "Am"]],
    "waltz": [["C", "G7", "G7", "C"], ["C", "F", "G7", "C"], ["F", "C", "D7", "G7"]],
    "march": [["C", "C", "G7", "G7", "G7", "G7", "C", "C"], ["C", "F", "C", "G7"], ["F", "C", "D7", "G7"]],
}
NOTE = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}


def chord_tones(name):
    """Pitch classes of a chord name such as Am, G7, Cmaj7, C6, Dm7."""
    root = NOTE[name[0]]
    q = name[1:]
    if q.startswith("m") and not q.startswith("maj"):
        tones = [0, 3, 7] + ([10] if q == "m7" else [])
    else:
        tones = [0, 4, 7] + ([10] if q == "7" else [11] if q == "maj7" else [9] if q == "6" else [])
    return [(root + t) % 12 for t in tones]


# ---------------------------------------------------------------- a small Standard MIDI File writer/reader
def vlq(n):
    out = [n & 0x7F]
    n >>= 7
    while n:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    return bytes(reversed(out))


def write_midi(path, events, bpm, tpb=480, beats_per_bar=4):
    """events: (beat, bytes) channel messages; one track, format 0."""
    tempo = int(round(60e6 / bpm))
    head = [(0, b"\xff\x51\x03" + tempo.to_bytes(3, "big")),
            (0, b"\xff\x58\x04" + bytes([beats_per_bar, 2, 24, 8]))]
    evs = head + sorted(((int(round(b * tpb)), m) for b, m in events), key=lambda e: (e[0], e[1][0] & 0xF0 == 0x90))
    data, last = bytearray(), 0
    for t, m in evs:
        data += vlq(t - last) + m
        last = t
    data += vlq(0) + b"\xff\x2f\x00"
    with open(path, "wb") as f:
        f.write(b"MThd" + struct.pack(">IHHH", 6, 0, 1, tpb) + b"MTrk" + struct.pack(">I", len(data)) + bytes(data))


def read_vlq(raw, p):
    """A MIDI variable-length quantity at raw[p:] -> (value, position after it)."""
    v = 0
    while True:
        c = raw[p]
        p += 1
        v = (v << 7) | (c & 0x7F)
        if not c & 0x80:
            return v, p


def read_midi(path):
    """All channel messages of a format 0/1 file as (seconds, bytes), tempo map applied."""
    raw = open(path, "rb").read()
    assert raw[:4] == b"MThd", path
    _, fmt, ntrk, div = struct.unpack(">IHHH", raw[4:14])
    assert not div & 0x8000, f"{path}: SMPTE time division not supported"
    pos, evs = 14, []  # (tick, order, bytes or ('tempo', us))
    for _ in range(ntrk):
        assert raw[pos:pos + 4] == b"MTrk", path
        ln = struct.unpack(">I", raw[pos + 4:pos + 8])[0]
        p, end, tick, status = pos + 8, pos + 8 + ln, 0, 0
        while p < end:
            d, p = read_vlq(raw, p)
            tick += d
            b = raw[p]
            if b == 0xFF:
                typ = raw[p + 1]
                ln2, p = read_vlq(raw, p + 2)
                if typ == 0x51:
                    evs.append((tick, len(evs), ("tempo", int.from_bytes(raw[p:p + 3], "big"))))
                p += ln2
                continue
            if b in (0xF0, 0xF7):
                ln2, p = read_vlq(raw, p + 1)
                p += ln2
                continue
            if b & 0x80:
                status, p = b, p + 1
            n = 1 if status & 0xF0 in (0xC0, 0xD0) else 2
            evs.append((tick, len(evs), bytes([status]) + raw[p:p + n]))
            p += n
        pos = end
    evs.sort(key=lambda e: (e[0], e[1]))
    out, us_per_beat, last_tick, t_s = [], 500000, 0, 0.0
    for tick, _, m in evs:
        t_s += (tick - last_tick) * us_per_beat / 1e6 / div
        last_tick = tick
        if isinstance(m, tuple):
            us_per_beat = m[1]
        else:
            out.append((t_s, m))
    return out


def programs_used(msgs):
    """{'programs': sorted GM programs that play notes (melodic channels), 'drum_notes_per_s'}."""
    prog = [0] * 16
    used, drum_notes = set(), 0
    for t, m in msgs:
        if t >= CLIP_S:
            break
        kind, ch = m[0] & 0xF0, m[0] & 0x0F
        if kind == 0xC0:
            prog[ch] = m[1]
        elif kind == 0x90 and m[2] > 0:
            if ch == 9:
                drum_notes += 1
            else:
                used.add(prog[ch])
    return {"programs": sorted(used), "drum_notes_per_s": drum_notes / CLIP_S}


# ---------------------------------------------------------------- piece generators
def melody_events(rng, chords, tones_fn, beats_per_bar, centre, ch, vel, key, scale_minor=False):
    """A stepwise melody that lands on chord tones on strong beats."""
    scale = [0, 2, 3, 5, 7, 8, 10] if scale_minor else [0, 2, 4, 5, 7, 9, 11]
    pitches = [p for p in range(centre - 9, centre + 10) if (p - key) % 12 in scale]
    rhythms4 = [[1, 1, 1, 1], [0.5, 0.5, 1, 1, 1], [1.5, 0.5, 1, 1], [2, 1, 1], [1, 0.5, 0.5, 2], [1, 1, 2]]
    rhythms3 = [[1, 1, 1], [2, 1], [1.5, 0.5, 1], [3], [1, 0.5, 0.5, 1]]
    ev, idx = [], len(pitches) // 2
    for bar, ch_name in enumerate(chords):
        tones = [(t + key) % 12 for t in tones_fn(ch_name)]
        beat = 0.0
        for dur in rng.choice(rhythms3 if beats_per_bar == 3 else rhythms4):
            idx = max(0, min(len(pitches) - 1, idx + rng.choice([-2, -1, -1, 0, 1, 1, 2])))
            if beat == 0 or dur >= 2:  # strong beat or long note: nearest chord tone
                cands = [i for i, p in enumerate(pitches) if p % 12 in tones]
                idx = min(cands, key=lambda i: (abs(i - idx), rng.random()))
            t = bar * beats_per_bar + beat
            p = pitches[idx]
            v = max(1, min(127, vel + rng.randint(-8, 8)))
            ev += [(t, bytes([0x90 | ch, p, v])), (t + dur * 0.92, bytes([0x80 | ch, p, 0]))]
            beat += dur
    return ev


def accomp_events(rng, chords, tones_fn, beats_per_bar, centre, ch, vel, key, pattern):
    """'block' (held chords), 'half' (two chords per bar), 'arp' (broken chord in eighths), 'bass-arp'
    (quarter-note broken chord, for monophonic instruments)."""
    ev = []
    for bar, ch_name in enumerate(chords):
        tones = [(t + key) % 12 for t in tones_fn(ch_name)]
        voicing = sorted(min((p for p in range(centre - 18, centre) if p % 12 == pc), key=lambda p: abs(p - (centre - 9)))
                         for pc in tones[:4])
        t0 = bar * beats_per_bar
        if pattern == "block":
            for p in voicing:
                ev += [(t0, bytes([0x90 | ch, p, vel])), (t0 + beats_per_bar * 0.97, bytes([0x80 | ch, p, 0]))]
        elif pattern == "half":
            for start in range(0, beats_per_bar, 2 if beats_per_bar == 4 else 3):
                d = min(2, beats_per_bar - start)
                for p in voicing:
                    ev += [(t0 + start, bytes([0x90 | ch, p, vel])), (t0 + start + d * 0.95, bytes([0x80 | ch, p, 0]))]
        else:
            step = 0.5 if pattern == "arp" else 1.0
            seq = voicing + voicing[1:-1][::-1]
            for i in range(int(beats_per_bar / step)):
                p = seq[i % len(seq)]
                ev += [(t0 + i * step, bytes([0x90 | ch, p, vel])), (t0 + (i + 0.95) * step, bytes([0x80 | ch, p, 0]))]
    return ev


def n_bars(bpm, beats_per_bar, prog_len):
    bars = math.ceil(PIECE_S / (beats_per_bar * 60.0 / bpm))
    return int(math.ceil(bars / prog_len) * prog_len)


def drum_events(rng, bars, variant):
    ev = []
    hit = lambda t, n, v: ev.extend([(t, bytes([0x99, n, v])), (t + 0.1, bytes([0x89, n, 0]))])
    for bar in range(bars):
        t0 = bar * 4
        if bar % 8 == 0:
            hit(t0, 49, 100)
        fill = bar % 4 == 3
        for i in range(8):
            t = t0 + i * 0.5
            if fill and i >= 4:
                hit(t, [50, 48, 45, 41][i - 4], 100)
                continue
            if variant == 0:  # rock beat
                if i in (0, 4) or (i == 5 and bar % 2):
                    hit(t, 36, 110)
                if i in (2, 6):
                    hit(t, 38, 105)
                hit(t, 42, 70 + 15 * (i % 2 == 0))
            elif variant == 1:  # shuffle on the ride
                if i in (0, 3, 4):
                    hit(t, 36, 105)
                if i in (2, 6):
                    hit(t, 38, 100)
                hit(t + (0.17 if i % 2 else 0), 51, 75)
            else:  # half-time with open hi-hat
                if i in (0, 3):
                    hit(t, 36, 110)
                if i == 4:
                    hit(t, 38, 110)
                hit(t, 46 if i == 7 else 42, 80)
    return ev


def make_instrument_pieces(midi_dir):
    pieces = []
    for ii, (label, progs, centre, mono, extra, excl) in enumerate(INSTRUMENTS):
        for k in range(3):
            rng = random.Random(f"{label}/{k}")
            bpm = INSTRUMENT_BPM[(k + ii) % 3]
            key = KEYS[(ii + k * 4) % len(KEYS)]
            family = ["pop", "jazz", "minor"][k]
            prog = PROGRESSIONS[family][(ii + k) % 3]
            bars = n_bars(bpm, 4, len(prog))
            chords = (prog * bars)[:bars]
            name = f"inst-{label.replace(' ', '_')}-{k + 1}"
            path = os.path.join(midi_dir, name + ".mid")
            if progs[k] is None:
                ev = drum_events(rng, bars, k)
            else:
                pc = bytes([0xC0, progs[k]]), bytes([0xC1, progs[k]])
                ev = [(0, pc[0]), (0, pc[1])]
                ev += melody_events(rng, chords, chord_tones, 4, centre, 0, 92, key, scale_minor=family == "minor")
                pattern = "bass-arp" if mono else ["block", "arp", "half"][(ii + k) % 3]
                ev += accomp_events(rng, chords, chord_tones, 4, centre, 1, 62 if mono else 66, key, pattern)
            write_midi(path, ev, bpm)
            pieces.append({"name": name, "midi": path, "kind": "instrument", "instrument": label, "style": None,
                           "bpm": bpm, "beats_per_bar": 4, "labels": [label] + extra, "exclude": list(excl),
                           "source": f"generated by tools/eval/zeroshot/make_set.py (GM program {progs[k]}, key {key:+d}, "
                                     f"chords {' '.join(prog)})" if progs[k] is not None else
                                     f"generated by tools/eval/zeroshot/make_set.py (GM drum kit, pattern {k})"})
    return pieces


def make_ensemble_pieces(midi_dir):
    pieces = []
    for ei, (label, bpms, extra, excl) in enumerate(ENSEMBLES):
        for k in range(3):
            rng = random.Random(f"{label}/{k}")
            bpm = bpms[k]
            key = KEYS[(ei * 3 + k) % len(KEYS)]
            if label == "orchestral":
                bpb, prog = 4, PROGRESSIONS[["pop", "minor", "pop"][k]][(k + 1) % 3]
                bars = n_bars(bpm, bpb, len(prog))
                chords = (prog * bars)[:bars]
                lead = [73, 68, 40][k]
                ev = [(0, bytes([0xC0, lead])), (0, bytes([0xC1, 48])), (0, bytes([0xC2, 60])), (0, bytes([0xC3, 43])),
                      (0, bytes([0xC4, 47])), (0, bytes([0xC5, 71]))]
                ev += melody_events(rng, chords, chord_tones, bpb, 76, 0, 90, key, scale_minor=k == 1)
                ev += accomp_events(rng, chords, chord_tones, bpb, 70, 1, 70, key, "half")
                ev += accomp_events(rng, chords, chord_tones, bpb, 62, 2, 60, key, "block")
                ev += accomp_events(rng, chords, chord_tones, bpb, 46, 5, 55, key, "bass-arp")
                for bar, c in enumerate(chords):  # bass roots and timpani on the downbeats
                    root = 36 + (NOTE[c[0]] + key) % 12
                    ev += [(bar * bpb, bytes([0x93, root, 80])), (bar * bpb + bpb * 0.95, bytes([0x83, root, 0]))]
                    if bar % 2 == 0:
                        ev += [(bar * bpb, bytes([0x94, root + 12 if root < 41 else root, 95])),
                               (bar * bpb + 1, bytes([0x84, root + 12 if root < 41 else root, 0]))]
                desc = f"flute/oboe/violin lead {lead}, strings 48, horn 60, clarinet 71, contrabass 43, timpani 47"
            else:
                bpb, prog = 3, PROGRESSIONS["waltz"][k]
                bars = n_bars(bpm, bpb, len(prog))
                chords = (prog * bars)[:bars]
                lead, acc = [(10, 46), (8, 48), (10, 0)][k]
                ev = [(0, bytes([0xC0, lead])), (0, bytes([0xC1, acc]))]
                ev += melody_events(rng, chords, chord_tones, bpb, 79, 0, 62, key)
                ev += accomp_events(rng, chords, chord_tones, bpb, 67, 1, 40, key, "bass-arp" if acc != 48 else "block")
                desc = f"3/4, melody GM {lead} (music box/celesta), accompaniment GM {acc}, soft"
            name = f"ens-{label}-{k + 1}"
            path = os.path.join(midi_dir, name + ".mid")
            write_midi(path, ev, bpm, beats_per_bar=bpb)
            pieces.append({"name": name, "midi": path, "kind": "ensemble", "instrument": "ensemble", "style": label,
                           "bpm": bpm, "beats_per_bar": bpb, "labels": [label] + extra, "exclude": list(excl),
                           "source": f"generated by tools/eval/zeroshot/make_set.py ({desc}, key {key:+d}, chords {' '.join(prog)})"})
    return pieces


def make_style_pieces(mma_dir, midi_dir):
    pieces = []
    for si, (label, grooves, bpms, bpb, fam, extra, excl) in enumerate(STYLES):
        for k in range(3):
            prog = PROGRESSIONS[fam][k]
            bpm, key = bpms[k], KEYS[(si + 2 * k) % len(KEYS)]
            bars = n_bars(bpm, bpb, len(prog))
            chords = (prog * bars)[:bars]
            name = f"style-{label.replace(' ', '_')}-{k + 1}"
            mma = os.path.join(mma_dir, name + ".mma")
            # mma randomises timing, velocities and skipped hits: RndSeed makes its MIDI reproducible.
            text = (f"// {label}, song {k + 1}: written by tools/eval/zeroshot/make_set.py\n"
                    f"RndSeed {100 * si + k + 1}\nTempo {bpm}\nGroove {grooves[k]}\nTranspose {key}\n"
                    + "".join(f"{i + 1} {c}\n" for i, c in enumerate(chords)))
            if not os.path.exists(mma) or open(mma).read() != text:  # keep the mtime: mma reruns only on a change
                with open(mma, "w") as f:
                    f.write(text)
            mid = os.path.join(midi_dir, name + ".mid")
            if not os.path.exists(mid) or os.path.getmtime(mid) < os.path.getmtime(mma):
                r = subprocess.run(["mma", "-f", mid, mma], capture_output=True, text=True)
                if r.returncode != 0 or not os.path.exists(mid):
                    sys.exit(f"mma failed on {mma}:\n{r.stdout}\n{r.stderr}")
            pieces.append({"name": name, "midi": mid, "kind": "style", "instrument": "mma band", "style": label,
                           "bpm": bpm, "beats_per_bar": bpb, "labels": [label] + extra, "exclude": list(excl),
                           "source": f"mma 21.09 groove {grooves[k]} (Debian package mma), chords {' '.join(prog)}, "
                                     f"transpose {key:+d}"})
    return pieces


# ---------------------------------------------------------------- labels
def finalise_labels(p, used):
    """Positives, excludes: instrument presence from the MIDI itself, tempo classes from the BPM."""
    pos, excl = set(p["labels"]), set(p["exclude"])
    if p["kind"] != "instrument":  # mixed clips: an instrument that plays is neither a clear yes nor a no
        for lab, fam in FAMILIES.items():
            if fam & set(used["programs"]) and lab not in pos:
                excl.add(lab)
    if used["drum_notes_per_s"] >= 1.0:
        pos.add("drums")
    elif used["drum_notes_per_s"] > 0:
        excl.add("drums")
    bpm = p["bpm"]
    if bpm <= 80:
        pos.add("slow")
    elif bpm < 100:
        excl.add("slow")
    if bpm >= 140:
        pos.add("fast")
    elif bpm > 120:
        excl.add("fast")
    return sorted(pos), sorted(excl - pos)


# ---------------------------------------------------------------- rendering
def render_soundfont(pieces, sf_name, sf_path, work_dir, clip_dir):
    outs = [os.path.join(clip_dir, f"{p['name']}.{sf_name}.opus") for p in pieces]
    if all(os.path.exists(o) for o in outs):
        return 0.0
    t0 = time.time()
    tpb, us = 960, 500000  # fixed 120 BPM: one tick = 1/1920 s
    to_tick = lambda s: int(round(s * 1e6 / us * tpb))
    evs = []
    for i, p in enumerate(pieces):
        base = i * SLOT_S
        for ch in range(16):  # a clean state for every piece
            evs += [(base, bytes([0xB0 | ch, 121, 0])), (base, bytes([0xB0 | ch, 0, 0])), (base, bytes([0xB0 | ch, 32, 0])),
                    (base, bytes([0xB0 | ch, 7, 100])), (base, bytes([0xB0 | ch, 10, 64])), (base, bytes([0xB0 | ch, 91, 40])),
                    (base, bytes([0xB0 | ch, 93, 0])), (base, bytes([0xE0 | ch, 0, 64])), (base, bytes([0xC0 | ch, 0]))]
        for t, m in read_midi(p["midi"]):
            if t < CLIP_S + 0.3:
                evs.append((base + 0.001 + t, m))
        for ch in range(16):
            evs += [(base + CLIP_S + 0.4, bytes([0xB0 | ch, 64, 0])), (base + CLIP_S + 0.4, bytes([0xB0 | ch, 123, 0]))]
    evs.append((len(pieces) * SLOT_S, bytes([0xB0, 123, 0])))
    evs.sort(key=lambda e: e[0])
    data, last = bytearray(vlq(0) + b"\xff\x51\x03" + us.to_bytes(3, "big")), 0
    for t, m in evs:
        tick = to_tick(t)
        data += vlq(tick - last) + m
        last = tick
    data += vlq(0) + b"\xff\x2f\x00"
    long_mid = os.path.join(work_dir, f"all.{sf_name}.mid")
    with open(long_mid, "wb") as f:
        f.write(b"MThd" + struct.pack(">IHHH", 6, 0, 1, tpb) + b"MTrk" + struct.pack(">I", len(data)) + bytes(data))
    wav = os.path.join(work_dir, f"all.{sf_name}.wav")
    print(f"  fluidsynth {sf_name}: {len(pieces)} pieces, {len(pieces) * SLOT_S / 60:.1f} min of audio", flush=True)
    subprocess.run(["nice", "-n", "10", "fluidsynth", "-ni", "-q", "-r", "44100", "-g", "0.5", "-F", wav, sf_path, long_mid],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for i, (p, out) in enumerate(zip(pieces, outs)):
        start = i * SLOT_S
        r = subprocess.run(["ffmpeg", "-hide_banner", "-nostats", "-ss", f"{start:.3f}", "-t", f"{CLIP_S:.3f}", "-i", wav,
                            "-af", "volumedetect", "-f", "null", "-"], capture_output=True, text=True, check=True)
        peak = [float(l.split("max_volume:")[1].split()[0]) for l in r.stderr.splitlines() if "max_volume:" in l][0]
        gain = -1.0 - peak
        tmp = out + ".tmp.opus"
        subprocess.run(["nice", "-n", "10", "ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-ss", f"{start:.3f}", "-t",
                        f"{CLIP_S:.3f}", "-i", wav, "-af",
                        f"volume={gain:.2f}dB,afade=t=in:d=0.01,afade=t=out:st={CLIP_S - 0.5:.2f}:d=0.5",
                        "-c:a", "libopus", "-b:a", "96k", "-metadata", f"title={p['name']} ({sf_name})", tmp], check=True)
        os.replace(tmp, out)
        p.setdefault("gain_db", {})[sf_name] = round(gain, 2)
    os.remove(wav)  # ~0.35 GB per soundfont; the clips are what we keep
    return time.time() - t0


def model_vocabulary():
    vocab = {}
    for key, d in (("msd", "msd-musicnn-1"), ("mtt", "mtt-musicnn-1")):
        with open(os.path.join(ROOT, "models", d, "manifest.json")) as f:
            vocab[key] = json.load(f)["labels"]
    return vocab


def main():
    out = os.path.abspath(sys.argv[1])
    midi_dir, mma_dir, clip_dir, work_dir = (os.path.join(out, d) for d in ("midi", "mma", "clips", "work"))
    for d in (midi_dir, mma_dir, clip_dir, work_dir):
        os.makedirs(d, exist_ok=True)
    t0 = time.time()
    pieces = make_instrument_pieces(midi_dir) + make_ensemble_pieces(midi_dir) + make_style_pieces(mma_dir, midi_dir)
    print(f"pieces: {len(pieces)} ({time.time() - t0:.1f} s)", flush=True)
    for p in pieces:
        used = programs_used(read_midi(p["midi"]))
        p["programs"], p["drum_notes_per_s"] = used["programs"], round(used["drum_notes_per_s"], 2)
        p["labels"], p["exclude"] = finalise_labels(p, used)
    render_s = {}
    for sf_name, sf_path, _, _ in SOUNDFONTS:
        render_s[sf_name] = round(render_soundfont(pieces, sf_name, sf_path, work_dir, clip_dir), 1)
        print(f"  {sf_name}: {render_s[sf_name]} s", flush=True)

    old = os.path.join(out, "labels.json")  # a re-run with cached clips keeps the gains measured when they were made
    if os.path.exists(old):
        for e in json.load(open(old)):
            for p in pieces:
                if p["name"] == e["piece"] and e.get("gain_db") is not None:
                    p.setdefault("gain_db", {}).setdefault(e["soundfont"], e["gain_db"])
    vocab = model_vocabulary()
    lower = {k: {t.lower(): t for t in v} for k, v in vocab.items()}
    entries = []
    for p in pieces:
        for sf_name, _, _, _ in SOUNDFONTS:
            entries.append({"file": f"clips/{p['name']}.{sf_name}.opus", "soundfont": sf_name, "piece": p["name"],
                            "labels": p["labels"], "exclude": p["exclude"], "instrument": p["instrument"],
                            "style": p["style"], "bpm": p["bpm"], "beats_per_bar": p["beats_per_bar"],
                            "duration_s": CLIP_S, "gm_programs": p["programs"], "drum_notes_per_s": p["drum_notes_per_s"],
                            "gain_db": p.get("gain_db", {}).get(sf_name), "source": p["source"]})
    labels = sorted({l for e in entries for l in e["labels"]})
    vocabulary = {}
    for lab in labels:
        match = {k: lower[k][lab.lower()] for k in ("msd", "mtt") if lab.lower() in lower[k]}
        pos = sum(lab in e["labels"] for e in entries)
        exc = sum(lab in e["exclude"] for e in entries)
        kind = ("instrument" if lab in FAMILIES or lab == "drums" else "tempo" if lab in ("fast", "slow") else "style/genre/mood")
        vocabulary[lab] = {"in_vocabulary": bool(match), "model_tags": match, "kind": kind, "positives": pos,
                           "excluded": exc, "negatives": len(entries) - pos - exc}
    with open(os.path.join(out, "labels.json"), "w") as f:
        json.dump(entries, f, indent=1)
    with open(os.path.join(out, "vocabulary.json"), "w") as f:
        json.dump({"soundfonts": [{"name": n, "file": s, "debian_package": pk, "license": li} for n, s, pk, li in SOUNDFONTS],
                   "clip_s": CLIP_S, "n_clips": len(entries), "render_s": render_s, "labels": vocabulary}, f, indent=1)
    print(f"clips: {len(entries)}; labels: {len(labels)} "
          f"({sum(v['in_vocabulary'] for v in vocabulary.values())} in the models' vocabularies)")
    for lab, v in vocabulary.items():
        print(f"  {lab:16s} {'in ' if v['in_vocabulary'] else 'OUT'}  +{v['positives']:3d}  excl {v['excluded']:3d}  -{v['negatives']}")


if __name__ == "__main__":
    main()
