"""ping, getLicense, getOpenSubsonicExtensions, getMusicFolders."""

from __future__ import annotations

from recommender.subsonic.endpoints.registry import Call, endpoint

EXTENSIONS = [
    {"name": "apiKeyAuthentication", "versions": [1]},
    {"name": "formPost", "versions": [1]},
    {"name": "sonicSimilarity", "versions": [1]},
]
MUSIC_FOLDER = {"id": 1, "name": "Moodmix"}
"""One folder: the catalogue the user may see (visibility, not folders, decides what is in it)."""


@endpoint("ping")
def ping(call: Call) -> dict:
    return {}


@endpoint("getLicense")
def get_license(call: Call) -> dict:
    return {"license": {"valid": True}}


@endpoint("getOpenSubsonicExtensions", needs_auth=False)
def get_open_subsonic_extensions(call: Call) -> dict:
    # The spec makes this callable without credentials, so clients can discover how to log in.
    return {"openSubsonicExtensions": EXTENSIONS}


@endpoint("getMusicFolders")
def get_music_folders(call: Call) -> dict:
    return {"musicFolders": {"musicFolder": [MUSIC_FOLDER]}}
