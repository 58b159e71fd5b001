"""Archiving cited URLs: the safe fetcher and its address checks (no Flask)."""
