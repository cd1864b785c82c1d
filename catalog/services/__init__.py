"""Domain work of the catalogue, callable without HTTP: ingest, tag reading, analysis."""
