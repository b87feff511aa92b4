"""Free images from Debian packages for the suggest evaluation: fetch, extract, license, measure.

Used by make_clips.py. Nothing here is committed output: the .debs and their contents go to
build/eval-suggest/ (OUT). Each image gets its source package, its license (from the package's
copyright file: DEP-5 `Files:` stanzas, or gnome-backgrounds' free-form "Image Authors" list) and
three measured numbers, computed from a 96×54 decode by Debian's ffmpeg:
  luma            mean BT.709 luma of the gamma-encoded RGB, 0..1
  saturation      mean HSV saturation (max−min)/max, 0..1
  colourfulness   Hasler & Süsstrunk (2003) M = σ_rgyb + 0.3·μ_rgyb on 0..255 RGB (≈0 grey, >80 very colourful)
"""
import fnmatch
import hashlib
import json
import math
import os
import re
import subprocess

# Debian source package → its binary packages holding the images. The split is by source package.
SOURCES = {
    "desktop-base": ["desktop-base"],
    "gnome-backgrounds": ["gnome-backgrounds"],
    "lomiri-wallpapers": ["lomiri-wallpapers-16.04", "lomiri-wallpapers-20.04"],
    "mate-backgrounds": ["mate-backgrounds"],
    "plasma-workspace-wallpapers": ["plasma-workspace-wallpapers"],
    "ukui-wallpapers": ["ukui-wallpapers"],
}
IMAGE_RE = re.compile(r"\.(jpe?g|png)$", re.I)
MIN_BYTES = 100_000  # icons, logos and previews are smaller
STAT_W, STAT_H = 96, 54


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def fetch(out, binary):
    """The binary package's .deb (apt-get download, once) extracted to out/pkg/BINARY; its version."""
    debs = os.path.join(out, "debs")
    os.makedirs(debs, exist_ok=True)
    have = [f for f in os.listdir(debs) if f.startswith(binary + "_") and f.endswith(".deb")]
    if not have:
        run(["apt-get", "download", binary], cwd=debs, stdout=subprocess.DEVNULL)
        have = [f for f in os.listdir(debs) if f.startswith(binary + "_") and f.endswith(".deb")]
    deb = os.path.join(debs, sorted(have)[-1])
    dest = os.path.join(out, "pkg", binary)
    if not os.path.isdir(dest):
        run(["dpkg-deb", "-x", deb, dest])
    version = subprocess.run(["dpkg-deb", "-f", deb, "Version"], check=True, capture_output=True,
                             text=True).stdout.strip()
    return dest, version


def dep5_rules(text):
    """[(glob, license, copyright)] of a DEP-5 copyright file, in file order (the last match wins)."""
    rules = []
    for para in re.split(r"\n\s*\n", text):
        files = re.search(r"^Files:(.*(?:\n[ \t].*)*)", para, re.M)
        lic = re.search(r"^License:\s*(.+)", para, re.M)
        if not files or not lic:
            continue
        cop = re.search(r"^Copyright:\s*(.*)", para, re.M)
        for g in files.group(1).split():
            rules.append((g, lic.group(1).strip(), cop.group(1).strip() if cop else ""))
    return rules


def freeform_rules(text):
    """gnome-backgrounds' list: ' - NAME:' lines, then 'Copyright © ...' and 'Licensed under X License.'"""
    rules, names, cop = [], [], ""
    for line in text.splitlines():
        m = re.match(r"\s*-\s+(\S+?):?\s*$", line)
        if m:
            if cop:  # a new group starts
                names, cop = [], ""
            names.append(m.group(1))
            continue
        m = re.match(r"\s*Copyright ©\s*(.+)", line)
        if m and names:
            cop = (cop + "; " if cop else "") + m.group(1).strip()
            continue
        m = re.match(r"\s*Licensed under (?:the )?(?:Creative Commons )?(.+?)(?: License)?\.?$", line)
        if m and names:
            lic = {"Attribution-ShareAlike 3.0": "CC-BY-SA-3.0", "Attribution-ShareAlike 2.0": "CC-BY-SA-2.0",
                   "Attribution 2.0": "CC-BY-2.0"}.get(m.group(1).strip(), m.group(1).strip())
            rules += [(n if "*" in n else "*" + n, lic, cop) for n in names]
            names, cop = [], ""
    return rules


def license_of(rules, relpath):
    """(license, copyright) of the last rule whose glob matches the path (or its tail), else None."""
    found = None
    for g, lic, cop in rules:
        if g.startswith("debian/"):
            continue
        # Packages install files elsewhere than their source tree has them (lomiri: 16.04/X.jpg →
        # usr/share/backgrounds/X.jpg), so a glob without a wildcard also matches by file name.
        if (g == "*" or fnmatch.fnmatch(relpath, g) or fnmatch.fnmatch(relpath, "*/" + g.lstrip("./"))
                or ("*" not in g and os.path.basename(g) == os.path.basename(relpath))):
            found = (lic, cop)
    return found


def probe(path):
    """(width, height, pix_fmt) of the image's first video stream."""
    r = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                        "stream=width,height,pix_fmt", "-of", "csv=p=0", path], capture_output=True, text=True)
    parts = r.stdout.strip().split(",")
    if r.returncode or len(parts) != 3:
        return 0, 0, ""
    return int(parts[0]), int(parts[1]), parts[2]


def candidates(dest):
    """The package's landscape, opaque, ≥1280 px wide images: per picture (a folder and a name without
    its size, e.g. Plasma's Flow/contents/images/{1920x1080,5120x2880}.jpg) the largest."""
    best = {}
    for d, _, files in sorted(os.walk(dest)):
        for f in sorted(files):
            p = os.path.join(d, f)
            if not IMAGE_RE.search(f) or os.path.islink(p) or os.path.getsize(p) < MIN_BYTES:
                continue
            w, h, fmt = probe(p)
            if w < 1280 or w < h or re.search(r"^ya|rgba|bgra|argb|abgr|gbrap|yuva", fmt):  # alpha: skipped
                continue
            key = (d, re.sub(r"[_-]?\d+x\d+", "", os.path.splitext(f)[0]))
            if key not in best or w * h > best[key][1]:
                best[key] = (p, w * h)
    return [p for p, _ in best.values()]


def measure(path):
    """(luma, saturation, colourfulness) of the image, see the module comment."""
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", path, "-frames:v", "1", "-vf",
                          f"scale={STAT_W}:{STAT_H}:flags=area", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
                         check=True, capture_output=True).stdout
    n = STAT_W * STAT_H
    if len(raw) != 3 * n:
        raise ValueError(f"{path}: ffmpeg gave {len(raw)} bytes, expected {3 * n}")
    luma = sat = 0.0
    rg, yb = [], []
    for i in range(0, 3 * n, 3):
        r, g, b = raw[i], raw[i + 1], raw[i + 2]
        luma += 0.2126 * r + 0.7152 * g + 0.0722 * b
        hi, lo = max(r, g, b), min(r, g, b)
        sat += (hi - lo) / hi if hi else 0.0
        rg.append(r - g)
        yb.append(0.5 * (r + g) - b)

    def mean_sd(v):
        m = sum(v) / len(v)
        return m, math.sqrt(sum((x - m) ** 2 for x in v) / len(v))

    (mrg, srg), (myb, syb) = mean_sd(rg), mean_sd(yb)
    colourfulness = math.hypot(srg, syb) + 0.3 * math.hypot(mrg, myb)
    return luma / n / 255.0, sat / n, colourfulness


def collect(out):
    """Every licensed image of SOURCES, deduplicated by content: a list of dicts (see the manifest)."""
    images, seen = [], set()
    for source, binaries in SOURCES.items():
        for binary in binaries:
            dest, version = fetch(out, binary)
            cfile = os.path.join(dest, "usr/share/doc", binary, "copyright")
            text = open(cfile, encoding="utf-8", errors="replace").read()
            rules = dep5_rules(text) if text.lstrip().startswith("Format:") else freeform_rules(text)
            for p in candidates(dest):
                sha = hashlib.sha256(open(p, "rb").read()).hexdigest()
                lic = license_of(rules, os.path.relpath(p, dest))
                if sha in seen or lic is None:  # a copy, or no per-image license found: not used
                    continue
                seen.add(sha)
                luma, sat, col = measure(p)
                images.append({"path": os.path.relpath(p, out), "source": source, "package": binary,
                               "version": version, "license": lic[0], "copyright": lic[1],
                               "copyright_file": os.path.relpath(cfile, out), "sha256": sha,
                               "luma": round(luma, 4), "saturation": round(sat, 4),
                               "colourfulness": round(col, 2)})
    return images


if __name__ == "__main__":
    import sys
    for im in collect(sys.argv[1]):
        print(json.dumps(im))
