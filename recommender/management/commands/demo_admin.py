"""`manage.py demo_admin`: create (or reset) the demo administrator and print its credentials."""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Create the demo superuser 'admin' with a fresh random password and print the credentials."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("demo_admin is for development instances only (DEBUG is off).")
        password = secrets.token_urlsafe(9)
        user, _ = get_user_model().objects.get_or_create(username="admin")
        user.is_staff = user.is_superuser = True
        user.set_password(password)
        user.save()
        self.stdout.write(self.style.SUCCESS(f"Demo admin: username 'admin', password '{password}'"))
