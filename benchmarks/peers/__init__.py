"""Peers: the lngswap formulation written as a user of each modelling tool would write it."""
