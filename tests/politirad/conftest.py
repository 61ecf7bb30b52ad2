from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Any) -> None:
    # Attachments go to a per-test folder, never to var/media.
    settings.MEDIA_ROOT = str(tmp_path / "media")
