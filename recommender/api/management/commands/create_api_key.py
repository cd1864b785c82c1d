"""``manage.py create_api_key PARTNER --scope catalog:read [...]``: print a new key once (stored hashed)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from recommender.api.models import Partner, Scope
from recommender.api.services import keys


class Command(BaseCommand):
    help = "Create an API key for a partner (created with --create-partner) and print it once."

    def add_arguments(self, parser) -> None:
        parser.add_argument("partner", help="The partner's name.")
        parser.add_argument(
            "--scope",
            action="append",
            dest="scopes",
            choices=Scope.values,
            help="A scope of the key (repeat); default: catalog:read.",
        )
        parser.add_argument("--name", default="default", help="What the key is for.")
        parser.add_argument("--rate-limit", type=int, default=None, help="Requests per rate window.")
        parser.add_argument("--create-partner", action="store_true", help="Create the partner if missing.")
        parser.add_argument("--email", default="", help="Contact e-mail of a partner created here.")

    def handle(self, *args, partner: str, scopes, name: str, rate_limit, email: str, **options):
        row = Partner.objects.filter(name=partner).first()
        if row is None:
            if not options["create_partner"]:
                raise CommandError(f"No partner named {partner!r}; add --create-partner to create it.")
            row = keys.create_partner(partner, contact_email=email)
        if rate_limit is not None and rate_limit < 1:
            raise CommandError("--rate-limit must be at least 1.")
        issued = keys.issue_key(row, name=name, scopes=scopes or [Scope.CATALOG_READ], rate_limit=rate_limit)
        self.stderr.write(
            f"Key {issued.key.prefix} for {row.name} ({', '.join(issued.key.scopes)}); shown once:"
        )
        self.stdout.write(issued.secret)
