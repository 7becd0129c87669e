"""Sea routes, passages (chokepoints, canals) and the shipping arcs built on them."""
