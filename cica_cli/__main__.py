"""``python -m cica_cli``."""

from .cli import main

main()
