"""Typed errors: the CLI maps each to a message and an exit code, library code never exits."""

from __future__ import annotations


class LngswapError(Exception):
    """Base of every error lngswap raises on purpose."""


class InputError(LngswapError):
    """Bad input: a case, data or schedule file that cannot be used as it stands (exit code 2).

    Holds every problem found, each naming the file and the row or key, so a planner can fix
    them all at once.
    """

    def __init__(self, problems: list[str] | str):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))

    def __str__(self) -> str:
        if len(self.problems) == 1:
            return self.problems[0]
        return f"{len(self.problems)} problems:\n" + "\n".join(f"- {p}" for p in self.problems)


class Problems:
    """Collects input problems and raises them together (collect all, raise once)."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, message: str) -> None:
        self.items.append(message)

    def extend(self, messages: list[str]) -> None:
        self.items.extend(messages)

    def raise_if_any(self) -> None:
        if self.items:
            raise InputError(self.items)


class SolveError(LngswapError):
    """The solver did not reach an optimum; the message says what that means for the case."""


def describe_validation(err, hidden: tuple[str, ...] = ()) -> list[str]:
    """One line per pydantic validation error: `key 'a.b': what was wrong (got ...)`.

    Location parts in `hidden` (e.g. the tags of a discriminated union) are left out.
    """
    out = []
    for e in err.errors():
        loc = ".".join(str(x) for x in e["loc"]
                       if not str(x).startswith("function-after") and str(x) not in hidden)
        got = e.get("input")
        got_s = "" if isinstance(got, (dict, list)) or got is None else f" (got {got!r})"
        what = e["msg"].removeprefix("Value error, ")
        if e["type"] == "extra_forbidden":
            what, got_s = "unknown key", ""
        elif e["type"] == "missing":
            what, got_s = "missing; this key is required", ""
        out.append(f"key '{loc}': {what}{got_s}" if loc else f"{what}{got_s}")
    return out
