"""Chinese is complete, and the compiled catalogues match their sources: ours
(locale/) and the Wagtail strings Wagtail's own catalogue lacks (locale_wagtail/)."""

from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES"
WAGTAIL_LOCALE = ROOT / "locale_wagtail" / "zh_Hans" / "LC_MESSAGES"
CATALOGUES = pytest.mark.parametrize(
    "folder", [LOCALE, WAGTAIL_LOCALE], ids=["ours", "wagtail"]
)


@CATALOGUES
def test_every_string_has_a_chinese_translation(folder):
    """Every msgid has a msgstr (each plural form too) that is not fuzzy."""
    catalogue = polib.pofile(str(folder / "django.po"))
    missing = [e.msgid for e in catalogue if not e.obsolete and not e.translated()]
    empty_plurals = [
        e.msgid
        for e in catalogue
        if e.msgid_plural and not all(e.msgstr_plural.values())
    ]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    assert not missing and not empty_plurals and not fuzzy, (
        missing,
        empty_plurals,
        fuzzy,
    )


def test_the_wagtail_supplement_holds_only_wagtail_strings_it_lacks():
    """Each entry is a msgid of Wagtail's (a typo would never apply) that Wagtail's
    zh_Hans catalogue does not translate (else the entry is stale: drop it)."""
    import wagtail

    site = Path(wagtail.__file__).parent
    english, chinese = set(), set()
    for po in site.glob("**/locale/en/LC_MESSAGES/django.po"):
        english |= {(e.msgctxt, e.msgid) for e in polib.pofile(str(po))}
    for po in site.glob("**/locale/zh_Hans/LC_MESSAGES/django.po"):
        chinese |= {(e.msgctxt, e.msgid) for e in polib.pofile(str(po)) if e.msgstr}
    ours = {
        (e.msgctxt, e.msgid) for e in polib.pofile(str(WAGTAIL_LOCALE / "django.po"))
    }
    assert ours - english == set(), "not Wagtail's"
    assert ours & chinese == set(), "Wagtail translates these now: drop them"


@CATALOGUES
def test_compiled_catalogue_is_up_to_date(folder):
    source = polib.pofile(str(folder / "django.po"))
    compiled = polib.mofile(str(folder / "django.mo"))
    expected = {
        (e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural
        for e in source
        if not e.obsolete
    }
    actual = {
        (e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural for e in compiled if e.msgid
    }
    assert actual == expected, "run `make messages` to recompile locale/"


def test_no_template_or_python_string_is_missing_from_the_catalogue():
    """Catch strings added without `make messages`: every msgid in the source must
    appear in the .po (xgettext is not needed for this cheap check of templates)."""
    import re

    catalogue = {e.msgid for e in polib.pofile(str(LOCALE / "django.po"))}
    root = LOCALE.parents[2]
    pattern = re.compile(r"{%\s*trans\s+\"([^\"]+)\"")
    missing = []
    for template in root.glob("**/templates/**/*.html"):
        if ".venv" in template.parts:
            continue
        for msgid in pattern.findall(template.read_text()):
            # {% trans %} looks a literal "%" up as "%%" (as makemessages writes it).
            if msgid.replace("%", "%%") not in catalogue:
                missing.append((template.name, msgid))
    assert not missing, missing
