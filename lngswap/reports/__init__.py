"""What a planner looks at: the HTML report, Excel workbooks and console headlines."""
