"""derive package (being built)."""
