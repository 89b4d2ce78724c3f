"""A resolved schedule -> RFC 5545 bytes (with ``ics``): properties, revisions, VTIMEZONE."""
