"""Django database backend for the embedded PostgreSQL: starts the server on the first connection.

Importing the settings starts nothing (``manage.py check``, ``dbserver stop`` and friends never touch a
server). The first process that actually opens a connection starts the embedded server, or attaches to the
running one, and uses its unix socket. Everything else is Django's own PostgreSQL backend.
"""
