"""Moodmix's machine-listening library: audio front end, models, training, inference, evaluation.

A plain Python + PyTorch package. It never imports Django: the Django apps call it, not the reverse.
"""
