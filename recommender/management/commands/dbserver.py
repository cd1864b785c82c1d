"""`manage.py dbserver start|stop|status`: control the embedded PostgreSQL under var/pgdata.

None of the three opens a Django database connection, so ``stop`` and ``status`` never start the server.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from recommender import dbserver


class Command(BaseCommand):
    help = "Start, stop or report the embedded PostgreSQL (used when DATABASE_URL is not set)."
    requires_system_checks = []  # fast, and nothing here may depend on a database connection

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["start", "stop", "status"])

    def handle(self, *args, action: str, **options):
        if settings.DATABASE_URL:
            raise CommandError("DATABASE_URL is set: Moodmix uses that server and starts nothing embedded.")
        data_dir = settings.EMBEDDED_PGDATA
        if action == "start":
            db = dbserver.ensure_running(data_dir, database=settings.DATABASES["default"]["NAME"])
            self.stdout.write(f"embedded PostgreSQL running, socket in {db.socket_dir}")
        elif action == "stop":
            stopped = dbserver.stop(data_dir)
            self.stdout.write("stopped" if stopped else "was not running")
        else:
            self.stdout.write(dbserver.status(data_dir))
