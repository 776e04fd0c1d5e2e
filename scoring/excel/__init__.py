"""Workbooks: cells, tables, charts and print set-up; the summary; reading one back."""
