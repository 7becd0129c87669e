"""Every entry of the catalogue of bad inputs gets what it must: the documented exit code, a
message naming the file and row or key (no traceback), nothing written; and docs/errors.md
records exactly what the tool says today."""

from __future__ import annotations

import pytest
from catalogue import CATALOGUE, DOC, documented, render, run_entry

DOCUMENTED = documented()


@pytest.mark.parametrize("entry", CATALOGUE, ids=[e.id for e in CATALOGUE])
def test_bad_input_gets_its_message(entry, tmp_path):
    code, msg = run_entry(entry, tmp_path)
    assert "Traceback" not in msg
    assert code == entry.code, msg
    for name in entry.names:
        assert name in msg, f"{name!r} not in: {msg}"
    if entry.out:
        assert not (tmp_path / entry.out).exists()
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]
    assert DOCUMENTED.get(entry.id) == (code, msg), (
        f"docs/errors.md is out of date for {entry.id}; run `python tests/catalogue.py`")


def test_catalogue_page_lists_every_entry_and_the_bounds():
    assert set(DOCUMENTED) == {e.id for e in CATALOGUE}
    assert len(CATALOGUE) >= 20
    results = {e.id: DOCUMENTED[e.id] for e in CATALOGUE}
    assert DOC.read_text(encoding="utf-8") == render(results)
