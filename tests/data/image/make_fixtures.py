#!/usr/bin/python3
"""Writes the image test fixtures of tests/core/image (run from this folder; see README.md).

Needs Debian's python3 (no PIL), imagemagick 6.9 (/usr/bin/convert) and webp (cwebp).
PNGs are written here byte by byte (zlib + CRC) so their colour type and bit depth are exact;
the other formats are converted from pattern.ppm by ImageMagick / cwebp.
"""
import struct
import subprocess
import zlib

CONVERT = "/usr/bin/convert"

# The 16×8 pattern: four 8×4 quadrants, red | green over blue | yellow.
W, H = 16, 8
QUAD = {(0, 0): (255, 0, 0), (1, 0): (0, 255, 0), (0, 1): (0, 0, 255), (1, 1): (255, 255, 0)}


def pattern_pixel(x, y):
    return QUAD[(x // 8, y // 4)]


def png(path, width, height, colour_type, bit_depth, rows):
    """rows: list of bytes (without the filter byte)."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\x00" + r for r in rows)
    out = b"\x89PNG\r\n\x1a\n"
    out += chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0))
    out += chunk(b"IDAT", zlib.compress(raw, 9))
    out += chunk(b"IEND", b"")
    open(path, "wb").write(out)


def run(*args):
    subprocess.run(args, check=True)


# pattern.ppm: the source of the converted formats (not used by the tests).
with open("pattern.ppm", "wb") as f:
    f.write(b"P6\n%d %d\n255\n" % (W, H))
    for y in range(H):
        for x in range(W):
            f.write(bytes(pattern_pixel(x, y)))

# PNG 8-bit RGB.
png("pattern.png", W, H, 2, 8, [bytes(c for x in range(W) for c in pattern_pixel(x, y)) for y in range(H)])
# The same PNG under a JPEG name (sniffing must ignore the extension).
open("png_named.jpg", "wb").write(open("pattern.png", "rb").read())
# PNG RGBA 4×1: opaque red, fully transparent green, half-transparent (alpha 128) white, opaque black.
png("alpha.png", 4, 1, 6, 8, [bytes([255, 0, 0, 255, 0, 255, 0, 0, 255, 255, 255, 128, 0, 0, 0, 255])])
# PNG 16-bit RGB 2×1: (65535, 32896, 0) and (4660, 256, 65280); stb keeps the high byte.
png("rgb16.png", 2, 1, 2, 16, [struct.pack(">6H", 65535, 32896, 0, 4660, 256, 65280)])
# PNG whose header claims 100000×100000 (10 gigapixels) with one tiny IDAT: must be refused unread.
with open("huge_header.png", "wb") as f:
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 100000, 100000, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))

# JPEG: 4:4:4 quality 95 baseline and progressive; greyscale ramp (value 16·x) baseline.
run(CONVERT, "pattern.ppm", "-strip", "-sampling-factor", "1x1,1x1,1x1", "-quality", "95", "pattern.jpg")
run(CONVERT, "pattern.ppm", "-strip", "-sampling-factor", "1x1,1x1,1x1", "-quality", "95", "-interlace", "JPEG",
    "pattern_progressive.jpg")
with open("ramp.pgm", "wb") as f:
    f.write(b"P5\n16 8\n255\n" + bytes(16 * x for y in range(8) for x in range(16)))
run(CONVERT, "ramp.pgm", "-strip", "-quality", "95", "-colorspace", "Gray", "gray.jpg")
# GIF (palette: exact colours) and a two-frame animation, red 4×4 then blue 4×4.
run(CONVERT, "pattern.ppm", "-strip", "pattern.gif")
run(CONVERT, "-size", "4x4", "xc:#ff0000", "xc:#0000ff", "-set", "delay", "10", "-loop", "0", "anim.gif")
# BMP 24-bit (BMP3: 40-byte header, bottom-up rows).
run(CONVERT, "pattern.ppm", "-strip", "BMP3:pattern.bmp")
# WebP lossless and lossy (from the PNG).
run("cwebp", "-quiet", "-lossless", "pattern.png", "-o", "pattern_lossless.webp")
run("cwebp", "-quiet", "-q", "90", "-sharp_yuv", "pattern.png", "-o", "pattern_lossy.webp")
# Not an image.
open("not_an_image.txt", "w").write("Hello, this is a text file, not a picture.\n")
