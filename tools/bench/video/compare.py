#!/usr/bin/env python3
"""Cut detection: cuefinder-core video vs FFmpeg's scdet filter, F1 (±1 frame) and wall time.

    /usr/bin/python3 tools/bench/video/compare.py --core build/native-release/src/cli/cuefinder-core \\
        [--long build/bench-video/long_1080p30.mp4] [--variants build/bench-video/variants] [--repeat 3] [--max-size 256]

Known cut times: tests/data/video/README.md (the fixtures) and tools/make_video_fixtures.sh --long
(every 3 s); --variants adds harder versions of h264_aac_cuts_fades.mp4 (noise, a hue drift, mild and
strong brightness flicker, a hard shake; VARIANTS below), same cuts. scdet runs as `ffmpeg -i F -vf scdet=threshold=10 -an -f null -` (full resolution, as
FFmpeg users run it) and once more on frames scaled to the same size cuefinder reads (`scale=...,scdet`),
so the two costs can be told apart. Wall time: median of --repeat runs, decoding included for both.
Prints a Markdown table and one JSON line per (clip, method) on stderr.
"""
import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
VIDEO = os.path.join(ROOT, "tests", "data", "video")

# file → (fps, known cut times in s), from tests/data/video/README.md
FIXTURES = {
    "h264_aac_cuts_fades.mp4": (24, [2.0, 3.5, 5.0, 8.5]),
    "vp9_opus_cuts.webm": (30, [1.5, 3.0, 4.5]),
    "h264_portrait_rotate90.mov": (24, [1.0, 2.0]),
    "h264_no_audio.mkv": (24, [2.0, 3.0]),
    "hevc_aac_cut.mp4": (24, [1.5]),
    "h264_dissolve.mp4": (24, [4.5]),
}
LONG_CUTS = [3.0 * k for k in range(1, 20)]

# Harder versions of h264_aac_cuts_fades.mp4 (same cuts), made with ffmpeg filters by --variants DIR.
VARIANTS = {
    "noise": "noise=alls=25:allf=t+u",
    "hue_drift": "hue=H=2*PI*t/3",
    "flicker_mild": "eq=brightness=0.05*sin(2*PI*t*4):eval=frame",
    "flicker_strong": "eq=brightness=0.15*sin(2*PI*t*4):eval=frame",
    "shake": "crop=w=240:h=135:x='40+40*sin(2*PI*t*5)':y='22+22*cos(2*PI*t*7)',scale=320:180",
}


def make_variants(folder):
    os.makedirs(folder, exist_ok=True)
    src = os.path.join(VIDEO, "h264_aac_cuts_fades.mp4")
    out = []
    for name, vf in VARIANTS.items():
        dest = os.path.join(folder, f"cuts_fades_{name}.mp4")
        if not os.path.exists(dest):
            subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", src, "-vf", vf, "-c:v", "libx264", "-crf", "28",
                            "-an", dest], check=True)
        out.append((dest, 24, FIXTURES["h264_aac_cuts_fades.mp4"][1]))
    return out


def matched(known, found, tol):
    used = [False] * len(found)
    hits = 0
    for k in known:
        for i, f in enumerate(found):
            if not used[i] and abs(f - k) <= tol:
                used[i] = True
                hits += 1
                break
    return hits


def timed(cmd, repeat):
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = subprocess.run(cmd, capture_output=True, text=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def ours(core, path, repeat, max_size):
    wall, out = timed([core, "video", path, "--max-size", str(max_size)], repeat)
    d = json.loads(out.stdout.strip().splitlines()[-1])
    if "error" in d:
        raise SystemExit(f"cuefinder-core: {d['error']}")
    return wall, d["cuts_s"]


def scdet(path, repeat, scale=None):
    vf = "scdet=threshold=10" if scale is None else f"scale={scale}:flags=area,scdet=threshold=10"
    cmd = ["ffmpeg", "-hide_banner", "-nostats", "-threads", "2", "-i", path, "-vf", vf, "-an", "-f", "null", "-"]
    wall, out = timed(cmd, repeat)
    cuts = [float(m) for m in re.findall(r"lavfi\.scd\.time: ([0-9.]+)", out.stderr)]
    return wall, cuts


def scaled_filter(max_size):
    """Scales (after FFmpeg's autorotation) so the long side is max_size, as cuefinder-core reads clips."""
    return f"'if(gt(iw,ih),min(iw,{max_size}),-2)':'if(gt(iw,ih),-2,min(ih,{max_size}))'"


def f1(hits, n_found, n_known):
    p = hits / n_found if n_found else 0.0
    r = hits / n_known if n_known else 0.0
    return 2 * p * r / (p + r) if p + r else 0.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--core", required=True)
    ap.add_argument("--long", default=None)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--max-size", type=int, default=256)
    ap.add_argument("--variants", default=None, help="folder for the harder variants (made once); off if not given")
    args = ap.parse_args()
    clips = [(os.path.join(VIDEO, f), fps, cuts) for f, (fps, cuts) in FIXTURES.items()]
    if args.long:
        clips.append((args.long, 30, LONG_CUTS))
    if args.variants:
        clips += make_variants(args.variants)
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
          f"load average before: {os.getloadavg()[0]:.2f}")
    methods = {"cuefinder": lambda p: ours(args.core, p, args.repeat, args.max_size),
               "scdet": lambda p: scdet(p, args.repeat),
               "scdet (scaled)": lambda p: scdet(p, args.repeat, scaled_filter(args.max_size))}
    totals = {m: [0, 0, 0] for m in methods}
    print("\n| clip | known cuts | method | found | hits ±1 frame | F1 | wall s |\n|---|---|---|---|---|---|---|")
    for path, fps, known in clips:
        for name, run in methods.items():
            wall, found = run(path)
            hits = matched(known, found, 1.0 / fps + 1e-3)
            group = "fixtures" if os.path.dirname(path) == VIDEO else "other"
            if group == "fixtures":
                t = totals[name]
                t[0] += hits; t[1] += len(found); t[2] += len(known)
            print(f"| {os.path.basename(path)} | {len(known)} | {name} | {len(found)} | {hits} | "
                  f"{f1(hits, len(found), len(known)):.3f} | {wall:.3f} |")
            print(json.dumps({"clip": os.path.basename(path), "method": name, "found_s": found, "hits": hits,
                              "wall_s": round(wall, 3)}), file=sys.stderr)
    print("\nfixtures together (F1 within ±1 frame):")
    for name, (hits, n_found, n_known) in totals.items():
        print(f"- {name}: {hits}/{n_known} found, {n_found - hits} false, F1 {f1(hits, n_found, n_known):.3f}")
    print(f"\nload average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
