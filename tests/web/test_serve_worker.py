"""A worker process of ``newsprism serve`` (``create_app_from_environment``) sets its
startup objects aside from the garbage collector: full collections then scan a few
thousand objects, not the whole app (an 80 ms pause in bench/web.py's p99)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

WORKER = """
import gc
from newsprism.web.app import create_app_from_environment
app = create_app_from_environment()
frozen = gc.get_freeze_count()
print(frozen, len(gc.get_objects()), type(app).__name__)
"""


def test_a_worker_freezes_what_it_built_at_startup(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("NEWSPRISM_")}
    env.update(NEWSPRISM_DATA_DIR=str(tmp_path), NEWSPRISM_LOAD_CATALOGUE="false")
    result = subprocess.run(
        [sys.executable, "-c", WORKER],
        cwd=tmp_path,  # no stray .env
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    frozen, tracked, app = result.stdout.split()
    assert app == "FastAPI"
    # The modules and the app (well over 10,000 objects) are frozen; few are left.
    assert int(frozen) > 10_000
    assert int(tracked) < int(frozen) / 10
