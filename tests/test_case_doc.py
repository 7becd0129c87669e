"""The case-file reference matches the code; bundled cases by name; `schema`, `cases`,
`--version`; one example case per event type."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from lngswap.cli import _routes_target, app
from lngswap.errors import InputError
from lngswap.inputs.case import load_case
from lngswap.paths import bundled_models_dir, resolve_case
from lngswap.reports.schema_doc import _tag, event_models, markdown, rule_models

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()


def test_docs_case_file_matches_the_schemas():
    committed = (ROOT / "docs" / "case-file.md").read_text()
    assert committed == markdown(), ("docs/case-file.md is out of date: regenerate it with "
                                     "python -m lngswap.reports.schema_doc > docs/case-file.md")


def test_the_reference_names_every_event_type_rule_kind_and_swap_field():
    text = markdown()
    for m in event_models():
        assert f"### `{_tag(m, 'type')}`" in text
        for key in m.model_fields:
            assert f"| `{key}` |" in text
    for m in rule_models():
        assert f"rule kind `{_tag(m, 'kind')}`" in text
    for key in ("max_outstanding_cargoes", "repay_within_days", "fee_usd_per_mmbtu"):
        assert f"| `{key}` |" in text
    assert "terminal_outage" in text
    assert "fleet_shortage" in text


def test_schema_prints_json_schema_and_refuses_unknown_names():
    r = runner.invoke(app, ["schema"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    assert "events" in doc["properties"]
    assert "source_path" not in doc["properties"]
    r = runner.invoke(app, ["schema", "nonsense"])
    assert r.exit_code == 2
    assert "case, rules, swaps" in r.output


def test_cases_lists_the_bundled_cases_with_descriptions():
    r = runner.invoke(app, ["cases"])
    assert r.exit_code == 0, r.output
    names = [line.split()[0] for line in r.output.splitlines() if line.strip()]
    assert names == sorted(p.stem for p in bundled_models_dir().glob("*.yaml"))
    assert "hormuz-2026" in names
    assert "Hormuz" in r.output


def test_version():
    r = runner.invoke(app, ["--version"])
    assert r.exit_code == 0
    assert r.output.startswith("lngswap ")


def test_a_bundled_case_by_name_from_anywhere(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert resolve_case("hormuz-2026") == bundled_models_dir() / "hormuz-2026.yaml"
    assert resolve_case("hormuz-2026.yaml") == bundled_models_dir() / "hormuz-2026.yaml"
    with pytest.raises(InputError, match="no-such-case.*bundled cases: base"):
        resolve_case("no-such-case")
    r = runner.invoke(app, ["validate", "no-such-case"])
    assert r.exit_code == 2
    assert "hormuz-2026" in r.output
    r = runner.invoke(app, ["run", "--baseline", "nope", "--out", str(tmp_path / "x")])
    assert r.exit_code == 2
    assert "--baseline nope" in r.output


def test_one_commented_example_per_event_type():
    folder = ROOT / "models" / "examples"
    types = set()
    for p in sorted(folder.glob("*.yaml")):
        text = p.read_text()
        assert text.startswith("# Example"), p.name
        case = load_case(p)
        types |= {e.type for e in case.events}
        assert yaml.safe_load(text)["extends"] == "base"
    assert types == {_tag(m, "type") for m in event_models()}


def test_routes_never_targets_the_installed_package():
    inside = Path("/site-packages/lngswap/_bundled/data")
    assert _routes_target(inside, bundled=True) == Path("routes.csv")
    checkout = Path("/src/lngswap-repo/data")
    assert _routes_target(checkout, bundled=True) == checkout / "routes.csv"
