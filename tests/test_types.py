"""The type checker's verdict on the apps (``[tool.mypy]`` of pyproject.toml): no error.

mypy with django-stubs reads the models and settings, so a field renamed in a model, a
function called with the wrong arguments or a possibly-missing object used as if it were there
fails here rather than in front of a member.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_apps_type_check_cleanly():
    mypy = Path(sys.executable).with_name("mypy")
    # The django-stubs plugin imports the settings: those of this test run serve.
    env = {**os.environ, "COMCEP_LOCAL": "1"}
    result = subprocess.run([str(mypy)], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success: no issues found" in result.stdout
