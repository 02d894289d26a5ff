"""Settings come from environment variables; a value goldthread cannot use stops it with a sentence naming the
variable, never a silent default."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def settings_with(tmp_path, **env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("GOLDTHREAD_") and k != "DATABASE_URL"}
    return subprocess.run([sys.executable, "-c", "import goldthread.settings as s; print(s.DEBUG, "
                           "s.GOLDTHREAD_READ_MEMORY_MB, s.GOLDTHREAD_UPLOAD_KEEP_HOURS)"],
                          env={**clean, "GOLDTHREAD_DATA_DIR": str(tmp_path), **env}, capture_output=True, text=True,
                          timeout=60, check=False)


@pytest.mark.parametrize(("name", "value", "message"), [
    ("GOLDTHREAD_DEBUG", "maybe", "GOLDTHREAD_DEBUG must be 1 or 0 (or true/false, yes/no, on/off); it is 'maybe'."),
    ("GOLDTHREAD_HTTPS", "ture", "GOLDTHREAD_HTTPS must be 1 or 0"),
    ("GOLDTHREAD_READ_MEMORY_MB", "3GB", "GOLDTHREAD_READ_MEMORY_MB must be a whole number of at least 256; it is "
                                         "'3GB'."),
    ("GOLDTHREAD_UPLOAD_KEEP_HOURS", "0", "GOLDTHREAD_UPLOAD_KEEP_HOURS must be a whole number of at least 1"),
])
def test_a_value_goldthread_cannot_use_is_an_error_naming_the_variable(tmp_path, name, value, message):
    result = settings_with(tmp_path, **{name: value})
    assert result.returncode != 0
    assert message in result.stderr


def test_known_values_and_defaults(tmp_path):
    assert settings_with(tmp_path).stdout.split() == ["False", "3072", "24"]
    assert settings_with(tmp_path, GOLDTHREAD_DEBUG="on", GOLDTHREAD_READ_MEMORY_MB="1024",
                         GOLDTHREAD_UPLOAD_KEEP_HOURS="2").stdout.split() == ["True", "1024", "2"]
    assert settings_with(tmp_path, GOLDTHREAD_DEBUG="No").stdout.split()[0] == "False"
