"""Sea routes: passage order and offsets, alternatives, reference distances, files, names."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from lngswap.errors import InputError
from lngswap.network.passages import (
    ALTERNATIVE_ROUTES,
    CLOSABLE_ALTERNATIVES,
    PASSAGES,
    UnknownPassageError,
    to_friendly,
    to_searoute,
    valid_passages,
)
from lngswap.network.routes import ROUTE_COLUMNS, compute_routes, load_routes, write_routes

PORTS = pd.DataFrame(
    {
        "port": ["ras-laffan", "sabine-pass"],
        "lon": [51.54, -93.87],
        "lat": [25.89, 29.73],
    }
)
TERMINALS = pd.DataFrame(
    {
        "terminal": ["tokyo-bay", "zeebrugge"],
        "lon": [139.82, 3.2],
        "lat": [35.35, 51.33],
    }
)


@pytest.fixture(scope="module")
def routes() -> pd.DataFrame:
    return compute_routes(PORTS, TERMINALS)


def _row(routes: pd.DataFrame, port: str, terminal: str, route: str) -> pd.Series:
    match = routes[
        (routes["port"] == port) & (routes["terminal"] == terminal) & (routes["route"] == route)
    ]
    assert len(match) == 1, f"expected one {route} row for {port} -> {terminal}"
    return match.iloc[0]


def _passages(row: pd.Series) -> list[str]:
    return row["passages"].split(";") if row["passages"] else []


def _offsets(row: pd.Series) -> list[float]:
    return [float(x) for x in row["passage_offsets_nm"].split(";")] if row["passages"] else []


def test_columns_and_one_direct_per_pair(routes: pd.DataFrame) -> None:
    assert list(routes.columns) == ROUTE_COLUMNS
    direct = routes[routes["route"] == "direct"]
    assert len(direct) == len(PORTS) * len(TERMINALS)
    assert not routes.duplicated(["port", "terminal", "route"]).any()
    assert set(routes["route"]) <= {"direct", *ALTERNATIVE_ROUTES}
    assert (routes["searoute_version"] == "1.6.0").all()
    assert routes["source"].str.startswith("computed with PyPI searoute 1.6.0").all()


def test_ras_laffan_tokyo_crosses_hormuz_then_malacca(routes: pd.DataFrame) -> None:
    row = _row(routes, "ras-laffan", "tokyo-bay", "direct")
    assert _passages(row) == ["hormuz", "malacca"]
    hormuz, malacca = _offsets(row)
    assert 0 < hormuz < malacca < row["distance_nm"]
    assert row["distance_nm"] == pytest.approx(6587, rel=0.05)
    # searoute 1.6.0 figure in the reference table, to the nautical mile.
    assert row["distance_nm"] == pytest.approx(6587, abs=1)


def test_ras_laffan_zeebrugge_direct_and_cape(routes: pd.DataFrame) -> None:
    direct = _row(routes, "ras-laffan", "zeebrugge", "direct")
    assert _passages(direct) == ["hormuz", "bab-el-mandeb", "suez", "gibraltar"]
    offsets = _offsets(direct)
    assert offsets == sorted(offsets)
    assert direct["distance_nm"] == pytest.approx(6379, abs=1)

    cape = _row(routes, "ras-laffan", "zeebrugge", "avoid-suez")
    assert cape["distance_nm"] > direct["distance_nm"]
    assert "suez" not in _passages(cape)
    assert "bab-el-mandeb" not in _passages(cape)
    assert _passages(cape) == ["hormuz", "cape"]
    assert cape["distance_nm"] == pytest.approx(11162, abs=1)
    # Hormuz is crossed at the same point whichever way the ship then goes.
    assert _offsets(cape)[0] == offsets[0]


def test_sabine_pass_tokyo_via_panama_with_alternative(routes: pd.DataFrame) -> None:
    direct = _row(routes, "sabine-pass", "tokyo-bay", "direct")
    assert _passages(direct) == ["panama"]
    assert direct["distance_nm"] == pytest.approx(9306, abs=1)
    alt = _row(routes, "sabine-pass", "tokyo-bay", "avoid-panama")
    assert "panama" not in _passages(alt)
    assert alt["distance_nm"] > direct["distance_nm"]
    assert alt["distance_nm"] == pytest.approx(14624, abs=1)
    both = _row(routes, "sabine-pass", "tokyo-bay", "avoid-panama-suez")
    assert not {"panama", "suez", "bab-el-mandeb"} & set(_passages(both))


def test_alternatives_are_distinct_per_pair(routes: pd.DataFrame) -> None:
    for _, group in routes.groupby(["port", "terminal"]):
        assert group["passages"].is_unique
    # Sabine Pass to Zeebrugge crosses nothing: no alternative is worth a row.
    pair = routes[(routes["port"] == "sabine-pass") & (routes["terminal"] == "zeebrugge")]
    assert list(pair["route"]) == ["direct"]
    assert pair.iloc[0]["passages"] == ""


def test_offsets_within_route(routes: pd.DataFrame) -> None:
    for _, row in routes.iterrows():
        offsets = _offsets(row)
        assert len(offsets) == len(_passages(row))
        assert offsets == sorted(offsets)
        assert all(0 <= d <= row["distance_nm"] for d in offsets)


def test_deterministic(routes: pd.DataFrame) -> None:
    again = compute_routes(PORTS.iloc[::-1], TERMINALS.iloc[::-1])
    pd.testing.assert_frame_equal(routes, again)


def test_unknown_passage_names_valid_ones() -> None:
    with pytest.raises(UnknownPassageError, match="hormuz") as info:
        to_searoute("atlantis")
    assert isinstance(info.value, ValueError)
    assert "'atlantis'" in str(info.value)
    with pytest.raises(UnknownPassageError, match="use 'hormuz'"):
        to_searoute("ormuz")
    with pytest.raises(UnknownPassageError):
        to_friendly("atlantis")


def test_name_mapping_round_trips() -> None:
    assert to_searoute("hormuz") == "ormuz"
    assert to_searoute("bab-el-mandeb") == "babalmandab"
    assert to_searoute("cape") == "south_africa"
    assert to_searoute("bosporus") == "bosporus"
    assert to_friendly("ormuz") == "hormuz"
    for friendly, name in PASSAGES.items():
        assert to_friendly(name) == friendly
        assert to_searoute(friendly) == name
    assert valid_passages() == sorted(PASSAGES)
    assert CLOSABLE_ALTERNATIVES["hormuz"] == {}
    assert "avoid-suez" in CLOSABLE_ALTERNATIVES["suez"]
    assert "avoid-suez" in CLOSABLE_ALTERNATIVES["bab-el-mandeb"]
    assert set(CLOSABLE_ALTERNATIVES["panama"]) == {"avoid-panama", "avoid-panama-suez"}


def test_write_and_load_routes(tmp_path: Path) -> None:
    pd.DataFrame(
        {
            "source": ["ras-laffan-1", "ras-laffan-2"],
            "port": ["ras-laffan", "ras-laffan"],
            "lon": [51.54, 0.0],  # second row of the same port is ignored
            "lat": [25.89, 0.0],
        }
    ).to_csv(tmp_path / "sources.csv", index=False)
    TERMINALS.iloc[:1].to_csv(tmp_path / "terminals.csv", index=False)
    path = write_routes(tmp_path)
    assert path == tmp_path / "routes.csv"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "routes.csv",
        "sources.csv",
        "terminals.csv",
    ]
    loaded = load_routes(tmp_path)
    assert list(loaded.columns) == ROUTE_COLUMNS
    direct = _row(loaded, "ras-laffan", "tokyo-bay", "direct")
    assert direct["passages"] == "hormuz;malacca"
    assert direct["distance_nm"] == pytest.approx(6586.6, abs=0.05)
    assert "sources.csv" in direct["source"]


def test_bad_input_is_named(tmp_path: Path) -> None:
    bad = pd.DataFrame({"port": ["x", "x"], "lon": [200.0, 1.0], "lat": [0.0, 0.0]})
    with pytest.raises(InputError, match="ports row 1") as info:
        compute_routes(bad, TERMINALS)
    assert "more than once" in str(info.value)
    with pytest.raises(InputError, match="routes.csv: file not found"):
        load_routes(tmp_path)
