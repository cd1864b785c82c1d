"""``manage.py train_from_editors`` on a small catalogue: tones the editors call calm, noise bursts they
call tense, spread over artists so every split has both. A fine-tune on honest tags beats the untrained
base on the held-out artists and is promoted; one on tags that contradict the audio is worse there and
is refused, leaving the default bundle where it was."""

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
import torch
from django.core.management import CommandError, call_command

from catalog.models import Verdict
from catalog.services.editing import mark_reviewed, set_verdict
from catalog.services.editor_training import compare, next_version
from catalog.services.training_export import split_of_artist
from ml.audio import AudioContract
from ml.inference import ModelBundle, default_bundle_dir
from ml.models import build_model
from tests.catalog.editors import genre, make_editor, mood
from tests.factories import ArtistFactory, TrackFactory

pytestmark = pytest.mark.django_db

SR = 22050
FRACTIONS = {"val": 0.25, "test": 0.25}
TINY = {"timbre_channels": 4, "rhythm_channels": 4, "mid_channels": 16, "mid_layers": 1, "feature_dim": 32}
# Class -> its editor tags. The base bundle predicts exactly these labels.
CLASSES = {"calm": ("calm", "ambient"), "tense": ("tense", "metal")}
FAST = [
    "--epochs", "4", "--batches-per-epoch", "4", "--p-groups", "4", "--k-clips", "2", "--lr", "3e-3",
    "--augment", "none", "--threads", "1", "--no-base-corpus", "--patience", "4",
    "--val-fraction", "0.25", "--test-fraction", "0.25",
]  # fmt: skip


@pytest.fixture
def bundles(monkeypatch, tmp_path) -> Path:
    """A bundles root holding an untrained tiny base bundle, moodmix-v1, as the default."""
    root = tmp_path / "bundles"
    monkeypatch.delenv("MOODMIX_BUNDLE_DIR", raising=False)
    monkeypatch.setenv("MOODMIX_BUNDLES_ROOT", str(root))
    monkeypatch.setenv("MOODMIX_CACHE", str(tmp_path / "cache"))
    torch.manual_seed(0)
    model = build_model("tf_cnn", n_moods=2, n_genres=2, embedding_dim=16, **TINY)
    ModelBundle(
        version="moodmix-v1", architecture="tf_cnn", arch_params={"embedding_dim": 16, **TINY},
        contract=AudioContract(), mood_labels=["tense", "calm"], genre_labels=["metal", "ambient"],
        metrics={}, model=model.eval(),
    ).save(root / "moodmix-v1")  # fmt: skip
    return root


def _audio(kind: str, rng: np.random.Generator) -> np.ndarray:
    t = np.arange(3 * SR) / SR
    if kind == "calm":
        return 0.3 * np.sin(2 * np.pi * rng.uniform(180, 260) * t) * (0.6 + 0.4 * np.sin(2 * np.pi * 0.5 * t))
    bursts = (np.sin(2 * np.pi * rng.uniform(3, 5) * t) > 0.3).astype(float)
    return 0.5 * rng.standard_normal(t.size) * bursts


def _artists_per_split(wanted: dict[str, int]) -> dict[str, list[str]]:
    """Artist slugs, found by scanning names, so that each split gets its wanted number of artists."""
    found: dict[str, list[str]] = {split: [] for split in wanted}
    i = 0
    while any(len(found[s]) < n for s, n in wanted.items()):
        slug = f"band-{i}"
        split = split_of_artist(slug, FRACTIONS)
        if len(found[split]) < wanted[split]:
            found[split].append(slug)
        i += 1
    return found


def build_catalogue(tmp_path, *, lie_outside_test: bool = False) -> None:
    """Reviewed, editor-tagged tracks: per split, half the artists play calm tones and half tense noise,
    two tracks each. With ``lie_outside_test`` the train and val artists' tags are swapped."""
    editor = make_editor()
    rng = np.random.default_rng(0)
    tracks = []
    for split, slugs in _artists_per_split({"train": 6, "val": 2, "test": 4}).items():
        for n, slug in enumerate(slugs):
            kind = ("calm", "tense")[n % 2]
            said = ("tense", "calm")[n % 2] if lie_outside_test and split != "test" else kind
            artist = ArtistFactory(name=slug, slug=slug)
            for take in range(2):
                path = tmp_path / "audio" / f"{slug}-{take}.wav"
                path.parent.mkdir(exist_ok=True)
                sf.write(path, _audio(kind, rng).astype(np.float32), SR)
                track = TrackFactory(artist=artist, audio_file__from_path=str(path))
                set_verdict(track, mood(CLASSES[said][0]), Verdict.PRESENT, editor)
                set_verdict(track, genre(CLASSES[said][1]), Verdict.PRESENT, editor)
                tracks.append(track)
    mark_reviewed(tracks, editor)


def run(tmp_path, capsys, *extra: str) -> str:
    call_command("train_from_editors", "--work-dir", str(tmp_path / "work"), *FAST, *extra)
    return capsys.readouterr().out


def figure(out: str, name: str) -> tuple[float | None, float | None]:
    """(before, after) of a deciding figure in the printed comparison; None where it reads n/a."""
    line = next(line for line in out.splitlines() if line.startswith(name + " *"))
    values = line[len(name) + 2 :].split()[:2]
    return tuple(None if value == "n/a" else float(value) for value in values)


def test_a_fine_tune_on_honest_tags_improves_and_is_promoted(bundles, tmp_path, capsys):
    build_catalogue(tmp_path)

    out = run(tmp_path, capsys)

    before, after = figure(out, "mood ROC-AUC")
    assert after > before and after >= 0.9
    assert "held-out metric" in out and "PROMOTED moodmix-v1-ft1" in out
    assert default_bundle_dir() == bundles / "moodmix-v1-ft1"
    promoted = ModelBundle.load(default_bundle_dir(), device="cpu")
    assert promoted.version == "moodmix-v1-ft1" and promoted.mood_labels == ["tense", "calm"]
    card = promoted.card()
    assert card["fine_tuned_from"]["version"] == "moodmix-v1"
    assert card["editor_fine_tune"]["decision"]["promote"] is True


def test_a_fine_tune_that_is_worse_on_held_out_tags_is_refused(bundles, tmp_path, capsys):
    build_catalogue(tmp_path, lie_outside_test=True)

    out = run(tmp_path, capsys)

    before, after = figure(out, "mood ROC-AUC")
    assert after < before
    assert "NOT PROMOTED: worse on held-out editor tags" in out
    assert default_bundle_dir() == bundles / "moodmix-v1"
    assert sorted(p.name for p in bundles.iterdir()) == ["moodmix-v1"]  # no new version, no pointer
    assert (tmp_path / "work" / "candidate" / "card.json").is_file()  # kept for inspection


def test_a_fine_tune_with_a_broken_config_is_refused_not_crashed(bundles, tmp_path, capsys):
    build_catalogue(tmp_path)
    diverging = [*FAST]
    diverging[diverging.index("--lr") + 1] = "1e6"  # the weights blow up to non-finite outputs

    call_command("train_from_editors", "--work-dir", str(tmp_path / "work"), *diverging)
    out = capsys.readouterr().out

    before, after = figure(out, "mood ROC-AUC")
    assert "NOT PROMOTED: the fine-tune failed" in out
    assert 0.0 <= before <= 1.0 and after is None
    assert default_bundle_dir() == bundles / "moodmix-v1"


def test_the_base_corpus_train_and_val_clips_are_mixed_in(bundles, tmp_path, capsys):
    build_catalogue(tmp_path)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    rng = np.random.default_rng(1)
    lines = []
    for i, split in enumerate(["train", "train", "train", "val", "test"]):
        sf.write(corpus / f"{i}.flac", _audio(("calm", "tense")[i % 2], rng).astype(np.float32), SR)
        lines.append(
            f'{{"path": "{i}.flac", "source": "rendered", "piece": "p{i}", "group": "g{i % 2}", '
            f'"split": "{split}", "moods": ["{("calm", "tense")[i % 2]}"], "genres": null, "valence": null, '
            f'"arousal": null, "speech": 0, "licence": "CC0", "duration": 3.0}}\n'
        )
    (corpus / "manifest.jsonl").write_text("".join(lines))
    editors_only = [arg for arg in FAST if arg != "--no-base-corpus"]

    call_command(
        "train_from_editors", "--work-dir", str(tmp_path / "work"), *editors_only,
        "--base-manifest", str(corpus / "manifest.jsonl"), "--dry-run",
    )  # fmt: skip
    out = capsys.readouterr().out

    # 12 editor train clips + 3 corpus train clips, 4 + 1 val; the corpus' test clip is not used.
    assert "on 15 train / 5 val clips; held out: 8 clips" in out
    assert "dry run: nothing changed" in out and default_bundle_dir() == bundles / "moodmix-v1"


def test_without_reviewed_tags_the_command_refuses_before_training(bundles, tmp_path):
    with pytest.raises(CommandError, match="no reviewed track has editor tags"):
        call_command("train_from_editors", "--work-dir", str(tmp_path / "work"), *FAST)


def test_versions_count_fine_tunes_and_skip_existing_folders(tmp_path):
    (tmp_path / "moodmix-v1-ft2").mkdir()
    assert next_version("moodmix-v1", tmp_path / "empty") == "moodmix-v1-ft1"
    assert next_version("moodmix-v1-ft1", tmp_path) == "moodmix-v1-ft3"


def _metrics(mood: float | None, genre: float | None) -> dict:
    return {
        "mood": {"roc_auc_macro": mood, "pr_auc_macro": mood},
        "mood_family": {"roc_auc_macro": mood},
        "genre": {"roc_auc_macro": genre},
    }


@pytest.mark.parametrize(
    ("before", "after", "tolerance", "promote", "reason"),
    [
        ((0.6, 0.7), (0.8, 0.7), 0.0, True, "not worse"),
        ((0.6, 0.7), (0.8, 0.69), 0.0, False, "genre ROC-AUC 0.690 < 0.700"),
        ((0.6, 0.7), (0.8, 0.69), 0.02, True, "not worse"),
        ((0.6, None), (0.55, 0.9), 0.0, False, "mood ROC-AUC"),
        ((None, None), (0.9, 0.9), 0.0, False, "cannot score"),
        ((0.6, None), (float("nan"), None), 0.0, False, "has no mood ROC-AUC"),
    ],
)
def test_the_decision_rule(before, after, tolerance, promote, reason):
    decision = compare(_metrics(*before), _metrics(*after), tolerance)
    assert decision.promote is promote
    assert reason in decision.reason
