"""The first hour of a new user, scripted: the README's commands and the usual follow-ups.

Each command runs as a newcomer runs it, through a pipe (a log file, `| less`)
and through a pseudo-terminal of 80 columns (a small terminal window), on a
throw-away copy of the project's corpus and labels, and each rough edge found
by hand once is a check here:

- every command's help shows each option's help whole, with no type names;
- piped `corpus list` has no wrapped title and one line per article; at 80
  columns nothing is wider than the terminal; outside a project it says
  which folder it used and how to set one;
- the actors chart leaves `author` out and says "top N of M";
- tables at 80 columns keep their headers, ids and config paths whole, and
  `errors` leaves the sentence room;
- sentences are numbered from 0 in `speakers show --file` and `predict --article`;
- a piped `annotate` shows no typing rate (a terminal session does), and `u`
  in a new session undoes the last label of the previous one;
- with `--evaluate`, piped `stance evaluate` prints a line at least every minute.

    .venv/bin/python scripts/newcomer_run.py              # about a minute on 2 cores
    .venv/bin/python scripts/newcomer_run.py --evaluate   # + piped evaluate (tfidf,embeddings)

Prints one line per check and exits 1 if any failed.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import re
import select
import shutil
import struct
import subprocess
import sys
import tempfile
import termios
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
STANCE = Path(sys.executable).with_name("stance")
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07|\r")
BOX = re.compile(r"[│╭╮╰╯─┃━┏┓┗┛┡┩╇┳┻╋├┤┼┬┴┌┐└┘]")
TYPE_NAME = re.compile(r"<[a-z_]+(\[[^\]]*\])?>")
ARTICLE = "dwp-offshore-it-jobs"
# A made-up article (not from the corpus): a headline, a narration and a quotation.
NEW_ARTICLE = (
    "Insurer to move claims team abroad\n\n"
    "The insurer plans to move 120 claims jobs to Kraków next spring.\n\n"
    '"Nobody asked the staff who built this service," said union organiser Priya Nandakumar.\n'
)


@dataclass
class Run:
    """What a command printed and how it ended."""

    code: int
    out: str
    err: str = ""


@dataclass
class Check:
    name: str
    ok: bool
    detail: str = ""


class Newcomer:
    """Runs `stance` in a scratch project, piped or in a pseudo-terminal."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "FORCE_COLOR", "NO_COLOR")}
        self.env["STANCE_ROOT"] = str(root)

    def pipe(self, *args: str, keys: str | None = None, cwd: Path | None = None, env: dict | None = None) -> Run:
        """As in `stance ... > log`: stdout and stderr are pipes, keys (if any) come from a pipe."""
        done = subprocess.run(
            [str(STANCE), *args],
            input=keys,
            capture_output=True,
            text=True,
            env=env or self.env,
            cwd=cwd or self.root,
            timeout=600,
        )
        return Run(done.returncode, done.stdout, done.stderr)

    def terminal(self, *args: str, columns: int = 80, keys: list[str] | None = None, wait_for: str = "") -> Run:
        """As in a terminal window ``columns`` wide; each key is typed once ``wait_for`` shows again."""
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
        env = {**self.env, "TERM": "xterm-256color"}
        process = subprocess.Popen(
            [str(STANCE), *args], stdin=slave, stdout=slave, stderr=slave, env=env, cwd=self.root, close_fds=True
        )
        os.close(slave)
        pending = list(keys or [])
        seen = 0
        chunks: list[bytes] = []
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.1)
            if ready:
                try:
                    data = os.read(master, 65536)
                except OSError:  # the child closed the terminal
                    break
                if not data:
                    break
                chunks.append(data)
            text = b"".join(chunks).decode("utf-8", "replace")
            if pending and text.count(wait_for) > seen:
                seen = text.count(wait_for)
                time.sleep(0.2)  # a person's pace: one key per read
                os.write(master, pending.pop(0).encode())
            if process.poll() is not None and not ready:
                break
        process.wait(timeout=30)
        os.close(master)
        return Run(process.returncode, ANSI.sub("", b"".join(chunks).decode("utf-8", "replace")))


def flat(text: str) -> str:
    """Panel borders gone and wrapped lines joined: what a reader reads."""
    return " ".join(BOX.sub(" ", text).split())


def commands() -> Iterator[tuple[tuple[str, ...], object]]:
    """(path, click command) of every command and group, walked from the app itself."""
    import typer.main

    from stance.cli import app

    def walk(group: object, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], object]]:
        yield path, group
        for name, command in getattr(group, "commands", {}).items():
            yield from walk(command, (*path, name))

    yield from walk(typer.main.get_command(app), ())


# -- the checks ---------------------------------------------------------------------------------


def check_help(user: Newcomer, only: list[tuple[str, ...]] | None = None) -> list[Check]:
    problems = []
    listed = [(path, command) for path, command in commands() if only is None or path in only]
    for path, command in listed:
        expected = {
            "/".join(p.opts): " ".join(p.help.split())
            for p in command.params
            if getattr(p, "help", None) and not getattr(p, "hidden", False)
        }
        shown = user.terminal(*path, "--help").out
        text = flat(shown)
        where = "stance " + " ".join(path)
        problems += [f"{where} {opt}: {help_!r}" for opt, help_ in expected.items() if help_ not in text]
        if TYPE_NAME.search(shown):
            problems.append(f"{where}: type name {TYPE_NAME.search(shown).group(0)}")
        if "…" in shown:
            problems.append(f"{where}: cut with an ellipsis")
    return [Check(f"help of all {len(listed)} commands whole at 80 columns", not problems, "; ".join(problems[:5]))]


def check_corpus_list(user: Newcomer, scratch: Path) -> list[Check]:
    piped = user.pipe("corpus", "list")
    lines = piped.out.splitlines()
    ids = [r["id"] for r in json.loads(user.pipe("corpus", "list", "--format", "json").out)]
    one_line = all(sum(line.split()[:1] == [i] for line in lines) == 1 for i in ids)
    title_ok = lines[:1] == [f"{len(ids)} articles"] and lines[1].split()[:1] == ["article"]
    narrow = user.terminal("corpus", "list").out.splitlines()
    too_wide = [line for line in narrow if len(line) > 80]
    words = {w for line in narrow for w in line.split()}
    empty = scratch / "elsewhere"
    empty.mkdir()
    env = {k: v for k, v in user.env.items() if k != "STANCE_ROOT"}
    outside = user.pipe("corpus", "list", cwd=empty, env=env)
    hint = flat(outside.err)
    return [
        Check(
            "piped corpus list: title on one line, one line per article",
            piped.code == 0 and title_ok and one_line,
            "" if title_ok else f"first lines: {lines[:2]}",
        ),
        Check(
            "corpus list at 80 columns: nothing wider, every id whole",
            not too_wide and set(ids) <= words,
            f"{len(too_wide)} lines wider than 80" if too_wide else "",
        ),
        Check(
            "corpus list outside a project names the folder and how to set one",
            outside.code == 0 and str(empty) in hint and "STANCE_ROOT" in hint and "--root" in hint,
            hint[:160],
        ),
    ]


def check_actors(user: Newcomer, scratch: Path) -> list[Check]:
    out = str(scratch / "actors")
    piped = user.pipe("actors", "--out", out)
    data = json.loads(user.pipe("actors", "--out", out, "--format", "json").out)
    note = data.get("chart", {}).get("note", "")
    title = f"top {min(25, data['speakers'])} of {data['speakers']} speakers"
    narrow = user.terminal("actors", "--out", out).out
    return [
        Check(
            "actors chart without author, 'top N of M' said",
            "author (" in note
            and "not charted" in note
            and re.search(r"top \d+ of \d+ quoted speakers", note) is not None,
            note,
        ),
        Check("actors table says top N of M", title in flat(piped.out), title),
        Check(
            "actors at 80 columns: headers whole, nothing wider",
            "…" not in narrow and max(len(line) for line in narrow.splitlines()) <= 80,
        ),
    ]


def check_tables(user: Newcomer, scratch: Path) -> list[Check]:
    models = flat(user.terminal("models").out)
    configs = [f"models/{name}.toml" for name in ("tfidf", "embeddings", "transformer")]
    report = scratch / "report"
    evaluated = user.pipe("evaluate", "--models", "tfidf", "--bootstrap", "100", "--out", str(report))
    checks = [Check("models at 80 columns: config paths whole", all(c in models for c in configs))]
    if evaluated.code != 0:
        return [*checks, Check("evaluate --models tfidf", False, evaluated.err[-300:])]
    first = json.loads(user.pipe("errors", str(report), "-m", "tfidf", "-n", "1", "-f", "json").out)[0]
    shown = flat(user.terminal("errors", str(report), "-m", "tfidf", "-n", "1").out)
    checks.append(Check("errors at 80 columns: the sentence reads whole", " ".join(first["text"].split()) in shown))
    pngs = sorted(p.name for p in report.glob("confusion-*.png"))
    checks.append(Check("confusion PNGs written", "confusion-tfidf.png" in pngs, ", ".join(pngs)))
    return checks


def check_nothing_cut(user: Newcomer) -> list[Check]:
    """Ids are what a user types next: at 80 columns they wrap, never end in an ellipsis."""
    cut = []
    for args in (("labels", "stats"), ("speakers", "evaluate", "--misses", "5"), ("corpus", "show", ARTICLE)):
        shown = user.terminal(*args).out
        if "…" in shown or max(len(line) for line in shown.splitlines()) > 80:
            cut.append("stance " + " ".join(args))
    return [Check("labels stats, speakers evaluate, corpus show at 80 columns: nothing cut", not cut, ", ".join(cut))]


def check_numbering(user: Newcomer, scratch: Path) -> list[Check]:
    article = scratch / "new-article.txt"
    article.write_text(NEW_ARTICLE, encoding="utf-8")
    shown = json.loads(user.pipe("speakers", "show", "--file", str(article), "--json").out)
    run_dir = scratch / "tfidf-run"
    trained = user.pipe("train", "tfidf", "--out", str(run_dir))
    if trained.code != 0:
        return [Check("train tfidf", False, trained.err[-300:])]
    table = user.terminal("predict", str(run_dir), "--article", str(article)).out
    numbers = [int(m.group(1)) for m in re.finditer(r"^\s*[│┃]?\s*(\d+)\s*[│┃]", table, flags=re.MULTILINE)]
    wanted = [r["index"] for r in shown]
    return [
        Check(
            "sentences numbered from 0 in speakers show --file and predict --article",
            wanted[:1] == [0] and numbers == wanted,
            f"speakers show {wanted}, predict {numbers}",
        )
    ]


def check_annotate(user: Newcomer) -> list[Check]:
    args = ("annotate", "--annotator", "newcomer", "--article", ARTICLE, "--no-finder")
    piped = user.pipe(*args, keys="p\nn\nq\n")
    typed = user.terminal(*args, keys=["a", "q"], wait_for="q quit")
    again = user.pipe(*args, keys="u\nq\n")
    return [
        Check("piped annotate shows no rate", piped.code == 0 and "/min" not in piped.out + piped.err),
        Check("annotate in a terminal shows the rate", typed.code == 0 and "/min" in typed.out, typed.out[-200:]),
        Check(
            "u in a new session undoes the last label of the previous one",
            again.code == 0 and "withdrawn" in again.out and "nothing to undo" not in again.out,
            flat(again.out)[-200:],
        ),
    ]


def check_evaluate_progress(user: Newcomer, scratch: Path, models: str) -> list[Check]:
    """Piped evaluate: the longest silence between two lines of output (stdout and stderr)."""
    process = subprocess.Popen(
        [str(STANCE), "evaluate", "--models", models, "--out", str(scratch / "evaluate")],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=user.env,
        cwd=user.root,
    )
    assert process.stdout is not None
    last = start = time.monotonic()
    longest = 0.0
    lines = 0
    for _ in iter(process.stdout.readline, b""):
        now = time.monotonic()
        longest, last, lines = max(longest, now - last), now, lines + 1
    process.wait()
    total = time.monotonic() - start
    longest = max(longest, time.monotonic() - last) if lines == 0 else longest
    return [
        Check(
            f"piped evaluate --models {models}: a line at least every minute",
            process.returncode == 0 and longest <= 60,
            f"{lines} lines in {total:.0f} s, longest silence {longest:.0f} s",
        )
    ]


def scratch_project(source: Path, into: Path) -> Path:
    """A copy of the corpus, the labels and the model configs: the newcomer writes labels and reports."""
    root = into / "project"
    for name in ("corpus", "annotations"):
        shutil.copytree(source / name, root / name)
    (root / "models").mkdir()
    for config in (source / "models").glob("*.toml"):
        shutil.copy(config, root / "models" / config.name)
    return root


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=REPO, help="project whose corpus and labels are copied")
    parser.add_argument("--evaluate", action="store_true", help="also time the silences of a piped evaluate")
    parser.add_argument("--evaluate-models", default="tfidf,embeddings", help="models for --evaluate")
    options = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="stance-newcomer-") as tmp:
        scratch = Path(tmp)
        user = Newcomer(scratch_project(options.source, scratch))
        steps: list[Callable[[], list[Check]]] = [
            lambda: check_help(user),
            lambda: check_corpus_list(user, scratch),
            lambda: check_actors(user, scratch),
            lambda: check_tables(user, scratch),
            lambda: check_nothing_cut(user),
            lambda: check_numbering(user, scratch),
            lambda: check_annotate(user),
        ]
        if options.evaluate:
            steps.append(lambda: check_evaluate_progress(user, scratch, options.evaluate_models))
        failed = 0
        for step in steps:
            for check in step():
                failed += not check.ok
                detail = f"  ({check.detail})" if check.detail and not check.ok else ""
                print(f"{'PASS' if check.ok else 'FAIL'}  {check.name}{detail}", flush=True)
    print(f"{failed} check(s) failed" if failed else "all checks passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
