"""numeric package (being built)."""
