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
