"""Outputs people read: Altair charts, the HTML report, CSV files. No SQL here."""
