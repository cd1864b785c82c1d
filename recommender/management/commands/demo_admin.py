"""`manage.py demo_admin [--reset]`: create the demo administrator once and print its credentials.

The password is kept in ``var/demo-admin-password`` (mode 600), so a second ``make demo`` prints the same
password again instead of silently invalidating the one the user wrote down. If someone changed the
password since, it is left alone and the command says so; ``--reset`` picks a new one.
"""

import os
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

USERNAME = "admin"


def password_file() -> Path:
    return Path(settings.VAR_DIR) / "demo-admin-password"


class Command(BaseCommand):
    help = "Create the demo superuser 'admin' (once) and print its credentials; --reset picks a new password."
    requires_system_checks = []  # the demo runs it before serving: no reason to import every URL and view

    def add_arguments(self, parser) -> None:
        parser.add_argument("--reset", action="store_true", help="Set and print a new random password.")

    def handle(self, *args, reset: bool = False, **options):
        if not settings.DEBUG:
            raise CommandError("demo_admin is for development instances only (DEBUG is off).")
        user, created = get_user_model().objects.get_or_create(username=USERNAME)
        kept = _read(password_file())
        if not (created or reset) and kept and user.check_password(kept):
            self._print(kept, "kept from the previous run")
            return
        if not (created or reset) and user.has_usable_password():
            self.stdout.write(
                self.style.WARNING(
                    f"Demo admin '{USERNAME}' exists and its password was changed since it was printed: "
                    "keep using yours, or run `manage.py demo_admin --reset` for a new one."
                )
            )
            return
        password = secrets.token_urlsafe(9)
        user.is_staff = user.is_superuser = True
        user.set_password(password)
        user.save()
        _write(password_file(), password)
        self._print(password, "new")

    def _print(self, password: str, how: str) -> None:
        self.stdout.write(
            self.style.SUCCESS(f"Demo admin: username '{USERNAME}', password '{password}' ({how})")
        )


def _read(path: Path) -> str:
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        return ""


def _write(path: Path, password: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(password + "\n")
