#!/usr/bin/python3
"""Beatless and rubato material for the tempo evaluation: music with no steady pulse, where a
tempo tracker should say "free" or "uncertain" rather than a number.

Made from Debian packages only (sox, fluidsynth + the GM soundfonts, python3-mido), deterministic
(fixed seeds), 40 s each, 16 kHz mono WAV:
  * drones / pads / noise beds with sox: sustained chords, detuned saws with a slow swell, filtered
    noise with slow sweeps, a chord under slow tremolo;
  * rubato MIDI rendered with fluidsynth through FluidR3_GM and TimGM6mb: chords and melodies whose
    onsets are irregular (inter-onset times drawn log-uniformly from 0.35–3 s, no grid), on piano,
    strings, choir, pads, organ, harp, and long sustained notes (pads that change every 5–9 s).
Usage: beatless.py OUT_DIR  → prints one "path<TAB>group" line per file (rendering what is missing).
"""
import os
import random
import subprocess
import sys

import mido

SOUNDFONTS = [("FluidR3", "/usr/share/sounds/sf2/FluidR3_GM.sf2"), ("TimGM6mb", "/usr/share/sounds/sf2/TimGM6mb.sf2")]
SECONDS = 40

SOX = {
    "drone_fifths": "synth 40 sine 110 sine 165 sine 220 remix - gain -12",
    "drone_cluster": "synth 40 sine 146.8 sine 155.6 sine 174.6 sine 196 remix - gain -14 fade q 6 40 6",
    "pad_saws": "synth 40 sawtooth 130.8 sawtooth 131.6 sawtooth 196.4 remix - gain -18 lowpass 900 fade h 10 40 12",
    "noise_wind": "synth 40 brownnoise lowpass 600 tremolo 0.13 60 gain -6",
    "noise_sweep": "synth 40 pinknoise bandpass 400 2q tremolo 0.07 80 gain -4",
    "chord_tremolo_slow": "synth 40 sine 220 sine 277.2 sine 329.6 remix - tremolo 0.31 40 gain -10",
    "organ_hold": "synth 40 square 98 square 147 square 196 remix - lowpass 1500 gain -20",
    "shimmer": "synth 40 sine 880 sine 1318.5 sine 1760 remix - tremolo 0.21 30 reverb 90 gain -12",
}

# (name, GM program, style): "chords" rubato block chords, "melody" rubato single line over a held
# bass, "pad" chords that change every 5–9 s.
MIDI = [
    ("rubato_piano_chords", 0, "chords"), ("rubato_piano_melody", 0, "melody"), ("rubato_harp", 46, "melody"),
    ("strings_pad", 48, "pad"), ("slow_strings", 49, "chords"), ("choir_pad", 52, "pad"),
    ("warm_pad", 89, "pad"), ("halo_pad", 94, "pad"), ("church_organ", 19, "pad"),
    ("rubato_vibraphone", 11, "melody"), ("rubato_guitar", 24, "chords"), ("flute_rubato", 73, "melody"),
]


def rubato_midi(path, program, style, seed):
    rng = random.Random(seed)
    mid = mido.MidiFile(ticks_per_beat=480)  # 120 BPM default tempo: 960 ticks per second
    track = mido.MidiTrack()
    mid.tracks.append(track)
    track.append(mido.Message("program_change", program=program, time=0))
    events = []  # (time_s, on/off, note, velocity)
    t = 0.2
    root = rng.choice([48, 50, 52, 53, 55, 57])
    scale = [0, 2, 3, 5, 7, 8, 10, 12, 14, 15]
    while t < SECONDS - 4:
        if style == "pad":
            dur = rng.uniform(5, 9)
            notes = [root + s for s in rng.sample([0, 3, 7, 10, 12, 14, 15], 4)]
        elif style == "chords":
            dur = 0.35 * (3 / 0.35) ** rng.random()
            notes = [root + s for s in rng.sample(scale, 3)]
        else:
            dur = 0.35 * (3 / 0.35) ** rng.random()
            notes = [root + 12 + rng.choice(scale)]
        vel = rng.randint(45, 90)
        for n in notes:
            events.append((t, True, n, vel))
            events.append((t + dur * rng.uniform(1.0, 1.6), False, n, 0))
        if style == "melody" and rng.random() < 0.2:
            root = rng.choice([48, 50, 52, 53, 55, 57])
        elif style != "melody":
            root = rng.choice([48, 50, 52, 53, 55, 57])
        t += dur
    if style == "melody":  # a held bass under the line
        b = 0.2
        while b < SECONDS - 4:
            d = rng.uniform(6, 10)
            n = rng.choice([36, 38, 41, 43])
            events += [(b, True, n, 50), (b + d, False, n, 0)]
            b += d
    events.sort(key=lambda e: (e[0], e[1]))
    last = 0
    for time_s, on, note, vel in events:
        tick = int(round(time_s * 960))
        track.append(mido.Message("note_on" if on else "note_off", note=note, velocity=vel, time=tick - last))
        last = tick
    mid.save(path)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, effect in SOX.items():
        wav = os.path.join(out, f"sox_{name}.wav")
        if not os.path.exists(wav):
            subprocess.run(["sox", "-q", "-n", "-r", "16000", "-c", "1", wav] + effect.split(), check=True)
        print(f"{wav}\tsox")
    for i, (name, program, style) in enumerate(MIDI):
        mid = os.path.join(out, f"{name}.mid")
        if not os.path.exists(mid):
            rubato_midi(mid, program, style, seed=1000 + i)
        for sf_name, sf in SOUNDFONTS:
            wav = os.path.join(out, f"midi_{name}.{sf_name}.wav")
            if not os.path.exists(wav):
                subprocess.run(["nice", "-n", "10", "fluidsynth", "-ni", "-q", "-R", "1", "-C", "0", "-r", "16000", "-F", wav, sf, mid],
                               check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            print(f"{wav}\tmidi-{sf_name}")


if __name__ == "__main__":
    main()
