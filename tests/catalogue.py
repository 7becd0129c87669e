"""The catalogue of bad inputs: each entry sets up one bad input on the toy dataset and says
what it must get (exit code and the names its message must contain).

`tests/test_bad_inputs.py` runs every entry and checks it against its expectation and against
`docs/errors.md`; `python tests/catalogue.py` runs them all and writes `docs/errors.md`.
"""

from __future__ import annotations

import copy
import re
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parent))
from conftest import BASE_TABLES, write_case, write_dataset  # noqa: E402

from lngswap.cli import app  # noqa: E402
from lngswap.inputs.bounds import bounds_table  # noqa: E402

DOC = Path(__file__).resolve().parent.parent / "docs" / "errors.md"


@dataclass(frozen=True)
class Entry:
    """One bad input: `setup(folder)` writes it and returns the command's arguments."""

    id: str
    group: str
    what: str
    setup: Callable[[Path], list[str]]
    code: int = 2
    names: tuple[str, ...] = ()
    out: str = "out"  # the output path that must not appear


@dataclass
class World:
    """A toy dataset and case in a folder, edited by an entry before the command runs."""

    folder: Path
    tables: dict = field(default_factory=lambda: copy.deepcopy(BASE_TABLES))
    case: dict = field(default_factory=dict)
    days: int = 5

    def write(self) -> Path:
        data = write_dataset(self.folder / "data", self.tables)
        return write_case(self.folder, data, days=self.days, **copy.deepcopy(self.case))

    def run(self, *extra: str) -> list[str]:
        return ["run", str(self.write()), "--out", str(self.folder / "out"), *extra]


def csv_edit(folder: Path, name: str, fn: Callable[[str], str]) -> None:
    p = folder / "data" / f"{name}.csv"
    p.write_text(fn(p.read_text()))


def _table(edit: Callable[[dict], None], *extra: str, case: dict | None = None,
           days: int = 5) -> Callable[[Path], list[str]]:
    def setup(folder: Path) -> list[str]:
        w = World(folder, case=case or {}, days=days)
        edit(w.tables)
        return w.run(*extra)
    return setup


def _cell(table: str, row: int, col: str, value) -> Callable[[dict], None]:
    def edit(t: dict) -> None:
        t[table][row][col] = value
    return edit


def _dup(table: str, row: int, **changes) -> Callable[[dict], None]:
    def edit(t: dict) -> None:
        t[table].append({**t[table][row], **changes})
    return edit


def _raw(edit_text: Callable[[Path], None], case: dict | None = None
         ) -> Callable[[Path], list[str]]:
    """Write the toy world, then edit its files as bytes or text."""
    def setup(folder: Path) -> list[str]:
        w = World(folder, case=case or {})
        args = w.run()
        edit_text(folder)
        return args
    return setup


def _case_text(text: str) -> Callable[[Path], list[str]]:
    """A case file written as text (keys the toy case does not set are appended)."""
    def setup(folder: Path) -> list[str]:
        w = World(folder)
        path = w.write()
        path.write_bytes(path.read_bytes() + text.encode("latin-1"))
        return ["run", str(path), "--out", str(folder / "out")]
    return setup


def _schedule(fn: Callable[[pd.DataFrame], pd.DataFrame]) -> Callable[[Path], list[str]]:
    """`lngswap check` on a hand-written toy schedule edited by `fn`."""
    def setup(folder: Path) -> list[str]:
        case = World(folder).write()
        sched = pd.DataFrame({
            "cargo_id": ["c1", "c2", "c3"], "source": ["src-a", "src-b", "src-a"],
            "destination": ["jp-t", "kr-t", "row-x"],
            "load_date": ["2026-01-01", "2026-01-02", "2026-01-03"],
            "arrival_date": ["2026-01-03", "2026-01-04", "2026-01-05"],
            "fraction": ["1", "1", "0.5"]})
        fn(sched).to_csv(folder / "schedule.csv", index=False)
        return ["check", str(folder / "schedule.csv"), "--case", str(case)]
    return setup


def _rules(text: str) -> Callable[[Path], list[str]]:
    """A toy case whose rule file holds `text`."""
    def setup(folder: Path) -> list[str]:
        w = World(folder, case={"rules": {"files": ["rules.yaml"]}})
        args = w.run()
        (folder / "rules.yaml").write_text(text)
        return args
    return setup


BAN = """rules:
  - id: toy-ban
    kind: ban
    description: no Aland LNG in Japan
    source: toy
    from: 2026-01-01
    adherents: [{party}]
    origin: {{countries: [Aland]}}
"""


def _no_supply(t: dict) -> None:
    """Japan needs LNG and nothing can reach it."""
    t["markets"][0]["lng_demand_mtpa"] = 5.0


def _too_big(t: dict) -> None:
    for s in t["sources"]:
        s["capacity_mtpa"] = 300.0
    next(r for r in t["fleet"] if r["parameter"] == "cargo_m3")["value"] = 1000


def _fleet(param: str, value) -> Callable[[dict], None]:
    def edit(t: dict) -> None:
        next(r for r in t["fleet"] if r["parameter"] == param)["value"] = value
    return edit


def _user_folder(folder: Path) -> list[str]:
    (folder / "mine").mkdir()
    (folder / "mine" / "thesis.docx").write_text("years of work")
    return ["run", str(World(folder).write()), "--out", str(folder / "mine")]


def _out_file(folder: Path) -> list[str]:
    (folder / "afile").write_text("important")
    return ["run", str(World(folder).write()), "--out", str(folder / "afile")]


def _latin1_csv(folder: Path) -> None:
    p = folder / "data" / "sources.csv"
    p.write_bytes(p.read_bytes().replace(b"Aland", b"\xc5land", 1))


def _blank_lines(folder: Path) -> None:
    csv_edit(folder, "sources",
             lambda s: s.replace("\n", "\n\n", 1).replace(",0.0,1.0,", ",-1,1.0,", 2))


def _binary_terms(folder: Path) -> list[str]:
    case = World(folder).write()
    (folder / "terms.yaml").write_bytes(bytes(range(128, 256)))
    return ["swap-terms", str(case), "--terms", str(folder / "terms.yaml"), "--out",
            str(folder / "out")]


EV = {"start": "2026-01-02", "end": "2026-01-04"}

CATALOGUE: list[Entry] = [
    # dataset tables
    Entry("neg-capacity", "dataset", "negative capacity in sources.csv",
          _table(_cell("sources", 0, "capacity_mtpa", -1)),
          names=("sources.csv row 2", "capacity_mtpa", "negative")),
    Entry("tonnes-capacity", "dataset", "capacity_mtpa given in tonnes (81000000)",
          _table(_cell("sources", 0, "capacity_mtpa", 81_000_000)),
          names=("sources.csv row 2", "capacity_mtpa", "plausible range")),
    Entry("inf-capacity", "dataset", "capacity_mtpa inf",
          _table(_cell("sources", 1, "capacity_mtpa", "inf")),
          names=("sources.csv row 3", "capacity_mtpa", "not finite")),
    Entry("not-a-number", "dataset", "a number that does not parse (regas_mtpa '10 Mt')",
          _table(_cell("terminals", 0, "regas_mtpa", "10 Mt")),
          names=("terminals.csv row 2", "regas_mtpa", "not a number")),
    Entry("missing-column", "dataset", "a column dropped from markets.csv",
          _table(lambda t: [r.pop("floor_days") for r in t["markets"]]),
          names=("markets.csv", "missing column", "floor_days")),
    Entry("share-above-one", "dataset", "availability 1.5",
          _table(_cell("sources", 0, "availability", 1.5)),
          names=("sources.csv row 2", "availability", "above 1")),
    Entry("dup-source", "dataset", "the same source twice",
          _table(_dup("sources", 0, name="again")),
          names=("sources.csv row 4", "duplicate", "src-a")),
    Entry("dup-fleet", "dataset", "a fleet parameter twice (speed_knots 10 and 5)",
          _table(_dup("fleet", 2, value=5)), names=("fleet.csv row 8", "speed_knots")),
    Entry("dup-price", "dataset", "a price index twice on the same date",
          _table(_dup("prices", 3, value=99)), names=("prices.csv row 6", "jkm")),
    Entry("dup-route", "dataset", "a route twice with another distance",
          _table(_dup("routes", 0, distance_nm=9999)),
          names=("routes.csv row 8", "duplicate", "jp-t")),
    Entry("dup-passage", "dataset", "a passage twice",
          _table(_dup("passages", 1, fee_usd_per_transit=5)),
          names=("passages.csv row 4", "hormuz")),
    Entry("unknown-route-passage", "dataset", "routes.csv names a passage that does not exist",
          _table(lambda t: t["routes"][0].update(passages="atlantis",
                                                 passage_offsets_nm="100")),
          names=("routes.csv row 2", "atlantis")),
    Entry("unknown-terminal", "dataset", "routes.csv names a terminal that does not exist",
          _table(_dup("routes", 0, terminal="nowhere")),
          names=("routes.csv row 8", "unknown terminal 'nowhere'")),
    Entry("unknown-market", "dataset", "a terminal of a market that does not exist",
          _table(_cell("terminals", 0, "market", "XX")),
          names=("terminals.csv row 2", "unknown market 'XX'")),
    Entry("speed-zero", "dataset", "fleet speed_knots 0", _table(_fleet("speed_knots", 0)),
          names=("fleet.csv", "speed_knots")),
    Entry("boil-off", "dataset", "boil_off_pct_per_day 50", _table(_fleet("boil_off_pct_per_day",
                                                                          50)),
          names=("fleet.csv", "boil_off_pct_per_day")),
    Entry("huge-price", "dataset", "a price of 1e300", _table(_cell("prices", 0, "value", 1e300)),
          names=("prices.csv row 2", "value")),
    Entry("no-such-date", "dataset", "a date that does not exist (2026-02-30)",
          _table(_cell("prices", 0, "start_date", "2026-02-30")),
          names=("prices.csv row 2", "start_date", "2026-02-30")),
    Entry("contract-reversed", "dataset", "a contract that ends before it starts",
          _table(lambda t: t["contracts"].append(
              {"contract": "k", "owner": "JP", "market": "JP", "seller": "src-a",
               "acq_mtpa": 1, "term": "long", "start_date": "2027-01-01",
               "end_date": "2026-01-01", "price_formula": "fixed", "index": "", "slope": 0,
               "constant_usd_per_mmbtu": 8, "destination": "DES",
               "cancel_fee_usd_per_mmbtu": ""})),
          names=("contracts.csv row 2", "end_date 2026-01-01 is before start_date")),
    Entry("blank-lines", "dataset", "blank lines before a bad row: the line the user sees",
          _raw(_blank_lines), names=("sources.csv row 3", "capacity_mtpa")),
    Entry("latin1-csv", "dataset", "a CSV file that is not UTF-8", _raw(_latin1_csv),
          names=("sources.csv", "not UTF-8")),
    Entry("too-big", "dataset", "a model too large to build (300 Mtpa plants, 1,000 m3 "
          "cargoes, three years)", _table(_too_big, days=1095),
          names=("too large", "capacity_mtpa", "cargo_m3")),
    # case files
    Entry("case-dup-key", "case", "a key twice in a case file", _case_text("days: 3\ndays: 4\n"),
          names=("duplicate key 'days'", "line")),
    Entry("case-latin1", "case", "a case file in Latin-1", _case_text("description: caf\xe9\n"),
          names=("toy.yaml", "not UTF-8")),
    Entry("case-unknown-key", "case", "a misspelt key", _table(lambda t: None,
                                                                case={"solvr": {}}),
          names=("toy.yaml", "solvr", "unknown key")),
    Entry("case-no-such-day", "case", "storage_target_day 11-31",
          _table(lambda t: None, case={"economics": {"storage_target_day": "11-31"}}),
          names=("storage_target_day", "not a day")),
    Entry("case-inf", "case", "end_stock_value_usd_per_mmbtu .inf",
          _table(lambda t: None, case={"economics": {"end_stock_value_usd_per_mmbtu":
                                                     float("inf")}}),
          names=("end_stock_value_usd_per_mmbtu", "finite")),
    Entry("case-horizon-reversed", "case", "a horizon that ends before it starts",
          _table(lambda t: None, case={"horizon": {"start": "2026-03-01",
                                                   "end": "2026-02-01"}}),
          names=("horizon", "before start")),
    Entry("case-name-path", "case", "a case name that is a path", _table(lambda t: None,
                                                                          case={"name": "../x"}),
          names=("name", "no path separators")),
    Entry("event-passage", "case", "an event on a passage that does not exist",
          _table(lambda t: None, case={"events": [{"type": "chokepoint_closure",
                                                   "passage": "atlantis", **EV}]}),
          names=("events.0", "atlantis")),
    Entry("event-terminal", "case", "an outage at a terminal that does not exist",
          _table(lambda t: None, case={"events": [{"type": "terminal_outage",
                                                   "terminal": "nowhere", "factor": 0, **EV}]}),
          names=("events.0", "unknown terminal 'nowhere'")),
    Entry("event-reversed", "case", "an event window that ends before it starts",
          _table(lambda t: None, case={"events": [{"type": "demand_shock", "market": "JP",
                                                   "factor": 1.2, "start": "2026-01-04",
                                                   "end": "2026-01-02"}]}),
          names=("events.0", "before start")),
    Entry("event-outside", "case", "an event that starts after the horizon ends",
          _table(lambda t: None, case={"events": [{"type": "fleet_shortage", "factor": 0.5,
                                                   "start": "2026-02-02",
                                                   "end": "2026-05-01"}]}),
          names=("events", "outside the horizon")),
    Entry("event-factor", "case", "a demand shock of factor 1000",
          _table(lambda t: None, case={"events": [{"type": "demand_shock", "market": "JP",
                                                   "factor": 1000, **EV}]}),
          names=("events.0", "factor")),
    Entry("set-index", "case", "--set on a list entry that does not exist",
          _table(lambda t: None, "--set", "events.5.end=2026-01-04",
                 case={"events": [{"type": "fleet_shortage", "factor": 0.5, **EV}]}),
          names=("--set", "events.5.end", "not an entry of a list of 1")),
    Entry("set-dup-key", "case", "--set a mapping that repeats a key",
          _table(lambda t: None, "--set", "economics={regas_usd_per_mmbtu: 1, "
                 "regas_usd_per_mmbtu: 2}"), names=("--set", "duplicate key")),
    # rule and terms files
    Entry("rule-dup-key", "rules", "a key twice in a rule file",
          _rules(BAN.format(party="JP") + "    adherents: [KR]\n"),
          names=("rules.yaml", "duplicate key 'adherents'")),
    Entry("rule-unknown-party", "rules", "a rule for a party that does not exist",
          _rules(BAN.format(party="XX")), names=("rules.yaml", "unknown party 'XX'")),
    Entry("terms-binary", "rules", "a binary swap-terms file", _binary_terms,
          names=("terms.yaml", "not UTF-8")),
    # output paths
    Entry("out-user-folder", "output", "--out a folder of the user's files", _user_folder,
          names=("mine", "thesis.docx", "--overwrite"), out=""),
    Entry("out-file", "output", "--out an existing file", _out_file, names=("afile",), out=""),
    # schedules for `lngswap check`
    Entry("check-fraction", "check", "a schedule leg with fraction -5",
          _schedule(lambda s: s.assign(fraction=["1", "-5", "1"])),
          names=("schedule.csv row 3", "fraction")),
    Entry("check-arrival", "check", "a leg that arrives before it is loaded",
          _schedule(lambda s: s.assign(arrival_date=["2026-01-03", "2026-01-01",
                                                     "2026-01-05"])),
          names=("schedule.csv row 3", "arrival_date")),
    Entry("check-terminal", "check", "a leg to a terminal that does not exist",
          _schedule(lambda s: s.assign(destination=["jp-t", "nowhere", "row-x"])),
          names=("schedule.csv row 3", "unknown terminal 'nowhere'")),
    # no plan
    Entry("hard-infeasible", "no plan", "shortfall: hard and Japan cannot be supplied",
          _table(_no_supply, case={"shortfall": "hard", "foresight": "perfect"}),
          code=3, names=("JP", "demand must be met", "shortfall: soft")),
]

SKIP_BLANK = re.compile(r"[ \t]+$", re.MULTILINE)
#: Progress lines (`[  elapsed] phase`) say what was done before the error, not what it is.
PROGRESS = re.compile(r"^\[[ 0-9a-z]+\] .*\n?", re.MULTILINE)


def run_entry(e: Entry, folder: Path) -> tuple[int, str]:
    """Run one entry in `folder`; returns its exit code and its message, with the folder's
    path written as `<dir>` so the text is the same on every machine."""
    args = e.setup(folder)
    r = CliRunner().invoke(app, args)
    text = (r.stdout or "") + (r.stderr or "")
    if r.exception is not None and not isinstance(r.exception, SystemExit):
        text += f"\nTraceback: {type(r.exception).__name__}: {r.exception}"
    text = text.replace(str(folder.resolve()), "<dir>").replace(str(folder), "<dir>")
    return r.exit_code, PROGRESS.sub("", SKIP_BLANK.sub("", text)).strip()


def _cell_text(s: str) -> str:
    return s.replace("|", "\\|").replace("\n", "<br>")


def render(results: dict[str, tuple[int, str]]) -> str:
    """docs/errors.md from each entry's exit code and message."""
    lines = [
        "# What bad input gets",
        "",
        "Generated by `python tests/catalogue.py` from the catalogue of bad inputs in",
        "`tests/catalogue.py`; `tests/test_bad_inputs.py` runs every entry and fails when",
        "this page no longer matches what the tool says. Each entry runs on the toy dataset of",
        "`tests/conftest.py` (`<dir>` is the folder it ran in). Exit 2 is bad input (nothing",
        "written), exit 3 a case with no plan, explained.",
        "",
    ]
    for group in dict.fromkeys(e.group for e in CATALOGUE):
        lines += [f"## {group}", "", "| entry | bad input | exit | message |",
                  "|---|---|---|---|"]
        for e in (x for x in CATALOGUE if x.group == group):
            code, msg = results[e.id]
            lines.append(f"| {e.id} | {_cell_text(e.what)} | {code} | {_cell_text(msg)} |")
        lines.append("")
    lines += ["## Plausibility bounds of the dataset", "",
              "Every number must be finite; shares lie in [0, 1]. Beyond those:", "",
              "| file | column | allowed | why |", "|---|---|---|---|"]
    lines += [f"| {f}.csv | {c} | {r} | {_cell_text(w)} |" for f, c, r, w in bounds_table()]
    return "\n".join(lines) + "\n"


def documented() -> dict[str, tuple[int, str]]:
    """Exit code and message of each entry as docs/errors.md records them."""
    out = {}
    if not DOC.is_file():
        return out
    for line in DOC.read_text(encoding="utf-8").splitlines():
        cells = re.split(r"(?<!\\)\|", line)
        if len(cells) == 6 and cells[3].strip().isdigit():
            msg = cells[4].strip().replace("<br>", "\n").replace("\\|", "|")
            out[cells[1].strip()] = (int(cells[3]), msg)
    return out


def main() -> None:
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for e in CATALOGUE:
            folder = Path(tmp) / e.id
            folder.mkdir()
            results[e.id] = run_entry(e, folder)
            print(f"{e.id}: exit {results[e.id][0]}")
    DOC.write_text(render(results), encoding="utf-8")
    print(f"wrote {DOC}")


if __name__ == "__main__":
    main()
