"""Ways into the catalogue beyond lists: playlists from words (the reader's JSON endpoint) and the music
map (a 2-D layout of the embeddings, computed by a Celery task and drawn on a canvas)."""
