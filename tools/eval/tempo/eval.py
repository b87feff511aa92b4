#!/usr/bin/python3
"""Tempo evaluation: cuefinder's TempoTracker vs `aubio tempo` on audio of known tempo.

Ground truth
  * openttd-openmsx MIDI files rendered with fluidsynth through two General MIDI soundfonts
    (FluidR3_GM, TimGM6mb): the tempo is the MIDI set_tempo value that lasts longest (the dominant
    tempo; most files have a single constant tempo, the table says when not). A file without any
    set_tempo event has the MIDI default of 120 BPM.
  * Frets on Fire songs (fretsonfire-songs-muldjord): the backing track song.ogg, the guitar stem
    guitar.ogg and their mix, with the tempo from notes.mid (all four songs have one constant tempo).
Metrics (as in Gouyon et al. 2006): Acc1 = within 4 % of the truth; Acc2 = within 4 % of the truth
times 1, 2, 1/2, 3 or 1/3.
Usage: eval.py CACHE_DIR TEMPO_EVAL_BINARY OUT_MARKDOWN
"""
import glob
import os
import subprocess
import sys
import time

import mido

SOUNDFONTS = [("FluidR3", "/usr/share/sounds/sf2/FluidR3_GM.sf2"), ("TimGM6mb", "/usr/share/sounds/sf2/TimGM6mb.sf2")]
OPENMSX = "/usr/share/games/openttd/baseset/openmsx"
PULSE_BEGIN, PULSE_END = "<!-- pulse_eval.py: begin -->", "<!-- pulse_eval.py: end -->"


def midi_tempo(path):
    """(dominant bpm, number of distinct tempi, share of time at the dominant tempo)."""
    m = mido.MidiFile(path)
    segments = []  # (bpm, seconds)
    bpm, t_s = 120.0, 0.0
    for msg in mido.merge_tracks(m.tracks):
        dt = mido.tick2second(msg.time, m.ticks_per_beat, mido.bpm2tempo(bpm))
        t_s += dt
        segments.append((bpm, dt))
        if msg.type == "set_tempo":
            bpm = mido.tempo2bpm(msg.tempo)
    total = {}
    for b, d in segments:
        total[round(b, 2)] = total.get(round(b, 2), 0.0) + d
    best = max(total, key=total.get)
    length = sum(total.values()) or 1.0
    return best, len([b for b in total if total[b] > 0.5]), total[best] / length


def accuracies(est, truth):
    if est <= 0:
        return False, False
    acc1 = abs(est - truth) <= 0.04 * truth
    acc2 = any(abs(est - truth * k) <= 0.04 * truth * k for k in (1, 2, 0.5, 3, 1 / 3))
    return acc1, acc2


def steady_items(cache):
    """(label, audio path, truth bpm, note) for the MIDI renders and the Frets on Fire songs (rendered when missing)."""
    wav_dir = os.path.join(cache, "wav")
    os.makedirs(wav_dir, exist_ok=True)
    items = []  # (label, audio path, truth bpm, note)
    for mid in sorted(glob.glob(os.path.join(OPENMSX, "*.mid"))):
        bpm, n_tempi, share = midi_tempo(mid)
        note = "" if n_tempi <= 1 else f"{n_tempi} tempi, dominant {share:.0%} of the time"
        base = os.path.splitext(os.path.basename(mid))[0]
        for sf_name, sf in SOUNDFONTS:
            wav = os.path.join(wav_dir, f"{base}.{sf_name}.wav")
            if not os.path.exists(wav):
                subprocess.run(["nice", "-n", "10", "fluidsynth", "-ni", "-q", "-R", "0", "-C", "0", "-r", "16000", "-F", wav, sf, mid],
                               check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            items.append((f"openmsx/{base} ({sf_name})", wav, bpm, note))
    fof = os.path.join(cache, "fof/usr/share/games/fretsonfire/data/songs/muldjord")
    for song in sorted(os.listdir(fof)):
        d = os.path.join(fof, song)
        if not os.path.exists(os.path.join(d, "notes.mid")):
            continue
        bpm, n_tempi, share = midi_tempo(os.path.join(d, "notes.mid"))
        note = "" if n_tempi <= 1 else f"{n_tempi} tempi"
        mix = os.path.join(wav_dir, f"fof_{song}_mix.wav")
        if not os.path.exists(mix):
            subprocess.run(["nice", "-n", "10", "ffmpeg", "-loglevel", "error", "-y", "-i", os.path.join(d, "song.ogg"), "-i",
                            os.path.join(d, "guitar.ogg"), "-filter_complex", "amix=inputs=2:normalize=0", "-ar", "22050",
                            mix], check=True)
        items.append((f"fof/{song} (song.ogg)", os.path.join(d, "song.ogg"), bpm, note))
        items.append((f"fof/{song} (guitar.ogg)", os.path.join(d, "guitar.ogg"), bpm, note))
        items.append((f"fof/{song} (mix)", mix, bpm, note))

    return items


def main():
    cache, cli, out_md = sys.argv[1], sys.argv[2], sys.argv[3]
    items = steady_items(cache)
    t0 = time.time()
    ours_out = subprocess.run(["nice", "-n", "10", cli] + [p for _, p, _, _ in items], check=True,
                              capture_output=True, text=True).stdout
    ours_s = time.time() - t0
    ours = {}
    for line in ours_out.splitlines():
        f = line.split("\t")
        ours[f[0]] = (float(f[1]), float(f[2]))
    aubio = {}
    t0 = time.time()
    for _, p, _, _ in items:
        r = subprocess.run(["nice", "-n", "10", "aubio", "tempo", "-r", "44100", "-i", p], capture_output=True, text=True)
        bpm = 0.0
        for line in r.stdout.splitlines():
            if line.strip().endswith("bpm"):
                bpm = float(line.split()[0])
        aubio[p] = bpm
    aubio_s = time.time() - t0

    rows = []
    totals = {"ours": [0, 0], "aubio": [0, 0]}
    groups = {}
    for label, p, truth, note in items:
        o_bpm, o_conf = ours.get(p, (0.0, 0.0))
        a_bpm = aubio[p]
        o1, o2 = accuracies(o_bpm, truth)
        a1, a2 = accuracies(a_bpm, truth)
        g = label.split("/")[0]
        groups.setdefault(g, {"n": 0, "ours": [0, 0], "aubio": [0, 0]})
        groups[g]["n"] += 1
        for name, (x1, x2) in (("ours", (o1, o2)), ("aubio", (a1, a2))):
            totals[name][0] += x1
            totals[name][1] += x2
            groups[g][name][0] += x1
            groups[g][name][1] += x2
        mark = lambda x1, x2: "Acc1" if x1 else ("Acc2" if x2 else "miss")
        rows.append(f"| {label} | {truth:.2f} | {o_bpm:.2f} | {o_conf:.2f} | {mark(o1, o2)} | {a_bpm:.2f} | {mark(a1, a2)} | {note} |")
    n = len(items)
    pct = lambda k: f"{100.0 * k / n:.1f} %"
    pulse_section = ""  # written by pulse_eval.py; kept across reruns of this script
    if os.path.exists(out_md):
        old = open(out_md).read()
        if PULSE_BEGIN in old:
            pulse_section = old[old.index(PULSE_BEGIN):old.index(PULSE_END) + len(PULSE_END)] + "\n"
    with open(out_md, "w") as f:
        f.write("# Tempo accuracy: cuefinder TempoTracker vs aubio tempo\n\n")
        f.write("Generated by `bash tools/eval/tempo/run.sh` (which runs tools/eval/tempo/eval.py) on the 2-core Debian "
                "bookworm VM, shared with other jobs.\n\n")
        f.write(__doc__.split("Usage:")[0].replace("Tempo evaluation: ", "") + "\n")
        f.write(f"## Overall ({n} files)\n\n| tracker | Acc1 | Acc2 | wall time for all files |\n|---|---|---|---|\n")
        f.write(f"| cuefinder TempoTracker (native release, decode + tempo + beats) | {pct(totals['ours'][0])} | {pct(totals['ours'][1])} | {ours_s:.1f} s |\n")
        f.write(f"| aubio tempo 0.4.9 (Debian aubio-tools, `-r 44100`, otherwise defaults) | {pct(totals['aubio'][0])} | {pct(totals['aubio'][1])} | {aubio_s:.1f} s |\n\n")
        f.write("| group | files | ours Acc1 | ours Acc2 | aubio Acc1 | aubio Acc2 |\n|---|---|---|---|---|---|\n")
        for g, v in groups.items():
            f.write(f"| {g} | {v['n']} | {v['ours'][0]} | {v['ours'][1]} | {v['aubio'][0]} | {v['aubio'][1]} |\n")
        f.write("\n## Per file\n\n| file | truth BPM | ours BPM | ours confidence | ours | aubio BPM | aubio | note |\n"
                "|---|---|---|---|---|---|---|---|\n")
        f.write("\n".join(rows) + "\n")
        if pulse_section:
            f.write("\n" + pulse_section)
        notes = os.path.join(os.path.dirname(os.path.abspath(__file__)), "notes.md")
        if os.path.exists(notes):
            f.write("\n" + open(notes).read())
    print(f"ours   Acc1 {pct(totals['ours'][0])}  Acc2 {pct(totals['ours'][1])}")
    print(f"aubio  Acc1 {pct(totals['aubio'][0])}  Acc2 {pct(totals['aubio'][1])}")


if __name__ == "__main__":
    main()
