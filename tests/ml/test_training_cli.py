"""`python -m ml.train` argument handling (the runs themselves are in test_training_end_to_end.py)."""

import pytest

from ml.train import _key_values, main, parser


def test_key_values_parse_json_values_and_keep_lists_whole():
    parsed = _key_values("timbre_spans=[0.9,0.4],mid_channels=64,mode=fast,dropout=0.2")
    assert parsed == {"timbre_spans": [0.9, 0.4], "mid_channels": 64, "mode": "fast", "dropout": 0.2}
    assert _key_values("") == {}


def test_train_options_reach_the_namespace():
    args = parser().parse_args(
        ["train", "--manifest", "m.jsonl", "--out", "b", "--epochs", "3", "--loss-weights", "triplet=2"]
    )
    assert args.command == "train" and args.epochs == 3 and args.loss_weights == {"triplet": 2}
    assert args.arch == "tf_cnn" and args.augment == "default" and args.device == "auto"


def test_evaluate_needs_a_bundle_and_a_known_split():
    with pytest.raises(SystemExit):
        parser().parse_args(["evaluate", "--manifest", "m.jsonl"])
    with pytest.raises(SystemExit):
        parser().parse_args(["evaluate", "--bundle", "b", "--manifest", "m.jsonl", "--split", "dev"])


def test_evaluate_reports_an_empty_split(tmp_path, capsys):
    (tmp_path / "a.wav").write_bytes(b"")
    (tmp_path / "manifest.jsonl").write_text(
        '{"path": "a.wav", "source": "speech", "piece": "p", "group": "speech", "split": "train", '
        '"moods": null, "genres": null, "valence": null, "arousal": null, "speech": 1, "duration": 2}\n'
    )
    code = main(["evaluate", "--bundle", str(tmp_path), "--manifest", str(tmp_path / "manifest.jsonl")])
    assert code == 2 and "no clips in split 'test'" in capsys.readouterr().err


def test_evaluate_with_write_card_stores_what_it_printed_and_keeps_the_weights(tmp_path, capsys):
    import json

    import soundfile as sf
    import torch

    from ml.inference import ModelBundle
    from tests.ml.test_inference_bundle import make_bundle, music

    bundle_dir = make_bundle().save(tmp_path / "bundle")
    before = ModelBundle.load(bundle_dir, device="cpu").model.state_dict()
    lines = []
    for i, speech in enumerate([0, 0, 1, 1]):
        sf.write(tmp_path / f"c{i}.wav", music(3.0, seed=i), 22050)
        group = "speech" if speech else "music"
        lines.append(
            json.dumps({"path": f"c{i}.wav", "source": "speech" if speech else "rendered", "piece": f"p{i}",
                        "group": group, "split": "test", "moods": None, "genres": None, "valence": None,
                        "arousal": None, "speech": speech, "duration": 3.0})
        )  # fmt: skip
    (tmp_path / "manifest.jsonl").write_text("\n".join(lines) + "\n")
    args = ["evaluate", "--bundle", str(bundle_dir), "--manifest", str(tmp_path / "manifest.jsonl")]
    assert main([*args, "--write-card", "--no-mfcc"]) == 0
    printed = capsys.readouterr().out
    reloaded = ModelBundle.load(bundle_dir, device="cpu")
    card_metrics = reloaded.metrics
    assert "speech" in printed and card_metrics["test"]["speech"]["n_clips"] == 4
    assert card_metrics["val"]["mood_auc"] == 0.75  # the other splits' figures are kept
    assert [row["target"] for row in reloaded.card()["targets"]["test"]][0] == "mood family macro ROC-AUC"
    assert reloaded.card()["version"] == "moodmix-test-v1"
    after = reloaded.model.state_dict()
    assert after.keys() == before.keys() and all(torch.equal(after[name], before[name]) for name in before)


def test_source_weights_reach_the_config(monkeypatch, tmp_path):
    from types import SimpleNamespace

    seen = {}

    def fake_train(config, manifest):
        seen["c"] = config
        return SimpleNamespace(version="v", metrics={})

    monkeypatch.setattr("ml.training.trainer.train", fake_train)
    args = ["train", "--manifest", "m.jsonl", "--out", str(tmp_path / "b"), "--source-weights", "speech=3"]
    assert main(args) == 0
    assert seen["c"].source_weights == {"speech": 3.0}
    # Parameter prefixes are dotted keys: each pair is its own entry.
    assert main([*args, "--lr-scale", "backbone.key=10,heads.mode=3"]) == 0
    assert seen["c"].lr_scale == {"backbone.key": 10.0, "heads.mode": 3.0}
