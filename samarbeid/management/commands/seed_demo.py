from typing import Any

from django.core.management.base import BaseCommand

from samarbeid import demo, demo_national


class Command(BaseCommand):
    help = ("Build the demo: the Sør-Vest story with a user for every role, and a national "
            "picture for every other police district; print the demo logins (idempotent).")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--sor-vest-only", action="store_true",
                            help="Only the Sør-Vest story, not the rest of the country.")

    def handle(self, *args: Any, **options: Any) -> None:
        demo.build()
        if not options["sor_vest_only"]:
            made = demo_national.build()
            if made:
                self.stdout.write("National demo: " + ", ".join(
                    f"{value} {key.replace('_', ' ')}" for key, value in made.items()))
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {demo.DEMO_PASSWORD})")
        self.stdout.write("-" * 78)
        for spec in demo.USERS:
            self.stdout.write(f"  {spec.username:<28} {spec.description}")
        self.stdout.write("-" * 78)
        self.stdout.write("Two-step login (TOTP) for administrators and signatories: add the key")
        self.stdout.write("to an authenticator app, or print the current code with")
        self.stdout.write("`.venv/bin/python manage.py demo_totp USERNAME`.")
        for spec in demo.USERS:
            if demo.needs_totp(spec):
                self.stdout.write(f"  {spec.username:<28} {demo.totp_secret(spec.username)}")
        self.stdout.write("-" * 78)
