"""Playlists on a catalogue with known moods: what a listener would notice about each strategy."""

from __future__ import annotations

import re

import numpy as np
import pytest

from recommender.services.layout import layout
from recommender.services.playlists import PlaylistError, PlaylistRequest, generate
from recommender.services.playlists.snapshot import get_snapshot
from tests.recommender.catalogue import VERSION

pytestmark = pytest.mark.django_db

CALM_MARGIN = 0.4
"""A calm playlist's mean calm-family score beats a random 30 tracks' by at least this much (scores in
[0, 1]; on this catalogue calm tracks score 0.6-0.95 on calm moods, the others 0.02-0.2)."""


def family_scores(track_ids, family: str) -> np.ndarray:
    snapshot = get_snapshot(VERSION)
    return snapshot.families[snapshot.rows(track_ids), layout().family_index[family]]


def test_calm_playlist_is_calmer_than_random_by_the_margin(known, ada):
    playlist = generate(PlaylistRequest(moods={"calm": 1.0}, length=20), ada)
    assert len(playlist.items) == 20
    rng = np.random.default_rng(0)
    random_ids = rng.choice(list(known.public.family), size=20, replace=False)
    calm, baseline = family_scores(playlist.track_ids, "calm"), family_scores(random_ids, "calm")
    assert calm.mean() - baseline.mean() >= CALM_MARGIN, (calm.mean(), baseline.mean())
    made_in = [known.public.family[t] for t in playlist.track_ids]
    assert made_in.count("calm") >= 18
    longer = generate(PlaylistRequest(moods={"calm": 1.0}, length=30), ada)
    # 20 calm tracks exist: the other 10 of 30 come from near families in mood space, never a loud one.
    assert not {"aggressive", "tense", "powerful"} & {known.public.family[t] for t in longer.track_ids}


def test_cold_start_listener_gets_the_mood_from_content_alone(known, ada):
    """No signals at all: personalisation is a no-op, the mood still holds."""
    playlist = generate(PlaylistRequest(moods={"sad": 1.0}, length=15, personalise=True), ada)
    assert [known.public.family[t] for t in playlist.track_ids].count("sad") >= 13


def test_a_valence_arousal_point_picks_tracks_near_it(known, ada):
    point = (-0.6, 0.75)  # between tense and aggressive
    playlist = generate(PlaylistRequest(point=point, length=20), ada)
    snapshot = get_snapshot(VERSION)
    va = snapshot.va[snapshot.rows(playlist.track_ids)]
    assert np.hypot(*(va.mean(axis=0) - point)) < 0.25
    assert all("from your point" in item.reason for item in playlist.items)


def test_weighted_moods_mix_in_proportion(known, ada):
    playlist = generate(PlaylistRequest(moods={"calm": 1.0, "joyful": 1.0}, length=30, diversity=0.5), ada)
    made_in = [known.public.family[t] for t in playlist.track_ids]
    assert made_in.count("calm") >= 8 and made_in.count("joyful") >= 8


def test_style_sliders_pull_toward_their_genre(known, ada):
    """Calm tracks are ambient, sad tracks folk: the same two moods lean to whichever style is pushed."""
    moods = {"calm": 1.0, "sad": 1.0}
    folk = generate(PlaylistRequest(moods=moods, genres={"folk": 1.0}, length=20), ada)
    ambient = generate(PlaylistRequest(moods=moods, genres={"ambient": 1.0}, length=20), ada)
    sad_in = lambda p: [known.public.family[t] for t in p.track_ids].count("sad")  # noqa: E731
    assert sad_in(folk) >= sad_in(ambient) + 10
    assert all(re.search(r"folk \d\.\d\d", item.reason) for item in folk.items)


def test_seed_tracks_bring_tracks_like_them(known, ada):
    seeds = known.public.of("tender")[:2]
    playlist = generate(PlaylistRequest(strategy="seed", seeds=tuple(seeds), length=15), ada)
    assert not set(seeds) & set(playlist.track_ids)
    made_in = [known.public.family[t] for t in playlist.track_ids]
    assert made_in.count("tender") >= 12
    assert all("like your seed" in item.reason for item in playlist.items)


@pytest.mark.parametrize(
    ("start", "end", "axis", "direction"), [("tense", "calm", 1, -1), ("calm", "energetic", 1, +1)]
)
def test_journeys_move_monotonically_from_start_to_end(known, ada, start, end, axis, direction):
    """Arousal along the list follows the journey: every 5-track moving average moves the right way or
    back by at most TOLERANCE, and the ends are the asked-for moods."""
    tolerance = 0.1
    playlist = generate(
        PlaylistRequest(strategy="journey", journey_from=start, journey_to=end, length=20), ada
    )
    assert len(playlist.items) == 20
    snapshot = get_snapshot(VERSION)
    values = snapshot.va[snapshot.rows(playlist.track_ids), axis] * direction
    smooth = np.convolve(values, np.ones(5) / 5, mode="valid")
    assert np.all(np.diff(smooth) >= -tolerance), smooth
    assert values[-5:].mean() - values[:5].mean() >= 0.8
    assert all(item.reason.startswith("step ") for item in playlist.items)


def test_reasons_quote_the_actual_scores(known, ada):
    playlist = generate(PlaylistRequest(moods={"peaceful": 1.0}, length=10), ada)
    snapshot = get_snapshot(VERSION)
    peaceful = layout().mood_index["peaceful"]
    for item in playlist.items:
        match = re.search(r"Peaceful (\d\.\d\d)", item.reason)
        assert match, item.reason
        assert float(match.group(1)) == pytest.approx(
            snapshot.moods[snapshot.row_of[item.track_id], peaceful], abs=0.006
        )


def test_more_diversity_gives_a_more_varied_list(known, ada):
    def spread(diversity: float) -> float:
        playlist = generate(
            PlaylistRequest(
                moods={"calm": 1.0, "dreamy": 0.6, "tender": 0.6}, length=20, diversity=diversity
            ),
            ada,
        )
        snapshot = get_snapshot(VERSION)
        profiles = snapshot.profile[snapshot.rows(playlist.track_ids)]
        similarity = profiles @ profiles.T
        return float(similarity[np.triu_indices(len(profiles), 1)].mean())

    assert spread(1.0) < spread(0.0) - 0.02


def test_requests_that_cannot_make_a_playlist_say_why(known, ada):
    with pytest.raises(PlaylistError, match="choose at least one mood"):
        generate(PlaylistRequest(), ada)
    with pytest.raises(PlaylistError, match="unknown mood"):
        generate(PlaylistRequest(moods={"grumpy-ish": 1.0}), ada)
    with pytest.raises(PlaylistError, match="seed"):
        generate(PlaylistRequest(strategy="seed", seeds=(known.private.of("calm")[0],)), ada)
    with pytest.raises(KeyError, match="unknown playlist strategy"):
        generate(PlaylistRequest(strategy="random"), ada)
