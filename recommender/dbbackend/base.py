"""``ENGINE: recommender.dbbackend``: Django's PostgreSQL backend plus a lazy start of the embedded server.

The settings give the data directory as ``EMBEDDED_PGDATA`` in the database's settings dict; the socket
directory is only known once the server runs (very long data-dir paths move it), so the host is filled in
here, per connection, rather than in the settings.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db.backends.postgresql import base

from recommender import dbserver


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self) -> dict[str, Any]:
        params = super().get_connection_params()
        embedded = dbserver.attach(Path(self.settings_dict["EMBEDDED_PGDATA"]), self.settings_dict["NAME"])
        params["host"] = embedded.socket_dir
        params["user"] = embedded.user
        params.pop("port", None)
        return params
