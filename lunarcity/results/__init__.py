"""A run's results: the recorder and summary, the target, the words, the studies' figures."""
