from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from samarbeid import reference_data


class Command(BaseCommand):
    help = "Load or update municipalities, counties and police districts (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            changed = reference_data.load_all()
        self.stdout.write(
            "reference data: "
            + ", ".join(f"{k} created/changed {v}" for k, v in changed.items())
        )
