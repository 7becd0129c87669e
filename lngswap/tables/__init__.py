"""Index tables of the LP: cargoes, import nodes and markets, parties."""
