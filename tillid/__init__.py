"""Tillid: competence development, LEON task allocation and cross-sector rotation matching."""

__version__ = "0.1.0"
