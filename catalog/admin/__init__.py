"""The editors' workspace in the Django admin (docs/editors.md), one module per page or concern:

- ``tracks``: the track list (player, status, effective moods and genres, confidence, review state) and
  the track page with its tag editor;
- ``review_queue``: the unreviewed tracks, the model's least certain first;
- ``artists``, ``taxonomy``: artists, moods (families, moods, words) and genres;
- ``filters``, ``actions``, ``widgets``, ``tag_editor``: the parts those pages share.

Importing the package registers every admin.
"""

from catalog.admin.artists import ArtistAdmin
from catalog.admin.review_queue import ReviewQueueAdmin
from catalog.admin.taxonomy import GenreAdmin, MoodAdmin
from catalog.admin.tracks import TrackAdmin

__all__ = ["ArtistAdmin", "GenreAdmin", "MoodAdmin", "ReviewQueueAdmin", "TrackAdmin"]
