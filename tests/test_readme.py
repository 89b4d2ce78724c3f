"""Shell lines in the README do what it says they do."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def test_the_password_file_recipe_keeps_any_password(tmp_path: Path) -> None:
    text = README.read_text(encoding="utf-8")
    [recipe] = re.findall(r"```bash\n(install -d -m 700 ~/.config/cica\n.*?)```", text, re.S)
    password = 'it\'s a "$HOME" \\ `x` %s! ü'
    env = {"HOME": str(tmp_path), "PATH": os.environ["PATH"]}
    subprocess.run(["bash", "-c", recipe], input=password + "\n", text=True, env=env, check=True)
    secret = tmp_path / ".config" / "cica" / "smtp.env"
    assert secret.stat().st_mode & 0o077 == 0
    source = 'set -a && . "$HOME/.config/cica/smtp.env" && printf %s "$CICA_SMTP_PASSWORD"'
    read_back = subprocess.run(
        ["sh", "-c", source], env=env, capture_output=True, text=True, check=True
    ).stdout
    assert read_back == password
