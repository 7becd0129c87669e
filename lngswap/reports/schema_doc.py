"""The case-file reference, generated from the pydantic schemas (docs/case-file.md,
`lngswap schema`), so the documentation cannot drift from the code: a test regenerates the
page and compares it with the committed file."""

from __future__ import annotations

import json
import typing

import yaml
from pydantic import BaseModel

from lngswap.errors import InputError
from lngswap.inputs import events as ev
from lngswap.inputs import rules_schema as rs
from lngswap.inputs.case import Case, Economics, Horizon, Shipping, SolverOptions
from lngswap.inputs.swaps_schema import SwapAgreement, Window
from lngswap.paths import bundled_cases

SCHEMAS: dict[str, type[BaseModel]] = {"case": Case, "rules": rs.RuleFile,
                                       "swaps": SwapAgreement}
#: Keys the loader sets, not the file.
HIDDEN = {"source_path"}


def event_models() -> list[type[BaseModel]]:
    """The event classes of the `events:` union, in declaration order."""
    union = typing.get_args(ev.Event)[0]
    return list(typing.get_args(union))


def rule_models() -> list[type[BaseModel]]:
    union = typing.get_args(rs.Rule)[0]
    return list(typing.get_args(union))


def _tag(model: type[BaseModel], key: str) -> str:
    """The literal value of a union member's discriminator (`type`, `kind`)."""
    return str(typing.get_args(model.model_fields[key].annotation)[0])


def json_schema(what: str = "case") -> dict:
    """The JSON schema of a case file, a rules file or a swap agreement."""
    if what not in SCHEMAS:
        raise InputError(f"schema {what}: expected one of {', '.join(SCHEMAS)}")
    doc = SCHEMAS[what].model_json_schema()
    if what == "case":
        doc["properties"] = {k: v for k, v in doc["properties"].items() if k not in HIDDEN}
    return doc


def _type(prop: dict | bool) -> str:
    if not isinstance(prop, dict):
        return "any"
    if "$ref" in prop:
        return prop["$ref"].rsplit("/", 1)[-1]
    if "const" in prop:
        return repr(prop["const"])
    if "enum" in prop:
        return " | ".join(repr(x) for x in prop["enum"])
    if "anyOf" in prop:
        return " or ".join(_type(p) for p in prop["anyOf"])
    if "oneOf" in prop:
        return " or ".join(_type(p) for p in prop["oneOf"])
    t = prop.get("type", "any")
    if t == "array":
        return f"list of {_type(prop.get('items', {}))}"
    if t == "object" and "additionalProperties" in prop:
        return f"mapping to {_type(prop['additionalProperties'])}"
    if prop.get("format") == "date":
        return "date (YYYY-MM-DD)"
    return str(t)


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def fields_table(model: type[BaseModel], skip: set[str] | None = None) -> list[str]:
    """A markdown table of a model's keys: type, default (or 'required'), description."""
    skip = (skip or set()) | HIDDEN
    props = model.model_json_schema()["properties"]
    lines = ["| key | type | default | what it is |", "|---|---|---|---|"]
    for name, f in model.model_fields.items():
        if name in skip:
            continue
        p = props.get(f.alias or name, {})
        if f.is_required():
            default = "required"
        elif f.default_factory is not None:
            default = ("`[]`" if f.default_factory in (list, tuple) else "`{}`"
                       if f.default_factory is dict else "(see its section)")
        else:
            default = f"`{json.dumps(f.default, default=str)}`"
        desc = f.description or p.get("description", "")
        lines.append(f"| `{name}` | {_cell(_type(p))} | {default} | {_cell(desc)} |")
    return lines


def _section(title: str, model: type[BaseModel], skip: set[str] | None = None) -> list[str]:
    doc = (model.__doc__ or "").strip().splitlines()
    return [f"### {title}", "", *([doc[0], ""] if doc else []), *fields_table(model, skip), ""]


def case_descriptions() -> dict[str, str]:
    """Bundled case name -> the first sentence of its description."""
    out = {}
    for name, path in bundled_cases().items():
        try:
            doc = yaml.safe_load(path.read_text()) or {}
        except yaml.YAMLError:
            doc = {}
        text = " ".join(str(doc.get("description") or "").split())
        first = text.split(". ")[0].rstrip(".")
        out[name] = first + ("." if first else "") if "variants" not in doc and "grid" not in \
            doc else "swap-terms file: " + (first or "variants of a swap agreement")
    return out


def markdown() -> str:
    """docs/case-file.md: every case key, event type, rule kind and swap field."""
    lines = ["# Case files: the reference", "",
             "Generated from the schemas in `lngswap/inputs/` by "
             "`python -m lngswap.reports.schema_doc > docs/case-file.md`; a test checks that it "
             "matches the code. `lngswap schema` prints the JSON schema, `lngswap cases` lists "
             "the bundled cases, and `models/examples/` has one commented example per event "
             "type.", "",
             "A case file is YAML. `extends: NAME` reads another case first (a path relative "
             "to the file, or a bundled case) and the file's keys override it; "
             "`--set key.path=value` overrides any key from the command line. Unknown keys are "
             "an error.", "",
             "## Top-level keys", "", *fields_table(Case), "",
             "## Nested settings", "",
             *_section("horizon", Horizon), *_section("solver", SolverOptions),
             *_section("economics", Economics), *_section("shipping", Shipping),
             "## Events (`events:`)", "",
             "Each event has a `type`, a window `start`..`end` (inclusive dates) and an "
             "optional `note`. Events compose.", ""]
    for m in event_models():
        t = _tag(m, "type")
        lines += _section(f"`{t}`", m)
    lines += ["## Compliance rules (`rules:` in a case, rule files under `data/rules/`)", "",
              *_section("rules settings in a case", rs.RuleSettings),
              *_section("a rule file", rs.RuleFile),
              *_section("origin selector", rs.OriginSelector),
              *_section("destination selector", rs.DestinationSelector)]
    for m in rule_models():
        k = _tag(m, "kind")
        lines += _section(f"rule kind `{k}`", m)
    lines += _section("price cap step", rs.CapStep)
    lines += ["## Swap agreements (`swaps:`)", "", *_section("agreement", SwapAgreement),
              *_section("active window", Window), "## Bundled cases", "",
              "| name | what it is |", "|---|---|"]
    lines += [f"| `{k}` | {_cell(v)} |" for k, v in case_descriptions().items()]
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":  # pragma: no cover
    print(markdown(), end="")
