"""Compliance rules on the toy world: each kind blocks exactly what it covers, and its cost.

Toy world (tests/conftest.py): src-a (tag `aland`, 2 days to JP, 3 to KR) and src-b (tag
`bland`, 3 days to JP, 2 to KR), both 2 days from the rest of the world (row-x).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import EVERY_5_DAYS_MTPA, START, rule, rules_file, world
from typer.testing import CliRunner

import lngswap
from lngswap.areas.extensions import apply_extensions
from lngswap.cli import app
from lngswap.errors import InputError
from lngswap.inputs.case import load_case
from lngswap.inputs.dataset import load_dataset
from lngswap.paths import bundled_models_dir
from lngswap.tables.indices import build_model_data
from lngswap.units import MMBTU_PER_T, T_PER_M3

CARGO_MMBTU = 100_000 * T_PER_M3 * MMBTU_PER_T
runner = CliRunner()


def contract(name: str, owner: str, seller: str, share: float, term: str, price: float) -> dict:
    """A fixed-price contract for `share` of a toy source's output."""
    return {"contract": name, "owner": owner, "market": owner, "seller": seller,
            "acq_mtpa": EVERY_5_DAYS_MTPA * share, "term": term, "start_date": "2020-01-01",
            "end_date": "2030-12-31", "price_formula": "fixed", "index": "", "slope": 0.0,
            "constant_usd_per_mmbtu": price, "destination": "DES",
            "cancel_fee_usd_per_mmbtu": 0.0}


def build(case: Path, sets: list[str] | None = None):
    c = load_case(case, sets)
    ds = load_dataset(c.dataset)
    md = build_model_data(c, ds)
    apply_extensions(md, ds)
    return md


def arc_frame(md) -> pd.DataFrame:
    a, c, n = md.arcs, md.cargo, md.nodes
    return pd.DataFrame({
        "source": c["source"].to_numpy()[a["cargo"]], "term": c["term"].to_numpy()[a["cargo"]],
        "owner": c["owner"].to_numpy()[a["cargo"]],
        "price": c["price_usd_per_mmbtu"].to_numpy()[a["cargo"]],
        "terminal": n["terminal"].to_numpy()[a["node"]], "arrival": a["arrival_day"],
        "load": a["load_day"]})


def closed(md, rid: str) -> np.ndarray:
    mask = np.zeros(len(md.arcs), dtype=bool)
    mask[md.extras["rules"].closed.get(rid, [])] = True
    return mask


def solve(case: Path, sets: list[str] | None = None):
    return lngswap.solve(load_case(case, sets))


def comp_row(res, rid: str) -> pd.Series:
    return res.tables["compliance"].set_index("rule_id").loc[rid]


# --- each kind covers exactly its arcs --------------------------------------------------

def test_ban_blocks_exactly_its_arcs_and_prices_them(toy, tmp_path):
    """A JP ban on src-a closes every src-a -> jp-t arc and nothing else. JP then buys from
    src-b; the ban binds, and its shadow cost bounds from above what lifting it saves."""
    rf = rules_file(tmp_path, [rule("ban-a", "ban")])
    case = toy(world, rules={"files": [str(rf)]})
    md = build(case)
    arcs = arc_frame(md)
    want = (arcs["source"] == "src-a") & (arcs["terminal"] == "jp-t")
    assert want.any()
    np.testing.assert_array_equal(closed(md, "ban-a"), want.to_numpy())
    res = solve(case)
    sch = res.schedule
    assert sch[(sch["source"] == "src-a") & (sch["destination"] == "jp-t")].empty
    assert not sch[(sch["source"] == "src-b") & (sch["destination"] == "jp-t")].empty
    row = comp_row(res, "ban-a")
    assert row["status"] == "binding"
    assert row["blocked_cargoes"] > 0
    assert row["arcs_closed"] == int(want.sum())
    free = solve(case, ["rules.disable=[ban-a]"])
    assert comp_row(free, "ban-a")["status"] == "off"
    saving = res.summary["objective_usd"] - free.summary["objective_usd"]
    assert saving > 0
    assert row["shadow_cost_usd"] >= saving - 1e-3 * abs(saving)
    assert res.summary["compliance_cost_usd"] >= saving - 1e-3 * abs(saving)


def test_dated_ban_applies_only_inside_its_dates(toy, tmp_path):
    """Dated on arrival: only src-a -> jp-t arcs arriving from 2026-01-07 to 2026-01-10 (days
    6-9; src-a cargoes reach jp-t on days 3, 8 and 13)."""
    rf = rules_file(tmp_path, [rule("ban-a", "ban", **{"from": "2026-01-07",
                                                       "to": "2026-01-10"})])
    md = build(toy(world, days=14, rules={"files": [str(rf)]}))
    arcs = arc_frame(md)
    inside = arcs["arrival"].between(6, 9)
    want = (arcs["source"] == "src-a") & (arcs["terminal"] == "jp-t") & inside
    assert want.any()
    assert ((arcs["source"] == "src-a") & (arcs["terminal"] == "jp-t") & ~inside).any()
    np.testing.assert_array_equal(closed(md, "ban-a"), want.to_numpy())


def test_terms_split_short_and_long_on_their_own_dates(toy, tmp_path):
    """As the EU split: spot/short cargoes banned from day 3, long-term ones from day 8."""

    def edit(t):
        world(t)
        t["contracts"] = [contract("jp-a", "JP", "src-a", 0.5, "long", 3.0)]

    rf = rules_file(tmp_path, [
        rule("short", "ban", terms=["short", "spot"], **{"from": "2026-01-04"}),
        rule("long", "ban", terms=["long"], **{"from": "2026-01-09"})])
    md = build(toy(edit, days=14, rules={"files": [str(rf)]}))
    arcs = arc_frame(md)
    to_jp = (arcs["source"] == "src-a") & (arcs["terminal"] == "jp-t")
    assert set(arcs.loc[to_jp, "term"]) == {"long", "spot"}
    np.testing.assert_array_equal(
        closed(md, "short"), (to_jp & (arcs["term"] == "spot") & (arcs["arrival"] >= 3)).to_numpy())
    np.testing.assert_array_equal(
        closed(md, "long"), (to_jp & (arcs["term"] == "long") & (arcs["arrival"] >= 8)).to_numpy())


def test_sanctioned_entity_covers_buyer_and_destination(toy, tmp_path):
    """Sanctions on src-b for JP and KR: no src-b arc into jp-t or kr-t, and a KR-owned
    src-b cargo may not be resold to the rest of the world either; spot src-b may."""

    def edit(t):
        world(t)
        t["contracts"] = [contract("kr-b", "KR", "src-b", 0.5, "long", 3.0)]

    rf = rules_file(tmp_path, [rule("sdn-b", "sanctioned_entity", adherents=["JP", "KR"],
                                    origin={"sources": ["src-b"]})])
    case = toy(edit, rules={"files": [str(rf)]})
    md = build(case)
    arcs = arc_frame(md)
    b = arcs["source"] == "src-b"
    want = b & (arcs["terminal"].isin(["jp-t", "kr-t"]) | (arcs["owner"] == "KR"))
    assert (b & (arcs["terminal"] == "row-x") & (arcs["owner"] == "spot")).any()
    np.testing.assert_array_equal(closed(md, "sdn-b"), want.to_numpy())
    sch = solve(case).schedule
    planned = sch[sch["status"] == "planned"]
    assert planned[(planned["source"] == "src-b") & (planned["owner"] == "KR")].empty
    assert planned[(planned["source"] == "src-b")
                   & planned["party"].isin(["JP", "KR"])].empty


@pytest.mark.parametrize(("parity", "blocked"), [(5.8, True), (5.0, False)])
def test_price_cap_excludes_above_and_keeps_below(toy, tmp_path, parity, blocked):
    """Cap 29 USD/bbl = 5.0 USD/MMBtu at 5.8 MMBtu/bbl (5.8 at parity 5.0): a JP contract
    at 5.5 is excluded at parity 5.8 and kept at 5.0; one at 3.0 and spot (2.0) always kept."""

    def edit(t):
        world(t)
        t["contracts"] = [contract("jp-dear", "JP", "src-a", 0.25, "long", 5.5),
                          contract("jp-cheap", "JP", "src-a", 0.25, "long", 3.0)]

    rf = rules_file(tmp_path, [rule(
        "cap", "price_cap", basis="policy_option",
        description="Policy option: a cap on src-a LNG",
        caps=[{"from": START, "usd_per_bbl": 29.0, "source": "test"}])])
    md = build(toy(edit, days=30, rules={"files": [str(rf)],
                                         "oil_parity_mmbtu_per_bbl": parity}))
    arcs = arc_frame(md)
    want = (arcs["price"] > 29.0 / parity) & (arcs["source"] == "src-a")
    assert (arcs["price"] == 5.5).any()
    assert (arcs["price"] == 3.0).any()
    assert (arcs["price"] == 2.0).any()
    assert want.any() == blocked
    np.testing.assert_array_equal(closed(md, "cap"), want.to_numpy())


def test_policy_option_is_labelled_and_off_unless_enabled(toy, tmp_path):
    """A policy option with `enabled: false` is off until the case enables it, and
    compliance.csv labels it as not law."""
    rf = rules_file(tmp_path, [rule(
        "cap", "price_cap", basis="policy_option", enabled=False,
        description="POLICY OPTION: cap", caps=[{"from": START, "usd_per_mmbtu": 1.0,
                                                  "source": "t"}])])
    case = toy(world, rules={"files": [str(rf)]})
    assert not closed(build(case), "cap").any()
    md = build(case, ["rules.enable=[cap]"])
    assert closed(md, "cap").any()
    res = solve(case, ["rules.enable=[cap]"])
    assert comp_row(res, "cap")["legal_basis"] == "policy option (not law)"
    assert res.summary["compliance"]["policy_options_on"] == ["cap"]


def test_adherents_override(toy, tmp_path):
    """A case changes who adheres: the JP ban extended to KR, or KR joining every rule."""
    rf = rules_file(tmp_path, [rule("ban-a", "ban")])
    case = toy(world, rules={"files": [str(rf)]})
    for sets in (["rules.adherents={ban-a: [JP, KR]}"], ["rules.add_adherents=[KR]"]):
        md = build(case, sets)
        arcs = arc_frame(md)
        want = (arcs["source"] == "src-a") & arcs["terminal"].isin(["jp-t", "kr-t"])
        np.testing.assert_array_equal(closed(md, "ban-a"), want.to_numpy())
    assert not closed(build(case, ["rules.drop_adherents=[JP]"]), "ban-a").any()


# --- volume caps: the dual is the price of the cap ---------------------------------------

def cap_case(toy, tmp_path, mmbtu: float) -> Path:
    rf = rules_file(tmp_path, [rule("cap-a", "volume_cap", max_mmbtu=float(mmbtu), per="horizon")],
                    name=f"cap-{mmbtu:.0f}.yaml")
    return toy(world, days=14, name=f"cap{mmbtu:.0f}", rules={"files": [str(rf)]})


def test_volume_cap_limits_deliveries(toy, tmp_path):
    """src-a deliveries to JP stay within the cap; without it JP takes more from src-a."""
    free = solve(toy(world, days=14, name="free"))
    sch = free.schedule
    uncapped = sch.loc[(sch["source"] == "src-a") & (sch["market"] == "JP"),
                       "delivered_mmbtu"].sum()
    cap = 0.5 * uncapped
    res = solve(cap_case(toy, tmp_path, cap))
    s = res.schedule
    got = s.loc[(s["source"] == "src-a") & (s["market"] == "JP"), "delivered_mmbtu"].sum()
    assert got == pytest.approx(cap, rel=1e-6)
    assert comp_row(res, "cap-a")["status"] == "binding"


def test_volume_cap_shadow_price_equals_objective_change(toy, tmp_path):
    """Raise a binding cap by a small step and re-solve: the objective falls by the cap's
    shadow price (USD/MMBtu) times the step (MMBtu)."""
    free = solve(toy(world, days=14, name="free"))
    sch = free.schedule
    cap = 0.5 * sch.loc[(sch["source"] == "src-a") & (sch["market"] == "JP"),
                        "delivered_mmbtu"].sum()
    step = 1_000.0
    a = solve(cap_case(toy, tmp_path, cap))
    b = solve(cap_case(toy, tmp_path, cap + step))
    price = comp_row(a, "cap-a")["shadow_price_usd_per_mmbtu"]
    assert price > 0.1
    change = a.summary["objective_usd"] - b.summary["objective_usd"]
    assert change == pytest.approx(price * step, rel=1e-4)


def test_volume_cap_as_share_of_imports(toy, tmp_path):
    """src-a at most 30 % of JP's imports over the horizon."""
    rf = rules_file(tmp_path, [rule("share-a", "volume_cap", max_share=0.3, per="horizon")])
    res = solve(toy(world, days=14, rules={"files": [str(rf)]}))
    s = res.schedule[res.schedule["market"] == "JP"]
    total = s["delivered_mmbtu"].sum()
    assert total > 0
    assert s.loc[s["source"] == "src-a", "delivered_mmbtu"].sum() <= 0.3 * total + 1e-3


# --- the shipped rule set and the flagship case ------------------------------------------

def test_default_rules_load_and_split_on_their_dates():
    """russia-phaseout.yaml: EU arcs of Russian short-term/spot cargoes are closed from
    2026-04-25, long-term ones only from 2027-01-01 (arrival dates); no other arcs."""
    md = build(bundled_models_dir() / "russia-phaseout.yaml")
    comp = md.extras["rules"]
    assert {lr.id for lr in comp.rules} >= {"eu-transshipment-ban", "eu-ban-short-term",
                                           "eu-ban-long-term", "us-arctic-lng-2",
                                           "ru-lng-price-cap"}
    a, c, n = md.arcs, md.cargo, md.nodes
    ru = c["tags"].str.contains("russia").to_numpy()[a["cargo"]]
    eu = (n["party"] == "EU").to_numpy()[a["node"]]
    term = c["term"].to_numpy()[a["cargo"]]
    arr = md.cal.dates[a["arrival_day"].to_numpy()]
    st = ru & eu & np.isin(term, ["short", "spot"]) & (arr >= pd.Timestamp("2026-04-25"))
    lt = ru & eu & (term == "long") & (arr >= pd.Timestamp("2027-01-01"))
    np.testing.assert_array_equal(closed(md, "eu-ban-short-term"), st)
    np.testing.assert_array_equal(closed(md, "eu-ban-long-term"), lt)
    assert (ru & eu & (term == "long") & (arr >= pd.Timestamp("2026-04-25"))
            & (arr < pd.Timestamp("2027-01-01"))).any()
    assert not closed(md, "ru-lng-price-cap").any()  # a policy option, off by default


# --- bad rule files ----------------------------------------------------------------------

@pytest.mark.parametrize(("edit", "words"), [
    ({"origin": {"sources": ["atlantis"]}}, ["rules.0.origin.sources", "unknown source",
                                             "'atlantis'"]),
    ({"origin": {"tags": ["nowhere"]}}, ["rules.0.origin.tags", "'nowhere'"]),
    ({"adherents": []}, ["rules.0", "no adhering party"]),
    ({"adherents": ["XX"]}, ["rules.0.adherents", "unknown party 'XX'"]),
    ({"from": "2026-02-01", "to": "2026-01-01"}, ["rules.0", "dates reversed"]),
    ({"origin": {}}, ["rules.0.origin", "names nothing"]),
    ({"colour": "red"}, ["rules.0.colour", "unknown key"]),
    ({"kind": "embargo"}, ["rules.0", "kind"]),
    ({"basis": "policy_option"}, ["rules.0", "policy option"]),
])
def test_bad_rule_files_exit_2(toy, tmp_path, edit, words):
    """Each bad rule file fails with exit code 2 and a message naming the file and key."""
    rf = rules_file(tmp_path, [rule("r1", "ban") | edit], name="bad-rules.yaml")
    case = toy(world, rules={"files": [str(rf)]})
    r = runner.invoke(app, ["run", str(case), "--out", str(tmp_path / "out")])
    msg = (r.stdout or "") + (r.stderr or "")
    assert r.exit_code == 2, msg
    assert "bad-rules.yaml" in msg
    for w in words:
        assert w in msg
    assert "Traceback" not in msg
    assert not (tmp_path / "out").exists()


def test_unknown_rule_id_and_missing_file_in_case(toy, tmp_path):
    rf = rules_file(tmp_path, [rule("ban-a", "ban")])
    case = toy(world, rules={"files": [str(rf)], "disable": ["no-such-rule"]})
    with pytest.raises(InputError, match="rules.disable.*'no-such-rule'"):
        build(case)
    case = toy(world, rules={"files": [str(tmp_path / "absent.yaml")]})
    with pytest.raises(InputError, match="absent.yaml: rule file not found"):
        build(case)


def test_run_writes_compliance_and_cost(toy, tmp_path):
    """`lngswap run` writes compliance.csv, and --without-rules switches a rule off."""
    rf = rules_file(tmp_path, [rule("ban-a", "ban"), rule("ban-b", "ban",
                                                          origin={"tags": ["bland"]},
                                                          adherents=["KR"])])
    case = toy(world, rules={"files": [str(rf)]})
    out = tmp_path / "run"
    r = runner.invoke(app, ["run", str(case), "--out", str(out)])
    assert r.exit_code == 0, r.output
    comp = pd.read_csv(out / "compliance.csv")
    assert list(comp.columns[:3]) == ["rule_id", "kind", "status"]
    assert set(comp["status"]) == {"binding"}
    summary = json.loads((out / "summary.json").read_text())
    assert summary["compliance_cost_usd"] > 0
    r = runner.invoke(app, ["run", str(case), "--out", str(out), "--without-rules", "ban-b"])
    assert r.exit_code == 0, r.output
    comp = pd.read_csv(out / "compliance.csv").set_index("rule_id")
    assert comp.loc["ban-b", "status"] == "off"
    assert comp.loc["ban-a", "status"] == "binding"
