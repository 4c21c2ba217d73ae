"""The zh-hans catalogue covers every string in the code and the compiled .mo matches it."""

import shutil
from pathlib import Path

import polib
from django.conf import settings
from django.core.management import call_command

from tests.tooling import require_tool

PO_PATH = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def untranslated(catalogue: polib.POFile) -> list[str]:
    return [entry.msgid for entry in catalogue if not entry.translated() and not entry.obsolete]


def test_catalogue_is_fully_translated():
    assert untranslated(polib.pofile(PO_PATH)) == []


def test_compiled_catalogue_matches_the_source():
    source = {(e.msgid, e.msgstr) for e in polib.pofile(PO_PATH) if e.translated() and not e.msgid_plural}
    compiled = {(e.msgid, e.msgstr) for e in polib.mofile(PO_PATH.with_suffix(".mo")) if not e.msgid_plural}
    assert source <= compiled, "run `make messages` to recompile locale/zh_Hans"


def test_every_string_in_the_code_is_in_the_catalogue(tmp_path, monkeypatch, settings):
    require_tool("xgettext", "gettext")
    # makemessages writes into the first LOCALE_PATHS entry: point it at a copy of the catalogue.
    copy = tmp_path / "zh_Hans" / "LC_MESSAGES"
    copy.mkdir(parents=True)
    shutil.copy(PO_PATH, copy / "django.po")
    settings.LOCALE_PATHS = [tmp_path]
    monkeypatch.chdir(settings.BASE_DIR)
    call_command(
        "makemessages",
        locale=["zh_Hans"],
        ignore_patterns=[".venv", "var", "bench", "tests", "node_modules"],
        verbosity=0,
    )
    missing = untranslated(polib.pofile(copy / "django.po"))
    assert missing == [], f"untranslated strings; run `make messages` and translate: {missing}"
