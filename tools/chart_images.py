"""Plausible chart images for an article whose text is all a corpus carries.

    python3 tools/chart_images.py ARTICLE.md [ARTICLE.md ...]

Writes a PNG bar chart (1600 x 900, about the size and weight of a survey chart) at every
local `.png` an image in each ARTICLE.md names, beside the file. PNG is written by hand with
zlib, so CI needs no imaging library for it.
"""

import random
import re
import struct
import sys
import zlib
from pathlib import Path

WIDTH, HEIGHT = 1600, 900
COLOURS = [(222, 165, 132), (66, 133, 180), (120, 170, 90), (200, 90, 90), (150, 120, 190)]


def chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


def png(rows: list[bytes]) -> bytes:
    """RGB rows (3 bytes a pixel) as a PNG file, every row with filter 0."""
    raw = b"".join(b"\0" + row for row in rows)
    header = struct.pack(">IIBBBBB", WIDTH, HEIGHT, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 6))
        + chunk(b"IEND", b"")
    )


def chart(seed: str) -> bytes:
    """Shaded bars on a grid, under a band of fine detail where a real chart has its
    anti-aliased labels (so the file weighs about what a real one does: tens of KiB)."""
    rng = random.Random(seed)
    bars = [rng.uniform(0.15, 0.8) for _ in range(rng.randint(4, 8))]
    slot = (WIDTH - 200) // len(bars)
    rows = []
    for y in range(HEIGHT):
        grid = (200, 200, 200) if y % 100 == 50 else (250, 250, 250)
        row = bytearray(bytes(grid) * WIDTH)
        level = 1 - (y - 150) / (HEIGHT - 200)
        for i, height in enumerate(bars):
            if 0 <= level <= height:
                shade = tuple(max(0, c - int(40 * level)) for c in COLOURS[i % len(COLOURS)])
                x0, x1 = 100 + i * slot + 20, 100 + (i + 1) * slot - 20
                row[3 * x0 : 3 * x1] = bytes(shade) * (x1 - x0)
        if 30 <= y < 90:
            grey = (rng.choice((40, 120, 250)) for _ in range(400))
            row[300:1500] = bytes(v for g in grey for v in (g, g, g))
        rows.append(bytes(row))
    return png(rows)


def main() -> None:
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    for article in map(Path, sys.argv[1:]):
        draw_for(article)


def draw_for(article: Path) -> None:
    names = re.findall(r"!\[[^\]]*\]\(([^)\s]+\.png)\)", article.read_text())
    for name in dict.fromkeys(names):
        if "://" in name or name.startswith("/"):
            continue
        target = article.parent / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(chart(name))
        print(f"{target}: {target.stat().st_size // 1024} KiB")


if __name__ == "__main__":
    main()
