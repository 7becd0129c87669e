"""Model areas that add their own tables, constraints and outputs: rules and swaps."""
