"""Passage names: the one place where lngswap's friendly names meet searoute's own names.

Case files, data files and outputs use the friendly names (`hormuz`, `bab-el-mandeb`, `cape`);
only the routing code talks to searoute, and it translates here. The searoute names are the
`passage` attribute carried by the edges of searoute's Marnet graph (searoute 1.6.0).
"""

from __future__ import annotations

from lngswap.errors import InputError

#: Friendly name -> searoute name. Every passage tagged in searoute's Marnet graph has one, so
#: any passage found on a computed route can be named.
PASSAGES: dict[str, str] = {
    "hormuz": "ormuz",
    "bab-el-mandeb": "babalmandab",
    "suez": "suez",
    "panama": "panama",
    "gibraltar": "gibraltar",
    # searoute tags the Bosporus (Istanbul) edges; a route crosses it only to or from the
    # Black Sea.
    "bosporus": "bosporus",
    # The Dardanelles edges are tagged in the graph but missing from searoute's own passage
    # list, so its `traversed_passages` never reports them; lngswap reads them off the route
    # geometry instead (any route into the Sea of Marmara or the Black Sea).
    "dardanelles": "dardanelles",
    "malacca": "malacca",
    "sunda": "sunda",
    # searoute's 'south_africa' edges lie south of Cape Agulhas: every route round the Cape of
    # Good Hope crosses them.
    "cape": "south_africa",
    # searoute's 'chili' edges: Strait of Magellan and the Drake Passage (round Cape Horn).
    "cape-horn": "chili",
    "bering": "bering",
    # searoute's 'northwest' edges cover the Canadian Arctic and the Chukchi Sea approach to the
    # Bering Strait, so restricting them (searoute's default, kept for every route here) closes
    # both the Northwest Passage and the Pacific end of the Northern Sea Route.
    "arctic": "northwest",
}

_SEAROUTE_TO_FRIENDLY: dict[str, str] = {sr: friendly for friendly, sr in PASSAGES.items()}

#: searoute passages restricted on every route, direct or alternative (searoute names).
ALWAYS_RESTRICTED: tuple[str, ...] = ("northwest",)

#: Alternative routes: name -> friendly passages the route avoids (passed to searoute as
#: restrictions on top of ALWAYS_RESTRICTED). Tried in this order; an alternative is kept for a
#: port-terminal pair only when its passages differ from the routes already kept.
ALTERNATIVE_ROUTES: dict[str, tuple[str, ...]] = {
    # Red Sea shut: round the Cape of Good Hope.
    "avoid-suez": ("suez", "bab-el-mandeb"),
    # Bab el-Mandeb shut, Suez open: Red Sea ports such as Ain Sokhna are reached from the Gulf
    # round the Cape and through the canal (elsewhere this matches avoid-suez and is dropped).
    "avoid-bab-el-mandeb": ("bab-el-mandeb",),
    # Panama shut: via Suez, or round the Cape when Suez is longer.
    "avoid-panama": ("panama",),
    # Both shut: round the Cape (or Cape Horn).
    "avoid-panama-suez": ("panama", "suez", "bab-el-mandeb"),
    # Malacca shut: through the Sunda Strait (or further east).
    "avoid-malacca": ("malacca",),
}

#: Closable passage -> {alternative route name: passages that route avoids}. An empty dict
#: means no alternative: a closure cuts off the cargoes that use the passage. Hormuz is the
#: case in point: a port inside the Gulf has no other way out.
CLOSABLE_ALTERNATIVES: dict[str, dict[str, tuple[str, ...]]] = {
    friendly: {name: avoided for name, avoided in ALTERNATIVE_ROUTES.items() if friendly in avoided}
    for friendly in sorted(PASSAGES)
}


class UnknownPassageError(InputError, ValueError):
    """A passage name that lngswap does not know; the message lists the valid names."""

    def __init__(self, name: str, expected: list[str] | None = None, hint: str = "") -> None:
        self.name = name
        self.expected = sorted(expected if expected is not None else PASSAGES)
        message = f"unknown passage {name!r}; expected one of: {', '.join(self.expected)}"
        if hint:
            message += f" ({hint})"
        super().__init__(message)


def _normalise(name: str) -> str:
    return str(name).strip().lower().replace("_", "-").replace(" ", "-")


def valid_passages() -> list[str]:
    """Sorted friendly passage names, for validating case files and events."""
    return sorted(PASSAGES)


def to_searoute(name: str) -> str:
    """Friendly passage name -> searoute's name, so routing code never spells searoute names."""
    key = _normalise(name)
    if key in PASSAGES:
        return PASSAGES[key]
    raw = str(name).strip().lower()
    hint = ""
    if raw in _SEAROUTE_TO_FRIENDLY:
        hint = f"{raw!r} is searoute's name; use {_SEAROUTE_TO_FRIENDLY[raw]!r}"
    raise UnknownPassageError(str(name), hint=hint)


def to_friendly(name: str) -> str:
    """searoute passage name -> friendly name, for outputs; a friendly name passes through."""
    raw = str(name).strip().lower()
    if raw in _SEAROUTE_TO_FRIENDLY:
        return _SEAROUTE_TO_FRIENDLY[raw]
    key = _normalise(name)
    if key in PASSAGES:
        return key
    raise UnknownPassageError(str(name))
