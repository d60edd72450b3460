"""axe-core in the browser tests: installed from npm when missing, injected into a page, its findings read back.

axe-core is pinned in tests/a11y/package.json and package-lock.json and
installed with `npm ci` into tests/a11y/node_modules on first use, as
browser.py installs chromium: the tests bring what they need, never skip.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

A11Y = Path(__file__).resolve().parents[2] / "a11y"
AXE_SCRIPT = A11Y / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING_IMPACTS = frozenset({"serious", "critical"})


@dataclass(frozen=True, slots=True)
class Violation:
    """One rule axe found broken on one element."""

    rule: str
    impact: str
    target: str
    help: str
    help_url: str
    summary: str

    def line(self) -> str:
        return f"{self.impact}: {self.rule} at {self.target}: {self.help} ({self.help_url})\n    {self.summary}"


def _locked_version() -> str:
    lock = json.loads((A11Y / "package-lock.json").read_text())
    return lock["packages"]["node_modules/axe-core"]["version"]


def _installed_version() -> str | None:
    manifest = AXE_SCRIPT.parent / "package.json"
    if not AXE_SCRIPT.exists() or not manifest.exists():
        return None
    return json.loads(manifest.read_text())["version"]


def _run(command: list[str], cwd: Path | None = None) -> None:
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=1200)
    if done.returncode != 0:
        raise RuntimeError(f"`{' '.join(command)}` failed ({done.returncode}): {done.stderr.strip()[-800:]}")


def _ensure_npm() -> str:
    npm = shutil.which("npm")
    if npm:
        return npm
    if shutil.which("apt-get") is None:
        raise RuntimeError("npm is missing and apt-get is not available to install it")
    _run(["apt-get", "update"])
    _run(["apt-get", "install", "-y", "-o", "DPkg::Lock::Timeout=600", "npm"])
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("apt-get installed npm but it is still not on PATH")
    return npm


def ensure_axe() -> Path:
    """axe.min.js at the version of the lock file, running `npm ci` when it is missing or another version."""
    if _installed_version() != _locked_version():
        _run([_ensure_npm(), "ci", "--no-audit", "--no-fund"], cwd=A11Y)
    if _installed_version() != _locked_version():
        raise RuntimeError(f"npm ci ran but {AXE_SCRIPT} is not axe-core {_locked_version()}")
    return AXE_SCRIPT


async def violations(page, axe_script: Path) -> list[Violation]:
    """Every violation axe finds on the page as it is now, with each element it concerns.

    The script is evaluated through the DevTools protocol (page.evaluate), which
    the pages' Content-Security-Policy does not govern, so the page runs under
    its real policy; a <script> tag with the file's content would be refused.
    """
    if not await page.evaluate("typeof window.axe === 'object'"):
        await page.evaluate(axe_script.read_text())
    results = await page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [Violation(rule=v["id"], impact=v.get("impact") or "", target=" ".join(map(str, node["target"])),
                      help=v["help"], help_url=v["helpUrl"], summary=(node.get("failureSummary") or "").strip())
            for v in results["violations"] for node in v["nodes"]]


def blocking(found: list[Violation]) -> list[Violation]:
    """The violations that fail the tests: impact serious or critical."""
    return [v for v in found if v.impact in BLOCKING_IMPACTS]
