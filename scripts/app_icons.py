"""Draw the home-screen icons (static/img/icon-192.png, icon-512.png) named by
the web app manifest (lms/courses/offline.py): the site's mark, 守 in white on
its deep blue, inside the safe zone of a maskable icon (the middle 80 %), so
Android's round or squircle masks never cut it. Committed; run again only to
change them:  .venv/bin/python scripts/app_icons.py"""

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

BLUE = (11, 61, 145)
FONTS = [
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
]
OUT = Path(__file__).resolve().parents[1] / "static" / "img"


def draw(size):
    image = Image.new("RGB", (size, size), BLUE)
    font_path = next(path for path in FONTS if Path(path).exists())
    font = ImageFont.truetype(font_path, int(size * 0.52))
    pen = ImageDraw.Draw(image)
    pen.text((size / 2, size / 2), "守", font=font, fill="white", anchor="mm")
    image.save(OUT / f"icon-{size}.png", optimize=True)


if __name__ == "__main__":
    for size in (192, 512):
        draw(size)
