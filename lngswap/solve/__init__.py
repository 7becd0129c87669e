"""Hand-over to HiGHS, typed solver outcomes and infeasibility diagnosis."""
