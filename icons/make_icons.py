#!/usr/bin/env python3
"""Draws the app icons (no dependencies): python3 icons/make_icons.py icons"""
import math, struct, zlib, sys, os
BLUE = (11, 61, 145)
WHITE = (255, 255, 255)

def rrect(x, y, x0, y0, x1, y1, r):
    if x < x0 or x > x1 or y < y0 or y > y1: return False
    cx = min(max(x, x0 + r), x1 - r); cy = min(max(y, y0 + r), y1 - r)
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r

def sample(x, y):
    """Colour (rgb, alpha 0/1) at unit point."""
    if not rrect(x, y, 0.03, 0.03, 0.97, 0.97, 0.2):
        return None
    # ticket
    t = rrect(x, y, 0.15, 0.27, 0.85, 0.73, 0.05)
    if t:
        for cx in (0.15, 0.85):
            if (x - cx) ** 2 + (y - 0.5) ** 2 <= 0.075 ** 2: t = False
    if t:
        # perforation
        if abs(x - 0.66) <= 0.016 and 0.3275 <= y <= 0.6725 and ((y - 0.3275) % 0.075) < 0.045: return BLUE
        # number bars
        if rrect(x, y, 0.26, 0.37, 0.54, 0.48, 0.02): return BLUE
        if rrect(x, y, 0.26, 0.54, 0.48, 0.62, 0.02): return BLUE
        return WHITE
    return BLUE

def render(n):
    ss = 6 if n <= 128 else 4
    rows = []
    for py in range(n):
        row = bytearray([0])
        for px in range(n):
            r = g = b = a = 0
            for sy in range(ss):
                for sx in range(ss):
                    c = sample((px + (sx + 0.5) / ss) / n, (py + (sy + 0.5) / ss) / n)
                    if c:
                        r += c[0]; g += c[1]; b += c[2]; a += 1
            if a:
                row += bytes([round(r / a), round(g / a), round(b / a), round(255 * a / (ss * ss))])
            else:
                row += b'\0\0\0\0'
        rows.append(bytes(row))
    return png(n, b''.join(rows))

def png(n, raw):
    def chunk(t, d): return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
    return b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', n, n, 8, 6, 0, 0, 0)) + chunk(b'IDAT', zlib.compress(raw, 9)) + chunk(b'IEND', b'')

out = sys.argv[1]
cache = {}
def get(n):
    if n not in cache: cache[n] = render(n)
    return cache[n]
for name, n in [('32x32.png', 32), ('128x128.png', 128), ('128x128@2x.png', 256), ('icon.png', 512)]:
    open(os.path.join(out, name), 'wb').write(get(n))
sizes = [16, 24, 32, 48, 64, 128, 256]
imgs = [get(n) for n in sizes]
hdr = struct.pack('<HHH', 0, 1, len(sizes))
off = 6 + 16 * len(sizes)
dirs = b''
for n, d in zip(sizes, imgs):
    dirs += struct.pack('<BBBBHHII', n % 256, n % 256, 0, 0, 1, 32, len(d), off)
    off += len(d)
open(os.path.join(out, 'icon.ico'), 'wb').write(hdr + dirs + b''.join(imgs))
