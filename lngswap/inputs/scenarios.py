"""Uncertain event ends: the scenario schema, the case's scenario set, a scenario realised.

An event may give its end as `end_scenarios` (dated ends with probabilities) instead of one
`end`. The scenario set of a case is the product of its uncertain events' ends (probabilities
multiply: the events are taken as independent). A realised scenario is the case with every
uncertain event given the end of that scenario: an ordinary case any run can solve.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date

from pydantic import BaseModel, ConfigDict, Field

#: probabilities of an event's ends must sum to 1 within this
PROB_TOL = 1e-6


class EndScenario(BaseModel):
    """One possible end of an event and its probability."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    end: date = Field(description="Last day of the event (inclusive) in this scenario.")
    probability: float = Field(gt=0, le=1, description="Probability of this end (> 0).")


def check_end_scenarios(start: date, scenarios: list[EndScenario]) -> None:
    """Raise ValueError naming `end_scenarios` unless the ends are distinct, on or after the
    start, and their probabilities sum to 1."""
    if not scenarios:
        raise ValueError("end_scenarios: expected at least one {end, probability}")
    total = sum(s.probability for s in scenarios)
    if abs(total - 1.0) > PROB_TOL:
        raise ValueError(f"end_scenarios: probabilities sum to {total:.6g}, expected 1")
    ends = [s.end for s in scenarios]
    if len(set(ends)) != len(ends):
        raise ValueError(f"end_scenarios: ends {sorted(map(str, ends))} repeat a date; "
                         "expected distinct ends")
    early = [str(e) for e in ends if e < start]
    if early:
        raise ValueError(f"end_scenarios: ends {early} lie before the start {start}; "
                         "expected ends on or after it")


class RollingOptions(BaseModel):
    """How `foresight: rolling` steps through the horizon."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    step_days: int = Field(14, ge=1, le=366, description="Days between re-plans: decisions "
                           "of a step are taken at its start, knowing only what is known then.")
    lookahead_days: int = Field(60, ge=1, le=732, description="Days the planner looks ahead "
                                "(at least a step). Recorded; each step's plan runs to the "
                                "horizon end, valued there like any run.")


class RiskOptions(BaseModel):
    """Conditional value at risk of each core party's cost in the stochastic objective."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    cvar_alpha: float = Field(0.9, ge=0, lt=1, description="CVaR level: the mean of the "
                              "worst (1 - alpha) share of outcomes.")
    weight: float = Field(0.0, ge=0, le=100, description="Weight of each core party's CVaR "
                          "next to the expected system cost.")
    parties: list[str] = Field(default_factory=lambda: ["JP", "KR"],
                               description="Parties whose cost CVaR is weighted.")


@dataclass(frozen=True)
class Scenario:
    """One realised scenario: a label, its probability and the end of each uncertain event
    (event position in the case -> end date)."""

    label: str
    probability: float
    ends: tuple[tuple[int, date], ...]


def uncertain_events(case) -> list[int]:
    """Positions of the case's events whose end is given as scenarios."""
    return [i for i, e in enumerate(case.events) if getattr(e, "end_scenarios", None)]


def scenario_set(case) -> list[Scenario]:
    """Every combination of the uncertain events' ends, with the product of probabilities,
    in date order; one scenario ('certain') when no event is uncertain."""
    pos = uncertain_events(case)
    if not pos:
        return [Scenario("certain", 1.0, ())]
    lists = [sorted(case.events[i].end_scenarios, key=lambda s: s.end) for i in pos]
    out = []
    for combo in itertools.product(*lists):
        p = 1.0
        for s in combo:
            p *= s.probability
        tag = "_".join(f"end-{s.end}" if len(pos) == 1 else f"e{i}-end-{s.end}"
                       for i, s in zip(pos, combo, strict=True))
        out.append(Scenario(tag, p, tuple((i, s.end) for i, s in zip(pos, combo,
                                                                        strict=True))))
    return out


def realise(case, sc: Scenario, foresight: str = "perfect"):
    """The case with the scenario's ends put in, no scenarios left, and `foresight` set."""
    events = list(case.events)
    for i, end in sc.ends:
        events[i] = events[i].model_copy(update={"end": end, "end_scenarios": None})
    return case.model_copy(update={"events": events, "foresight": foresight})
