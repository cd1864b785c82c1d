"""Subsonic's error codes (the spec's fixed table) and the one exception endpoints raise."""

from __future__ import annotations

from enum import IntEnum

__all__ = ["ErrorCode", "SubsonicError"]


class ErrorCode(IntEnum):
    GENERIC = 0
    MISSING_PARAMETER = 10
    CLIENT_TOO_OLD = 20
    SERVER_TOO_OLD = 30
    WRONG_CREDENTIALS = 40
    TOKEN_AUTH_UNSUPPORTED = 41
    AUTH_MECHANISM_UNSUPPORTED = 42
    CONFLICTING_AUTH = 43
    INVALID_API_KEY = 44
    NOT_AUTHORIZED = 50
    TRIAL_OVER = 60
    NOT_FOUND = 70


class SubsonicError(Exception):
    """An error answered as ``status="failed"`` with Subsonic's code (HTTP 200, as clients expect)."""

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    @classmethod
    def missing(cls, name: str) -> SubsonicError:
        return cls(ErrorCode.MISSING_PARAMETER, f"Required parameter is missing: {name}")

    @classmethod
    def not_found(cls, what: str) -> SubsonicError:
        return cls(ErrorCode.NOT_FOUND, f"{what} not found")
