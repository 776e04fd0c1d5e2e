"""One module per diagnostic with maths of its own (a statement diagnostic needs none)."""
