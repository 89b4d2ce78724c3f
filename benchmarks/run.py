"""Time whole ``cica`` processes on the shipped calendar and on synthetic ones; write RESULTS.md.

    python benchmarks/run.py                          # everything (half an hour: 100 000 events)
    python benchmarks/run.py --sizes 1000,10000 --runs 5
    python benchmarks/run.py --sizes none --runs 31   # just the shipped calendar and the floor

Run it with the Python that has cica installed (``cica`` is looked for beside it). Standard library
only, apart from cica itself. Each command is run once to warm up, then N times; the runs of all
commands on one calendar are interleaved, so that a change in the machine's load hits them alike.
Reported: the median wall time with its min and max, the ratio to the import floor
(``python -c "import typer, rich, pydantic, dateutil"``, timed in the same run), and the peak
resident memory of the child process (``os.wait4``).

Every cica command is timed twice: *warm*, with the cache of resolved calendars that the warm-up
filled (what a user sees from the second run on), and *cold*, with the calendar's entry gone
before each run (the first run after the calendar changed: parse, validate, resolve and write the
cache). The store of the countries' days off, which depends on the installed ``holidays`` and not
on the calendar, stays, as it does after an edit. ``next (empty cache)`` is the very first run
after installing: nothing cached at all (reported, no target).

Children run in a scratch HOME with their own XDG folders, ``COLUMNS=100``, and output to
/dev/null. ``PYTHONDONTWRITEBYTECODE`` is removed from their environment: an installed cica has
its bytecode compiled (pip does it), and a run that recompiled every module would time the
compiler. A command the installed cica does not have yet is reported as "n/a".
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import generate

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "RESULTS.md"
FLOOR_CODE = "import typer, rich, pydantic, dateutil"
SHIPPED_AS_OF = "2024-06-27"
DEFAULT_RUNS = {0: 21, 1_000: 11, 10_000: 7, 100_000: 3}
PACKAGES = (
    "cica-cli", "typer", "rich", "pydantic", "pydantic-core", "python-dateutil", "ics",
    "tzdata", "toml-rs",
)  # fmt: skip


@dataclass(frozen=True)
class Command:
    """One benchmarked command line; ``{cal}``, ``{as_of}`` and ``{tmp}`` are filled in."""

    label: str
    args: tuple[str, ...]
    cica: bool = True  # False: a bare Python (the floor, `python -c pass`)
    empty: bool = False  # True: only ever run with nothing cached at all


COMMANDS: tuple[Command, ...] = (
    Command("upcoming", ("upcoming", "-c", "{cal}", "--as-of", "{as_of}")),
    Command("next", ("next", "-c", "{cal}", "--as-of", "{as_of}")),
    Command("validate", ("validate", "-c", "{cal}")),
    Command("upcoming --json", ("upcoming", "--json", "-c", "{cal}", "--as-of", "{as_of}")),
    Command(
        "upcoming --within 30d",
        ("upcoming", "--within", "30d", "-c", "{cal}", "--as-of", "{as_of}"),
    ),
    # A file rather than `-o /dev/null` (which cica writes in place, not by rename): a feed on
    # disk is the real use, and re-exporting over it also reads the previous export to carry
    # SEQUENCE and LAST-MODIFIED forward, work that /dev/null would skip.
    Command("export", ("export", "-c", "{cal}", "-o", "{tmp}/export.ics")),
    # And the issue's own line: to /dev/null, nothing to read back and nothing renamed.
    Command("export -o /dev/null", ("export", "-c", "{cal}", "-o", "/dev/null")),
    Command(
        "remind --dry-run",
        (
            "remind",
            "--dry-run",
            "--to",
            "someone@example.org",
            "--from",
            "cica@example.org",
            "--state",
            "{tmp}/reminders.sqlite",
            "-c",
            "{cal}",
            "--as-of",
            "{as_of}",
        ),
    ),
)
# Issue 13: an edit, written, with the report of what moved with it. On a copy of the calendar
# (made afresh for each calendar), one event moved a day later on every run.
COMMANDS += (Command("move", ("move", "{move_id}", "+1d", "-c", "{edit_cal}")),)
COMMANDS += (
    Command("next (empty cache)", ("next", "-c", "{cal}", "--as-of", "{as_of}"), empty=True),
)
BASELINES = (
    Command("python -c pass", ("-c", "pass"), cica=False),
    Command("import floor", ("-c", FLOOR_CODE), cica=False),
)


@dataclass
class Timing:
    """The runs of one command in one cache mode."""

    seconds: list[float] = field(default_factory=list)
    rss_kib: list[int] = field(default_factory=list)
    status: str = ""  # "" while fine; "n/a" or "failed: ..." otherwise

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


@dataclass
class Row:
    """A line of the table."""

    calendar: str
    events: int
    command: Command
    warm: Timing
    cold: Timing | None  # None for the baselines (no cache involved)


_DROPPED = frozenset(
    {
        "PYTHONDONTWRITEBYTECODE", "PYTHONPROFILEIMPORTTIME", "PYTHONDEVMODE", "PYTHONMALLOC",
        "PYTHONTRACEMALLOC", "PYTHONWARNINGS", "FORCE_COLOR", "TTY_COMPATIBLE",
        "SOURCE_DATE_EPOCH", "NO_COLOR",
    }
)  # fmt: skip


@dataclass
class Runner:
    """Runs children in a scratch environment and times them."""

    python: str
    cica: list[str]
    scratch: Path
    verbose: bool = True
    env: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("CICA_", "XDG_")) and k not in _DROPPED
        }
        home = self.scratch / "home"
        home.mkdir(parents=True, exist_ok=True)
        env.update(
            HOME=str(home),
            XDG_CONFIG_HOME=str(home / ".config"),
            XDG_STATE_HOME=str(home / ".local" / "state"),
            COLUMNS="100",
            LINES="50",
            TERM="dumb",
        )
        self.env = env

    def argv(self, command: Command, cal: Path, as_of: str, mode: str = "warm") -> list[str]:
        """The command line; an edit works on the copy of the calendar kept for ``mode``."""
        filled = [
            a.format(
                cal=cal,
                as_of=as_of,
                tmp=self.scratch,
                edit_cal=self.scratch / f"edited-{mode}.toml",
                move_id=move_target(cal),
            )
            for a in command.args
        ]
        return [*self.cica, *filled] if command.cica else [self.python, *filled]

    def run_once(self, argv: Sequence[str], cache: Path) -> tuple[float, int, int, str]:
        """(seconds, peak RSS in KiB, exit status, stderr) of one child."""
        env = dict(self.env, XDG_CACHE_HOME=str(cache))
        with tempfile.TemporaryFile(dir=self.scratch) as err:
            start = time.perf_counter()
            proc = subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=err,
                env=env,
                cwd=self.scratch,
            )
            _, status, usage = os.wait4(proc.pid, 0)
            elapsed = time.perf_counter() - start
            proc.returncode = os.waitstatus_to_exitcode(status)
            err.seek(0)
            text = err.read().decode("utf-8", "replace")
        rss = usage.ru_maxrss // 1024 if sys.platform == "darwin" else usage.ru_maxrss
        return elapsed, rss, proc.returncode, text

    def fresh_cache(self, warm: Path | None) -> Path:
        """An empty cache; with ``warm``, holding what ``warm`` knows of the countries' days off
        (cica's store of them outlives any calendar's entry)."""
        cold = self.scratch / "cache-cold"
        shutil.rmtree(cold, ignore_errors=True)
        store = None if warm is None else warm / "cica" / "holidays"
        if store is not None and store.is_dir():
            (cold / "cica").mkdir(mode=0o700, parents=True)
            shutil.copytree(store, cold / "cica" / "holidays")
        return cold


def move_target(cal: Path) -> str:
    """The event `cica move` moves: the SOC of the shipped calendar; in a synthetic one, a meeting
    with a typed date halfway through the file (every fifth meeting is computed)."""
    events = int(cal.stem.rsplit("-", 1)[-1]) if cal.stem.startswith("events-") else 0
    if not events:
        return "soc-astana-2024-06"
    cluster = max(1, events // 16)
    return f"c{cluster + (1 if cluster % 5 == 0 else 0):06d}-soc"


def _problem(code: int, stderr: str) -> str:
    if code == 2 and "No such command" in stderr:
        return "n/a"
    lines = [line.strip(" │╭╰─") for line in stderr.splitlines()]
    first = next((line for line in lines if line), "")
    return f"failed (exit {code}): {first[:80]}"


def bench_calendar(
    runner: Runner,
    name: str,
    events: int,
    cal: Path,
    as_of: str,
    runs: int,
    commands: Sequence[Command],
) -> list[Row]:
    """Warm up, then ``runs`` interleaved rounds of every command, warm and cold."""
    warm_cache = runner.scratch / f"cache-warm-{events}"
    shutil.rmtree(warm_cache, ignore_errors=True)
    # What `move` edits: a copy for each mode, so that a cold run's edit never leaves the warm
    # cache behind a file it has not seen (each edit refreshes its own cache).
    for mode in ("warm", "cold"):
        shutil.copyfile(cal, runner.scratch / f"edited-{mode}.toml")
    rows: list[Row] = []
    for command in commands:
        row = Row(name, events, command, Timing(), Timing() if command.cica else None)
        _, _, code, err = runner.run_once(runner.argv(command, cal, as_of), warm_cache)
        if code != 0:
            row.warm.status = _problem(code, err)
            if row.cold is not None:
                row.cold.status = row.warm.status
        elif command.empty:
            row.warm.status = "-"
        rows.append(row)
    live = [
        r
        for r in rows
        if not r.warm.status or (r.command.empty and r.cold is not None and not r.cold.status)
    ]
    for n in range(runs):
        shift = n % len(live) if live else 0
        for row in live[shift:] + live[:shift]:
            modes = [] if row.command.empty else [(row.warm, warm_cache, "warm")]
            if row.cold is not None:
                keep = None if row.command.empty else warm_cache
                modes.append((row.cold, runner.fresh_cache(keep), "cold"))
            for timing, cache, mode in modes if n % 2 else modes[::-1]:
                argv = runner.argv(row.command, cal, as_of, mode)
                seconds, rss, code, err = runner.run_once(argv, cache)
                if code != 0 and not timing.status:
                    timing.status = _problem(code, err)
                timing.seconds.append(seconds)
                timing.rss_kib.append(rss)
        if runner.verbose:
            print(f"  {name}: round {n + 1}/{runs}", file=sys.stderr)
    return rows


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f}" if seconds < 10 else f"{seconds:.1f} s"


def _cells(timing: Timing | None, floor: float | None) -> list[str]:
    if timing is None:
        return ["", "", ""]
    if timing.status:
        return [timing.status, "", ""]
    ratio = f"{timing.median / floor:.2f}x" if floor else ""
    span = f"{_ms(min(timing.seconds))}-{_ms(max(timing.seconds))}"
    return [f"{_ms(timing.median)} ({span})", ratio, f"{max(timing.rss_kib) / 1024:.0f}"]


HEADER = (
    "calendar",
    "command",
    "warm: median ms (min-max)",
    "x floor",
    "RSS MB",
    "cold: median ms (min-max)",
    "x floor",
    "RSS MB",
)


def table_rows(rows: Sequence[Row], floor: float | None) -> list[list[str]]:
    """The cells of the table, one list per row."""
    out = []
    for row in rows:
        name = row.calendar if row.command.cica else ""
        out.append([name, row.command.label, *_cells(row.warm, floor), *_cells(row.cold, floor)])
    return out


def plain_table(cells: list[list[str]]) -> str:
    """Columns aligned with spaces, for the terminal."""
    widths = [max(len(r[i]) for r in [list(HEADER), *cells]) for i in range(len(HEADER))]
    lines = ["  ".join(h.ljust(w) for h, w in zip(HEADER, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for r in cells:
        lines.append("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
    return "\n".join(lines)


def markdown_table(cells: list[list[str]]) -> str:
    """The same as a Markdown table."""
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines.extend("| " + " | ".join(r) + " |" for r in cells)
    return "\n".join(lines)


def _find(rows: Sequence[Row], events: int, label: str) -> Row | None:
    return next((r for r in rows if r.events == events and r.command.label == label), None)


def targets(rows: Sequence[Row], floor: float | None) -> list[str]:
    """Issue 5's targets, each with the figure reached (for the sizes that were run)."""
    lines: list[str] = []

    def check(text: str, ok: bool, figure: str) -> None:
        lines.append(f"- [{'x' if ok else ' '}] {text}: {figure}")

    def timing(row: Row | None, cold: bool) -> Timing | None:
        if row is None:
            return None
        t = row.cold if cold else row.warm
        return t if t is not None and not t.status and t.seconds else None

    for cold in (False, True):
        mode = "cold cache" if cold else "warm cache"
        if floor:
            for label in ("upcoming", "next"):
                t = timing(_find(rows, 0, label), cold)
                if t:
                    r = t.median / floor
                    check(f"shipped `{label}` <= 1.3x the floor ({mode})", r <= 1.3, f"{r:.2f}x")
        limits = {
            "validate": 1.0,
            "upcoming --json": 1.0,
            "next": 1.0,
            "upcoming --within 30d": 1.0,
            "export": 3.0,
            "export -o /dev/null": 3.0,
            "remind --dry-run": 1.5,
            "move": 1.5,
        }
        for label, limit in limits.items():
            t = timing(_find(rows, 10_000, label), cold)
            if t:
                check(
                    f"10 000 events: `{label}` <= {limit:g} s ({mode})",
                    t.median <= limit,
                    f"{t.median:.2f} s",
                )
        for size, limit_mb in ((10_000, 250), (100_000, 1536)):
            peaks = [
                max(t.rss_kib) / 1024
                for r in rows
                if r.events == size and (t := timing(r, cold)) is not None
            ]
            if peaks:
                peak = max(peaks)
                check(
                    f"{size:,} events: peak RSS <= {limit_mb} MB ({mode})".replace(",", " "),
                    peak <= limit_mb,
                    f"{peak:.0f} MB",
                )
        for row in rows:
            if row.events != 100_000 or row.command.empty:
                continue
            big, small = timing(row, cold), timing(_find(rows, 10_000, row.command.label), cold)
            if big and small:
                r = big.median / small.median
                check(
                    f"100 000 events: `{row.command.label}` <= 12x its 10 000 time ({mode})",
                    r <= 12,
                    f"{r:.1f}x",
                )
    t = timing(_find(rows, 0, "next"), False)
    if t:
        check("stretch: shipped `next` <= 50 ms (warm cache)", t.median <= 0.05, _ms(t.median))
    return lines


def machine() -> list[str]:
    """CPU, Python and package versions."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = []
    for name in PACKAGES:
        try:
            versions.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            continue
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    code = _code_version()
    return [
        *([f"- Code: {code}"] if code else []),
        f"- CPU: {cpu}, {os.cpu_count()} logical cores; load average at the end {load}",
        f"- OS: {platform.platform()}",
        f"- Python: {platform.python_implementation()} {platform.python_version()}",
        f"- Packages: {', '.join(versions)}",
    ]


def _code_version() -> str:
    """The git commit of the benchmarked checkout, if it is one (and whether it was edited)."""
    try:
        root = HERE.parent
        commit = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--", "cica_cli"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""
    return f"commit {commit}" + (" with uncommitted changes in cica_cli/" if dirty else "")


def _cica_command(python: str) -> list[str]:
    script = Path(python).parent / "cica"
    if script.exists():
        return [str(script)]
    found = shutil.which("cica")
    return [found] if found else [python, "-m", "cica_cli"]


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark, print the table, write RESULTS.md."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        default="1000,10000,100000",
        help="synthetic calendar sizes, or 'none' (default: %(default)s)",
    )
    parser.add_argument("--runs", type=int, help="timed runs per command (default: by size)")
    parser.add_argument(
        "--commands", help="only these commands (comma-separated labels, e.g. 'next,validate')"
    )
    parser.add_argument(
        "--output", type=Path, default=RESULTS, help="results file (default: %(default)s)"
    )
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    args = parser.parse_args(argv)

    sizes = [] if args.sizes == "none" else [int(s) for s in args.sizes.split(",") if s.strip()]
    commands = COMMANDS
    if args.commands:
        wanted = {c.strip() for c in args.commands.split(",")}
        commands = tuple(c for c in COMMANDS if c.label in wanted)
    from cica_cli.paths import packaged_calendar

    calendars: list[tuple[str, int, Path, str]] = [
        ("shipped", 0, packaged_calendar(), SHIPPED_AS_OF)
    ]
    for size in sizes:
        path = generate.DATA / f"events-{size}.toml"
        if not path.exists():  # in a child, so that this process stays small: a child forked
            # from a large parent is reported with the parent's peak memory (ru_maxrss)
            generate_py = str(HERE / "generate.py")
            subprocess.run([sys.executable, generate_py, "--sizes", str(size)], check=True)
        calendars.append((f"{size:,}".replace(",", " "), size, path, generate.AS_OF))

    started = dt.datetime.now(dt.UTC)
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="cica-bench-") as tmp:
        runner = Runner(sys.executable, _cica_command(sys.executable), Path(tmp))
        runner.verbose = not args.quiet
        for name, events, path, as_of in calendars:
            runs = args.runs or DEFAULT_RUNS.get(events, 1 if events > 10_000 else 11)
            extra = BASELINES if events == 0 else ()
            rows += bench_calendar(runner, name, events, path, as_of, runs, (*extra, *commands))
    floor_row = next((r for r in rows if r.command.label == "import floor"), None)
    floor = floor_row.warm.median if floor_row and floor_row.warm.seconds else None
    cells = table_rows(rows, floor)
    print(plain_table(cells))
    checks = targets(rows, floor)
    print("\n".join(checks))
    if args.no_write:
        return
    command_line = "python benchmarks/run.py " + " ".join(
        argv if argv is not None else sys.argv[1:]
    )
    text = [
        "# Benchmark results",
        "",
        f"Written by `{command_line.strip()}` on {started:%Y-%m-%d %H:%M} UTC"
        " (method: docs/benchmarks.md).",
        "",
        *machine(),
        "",
        "Wall time of whole processes: the median of the timed runs after one warm-up, with the",
        "fastest and slowest run; x floor is the median over the import floor's median",
        f'(`python -c "{FLOOR_CODE}"`) in this same run; RSS is the peak resident memory of the',
        "process. *warm*: the cache of resolved calendars filled by the warm-up; *cold*: the",
        "calendar's entry removed before each run, as after an edit (the store of the countries'",
        "days off, which does not depend on the calendar, kept); *empty cache*: nothing cached at",
        "all, as on the first run after installing. Shipped calendar as of "
        f"{SHIPPED_AS_OF}, synthetic ones as of {generate.AS_OF}.",
        "",
        markdown_table(cells),
        "",
        "## Targets (issue 5)",
        "",
        *checks,
        "",
    ]
    args.output.write_text("\n".join(text), encoding="utf-8")
    print(f"wrote {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
