"""A scheduler that needs no server: runs the beat schedule in process — the reminder scans
every interval and, once a day, the compliance findings of every municipality.

Used by `make run` on the embedded default (no Redis). With Redis, use Celery beat.
"""

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from samarbeid import compliance, notify


class Command(BaseCommand):
    help = "Run the reminder scans every N seconds without Celery beat or Redis."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--interval", type=int,
                            default=settings.CELERY_BEAT_SCHEDULE["reminder-scans"]["schedule"])
        parser.add_argument("--once", action="store_true")

    def handle(self, *args: Any, interval: int, once: bool, **options: Any) -> None:
        refreshed_on = None
        while True:
            results = notify.run_all_scans()
            self.stdout.write(f"reminder scans: {results}")
            # Beat's "compliance-daily": the first pass of each day computes the day's
            # findings, so the first report of the day reads them (issue #12).
            today = timezone.localdate()
            if refreshed_on != today and settings.COMPLIANCE_CACHE_SECONDS:
                count = compliance.refresh_all()
                self.stdout.write(f"compliance findings refreshed: {count} municipalities")
                refreshed_on = today
            if once:
                return
            time.sleep(interval)
