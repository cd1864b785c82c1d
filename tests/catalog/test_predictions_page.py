"""The analysis panel of the track page: effective moods in family colours with editors' verdicts marked,
families, genres, the mood timeline, audio features and the speech flag."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from catalog.models import Genre, Mood, TrackAnalysis, Verdict
from catalog.services.effective_tags import effective_families, effective_moods, set_editor_verdict
from catalog.services.predictions import persist_analysis
from catalog.templatetags.track_analysis import TIMELINE_HEIGHT, timeline_columns
from tests.catalog.model_outputs import make_features, make_prediction
from tests.factories import TrackFactory, UserFactory

pytestmark = pytest.mark.django_db


def page(client, track) -> str:
    response = client.get(reverse("catalog:track-detail", args=[track.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def analysed():
    track = TrackFactory()
    persist_analysis(
        track,
        make_prediction("moodmix-v3", moods={"serene": 0.93, "dreamy": 0.7}, genres={"ambient": 0.88}),
        make_features(tempo_bpm=84.0, key="E", mode="minor", key_confidence=0.91),
    )
    return track


def test_moods_are_shown_in_their_family_colour_with_scores(client, analysed):
    html = page(client, analysed)
    calm = Mood.objects.families().get(name="calm")
    assert re.search(
        rf'--family: {calm.colour}"[^>]*>\s*<span class="dot"[^>]*></span>serene\s*<span class="score">93%',
        html,
    )
    assert "ambient <small>88%</small>" in html
    assert "</span>cheerful" not in html  # 5%: not one of the track's moods
    assert "pop <small>" not in html
    assert "Analysed by <code>moodmix-v3</code>" in html


def test_editor_verdicts_are_marked_and_removals_listed(client, analysed):
    editor = UserFactory(username="editor")
    set_editor_verdict(analysed, Mood.objects.terms().get(name="tranquil"), Verdict.PRESENT, editor)
    set_editor_verdict(analysed, Mood.objects.terms().get(name="dreamy"), Verdict.ABSENT, editor)
    set_editor_verdict(analysed, Genre.objects.get(name="drone"), Verdict.PRESENT, editor)

    html = page(client, analysed)

    assert re.search(r'class="mood-chip by-editor"[^>]*>\s*<span class="dot"[^>]*></span>tranquil', html)
    assert "Removed by editors: <s>dreamy</s>" in html
    assert 'class="genre by-editor">drone <small>editor</small>' in html


def test_features_are_shown_and_a_weak_key_is_not_stated_as_fact(client, analysed):
    html = page(client, analysed)
    assert "84.0 BPM" in html and "E minor" in html and "-14.2 LUFS" in html

    other = TrackFactory()
    persist_analysis(other, make_prediction(), make_features(key="C", mode="major", key_confidence=0.3))
    assert "no clear tonal centre" in page(client, other)


def test_speech_uploads_are_flagged(client):
    talk = TrackFactory()
    persist_analysis(talk, make_prediction(speech=0.97), make_features())
    assert "Speech detected" in page(client, talk)
    assert "Speech detected" not in page(client, TrackFactory())


def test_a_track_where_no_mood_stands_out_says_so(client):
    track = TrackFactory()
    persist_analysis(track, make_prediction(), make_features())
    html = page(client, track)
    assert "No mood stands out" in html
    assert 'class="mood-chip' not in html


def test_a_track_without_analysis_says_so(client):
    html = page(client, TrackFactory())
    assert "No model analysis yet" in html
    assert "<svg" not in html


def test_the_timeline_draws_one_column_per_window_stacked_to_full_height(client, analysed):
    analysis = TrackAnalysis.objects.get(track=analysed)
    columns = timeline_columns(analysis, effective_families(effective_moods(analysed)))

    windows = analysis.timeline["windows"]
    assert len(columns) == len(windows)
    assert columns[0].x == 0 and columns[-1].x + columns[-1].width == pytest.approx(analysis.duration_s)
    for column in columns:
        assert sum(stack.height for stack in column.stacks) == pytest.approx(TIMELINE_HEIGHT, abs=0.01)
        assert [stack.family for stack in column.stacks] == list(
            Mood.objects.families().order_by("pk").values_list("name", flat=True)
        )
    calm_share = [s.share for s in columns[0].stacks if s.family == "calm"][0]
    assert calm_share == max(s.share for s in columns[0].stacks)  # serene, 0.93, leads every window
    assert page(client, analysed).count("<rect ") == sum(len(c.stacks) for c in columns)


def test_the_panel_costs_a_fixed_number_of_queries(client, analysed, django_assert_max_num_queries):
    editor = UserFactory(username="editor")
    for word in Mood.objects.words()[:10]:
        set_editor_verdict(analysed, word, Verdict.PRESENT, editor)
    # 9 for the page and its analysis panel, 5 for the similar tracks list below it (embedding, search,
    # the exact pass when fewer than k exist, the neighbours and their moods).
    with django_assert_max_num_queries(9 + 5):
        page(client, analysed)
