"""Showing a run: the site map, recordings, and the command line's output and paths."""
