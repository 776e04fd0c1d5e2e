"""Instrument files: loading and checking them, their versions, and the shared statement instrument."""
