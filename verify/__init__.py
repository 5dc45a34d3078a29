"""verify package (being built)."""
