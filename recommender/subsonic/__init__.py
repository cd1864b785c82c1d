"""Subsonic / OpenSubsonic API for Moodmix: lets Symfonium, Feishin, DSub and friends browse, stream,
star and scrobble the catalogue, with the OpenSubsonic ``sonicSimilarity`` extension on top
(docs/subsonic.md).
"""
