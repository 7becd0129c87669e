"""Case files and the dataset, validated: what the user gives, checked and typed."""
