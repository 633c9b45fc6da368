"""Chinese is complete, and the compiled catalogue matches its source."""

from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parents[2] / "locale" / "zh_Hans" / "LC_MESSAGES"


def test_every_string_has_a_chinese_translation():
    catalogue = polib.pofile(str(LOCALE / "django.po"))
    missing = [e.msgid for e in catalogue.untranslated_entries()]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    assert not missing and not fuzzy, (missing, fuzzy)


def test_compiled_catalogue_is_up_to_date():
    source = polib.pofile(str(LOCALE / "django.po"))
    compiled = polib.mofile(str(LOCALE / "django.mo"))
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
