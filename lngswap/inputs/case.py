"""Case files: YAML validated by pydantic, with `extends:` inheritance and `--set` overrides.

A case names its dataset, horizon, solver options, cooperation mode, events, rules and swap
agreements. Every model is strict (`extra="forbid"`) and frozen, with a docstring per field.
"""

from __future__ import annotations

import copy
import re
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from lngswap.errors import InputError, describe_validation
from lngswap.inputs.events import Event
from lngswap.inputs.files import load_yaml, parse_yaml
from lngswap.inputs.rules_schema import RuleSettings
from lngswap.inputs.scenarios import RiskOptions, RollingOptions
from lngswap.inputs.swaps_schema import SwapAgreement
from lngswap.inputs.windows import check_window
from lngswap.paths import bundled_models_dir

#: Upper bound of every price-like case setting (USD/MMBtu), as for prices in the dataset.
PRICE_MAX = 1000.0


class Strict(BaseModel):
    # allow_inf_nan=False: `.inf` or `.nan` in a case file is refused, never solved
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Horizon(Strict):
    """First and last day of the daily time grid (inclusive, ISO dates)."""

    start: date = Field(description="First day modelled.")
    end: date = Field(description="Last day reported (inclusive).")
    run_out_days: int = Field(
        0, ge=0, le=366, description="Days the LP runs past `end` so that stocks, storage "
        "and purchases in the last weeks are planned for what follows (the bundled cases use "
        "90: the winter quarter), not for an end of the world; results are written for "
        "start..end only.")

    @model_validator(mode="after")
    def _ordered(self) -> Horizon:
        check_window(self.start, self.end)
        if (self.end - self.start).days > 3 * 366:
            raise ValueError("a horizon longer than three years is not supported")
        return self

    @property
    def days(self) -> int:
        """Days reported (start..end)."""
        return (self.end - self.start).days + 1

    @property
    def lp_days(self) -> int:
        """Days the LP models: the reported days plus the run-out."""
        return self.days + self.run_out_days


class SolverOptions(Strict):
    """HiGHS settings. Kept in the case so a run's manifest records them."""

    solver: Literal["simplex", "ipm", "pdlp", "choose"] = Field(
        "simplex", description="HiGHS method; ipm runs crossover so duals and vertices exist; pdlp "
        "runs at most 20 s per solve, then simplex finishes from its point.")
    simplex_strategy: int = Field(1, ge=0, le=4,
                                  description="HiGHS simplex_strategy: 1 dual, 4 primal.")
    presolve: Literal["on", "off", "choose"] = Field("on", description="HiGHS presolve.")
    threads: int = Field(1, ge=0, le=1024, description="HiGHS threads (0 = automatic).")
    random_seed: int = Field(0, ge=0, description="Fixed so reruns give identical bytes.")
    time_limit_s: float = Field(1800.0, gt=0, le=1e7,
                                description="Stop HiGHS after this many seconds.")
    backend: Literal["highspy", "pyomo"] = Field(
        "highspy", description="highspy: arrays straight into HiGHS; pyomo: the same LP as a "
        "Pyomo model solved through Pyomo's HiGHS interface (slower, for cross-checks).")
    prune_routes: bool = Field(
        True, description="Drop routes beaten on both arrival day and cost before building "
        "(never changes the optimum; off only to check that).")
    extra: dict[str, Any] = Field(default_factory=dict, description="Any other HiGHS option.")

    @field_validator("presolve", mode="before")
    @classmethod
    def _yaml_on_off(cls, v: Any) -> Any:
        """YAML reads a bare `on`/`off` (in a case file or `--set`) as true/false."""
        return ("on" if v else "off") if isinstance(v, bool) else v


class Economics(Strict):
    """Cost parameters that are policy or modelling choices rather than data."""

    regas_usd_per_mmbtu: float = Field(0.40, ge=0, le=PRICE_MAX,
                                       description="Regasification tariff.")
    des_diversion_fee_usd_per_mmbtu: float = Field(
        1.0, ge=0, le=PRICE_MAX, description="Share of the margin paid to the seller when a "
        "DES cargo is diverted to another buyer (destination clauses need the seller's consent).")
    end_stock_value_usd_per_mmbtu: float = Field(
        10.5, ge=0, le=PRICE_MAX, description="Value of stock left at the end, up to its "
        "starting level, so the model does not empty tanks on the last day.")
    end_stock_value_at_hub: bool = Field(
        False, description="Value stock left at the end at its market's hub index on the "
        "last day modelled (markets.csv hub_index: JKM for Asian buyers, TTF for European), "
        "what it would cost to buy back then, instead of the flat end_stock_value; markets "
        "without a hub_index keep the flat value.")
    floor_penalty_usd_per_mmbtu_day: float = Field(
        1.0, ge=0, le=PRICE_MAX, description="Cost per MMBtu and day a terminal's stock sits "
        "below its strategic floor: strategic stock may be drawn, at a price, before load is shed.")
    tank_heel_share: float = Field(
        0.10, ge=0, le=1, description="Share of each import terminal's tank kept as heel "
        "(minimum operating stock); held like a strategic floor, at the same penalty.")
    storage_target_share: float = Field(0.90, ge=0, le=1, description="EU storage fill target.")
    storage_target_day: str = Field(
        "11-01", pattern=r"^\d\d-\d\d$", description="MM-DD on which the EU target is tested "
        "(the regulation allows any day from 1 Oct to 1 Dec; a linear model fixes one).")
    storage_target_penalty_usd_per_mmbtu: float = Field(
        4.0, ge=0, le=PRICE_MAX, description="Penalty per MMBtu of storage below the target "
        "on its day.")
    ship_day_penalty_usd: float = Field(
        0.0, ge=0, le=1e7, description="Extra cost per ship-day, on top of the charter rate.")
    end_storage_min_share: float | None = Field(
        None, ge=0, le=1, description="Storage fill the last day modelled should not fall "
        "below (priced at the storage-target penalty): its published level for that date, so "
        "the end of the run-out does not empty storage. Empty: no floor.")
    fob_resale_fee_usd_per_mmbtu: float = Field(
        0.25, ge=0, le=PRICE_MAX, description="Trading margin paid when a contracted FOB "
        "cargo is resold to another buyer (estimate: a trader's margin of a few tens of "
        "cents per MMBtu).")
    working_stock_at_start_level: bool = Field(
        False, description="Terminals of markets without `working_stock_days` hold their "
        "starting stock (terminals.csv initial_fill, the normal operating level) as working "
        "stock, at the working-stock penalty below it.")
    resale_cap_share: float = Field(
        1.0, ge=0, le=1, description="Share of each contract's volume its owner may resell "
        "(FOB) or divert (DES, with consent) to other buyers over the horizon; 1 = no cap "
        "(Korea's 2015 plan allowed resale abroad up to 20 % of annual imports).")
    working_stock_penalty_usd_per_mmbtu_day: float = Field(
        0.03, ge=0, le=PRICE_MAX, description="Cost per MMBtu and day a market's LNG stock "
        "sits below its working stock (markets.csv working_stock_days): operators keep it "
        "in normal times and draw on it in a crisis (estimate: about 0.9 USD/MMBtu a month, "
        "a fraction of the price jump a crisis brings, far above the cost of carrying "
        "stock).")
    spot_index: Literal["brent", "henry_hub", "ttf", "jkm"] | None = Field(
        None, description="Price spot cargoes at this hub index on their loading day instead "
        "of their plant's short-run cost (sources.csv spot_cost), so a shock on the index "
        "changes what a spot cargo costs. Empty: short-run cost.")

    @field_validator("storage_target_day")
    @classmethod
    def _a_real_day(cls, v: str) -> str:
        """`11-31` matches the pattern but is no day: refused rather than never tested."""
        try:
            date(2025, int(v[:2]), int(v[3:]))  # a common year: 02-29 is not every year's day
        except ValueError:
            raise ValueError(f"{v!r} is not a day of the year; expected MM-DD of a day that "
                             "exists every year (e.g. 11-01)") from None
        return v


class Commitments(Strict):
    """What is committed before a disruption becomes known stays committed.

    Defaults are estimates from contract practice: an annual delivery programme is agreed
    before the contract year and firmed up in rolling 90-day schedules, so a cargo's slot and
    destination are firm about a month before loading; spot cargoes are bought days to weeks
    before loading (a JKM assessment prices cargoes delivered a few weeks ahead).
    """

    programme_notice_days: int = Field(
        30, ge=0, le=365, description="A contracted DES cargo's destination is fixed this "
        "many days before loading (delivery programme).")
    short_term_notice_days: int = Field(
        21, ge=0, le=365, description="The same for DES cargoes of short-term contracts.")
    fob_redirect_fee_usd_per_mmbtu: float = Field(
        0.5, ge=0, le=PRICE_MAX, description="An FOB cargo inside its notice period may "
        "still be sent to another market, up to loading, at this cost (re-nominating the "
        "ship and terminal).")
    spot_lead_days: int = Field(
        14, ge=0, le=365, description="An uncontracted (spot) cargo must be bought at least this "
        "many days before loading.")


_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


class Shipping(Strict):
    """Shipping overrides; empty fields take the dataset's fleet.csv values."""

    speed_knots: float | None = Field(None, gt=0, le=40, description="Service speed.")
    charter_usd_per_day: float | None = Field(None, ge=0, le=1e7, description="Charter rate.")
    carriers: float | None = Field(None, ge=0, le=1e5, description="Carriers available for trade.")


class Case(Strict):
    """A run of the model: which data, which days, which events, rules and agreements."""

    name: str = Field(description="Short name, used in outputs (the default output folder is "
                      "runs/NAME): letters, digits, '.', '_' and '-', starting with a letter or "
                      "digit.")
    description: str = Field("", description="What the case represents, with its sources.")
    dataset: str = Field("default", description="'default' for the bundled data, or a folder "
                         "with the same CSV layout (relative to the case file).")
    horizon: Horizon
    cooperation: Literal["isolated", "swaps", "pooled"] = Field(
        "isolated", description="isolated: contracted cargoes serve the owner's terminals or are "
        "resold to the rest of the world; swaps: plus the agreements in `swaps`; pooled: all "
        "parties share.")
    foresight: Literal["surprise", "perfect", "rolling"] = Field(
        "surprise", description="surprise: decisions dated before the first event starts are "
        "those of the plan without events (nobody sees a disruption coming); perfect: the LP "
        "knows every event from day one; rolling: re-planned every `rolling.step_days` over the "
        "scenarios of uncertain event ends still possible, one result per realised scenario.")
    rolling: RollingOptions = Field(default_factory=RollingOptions,
                                    description="Steps of `foresight: rolling`.")
    risk: RiskOptions | None = Field(None, description="CVaR of core parties' costs in the "
                                     "stochastic objective (rolling foresight).")
    solver: SolverOptions = Field(default_factory=SolverOptions)
    economics: Economics = Field(default_factory=Economics)
    shipping: Shipping = Field(default_factory=Shipping)
    commitments: Commitments = Field(
        default_factory=Commitments, description="Notice and lead times: what a surprise "
        "disruption cannot change.")
    events: list[Event] = Field(default_factory=list, description="Disruptions.")
    rules: RuleSettings = Field(default_factory=RuleSettings, description="Compliance rules.")
    swaps: list[SwapAgreement] = Field(default_factory=list, description="Swap agreements.")
    require_mutual_benefit: bool = Field(
        False, description="No party may pay more than under isolated (swaps mode).")
    shortfall: Literal["soft", "hard"] = Field(
        "soft", description="soft: unserved demand and stock below the strategic floors are "
        "allowed at a penalty, so every case solves and shortfalls are named; hard: neither "
        "is allowed, and a case that cannot be supplied is explained from the solver's "
        "irreducible infeasible subsystem (which terminals, markets, days and rules conflict).")

    # set by the loader, not by the file
    source_path: str = Field("", description="Where the case was read from (set on load).")

    @field_validator("name")
    @classmethod
    def _name_is_a_name(cls, v: str) -> str:
        if not _NAME.fullmatch(v) or ".." in v:
            raise ValueError("expected a name of letters, digits, '.', '_' or '-' starting with "
                             "a letter or digit (no path separators, no '..', not empty); it "
                             "names the output folder runs/NAME")
        return v

    @model_validator(mode="after")
    def _scenarios_need_rolling(self) -> Case:
        for i, ev in enumerate(self.events):
            if ev.end_scenarios and self.foresight != "rolling":
                raise ValueError(f"key 'events.{i}.end_scenarios': uncertain ends need "
                                 f"`foresight: rolling` (this case has {self.foresight!r})")
        if self.rolling.lookahead_days < self.rolling.step_days:
            raise ValueError(f"key 'rolling.lookahead_days': {self.rolling.lookahead_days} is "
                             f"shorter than a step ({self.rolling.step_days} days)")
        return self

    @model_validator(mode="after")
    def _events_in_horizon(self) -> Case:
        for i, ev in enumerate(self.events):
            if ev.start < self.horizon.start or ev.start > self.horizon.end:
                raise ValueError(
                    f"key 'events.{i}' ({ev.type}): window {ev.start}..{ev.end} lies outside "
                    f"the horizon {self.horizon.start}..{self.horizon.end}: an event must "
                    "start inside the horizon (it may end after it: its effect stops at the "
                    "last day modelled)")
        return self


# --- loading ------------------------------------------------------------------------------

def _read_yaml(path: Path) -> dict:
    doc = load_yaml(path, "case file")
    if doc is None:
        doc = {}
    if not isinstance(doc, dict):
        raise InputError(f"{path}: expected a mapping of case keys at the top level")
    return doc


def _resolve_extends(ref: str, base: Path) -> Path:
    p = Path(ref)
    if not p.suffix:
        p = p.with_suffix(".yaml")
    if p.is_absolute():
        return p
    if (base.parent / p).exists():
        return base.parent / p
    return bundled_models_dir() / p.name


def load_raw(path: Path, _seen: tuple[Path, ...] = ()) -> dict:
    """Read a case file and everything it extends, merged (the child's keys win)."""
    path = Path(path).resolve()
    if path in _seen:
        raise InputError(f"{path}: 'extends' loops back to itself")
    doc = _read_yaml(path)
    parent = doc.pop("extends", None)
    if parent is not None:
        merged = load_raw(_resolve_extends(str(parent), path), (*_seen, path))
        doc = _merge(merged, doc)
        # a dataset path inherited from a parent stays relative to the parent's folder
    if "dataset" in doc and doc["dataset"] not in ("default", None) and "_dataset_base" not in doc:
        doc["_dataset_base"] = str(path.parent)
    return doc


def case_files(path: str | Path | None = None) -> list[Path]:
    """The case file and every file it extends, child first (the inputs a manifest hashes)."""
    path = Path(path).resolve() if path else (bundled_models_dir() / "base.yaml").resolve()
    out: list[Path] = []
    while path not in out:
        out.append(path)
        doc = _read_yaml(path)
        parent = doc.get("extends")
        if parent is None:
            break
        path = _resolve_extends(str(parent), path).resolve()
    return out


def _merge(base: dict, over: dict) -> dict:
    out = copy.deepcopy(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _merge(out[k], v)
        else:
            out[k] = copy.deepcopy(v)
    return out


def apply_overrides(doc: dict, sets: list[str]) -> dict:
    """Apply `key.path=value` overrides; values are parsed as YAML scalars."""
    doc = copy.deepcopy(doc)
    for item in sets:
        if "=" not in item:
            raise InputError(f"--set {item!r}: expected key.path=value")
        key, raw = item.split("=", 1)
        try:
            value = parse_yaml(raw, f"--set {item!r}")
        except InputError as e:
            if "duplicate key" in str(e):
                raise
            value = raw
        node = doc
        parts = key.strip().split(".")
        if not all(parts):
            raise InputError(f"--set {item!r}: expected key.path=value (no empty key)")
        for p in parts[:-1]:
            if isinstance(node, list):
                node = node[_list_index(item, p, node)]
                continue
            node = node.setdefault(p, {})
            if not isinstance(node, (dict, list)):
                raise InputError(f"--set {item!r}: '{p}' is not a mapping")
        last = parts[-1]
        if isinstance(node, list):
            node[_list_index(item, last, node)] = value
        else:
            node[last] = value
    return doc


def _list_index(item: str, part: str, node: list) -> int:
    """The list position a `--set` path part names; InputError if it names none."""
    if not (part.isdigit() and int(part) < len(node)):
        raise InputError(f"--set {item!r}: '{part}' is not an entry of a list of {len(node)} "
                         f"(0 to {len(node) - 1})")
    return int(part)


def load_case(path: str | Path | None = None, sets: list[str] | None = None) -> Case:
    """Load and validate a case file (default: the bundled `models/base.yaml`)."""
    path = Path(path) if path else bundled_models_dir() / "base.yaml"
    doc = apply_overrides(load_raw(path), sets or [])
    base = doc.pop("_dataset_base", str(Path(path).resolve().parent))
    if doc.get("dataset") not in (None, "default"):
        ds = Path(str(doc["dataset"]))
        doc["dataset"] = str(ds if ds.is_absolute() else (Path(base) / ds).resolve())
    doc["source_path"] = str(Path(path).resolve())
    try:
        return Case.model_validate(doc)
    except ValidationError as e:
        raise InputError([f"{path}: {msg}" for msg in describe_validation(e)]) from None
