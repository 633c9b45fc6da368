"""Placeholder ID photos for the demo people, so the verification page
(``/v/<code>``) shows what a checker compares with the paper in front of them: a
paper copy with another face pasted on is caught by the photo the database shows.

Each photo is a neutral portrait placeholder, not a face: a plain ID-photo
background, a grey head-and-shoulders silhouette and the person's surname (or
Latin initials). It is deterministic per person (colours come from a hash of the
person's ID number hash, which the demo data keeps stable), a JPEG of a few KB, and
stored exactly as an upload is: through ``Person.photo`` into the private photo
storage under a random name (lms/people/photos.py). Only demo people without a
photo get one, so running ``seed_demo`` again changes nothing and never replaces a
real upload.
"""

import hashlib
import io
from pathlib import Path

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw, ImageFont

from lms.people.demo import ORGANISATIONS, STATION
from lms.people.models import Person

# 3:4, the shape of a Chinese ID photo (一寸照 is 295x413 at 300 dpi).
SIZE = (240, 320)
# The plain backgrounds ID photos use: light blue, white, red (blue/white/red 底).
BACKGROUNDS = ((67, 142, 219), (235, 238, 242), (196, 58, 49), (110, 165, 225))
SILHOUETTES = ((88, 92, 99), (70, 74, 80), (104, 108, 114), (60, 64, 70))
# Debian's fonts-wqy-microhei (installed for the PDF certificates) draws Chinese;
# without a CJK font the portrait has no letters.
FONT_PATHS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
)
QUALITY = 80


def demo_organisation_codes():
    return [STATION[0], *(code for code, *_rest in ORGANISATIONS)]


def _font(size):
    for path in FONT_PATHS:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return None


def initials(name):
    """What the portrait shows: the surname of a Chinese name, the initials of a
    Latin one (at most two letters)."""
    name = (name or "").strip()
    if not name:
        return ""
    if name.isascii():
        return "".join(word[0] for word in name.split()[:2]).upper()
    return name[0]


def portrait(person):
    """The JPEG bytes of ``person``'s placeholder portrait."""
    key = person.id_number_hash or person.name
    digest = hashlib.sha256(f"shouwang-demo-photo:{key}".encode()).digest()
    background = BACKGROUNDS[digest[0] % len(BACKGROUNDS)]
    figure = SILHOUETTES[digest[1] % len(SILHOUETTES)]
    width, height = SIZE
    # Small per-person differences, so two portraits side by side are not alike.
    head = 44 + digest[2] % 10
    shoulders = 104 + digest[3] % 14

    image = Image.new("RGB", SIZE, background)
    draw = ImageDraw.Draw(image)
    centre = width // 2
    head_top = 58
    head_bottom = head_top + int(head * 2.5)
    shoulders_top = head_bottom + 6
    draw.ellipse((centre - head, head_top, centre + head, head_bottom), fill=figure)
    draw.rectangle(
        (centre - 18, head_bottom - 20, centre + 18, shoulders_top + 20), fill=figure
    )
    draw.ellipse(
        (
            centre - shoulders,
            shoulders_top,
            centre + shoulders,
            shoulders_top + int(shoulders * 1.5),
        ),
        fill=figure,
    )
    text = initials(person.name)
    font = _font(52)
    if text and font is not None:
        draw.text(
            (centre, (head_top + head_bottom) // 2),
            text,
            font=font,
            fill=background,
            anchor="mm",
        )
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=QUALITY, optimize=True)
    return out.getvalue()


def seed_demo_photos():
    """Give every demo person without a photo a placeholder portrait. Returns how
    many were added."""
    people = Person.objects.filter(
        organisation__code__in=demo_organisation_codes(), photo=""
    ).order_by("pk")
    added = 0
    for person in people:
        # Through the field, as an upload: the storage and the random name are the
        # field's (photos.photo_storage, photos.photo_name).
        person.photo.save("demo.jpg", ContentFile(portrait(person)), save=False)
        person.save(update_fields=["photo", "updated_at"])
        added += 1
    return added
