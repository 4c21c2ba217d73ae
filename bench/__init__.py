"""make bench: one module per app, run by bench/run.py."""
