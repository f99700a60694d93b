"""Round trip through a real Label Studio server: our tasks in, annotations through its API, its exports back.

    bash scripts/setup_labelstudio.sh                         # once: .venv-labelstudio with label-studio 1.23.2
    .venv/bin/python scripts/labelstudio_roundtrip.py [--label-studio PATH] [--json]
    .venv/bin/python -m pytest -m integration                 # the same, as a test

The server runs on 127.0.0.1 only, from a temporary data directory, with its
outbound calls (version check, analytics, Sentry) switched off, and is
stopped at the end. Nothing is installed here: the ``label-studio`` program
is found by ``--label-studio``, ``$LABEL_STUDIO``, ``.venv-labelstudio/`` or
``PATH``. Every wait is bounded.

What it checks, on a copy of the project (one article's gold):
1. the labelling config is accepted and our tasks import with their
   predictions (gold as pre-annotations) and no annotations;
2. annotations posted through the API (one relabelled by a second answer of
   the same user, one edited in place) come back from the JSON and JSON-MIN
   exports, both direct and through an export snapshot, label by label;
3. a second import of the same export appends nothing;
4. gold exported as annotations (``--labels-as annotations``) imports into
   Label Studio and does not come back as the importer's labels, except the
   one the user changed.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
VERIFIED_VERSION = "1.23.2"
START_TIMEOUT = 420.0  # seconds: the first start runs the database migrations (146-171 s measured on 2 busy cores)
REQUEST_TIMEOUT = 60.0


class RoundTripError(Exception):
    """A check of the round trip failed (the message says which and what was seen)."""


def find_label_studio(explicit: str | None = None) -> Path | None:
    """The ``label-studio`` program: given, ``$LABEL_STUDIO``, the project's ``.venv-labelstudio``, or on PATH."""
    for candidate in (explicit, os.environ.get("LABEL_STUDIO"), REPO / ".venv-labelstudio" / "bin" / "label-studio"):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return Path(candidate)
    found = shutil.which("label-studio")
    return Path(found) if found else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    """A running Label Studio and the API token of its one user."""

    url: str
    token: str
    process: subprocess.Popen
    log: Path
    startup_seconds: float
    calls: int = field(default=0)

    def request(self, method: str, path: str, body: Any = None, *, raw: bool = False) -> Any:
        """One API call; JSON in and out (``raw`` returns bytes). A non-2xx answer is a RoundTripError."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method)
        request.add_header("Authorization", f"Token {self.token}")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        self.calls += 1
        try:
            with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT) as response:
                payload = response.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace")[:500]
            raise RoundTripError(f"{method} {path}: HTTP {exc.code}: {detail}") from None
        if raw:
            return payload
        return json.loads(payload) if payload else None


@contextlib.contextmanager
def label_studio(program: Path, *, timeout: float = START_TIMEOUT) -> Iterator[Server]:
    """Start Label Studio on 127.0.0.1 in a temporary data directory; stop it (and its children) on exit."""
    with tempfile.TemporaryDirectory(prefix="stance-labelstudio-") as tmp:
        port, token = _free_port(), secrets.token_hex(20)
        data_dir, log = Path(tmp) / "data", Path(tmp) / "server.log"
        env = {
            **os.environ,
            "LABEL_STUDIO_BASE_DATA_DIR": str(data_dir),
            "LATEST_VERSION_CHECK": "false",
            "COLLECT_ANALYTICS": "false",
            "SENTRY_DSN": "",
            "FRONTEND_SENTRY_DSN": "",
            "LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK": "true",
            "DJANGO_DB": "sqlite",
        }
        url = f"http://127.0.0.1:{port}"
        command = [
            str(program),
            "start",
            "--no-browser",
            "--internal-host", "127.0.0.1",  # the address it listens on (--host only sets the URL in links)
            "--host", url,
            "--port", str(port),
            "--data-dir", str(data_dir),
            "--username", "stance@example.org",
            "--password", secrets.token_hex(12),
            "--user-token", token,
            "--enable-legacy-api-token",
        ]  # fmt: skip
        started = time.monotonic()
        with log.open("wb") as out:
            process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            _wait_healthy(url, process, log, started + timeout)
            yield Server(url, token, process, log, time.monotonic() - started)
        finally:
            _stop(process)


def _wait_healthy(url: str, process: subprocess.Popen, log: Path, deadline: float) -> None:
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log.read_text(errors="replace")[-2000:]
            raise RoundTripError(f"label-studio exited with {process.returncode} before it was up:\n{tail}")
        try:
            with urllib.request.urlopen(url + "/health", timeout=5) as response:
                if json.loads(response.read()).get("status") == "UP":
                    return
        except (OSError, ValueError):
            pass
        time.sleep(1.0)
    tail = log.read_text(errors="replace")[-2000:]
    raise RoundTripError(f"label-studio did not answer {url}/health within the time allowed:\n{tail}")


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM the server's process group, then SIGKILL it if it is still there after 20 s."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=20)


# -- the round trip --------------------------------------------------------------
def _project_copy(source: Path, target: Path) -> Any:
    from stance.paths import Root

    for name in ("corpus", "annotations"):
        shutil.copytree(source / name, target / name)
    return Root(target)


def _create_project(server: Server, title: str, config: str) -> int:
    project = server.request("POST", "/api/projects", {"title": title, "label_config": config})
    return int(project["id"])


def _tasks(server: Server, project: int) -> list[dict[str, Any]]:
    answer = server.request("GET", f"/api/tasks?project={project}&page_size=1000")
    tasks = answer["tasks"] if isinstance(answer, dict) else answer
    return sorted(tasks, key=lambda t: t["id"])


def _export(server: Server, project: int, kind: str, folder: Path) -> dict[str, Path]:
    """The project's export in ``kind`` (JSON or JSON_MIN), directly and through a snapshot."""
    files = {}
    url = f"/api/projects/{project}/export?exportType={kind}&download_all_tasks=true"
    direct = server.request("GET", url, raw=True)
    files[f"{kind}"] = folder / f"export-{project}-{kind}.json"
    files[f"{kind}"].write_bytes(direct)
    snapshot = server.request(
        "POST", f"/api/projects/{project}/exports", {"title": f"stance {kind}", "task_filter_options": {}}
    )
    deadline = time.monotonic() + 120
    while snapshot.get("status") != "completed":
        if snapshot.get("status") == "failed" or time.monotonic() > deadline:
            raise RoundTripError(f"export snapshot {snapshot.get('id')} ended as {snapshot.get('status')!r}")
        time.sleep(0.5)
        snapshot = server.request("GET", f"/api/projects/{project}/exports/{snapshot['id']}")
    data = server.request(
        "GET", f"/api/projects/{project}/exports/{snapshot['id']}/download?exportType={kind}", raw=True
    )
    files[f"snapshot-{kind}"] = folder / f"snapshot-{project}-{kind}.json"
    files[f"snapshot-{kind}"].write_bytes(data)
    return files


def _result(stance: str, speaker: str, speaker_type: str) -> list[dict[str, Any]]:
    from stance.annotate.labelstudio import choice, text_answer

    return [choice("stance", stance), text_answer("speaker", speaker), choice("speaker_type", speaker_type)]


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise RoundTripError(message)


def round_trip(server: Server, work: Path, *, source: Path = REPO) -> dict[str, Any]:
    """Run every check of the module docstring against ``server``; return what was seen."""
    from stance.annotate.exchange import export_project, import_file
    from stance.annotate.store import load_annotator
    from stance.corpus.articles import load_sentences
    from stance.corpus.gold import load_gold
    from stance.errors import StanceError
    from stance.schema import SPEAKER_TYPES, STANCES

    root = _project_copy(source, work / "project")
    gold = load_gold(root)
    article = next(s.article for s in load_sentences(root) if s.sent_id in gold)
    ids = [s.sent_id for s in load_sentences(root) if s.article == article]
    labelled = [sid for sid in ids if sid in gold]
    report: dict[str, Any] = {"label_studio": server.url, "article": article, "sentences": len(ids)}

    # 1. our config and tasks, gold as predictions
    tasks_file = work / "tasks.json"
    export_project(root, "labelstudio", tasks_file, article=article)
    config = (work / "tasks.labelconfig.xml").read_text()
    project = _create_project(server, "stance round trip", config)
    imported = server.request("POST", f"/api/projects/{project}/import", json.loads(tasks_file.read_text()))
    counts = {k: imported.get(k) for k in ("task_count", "annotation_count", "prediction_count")}
    _check(
        counts == {"task_count": len(ids), "annotation_count": 0, "prediction_count": len(labelled)},
        f"import of our tasks: {counts}",
    )
    report["tasks_import"] = counts
    tasks = _tasks(server, project)
    _check([t["data"]["sent_id"] for t in tasks] == ids, "tasks came back in another order or lost sent_id")

    # 2. an annotator's labels through the API: every task, each stance, speaker and type varied
    expected: dict[str, tuple[str, str, str]] = {}
    for i, task in enumerate(tasks):
        kind = SPEAKER_TYPES[i % len(SPEAKER_TYPES)]
        speaker = "author" if kind == "author" else f"Speaker {i}"
        label = (STANCES[i % len(STANCES)], speaker, kind)
        annotation = server.request("POST", f"/api/tasks/{task['id']}/annotations", {"result": _result(*label)})
        expected[task["data"]["sent_id"]] = label
        if i == 0:  # relabelled in place: the same annotation, a newer updated_at
            label = ("anti" if label[0] != "anti" else "pro", *label[1:])
            server.request("PATCH", f"/api/annotations/{annotation['id']}", {"result": _result(*label)})
            expected[task["data"]["sent_id"]] = label
        if i == 1:  # answered again: a second annotation by the same user, the newer one counts
            time.sleep(1.1)
            label = ("neutral" if label[0] != "neutral" else "pro", "author", "author")
            server.request("POST", f"/api/tasks/{task['id']}/annotations", {"result": _result(*label)})
            expected[task["data"]["sent_id"]] = label
    exports = {**_export(server, project, "JSON", work), **_export(server, project, "JSON_MIN", work)}
    report["exports"] = {}
    for name, path in exports.items():
        annotator = f"ls-{name.lower().replace('_', '-')}"
        result = import_file(root, "labelstudio", path, annotator=annotator)
        got = {sid: (lab.stance, lab.speaker, lab.speaker_type) for sid, lab in load_annotator(root, annotator).items()}
        wrong = {sid: (got.get(sid), want) for sid, want in expected.items() if got.get(sid) != want}
        _check(not wrong and len(got) == len(expected), f"{name}: labels differ (got, posted): {wrong}")
        again = import_file(root, "labelstudio", path, annotator=annotator)
        _check(again["imported"] == 0, f"{name}: a second import appended {again['imported']} label(s)")
        report["exports"][name] = {"imported": result["imported"], "reimported": again["imported"]}

    # 3. gold as annotations: accepted by Label Studio, never credited to the importer unless changed
    gold_file = work / "gold-tasks.json"
    export_project(root, "labelstudio", gold_file, article=article, labels_as="annotations")
    gold_project = _create_project(server, "stance gold as annotations", config)
    imported = server.request("POST", f"/api/projects/{gold_project}/import", json.loads(gold_file.read_text()))
    _check(
        (imported.get("task_count"), imported.get("annotation_count")) == (len(ids), len(labelled)),
        f"import of gold as annotations: {imported}",
    )
    changed = next(t for t in _tasks(server, gold_project) if t["data"]["sent_id"] in gold)
    old = gold[changed["data"]["sent_id"]]
    new_stance = "anti" if old.stance != "anti" else "pro"
    answer = server.request("GET", f"/api/tasks/{changed['id']}/annotations")[0]
    body = {"result": _result(new_stance, old.speaker, old.speaker_type)}
    server.request("PATCH", f"/api/annotations/{answer['id']}", body)
    report["gold_as_annotations"] = {}
    exports = {**_export(server, gold_project, "JSON", work), **_export(server, gold_project, "JSON_MIN", work)}
    for name, path in exports.items():
        annotator = f"gold-{name.lower().replace('_', '-')}"
        result = import_file(root, "labelstudio", path, annotator=annotator)
        got = {sid: lab.stance for sid, lab in load_annotator(root, annotator).items()}
        _check(
            got == {changed["data"]["sent_id"]: new_stance} and result["exported_unchanged"] == len(labelled) - 1,
            f"{name}: gold exported as annotations came back as {got} ({result})",
        )
        report["gold_as_annotations"][name] = {k: result[k] for k in ("imported", "exported_unchanged")}
    # 4. two Label Studio users who disagree: the import names the sentence, unless a policy is picked
    blank = work / "blank-tasks.json"
    export_project(root, "labelstudio", blank, article=article, with_labels=False)
    two = _create_project(server, "stance two annotators", config)
    server.request("POST", f"/api/projects/{two}/import", json.loads(blank.read_text())[:2])
    other = server.request(
        "POST", "/api/users/", {"email": "second@example.org", "username": "second", "password": secrets.token_hex(12)}
    )
    (first_task, second_task) = _tasks(server, two)
    for who, stance in ((None, "pro"), (other["id"], "anti")):
        for task in (first_task, second_task):
            body: dict[str, Any] = {"result": _result(stance if task is first_task else "neutral", "author", "author")}
            if who is not None:
                body["completed_by"] = who
            server.request("POST", f"/api/tasks/{task['id']}/annotations", body)
        time.sleep(1.1)
    contested = first_task["data"]["sent_id"]
    report["disagreement"] = {}
    for kind in ("JSON", "JSON_MIN"):
        path = work / f"two-{kind}.json"
        url = f"/api/projects/{two}/export?exportType={kind}"
        path.write_bytes(server.request("GET", url, raw=True))
        try:
            import_file(root, "labelstudio", path, annotator=f"two-{kind.lower()}")
        except StanceError as exc:
            _check(f"disagree on {contested!r}" in str(exc), f"{kind}: refusal does not name {contested}: {exc}")
        else:
            raise RoundTripError(f"{kind}: two users' different labels for {contested} were imported without a word")
        newest = import_file(root, "labelstudio", path, annotator=f"two-{kind.lower()}", on_disagreement="newest")
        got = {sid: lab.stance for sid, lab in load_annotator(root, f"two-{kind.lower()}").items()}
        want = {contested: "anti", second_task["data"]["sent_id"]: "neutral"}
        _check(got == want, f"{kind}: --on-disagreement newest gave {got}, expected {want}")
        report["disagreement"][kind] = {"refused": True, "newest_imported": newest["imported"]}
    report["api_calls"] = server.calls
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--label-studio", help="path of the label-studio program")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--keep", type=Path, help="copy every file exchanged with Label Studio into this folder")
    args = parser.parse_args(argv)
    program = find_label_studio(args.label_studio)
    if program is None:
        print("label-studio not found: run `bash scripts/setup_labelstudio.sh` or pass --label-studio", file=sys.stderr)
        return 2
    started = time.monotonic()
    try:
        with tempfile.TemporaryDirectory(prefix="stance-roundtrip-") as tmp, label_studio(program) as server:
            try:
                report = round_trip(server, Path(tmp))
            finally:
                if args.keep:
                    shutil.copytree(tmp, args.keep, dirs_exist_ok=True, ignore=shutil.ignore_patterns("project"))
            report["startup_seconds"] = round(server.startup_seconds, 1)
    except RoundTripError as exc:
        print(f"round trip failed: {exc}", file=sys.stderr)
        return 1
    report["total_seconds"] = round(time.monotonic() - started, 1)
    if args.json:
        print(json.dumps(report, indent=1))
    else:
        print(
            f"Label Studio round trip passed: {report['sentences']} tasks of {report['article']}, "
            f"{len(report['exports'])} exports imported back label for label, gold as annotations not credited; "
            f"server up in {report['startup_seconds']} s, {report['total_seconds']} s in all"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
