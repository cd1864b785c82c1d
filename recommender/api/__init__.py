"""The partner REST API v1 (docs/api.md): partners and their keys, throttling, the catalogue, analysis jobs
and webhooks under ``/api/v1/``. Django app label ``api``."""
