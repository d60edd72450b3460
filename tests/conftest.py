"""Shared test configuration. Service fixtures live in tests/services.py."""
