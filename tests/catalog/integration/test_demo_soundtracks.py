"""Real recordings on the real stack: two demo soundtracks (the shortest at two sample rates: Ogg Vorbis at
44.1 and 48 kHz, tagged, 2-4 minutes long; see tests/demo_audio.py) uploaded through the web endpoint,
analysed by a real Celery worker with the shipped model, and shown by the pages: the list, the track
page's predictions and the audio stream."""

from __future__ import annotations

import re
from html import unescape

import mutagen
import pytest
import soundfile as sf
from django.urls import reverse

from catalog.models import AudioFeatures, Track, TrackAnalysis
from catalog.services.effective_tags import effective_families, effective_moods
from catalog.templatetags.track_analysis import SHOWN_MOODS, SHOWN_SCORE_MIN
from tests.catalog.integration.test_pipeline import ANALYSIS_TIMEOUT_S, final_status, upload, worker_log
from tests.demo_audio import NO_DEMO_AUDIO, shortest_demo_files
from tests.factories import UserFactory
from tests.waiting import wait_for

SOUNDTRACKS = shortest_demo_files(2, distinct_rates=True)
BAR = re.compile(r'<span class="name">([^<]+)</span>.*?<span class="num">(\d+)%</span>', re.S)
CHIP = re.compile(r'<span class="dot" aria-hidden="true"></span>([^<]+?)\s*<span class="score">')

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(len(SOUNDTRACKS) < 2, reason=NO_DEMO_AUDIO),
]


def test_demo_soundtracks_are_uploaded_analysed_and_shown(celery_worker_process, client, tmp_path):
    client.force_login(UserFactory(username="listener"))
    ids = [upload(client, path) for path in SOUNDTRACKS]
    for track_id in ids:
        status = wait_for(lambda: final_status(client, track_id), timeout=ANALYSIS_TIMEOUT_S)  # noqa: B023
        assert status["status"] == "analyzed", worker_log(tmp_path)

    listing = unescape(client.get(reverse("catalog:track-list")).content.decode())
    for track_id, path in zip(ids, SOUNDTRACKS, strict=True):
        track = Track.objects.select_related("artist").get(pk=track_id)
        tags = mutagen.File(str(path), easy=True)
        info = sf.info(str(path))
        # The upload kept the file byte for byte and read its tags.
        assert track.audio_file.read() == path.read_bytes()
        assert (track.title, track.artist.name) == (tags["title"][0], tags["artist"][0])
        assert track.title in listing
        analysis = TrackAnalysis.objects.get(track=track)
        assert abs(analysis.duration_s - info.duration) < 0.05
        assert not analysis.is_speech, f"{path.name}: music taken for speech ({analysis.speech_probability})"
        assert len(analysis.timeline["windows"]) >= info.duration // 10
        features = AudioFeatures.objects.get(track=track)
        assert features.loudness_lufs is not None and -40 < features.loudness_lufs < 0

        html = client.get(reverse("catalog:track-detail", args=[track_id])).content.decode()
        assert f"Analysed by <code>{analysis.model_version}</code>" in html
        assert "Speech detected" not in html
        moods = effective_moods(track)
        shown = [tag.term.name for tag in moods if tag.score >= SHOWN_SCORE_MIN][:SHOWN_MOODS]
        assert re.findall(CHIP, html) == shown
        if not shown:
            assert "No mood stands out" in html
        # Every family's bar, strongest first, with its score.
        bars = re.findall(BAR, html)
        families = effective_families(moods)
        assert len(bars) == len(families) == 10
        assert bars == [(tag.term.name, str(round(tag.score * 100))) for tag in families]
        assert html.count("<rect ") >= len(analysis.timeline["windows"]) // 2  # the timeline is drawn

        audio = client.get(reverse("catalog:track-audio", args=[track_id]), HTTP_RANGE="bytes=0-4095")
        assert audio.status_code == 206 and audio["Content-Type"] == "audio/ogg"
        assert b"".join(audio.streaming_content) == path.read_bytes()[:4096]
