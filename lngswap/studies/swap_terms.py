"""Compare swap terms across scenarios, side by side (`lngswap swap-terms`).

A terms file (YAML) names term sets to try on a case's swap agreement(s)::

    agreement: jp-kr             # optional: the agreement to vary (default: every one)
    scenarios: [cold-winter-asia]  # optional: more cases (names of bundled models or paths)
    require_mutual_benefit: true # optional: the default of every variant (else the case's)
    variants:                    # named term sets, each overriding agreement keys
      - {name: small, max_outstanding_cargoes: 1, repay_within_days: 30}
    grid:                        # or every combination of these values
      max_outstanding_cargoes: [0, 2, 4, 8]
      repay_within_days: [30, 90, 180]

Keys a variant may set: those of `swaps_schema.TERM_KEYS` and `require_mutual_benefit`.
For each scenario the case is solved `isolated` (the reference each party's gain is measured
against) and `pooled` (the cooperative bound), then the swaps model is built once and every
variant is re-solved in place from the previous basis: all terms are bounds, costs, row
bounds or (the fee, in the mutual-benefit rows) coefficients, and each candidate repayment
window has its own rows, switched on by its bound.

For benchmarks, the in-place re-solve is exposed on its own::

    built = build_for_terms(case, variants)           # one model, every candidate window
    runs = resolve_variants(built, variants)           # list[VariantRun], warm-started
    [(r.name, r.seconds, r.iterations, r.warm) for r in runs]

`variants` are dicts (`{"name": ..., "fee_usd_per_mmbtu": 0.5, ...}`) or `Variant`s;
`VariantRun.seconds` is the time to change the model and re-solve it (HiGHS only, no
extraction); the first run of a fresh session is a cold solve (`warm=False`). With
`split=True` each variant gets a second, primal-simplex phase (`split_seconds`) that fixes
the cost at its optimum and picks the plan splitting the gain most evenly between the parties
(an LP's cheapest plans share a gain in many ways; see `split_hook`); `lngswap swap-terms`
always runs it, benchmarks of the re-solve alone need not.

Under `foresight: surprise` every variant (and the isolated reference) keeps the isolated
plan's decisions before the first event: the agreement is invoked by the disruption.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from lngswap import progress
from lngswap.areas.swaps import (
    Reference,
    SwapInputs,
    SwapSetup,
    accounts_of,
    ledger_summary,
    mutual_parties,
    needs_reference,
    surprise_day,
    swap_accounts,
    term_arrays,
)
from lngswap.errors import InputError, Problems, SolveError, describe_validation
from lngswap.inputs.case import Case, load_case
from lngswap.inputs.dataset import Dataset, load_dataset
from lngswap.inputs.files import load_yaml
from lngswap.inputs.swaps_schema import TERM_KEYS, SwapAgreement
from lngswap.paths import bundled_models_dir
from lngswap.results.export import command_manifest
from lngswap.results.writer import check_folder_target, write_folder
from lngswap.solve.highs_backend import HighsSession, Outcome, Status, highs_options
from lngswap.studies.foresight import fix_before
from lngswap.studies.pipeline import Built, build
from lngswap.studies.study import Solved, Study
from lngswap.studies.warm_start import carry_basis
from lngswap.tables.parties import core_accounts, party_list
from lngswap.units import USD_PER_MUSD

VARIANT_KEYS = (*TERM_KEYS, "require_mutual_benefit")
SHORT = {"max_outstanding_cargoes": "cap", "repay_within_days": "repay",
         "fee_usd_per_mmbtu": "fee", "max_cargoes": "yearcap", "direction": "dir",
         "lender_min_stock_share": "keep", "active": "active",
         "require_mutual_benefit": "mb"}
#: A party "gains" only above this many USD (solver noise on billion-dollar totals).
GAIN_TOL_USD = 1e4
#: The split phase keeps the objective within this many million USD of the optimum.
SPLIT_TOL_MUSD = 1e-3


@dataclass(frozen=True)
class Variant:
    """A named set of agreement terms (overrides of the case's agreement keys)."""

    name: str
    terms: dict = field(default_factory=dict)
    agreement: str | None = None
    require_mutual_benefit: bool | None = None


@dataclass
class TermsFile:
    """A parsed terms file."""

    path: Path
    variants: list[Variant]
    scenarios: list[str]


@dataclass
class VariantRun:
    """One variant re-solved in place: its agreements, outcome and timing."""

    name: str
    agreements: list[SwapAgreement]
    mutual_benefit: bool
    outcome: Outcome
    seconds: float
    iterations: int
    warm: bool
    split: Outcome | None = None   # the second phase (the same optimum, least-moved bills)
    split_seconds: float = 0.0


# --- the terms file ------------------------------------------------------------------------

def _label(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace(" ", "")


def as_variant(item: dict | Variant, file: str | Path = "", key: str = "variant") -> Variant:
    """A `Variant` from a dict with `name` and term keys; unknown keys are an InputError
    naming the file and key."""
    if isinstance(item, Variant):
        return item
    where = f"{file}: key '{key}" if file else f"key '{key}"
    if not isinstance(item, dict) or "name" not in item:
        raise InputError(f"{where}': expected a mapping with a 'name' and term keys")
    p = Problems()
    terms, mb = {}, None
    for k, val in item.items():
        if k in ("name", "agreement"):
            continue
        if k == "require_mutual_benefit":
            if not isinstance(val, bool):
                p.add(f"{where}.{k}': expected true or false (got {val!r})")
            mb = val
        elif k in TERM_KEYS:
            terms[k] = val
        else:
            p.add(f"{where}.{k}': unknown key; a variant may set {', '.join(VARIANT_KEYS)}")
    p.raise_if_any()
    return Variant(name=str(item["name"]), terms=terms, agreement=item.get("agreement"),
                   require_mutual_benefit=mb)


class TermsDoc(BaseModel):
    """The top level of a terms file; each variant is checked by `as_variant` and, with its
    terms applied, by the case's own `SwapAgreement` schema."""

    model_config = ConfigDict(extra="forbid")

    variants: list | None = None
    grid: dict | None = None
    agreement: str | None = None
    require_mutual_benefit: bool = False
    scenarios: list[str] | None = None
    description: str | None = None

    @field_validator("require_mutual_benefit", mode="before")
    @classmethod
    def _strict_bool(cls, v):
        if not isinstance(v, bool):
            raise ValueError("expected true or false")
        return v

    @model_validator(mode="after")
    def _has_variants(self) -> TermsDoc:
        if self.variants is None and self.grid is None:
            raise ValueError("expected 'variants:' (a list of named term sets) or 'grid:' "
                             "(a list of values per key)")
        return self


def load_terms(path: str | Path) -> TermsFile:
    """Read and check a terms file (`variants:` and/or `grid:`, optional `agreement:` and
    `scenarios:`)."""
    path = Path(path)
    raw = load_yaml(path, "terms file") or {}
    if not isinstance(raw, dict):
        raise InputError(f"{path}: expected a mapping with 'variants:' or 'grid:'")
    try:
        doc = TermsDoc.model_validate(raw)
    except ValidationError as e:
        raise InputError([f"{path}: {m}" for m in describe_validation(e)]) from None
    p = Problems()
    # file-wide defaults, which a variant's own keys override
    defaults = {k: getattr(doc, k) for k in ("agreement", "require_mutual_benefit")
                if k in doc.model_fields_set}
    variants: list[Variant] = []
    for i, item in enumerate(doc.variants or []):
        if isinstance(item, dict):
            item = {**defaults, **item}
        variants.append(as_variant(item, path, f"variants.{i}"))
    grid = doc.grid or {}
    for k, vals in grid.items():
        if k not in VARIANT_KEYS:
            p.add(f"{path}: key 'grid.{k}': unknown key; a grid may vary "
                  f"{', '.join(VARIANT_KEYS)}")
        elif not isinstance(vals, list) or not vals:
            p.add(f"{path}: key 'grid.{k}': expected a non-empty list of values")
    p.raise_if_any()
    keys = list(grid)
    for combo in itertools.product(*(grid[k] for k in keys)) if keys else []:
        name = "-".join(f"{SHORT.get(k, k)}{_label(v)}" for k, v in zip(keys, combo,
                                                                          strict=True))
        item = {**defaults, "name": name, **dict(zip(keys, combo, strict=True))}
        variants.append(as_variant(item, path, "grid"))
    names = [v.name for v in variants]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise InputError(f"{path}: variant names used twice: {', '.join(dup)}")
    return TermsFile(path=path, variants=variants, scenarios=list(doc.scenarios or []))


def variant_agreements(base: list[SwapAgreement], v: Variant, where: str = "variant"
                       ) -> list[SwapAgreement]:
    """The case's agreements with a variant's terms applied (validated like the case)."""
    names = [ag.name for ag in base]
    if v.agreement is not None and v.agreement not in names:
        raise InputError(f"{where} {v.name!r}: unknown agreement {v.agreement!r}; the case has "
                         f"{', '.join(names)}")
    out = []
    for ag in base:
        if v.agreement is None or ag.name == v.agreement:
            try:
                ag = SwapAgreement.model_validate({**ag.model_dump(), **v.terms})
            except ValidationError as e:
                msgs = [f"{where} {v.name!r}: key '{'.'.join(str(x) for x in err['loc'])}': "
                        f"{err['msg'].removeprefix('Value error, ')}" for err in e.errors()]
                raise InputError(msgs) from None
        out.append(ag)
    return out


# --- build once, re-solve in place ----------------------------------------------------------

def build_for_terms(case: Case, variants: list[dict | Variant], ds: Dataset | None = None,
                    reference: Reference | None = None, study: Study | None = None) -> Built:
    """Build the swaps model of a case with rows for every repayment window the variants use
    (and mutual-benefit rows if any variant asks for them), ready for `resolve_variants`.

    Without `reference`, the isolated reference is solved first (by `study`, or a new one)."""
    t0 = time.perf_counter()
    ds = ds or load_dataset(case.dataset)
    study = study or Study(ds)
    if case.cooperation != "swaps":
        case = case.model_copy(update={"cooperation": "swaps"})
    if not case.swaps:
        raise InputError(f"{case.source_path or case.name}: key 'swaps': the case has no swap "
                         "agreement to vary")
    vs = [as_variant(v) for v in variants]
    windows: dict[str, set[int]] = {}
    for v in vs:
        for ag in variant_agreements(list(case.swaps), v):
            windows.setdefault(ag.name, set()).add(ag.repay_within_days)
    mutual = any(v.require_mutual_benefit for v in vs)
    t_ref = time.perf_counter()
    if reference is None and (needs_reference(case) or mutual):
        reference = study.isolated_reference(case)
    t_ref = time.perf_counter() - t_ref
    inputs = SwapInputs(reference=reference, mutual_rows=mutual,
                        windows={k: sorted(w) for k, w in windows.items()})
    t1 = time.perf_counter()
    built = build(case, ds, inputs, hooks=[split_hook])
    if surprise_day(case, built.md.cal):
        fix_prefix_isolated(built, study)
        built.form = built.lp.matrices()
    built.timings["load"] += t1 - t0 - t_ref
    return built


def fix_prefix_isolated(built: Built, study: Study) -> None:
    """Under `foresight: surprise`, fix the decisions dated before the first event at the
    isolated plan without events: the agreement is invoked by the disruption, so every variant
    starts from the same plan and the isolated run stays feasible in each of them."""
    md, lp = built.md, built.lp
    t0 = surprise_day(md.case, md.cal)
    plan_case = md.case.model_copy(update={"events": [], "cooperation": "isolated"})
    plan = study.solve(plan_case, "plan without events (isolated reference)")
    plan_b, plan_out = plan.built, plan.out
    fix_before(built, plan_b, plan_out, t0)
    # cargoes the isolated plan does not have (only cooperation delivers them) stay unlifted
    ul = lp.vars["unlifted"]
    cargo = ul.index["cargo"].to_numpy()
    known = np.isin(cargo, plan_b.lp.vars["unlifted"].index["cargo"].to_numpy())
    early = md.cargo["load_day"].to_numpy()[cargo] < t0
    pinned = early & ~known & (ul.lb == ul.ub)
    ul.lb[pinned] = ul.ub[pinned] = md.cargo["avail"].to_numpy()[cargo[pinned]]


def split_hook(lp, md, v) -> None:
    r"""Rows to split the gain of a degenerate optimum. An LP of this size has many cheapest
    plans that share the same total cost differently between parties (whose cargo is resold,
    whose is lent), so one optimal vertex says little about who gains. Among the plans within
    `SPLIT_TOL_MUSD` of the optimum, the second phase takes the one that maximises the smaller
    gain of the agreement's parties while the other parties together are no worse off than
    alone (elastic, at a price): :math:`\max\; t - 100\, s` s.t.
    :math:`\text{cost}_P(x) + t \le \text{cost}^{iso}_P` for each party P to the agreement,
    :math:`\sum_{o} \text{cost}_o(x) - s \le \sum_o \text{cost}^{iso}_o`,
    :math:`c^\top x \le z^* + \epsilon`. The rows are free and t, s cost nothing until
    `resolve_variants(split=True)` runs that phase."""
    s: SwapSetup = md.extras["swaps"]
    if s.reference is None:
        return
    acc = core_accounts(md, lp.vars, s.reference.row_price)
    swap_accounts(md, s, acc, [ag.model_copy(update={"fee_usd_per_mmbtu": 0.0})
                               for ag in s.agreements])
    mine = mutual_parties(s)
    others = [p for p in acc.parties if p not in mine]
    A = len(mine)
    v["swap_split_level"] = lp.var("swap_split_level", pd.DataFrame({"what": ["level"]}),
                                   lb=-np.inf)
    v["swap_split_slack"] = lp.var("swap_split_slack", pd.DataFrame({"what": ["others"]}))
    con = lp.con("swap_split", pd.DataFrame({"party": [*mine, "others"]}))
    for block, rows, cols, coefs in acc.total_terms(mine):
        con.add(v[block], rows, cols, coefs)
    for block, rows, cols, coefs in acc.total_terms(others):
        con.add(v[block], np.full(len(rows), A), cols, coefs)
    con.add(v["swap_split_level"], np.arange(A), np.zeros(A, dtype=np.int64), 1.0)
    con.add(v["swap_split_slack"], [A], [0], -1.0)
    obj = lp.con("swap_split_objective", pd.DataFrame({"row": [0]}))
    for blk in lp.vars.values():
        nz = np.flatnonzero(blk.cost)
        if len(nz):
            obj.add(blk, np.zeros(len(nz), dtype=np.int64), nz, blk.cost[nz])


def split_targets(md, lp) -> np.ndarray:
    """Right-hand sides of the split rows: each agreement party's isolated cost, then the
    other parties' together (million USD), in the order of the `swap_split` rows."""
    s: SwapSetup = md.extras["swaps"]
    iso = s.reference.accounts.set_index("party")["total_cost_usd"] / USD_PER_MUSD
    rows = lp.cons["swap_split"].index["party"].tolist()
    mine = rows[:-1]
    others = [p for p in party_list(md) if p not in mine]
    return np.array([iso.get(p, 0.0) for p in mine] + [sum(iso.get(p, 0.0) for p in others)])


def _split_fee_coefs(md, lp, agreements: list[SwapAgreement]) -> list[tuple]:
    """Fee entries of the split rows (borrower +fee, lender -fee) and of the objective row."""
    if "swap_split" not in lp.cons:
        return []
    s: SwapSetup = md.extras["swaps"]
    led = s.ledger
    fee = np.array([agreements[a].fee_usd_per_mmbtu for a in led["a"]], dtype=float)
    ppos = {p: i for i, p in enumerate(mutual_parties(s))}
    rows = np.arange(len(led))
    out = [("swap_split_objective", np.zeros(len(led), dtype=np.int64), "swap_lend", rows, fee)]
    for col, sign in (("borrower", 1.0), ("lender", -1.0)):
        pr = np.array([ppos[p] for p in led[col]], dtype=np.int64)
        out.append(("swap_split", pr, "swap_lend", rows, sign * fee))
    return out


def apply_terms(session: HighsSession, built: Built, agreements: list[SwapAgreement],
                mutual_benefit: bool) -> None:
    """Write a set of terms into the solver's model in place (bounds, costs, coefficients)."""
    md, lp = built.md, built.lp
    s: SwapSetup = md.extras["swaps"]
    t = term_arrays(md, s, agreements, mutual_benefit)
    for name, ub in t.col_ub.items():
        blk = lp.vars[name]
        session.set_col_bounds(blk.offset + np.arange(blk.size), blk.lb, ub)
    for name, cost in t.col_cost.items():
        blk = lp.vars[name]
        session.set_col_costs(blk.offset + np.arange(blk.size), cost)
    for name, hi in t.row_hi.items():
        if name in lp.cons:
            con = lp.cons[name]
            session.set_row_bounds(con.offset + np.arange(con.size), con.lo, hi)
    for con_name, rows, var, cols, vals in t.coefs + _split_fee_coefs(md, lp, agreements):
        if con_name not in lp.cons:
            continue
        r0, c0 = lp.cons[con_name].offset, lp.vars[var].offset
        for r, c, val in zip(rows.tolist(), cols.tolist(), vals.tolist(), strict=True):
            session.h.changeCoeff(r0 + r, c0 + c, val)


def resolve_variants(built: Built, variants: list[dict | Variant],
                     session: HighsSession | None = None, split: bool = False,
                     start: Solved | None = None) -> list[VariantRun]:
    """Re-solve a built swaps model for each variant in place, each from the previous basis,
    and time each one (model change + HiGHS). With `split`, a second phase picks, among the
    cheapest plans, the one that moves each party's bill least (see `split_hook`). `start`
    (e.g. the isolated run) gives the first variant of a new session a basis to begin from."""
    md = built.md
    s: SwapSetup | None = md.extras.get("swaps")
    if s is None:
        raise InputError(f"case {md.case.name}: the model was built without swap agreements "
                         "in force (cooperation: swaps)")
    warm = session is not None
    session = session or HighsSession(built.form, highs_options(md.case.solver))
    if not warm and start is not None and start.out.basis is not None:
        warm = session.set_basis(*carry_basis(start.built.lp, start.out.basis, built.lp,
                                              built.form))
    runs = []
    for i, item in enumerate(variants):
        v = as_variant(item, key=f"variants.{i}")
        ags = variant_agreements(s.agreements, v)
        for k, ag in enumerate(ags):
            if ag.repay_within_days not in s.windows[k] and ag.repay_within_days < md.cal.n:
                raise InputError(f"variant {v.name!r}: repay_within_days "
                                 f"{ag.repay_within_days} has no rows in this model; build it "
                                 "with build_for_terms(case, variants)")
        mb = md.case.require_mutual_benefit if v.require_mutual_benefit is None else bool(
            v.require_mutual_benefit)
        if mb and not s.mutual_rows:
            raise InputError(f"variant {v.name!r}: require_mutual_benefit needs the "
                             "mutual-benefit rows; build with build_for_terms(case, variants)")
        t0 = time.perf_counter()
        progress.step(f"scenario {md.case.name}: variant {v.name}")
        apply_terms(session, built, ags, mb)
        out = session.solve()
        dt = time.perf_counter() - t0
        if out.status != Status.OPTIMAL:
            raise SolveError(f"case {md.case.name}, swap terms {v.name!r}: HiGHS returned "
                             f"{out.model_status}")
        run = VariantRun(v.name, ags, mb, out, dt, out.iterations, warm)
        if split:
            t0 = time.perf_counter()
            run.split = _split_phase(session, built, ags, out, v.name)
            run.split_seconds = time.perf_counter() - t0
        runs.append(run)
        warm = True
    return runs


def _split_phase(session: HighsSession, built: Built, agreements: list[SwapAgreement],
                 out: Outcome, name: str) -> Outcome:
    """Hold the objective at its optimum and split the gain (see `split_hook`); restore."""
    md, lp, form = built.md, built.lp, built.form
    if "swap_split" not in lp.cons:
        raise InputError("the model has no split rows; build it with build_for_terms")
    n = form.shape[1]
    cost = form.cost.copy()
    lend = lp.vars["swap_lend"]
    cost[lend.offset:lend.offset + lend.size] = [
        agreements[a].fee_usd_per_mmbtu for a in md.extras["swaps"].ledger["a"]]
    split_cost = np.zeros(n)
    split_cost[lp.vars["swap_split_level"].offset] = -1.0
    split_cost[lp.vars["swap_split_slack"].offset] = 100.0
    orow = np.array([lp.cons["swap_split_objective"].offset])
    srows = lp.cons["swap_split"].offset + np.arange(lp.cons["swap_split"].size)
    free = np.full(len(srows), np.inf)
    z = out.objective - form.offset
    basis = session.h.getBasis()  # the next variant starts from this phase's optimum
    session.set_row_bounds(orow, [-np.inf], [z + SPLIT_TOL_MUSD + 1e-9 * abs(z)])
    session.set_row_bounds(srows, -free, split_targets(md, lp))
    session.set_col_costs(np.arange(n), split_cost)
    # the optimal basis stays primal feasible under the new objective: primal simplex
    session.h.setOptionValue("simplex_strategy", 4)
    try:
        res = session.solve()
    finally:
        session.h.setOptionValue("simplex_strategy",
                                 int(session.options.get("simplex_strategy", 1)))
    session.set_col_costs(np.arange(n), cost)
    session.set_row_bounds(orow, [-np.inf], [np.inf])
    session.set_row_bounds(srows, -free, free)
    session.h.setBasis(basis)
    if res.status != Status.OPTIMAL:
        raise SolveError(f"case {md.case.name}, swap terms {name!r}: splitting the gain: "
                         f"HiGHS returned {res.model_status}")
    return res


# --- evaluation ----------------------------------------------------------------------------

def _resolve_case(ref: str | Path, base: Path | None = None) -> Path:
    p = Path(ref)
    if p.exists():
        return p
    if base is not None and (base.parent / p).exists():
        return base.parent / p
    bundled = bundled_models_dir() / (p.name if p.suffix else f"{p.name}.yaml")
    if bundled.exists():
        return bundled
    raise InputError(f"scenario {ref!r}: no such case file (a path, or the name of a bundled "
                     "model)")


def _party_figures(accounts: pd.DataFrame, parties: list[str], iso: pd.Series) -> dict:
    acc = accounts.set_index("party")
    row = {}
    for p in parties:
        row[f"unserved_{p}_mmbtu"] = float(acc["unserved_mmbtu"].get(p, 0.0))
        row[f"cost_{p}_usd"] = float(acc["total_cost_usd"].get(p, 0.0))
        row[f"gain_{p}_usd"] = float(iso.get(p, 0.0) - acc["total_cost_usd"].get(p, 0.0))
    return row


def order_variants(variants: list[Variant]) -> list[int]:
    """An order in which consecutive variants differ least (each re-solve then starts from a
    nearby basis): nearest neighbour from the first, distance = steps between values of each
    term in the sorted list of the values the variants use."""
    keys = sorted({k for v in variants for k in v.terms})
    ranks = np.zeros((len(variants), len(keys)))
    for j, k in enumerate(keys):
        vals = sorted({str(v.terms.get(k)) for v in variants},
                      key=lambda x: (not _is_number(x), float(x) if _is_number(x) else 0.0, x))
        pos = {x: i for i, x in enumerate(vals)}
        ranks[:, j] = [pos[str(v.terms.get(k))] for v in variants]
    order, left = [0], set(range(1, len(variants)))
    while left:
        here = ranks[order[-1]]
        nxt = min(left, key=lambda i: (float(np.abs(ranks[i] - here).sum()), i))
        order.append(nxt)
        left.remove(nxt)
    return order if variants else []


def _is_number(x: str) -> bool:
    try:
        float(x)
    except ValueError:
        return False
    return True


def evaluate_scenario(case: Case, variants: list[Variant], ds: Dataset | None = None,
                      study: Study | None = None, pooled_first: bool = False) -> list[dict]:
    """Rows of the terms table for one scenario: isolated, pooled, then every variant (in the
    order given; solved in the order where consecutive variants differ least). Scenarios
    solved side by side alternate `pooled_first`, so that an isolated plan they share is
    solved by one and read from the plan store by the other."""
    ds = ds or load_dataset(case.dataset)
    study = study or Study(ds)
    if not case.swaps:
        raise InputError(f"{case.source_path or case.name}: key 'swaps': the case has no swap "
                         "agreement; add one (see models/hormuz-2026.yaml)")
    if not pooled_first:
        study.isolated_reference(case)
    t0 = time.perf_counter()
    pool = study.solve(case.model_copy(update={"cooperation": "pooled"}), "pooled bound")
    pool_b, pool_out = pool.built, pool.out
    pool_s = time.perf_counter() - t0
    ref = study.isolated_reference(case)
    built = build_for_terms(case, variants, ds, ref, study=study)
    s: SwapSetup = built.md.extras["swaps"]
    parties = mutual_parties(s)
    iso_cost = ref.accounts.set_index("party")["total_cost_usd"]
    iso_sys = ref.objective_usd
    pool_sys = float(pool_out.objective) * USD_PER_MUSD
    pooled_gain = iso_sys - pool_sys
    base = {"scenario": case.name}
    rows = [{**base, "variant": "isolated", **_party_figures(ref.accounts, parties, iso_cost),
             "system_cost_usd": iso_sys, "gain_usd": 0.0, "pooled_share": 0.0,
             "cargoes_swapped": 0.0, "peak_outstanding_cargoes": 0.0, "fees_usd": 0.0,
             "solve_s": ref.seconds, "warm": False},
            {**base, "variant": "pooled",
             **_party_figures(accounts_of(pool_b.md, pool_b.lp, pool_out), parties, iso_cost),
             "system_cost_usd": pool_sys, "gain_usd": pooled_gain, "pooled_share": 1.0,
             "cargoes_swapped": np.nan, "peak_outstanding_cargoes": np.nan, "fees_usd": 0.0,
             "solve_s": pool_s, "warm": False}]
    order = order_variants(variants)
    solved = resolve_variants(built, [variants[i] for i in order], split=True)
    runs: list[VariantRun] = [None] * len(variants)  # type: ignore[list-item]
    for i, run in zip(order, solved, strict=True):
        runs[i] = run
    for run, v in zip(runs, variants, strict=True):
        md, lp, out = built.md, built.lp, run.split or run.outcome
        acc = accounts_of(md, lp, out, run.agreements)
        led = ledger_summary(md, lp, out, run.agreements)
        fees = sum(r["fees_usd"] for r in led)
        # the optimum of the first phase; fees are transfers between the parties
        sys_cost = float(run.outcome.objective) * USD_PER_MUSD - fees
        terms = {k: getattr(run.agreements[0], k) for k in ("max_outstanding_cargoes",
                                                            "repay_within_days",
                                                            "fee_usd_per_mmbtu")}
        extra = {k: (str(val) if k == "active" else val) for k, val in v.terms.items()
                 if k not in terms}
        rows.append({
            **base, "variant": run.name, **terms, **extra,
            "require_mutual_benefit": run.mutual_benefit,
            **_party_figures(acc, parties, iso_cost),
            "system_cost_usd": sys_cost, "gain_usd": iso_sys - sys_cost,
            "pooled_share": ((iso_sys - sys_cost) / pooled_gain
                             if abs(pooled_gain) > GAIN_TOL_USD else np.nan),
            "cargoes_swapped": sum(r["cargoes_lent"] for r in led),
            "peak_outstanding_cargoes": max((r["peak_outstanding_cargoes"] for r in led),
                                            default=0.0) + 0.0,
            "fees_usd": fees, "solve_s": run.seconds, "split_s": run.split_seconds,
            "warm": run.warm, "iterations": run.iterations})
    return rows


def mark_best(table: pd.DataFrame, parties: list[str]) -> pd.DataFrame:
    """Mark, per scenario, the variant whose smaller party gain is largest, if both parties
    gain; and the variant whose smallest gain over parties and scenarios is largest."""
    t = table.copy()
    gains = t[[f"gain_{p}_usd" for p in parties]].min(axis=1)
    t["min_party_gain_usd"] = gains
    t["best_for_both"] = False
    t["best_across_scenarios"] = False
    var = ~t["variant"].isin(["isolated", "pooled"])
    for _, g in t[var].groupby("scenario", sort=False):
        best = g.sort_values(["min_party_gain_usd", "gain_usd"], ascending=False,
                             kind="stable").index[0]
        if g.loc[best, "min_party_gain_usd"] > GAIN_TOL_USD:
            t.loc[best, "best_for_both"] = True
    worst = t[var].groupby("variant", sort=False)["min_party_gain_usd"].min()
    if len(worst) and worst.max() > GAIN_TOL_USD:
        t.loc[var & (t["variant"] == worst.idxmax()), "best_across_scenarios"] = True
    return t


def markdown_table(table: pd.DataFrame, parties: list[str]) -> str:
    """The terms table side by side: one row per variant, a column group per scenario."""
    scen = list(dict.fromkeys(table["scenario"]))
    pa = "/".join(parties)
    head = ["variant", "cap (cargoes)", "repay (days)", "fee ($/MMBtu)"]
    for sc in scen:
        head += [f"{sc}: unserved {pa} (TBtu)", f"{sc}: gain {pa} (M$)", f"{sc}: pooled share",
                 f"{sc}: cargoes / peak", f"{sc}: s"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name, g in table.groupby("variant", sort=False):
        g = g.set_index("scenario")
        first = g.iloc[0]

        def term(k: str, fmt: str, first=first) -> str:
            val = first.get(k, np.nan)
            return "" if pd.isna(val) else format(val, fmt)

        mark = " **best for both**" if bool(g["best_across_scenarios"].any()) else ""
        cells = [f"{name}{mark}", term("max_outstanding_cargoes", "g"),
                 term("repay_within_days", ".0f"), term("fee_usd_per_mmbtu", "g")]
        for sc in scen:
            if sc not in g.index:
                cells += [""] * 5
                continue
            r = g.loc[sc]
            star = " \\*" if bool(r["best_for_both"]) else ""
            un = " / ".join(f"{r[f'unserved_{p}_mmbtu'] / 1e6:.2f}" for p in parties)
            gn = " / ".join(f"{r[f'gain_{p}_usd'] / 1e6:+.1f}" for p in parties)
            if name == "pooled":  # every party pays for what it receives: no split to show
                gn = "n/a"
            share = "" if pd.isna(r["pooled_share"]) else f"{100 * r['pooled_share']:.0f} %"
            cg = ("" if pd.isna(r["cargoes_swapped"]) else
                  f"{r['cargoes_swapped']:.1f} / {r['peak_outstanding_cargoes']:.1f}")
            secs = r["solve_s"] + (0.0 if pd.isna(r.get("split_s")) else r["split_s"])
            cells += [un, gn + star, share, cg, f"{secs:.1f}"]
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    lines.append(f"Gains against `isolated` in million USD ({pa}), fees counted. The cheapest "
                 "plans share a gain between parties in many ways; for each variant the table "
                 "takes the one that maximises the smaller of the two gains while the other "
                 "parties together lose nothing (see `swap_terms.split_hook`). Pooled share: "
                 "the system-wide gain (fees excluded, being transfers) as a share of the "
                 "`pooled` gain; cargoes: energy lent in standard cargoes / peak outstanding; "
                 "\\* best for both parties in that scenario (largest smaller gain); "
                 "**best for both**: largest smaller gain over all scenarios; s: seconds to "
                 "re-solve the variant in place (both phases), or to solve `isolated`/`pooled` "
                 "as `lngswap run` does.")
    return "\n".join(lines) + "\n"


def _write(out_dir: Path, table: pd.DataFrame, md_text: str, man: dict,
           overwrite: bool) -> list[str]:
    """Write the CSV and markdown tables and a manifest; the folder appears whole or not at
    all."""

    def fill(tmp: Path) -> None:
        table.to_csv(tmp / "swap_terms.csv", index=False, lineterminator="\n",
                     float_format="%.10g")
        (tmp / "swap_terms.md").write_text(md_text)

    return write_folder(out_dir, fill, man, overwrite=overwrite)


def scenario_rows(cases: list[Case], variants: list[Variant], workers: int | None = None,
                  on_scenario: Callable[[str], None] | None = None) -> list[dict]:
    """The rows of every scenario, the scenarios spread over `workers` processes (default:
    one per scenario, at most one per core), each keeping its own model warm."""
    n = min(len(cases), workers or os.cpu_count() or 1)
    say = on_scenario or (lambda _msg: None)
    if n <= 1:
        out = []
        for c in cases:
            out += evaluate_scenario(c, variants)
            say(f"scenario {c.name}: {len(variants)} variants solved")
        return out
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    pool = ProcessPoolExecutor(max_workers=n, mp_context=ctx)
    done: dict[int, list[dict]] = {}
    try:
        futures = {pool.submit(evaluate_scenario, c, variants, pooled_first=i % 2 == 1): i
                   for i, c in enumerate(cases)}
        for f in as_completed(futures):
            i = futures[f]
            done[i] = f.result()
            say(f"scenario {cases[i].name}: {len(variants)} variants solved")
    except BaseException:  # an error, Ctrl-C or SIGTERM: no worker goes on solving
        for proc in list(getattr(pool, "_processes", {}).values()):
            proc.kill()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    return [r for i in range(len(cases)) for r in done[i]]


def evaluate_terms(case_path: str | Path, terms_path: str | Path,
                   scenario_paths: list[str | Path] | None = None,
                   out_dir: str | Path | None = None, *,
                   overwrite: bool = False, workers: int | None = None,
                   on_scenario: Callable[[str], None] | None = None) -> pd.DataFrame:
    """Evaluate every variant of a terms file under the case and each scenario; write
    swap_terms.csv and swap_terms.md into `out_dir` (default runs/swap-terms) and return the
    table. Scenarios run in parallel (`scenario_rows`); `on_scenario` (default: the progress
    display) hears of each one done."""
    target = Path(out_dir) if out_dir else Path("runs") / "swap-terms"
    check_folder_target(target, overwrite=overwrite)
    terms = load_terms(terms_path)
    paths = [Path(case_path), *(Path(p) for p in scenario_paths or [])]
    paths += [_resolve_case(s, terms.path) for s in terms.scenarios]
    seen, cases = set(), []
    for p in paths:
        key = p.resolve()
        if key not in seen:
            seen.add(key)
            cases.append(load_case(p, ["cooperation=swaps"]))
    for c in cases:  # check every scenario's agreements against the variants before solving
        for i, v in enumerate(terms.variants):
            variant_agreements(list(c.swaps), v, f"{terms.path}: variants.{i}")
    with progress.steps(len(cases), "scenario") as tick:
        rows = scenario_rows(cases, terms.variants, workers, on_scenario or tick)
    parties = sorted({p for c in cases for ag in c.swaps for p in ag.parties})
    table = mark_best(pd.DataFrame(rows), parties)
    table.attrs["parties"] = parties
    inputs = {"terms": Path(terms_path)}
    for i, c in enumerate(cases):
        inputs[f"case/{i}/{Path(c.source_path).name}"] = Path(c.source_path)
    man = command_manifest("swap-terms", inputs,
                           {"scenarios": [c.name for c in cases],
                            "variants": [v.name for v in terms.variants]}, cases=cases)
    _write(target, table, markdown_table(table, parties), man, overwrite)
    return table


def print_terms(table: pd.DataFrame, console) -> None:
    """Print the side-by-side terms table (the markdown written to the output folder) and the
    terms best for both parties."""
    parties = table.attrs.get("parties") or sorted(
        c[len("gain_"):-len("_usd")] for c in table.columns
        if c.startswith("gain_") and c.endswith("_usd") and c != "gain_usd")
    console.print(markdown_table(table, parties), markup=False, highlight=False)
    best = table[table["best_across_scenarios"]]
    if len(best):
        console.print(f"best for both across scenarios: {best['variant'].iat[0]}")
    else:
        console.print("no variant leaves both parties better off in every scenario")
