"""Project and simplify the municipality outlines once, for the report map."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from rapporter import svgmap


class Command(BaseCommand):
    help = "Write rapporter/static/rapporter/municipality-paths.json from the GeoJSON outlines."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        data = svgmap.write_paths()
        size = svgmap.PATHS_FILE.stat().st_size
        self.stdout.write(
            f"{len(data['municipalities'])} municipalities, {size} bytes, "
            f"{time.perf_counter() - started:.2f} s → {svgmap.PATHS_FILE}"
        )
