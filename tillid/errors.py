"""The one error hierarchy of Tillid.

Every error a component raises on purpose is a ``TillidError``. Its two
branches tell a caller what to do with it:

- ``PoisonError``: the input itself is wrong. Retrying cannot help; the input
  goes to the dead-letter topic (streams), a 4xx answer (API) or exit 2 (CLI),
  always with ``reason`` naming what is wrong.
- ``RetryableError``: something we depend on is unavailable for now (the
  database, the broker). The work is retried with backoff and nothing is
  acknowledged past it.

``ConfigError`` is neither: the operator must fix the set-up before anything runs.
"""

from __future__ import annotations


class TillidError(Exception):
    """Base of every error Tillid raises on purpose."""

    @property
    def reason(self) -> str:
        return str(self)


class PoisonError(TillidError):
    """Input that can never be processed as it is."""


class InvalidInput(PoisonError):
    """Input that fails validation; ``field`` is the path of the offending field."""

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}" if field else problem)


class InvalidEvent(InvalidInput):
    """An event that does not meet the event contract."""


class InvalidInstance(InvalidInput):
    """A solver instance that does not meet the solver contract."""


class RetryableError(TillidError):
    """A dependency is unavailable for now; retry with backoff."""


class DatabaseUnavailable(RetryableError):
    pass


class BrokerUnavailable(RetryableError):
    pass


class ConfigError(TillidError):
    """The configuration or environment is wrong; the operator must fix it."""


class DataDirectoryInUse(ConfigError):
    """Another `tillid up` holds the data directory."""
