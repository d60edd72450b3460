"""The drain flag: `tillid up`, stopping in order, tells the review service to accept nothing more.

The flag is a file in the data directory naming the process of `tillid up`;
the review service refuses writes while it is raised
(``tillid/review/draining.py``) and `tillid up` waits meanwhile until what was
accepted is applied (``tillid/cli/drain.py``).
"""

from __future__ import annotations

import os
from pathlib import Path

FLAG_FILE = "draining"


class DrainFlag:
    """The file that tells the review service to refuse writes while `tillid up` stops in order.

    It names the process of `tillid up`; a flag left by one that was killed
    (its process gone) counts as lowered, so it can never block writes by
    mistake.
    """

    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / FLAG_FILE

    def raise_(self) -> None:
        self.path.write_text(str(os.getpid()))

    def lower(self) -> None:
        self.path.unlink(missing_ok=True)

    def is_raised(self) -> bool:
        try:
            pid = int(self.path.read_text().strip())
        except (OSError, ValueError):
            return False
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:  # alive, owned by another user
            pass
        return True
