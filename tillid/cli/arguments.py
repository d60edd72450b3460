"""Argument types shared by subcommands: bad values become one-line usage errors (exit 2)."""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

from tillid.config import Settings


def port_number(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"a port number is from 1 to 65535, got {port}")
    return port


def settings_with_data_dir(data_dir: Path | None) -> Settings:
    """The settings from the environment, with ``--data-dir`` in place of TILLID_DATA_DIR when given."""
    settings = Settings.from_env()
    return replace(settings, data_dir=data_dir or settings.data_dir)
