"""The docs build the way Read the Docs builds them, from what .readthedocs.yaml says."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).parent.parent
RTD = ROOT / ".readthedocs.yaml"


def test_readthedocs_config_is_valid_against_its_schema() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.readthedocs", str(RTD)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    config = yaml.safe_load(RTD.read_text())
    assert config["sphinx"]["fail_on_warning"] is True
    assert (ROOT / config["sphinx"]["configuration"]).is_file()


@pytest.mark.skipif(os.environ.get("TECHSPEC_SKIP_RTD") == "1", reason="TECHSPEC_SKIP_RTD=1")
def test_docs_build_like_read_the_docs(tmp_path: Path) -> None:
    """A fresh venv, the installs .readthedocs.yaml lists, then RTD's own sphinx command."""
    config = yaml.safe_load(RTD.read_text())
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    for step in config["python"]["install"]:
        if step.get("method") == "pip":
            extras = ",".join(step.get("extra_requirements", []))
            target = str(ROOT / step["path"]) + (f"[{extras}]" if extras else "")
            subprocess.run([python, "-m", "pip", "install", "-q", target], check=True)
        else:
            subprocess.run([python, "-m", "pip", "install", "-q", "-r", str(ROOT / step["requirements"])], check=True)
    confdir = (ROOT / config["sphinx"]["configuration"]).parent
    out = tmp_path / "html"
    result = subprocess.run(
        [python, "-m", "sphinx", "-T", "-W", "--keep-going", "-b", "html", "-d", str(tmp_path / "doctrees"),
         "-D", "language=en", ".", str(out)],
        cwd=confdir,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "WARNING" not in result.stderr
    assert (out / "index.html").is_file()
    assert (out / "techspec.json").is_file()
