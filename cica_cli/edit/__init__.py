"""Editing the calendar file in place, in its own style: the only user of ``tomlkit``."""
