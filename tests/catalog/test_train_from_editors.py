"""``manage.py train_from_editors`` on a small catalogue: tones the editors call calm, noise bursts they
call tense, spread over artists so every split has both, and a small base corpus of the same two sounds
with speech and valence/arousal labels. A fine-tune on honest tags beats the untrained base on the
held-out sets and is promoted (the catalogue queued for re-analysis); one on tags that contradict the
audio is worse there and is refused, leaving the default bundle where it was. The gate refuses before any
training when a held-out set is too small or a figure cannot be measured, and refuses a candidate worse
on speech or retrieval even when its tags are better."""

import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
import soundfile as sf
import torch
from django.core.management import CommandError, call_command

from catalog.choices import TrackStatus
from catalog.models import Track, TrackEmbedding, Verdict
from catalog.services.editing import mark_reviewed, set_verdict
from catalog.services.editor_training import next_version
from catalog.services.promotion_gate import (
    GateCannotJudge,
    GateOptions,
    HeldOutSet,
    Outputs,
    check_ready,
    judge,
)
from catalog.services.training_export import split_of_artist
from ml.audio import AudioContract
from ml.inference import ModelBundle, default_bundle_dir
from ml.models import build_model
from ml.training.labels import LabelSpace
from ml.training.manifest import ManifestEntry
from recommender.services.similarity import similar_tracks
from tests.catalog.editors import genre, make_editor, mood
from tests.factories import ArtistFactory, TrackFactory, UserFactory

pytestmark = pytest.mark.django_db

SR = 22050
FRACTIONS = {"val": 0.25, "test": 0.25}
TINY = {"timbre_channels": 4, "rhythm_channels": 4, "mid_channels": 16, "mid_layers": 1, "feature_dim": 32}
# Class -> its editor tags. The base bundle predicts exactly these labels.
CLASSES = {"calm": ("calm", "ambient"), "tense": ("tense", "metal")}
FAST = [
    "--epochs", "4", "--batches-per-epoch", "4", "--p-groups", "4", "--k-clips", "2", "--lr", "3e-3",
    "--augment", "none", "--threads", "1", "--patience", "4",
    "--val-fraction", "0.25", "--test-fraction", "0.25",
    "--min-held-out-clips", "8", "--min-held-out-groups", "4", "--bootstrap", "200",
]  # fmt: skip
# Class -> (speech, valence, arousal) in the base corpus: what the gate checks besides the editors' tags.
CORPUS_LABELS = {"calm": (0, 0.5, -0.5), "tense": (1, -0.5, 0.7)}


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


def build_corpus(tmp_path) -> Path:
    """A base corpus manifest of the two sounds: per split, groups of two clips, half calm, half tense."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    rng = np.random.default_rng(1)
    lines = []
    for split, groups in (("train", 6), ("val", 2), ("test", 4)):
        for g in range(groups):
            kind = ("calm", "tense")[g % 2]
            speech, valence, arousal = CORPUS_LABELS[kind]
            for take in range(2):
                name = f"{split}-{g}-{take}.flac"
                sf.write(folder / name, _audio(kind, rng).astype(np.float32), SR)
                line = {
                    "path": name, "source": "rendered", "piece": f"{split}-{g}-{take}",
                    "group": f"{split}-{kind}-{g}", "split": split, "moods": [kind], "genres": None,
                    "valence": valence, "arousal": arousal, "speech": speech, "licence": "CC0",
                    "duration": 3.0,
                }  # fmt: skip
                lines.append(json.dumps(line) + "\n")
    (folder / "manifest.jsonl").write_text("".join(lines))
    return folder / "manifest.jsonl"


def run(tmp_path, capsys, *extra: str, corpus: bool = True) -> str:
    base = ["--base-manifest", str(build_corpus(tmp_path))] if corpus else ["--no-base-corpus"]
    call_command("train_from_editors", "--work-dir", str(tmp_path / "work"), *FAST, *base, *extra)
    return capsys.readouterr().out


def figure(out: str, name: str, held_out: str = "editor tags (test)") -> tuple[float | None, float | None]:
    """(before, after) of a gate figure on a held-out set in the printed comparison; None where n/a."""
    line = next(line for line in out.splitlines() if line.startswith(f"{name:<22} {held_out:<20}"))
    values = line[43:].split()[:2]
    return tuple(None if value == "n/a" else float(value) for value in values)


def test_a_fine_tune_on_honest_tags_improves_and_is_promoted(bundles, tmp_path, capsys):
    build_catalogue(tmp_path)

    out = run(tmp_path, capsys)

    before, after = figure(out, "mood ROC-AUC")
    assert after > before and after >= 0.9
    for name, held_out in [
        ("speech accuracy", "corpus test split"),
        ("valence/arousal MAE", "corpus test split"),
        ("retrieval MAP@5", "editor tags (test)"),
        ("retrieval MAP@5", "corpus test split"),
    ]:
        assert None not in figure(out, name, held_out), (name, held_out)
    assert "95% CI of change" in out and "200 resamples" in out
    assert "PROMOTED moodmix-v1-ft1" in out
    assert default_bundle_dir() == bundles / "moodmix-v1-ft1"
    promoted = ModelBundle.load(default_bundle_dir(), device="cpu")
    assert promoted.version == "moodmix-v1-ft1" and promoted.mood_labels == ["tense", "calm"]
    card = promoted.card()
    assert card["fine_tuned_from"]["version"] == "moodmix-v1"
    assert card["editor_fine_tune"]["decision"]["promote"] is True
    assert {row["metric"] for row in card["editor_fine_tune"]["gate"]} >= {
        "speech accuracy",
        "retrieval MAP@5",
    }
    # The whole catalogue is queued for re-analysis with the new version.
    assert f"queued {Track.objects.count()} track(s) for re-analysis with moodmix-v1-ft1" in out
    assert set(Track.objects.values_list("status", flat=True)) == {TrackStatus.PENDING}


def test_a_fine_tune_that_is_worse_on_held_out_tags_is_refused(bundles, tmp_path, capsys):
    build_catalogue(tmp_path, lie_outside_test=True)

    out = run(tmp_path, capsys)

    before, after = figure(out, "mood ROC-AUC")
    assert after < before
    assert "NOT PROMOTED: worse on held-out data: mood ROC-AUC on editor tags (test)" in out
    assert default_bundle_dir() == bundles / "moodmix-v1"
    assert sorted(p.name for p in bundles.iterdir()) == ["moodmix-v1"]  # no new version, no pointer
    assert (tmp_path / "work" / "candidate" / "card.json").is_file()  # kept for inspection
    assert not Track.objects.filter(status=TrackStatus.PENDING).exists()  # nothing re-queued


def test_a_fine_tune_with_a_broken_config_is_refused_not_crashed(bundles, tmp_path, capsys):
    build_catalogue(tmp_path)
    diverging = ["--lr", "1e6"]  # the weights blow up to non-finite outputs (the last --lr wins)

    out = run(tmp_path, capsys, *diverging)

    before, after = figure(out, "mood ROC-AUC")
    assert "NOT PROMOTED: the fine-tune failed" in out
    assert 0.0 <= before <= 1.0 and after is None
    assert default_bundle_dir() == bundles / "moodmix-v1"


def test_the_base_corpus_train_and_val_clips_are_mixed_in(bundles, tmp_path, capsys):
    build_catalogue(tmp_path)

    out = run(tmp_path, capsys, "--dry-run")

    # 12 editor train clips + 12 corpus train clips, 4 + 4 val; the test splits are held out.
    assert "on 24 train / 8 val clips; held out clips: editor tags (test) 8, corpus test split 8" in out
    assert "dry run: nothing changed" in out and default_bundle_dir() == bundles / "moodmix-v1"


def test_without_reviewed_tags_the_command_refuses_before_training(bundles, tmp_path):
    with pytest.raises(CommandError, match="no reviewed track has editor tags"):
        call_command("train_from_editors", "--work-dir", str(tmp_path / "work"), *FAST)


def test_a_held_out_slice_below_the_minimum_is_refused_before_training(bundles, tmp_path):
    build_catalogue(tmp_path)
    default_minimum = [arg for arg in FAST if arg not in ("--min-held-out-clips", "8")]

    with pytest.raises(CommandError) as refused:
        call_command(
            "train_from_editors", "--work-dir", str(tmp_path / "work"), *default_minimum,
            "--base-manifest", str(build_corpus(tmp_path)),
        )  # fmt: skip

    assert str(refused.value).startswith("NOT TRAINED: the promotion gate cannot judge a candidate")
    assert "editor tags (test): 8 clip(s) from 4 artists; the gate needs at least 30 clips" in str(
        refused.value
    )
    assert not (tmp_path / "work" / "candidate").exists()  # refused before any training
    assert default_bundle_dir() == bundles / "moodmix-v1"


def test_without_the_base_corpus_speech_and_valence_cannot_be_checked(bundles, tmp_path):
    build_catalogue(tmp_path)

    with pytest.raises(CommandError, match="cannot check speech accuracy, valence/arousal MAE"):
        call_command("train_from_editors", "--work-dir", str(tmp_path / "work"), *FAST, "--no-base-corpus")

    assert not (tmp_path / "work" / "candidate").exists()


def test_versions_count_fine_tunes_and_skip_existing_folders(tmp_path):
    (tmp_path / "moodmix-v1-ft2").mkdir()
    assert next_version("moodmix-v1", tmp_path / "empty") == "moodmix-v1-ft1"
    assert next_version("moodmix-v1-ft1", tmp_path) == "moodmix-v1-ft3"


# --- the gate's decision rule, on made-up outputs -----------------------------------------------------

LABELS = LabelSpace(("tense", "calm"), ("metal", "ambient"))


def _held_out(n_groups: int = 6, per_group: int = 3) -> HeldOutSet:
    """A corpus-like held-out set: half the groups calm, half tense, with speech and valence/arousal."""
    entries = []
    for g in range(n_groups):
        kind = ("calm", "tense")[g % 2]
        speech, valence, arousal = CORPUS_LABELS[kind]
        for take in range(per_group):
            entries.append(
                ManifestEntry(
                    path=Path(f"{g}-{take}.flac"),
                    source="rendered",
                    piece=f"{g}-{take}",
                    group=f"g{g}",
                    split="test",
                    moods=(kind,),
                    genres=("ambient" if kind == "calm" else "metal",),
                    valence=valence,
                    arousal=arousal,
                    speech=speech,
                    licence="CC0",
                    duration=3.0,
                )  # fmt: skip
            )
    return HeldOutSet("corpus test split", entries, LABELS)


def _outputs(held_out: HeldOutSet, *, speech_right: bool = True, embeddings_by_group: bool = True) -> Outputs:
    """Outputs that rank moods and genres perfectly; speech right or all wrong; embeddings that cluster by
    group, or by nothing but the mood (so same-group retrieval is left to chance)."""
    rng = np.random.default_rng(0)
    centres = rng.standard_normal((len({e.group for e in held_out.entries}), 16))
    predictions = []
    for entry in held_out.entries:
        calm = entry.moods == ("calm",)
        group = int(entry.group[1:])
        centre = centres[group] if embeddings_by_group else centres[int(calm)]
        speech = entry.speech if speech_right else 1 - entry.speech
        predictions.append(
            SimpleNamespace(
                moods={"calm": 0.9 if calm else 0.1, "tense": 0.1 if calm else 0.9},
                genres={"ambient": 0.8 if calm else 0.2, "metal": 0.2 if calm else 0.8},
                speech=0.9 if speech else 0.1,
                valence=entry.valence,
                arousal=entry.arousal,
                embedding=centre + 0.01 * rng.standard_normal(16),
            )  # fmt: skip
        )
    return Outputs(held_out, predictions)


GATE = GateOptions(min_clips=8, min_groups=4, rounds=200)


def test_the_gate_promotes_a_candidate_that_is_as_good_and_reports_intervals():
    held_out = _held_out()

    decision = judge([held_out], [_outputs(held_out)], [_outputs(held_out)], GATE)

    assert decision.promote, decision.reason
    assert {row.metric for row in decision.rows} == {
        "mood ROC-AUC", "genre ROC-AUC", "speech accuracy", "valence/arousal MAE", "retrieval MAP@5"
    }  # fmt: skip
    assert all(row.change_ci == (0.0, 0.0) for row in decision.rows)


def test_the_gate_refuses_a_candidate_worse_on_speech():
    held_out = _held_out()

    decision = judge([held_out], [_outputs(held_out)], [_outputs(held_out, speech_right=False)], GATE)

    assert not decision.promote
    assert decision.reason.startswith(
        "worse on held-out data: speech accuracy on corpus test split 0.000 vs 1.000"
    )
    assert "change 95% CI [-1.000, -1.000]" in decision.reason
    assert figure("\n".join(decision.lines()), "mood ROC-AUC", "corpus test split") == (1.0, 1.0)


def test_the_gate_refuses_a_candidate_worse_on_retrieval():
    held_out = _held_out()

    decision = judge([held_out], [_outputs(held_out)], [_outputs(held_out, embeddings_by_group=False)], GATE)

    assert not decision.promote
    assert "retrieval MAP@5 on corpus test split" in decision.reason
    retrieval = next(row for row in decision.rows if row.metric == "retrieval MAP@5")
    assert retrieval.worse and retrieval.change_ci[1] < 0  # clearly worse, not noise
    assert [row.metric for row in decision.rows if row.worse] == ["retrieval MAP@5"]


def test_the_gate_names_what_an_empty_or_small_held_out_set_lacks():
    empty = HeldOutSet("editor tags (test)", [], LABELS, "artists")

    with pytest.raises(GateCannotJudge) as refused:
        check_ready([empty, _held_out(n_groups=2, per_group=2)], GATE)

    message = str(refused.value)
    assert (
        "editor tags (test): 0 clip(s) from 0 artists; the gate needs at least 8 clips from 4 artists"
        in message
    )
    assert "corpus test split: 4 clip(s) from 2 groups" in message
    assert "cannot check" not in message  # the corpus set has every label, if too few clips


def test_the_gate_tolerates_a_drop_within_its_tolerance():
    held_out = _held_out()
    worse = _outputs(held_out, embeddings_by_group=False)

    decision = judge([held_out], [_outputs(held_out)], [worse], GateOptions(tolerance=1.0, rounds=50))

    assert decision.promote


# --- similarity while the catalogue is re-analysed -----------------------------------------------------


def test_until_reanalysis_finishes_similar_tracks_share_the_tracks_model_version():
    def embedded(version: str, direction: int) -> Track:
        track = TrackFactory()
        vector = np.zeros(128)
        vector[direction] = 1.0
        vector[5] = 0.1
        TrackEmbedding.objects.create(track=track, vector=vector.tolist(), model_version=version)
        return track

    old = [embedded("moodmix-v1", 0), embedded("moodmix-v1", 1)]
    new = [embedded("moodmix-v1-ft1", 0), embedded("moodmix-v1-ft1", 2)]
    listener = UserFactory()

    old_neighbours = {n.track_id for n in similar_tracks(old[0], user=listener)}
    new_neighbours = {n.track_id for n in similar_tracks(new[0], user=listener)}

    assert old_neighbours == {old[1].pk}  # not new[0], although its vector is identical
    assert new_neighbours == {new[1].pk}
