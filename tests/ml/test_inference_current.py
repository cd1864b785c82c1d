"""The default bundle: `$MOODMIX_BUNDLE_DIR` pins one folder, else the bundles root's `CURRENT` pointer names
one, else the root's moodmix-v1; promotion replaces the pointer."""

import pytest

from ml.inference import bundles_root, default_bundle_dir, point_default_at


@pytest.fixture
def root(monkeypatch, tmp_path):
    monkeypatch.delenv("MOODMIX_BUNDLE_DIR", raising=False)
    monkeypatch.setenv("MOODMIX_BUNDLES_ROOT", str(tmp_path))
    return tmp_path


def test_without_a_pointer_the_default_is_moodmix_v1_in_the_root(root):
    assert bundles_root() == root
    assert default_bundle_dir() == root / "moodmix-v1"


def test_pointing_the_default_at_a_bundle_folder_makes_it_the_default_at_once(root):
    (root / "moodmix-v1-ft1").mkdir()

    pointer = point_default_at(root / "moodmix-v1-ft1")

    assert pointer.read_text() == "moodmix-v1-ft1\n"
    assert default_bundle_dir() == root / "moodmix-v1-ft1"
    point_default_at(root / "moodmix-v1")  # roll back
    assert default_bundle_dir() == root / "moodmix-v1"
    assert sorted(p.name for p in root.iterdir()) == ["CURRENT", "moodmix-v1-ft1"]  # no partial file left


def test_an_explicit_bundle_dir_wins_over_the_pointer(root, monkeypatch, tmp_path_factory):
    (root / "moodmix-v1-ft1").mkdir()
    point_default_at(root / "moodmix-v1-ft1")
    pinned = tmp_path_factory.mktemp("pinned")
    monkeypatch.setenv("MOODMIX_BUNDLE_DIR", str(pinned))

    assert default_bundle_dir() == pinned


def test_only_folders_directly_in_the_root_can_become_the_default(root, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    with pytest.raises(ValueError, match="bundles root"):
        point_default_at(elsewhere)
    assert not (root / "CURRENT").exists()


def test_without_a_pointer_the_newest_shipped_bundle_in_the_root_wins(root):
    (root / "moodmix-v1").mkdir()
    assert default_bundle_dir() == root / "moodmix-v1"
    (root / "moodmix-v2").mkdir()
    assert default_bundle_dir() == root / "moodmix-v2"
    (root / "moodmix-v2.1").mkdir()
    assert default_bundle_dir() == root / "moodmix-v2.1"
    (root / "moodmix-v2.2").mkdir()  # shipped beside, never a default
    assert default_bundle_dir() == root / "moodmix-v2.1"
    (root / "moodmix-v2.3").mkdir()
    assert default_bundle_dir() == root / "moodmix-v2.3"
    (root / "moodmix-v2.4").mkdir()
    assert default_bundle_dir() == root / "moodmix-v2.4"
    (root / "moodmix-v2.5").mkdir()
    assert default_bundle_dir() == root / "moodmix-v2.5"
    point_default_at(root / "moodmix-v1")  # a pointer still decides
    assert default_bundle_dir() == root / "moodmix-v1"
