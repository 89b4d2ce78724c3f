"""One module per ``cica`` command; each exposes ``register(app)``."""
