"""The one exception type the audio front end raises for bad input, with stable machine codes."""

from __future__ import annotations

__all__ = ["AudioError", "ERROR_CODES"]

# Stable codes: the catalogue stores them on failed tracks, so they must never be renamed.
ERROR_CODES = {
    "undecodable": "no decoder could read it as audio",
    "empty": "it holds no audio samples",
    "silent": "it is silent",
    "too_short": "it is too short to analyse",
}


class AudioError(ValueError):
    """Audio that cannot be analysed. `code` is one of `ERROR_CODES`; `str()` is a sentence for humans."""

    def __init__(self, code: str, detail: str) -> None:
        if code not in ERROR_CODES:
            raise ValueError(f"unknown AudioError code {code!r}; expected one of {sorted(ERROR_CODES)}")
        self.code = code
        self.detail = detail
        super().__init__(detail)

    def __reduce__(self) -> tuple[type[AudioError], tuple[str, str]]:
        # Exceptions unpickle as cls(*self.args); rebuild from both fields so the code survives
        # process boundaries (data-loader workers, multiprocessing pools).
        return type(self), (self.code, self.detail)
