from typing import Any

from django.core.management.base import BaseCommand

from samarbeid import demo


class Command(BaseCommand):
    help = "Build the demo for Sør-Vest police district and print the demo logins (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        demo.build()
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
