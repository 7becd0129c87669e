"""Where the bundled dataset and case files live, in a checkout or an installed wheel."""

from __future__ import annotations

from pathlib import Path

_PKG = Path(__file__).resolve().parent


def _bundled(name: str) -> Path:
    inside = _PKG / "_bundled" / name  # installed wheel
    if inside.is_dir():
        return inside
    return _PKG.parent / name  # source checkout or editable install


def bundled_data_dir() -> Path:
    """The default dataset folder (`data/`)."""
    return _bundled("data")


def bundled_models_dir() -> Path:
    """The ready-to-run case files (`models/`)."""
    return _bundled("models")


def bundled_cases() -> dict[str, Path]:
    """Bundled case files by name (the file name without `.yaml`)."""
    return {p.stem: p for p in sorted(bundled_models_dir().glob("*.yaml"))}


def resolve_case(ref: str | Path, relative_to: Path | None = None, key: str = "") -> Path:
    """A case file from a path or the name of a bundled case (`hormuz-2026`).

    A path that exists wins; then a path relative to `relative_to`'s folder (for references
    inside a case file); then a bundled case of that name, with or without `.yaml`. Anything
    else is an InputError naming `key` (the option, if any), the reference and the bundled
    cases.
    """
    from lngswap.errors import InputError

    p = Path(ref)
    if p.is_file():
        return p
    if relative_to is not None and not p.is_absolute():
        for cand in (Path(relative_to).parent / p, Path(relative_to).parent / f"{p}.yaml"):
            if cand.is_file():
                return cand
    name = p.name[:-5] if p.name.endswith(".yaml") else p.name
    bundled = bundled_cases()
    if str(p.parent) in (".", "models") and name in bundled:
        return bundled[name]
    where = f"{key} {ref}" if key else str(ref)
    raise InputError(f"{where}: case file not found, and no bundled case is named {name!r}; "
                     f"bundled cases: {', '.join(bundled)}")
