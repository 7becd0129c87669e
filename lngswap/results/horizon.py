"""Cut a run's tables back to the reported horizon.

The LP runs `horizon.run_out_days` past the horizon end so the last reported weeks are not
planned as the end of the world (no tanks emptied, no storage sold off on the last day). What
happens in the run-out is not a result: the schedule keeps the cargoes loaded up to the horizon
end (those arriving after it included, as ships at sea), inventory and markets keep the
reported days.
"""

from __future__ import annotations

import pandas as pd


def within_horizon(md, schedule: pd.DataFrame, inventory: pd.DataFrame, markets: pd.DataFrame
                   ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The schedule, inventory and markets tables restricted to the reported days."""
    if md.report_days >= md.cal.n:
        return schedule, inventory, markets
    last = str(md.cal.date_of([md.report_days - 1])[0])
    sch = schedule[schedule["load_date"].astype(str) <= last].reset_index(drop=True)
    inv = inventory[inventory["date"].astype(str) <= last].reset_index(drop=True)
    mkt = markets[markets["date"].astype(str) <= last].reset_index(drop=True)
    return sch, inv, mkt
