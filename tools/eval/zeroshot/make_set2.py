#!/usr/bin/python3
"""Second zero-shot evaluation set (issue 15, item 6): material the defaults are NOT tuned on.

  make_set2.py OUT_DIR            (make_set2.sh installs the Debian packages and runs this)

Three parts, none written by us (README.md, "Set 2", has the sources and licenses):
  openmsx   the 33 General MIDI songs of Debian's `openttd-openmsx` (multi-instrument arrangements by
            several authors), two 20 s windows per song, rendered with two synthesizers and soundfonts
            set 1 does not use: fluidsynth + csound's sf_GMbank.sf2 and timidity + freepats.
            Labels from the MIDI programs that sound in the window (instrument families below).
  fof       Frets on Fire songs (`fretsonfire-songs-muldjord`, `-sectoid`): real multitrack stems,
            guitar.ogg (the lead guitar alone) and song.ogg (the band without it), and both mixed.
  sonicpi   real recordings from `sonic-pi-samples` whose instrument the file name says (drum loops,
            tabla, guitar, piano, choir), looped to the clip length.
Writes OUT_DIR/clips/*.opus, labels.json, vocabulary.json in the format of make_set.py, so that
analyze_set.py, sanity.py and run.mjs read it as they read set 1.
"""
import glob
import json
import os
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from make_set import CLIP_S, SLOT_S, model_vocabulary, read_midi, vlq  # noqa: E402

OPENMSX_DIR = "/usr/share/games/openttd/baseset/openmsx"
FOF_DIR = "/usr/share/games/fretsonfire/data/songs"
SONICPI_DIR = "/usr/share/sonic-pi/samples"
FREEPATS_CFG = "/etc/timidity/freepats.cfg"
RENDERERS = [  # (short name, synthesizer, soundfont or config, Debian package, license)
    ("CsoundGM", "fluidsynth", "/usr/share/sounds/sf2/sf_GMbank.sf2", "csound-soundfont", "public domain"),
    ("Freepats", "timidity", FREEPATS_CFG, "freepats + timidity", "GPL-2+ (freepats)"),
]

# Instrument families from GM programs (0-based). A family is positive in a window when it plays at
# least POSITIVE_SHARE of the window's melodic notes or of its sounding note-seconds, excluded when it
# plays less than that but something, negative when it does not play.
FAMILIES = {
    "piano": set(range(0, 6)), "organ": set(range(16, 21)), "guitar": set(range(24, 32)),
    "bass": set(range(32, 40)), "strings": set(range(40, 46)) | set(range(48, 52)), "choir": {52, 53, 54},
    "brass": set(range(56, 64)), "saxophone": set(range(64, 68)), "flute": set(range(72, 80)),
    "synthesizer": set(range(80, 96)),
}
POSITIVE_SHARE = 0.15
LABELS = sorted(list(FAMILIES) + ["drums"])

# Sonic Pi samples whose instrument is certain from the file name and the sound; all others are left out.
SONICPI = {
    "loop_amen": ["drums"], "loop_amen_full": ["drums"], "loop_breakbeat": ["drums"], "loop_tabla": ["drums"],
    "loop_safari": ["drums"], "guit_e_fifths": ["guitar"], "guit_e_slide": ["guitar"], "guit_em9": ["guitar"],
    "guit_harmonics": ["guitar"], "ambi_piano": ["piano"], "ambi_choir": ["choir"],
}


def freepats_programs():
    """The bank-0 programs freepats has a patch for (timidity leaves the others silent)."""
    have, bank0 = set(), False
    for line in open(FREEPATS_CFG):
        w = line.split()
        if not w:
            continue
        if w[0] in ("bank", "drumset"):
            bank0 = w[0] == "bank" and w[1] == "0"
        elif bank0 and w[0].isdigit():
            have.add(int(w[0]))
    return have


def family_of(program):
    for fam, progs in FAMILIES.items():
        if program in progs:
            return fam
    return None


def window_labels(msgs, start, missing=frozenset()):
    """Labels of the window [start, start + CLIP_S) of a song: (labels, exclude, programs, drum notes/s)."""
    prog, on = [0] * 16, {}
    notes, secs, drum_notes, silent = {}, {}, 0, set()
    end = start + CLIP_S
    for t, m in msgs:
        kind, ch = m[0] & 0xF0, m[0] & 0x0F
        if kind == 0xC0:
            prog[ch] = m[1]
        elif kind == 0x90 and m[2] > 0:
            on[(ch, m[1])] = (t, prog[ch])
            if start <= t < end:
                if ch == 9:
                    drum_notes += 1
                elif prog[ch] in missing:
                    silent.add(prog[ch])
                else:
                    notes[prog[ch]] = notes.get(prog[ch], 0) + 1
        elif kind == 0x80 or (kind == 0x90 and m[2] == 0):
            t0, p = on.pop((ch, m[1]), (None, None))
            if t0 is not None and ch != 9 and p not in missing:
                overlap = min(t, end) - max(t0, start)
                if overlap > 0:
                    secs[p] = secs.get(p, 0.0) + overlap
    n_all, s_all = sum(notes.values()) or 1, sum(secs.values()) or 1.0
    labels, exclude = [], []
    for fam, progs in FAMILIES.items():
        n = sum(v for p, v in notes.items() if p in progs)
        s = sum(v for p, v in secs.items() if p in progs)
        if n / n_all >= POSITIVE_SHARE or s / s_all >= POSITIVE_SHARE:
            labels.append(fam)
        elif n > 0 or s > 0 or any(p in progs for p in silent):
            exclude.append(fam)
    dps = drum_notes / CLIP_S
    if dps >= 1.0:
        labels.append("drums")
    elif drum_notes > 0:
        exclude.append("drums")
    return labels, exclude, sorted(notes), round(dps, 2)


def song_length(msgs):
    return max((t for t, m in msgs if m[0] & 0xF0 == 0x90 and m[2] > 0), default=0.0)


def openmsx_windows():
    """Two 20 s windows per song (at 15 % and 55 % of its length; one at 0 s for songs under 45 s)."""
    out = []
    for path in sorted(glob.glob(os.path.join(OPENMSX_DIR, "*.mid"))):
        msgs = read_midi(path)
        length = song_length(msgs)
        starts = [0.0] if length < 45 else [round(0.15 * length, 1), round(0.55 * length, 1)]
        name = os.path.basename(path)[:-4]
        for k, s in enumerate(starts):
            out.append({"name": f"openmsx-{name}-{k}", "midi": path, "start_s": s, "msgs": msgs})
    return out


def window_events(msgs, start):
    """The window's messages from 0 s: the channel state before it (last program, controllers, bend)
    replayed at 0, then the notes and controls inside it."""
    state, evs = {}, []
    for t, m in msgs:
        kind = m[0] & 0xF0
        if t < start:
            if kind == 0xC0 or kind == 0xE0:
                state[(m[0], None)] = m
            elif kind == 0xB0 and m[1] not in (64, 120, 123):
                state[(m[0], m[1])] = m
        elif t < start + CLIP_S + 0.3:
            evs.append((0.002 + t - start, m))
    return [(0.001, m) for m in state.values()] + evs


def render(windows, name, synth, bank, work_dir, clip_dir):
    outs = [os.path.join(clip_dir, f"{w['name']}.{name}.opus") for w in windows]
    if all(os.path.exists(o) for o in outs):
        return 0.0
    t0 = time.time()
    tpb, us = 960, 500000
    to_tick = lambda s: int(round(s * 1e6 / us * tpb))
    evs = []
    for i, w in enumerate(windows):
        base = i * SLOT_S
        for ch in range(16):
            evs += [(base, bytes([0xB0 | ch, 121, 0])), (base, bytes([0xB0 | ch, 0, 0])), (base, bytes([0xB0 | ch, 32, 0])),
                    (base, bytes([0xB0 | ch, 7, 100])), (base, bytes([0xB0 | ch, 10, 64])), (base, bytes([0xE0 | ch, 0, 64])),
                    (base, bytes([0xC0 | ch, 0]))]
        evs += [(base + t, m) for t, m in window_events(w["msgs"], w["start_s"])]
        for ch in range(16):
            evs += [(base + CLIP_S + 0.4, bytes([0xB0 | ch, 64, 0])), (base + CLIP_S + 0.4, bytes([0xB0 | ch, 123, 0]))]
    evs.append((len(windows) * SLOT_S, bytes([0xB0, 123, 0])))
    evs.sort(key=lambda e: e[0])
    data, last = bytearray(vlq(0) + b"\xff\x51\x03" + us.to_bytes(3, "big")), 0
    for t, m in evs:
        tick = to_tick(t)
        data += vlq(tick - last) + m
        last = tick
    data += vlq(0) + b"\xff\x2f\x00"
    mid, wav = os.path.join(work_dir, f"all.{name}.mid"), os.path.join(work_dir, f"all.{name}.wav")
    with open(mid, "wb") as f:
        f.write(b"MThd" + struct.pack(">IHHH", 6, 0, 1, tpb) + b"MTrk" + struct.pack(">I", len(data)) + bytes(data))
    print(f"  {synth} {name}: {len(windows)} windows, {len(windows) * SLOT_S / 60:.1f} min of audio", flush=True)
    if synth == "fluidsynth":
        cmd = ["fluidsynth", "-ni", "-q", "-r", "44100", "-g", "0.5", "-F", wav, bank, mid]
    else:
        cmd = ["timidity", "-c", bank, "-Ow", "-s", "44100", "-o", wav, mid]
    if not (os.path.exists(wav) and os.path.getsize(wav) >= 0.99 * len(windows) * SLOT_S * 44100 * 4):  # kept after a failed cut
        subprocess.run(["nice", "-n", "10"] + cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for i, (w, out) in enumerate(zip(windows, outs)):
        encode(["-ss", f"{i * SLOT_S:.3f}", "-t", f"{CLIP_S:.3f}", "-i", wav], out, f"{w['name']} ({name})")
    os.remove(wav)
    return time.time() - t0


def peak_db(inputs, filt=None):
    af = (filt + "," if filt else "") + "volumedetect"
    r = subprocess.run(["ffmpeg", "-hide_banner", "-nostats"] + inputs + ["-t", f"{CLIP_S:.3f}", "-filter_complex", af, "-f", "null",
                        "-"], capture_output=True, text=True, check=True)
    return [float(l.split("max_volume:")[1].split()[0]) for l in r.stderr.splitlines() if "max_volume:" in l][0]


def encode(inputs, out, title, pre=None):
    """Peak-normalise to −1 dBFS, fade, Ogg/Opus 96 kb/s, CLIP_S long (as make_set.py)."""
    if os.path.exists(out):
        return
    gain = -1.0 - peak_db(inputs, pre)
    chain = (pre + "," if pre else "") + f"volume={gain:.2f}dB,afade=t=in:d=0.01,afade=t=out:st={CLIP_S - 0.5:.2f}:d=0.5"
    tmp = out + ".tmp.opus"
    subprocess.run(["nice", "-n", "10", "ffmpeg", "-hide_banner", "-loglevel", "error", "-y"] + inputs +
                   ["-filter_complex", chain, "-t", f"{CLIP_S:.3f}", "-ac", "2", "-ar", "48000",
                    "-c:a", "libopus", "-b:a", "96k", "-metadata", f"title={title}", tmp], check=True)
    os.replace(tmp, out)


def duration_s(path):
    r = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", path],
                       capture_output=True, text=True, check=True)
    return float(r.stdout.strip())


def fof_entries(clip_dir):
    """Two windows (25 % and 60 % of the song) of each Frets on Fire song: the guitar stem, the band
    stem and both mixed."""
    out = []
    for song in sorted(glob.glob(os.path.join(FOF_DIR, "*", "*", "guitar.ogg"))):
        d = os.path.dirname(song)
        band = os.path.join(d, "song.ogg")
        if not os.path.exists(band):
            continue
        pack, title = d.split(os.sep)[-2:]
        slug = title.lower().replace(" ", "_")
        length = min(duration_s(song), duration_s(band))
        for k, frac in enumerate((0.25, 0.6)):
            ss = f"{frac * length:.2f}"
            # Cut each stem to a WAV first: Opus encoded straight from a seek into Vorbis starts at a
            # negative timestamp, which the core's Ogg reader rejects ("invalid timestamp").
            cut = {}
            for stem, src in (("guitar", song), ("band", band)):
                cut[stem] = os.path.join(clip_dir, f".cut-{stem}.wav")
                subprocess.run(["ffmpeg", "-v", "error", "-y", "-ss", ss, "-i", src, "-t", f"{CLIP_S:.3f}", cut[stem]], check=True)
            for stem in ("guitar", "band", "mix"):
                name = f"fof-{pack}-{slug}-{k}-{stem}"
                out_f = os.path.join(clip_dir, f"{name}.opus")
                if stem == "mix":
                    encode(["-i", cut["guitar"], "-i", cut["band"]], out_f, name, pre="[0:a][1:a]amix=inputs=2:normalize=0")
                else:
                    encode(["-i", cut[stem]], out_f, name)
                # A stem is one instrument: the guitar stem is guitar and nothing else. The band stem has
                # drums; whether it has rhythm guitars, keys or more is not known, so every other label
                # is left out for it (and for the mix, except guitar and drums, which it has).
                if stem == "guitar":
                    labels, exclude = ["guitar"], []
                else:
                    labels = ["drums"] + (["guitar"] if stem == "mix" else [])
                    exclude = [l for l in LABELS if l not in labels]
                out.append({"file": f"clips/{name}.opus", "soundfont": "recording", "piece": f"fof-{pack}-{slug}",
                            "labels": labels, "exclude": exclude, "instrument": stem, "style": None, "bpm": None,
                            "beats_per_bar": None, "duration_s": CLIP_S, "gm_programs": [], "drum_notes_per_s": None,
                            "gain_db": None, "start_s": float(ss),
                            "source": f"{FOF_DIR}/{pack}/{title}/{'song.ogg' if stem == 'band' else 'guitar.ogg'}"
                                      + (" + song.ogg" if stem == "mix" else "")})
            for f in cut.values():
                os.remove(f)
    return out


def sonicpi_entries(clip_dir):
    out = []
    for name, labels in sorted(SONICPI.items()):
        src = os.path.join(SONICPI_DIR, f"{name}.flac")
        if not os.path.exists(src):
            continue
        clip = f"sonicpi-{name}"
        encode(["-stream_loop", "-1", "-i", src], os.path.join(clip_dir, f"{clip}.opus"), clip)
        out.append({"file": f"clips/{clip}.opus", "soundfont": "recording", "piece": clip, "labels": labels, "exclude": [],
                    "instrument": labels[0], "style": None, "bpm": None, "beats_per_bar": None, "duration_s": CLIP_S,
                    "gm_programs": [], "drum_notes_per_s": None, "gain_db": None, "source": src})
    return out


def main():
    out = os.path.abspath(sys.argv[1])
    clip_dir, work_dir = os.path.join(out, "clips"), os.path.join(out, "work")
    for d in (clip_dir, work_dir):
        os.makedirs(d, exist_ok=True)
    windows = openmsx_windows()
    missing = {"Freepats": frozenset(set(range(128)) - freepats_programs()), "CsoundGM": frozenset()}
    entries, render_s = [], {}
    for name, synth, bank, _, _ in RENDERERS:
        render_s[name] = round(render(windows, name, synth, bank, work_dir, clip_dir), 1)
        print(f"  {name}: {render_s[name]} s", flush=True)
        for w in windows:
            labels, exclude, progs, dps = window_labels(w["msgs"], w["start_s"], missing[name])
            entries.append({"file": f"clips/{w['name']}.{name}.opus", "soundfont": name, "piece": w["name"], "labels": labels,
                            "exclude": exclude, "instrument": None, "style": None, "bpm": None, "beats_per_bar": None,
                            "duration_s": CLIP_S, "gm_programs": progs, "drum_notes_per_s": dps, "gain_db": None,
                            "start_s": w["start_s"], "source": w["midi"]})
    t0 = time.time()
    entries += fof_entries(clip_dir)
    entries += sonicpi_entries(clip_dir)
    print(f"  recordings: {time.time() - t0:.1f} s", flush=True)
    vocab = model_vocabulary()
    lower = {k: {t.lower(): t for t in v} for k, v in vocab.items()}
    vocabulary = {}
    for lab in LABELS:
        match = {k: lower[k][lab] for k in ("msd", "mtt") if lab in lower[k]}
        pos = sum(lab in e["labels"] for e in entries)
        exc = sum(lab in e["exclude"] for e in entries)
        vocabulary[lab] = {"in_vocabulary": bool(match), "model_tags": match, "kind": "instrument", "positives": pos,
                           "excluded": exc, "negatives": len(entries) - pos - exc}
    with open(os.path.join(out, "labels.json"), "w") as f:
        json.dump(entries, f, indent=1)
    with open(os.path.join(out, "vocabulary.json"), "w") as f:
        json.dump({"renderers": [{"name": n, "synth": s, "bank": b, "debian_package": p, "license": li}
                                 for n, s, b, p, li in RENDERERS],
                   "clip_s": CLIP_S, "n_clips": len(entries), "render_s": render_s, "labels": vocabulary}, f, indent=1)
    print(f"clips: {len(entries)}; labels: {len(LABELS)}")
    for lab, v in vocabulary.items():
        print(f"  {lab:12s} {'in ' if v['in_vocabulary'] else 'OUT'}  +{v['positives']:3d}  excl {v['excluded']:3d}  -{v['negatives']}")


if __name__ == "__main__":
    main()
