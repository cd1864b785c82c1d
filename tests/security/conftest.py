"""Fixtures of the reliability and security tests."""

from tests.security.brokers import each_broker  # noqa: F401 - a fixture, for the tests here and elsewhere
