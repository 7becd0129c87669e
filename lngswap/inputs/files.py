"""Reading input files as text: UTF-8 only, YAML without duplicate keys, CSV with line numbers.

Every reader raises `InputError` naming the file (and the line where it can) instead of letting
a decoding or parsing error escape as a traceback. A YAML mapping that repeats a key is refused:
PyYAML would silently keep the last value, which once made a ban apply to the wrong party.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from lngswap.errors import InputError


def read_text(path: Path, what: str = "file") -> str:
    """The file's text, decoded as UTF-8 (a byte-order mark is allowed); InputError otherwise."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: {what} not found") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder, expected a {what}") from None
    except OSError as e:
        raise InputError(f"{path}: cannot read the {what}: {e.strerror}") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        col = e.start - (raw.rfind(b"\n", 0, e.start) + 1) + 1
        raise InputError(f"{path} line {line}: not UTF-8 text (byte 0x{raw[e.start]:02x} at "
                         f"byte {col} of the line); save the {what} as UTF-8") from None


class _UniqueKeyLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing a mapping that repeats a key."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False
                       ) -> dict:
    seen: dict[Any, int] = {}
    for key_node, _value in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        try:
            first = seen.get(key)
        except TypeError:  # an unhashable key: let PyYAML report it
            continue
        if first is not None:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} (first on line {first}, again on line "
                f"{line}); each key may appear once", key_node.start_mark)
        seen[key] = line
    loader.flatten_mapping(node)
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
                                 _construct_mapping)


def load_yaml(path: Path, what: str = "YAML file") -> Any:
    """Parse a YAML file: UTF-8, safe tags only, no repeated keys. None for an empty file."""
    return parse_yaml(read_text(path, what), str(path))


def parse_yaml(text: str, where: str) -> Any:
    """Parse YAML text (safe tags only, no repeated keys); InputError names `where` and the
    line."""
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark is not None else ""
        problem = getattr(e, "problem", None) or str(e)
        raise InputError(f"{where}{line}: not valid YAML: {problem}") from None


def read_csv_lines(path: Path, what: str = "CSV file") -> tuple[pd.DataFrame, list[int]]:
    """A CSV file as text cells, with the line number (as an editor shows it) of each row.

    Blank lines are skipped but counted, so a row number in a message is the line the user
    sees. A row with more or fewer cells than the header is refused, naming its line.
    """
    text = read_text(path, what)
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    rows: list[list[str]] = []
    lines: list[int] = []
    bad: list[str] = []
    prev = 0
    try:
        for rec in reader:
            start, prev = prev + 1, reader.line_num
            if not rec or all(c.strip() == "" for c in rec) and len(rec) <= 1:
                continue
            if header is None:
                header = [c.strip() for c in rec]
                continue
            if len(rec) != len(header):
                bad.append(f"{path} line {start}: {len(rec)} cells, the header has "
                           f"{len(header)}")
                continue
            rows.append(rec)
            lines.append(start)
    except csv.Error as e:
        raise InputError(f"{path} line {reader.line_num}: cannot be read as CSV: {e}") from None
    if bad:
        raise InputError(bad[:5])
    if header is None:
        raise InputError(f"{path}: empty file, expected a header row")
    dup = sorted({c for c in header if header.count(c) > 1})
    if dup:
        raise InputError(f"{path} line 1: column(s) {', '.join(dup)} appear more than once")
    return pd.DataFrame(rows, columns=header, dtype=str), lines
