"""Translations are read, never written: the checkout reads its .po, an installed wheel its .mo
compiled at build time (kiosk.i18n.compile_catalogs, called by setup.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

import kiosk.i18n as i18n

PO = 'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "Next"\nmsgstr "Weiter"\n'


@pytest.fixture
def locale(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    return tmp_path


def test_a_checkout_reads_the_po_and_writes_nothing(locale: Path) -> None:
    po = locale / "de" / "LC_MESSAGES" / "kiosk.po"
    po.parent.mkdir(parents=True)
    po.write_text(PO, encoding="utf-8")
    (locale / "de" / "LC_MESSAGES" / "kiosk.mo").write_bytes(i18n.compile_po(PO.replace("Weiter", "Alt")))
    before = sorted(p.name for p in locale.rglob("*"))
    assert i18n.catalog("de").gettext("Next") == "Weiter"  # the .po wins over a stale .mo
    assert sorted(p.name for p in locale.rglob("*")) == before


def test_an_install_reads_the_compiled_catalog(locale: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    source = tmp_path_factory.mktemp("source")
    (source / "de" / "LC_MESSAGES").mkdir(parents=True)
    (source / "de" / "LC_MESSAGES" / "kiosk.po").write_text(PO, encoding="utf-8")
    written = i18n.compile_catalogs(source, locale)
    assert written == [locale / "de" / "LC_MESSAGES" / "kiosk.mo"]
    assert i18n.catalog("de").gettext("Next") == "Weiter"
    assert i18n.catalog("zh").gettext("Next") == "Next"  # no catalog: English, no crash
