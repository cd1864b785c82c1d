__all__ = ["PlaylistError"]


class PlaylistError(ValueError):
    """A request that cannot make a playlist (no mood chosen, unknown seed...); the message is for users."""
