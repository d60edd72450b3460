"""Shared pieces of proposal drafting: stable fingerprints and readable numbers in two languages."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def fingerprint(substance: Any) -> str:
    """A stable digest of what a proposal says; equal substance gives an equal fingerprint."""
    text = json.dumps(substance, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def round2(value: float) -> float:
    return round(float(value) + 0.0, 2)


def dkk_da(amount: float) -> str:
    """1440.5 -> '1.440,50 kr.' (Danish grouping and decimal comma); whole amounts without decimals."""
    whole = round(amount, 2)
    text = f"{whole:,.2f}" if whole != int(whole) else f"{int(whole):,}"
    return text.replace(",", "X").replace(".", ",").replace("X", ".") + " kr."


def dkk_en(amount: float) -> str:
    whole = round(amount, 2)
    return (f"DKK {whole:,.2f}" if whole != int(whole) else f"DKK {int(whole):,}")


def hours_da(hours: float) -> str:
    return f"{round(hours, 1):.1f}".replace(".", ",")


def hours_en(hours: float) -> str:
    return f"{round(hours, 1):.1f}"
