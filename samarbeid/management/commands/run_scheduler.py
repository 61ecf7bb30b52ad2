"""A scheduler that needs no server: runs the beat schedule's reminder scans in process.

Used by `make run` on the embedded default (no Redis). With Redis, use Celery beat.
"""

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from samarbeid import notify


class Command(BaseCommand):
    help = "Run the reminder scans every N seconds without Celery beat or Redis."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--interval", type=int,
                            default=settings.CELERY_BEAT_SCHEDULE["reminder-scans"]["schedule"])
        parser.add_argument("--once", action="store_true")

    def handle(self, *args: Any, interval: int, once: bool, **options: Any) -> None:
        while True:
            results = notify.run_all_scans()
            self.stdout.write(f"reminder scans: {results}")
            if once:
                return
            time.sleep(interval)
