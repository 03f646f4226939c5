"""Exceptions raised by skcromel.

Every error that concerns user input names *where* the problem is (row index, value, file path) and
*what to do about it*; skcromel never turns bad input into silent NaNs or dropped rows.
"""

from __future__ import annotations

__all__ = ["CompositionError", "DataNotFoundError", "ChecksumError", "SkcromelWarning"]


class CompositionError(ValueError):
    """A composition could not be parsed or is not supported by a featurizer.

    Attributes
    ----------
    row : int or None
        Position of the offending row in the input (0-based), ``None`` for a single formula.
    value : object
        The offending input value (in full; the message shows at most its first 80 characters).
    reason : str
        Human-readable reason (unknown symbol, empty, NaN, negative amount, unsupported element...).
    """

    def __init__(self, reason: str, *, row: int | None = None, value: object = None):
        self.row = row
        self.value = value
        self.reason = reason
        where = f"row {row}: " if row is not None else ""
        super().__init__(f"{where}cannot use composition {_short_repr(value)}: {reason}")

    def __reduce__(self):  # keep picklable (joblib workers re-raise it)
        return (_rebuild_composition_error, (self.reason, self.row, self.value))


def _short_repr(value: object, limit: int = 80) -> str:
    """``repr(value)`` showing at most ``limit`` characters of it (a 1 MB bad string must not
    become a 1 MB message)."""
    if isinstance(value, str):
        if len(value) <= limit:
            return repr(value)
        return f"{value[:limit]!r}… ({len(value)} characters)"
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}…"


def _rebuild_composition_error(reason, row, value):
    return CompositionError(reason, row=row, value=value)


class DataNotFoundError(FileNotFoundError):
    """A dataset or model file is not available locally (and could not be downloaded)."""


class ChecksumError(OSError):
    """A file's sha256 does not match the checksum recorded for it."""


class SkcromelWarning(UserWarning):
    """Warnings emitted by skcromel (e.g. rows returned as NaN under ``on_error="nan"``)."""
