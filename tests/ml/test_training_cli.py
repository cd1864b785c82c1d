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
