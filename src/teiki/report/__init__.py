"""File outputs (CSV, Excel) of the analytics, safe to open in a spreadsheet."""
