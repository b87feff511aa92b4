#!/usr/bin/python3
"""Pulse or no pulse: does cuefinder's tempo reading (core/rhythm/tempo_reading.h) say "free" or
"uncertain" on music without a steady beat, and "steady" on music with one?

Sets
  * steady: the tempo evaluation's renders of known tempo (eval.py: openmsx MIDI through FluidR3 and
    TimGM6mb, Frets on Fire stems and mixes); Acc1/Acc2 as in eval.py.
  * beatless: beatless.py (sox drones/pads/noise beds; rubato MIDI through both soundfonts).
  * demo: the demo catalog's tracks (~/.cache/cuefinder/demo), labelled by a proxy, NOT ground truth:
    beatless-ish = the MagnaTagATune tagger's "ambient" ≥ 0.3 with "drums", "beat" and "beats" each
    < 0.05; beat-ish = "drums" or "beat" ≥ 0.3. The tagger never sees the tempo tracker.
    Also the tracks the old tracker put at 81.6–82.25 BPM (the pile-up the fix removes).
Each file is read twice: whole (as tempo_eval/eval.py always did) and as the catalog analysis does
(8 windows of 2.976 s, tempo_eval --windows 8); the demo tracks only the second way. OLD_BINARY (optional) is tempo_eval built from the
tracker before the fix with today's tempo_reading (confidence-only reading, as for an old catalog).
Usage: pulse_eval.py CACHE_DIR TEMPO_EVAL_BINARY OUT_MARKDOWN [OLD_BINARY]
"""
import glob
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import beatless  # noqa: E402
import eval as steady_eval  # noqa: E402

DEMO = os.path.expanduser("~/.cache/cuefinder/demo/catalog/.work/analysis")
BEGIN, END = steady_eval.PULSE_BEGIN, steady_eval.PULSE_END


def run(binary, paths, windows, cache):
    args = ["nice", "-n", "10", binary] + (["--windows", "8", "--cache", cache] if windows else [])
    out = {}
    for i in range(0, len(paths), 200):
        r = subprocess.run(args + paths[i:i + 200], capture_output=True, text=True, check=True)
        for line in r.stdout.splitlines():
            f = line.split("\t")
            out[f[0]] = {"bpm": float(f[1]), "confidence": float(f[2]), "kind": f[6]}
    return out


def demo_items():
    items = []  # (path, group)
    for p in sorted(glob.glob(os.path.join(DEMO, "*.json"))):
        a = json.load(open(p))
        mtt = a.get("tags", {}).get("mtt", {})
        group = None
        if mtt.get("ambient", 0) >= 0.3 and max(mtt.get("drums", 1), mtt.get("beat", 1), mtt.get("beats", 1)) < 0.05:
            group = "demo beatless-ish (tag proxy)"
        elif max(mtt.get("drums", 0), mtt.get("beat", 0)) >= 0.3:
            group = "demo beat-ish (tag proxy)"
        items.append((a["file"], group, a.get("bpm", 0)))
    return items


def shares(rows):
    n = len(rows)
    if n == 0:
        return "| 0 | | | |"
    k = lambda name: sum(r["kind"] == name for r in rows)
    pct = lambda x: f"{100.0 * x / n:.0f} %"
    return f"| {n} | {pct(k('steady'))} | {pct(k('uncertain'))} | {pct(k('free'))} |"


def main():
    cache, binary, out_md = sys.argv[1], sys.argv[2], sys.argv[3]
    old_binary = sys.argv[4] if len(sys.argv) > 4 else None
    seg_cache = os.path.join(cache, "segments")
    os.makedirs(seg_cache, exist_ok=True)
    steady = steady_eval.steady_items(cache)
    beat_dir = os.path.join(cache, "beatless")
    os.makedirs(beat_dir, exist_ok=True)
    subprocess.run([sys.executable, beatless.__file__, beat_dir], check=True, stdout=subprocess.DEVNULL)
    beat = [(os.path.join(beat_dir, f"sox_{n}.wav"), "sox") for n in beatless.SOX]
    beat += [(os.path.join(beat_dir, f"midi_{n}.{sf}.wav"), f"midi-{sf}") for n, _, _ in beatless.MIDI for sf, _ in beatless.SOUNDFONTS]
    demo = demo_items() if os.path.isdir(DEMO) else []
    paths = [p for _, p, _, _ in steady] + [p for p, _ in beat] + [p for p, _, _ in demo]

    tables = []
    for name, b in (("after the fix", binary), ("before the fix (old tracker, confidence-only reading)", old_binary)):
        if not b:
            continue
        for windows in (False, True):
            # The demo tracks only as the catalog reads them (whole files would mean decoding hours of audio).
            res = run(b, paths if windows else paths[:len(paths) - len(demo)], windows, seg_cache)
            mode = "catalog windows (8 × 2.976 s)" if windows else "whole file"
            lines = [f"### {name}, {mode}\n", "| set | files | steady | uncertain | free |", "|---|---|---|---|---|"]
            acc = [0, 0]
            groups = {}
            for label, p, truth, _ in steady:
                r = res.get(p, {"bpm": 0, "confidence": 0, "kind": "unknown"})
                a1, a2 = steady_eval.accuracies(r["bpm"], truth)
                acc[0] += a1
                acc[1] += a2
                g = "steady: openmsx TimGM6mb" if "TimGM6mb" in label else (
                    "steady: openmsx FluidR3" if label.startswith("openmsx") else "steady: Frets on Fire")
                groups.setdefault(g, []).append(r)
            for p, g in beat:
                groups.setdefault("beatless: " + {"sox": "sox drones/pads/noise", "midi-FluidR3": "rubato MIDI FluidR3",
                                                  "midi-TimGM6mb": "rubato MIDI TimGM6mb"}[g], []).append(res[p])
            for p, g, old_bpm in demo:
                if p not in res:
                    continue
                if g:
                    groups.setdefault(g, []).append(res[p])
                if 81.6 <= old_bpm <= 82.25:
                    groups.setdefault("demo: the old 81.65–82.2 BPM pile (catalog values)", []).append(res[p])
                groups.setdefault("demo: all tracks", []).append(res[p])
            for g in sorted(groups):
                lines.append(f"| {g} " + shares(groups[g]))
            n = len(steady)
            lines.append(f"\nSteady set tempo accuracy: Acc1 {100.0 * acc[0] / n:.1f} %, Acc2 {100.0 * acc[1] / n:.1f} % ({n} files).\n")
            if demo and windows:
                pile = sum(81.6 <= res[p]["bpm"] <= 82.25 for p, _, _ in demo if p in res)
                lines.append(f"Demo tracks reading 81.6–82.25 BPM: {pile} of {len(demo)}.\n")
            tables.append("\n".join(lines))
            print(tables[-1])

    section = [BEGIN, "## Pulse or no pulse: steady, uncertain and free tempo\n",
               "Generated by `bash tools/eval/tempo/run.sh --pulse` (tools/eval/tempo/pulse_eval.py).\n",
               __doc__.split("Usage:")[0].split("\n", 2)[2]]
    notes = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pulse_notes.md")
    section += tables
    if os.path.exists(notes):
        section.append(open(notes).read())
    section.append(END)
    text = "\n".join(section) + "\n"
    old = open(out_md).read() if os.path.exists(out_md) else ""
    if BEGIN in old:
        old = old[:old.index(BEGIN)] + old[old.index(END) + len(END) + 1:]
    anchor = "\n## Notes"
    pos = old.find(anchor)
    new = old[:pos] + "\n" + text + old[pos:] if pos >= 0 else old + "\n" + text
    with open(out_md, "w") as f:
        f.write(new)


if __name__ == "__main__":
    main()
