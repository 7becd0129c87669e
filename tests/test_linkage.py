"""Conditional agreements: in force only while the named party adheres to the named rules."""

from __future__ import annotations

import pytest
import yaml

from lngswap.errors import InputError
from lngswap.inputs.case import load_case
from lngswap.inputs.conditions import check_conditions, in_force, with_adherence
from lngswap.inputs.dataset import load_dataset

RULE = {"id": "no-bland", "kind": "ban", "description": "No cargo from Bland.",
        "source": "toy", "from": "2026-01-01", "adherents": ["JP"],
        "origin": {"tags": ["bland"]}}
AGREEMENT = {"name": "jp-kr", "parties": ["JP", "KR"], "direction": "both", "kind": "time",
             "repay_within_days": 5, "max_outstanding_cargoes": 1,
             "conditions": [{"party": "KR", "adheres_to": ["no-bland"]}]}




@pytest.fixture
def linked(toy, tmp_path):
    def make(**keys):
        path = toy(cooperation="swaps", swaps=[AGREEMENT], **keys)
        rules = tmp_path / "data" / "rules"
        rules.mkdir(parents=True, exist_ok=True)
        (rules / "default.yaml").write_text(yaml.safe_dump({"rules": [RULE]}))
        case = load_case(path)
        return case, load_dataset(case.dataset)
    return make


def test_agreement_void_unless_the_party_adheres(linked):
    case, ds = linked()
    assert in_force(case, ds).swaps == []                      # KR does not adhere
    adhering = with_adherence(case, ds, "KR", ["no-bland"], True)
    assert [a.name for a in in_force(adhering, ds).swaps] == ["jp-kr"]
    case2, ds2 = linked(rules={"add_adherents": ["KR"]})
    assert [a.name for a in in_force(case2, ds2).swaps] == ["jp-kr"]
    dropped = with_adherence(case2, ds2, "KR", ["no-bland"], False)
    assert in_force(dropped, ds2).swaps == []


def test_condition_on_an_unknown_rule_names_the_key(linked):
    case, ds = linked()
    bad = case.model_copy(update={"swaps": [case.swaps[0].model_copy(update={
        "conditions": [case.swaps[0].conditions[0].model_copy(update={
            "adheres_to": ["nope"]})]})]})
    with pytest.raises(InputError) as e:
        check_conditions(bad, ds)
    assert "swaps.0.conditions.0.adheres_to" in str(e.value)
    assert "'nope'" in str(e.value)


def test_condition_party_must_be_a_party_of_the_agreement(toy):
    ag = {**AGREEMENT, "conditions": [{"party": "EU", "adheres_to": ["no-bland"]}]}
    with pytest.raises(InputError) as e:
        load_case(toy(cooperation="swaps", swaps=[ag]))
    assert "conditions.0.party 'EU'" in str(e.value)
