#!/usr/bin/env python3
"""Draws certificates/templates/logo.png: two overlapping speech bubbles (the centre's "let's
talk" motif) in teal and coral on white, anti-aliased by 4x4 supersampling. Standard library
only, so the committed PNG can be regenerated anywhere: python3 make_logo.py > logo.png"""
import struct
import sys
import zlib

SIZE, SS = 192, 4
TEAL, CORAL, WHITE = (10, 102, 112), (232, 110, 92), (255, 255, 255)


def inside_bubble(x, y, cx, cy, r, tail_dir):
    if (x - cx) ** 2 + (y - cy) ** 2 <= r * r:
        return True
    # A small triangular tail below the bubble, leaning left or right.
    tx, ty = cx + tail_dir * r * 0.55, cy + r * 0.75
    if ty <= y <= ty + r * 0.42:
        t = (y - ty) / (r * 0.42)
        left = min(tx, tx + tail_dir * r * 0.45 * t)
        width = r * 0.34 * (1 - t)
        return left - width / 2 <= x <= left + width / 2 + r * 0.1 * (1 - t)
    return False


def pixel(px, py):
    acc = [0, 0, 0]
    for sy in range(SS):
        for sx in range(SS):
            x = (px + (sx + 0.5) / SS) / SIZE
            y = (py + (sy + 0.5) / SS) / SIZE
            color = WHITE
            if inside_bubble(x, y, 0.40, 0.40, 0.30, -1):
                color = TEAL
            if inside_bubble(x, y, 0.62, 0.56, 0.26, 1):
                # Where the bubbles overlap, a white gap keeps them distinct.
                color = CORAL if not inside_bubble(x, y, 0.40, 0.40, 0.33, -1) or \
                    inside_bubble(x, y, 0.62, 0.56, 0.26, 1) and color == WHITE else WHITE
            for i in range(3):
                acc[i] += color[i]
    return bytes(round(a / (SS * SS)) for a in acc)


rows = b"".join(b"\0" + b"".join(pixel(x, y) for x in range(SIZE)) for y in range(SIZE))


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", SIZE, SIZE, 8, 2, 0, 0, 0)) \
    + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")
sys.stdout.buffer.write(png)
