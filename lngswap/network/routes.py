"""Sea routes from loading ports to import nodes, computed offline with the PyPI package searoute.

For every (port, terminal) pair: the `direct` route (searoute's shortest path with its default
restriction, the Arctic, always on) and the distinct alternatives that avoid closable passages
(`avoid-suez`, `avoid-panama`, ... see `lngswap.network.passages.ALTERNATIVE_ROUTES`). Each route
lists the passages it crosses in the order crossed, with the sea distance from the port to each
crossing, so a closure window can be turned into a cut-off or a reroute on the right days.

Distances are between the searoute network nodes nearest the port and the terminal (searoute's
default): no port approach, port time or canal waiting time is included.
"""

from __future__ import annotations

import math
import os
import tempfile
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from itertools import product
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
import searoute as sr

from lngswap.errors import InputError, Problems
from lngswap.network.passages import (
    ALTERNATIVE_ROUTES,
    ALWAYS_RESTRICTED,
    PASSAGES,
    to_friendly,
    to_searoute,
)

#: Columns of routes.csv, in order.
ROUTE_COLUMNS: list[str] = [
    "port",
    "terminal",
    "route",
    "distance_nm",
    "passages",
    "passage_offsets_nm",
    "searoute_version",
    "source",
]

#: Name of the route searoute finds with only ALWAYS_RESTRICTED closed.
DIRECT = "direct"

_SEP = ";"
_EARTH_RADIUS_KM = 6371.0
# Coordinates are compared at 1e-5 degree (about 1 m) with longitude taken modulo 360, because
# searoute shifts longitudes by 360 degrees where a route crosses the antimeridian.
_KEY_DECIMALS = 5


def searoute_version() -> str:
    """Installed searoute version, recorded in every route row so a distance can be traced."""
    try:
        return metadata.version("searoute")
    except metadata.PackageNotFoundError:  # pragma: no cover - vendored or unusual installs
        return str(getattr(sr, "__version__", "unknown"))


@dataclass(frozen=True)
class _Route:
    distance_nm: float
    passages: tuple[str, ...]  # friendly names, in the order crossed
    offsets_nm: tuple[float, ...]  # sea distance from the port to each crossing
    touched: frozenset[str]  # searoute passages with any edge on the path (crossed or not)


def _key(lon: float, lat: float) -> tuple[float, float]:
    return (round(float(lon) % 360.0, _KEY_DECIMALS), round(float(lat), _KEY_DECIMALS))


@lru_cache(maxsize=1)
def _graphs() -> tuple[Any, Any]:
    # searoute caches its graphs itself; fetching them once here lets every call pass M= and P=
    # explicitly and lets compute_routes restore the graph's restriction state afterwards.
    return sr.setup_M(), sr.setup_P()


# searoute's 'suez' edges run from the Red Sea up the Gulf of Suez to Port Said. Only the canal
# itself, north of Suez port (29.7 N), is the passage: a route that ends in the Gulf of Suez
# (Ain Sokhna) from the Red Sea does not transit the canal. Passage -> minimum latitude of the
# edges that make a crossing; other passages count all their edges.
_GATE_MIN_LAT: dict[str, float] = {"suez": 29.7}

_EdgeIndex = dict[frozenset[tuple[float, float]], tuple[str, bool]]


@lru_cache(maxsize=1)
def _passage_geometry() -> tuple[_EdgeIndex, dict[str, np.ndarray]]:
    """Tagged Marnet edges: edge (a pair of node keys) -> (searoute passage, is a crossing edge),
    and per-passage node coordinates (for the nearest-point fallback)."""
    marnet, _ = _graphs()
    known = set(PASSAGES.values())
    edges: _EdgeIndex = {}
    nodes: dict[str, set[tuple[float, float]]] = {}
    for u, v, passage in marnet.edges(data="passage"):
        if passage not in known:  # internal antimeridian links ('segment', 'pacific_ocean')
            continue
        gate = min(u[1], v[1]) >= _GATE_MIN_LAT.get(passage, -90.0) - 1e-9
        edges[frozenset((_key(*u), _key(*v)))] = (passage, gate)
        nodes.setdefault(passage, set()).update({tuple(u), tuple(v)})
    node_arrays = {p: np.array(sorted(pts), dtype=float) for p, pts in nodes.items()}
    return edges, node_arrays


def _cumulative_km(coords: np.ndarray) -> np.ndarray:
    """Cumulative great-circle length (km) along a LineString, 0 at the first vertex."""
    lon = np.radians(coords[:, 0])
    lat = np.radians(coords[:, 1])
    dlat = np.diff(lat)
    dlon = np.diff(lon)
    a = np.sin(dlat / 2) ** 2 + np.cos(lat[:-1]) * np.cos(lat[1:]) * np.sin(dlon / 2) ** 2
    seg = 2 * _EARTH_RADIUS_KM * np.arctan2(np.sqrt(a), np.sqrt(np.clip(1 - a, 0, None)))
    return np.concatenate([[0.0], np.cumsum(seg)])


def _nearest_vertex(coords: np.ndarray, points: np.ndarray) -> int:
    """Index of the route vertex nearest (great circle) to any of `points`."""
    lon1 = np.radians(coords[:, 0])[:, None]
    lat1 = np.radians(coords[:, 1])[:, None]
    lon2 = np.radians(points[:, 0])[None, :]
    lat2 = np.radians(points[:, 1])[None, :]
    a = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    return int(np.argmin(a.min(axis=1)))


def _crossings(
    coords: np.ndarray, length_nm: float, reported: Iterable[str]
) -> tuple[tuple[str, ...], tuple[float, ...], frozenset[str]]:
    """Passages crossed (searoute names) in route order, the sea distance to each, and every
    passage with an edge on the route.

    A crossing is a run of consecutive route segments that are edges searoute tags with one
    passage (for Suez, a run that includes the canal itself); its position is the middle of the
    crossing edges in that run. Distances along the LineString are scaled so that the whole
    line measures searoute's own `length`.
    """
    edges, nodes = _passage_geometry()
    cum = _cumulative_km(coords)
    scale = length_nm / cum[-1] if cum[-1] > 0 else 0.0
    keys = [_key(lon, lat) for lon, lat in coords]
    # One run per stretch of consecutive segments tagged with the same passage:
    # [passage, first vertex, last vertex, first crossing vertex, last crossing vertex].
    runs: list[list[Any]] = []
    for i in range(len(keys) - 1):
        tagged = edges.get(frozenset((keys[i], keys[i + 1])))
        if tagged is None:
            continue
        passage, gate = tagged
        if runs and runs[-1][0] == passage and runs[-1][2] == i:
            run = runs[-1]
            run[2] = i + 1
        else:
            run = [passage, i, i + 1, None, None]
            runs.append(run)
        if gate:
            run[3] = i if run[3] is None else run[3]
            run[4] = i + 1
    found = [(p, (cum[a] + cum[b]) / 2 * scale) for p, _, _, a, b in runs if a is not None]
    # Anything searoute reports that the edge walk missed: nearest vertex to that passage.
    for passage in sorted(set(reported) - {run[0] for run in runs}):
        if passage in nodes:
            found.append((passage, cum[_nearest_vertex(coords, nodes[passage])] * scale))
    found.sort(key=lambda item: item[1])
    touched = frozenset(run[0] for run in runs) | frozenset(reported)
    return tuple(p for p, _ in found), tuple(float(d) for _, d in found), touched


def _route(
    origin: tuple[float, float],
    destination: tuple[float, float],
    restrictions: list[str],
    graphs: tuple[Any, Any],
) -> _Route | None:
    """searoute's shortest route under `restrictions` (searoute names); None when there is none."""
    marnet, ports = graphs
    with warnings.catch_warnings():
        # searoute warns (and returns an empty line) when the restrictions leave no path.
        warnings.filterwarnings("ignore", message="No path found")
        try:
            feature = sr.searoute(
                list(origin),
                list(destination),
                units="naut",
                restrictions=restrictions,
                return_passages=True,
                M=marnet,
                P=ports,
            )
        except (nx.NetworkXNoPath, nx.NodeNotFound):
            return None
    coords = np.asarray(feature["geometry"]["coordinates"], dtype=float).reshape(-1, 2)
    length = float(feature["properties"]["length"])
    if len(coords) == 0 or not math.isfinite(length):
        return None
    reported = feature["properties"].get("traversed_passages", [])
    passages, offsets, touched = _crossings(coords, length, reported)
    return _Route(
        distance_nm=length,
        passages=tuple(to_friendly(p) for p in passages),
        offsets_nm=offsets,
        touched=touched,
    )


def _check_points(frame: pd.DataFrame, key: str, label: str) -> pd.DataFrame:
    """Validated copy of a (key, lon, lat) frame; raises InputError listing every problem."""
    problems = Problems()
    missing = [c for c in (key, "lon", "lat") if c not in frame.columns]
    if missing:
        raise InputError(f"{label}: missing column(s) {', '.join(missing)}")
    out = frame[[key, "lon", "lat"]].copy()
    out[key] = out[key].astype("string").str.strip()
    for column in ("lon", "lat"):
        out[column] = pd.to_numeric(out[column], errors="coerce")
    for row, (name, lon, lat) in enumerate(out.itertuples(index=False, name=None), start=1):
        where = f"{label} row {row}"
        if pd.isna(name) or name == "":
            problems.add(f"{where}: empty {key}")
            continue
        if pd.isna(lon) or not -180 <= lon <= 180:
            problems.add(f"{where} ({key} {name!r}): lon must be a number in [-180, 180]")
        if pd.isna(lat) or not -90 <= lat <= 90:
            problems.add(f"{where} ({key} {name!r}): lat must be a number in [-90, 90]")
    duplicated = out[key][out[key].duplicated()].dropna().unique()
    for name in duplicated:
        problems.add(f"{label}: {key} {name!r} appears more than once")
    problems.raise_if_any()
    return out


def _fmt_offsets(offsets: Iterable[float]) -> str:
    return _SEP.join(f"{d:.1f}" for d in offsets)


def compute_routes(
    ports: pd.DataFrame, terminals: pd.DataFrame, *, source: str | None = None
) -> pd.DataFrame:
    """Direct and passage-avoiding sea routes for every (port, terminal) pair, one row each.

    `ports` has columns port, lon, lat and `terminals` terminal, lon, lat (one row per name).
    Alternatives (`passages.ALTERNATIVE_ROUTES`) are kept only when their passages differ
    from those of the routes already kept for the pair, so each row is a real choice for a
    closure scenario. Rows are sorted by port, terminal, route; the result is deterministic.
    """
    port_pts = _check_points(ports, "port", "ports")
    term_pts = _check_points(terminals, "terminal", "terminals")
    version = searoute_version()
    if source is None:
        source = (
            f"computed with PyPI searoute {version}; port and terminal coordinates from "
            "data/sources.csv and data/terminals.csv"
        )
    always = list(ALWAYS_RESTRICTED)
    alternatives = [
        (name, always + [to_searoute(p) for p in avoided])
        for name, avoided in ALTERNATIVE_ROUTES.items()
    ]
    graphs = _graphs()
    marnet = graphs[0]
    saved_restrictions = marnet.restrictions
    rows: list[dict[str, Any]] = []
    try:
        for (port, plon, plat), (terminal, tlon, tlat) in product(
            port_pts.itertuples(index=False, name=None),
            term_pts.itertuples(index=False, name=None),
        ):
            origin, destination = (float(plon), float(plat)), (float(tlon), float(tlat))
            kept: dict[str, _Route] = {}
            direct = _route(origin, destination, list(always), graphs)
            if direct is None:
                raise InputError(
                    f"no sea route from port {port!r} ({plon}, {plat}) to terminal "
                    f"{terminal!r} ({tlon}, {tlat}); check both coordinates"
                )
            kept[DIRECT] = direct
            for name, restrictions in alternatives:
                # Closing passages the direct route does not use leaves it the shortest: the
                # alternative would repeat it, so searoute is not asked.
                if not direct.touched & set(restrictions):
                    continue
                alt = _route(origin, destination, restrictions, graphs)
                if alt is None or any(alt.passages == r.passages for r in kept.values()):
                    continue
                kept[name] = alt
            for name, route in kept.items():
                rows.append(
                    {
                        "port": port,
                        "terminal": terminal,
                        "route": name,
                        "distance_nm": round(route.distance_nm, 1),
                        "passages": _SEP.join(route.passages),
                        "passage_offsets_nm": _fmt_offsets(route.offsets_nm),
                        "searoute_version": version,
                        "source": source,
                    }
                )
    finally:
        # searoute stores the last restrictions on its cached graph: leave it as found.
        marnet.restrictions = saved_restrictions
    out = pd.DataFrame(rows, columns=ROUTE_COLUMNS)
    out["distance_nm"] = out["distance_nm"].astype(float)
    return out.sort_values(["port", "terminal", "route"], kind="stable").reset_index(drop=True)


def _read_csv(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise InputError(f"{path}: file not found")
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot be read as CSV ({exc})") from exc


def write_routes(dataset_dir: Path) -> Path:
    """Compute routes.csv for a dataset folder from its sources.csv and terminals.csv.

    One loading port per `port` slug (the first row of sources.csv that names it). The file is
    written to a temporary name and renamed, so a failed run never leaves a half-written file.
    """
    dataset_dir = Path(dataset_dir)
    sources_path = dataset_dir / "sources.csv"
    terminals_path = dataset_dir / "terminals.csv"
    sources = _read_csv(sources_path)
    terminals = _read_csv(terminals_path)
    problems = Problems()
    for path, frame, key in (
        (sources_path, sources, "port"),
        (terminals_path, terminals, "terminal"),
    ):
        missing = [c for c in (key, "lon", "lat") if c not in frame.columns]
        if missing:
            problems.add(f"{path}: missing column(s) {', '.join(missing)}")
    problems.raise_if_any()
    ports = sources[["port", "lon", "lat"]].drop_duplicates("port", keep="first")
    ports = _check_points(ports, "port", str(sources_path))
    terminals = _check_points(terminals, "terminal", str(terminals_path))
    folder = dataset_dir.name or str(dataset_dir)
    version = searoute_version()
    source = (
        f"computed with PyPI searoute {version}; port and terminal coordinates from "
        f"{folder}/sources.csv and {folder}/terminals.csv"
    )
    routes = compute_routes(ports, terminals, source=source)
    target = dataset_dir / "routes.csv"
    fd, tmp_name = tempfile.mkstemp(prefix=".routes.", suffix=".csv.tmp", dir=dataset_dir)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            routes.to_csv(handle, index=False, lineterminator="\n")
        tmp.replace(target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target


def load_routes(dataset_dir: Path) -> pd.DataFrame:
    """Read a dataset's routes.csv (passages kept as `;`-joined strings, empty when none)."""
    path = Path(dataset_dir) / "routes.csv"
    frame = _read_csv(path)
    missing = [c for c in ROUTE_COLUMNS if c not in frame.columns]
    if missing:
        raise InputError(f"{path}: missing column(s) {', '.join(missing)}")
    distance = pd.to_numeric(frame["distance_nm"], errors="coerce")
    bad = distance.isna() | (distance < 0)
    if bad.any():
        rows = ", ".join(str(i + 2) for i in np.flatnonzero(bad.to_numpy())[:10])
        raise InputError(f"{path}: distance_nm must be a number >= 0 (line(s) {rows})")
    frame["distance_nm"] = distance.astype(float)
    known = set(PASSAGES)
    unknown = sorted(
        {name for value in frame["passages"] for name in value.split(_SEP) if name} - known
    )
    if unknown:
        raise InputError(
            f"{path}: unknown passage(s) {', '.join(unknown)}; "
            f"expected names from: {', '.join(sorted(known))}"
        )
    return frame
