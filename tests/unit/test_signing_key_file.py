"""`tillid up` keeps the event signing key in its data directory: generated once, readable by its owner only."""

import stat

import pytest

from tillid.config import Settings
from tillid.errors import ConfigError
from tillid.runtime.services import SIGNING_KEY_FILE, kept_signing_key


def test_the_key_is_generated_once_with_mode_0600_and_kept(tmp_path):
    key = kept_signing_key(tmp_path)
    path = tmp_path / SIGNING_KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(key) == 64 and int(key, 16) >= 0
    assert kept_signing_key(tmp_path) == key  # a restart signs and verifies with the same key
    other = tmp_path / "other"
    other.mkdir()
    assert kept_signing_key(other) != key


def test_the_kept_key_is_a_valid_setting(tmp_path):
    key = kept_signing_key(tmp_path)
    assert Settings.from_env({"TILLID_EVENT_SIGNING_KEY": key}).signing_key() == key.encode()


def test_an_unusable_key_file_is_a_config_error(tmp_path):
    (tmp_path / SIGNING_KEY_FILE).write_text("short\n")
    with pytest.raises(ConfigError, match="no usable event signing key"):
        kept_signing_key(tmp_path)
