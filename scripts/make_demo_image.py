"""Draw the demo illustration (images/demo_assets/calm-morning.jpg) with Pillow alone.

Soft hills under a pale morning sky with a low sun: abstract, calm, and made entirely by
this script, so the project can ship it under CC0 (see images/demo_assets/LICENSE.md).
Run: .venv/bin/python scripts/make_demo_image.py
"""

import math
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

WIDTH, HEIGHT = 1600, 900
OUTPUT = Path(__file__).resolve().parent.parent / "images" / "demo_assets" / "calm-morning.jpg"
SKY_TOP, SKY_HORIZON = (186, 214, 226), (247, 231, 212)
SUN = (255, 244, 222)
# (colour, baseline as a share of the height, amplitude, wave count, phase)
HILLS = [
    ((170, 196, 196), 0.62, 40, 1.3, 0.2),
    ((128, 170, 168), 0.70, 50, 1.7, 1.9),
    ((88, 140, 140), 0.80, 45, 1.1, 3.1),
    ((52, 106, 112), 0.90, 35, 2.1, 4.4),
]


def blend(top, bottom, share):
    return tuple(round(a + (b - a) * share) for a, b in zip(top, bottom, strict=True))


def sky():
    image = Image.new("RGB", (WIDTH, HEIGHT))
    draw = ImageDraw.Draw(image)
    for y in range(HEIGHT):
        share = min(1, y / (HEIGHT * 0.7))  # the horizon colour from 70% down
        draw.line([(0, y), (WIDTH, y)], fill=blend(SKY_TOP, SKY_HORIZON, share))
    return image


def sun(image):
    glow = Image.new("RGB", image.size, SUN)
    mask = Image.new("L", image.size, 0)
    ImageDraw.Draw(mask).ellipse((1020, 330, 1220, 530), fill=255)
    image.paste(glow, mask=mask.filter(ImageFilter.GaussianBlur(40)))
    ImageDraw.Draw(mask).ellipse((1060, 370, 1180, 490), fill=255)
    image.paste(glow, mask=mask.filter(ImageFilter.GaussianBlur(4)))


def hill(image, colour, baseline, amplitude, waves, phase):
    points = [
        (x, HEIGHT * baseline + amplitude * math.sin(phase + waves * math.pi * x / WIDTH))
        for x in range(0, WIDTH + 20, 20)
    ]
    mask = Image.new("L", image.size, 0)
    ImageDraw.Draw(mask).polygon([*points, (WIDTH, HEIGHT), (0, HEIGHT)], fill=255)
    image.paste(Image.new("RGB", image.size, colour), mask=mask.filter(ImageFilter.GaussianBlur(2)))


def main():
    image = sky()
    sun(image)
    for spec in HILLS:
        hill(image, *spec)
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    image.save(OUTPUT, "JPEG", quality=85, optimize=True, progressive=True)
    print(f"{OUTPUT} ({OUTPUT.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
