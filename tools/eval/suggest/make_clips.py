#!/usr/bin/python3
"""The labelled clip set of the suggest evaluation: calm vs lively clips from free Debian images.

    /usr/bin/python3 tools/eval/suggest/make_clips.py [--out build/eval-suggest] [--per-class 6]

Fetches the image packages of images.SOURCES (apt-get download; nothing is committed), measures every
licensed image (images.py: mean luma, saturation, colourfulness) and classes it by those numbers alone:
  calm    luma ≤ 0.36 and colourfulness ≤ 70 (dark, muted)
  lively  luma ≥ 0.42, colourfulness ≥ 45 and saturation ≥ 0.30 (bright, colourful)
  (the rest is not used). The bounds were set from the list of measured images before any clip was
made or suggested for, so that each split has enough of both.
Clips (640×360, 30 fps, H.264 in MP4, no sound), --per-class of each class in each split:
  calm    20–32 s, 3–4 shots of 6–9 s on a slow zoom (zoompan, +6–10 % over the shot), joined by
          hard cuts and 2 s dissolves in turn (2 cuts, 1–2 dissolves: ~4–6 cuts/min)
  lively  18–24 s, shots of 1.5–3.0 s (20–40 cuts/min), each a fast pan across the picture
          (≥ 40 % of its width per shot) with a hand-held shake (±40/±30 px at 5/7 Hz), hard cuts only
The split is by image source package (SPLIT: no package in both halves). Writes OUT/manifest.json:
every measured image (path, package, version, license, copyright, measures, class, split) and every
clip (file, class, split, duration_s, images, shots, known cut times, dissolves).
"""
import argparse
import json
import os
import random
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import images as imgs  # noqa: E402

SPLIT = {  # source package → half. Plasma + desktop-base: mostly drawn art; the held-out half: mostly photos.
    "plasma-workspace-wallpapers": "tuning", "desktop-base": "tuning",
    "mate-backgrounds": "held-out", "lomiri-wallpapers": "held-out", "ukui-wallpapers": "held-out",
}
W, H, FPS = 640, 360, 30
DISSOLVE_S = 2.0


def image_class(im):
    if im["luma"] <= 0.36 and im["colourfulness"] <= 70:
        return "calm"
    if im["luma"] >= 0.42 and im["colourfulness"] >= 45 and im["saturation"] >= 0.30:
        return "lively"
    return None


def ffmpeg(args):
    subprocess.run(["nice", "-n", "10", "ffmpeg", "-v", "error", "-y", *args], check=True)


def encode_args(crf, rate=True):
    return ["-c:v", "libx264", "-preset", "veryfast", "-crf", str(crf), "-pix_fmt", "yuv420p",
            *(["-r", str(FPS)] if rate else [])]


def still(n):
    """Filters that turn one decoded image into n frames of 1920×1080 at FPS (decoded once, not per frame)."""
    return (f"scale=1920:1080:force_original_aspect_ratio=increase,crop=1920:1080,setsar=1,"
            f"loop=loop={n - 1}:size=1:start=0,setpts=N/{FPS}/TB")


def calm_shot(src, dur_s, out, rng):
    """A slow zoom into the picture, centred a little off the middle."""
    n = round(dur_s * FPS)
    zoom = rng.uniform(0.06, 0.10)
    fx, fy = rng.uniform(0.4, 0.6), rng.uniform(0.4, 0.6)
    vf = (f"{still(n)},zoompan=z='1+{zoom:.3f}*on/{n}':x='(iw-iw/zoom)*{fx:.2f}':y='(ih-ih/zoom)*{fy:.2f}'"
          f":d=1:s={W}x{H}:fps={FPS}")
    ffmpeg(["-i", src, "-vf", vf + ",setsar=1", "-frames:v", str(n), *encode_args(16), out])
    return n / FPS


def lively_shot(src, dur_s, out, rng):
    """A fast pan across the picture (left or right, drifting up or down) with a hand-held shake."""
    cw, ch = 960, 540
    travel = 1920 - cw - 80  # the shake's ±40 px stay inside
    span = rng.uniform(0.4, 0.45) * 1920  # px in dur_s
    sx, sy = rng.choice([1, -1]), rng.uniform(-0.15, 0.15)
    start = 40 + rng.uniform(0, travel - span)
    if sx < 0:
        start += span
    base_x = f"{start:.0f}+{sx * span:.0f}*t/{dur_s:.3f}"
    x = f"max(0,min({1920 - cw},{base_x}+40*sin(2*PI*5*t)))"
    y = f"max(0,min({1080 - ch},{(1080 - ch) / 2:.0f}+{sy * 1080:.0f}*t/{dur_s:.3f}+30*sin(2*PI*7*t+1)))"
    n = round(dur_s * FPS)
    vf = (f"{still(n)},crop={cw}:{ch}:x='{x}':y='{y}',scale={W}:{H}:flags=bicubic")
    ffmpeg(["-i", src, "-vf", vf + ",setsar=1", "-frames:v", str(n), *encode_args(16), out])
    return n / FPS


def join(parts, lengths_s, transitions, out):
    """Shots (of lengths_s, whole frames) → one clip: 'cut' concatenates, 'dissolve' crossfades DISSOLVE_S. (cuts_s, dissolves, duration_s)."""
    args, graph = [], []
    for p in parts:
        args += ["-i", p]
    for i in range(len(parts)):
        graph.append(f"[{i}:v]fps={FPS},format=yuv420p,setsar=1,settb=AVTB[s{i}]")
    acc, length_s, cuts, dissolves = "s0", lengths_s[0], [], []
    for i, t in enumerate(transitions, start=1):
        d = lengths_s[i]
        if t == "cut":
            graph.append(f"[{acc}][s{i}]concat=n=2:v=1:a=0[a{i}]")
            cuts.append(round(length_s, 3))
            length_s += d
        else:
            off = length_s - DISSOLVE_S
            # xfade starts at the first frame at or after the offset: half a frame early hits the frame exactly.
            graph.append(f"[{acc}][s{i}]xfade=transition=fade:duration={DISSOLVE_S}:offset={off - 0.5 / FPS:.4f}[a{i}]")
            dissolves.append([round(off, 3), round(length_s, 3)])
            length_s += d - DISSOLVE_S
        acc = f"a{i}"
    # Frame-numbered timestamps and no frame rate conversion at the output: the file holds exactly the
    # graph's frames, so the cut times above are the file's (checked below).
    graph[-1] = graph[-1][:-len(f"[{acc}]")] + f",setpts=N/{FPS}/TB[{acc}]"
    ffmpeg([*args, "-filter_complex", ";".join(graph), "-map", f"[{acc}]", *encode_args(23, rate=False),
            "-fps_mode", "passthrough", "-movflags", "+faststart", "-an", out])
    n = count_frames(out)
    if n != round(length_s * FPS):
        raise SystemExit(f"make_clips: {out} has {n} frames, expected {round(length_s * FPS)}")
    return cuts, dissolves, round(n / FPS, 3)


def count_frames(path):
    r = subprocess.run(["ffprobe", "-v", "error", "-count_frames", "-show_entries", "stream=nb_read_frames",
                        "-of", "csv=p=0", path], check=True, capture_output=True, text=True)
    return int(r.stdout.strip())


def make_clip(out, name, kind, pool, rng):
    tmp = os.path.join(out, "shots", name)
    os.makedirs(tmp, exist_ok=True)
    if kind == "calm":
        n = rng.choice([3, 4])
        durs = [rng.uniform(6, 9) for _ in range(n)]
        transitions = ["cut" if i % 2 == 0 else "dissolve" for i in range(n - 1)]
        if n == 3:
            transitions = ["cut", "cut"] if rng.random() < 0.5 else ["cut", "dissolve"]
    else:
        total, durs = rng.uniform(18, 24), []
        while sum(durs) < total - 1.5:
            durs.append(rng.uniform(1.5, 3.0))
        transitions = ["cut"] * (len(durs) - 1)
    picks = rng.sample(pool, len(durs)) if len(durs) <= len(pool) else [rng.choice(pool) for _ in durs]
    parts, lengths = [], []
    for i, (im, d) in enumerate(zip(picks, durs)):
        p = os.path.join(tmp, f"{i:02d}.mp4")
        lengths.append((calm_shot if kind == "calm" else lively_shot)(os.path.join(out, im["path"]), d, p, rng))
        parts.append(p)
    file = os.path.join(out, "clips", name + ".mp4")
    cuts, dissolves, duration = join(parts, lengths, transitions, file)
    return {"file": os.path.relpath(file, out), "duration_s": duration, "images": [im["path"] for im in picks],
            "shot_lengths_s": [round(d, 3) for d in lengths], "transitions": transitions, "cuts_s": cuts,
            "dissolves_s": dissolves}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="build/eval-suggest")
    ap.add_argument("--per-class", type=int, default=6, help="clips per class in each split")
    ap.add_argument("--seed", type=int, default=14)
    a = ap.parse_args()
    os.makedirs(os.path.join(a.out, "clips"), exist_ok=True)
    images = imgs.collect(a.out)
    for im in images:
        im["class"], im["split"] = image_class(im), SPLIT[im["source"]]
    clips = []
    for split in ("tuning", "held-out"):
        for kind in ("calm", "lively"):
            pool = [im for im in images if im["split"] == split and im["class"] == kind]
            if len(pool) < 3:
                sys.exit(f"make_clips: only {len(pool)} {kind} images in the {split} half")
            for i in range(a.per_class):
                name = f"{split}-{kind}-{i:02d}"
                rng = random.Random(f"{a.seed}-{name}")
                c = make_clip(a.out, name, kind, pool, rng)
                clips.append({"name": name, "class": kind, "split": split, **c})
                print(f"{c['file']}: {c['duration_s']:.1f} s, {len(c['cuts_s'])} cuts, {len(c['dissolves_s'])} dissolves")
    manifest = {"about": "tools/eval/suggest/make_clips.py: labelled calm/lively clips from Debian images",
                "split": SPLIT, "images": images, "clips": clips}
    with open(os.path.join(a.out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    print(f"wrote {os.path.join(a.out, 'manifest.json')}: {len(images)} images, {len(clips)} clips")


if __name__ == "__main__":
    main()
