"""Shared infrastructure below the domain apps: the clock, and helpers every app may use.

Nothing here imports a domain app (places, booking, events, ...) or the web and
API layers; import-linter checks it (``pyproject.toml``).
"""
