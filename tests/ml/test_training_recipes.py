"""scripts/train-moodmix-v2.sh: each recipe runs the training command its bundle's card says it ran.

`PY="echo python"` makes the script print its commands instead of running them, so these checks cost
nothing; they exist because a recipe's settings once failed to reach the command (a warm start read
before the recipe set it), which only shows up as a worse model an hour later.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def commands(**env: str) -> list[str]:
    run = subprocess.run(
        ["bash", "scripts/train-moodmix-v2.sh"],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], "PY": "echo python", "STAGE": "train", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return [line for line in run.stdout.splitlines() if line.startswith("python -m ml.")]


def training(**env: str) -> str:
    return next(line for line in commands(**env) if line.startswith("python -m ml.train train"))


def test_the_40_mood_recipe_is_v2_1s_on_the_40_mood_manifest():
    steps = commands(RECIPE="moods")
    heldout = next(line for line in steps if "ml.corpus.heldout" in line)
    assert "--no-added-moods" not in heldout
    train = training(RECIPE="moods")
    assert "--warm-start ml/bundles/moodmix-v1" in train and "--version moodmix-v2.2" in train
    assert train.replace("moodmix-v2.2", "moodmix-v2.1").replace(" --no-added-moods", "") == training(
        RECIPE="speech"
    )
    assert "--out ml/bundles/moodmix-v2.2" in train and "--ssl-positives track" in train


def test_v2_3s_recipe_is_the_40_mood_one_with_mood_positives_weighted_4():
    train = training(RECIPE="weighted")
    assert "--out ml/bundles/moodmix-v2.3" in train and "--mood-pos-weight 4" in train
    assert train.replace("moodmix-v2.3", "moodmix-v2.2").replace(
        "--mood-pos-weight 4", "--mood-pos-weight 1"
    ) == (training(RECIPE="moods"))


@pytest.mark.parametrize("recipe", ["speech", "shipped"])
def test_the_33_mood_recipes_warm_start_from_v1_on_the_33_mood_manifest(recipe):
    heldout = next(line for line in commands(RECIPE=recipe) if "ml.corpus.heldout" in line)
    assert "--no-added-moods" in heldout
    assert "--warm-start ml/bundles/moodmix-v1" in training(RECIPE=recipe)


def test_an_empty_warm_start_trains_from_scratch_and_settings_reach_the_command():
    train = training(
        RECIPE="moods", WARM_START="", LR="5e-5", SSL_POSITIVES="package", VA_WEIGHT="2", MOOD_POS_WEIGHT="4"
    )
    assert "--warm-start" not in train
    fine_tune = training(RECIPE="moods", WARM_START="ml/bundles/moodmix-v2.1")
    assert "--warm-start ml/bundles/moodmix-v2.1" in fine_tune
    assert "--lr 5e-5" in train and "--ssl-positives package" in train and "va=2," in train
    assert "--mood-pos-weight 4" in train and "--mood-pos-weight 1 " in training(RECIPE="speech")
    assert "--freeze" not in train and "--freeze backbone.mel " in training(
        RECIPE="moods", FREEZE="backbone.mel"
    )


def test_a_pitch_stage_trains_the_pitch_branch_alone_then_the_recipe_starts_from_it():
    first, second = [
        line
        for line in commands(RECIPE="moods", PITCH_EPOCHS="2")
        if line.startswith("python -m ml.train train")
    ]
    stage = "var/training/moodmix-v2.2/pitch-stage"
    assert (
        f"--out {stage} " in first
        and "--freeze backbone.mel" in first
        and "--warm-start ml/bundles/moodmix-v1" in first
    )
    assert "--epochs 2 --schedule-epochs 2" in first and "--lr 1e-3" in first
    assert f"--warm-start {stage} " in second and "--freeze" not in second
    assert second == training(RECIPE="moods").replace(
        "--warm-start ml/bundles/moodmix-v1", f"--warm-start {stage}"
    )


def test_v2_4s_recipe_is_v2_3s_with_key_profiles_and_a_major_minor_head():
    train = training(RECIPE="keys")
    added = (
        " --arch-params key_profiles=16,key_init=krumhansl",
        " --lr-scale backbone.key=10,heads.mode=10",
        ",mode=1",
    )
    assert "--out ml/bundles/moodmix-v2.4" in train and all(part in train for part in added)
    v2_3 = train.replace("moodmix-v2.4", "moodmix-v2.3")
    for part in added:
        v2_3 = v2_3.replace(part, "")
    assert v2_3 == training(RECIPE="weighted")
    assert "--ssl-pool var/pool/pool.jsonl " in train
    assert "--lr-scale" not in training(RECIPE="weighted")
    assert "key_init=random" in training(RECIPE="keys", KEY_INIT="random")


def test_the_default_recipe_is_v2_4s_with_fitted_keys_a_frozen_mode_and_valence_fed_by_it():
    train = training(RECIPE="fitted")
    added = {
        " --arch-params key_profiles=16,key_init=krumhansl,valence_from_mode=true": (
            " --arch-params key_profiles=16,key_init=krumhansl"
        ),
        " --lr-scale heads.valence_from_mode=100,heads.va=10": " --lr-scale backbone.key=10,heads.mode=10",
        " --fit-key-profiles": "",
        " --freeze backbone.key,heads.mode": "",
        " --fresh heads.va": "",
    }
    assert "--out ml/bundles/moodmix-v2.5" in train and all(part in train for part in added)
    v2_4 = train.replace("moodmix-v2.5", "moodmix-v2.4")
    for part, before in added.items():
        v2_4 = v2_4.replace(part, before)
    assert v2_4 == training(RECIPE="keys")


def test_the_extended_pool_reaches_the_training_command_and_the_card():
    steps = commands(RECIPE="keys", EXTENDED_POOL="1", STAGE="all")
    train = next(line for line in steps if line.startswith("python -m ml.train train"))
    assert "--ssl-pool var/pool/pool-extended.jsonl " in train
    assert any(
        line.endswith("ml.corpus.pool var/pool/pool-extended.jsonl --card ml/bundles/moodmix-v2.4")
        for line in steps
    )


def test_a_key_stage_teaches_the_key_branch_the_mode_alone_then_the_recipe_starts_from_it():
    first, second = [
        line
        for line in commands(RECIPE="keys", MODE_WEIGHT="1", KEY_EPOCHS="4")
        if line.startswith("python -m ml.train train")
    ]
    stage = "var/training/moodmix-v2.4/key-stage"
    assert f"--out {stage} " in first and "--freeze backbone.mel,backbone.pitch " in first
    assert "--loss-weights mood=0,genre=0,speech=0,triplet=0,va=1,mode=1 " in first
    assert "--ssl-weight 0 " in first and "--whitening none " in first and "--lr 1e-2 " in first
    assert second == training(RECIPE="keys", MODE_WEIGHT="1").replace(
        "--warm-start ml/bundles/moodmix-v1", f"--warm-start {stage}"
    )
