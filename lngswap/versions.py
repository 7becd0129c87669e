"""Installed versions of lngswap and the packages it records in manifests."""

from __future__ import annotations

from importlib import metadata

#: Packages whose versions every manifest records.
RECORDED = ("lngswap", "pyomo", "highspy", "pandas", "xarray", "numpy", "scipy", "searoute",
            "pydantic")


def package_version(pkg: str = "lngswap") -> str:
    """The installed version of `pkg`, or 'unknown' when it is not installed."""
    try:
        return metadata.version(pkg)
    except metadata.PackageNotFoundError:
        return "unknown"


def recorded_versions() -> dict[str, str]:
    """Versions of the packages a manifest records."""
    return {p: package_version(p) for p in RECORDED}
