"""The manifest covers every input a run reads, and `lngswap verify` says what changed."""

from __future__ import annotations

import json

import yaml
from typer.testing import CliRunner

from lngswap.cli import app

runner = CliRunner()

BAN = {"rules": [{"id": "toy-ban", "kind": "ban", "description": "no Aland LNG in Japan",
                  "source": "toy", "from": "2026-01-01", "adherents": ["JP"],
                  "origin": {"countries": ["Aland"]}}]}


def said(r) -> str:
    return (r.stdout or "") + (r.stderr or "")


def ruled_run(toy, tmp_path):
    """A toy case extending a parent case, with a rule file outside the dataset, run once."""
    (tmp_path / "rules.yaml").write_text(yaml.safe_dump(BAN, sort_keys=False))
    child = toy(days=4, rules={"files": ["rules.yaml"]})
    parent = tmp_path / "parent.yaml"
    parent.write_text("description: the parent\n")
    doc = yaml.safe_load(child.read_text())
    doc["extends"] = str(parent)
    child.write_text(yaml.safe_dump(doc, sort_keys=False))
    out = tmp_path / "run"
    r = runner.invoke(app, ["run", str(child), "--out", str(out)])
    assert r.exit_code == 0, said(r)
    return out, json.loads((out / "manifest.json").read_text())


def test_manifest_hashes_case_parents_rules_and_every_dataset_file(toy, tmp_path):
    out, man = ruled_run(toy, tmp_path)
    keys = set(man["inputs"])
    assert {"case/toy.yaml", "case/extends/1/parent.yaml", "rules/rules.yaml"} <= keys
    assert {f"dataset/{n}.csv" for n in ("sources", "fleet", "routes", "prices")} <= keys
    assert set(man["input_paths"]) == keys
    assert all(v.startswith("sha256:") for v in man["inputs"].values())


def test_verify_passes_an_untouched_run_and_names_each_change(toy, tmp_path):
    out, _man = ruled_run(toy, tmp_path)
    r = runner.invoke(app, ["verify", str(out)])
    assert r.exit_code == 0, said(r)
    assert "unchanged" in said(r)
    (tmp_path / "rules.yaml").write_text(yaml.safe_dump(BAN).replace("JP", "KR"))
    (tmp_path / "parent.yaml").write_text("description: edited\n")
    (out / "schedule.csv").write_text("tampered\n")
    (out / "markets.csv").unlink()
    (out / "extra.txt").write_text("x")
    r = runner.invoke(app, ["verify", str(out)])
    assert r.exit_code == 1
    text = said(r)
    for what in ("input rules/rules.yaml", "input case/extends/1/parent.yaml",
                 "output schedule.csv: changed", "output markets.csv: missing",
                 "output extra.txt: not written by this run"):
        assert what in text, text
    assert "case/toy.yaml" not in text  # the case file itself is unchanged


def test_verify_refuses_a_folder_that_is_not_a_run(tmp_path):
    (tmp_path / "mine").mkdir()
    r = runner.invoke(app, ["verify", str(tmp_path / "mine")])
    assert r.exit_code == 2
    assert "no manifest.json" in said(r)
