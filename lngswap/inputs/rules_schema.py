"""Compliance rules: the case's `rules:` settings and the schema of a rule file.

Rules are data (`data/rules/*.yaml`): each names its kind, what it covers (origins by source,
country or tag; destinations by terminal, country, market or party; contract terms), its dates,
its legal source and the parties that adhere to it. A case chooses the files, switches rules
on or off and changes who adheres. Names are checked against the dataset in `rules.py`.

`load_rule_set` reads the files a case names, checks every name against the dataset (all
problems at once, each naming file and key) and applies the case's switches.

A price cap on Russian-origin LNG is not law (the G7/EU crude cap does not cover LNG): such a
rule has `basis: policy_option` and must say "policy option" in its description.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from lngswap.errors import InputError, Problems, describe_validation
from lngswap.inputs.files import load_yaml
from lngswap.inputs.windows import check_window
from lngswap.units import MMBTU_PER_BBL

Term = Literal["long", "short", "spot"]
RULE_ID = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True,
                              allow_inf_nan=False)


class RuleSettings(_Strict):
    """Which rule files apply, which rules are on or off, and who adheres."""

    files: list[str] | None = Field(
        None, description="Rule files: a bare name (`default`) is `rules/NAME.yaml` in the "
        "case's dataset folder, anything else a path relative to the case file. Unset: the "
        "dataset's `rules/default.yaml` if it has one, else no rules; `[]`: no rules.")
    disable: list[str] = Field(default_factory=list, description="Rule ids switched off.")
    enable: list[str] = Field(
        default_factory=list, description="Rule ids switched on that are off in their file "
        "(`enabled: false`, e.g. policy options).")
    adherents: dict[str, list[str]] = Field(
        default_factory=dict, description="Rule id -> the parties adhering to it (replaces the "
        "file's list).")
    add_adherents: list[str] = Field(
        default_factory=list, description="Parties adhering to every rule that applies (e.g. "
        "[KR]: Korea adheres fully).")
    drop_adherents: list[str] = Field(
        default_factory=list, description="Parties adhering to no rule.")
    oil_parity_mmbtu_per_bbl: float = Field(
        MMBTU_PER_BBL, gt=0, le=100,
        description="MMBtu per barrel used to turn caps in USD/bbl into "
        "USD/MMBtu (energy parity).")


class OriginSelector(_Strict):
    """Cargo origins a rule covers: any source listed, of any country listed, or with any tag
    listed (`sources.csv` column `tags`). At least one entry is required."""

    sources: list[str] = Field(default_factory=list, description="Source slugs.")
    countries: list[str] = Field(default_factory=list, description="Source countries.")
    tags: list[str] = Field(default_factory=list, description="Source tags (russia, ...).")

    @model_validator(mode="after")
    def _not_empty(self) -> OriginSelector:
        if not (self.sources or self.countries or self.tags):
            raise ValueError("origin names nothing: give sources, countries or tags")
        return self


class DestinationSelector(_Strict):
    """Import nodes a rule covers, among the adhering parties' nodes: any terminal, country,
    market or party listed. Unset, a rule covers every node of every adhering party."""

    terminals: list[str] = Field(default_factory=list, description="Terminal slugs.")
    countries: list[str] = Field(default_factory=list, description="Terminal countries.")
    markets: list[str] = Field(default_factory=list, description="Market codes.")
    parties: list[str] = Field(default_factory=list, description="Party codes.")

    @model_validator(mode="after")
    def _not_empty(self) -> DestinationSelector:
        if not (self.terminals or self.countries or self.markets or self.parties):
            raise ValueError("destination names nothing: give terminals, countries, markets or "
                             "parties, or leave it out to cover the adherents' nodes")
        return self


class _Rule(_Strict):
    id: str = Field(pattern=RULE_ID, description="Unique id, used by `rules.disable`.")
    description: str = Field(min_length=1, description="What the rule does, in words.")
    source: str = Field(min_length=1, description="Legal source (instrument, article, date).")
    basis: Literal["law", "policy_option"] = Field(
        "law", description="law: in force or adopted; policy_option: not law, an option.")
    enabled: bool = Field(True, description="Off unless a case enables it, when false.")
    from_: date = Field(alias="from", description="First day the rule applies (inclusive).")
    to: date | None = Field(None, description="Last day it applies (inclusive); unset: open.")
    adherents: list[str] = Field(description="Parties that adhere (JP, KR, EU, UK, TR, ROW).")
    origin: OriginSelector
    destination: DestinationSelector | None = Field(
        None, description="Narrows the adherents' nodes; unset: all of them.")
    terms: list[Term] = Field(
        default_factory=list, description="Contract terms covered (long, short, spot); "
        "empty: all.")
    date_basis: Literal["arrival", "load"] | None = Field(
        None, description="Which leg date is tested against the rule's dates (default per kind: "
        "arrival for import rules, load for purchase rules).")
    party_basis: Literal["destination", "buyer", "either"] | None = Field(
        None, description="Whose adherence counts: the destination node's party, the buyer "
        "(contract owner, or the destination's party for a spot cargo), or either (default "
        "per kind).")

    @model_validator(mode="after")
    def _checks(self):
        if not self.adherents:
            raise ValueError("no adhering party: list at least one party under `adherents`")
        check_window(self.from_, self.to, ("from", "to"))
        if self.basis == "policy_option" and "policy option" not in self.description.lower():
            raise ValueError("a policy option must say 'policy option' in its description")
        return self

    @property
    def dates(self) -> tuple[date, date | None]:
        return self.from_, self.to


class BanRule(_Rule):
    """No import of the origin into the adherents' nodes (dated on arrival by default)."""

    kind: Literal["ban"]


class TransshipmentBanRule(_Rule):
    """No reloading of the origin at the adherents' terminals for onward shipment elsewhere."""

    kind: Literal["transshipment_ban"]


class SanctionedEntityRule(_Rule):
    """The origin (a sanctioned project) may not be bought or imported by adherents."""

    kind: Literal["sanctioned_entity"]


class VolumeCapRule(_Rule):
    """Imports of the origin into the adherents' nodes, per period, up to a volume or a share
    of those nodes' total imports. Exactly one of `max_mmbtu`, `max_mt`, `max_share`."""

    kind: Literal["volume_cap"]
    max_mmbtu: float | None = Field(None, ge=0, le=1e11,
                                    description="Cap per period, MMBtu delivered.")
    max_mt: float | None = Field(None, ge=0, le=2000, description="Cap per period, Mt of LNG.")
    max_share: float | None = Field(None, ge=0, le=1, description="Cap as a share of the "
                                    "covered nodes' imports in the period.")
    per: Literal["month", "year", "horizon"] = Field(
        "year", description="Period the cap applies to; a period cut by the horizon or the "
        "rule's dates gets an absolute cap pro rata by days.")

    @model_validator(mode="after")
    def _one_limit(self) -> VolumeCapRule:
        given = [k for k in ("max_mmbtu", "max_mt", "max_share") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("a volume_cap needs exactly one of max_mmbtu, max_mt, max_share")
        return self


class CapStep(_Strict):
    """One step of a price-cap timeline: a level from a date (to the next step or `to`)."""

    from_: date = Field(alias="from", description="First day of this level.")
    to: date | None = Field(None, description="Last day of this level; unset: to the next.")
    usd_per_mmbtu: float | None = Field(None, gt=0, le=1000, description="Cap in USD/MMBtu.")
    usd_per_bbl: float | None = Field(None, gt=0, le=1000,
                                      description="Cap in USD/bbl (converted at "
                                      "the oil parity).")
    source: str = Field(min_length=1, description="Where this level comes from.")

    @model_validator(mode="after")
    def _one_unit(self) -> CapStep:
        if (self.usd_per_mmbtu is None) == (self.usd_per_bbl is None):
            raise ValueError("a cap step needs exactly one of usd_per_mmbtu, usd_per_bbl")
        check_window(self.from_, self.to, ("from", "to"))
        return self


class PriceCapRule(_Rule):
    """Purchases of the origin by adherents only at or below the cap in force on the load
    date; cargoes priced above it are excluded for them."""

    kind: Literal["price_cap"]
    oil_parity_mmbtu_per_bbl: float | None = Field(
        None, gt=0, le=100, description="Overrides the case's oil parity for this rule.")
    caps: list[CapStep] = Field(min_length=1, description="The cap timeline, in date order.")

    @model_validator(mode="after")
    def _timeline(self) -> PriceCapRule:
        for a, b in zip(self.caps, self.caps[1:], strict=False):
            if b.from_ <= a.from_ or (a.to is not None and a.to >= b.from_):
                raise ValueError(f"cap steps overlap or are out of order at {b.from_}")
        return self


Rule = Annotated[BanRule | TransshipmentBanRule | SanctionedEntityRule | VolumeCapRule
                 | PriceCapRule, Field(discriminator="kind")]
KINDS = ("ban", "transshipment_ban", "sanctioned_entity", "volume_cap", "price_cap")
DEFAULT_DATE_BASIS = {"ban": "arrival", "transshipment_ban": "load", "volume_cap": "arrival",
                      "sanctioned_entity": "load", "price_cap": "load"}
DEFAULT_PARTY_BASIS = {"ban": "destination", "transshipment_ban": "destination",
                       "volume_cap": "destination", "sanctioned_entity": "either",
                       "price_cap": "either"}


class RuleFile(_Strict):
    """A rule file: a description and the rules."""

    description: str = Field("", description="What the set is, as of which date.")
    rules: list[Rule] = Field(description="The rules.")


# --- loading and checking rule files ------------------------------------------------------

@dataclass(frozen=True)
class LoadedRule:
    """A rule as a case applies it: switched on or off, with its adherents after overrides."""

    rule: object
    file: Path
    on: bool
    adherents: tuple[str, ...]
    parity: float

    @property
    def id(self) -> str:
        return self.rule.id

    @property
    def kind(self) -> str:
        return self.rule.kind


def resolve_files(case, dataset_folder: Path) -> list[Path]:
    """The rule files a case names: bare names in `<dataset>/rules/`, paths from the case's
    folder; unset means the dataset's `rules/default.yaml` when it has one."""
    base = Path(case.source_path).parent if case.source_path else Path.cwd()
    names = case.rules.files
    if names is None:
        default = Path(dataset_folder) / "rules" / "default.yaml"
        return [default] if default.exists() else []
    out = []
    for name in names:
        p = Path(name)
        if p.suffix not in (".yaml", ".yml") and len(p.parts) == 1:
            out.append(Path(dataset_folder) / "rules" / f"{name}.yaml")
        else:
            out.append(p if p.is_absolute() else base / p)
    return out


def _read_rule_file(path: Path, problems: Problems) -> RuleFile | None:
    if not path.exists():
        problems.add(f"{path}: rule file not found (case key 'rules.files')")
        return None
    try:
        doc = load_yaml(path, "rule file")
    except InputError as e:
        problems.extend(e.problems)
        return None
    try:
        return RuleFile.model_validate(doc if doc is not None else {})
    except ValidationError as e:
        problems.extend([f"{path}: {msg}" for msg in describe_validation(e, tuple(KINDS))])
        return None


def _names(ds) -> dict[str, set[str]]:
    src, term = ds.sources, ds.terminals
    tags = {t.strip() for s in src["tags"] for t in str(s).split(";") if t.strip()}
    tcountries = {c.strip().lower() for s in term["country"] for c in str(s).split(";")}
    parties = set(ds.markets["party"]) | set(term["party"]) | set(ds.contracts["owner"])
    return {"sources": set(src["source"]), "origin_countries": {c.lower() for c in
                                                                src["country"]},
            "tags": tags, "terminals": set(term["terminal"]), "dest_countries": tcountries,
            "markets": set(ds.markets["market"]), "parties": parties}


def _check_names(path: Path, i: int, rule, names: dict[str, set[str]], p: Problems) -> None:
    def unknown(key: str, values: list[str], valid: set[str], what: str, lower=False) -> None:
        for v in values:
            if (v.lower() if lower else v) not in valid:
                hint = ", ".join(sorted(valid)[:8])
                p.add(f"{path}: key 'rules.{i}.{key}': unknown {what} {v!r} (rule {rule.id}); "
                      f"expected one of {hint}{', ...' if len(valid) > 8 else ''}")

    o = rule.origin
    unknown("origin.sources", o.sources, names["sources"], "source")
    unknown("origin.countries", o.countries, names["origin_countries"], "origin country",
            lower=True)
    unknown("origin.tags", o.tags, names["tags"], "source tag")
    unknown("adherents", rule.adherents, names["parties"], "party")
    d = rule.destination
    if d is not None:
        unknown("destination.terminals", d.terminals, names["terminals"], "terminal")
        unknown("destination.countries", d.countries, names["dest_countries"],
                "destination country", lower=True)
        unknown("destination.markets", d.markets, names["markets"], "market")
        unknown("destination.parties", d.parties, names["parties"], "party")


def load_rule_set(case, ds) -> list[LoadedRule]:
    """Read, validate and name-check the case's rule files; apply its on/off switches and
    adherence overrides. Raises InputError listing every problem, each naming file and key."""
    p = Problems()
    names = _names(ds)
    where = case.source_path or "case"
    loaded: list[tuple[object, Path]] = []
    seen: dict[str, Path] = {}
    for path in resolve_files(case, ds.folder):
        rf = _read_rule_file(path, p)
        if rf is None:
            continue
        for i, rule in enumerate(rf.rules):
            _check_names(path, i, rule, names, p)
            if rule.id in seen:
                p.add(f"{path}: key 'rules.{i}.id': rule id {rule.id!r} also in {seen[rule.id]}")
            seen[rule.id] = path
            loaded.append((rule, path))
    s = case.rules
    ids = {r.id for r, _ in loaded}
    for key, values in (("disable", s.disable), ("enable", s.enable),
                        ("adherents", list(s.adherents))):
        for v in values:
            if v not in ids:
                p.add(f"{where}: key 'rules.{key}': unknown rule id {v!r}; rules: "
                      f"{', '.join(sorted(ids)) or 'none (no rule file)'}")
    for key, values in (("add_adherents", s.add_adherents), ("drop_adherents",
                                                             s.drop_adherents),
                        *((f"adherents.{k}", v) for k, v in s.adherents.items())):
        for v in values:
            if v not in names["parties"]:
                p.add(f"{where}: key 'rules.{key}': unknown party {v!r}; expected one of "
                      f"{', '.join(sorted(names['parties']))}")
    p.raise_if_any()
    out = []
    for rule, path in loaded:
        adh = list(s.adherents.get(rule.id, rule.adherents))
        adh = [a for a in dict.fromkeys([*adh, *s.add_adherents]) if a not in s.drop_adherents]
        on = (rule.enabled or rule.id in s.enable) and rule.id not in s.disable
        parity = getattr(rule, "oil_parity_mmbtu_per_bbl", None) or s.oil_parity_mmbtu_per_bbl
        out.append(LoadedRule(rule, path, on, tuple(adh), parity))
    return out
