import os
import shutil

import pytest


def require_tool(command: str, package: str) -> str:
    """The path of ``command``; skips with the reason locally, fails under CI (where .ci/run installs it)."""
    path = shutil.which(command)
    if path is None:
        reason = f"{command} not found (Debian package {package}; .ci/run installs it)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return path
