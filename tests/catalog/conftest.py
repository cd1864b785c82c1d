"""Fixtures of the catalogue tests: an isolated media folder, listeners, logged-in clients, audio files."""

from pathlib import Path

import pytest
import torch

from tests.catalog.audio import write_audio
from tests.factories import UserFactory

torch.set_num_threads(1)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path) -> Path:
    """Every test stores uploads in its own folder (the integration tests override this: their worker
    process reads the test settings' MEDIA_ROOT)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def listener(db):
    return UserFactory(username="ada")


@pytest.fixture
def listener_client(client, listener):
    client.force_login(listener)
    return client


@pytest.fixture
def audio_dir(tmp_path) -> Path:
    folder = tmp_path / "audio"
    folder.mkdir()
    return folder


@pytest.fixture
def wav_file(audio_dir) -> Path:
    return write_audio(audio_dir / "Nina Simone - Feeling Good.wav", seconds=3.0)
