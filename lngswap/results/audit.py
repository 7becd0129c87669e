"""`lngswap check`: audit any schedule CSV against a case's compliance rules and data.

A schedule has one row per cargo leg with at least `cargo_id, source, destination, load_date,
arrival_date` (the columns of the model's own `schedule.csv`); rules that test contract terms,
buyers, prices or volumes also need `term`, `owner`, `price_usd_per_mmbtu` and
`delivered_mmbtu`. Legs with `fraction` 0 are skipped. Origins are looked up in the case's
dataset by source slug (country and tags), destinations by terminal slug (market, party).

A reload is a leg of a cargo that loads on or after the day the same cargo arrived at another
terminal: it breaks a `transshipment_ban` when the first terminal is an adherent's and the
onward destination is not.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from lngswap.areas.rules import (
    MM,
    POLICY_LABEL,
    Legs,
    cap_level,
    leg_dates,
    match,
    node_mask,
    origin_mask,
    period_labels,
    period_share,
)
from lngswap.errors import InputError, Problems
from lngswap.inputs.calendar import Calendar
from lngswap.inputs.rules_schema import (
    DEFAULT_DATE_BASIS,
    DEFAULT_PARTY_BASIS,
    LoadedRule,
    load_rule_set,
)
from lngswap.units import mt_to_tbtu

REQUIRED = ["cargo_id", "source", "destination", "load_date", "arrival_date"]
VIOLATION_COLUMNS = ["row", "cargo_id", "rule_id", "kind", "legal_basis", "why"]
MIN_FRACTION = 1e-6
CAP_TOL_MMBTU = 1.0


def _needed(rules: list[LoadedRule]) -> list[str]:
    """Columns the active rules need beyond the required ones."""
    need = []
    for lr in rules:
        r = lr.rule
        if r.terms:
            need.append("term")
        if (r.party_basis or DEFAULT_PARTY_BASIS[r.kind]) != "destination":
            need.append("owner")
        if r.kind == "price_cap":
            need.append("price_usd_per_mmbtu")
        if r.kind == "volume_cap":
            need.append("delivered_mmbtu")
    return list(dict.fromkeys(need))


def read_schedule(path: Path, rules: list[LoadedRule], ds) -> tuple[pd.DataFrame, Legs]:
    """Read a schedule CSV and turn its rows into legs; InputError names every bad cell."""
    if not path.exists():
        raise InputError(f"{path}: schedule file not found")
    try:
        sch = pd.read_csv(path, dtype=str, keep_default_na=False)
    except Exception as e:  # noqa: BLE001 - any parse failure is a bad file
        raise InputError(f"{path}: cannot be read as CSV: {e}") from None
    missing = [c for c in [*REQUIRED, *_needed(rules)] if c not in sch.columns]
    if missing:
        raise InputError(f"{path}: missing column(s) {', '.join(missing)} (a schedule has the "
                         "columns of schedule.csv)")
    p = Problems()
    sch = sch.copy()
    sch["row"] = np.arange(len(sch)) + 2  # as a spreadsheet shows it: header = row 1
    for col in ("load_date", "arrival_date"):
        raw = sch[col].str.strip()
        sch[col] = pd.to_datetime(raw, format="%Y-%m-%d", errors="coerce")
        for i in sch.index[sch[col].isna()][:5]:
            p.add(f"{path} row {i + 2}, column '{col}': {raw[i]!r} is not an ISO date")
    for col in ("fraction", "price_usd_per_mmbtu", "delivered_mmbtu"):
        if col in sch.columns:
            raw = sch[col].str.strip()
            sch[col] = pd.to_numeric(raw, errors="coerce")
            for i in sch.index[sch[col].isna()][:5]:
                p.add(f"{path} row {i + 2}, column '{col}': {raw[i]!r} is not a number")
    _check_legs(path, sch, p)
    src = ds.sources.set_index("source")
    for i in sch.index[~sch["source"].isin(src.index)][:5]:
        p.add(f"{path} row {i + 2}, column 'source': unknown source {sch.at[i, 'source']!r}")
    terms = ds.terminals.reset_index(drop=True)
    pos = pd.Series(np.arange(len(terms)), index=terms["terminal"])
    for i in sch.index[~sch["destination"].isin(pos.index)][:5]:
        p.add(f"{path} row {i + 2}, column 'destination': unknown terminal "
              f"{sch.at[i, 'destination']!r}")
    if "term" in sch.columns:
        for i in sch.index[~sch["term"].isin(["long", "short", "spot"])][:5]:
            p.add(f"{path} row {i + 2}, column 'term': {sch.at[i, 'term']!r}; expected long, "
                  "short or spot")
    p.raise_if_any()
    if "fraction" in sch.columns:
        sch = sch[sch["fraction"] > MIN_FRACTION].reset_index(drop=True)
    cargo = pd.DataFrame({
        "source": sch["source"].to_numpy(),
        "country": src["country"].reindex(sch["source"]).to_numpy(),
        "tags": src["tags"].reindex(sch["source"]).to_numpy(),
        "term": sch["term"].to_numpy() if "term" in sch.columns else "spot",
        "owner": sch["owner"].to_numpy() if "owner" in sch.columns else "spot",
        "price_usd_per_mmbtu": (sch["price_usd_per_mmbtu"].to_numpy(dtype=float)
                                if "price_usd_per_mmbtu" in sch.columns else np.nan),
    })
    legs = Legs(cargo=cargo, nodes=terms[["terminal", "country", "market", "party"]],
                c=np.arange(len(sch)), n=pos.reindex(sch["destination"]).to_numpy(),
                load=sch["load_date"].to_numpy(dtype="datetime64[D]"),
                arrival=sch["arrival_date"].to_numpy(dtype="datetime64[D]"))
    return sch, legs


def _check_legs(path: Path, sch: pd.DataFrame, p: Problems) -> None:
    """A leg carries a share in [0, 1] of its cargo and arrives on or after it is loaded."""
    if "fraction" in sch.columns:
        f = sch["fraction"]
        for i in sch.index[f.notna() & ~f.between(0.0, 1.0)][:5]:
            p.add(f"{path} row {i + 2}, column 'fraction': {f[i]:g} is outside [0, 1] (the "
                  "share of the cargo on this leg)")
    early = sch["arrival_date"] < sch["load_date"]
    for i in sch.index[early.fillna(False).astype(bool)][:5]:
        p.add(f"{path} row {i + 2}, column 'arrival_date': {sch.at[i, 'arrival_date']:%Y-%m-%d} "
              f"is before load_date {sch.at[i, 'load_date']:%Y-%m-%d}; a leg arrives after "
              "it is loaded")


def _row(sch: pd.DataFrame, i: int, lr: LoadedRule, why: str) -> dict:
    r = lr.rule
    return {"row": int(sch.at[i, "row"]), "cargo_id": sch.at[i, "cargo_id"], "rule_id": r.id,
            "kind": r.kind, "legal_basis": POLICY_LABEL if r.basis == "policy_option" else "law",
            "why": why}


def _leg_text(sch: pd.DataFrame, legs: Legs, i: int) -> str:
    node = legs.nodes.iloc[legs.n[i]]
    return (f"{sch.at[i, 'source']} ({legs.cargo.at[i, 'country']}) to {node['terminal']} "
            f"({node['market']}, {node['party']}), loaded {str(legs.load[i])}, arriving "
            f"{str(legs.arrival[i])}")


def _leg_violations(sch, legs, lr: LoadedRule) -> list[dict]:
    """Bans, sanctioned entities and price caps: every covered leg is a violation."""
    r = lr.rule
    out = []
    basis = r.date_basis or DEFAULT_DATE_BASIS[r.kind]
    period = f"from {r.from_}" + (f" to {r.to}" if r.to else "")
    what = {"ban": "import ban", "sanctioned_entity": "sanctions", "price_cap": "price cap"}
    for i in np.flatnonzero(match(lr, legs)):
        why = (f"{_leg_text(sch, legs, i)}: {what.get(r.kind, r.kind)} in force {period} "
               f"(tested on the {basis} date)")
        if r.terms:
            why += f"; term {legs.cargo.at[i, 'term']}"
        if r.kind == "price_cap":
            cap = cap_level(lr, leg_dates(r, legs)[[i]])[0]
            why += (f"; price {legs.cargo.at[i, 'price_usd_per_mmbtu']:.4g} USD/MMBtu above the "
                    f"cap {cap:.4g}")
        out.append(_row(sch, i, lr, why + f"; adherents {', '.join(lr.adherents)}"))
    return out


def _reload_violations(sch, legs, lr: LoadedRule) -> list[dict]:
    """Transshipment bans: a covered cargo arriving at an adherent's terminal and loading
    again, for a destination outside the adherents, inside the rule's dates."""
    r = lr.rule
    ok_origin = origin_mask(r, legs.cargo)
    hub = node_mask(lr, legs.nodes)[legs.n] & ok_origin
    outside = ~np.isin(legs.nodes["party"].to_numpy()[legs.n], lr.adherents)
    start = np.datetime64(r.from_, "D")
    end = np.datetime64(r.to, "D") if r.to else np.datetime64("9999-12-31")
    out = []
    for cid, g in sch.groupby("cargo_id", sort=False):
        idx = g.index.to_numpy()
        for h in idx[hub[idx]]:
            for o in idx[outside[idx]]:
                if (legs.load[o] >= legs.arrival[h] and legs.load[o] > legs.load[h]
                        and start <= legs.load[o] <= end):
                    term = legs.nodes.iloc[legs.n[h]]["terminal"]
                    why = (f"cargo {cid} arrived at {term} on {legs.arrival[h]} and was "
                           f"reloaded for {_leg_text(sch, legs, o)}: transshipment of this "
                           f"origin at {', '.join(lr.adherents)} terminals is banned from "
                           f"{r.from_}")
                    out.append(_row(sch, o, lr, why))
    return out


def _cap_violations(sch, legs, lr: LoadedRule, cal: Calendar) -> list[dict]:
    """Volume caps: per period, deliveries of the covered origin above the cap; the row named
    is the leg at which the running total passes it."""
    r = lr.rule
    when = leg_dates(r, legs)
    covered = match(lr, legs)
    vol = sch["delivered_mmbtu"].to_numpy(dtype=float)
    per = period_labels(r.per, when)
    out = []
    for label in sorted(set(per[covered])):
        s = np.flatnonzero(covered & (per == label))
        s = s[np.lexsort((sch["row"].to_numpy()[s], when[s]))]
        if r.max_share is not None:
            dest = node_mask(lr, legs.nodes)[legs.n] & (per == label) & (
                when >= np.datetime64(r.from_, "D"))
            if r.to:
                dest = dest & (when <= np.datetime64(r.to, "D"))
            cap = r.max_share * vol[dest].sum()
            what = f"{r.max_share:g} of {vol[dest].sum():,.0f} MMBtu imported"
        else:
            cap = (r.max_mmbtu if r.max_mmbtu is not None else mt_to_tbtu(r.max_mt) * MM)
            cap *= period_share(r.per, label, r, cal)
            what = f"{cap:,.0f} MMBtu"
        total = np.cumsum(vol[s])
        if total[-1] > cap + CAP_TOL_MMBTU:
            i = s[int(np.argmax(total > cap + CAP_TOL_MMBTU))]
            why = (f"deliveries covered by the cap in {label}: {total[-1]:,.0f} MMBtu above the "
                   f"cap of {what}; the running total passes it at this leg "
                   f"({_leg_text(sch, legs, i)})")
            out.append(_row(sch, i, lr, why))
    return out


def audit_schedule(schedule_path: str | Path, case_path: str | Path) -> pd.DataFrame:
    """Every leg of a schedule that breaks a rule of the case, one row per (leg, rule):
    `row` (as a spreadsheet numbers it), `cargo_id`, `rule_id`, `kind`, `legal_basis`, `why`.

    Raises InputError on a missing or malformed schedule, case or rule file."""
    from lngswap.inputs.case import load_case
    from lngswap.inputs.dataset import load_dataset

    path = Path(schedule_path)
    if not path.exists():
        raise InputError(f"{path}: schedule file not found")
    case = load_case(case_path)
    ds = load_dataset(case.dataset)
    rules = [lr for lr in load_rule_set(case, ds) if lr.on]
    sch, legs = read_schedule(path, rules, ds)
    cal = Calendar(case.horizon.start, case.horizon.days)
    found: list[dict] = []
    for lr in rules:
        if lr.kind == "transshipment_ban":
            found += _reload_violations(sch, legs, lr)
        elif lr.kind == "volume_cap":
            found += _cap_violations(sch, legs, lr, cal)
        else:
            found += _leg_violations(sch, legs, lr)
    df = pd.DataFrame(found, columns=VIOLATION_COLUMNS)
    df = df.sort_values(["row", "rule_id"], kind="stable").reset_index(drop=True)
    df.attrs["legs"] = int(len(sch))
    df.attrs["rules"] = [lr.id for lr in rules]
    df.attrs["schedule"] = str(path)
    return df


def print_violations(df: pd.DataFrame, console) -> None:
    """Print each violation (row, rule, why) and a one-line verdict."""
    legs, rules = df.attrs.get("legs", "?"), df.attrs.get("rules", [])
    where = df.attrs.get("schedule", "schedule")
    for v in df.itertuples(index=False):
        label = "" if v.legal_basis == "law" else f" [{v.legal_basis}]"
        console.print(f"row {v.row}: {v.cargo_id}: {v.rule_id} ({v.kind}){label}: {v.why}",
                      markup=False)
    if len(df):
        console.print(f"{where}: {len(df)} violation(s) of {df['rule_id'].nunique()} rule(s) "
                      f"in {legs} legs", markup=False)
    else:
        console.print(f"{where}: no violations ({legs} legs checked against "
                      f"{len(rules)} rule(s): {', '.join(rules) or 'none'})", markup=False)
