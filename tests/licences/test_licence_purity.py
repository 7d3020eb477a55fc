"""The licence engine and command never load Django, so they run without a database."""

from __future__ import annotations

import os
import subprocess
import sys


def test_engine_and_cli_import_without_django() -> None:
    code = (
        "import sys, safeguard.licences.engine, safeguard.licences.cli\n"
        "assert not [m for m in sys.modules if m.split('.')[0] in ('django', 'ninja')]\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    subprocess.run([sys.executable, "-c", code], check=True, env=env, timeout=60)
