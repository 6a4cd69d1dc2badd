"""Core tests: fixtures come from the ``nttlearn.testing`` pytest plugin."""
