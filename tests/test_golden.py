"""Golden Markdown of the default template over the shipped fact base.

A template or context change shows up here as a readable diff. To accept a deliberate change:
BRIEFGEN_UPDATE_GOLDEN=1 uv run pytest tests/test_golden.py
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from briefgen.build.pipeline import BuildRequest, prepare
from conftest import REPO_ROOT

GOLDEN = Path(__file__).parent / "golden" / "pakistan-kazakhstan.md"


def test_default_template_renders_the_golden_markdown(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764115200")  # 2025-11-26
    rendered = prepare(BuildRequest(workspace=REPO_ROOT, as_of=date(2026, 11, 26), marking="OFFICIAL")).markdown
    if os.environ.get("BRIEFGEN_UPDATE_GOLDEN"):
        GOLDEN.write_text(rendered, encoding="utf-8")
    assert rendered == GOLDEN.read_text(encoding="utf-8")
