from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from samarbeid import demo


class Command(BaseCommand):
    help = "Print the current TOTP code of a demo user (demo only: the keys are fixed)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        spec = next((u for u in demo.USERS if u.username == options["username"]), None)
        if spec is None or not demo.needs_totp(spec):
            raise CommandError("not a demo user with two-step login")
        self.stdout.write(demo.totp_now(spec.username))
