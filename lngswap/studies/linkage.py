"""Conditional agreements and the linkage bargain.

An agreement with `conditions` is in force only while each named party adheres to every
named rule, as the case's rule settings say (`rules.adherents`, `add_adherents`, ...).
`linkage_table` prices the bargain for each party of each conditional agreement:

- cost of adhering: its cost with the named rules adhered to, less its cost without, both
  without the agreement (`cooperation: isolated`);
- value of the agreement given adherence: its cost without the agreement, less its cost with
  it, both adhering (expected and worst scenario under rolling foresight);
- net = value - cost of adhering: the bargain is worth it to a party when the net is >= 0.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lngswap.errors import InputError
from lngswap.inputs.case import Case
from lngswap.inputs.conditions import check_conditions, with_adherence
from lngswap.inputs.dataset import Dataset
from lngswap.studies.study import Study

LINKAGE_COLUMNS = ["agreement", "party", "condition", "cost_of_adhering_usd",
                   "value_of_agreement_expected_usd", "value_of_agreement_worst_usd",
                   "net_expected_usd", "net_worst_usd", "worth_it"]


def _costs(case: Case, ds: Dataset, study: Study) -> pd.DataFrame:
    """Cost per scenario x party (one scenario 'certain' unless rolling)."""
    if case.foresight == "rolling":
        from lngswap.studies.rolling import run_rolling

        run = run_rolling(case, ds, study, perfect=False)
        return run.table[["scenario", "party", "probability", "total_cost_usd"]]
    acc = study.run(case).tables["parties"]
    return pd.DataFrame({"scenario": "certain", "party": acc["party"].to_numpy(),
                         "probability": 1.0, "total_cost_usd": acc["total_cost_usd"].to_numpy()})


def linkage_table(case: Case, ds: Dataset, study: Study | None = None) -> pd.DataFrame:
    """The bargain table: one row per party of each conditional agreement."""
    study = study or Study(ds)
    check_conditions(case, ds)
    rows = []
    conditional = [ag for ag in case.swaps if ag.conditions]
    if not conditional:
        raise InputError(f"case {case.name}: no swap agreement has `conditions`; linkage "
                         "prices an agreement conditional on adherence")
    for ag in conditional:
        adhering = case
        for c in ag.conditions:
            adhering = with_adherence(adhering, ds, c.party, c.adheres_to, True)
        not_adhering = case
        for c in ag.conditions:
            not_adhering = with_adherence(not_adhering, ds, c.party, c.adheres_to, False)
        alone = {"cooperation": "isolated", "swaps": []}
        c_no = _costs(not_adhering.model_copy(update=alone), ds, study)
        c_adh = _costs(adhering.model_copy(update=alone), ds, study)
        c_ag = _costs(adhering.model_copy(update={"cooperation": "swaps", "swaps": [ag]}),
                      ds, study)
        label = "; ".join(f"{c.party} adheres to {', '.join(c.adheres_to)}"
                          for c in ag.conditions)
        for p in ag.parties:
            def col(t: pd.DataFrame, p=p) -> pd.DataFrame:
                return t[t["party"] == p].set_index("scenario")
            no, adh, wa = col(c_no), col(c_adh), col(c_ag)
            prob = adh["probability"]
            cost_adh = float(np.dot(adh["total_cost_usd"] - no["total_cost_usd"], prob))
            gain = adh["total_cost_usd"] - wa["total_cost_usd"]
            exp_gain = float(np.dot(gain, prob))
            worst = float(gain.min())
            rows.append({"agreement": ag.name, "party": p, "condition": label,
                         "cost_of_adhering_usd": round(cost_adh, 2),
                         "value_of_agreement_expected_usd": round(exp_gain, 2),
                         "value_of_agreement_worst_usd": round(worst, 2),
                         "net_expected_usd": round(exp_gain - cost_adh, 2),
                         "net_worst_usd": round(worst - cost_adh, 2),
                         "worth_it": "yes" if exp_gain - cost_adh >= -0.005 else "no"})
    return pd.DataFrame(rows, columns=LINKAGE_COLUMNS)
