"""Training: manifest reading, augmentation, losses, datasets and samplers, the trainer.

Entry points: `ml.training.trainer.train(TrainConfig(...), manifest)` and the CLI `python -m ml.train`.
Submodules are imported directly (this package imports nothing) so the light parts (manifest,
augment, losses) load without torch models or the audio front end.
"""
