"""Settings for the test suite: the real stack (embedded PostgreSQL, a real broker), isolated from a demo.

Tests use their own database (``test_moodmix``, created by the test runner) and their own broker space
(Redis logical database 15, or a separate filesystem-transport folder), so a demo worker running on the
same machine never takes a test's task.
"""

import os
from pathlib import Path

_VAR = Path(os.environ.get("MOODMIX_VAR_DIR", Path(__file__).resolve().parent.parent / "var"))
os.environ.setdefault("SECRET_KEY", "moodmix-test-suite-only")
os.environ.setdefault("REDIS_URL", os.environ.get("MOODMIX_TEST_REDIS_URL", "redis://127.0.0.1:6379/15"))
os.environ.setdefault("MOODMIX_BROKER_DIR", str(_VAR / "test-broker"))
# Not var/broker-url: a demo's recorded choice must not send the tests to the demo's broker. The test
# processes (pytest and the workers it starts) share one environment, so they probe alike.
os.environ.setdefault("MOODMIX_BROKER_RECORD", "")
os.environ.setdefault("MOODMIX_HTTPS", "0")  # the test client speaks plain HTTP

from recommender.settings import *  # noqa: E402,F403

MEDIA_ROOT = _VAR / "test-media"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed: tests create many users
