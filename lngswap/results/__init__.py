"""From the solution to tables, summaries, run folders and comparisons."""
