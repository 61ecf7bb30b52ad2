"""Create a development CA and seal certificate for sealing agreement PDFs (issue 13)."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from samarbeid import seal


class Command(BaseCommand):
    help = ("Create a development CA and seal certificate under var/seal/ when missing (the "
            "defaults of SEAL_CERT_PATH, SEAL_KEY_PATH and SEAL_TRUST_ROOTS). Never for production.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dir", default=str(settings.SEAL_DIR),
                            help="where to write ca-cert.pem, seal-cert.pem and seal-key.pem")
        parser.add_argument("--force", action="store_true", help="replace existing files")

    def handle(self, *args: Any, **options: Any) -> None:
        directory = Path(options["dir"])
        existed = (directory / "seal-cert.pem").is_file() and not options["force"]
        paths = seal.make_dev_seal(directory, overwrite=options["force"])
        verb = "Using the existing" if existed else "Created a"
        self.stdout.write(f"{verb} development seal (not for production): certificate "
                          f"{paths.cert}, key {paths.key}, trust root {paths.ca_cert}")
        if Path(settings.SEAL_CERT_PATH) != paths.cert:
            self.stdout.write(self.style.WARNING(
                f"SEAL_CERT_PATH is {settings.SEAL_CERT_PATH}: the portal does not use these files."))
