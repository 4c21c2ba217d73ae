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


def strings_missing_from_the_catalogue(tmp_path, monkeypatch, settings, extra_source: str = "") -> list[str]:
    """Run makemessages on a copy of the sources and the catalogue: makemessages writes to the locale
    folder above each source file, so the real catalogue is never touched."""
    require_tool("xgettext", "gettext")
    source = tmp_path / "src"
    shutil.copytree(
        settings.BASE_DIR,
        source,
        ignore=shutil.ignore_patterns(".venv", "var", ".git", "node_modules", "bench", "tests", "*.mo"),
    )
    if extra_source:
        (source / "core" / "i18n_probe.py").write_text(extra_source, encoding="utf-8")
    settings.LOCALE_PATHS = [source / "locale"]
    monkeypatch.chdir(source)
    call_command("makemessages", locale=["zh_Hans"], verbosity=0)
    return untranslated(polib.pofile(source / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))


def test_every_string_in_the_code_is_in_the_catalogue(tmp_path, monkeypatch, settings):
    missing = strings_missing_from_the_catalogue(tmp_path, monkeypatch, settings)
    assert missing == [], f"untranslated strings; run `make messages` and translate: {missing}"


def test_the_check_finds_a_new_string(tmp_path, monkeypatch, settings):
    probe = 'from django.utils.translation import gettext as _\n\nPROBE = _("A sentence nobody translated")\n'
    before = PO_PATH.read_bytes()
    missing = strings_missing_from_the_catalogue(tmp_path, monkeypatch, settings, extra_source=probe)
    assert missing == ["A sentence nobody translated"]
    assert PO_PATH.read_bytes() == before
