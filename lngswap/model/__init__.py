"""The linear program: the block container, the formulation (the math), the Pyomo twin."""
