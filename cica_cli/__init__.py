"""cica: an event and deadline planner for international meetings."""

__version__ = "0.1.0"
