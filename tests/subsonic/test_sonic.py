"""The sonicSimilarity extension through py-sonic's request builder (the library has no wrapper for it)."""

from __future__ import annotations

import pytest
from libsonic.errors import DataNotFoundError

from recommender.subsonic.ids import track_id
from tests.subsonic.conftest import ARC_TRACKS, call, connect


@pytest.fixture
def conn(live_server, catalogue):
    return connect(live_server, "ada", catalogue.password)


def test_similar_tracks_nearest_first_in_unit_range(conn, catalogue):
    matches = call(conn, "getSonicSimilarTracks", id=track_id(catalogue.arc[0].pk), count=3)
    matches = matches["sonicSimilarTracks"]["sonicMatch"]
    # Bob's private track is nearer to step 0 than step 1 is: it must not be there.
    assert [m["entry"]["title"] for m in matches] == ["Step 1", "Step 2", "Step 3"]
    similarities = [m["similarity"] for m in matches]
    assert all(0.0 <= s <= 1.0 for s in similarities) and similarities == sorted(similarities, reverse=True)
    assert similarities[0] == pytest.approx(0.974928, abs=1e-4)  # cos(15 degrees / 7 * 6 ...): cos(pi/14)


def test_sonic_path_walks_the_arc_in_order(conn, catalogue):
    path = call(
        conn,
        "findSonicPath",
        startSongId=track_id(catalogue.arc[0].pk),
        endSongId=track_id(catalogue.arc[-1].pk),
        count=ARC_TRACKS,
    )["sonicPath"]["sonicMatch"]
    assert [m["entry"]["title"] for m in path] == [f"Step {i}" for i in range(ARC_TRACKS)]
    assert path[0]["similarity"] == 1.0 and all(0.9 < m["similarity"] <= 1.0 for m in path[1:])


def test_short_path_keeps_both_ends(conn, catalogue):
    path = call(
        conn,
        "findSonicPath",
        startSongId=track_id(catalogue.arc[0].pk),
        endSongId=track_id(catalogue.arc[-1].pk),
        count=3,
    )["sonicPath"]["sonicMatch"]
    assert [m["entry"]["title"] for m in path] == ["Step 0", "Step 4", "Step 7"] or [
        m["entry"]["title"] for m in path
    ] == ["Step 0", "Step 3", "Step 7"]


def test_path_to_a_private_track_is_not_found(conn, catalogue):
    with pytest.raises(DataNotFoundError):
        call(
            conn,
            "findSonicPath",
            startSongId=track_id(catalogue.arc[0].pk),
            endSongId=track_id(catalogue.private.pk),
        )
