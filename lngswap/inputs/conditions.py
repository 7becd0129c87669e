"""Conditional swap agreements: in force only while the named party adheres to named rules.

Adherence is what the case's rule settings say (the rule file's `adherents`, overridden by
`rules.adherents`, `add_adherents`, `drop_adherents`), and a rule switched off binds nobody.
"""

from __future__ import annotations

from lngswap.errors import InputError
from lngswap.inputs.rules_schema import load_rule_set


def _adherents(case, ds) -> dict[str, tuple[bool, tuple[str, ...]]]:
    return {lr.id: (lr.on, lr.adherents) for lr in load_rule_set(case, ds)}


def check_conditions(case, ds) -> None:
    """Raise InputError naming the key of a condition that names an unknown rule id."""
    if not any(ag.conditions for ag in case.swaps):
        return
    rules = _adherents(case, ds)
    bad = []
    for i, ag in enumerate(case.swaps):
        for j, c in enumerate(ag.conditions):
            for rid in c.adheres_to:
                if rid not in rules:
                    bad.append(f"{case.source_path or 'case'}: key 'swaps.{i}.conditions.{j}."
                               f"adheres_to': unknown rule id {rid!r}; rules: "
                               f"{', '.join(sorted(rules)) or 'none'}")
    if bad:
        raise InputError(bad)


def in_force(case, ds):
    """The case with the agreements whose conditions fail removed."""
    if not any(ag.conditions for ag in case.swaps):
        return case
    check_conditions(case, ds)
    rules = _adherents(case, ds)
    keep = [ag for ag in case.swaps if all(
        rules[r][0] and c.party in rules[r][1] for c in ag.conditions for r in c.adheres_to)]
    return case.model_copy(update={"swaps": keep})


def with_adherence(case, ds, party: str, rule_ids: list[str], adhere: bool):
    """The case with `party` adhering (or not) to the named rules, switched on."""
    rules = _adherents(case, ds)
    adh = dict(case.rules.adherents)
    for r in rule_ids:
        now = [p for p in adh.get(r, list(rules[r][1])) if p != party]
        adh[r] = [*now, party] if adhere else now
    drop = [p for p in case.rules.drop_adherents if not (adhere and p == party)]
    add = [p for p in case.rules.add_adherents if adhere or p != party]
    enable = sorted(set(case.rules.enable) | set(rule_ids))
    disable = [r for r in case.rules.disable if r not in rule_ids]
    settings = case.rules.model_copy(update={"adherents": adh, "drop_adherents": drop,
                                             "add_adherents": add, "enable": enable,
                                             "disable": disable})
    return case.model_copy(update={"rules": settings})
