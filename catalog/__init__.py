"""The catalogue: artists, tracks, their audio files and the analysis status of each track."""
