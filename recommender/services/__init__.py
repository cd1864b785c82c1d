"""Domain services of the product app: similarity search, playlists and listener profiles."""
