"""Page cursors are opaque and URL-safe, give back exactly where a page ended, and refuse anything else."""

from datetime import datetime, timezone

import pytest

from tillid.errors import InvalidInput
from tillid.review.cursor import decode_cursor, encode_cursor
from tillid.review.queries import PageKey


def test_a_cursor_gives_back_the_key_it_was_made_of_and_is_url_safe():
    key = PageKey(datetime(2026, 12, 3, 16, 5, 7, 123456, tzinfo=timezone.utc), "prop/æ ø?&=1")
    cursor = encode_cursor(key)
    assert decode_cursor(cursor) == key
    assert all(c.isalnum() or c in "-_" for c in cursor)


@pytest.mark.parametrize("cursor", ["x", "not a cursor", "bnVsbA", "WzEsMl0", "WyIyMDI2LTEyLTAzIiwiYSJd",
                                    "W10", "IjIwMjYtMTItMDMi", "Zm9v" * 200])
def test_anything_else_is_refused_naming_cursor(cursor):
    # bnVsbA = null, WzEsMl0 = [1,2], WyIyMDI2LTEyLTAzIiwiYSJd = ["2026-12-03","a"] (no time zone), W10 = [],
    # IjIwMjYtMTItMDMi = "2026-12-03"
    with pytest.raises(InvalidInput) as refused:
        decode_cursor(cursor)
    assert refused.value.field == "cursor"
