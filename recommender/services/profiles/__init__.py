"""Listener profiles: signals in (``signals``), running sums (``accumulate``), what they say (``summary``,
``portrait``), what playlists use (``taste``), and the listener's rights over them (``privacy``)."""
