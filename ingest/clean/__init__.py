"""Cleaning and validating cells: one normaliser per column type, identifiers, pseudonyms, row checks."""
