"""Importers of places from official open data (each takes its source as a parameter)."""
