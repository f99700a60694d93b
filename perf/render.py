"""Render the suite's results as Markdown and put them between the perf markers of docs/benchmarks.md."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

BEGIN = "<!-- perf:start (written by perf/run.py) -->"
END = "<!-- perf:end -->"


def write_section(doc: Path, section: str) -> None:
    """Replace the text between the markers (or append it), keep everything else, write atomically."""
    text = doc.read_text(encoding="utf-8") if doc.exists() else "# Benchmarks\n"
    block = f"{BEGIN}\n{section.strip()}\n{END}"
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        tail = rest.split(END, 1)[1]
        text = head + block + tail
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    doc.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{doc.name}.", dir=doc.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(tmp, doc)


def _yes(flag: bool) -> str:
    return "yes" if flag else "**no**"


def _table(header: list[str], rows: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


THREADS_NOTE = (
    "Why one thread per process (`--threads 1`): on this shared machine other engineers' jobs kept the load "
    "average at 3-10 on 2 cores, and a torch process with 2 threads then spends most of its time with one "
    "thread waiting for the other (measured: a MiniLM training step took 2.2 s with 1 thread and 5-21 s with 2; "
    "100 naive pipeline predictions 17 s against 48 s). Two threads would have made every transformer figure "
    "several times slower and flattered the batched-vs-naive ratios. On an idle machine run the suite without "
    "`--threads` to use all cores."
)


def _large_table(part: dict[str, Any]) -> tuple[str, str]:
    """A large-input part as a Markdown table, and its peak memories as "a -> b"."""
    rows = [
        [f"{x['lines']:,}", x["input_mb"], f"{x['written']:,}", x["wall_s"], f"{x['per_second']:,}", x["peak_mb"]]
        for x in part["rows"]
    ]
    header = ["lines", "input MB", "lines written", "wall s", "sentences/s", "peak MB"]
    return _table(header, rows), " -> ".join(str(x["peak_mb"]) for x in part["rows"])


def machine_text(m: dict[str, Any]) -> str:
    v = m["versions"]
    versions = ", ".join(f"{k} {v[k]}" for k in v)
    text = (
        f"Machine: {m['cores']} cores ({m['cpu']}), {m['ram_gb']} GB RAM, {m['os']}; {versions}. "
        f"Threads per process: {m['threads']}. Load average when the suite started: "
        f"{', '.join(str(x) for x in m['load_average'])} (1, 5, 15 min); each part records its own load at its "
        "end in perf/results.json. CPU times (user + sys) are given where waiting for a core could "
        "inflate wall time."
    )
    if m["threads"] < m["cores"]:
        text += "\n\n" + THREADS_NOTE
    return text


def markdown(r: dict[str, Any]) -> str:
    out = ["## Performance and scale", ""]
    out += [
        "Reproduce: `.venv/bin/python perf/run.py` (one run of every part below; "
        f"{r.get('suite_seconds', 0) / 60:.0f} min here). Medians over the repeats stated; every process "
        "figure is a whole process, start-up and model loading included; peak memory is the process's "
        "maximum resident set size (from `wait4`).",
        "",
        machine_text(r["machine"]),
        "",
    ]
    if "startup" in r:
        s = r["startup"]
        out += [f"### CLI start-up (median of {s['runs']} runs, target < 0.5 s)", ""]
        rows = [
            [f"`{x['command']}`", x["wall_s"], x["cpu_s"], f"{x['ratio']}x", x["peak_mb"], _yes(x["meets_target"])]
            for x in s["rows"]
        ]
        out += [_table(["command", "wall s", "CPU s", "vs python", "peak MB", "< 0.5 s"], rows), ""]
        heavy = s["heavy_imports"]
        out += [
            "Heavy modules imported (torch, transformers, sklearn, datasets, onnxruntime, ...): "
            + "; ".join(f"`{k}`: {', '.join(v) if v else 'none'}" for k, v in heavy.items())
            + f" (load average at the end of this part: {s['load_average'][0]}).",
            "",
        ]
    if "tfidf" in r:
        t = r["tfidf"]
        out += [f"### TF-IDF (library calls, median of {t['repeats']})", ""]
        rows = [[x["data"], x["rows"], f"{x['seconds']:.2f}"] for x in t["training"]]
        out += [_table(["training data", "rows", "fit seconds"], rows), ""]
        p = t["predict"]
        out += [
            f"Prediction: {p['sentences']:,} sentences in {p['seconds']:.2f} s = **{p['per_second']:,} sentences/s** "
            "(`predict_proba`, model trained on the corpus).",
            "",
        ]
    if "transformer" in r:
        t = r["transformer"]
        out += [f"### Transformer fine-tuning (all-MiniLM-L6-v2, {t['epochs']} epochs, one process each)", ""]
        rows = [
            [
                name,
                f"{x['train_rows']} + {x['validation_rows']}",
                x["epochs_run"],
                x["seconds_per_epoch"],
                x["process_seconds"],
                x["peak_mb"],
            ]
            for name, x in t["runs"].items()
        ]
        out += [
            _table(["data", "train + validation rows", "epochs", "s / epoch", "process s", "peak MB"], rows),
            "",
            "Seconds per epoch = the model's fit time (base model load, tokenising, epochs, validation) "
            "over the epochs run. The corpus holds out whole articles for early stopping; TweetEval "
            "rows have no article, so all of them train.",
            "",
        ]
    if "throughput" in r:
        t = r["throughput"]
        out += [
            f"### Transformer prediction throughput ({t['sentences']:,} TweetEval sentences, whole processes)",
            "",
            f"The model is the TweetEval {t['target']} run above. Targets: `stance predict` >= 3x the naive "
            "baseline with identical labels; `--fast` >= 5x with >= 98% label agreement with float32 and the "
            "benchmark score within 0.5.",
            "",
        ]
        rows = [
            [x["method"], x["runs"], x["wall_s"], x["cpu_s"], x["per_second"], f"**{x['speedup']}x**", x["peak_mb"]]
            for x in t["rows"]
        ]
        out += [_table(["method", "runs", "wall s", "CPU s", "sentences/s", "speed-up", "peak MB"], rows), ""]
        by_method = {x["method"].split(" (")[0]: x for x in t["rows"]}
        b, c = by_method["stance predict"], by_method["stance predict --fast"]
        torch_row = by_method.get("stance predict --engine torch")
        delta = t["score_int8"] - t["score_float32"]
        out += [
            f"- `stance predict` vs naive: {b['speedup']}x ({_yes(b['speedup'] >= 3)} for >= 3x); labels "
            f"identical on {100 * t['identical_b_vs_a']:.2f}% of the sentences.",
        ]
        if torch_row is not None:
            out += [
                f"- `--engine torch` (the same float32 weights in PyTorch, what a GPU runs): {torch_row['speedup']}x; "
                f"labels identical on {100 * t['identical_torch_vs_a']:.2f}%.",
            ]
        out += [
            f"- `--fast` vs naive: {c['speedup']}x ({_yes(c['speedup'] >= 5)} for >= 5x); labels agree with "
            f"float32 on {100 * t['agreement_c_vs_b']:.2f}% of the {t['sentences']:,} sentences "
            f"({_yes(t['agreement_c_vs_b'] >= 0.98)} for >= 98%) and on {100 * t['test_agreement']:.1f}% "
            f"of the {t['test_rows']} test tweets.",
        ]
        if "score_pure_int8" in t:
            out += [
                f"- `--fast` re-scores in float32 the rows whose top two int8 probabilities are closer than 0.1. "
                f"Pure int8 (`--fast-margin 0`) agrees with float32 on {100 * t['agreement_pure_int8_vs_b']:.2f}% "
                f"of the {t['sentences']:,} sentences and {100 * t['test_agreement_pure_int8']:.1f}% of the test "
                f"tweets, and scores {t['score_pure_int8']:.2f} "
                f"(change {t['score_pure_int8'] - t['score_float32']:+.2f}).",
            ]
        out += [
            f"- TweetEval score (mean F1 of against and favor) on the {t['target']} test split: float32 "
            f"{t['score_float32']:.2f}"
            + (f" (ONNX Runtime float32 {t['score_onnx_float32']:.2f})" if "score_onnx_float32" in t else "")
            + f", `--fast` {t['score_int8']:.2f} (change {delta:+.2f}; {_yes(abs(delta) <= 0.5)} for within 0.5).",
            f"- One-off, cached in `~/.cache/stance/onnx/` and not in the times above: the float32 ONNX export took "
            f"{t['export_seconds']} s"
            + (f" and the int8 quantisation {t['quantise_seconds']} s." if "quantise_seconds" in t else "."),
            "",
            "Reading the speed-ups: the naive pipeline runs 5,000 forward passes of one sentence each; "
            "`stance predict` tokenises each chunk of 2,048 rows once, groups rows of similar token length "
            "into batches of 32 padded only to their longest row, and on a CPU runs the float32 graph in ONNX "
            "Runtime, which also spares the process the torch import. The arithmetic is the same, so the labels "
            "are. `--fast` also replaces most of the arithmetic by int8 matrix products and re-scores the few "
            "rows near a tie with the float32 graph. The model was "
            "fine-tuned for 2 epochs only (to keep the suite short), so its score is not the tuned one of the "
            "TweetEval section.",
            "",
        ]
    if "large" in r:
        table, peaks = _large_table(r["large"])
        out += [
            f"### Large inputs (`stance predict --input FILE.jsonl -o OUT.jsonl`, {r['large']['model']} model)",
            "",
            table,
            "",
            f"Peak memory {peaks} MB for sizes ten times apart: "
            "flat, because rows are read, predicted and written 2,048 at a time. TF-IDF is used for the "
            "million lines because the transformer would take over half an hour even with `--fast`; the "
            "streaming code path is the same for every model, and the transformer is measured on 10k and "
            "100k lines below when its model is there.",
            "",
        ]
    if "large_transformer" in r:
        t = r["large_transformer"]
        table, peaks = _large_table(t)
        command = " ".join(["stance predict", *t["options"]])
        out += [f"The same with the transformer (`{command}`, the throughput model above):", "", table, ""]
        out += [f"Peak memory {peaks} MB.", ""]
    if "archive" in r:
        out += archive_markdown(r["archive"])
    return "\n".join(out)


def archive_markdown(a: dict[str, Any]) -> list[str]:
    """The archive part: engines side by side, memory by archive size, the transformer through ONNX."""
    header = ["run", "articles", "sentences", "wall s", "CPU s", "articles/s", "sentences/s", "peak MB"]

    def rows(items: list[dict[str, Any]]) -> list[list[Any]]:
        return [
            [
                x["run"],
                f"{x['articles']:,}",
                f"{x['sentences']:,}",
                x["wall_s"],
                x["cpu_s"],
                x["articles_per_s"],
                f"{x['sentences_per_s']:,}",
                x["peak_mb"],
            ]
            for x in items
        ]

    out = [
        f"### News archives (`stance archive run ARCHIVE --model RUN --out DIR`, {a['model']} model)",
        "",
        "Whole processes on the corpus's articles repeated (`stance archive from-corpus --articles N`): start-up, "
        "model load, and for Ray the start and shutdown of a local cluster are included. For Ray the peak is the "
        "driver's alone (the workers are separate processes); CPU s is the driver's too."
        + (
            f" Measured {a['measured'][:16].replace('T', ' ')} UTC, load average {a['load_average'][0]} at the end "
            "(other engineers' jobs share the 2 cores, so CPU seconds are the steadier figure)."
            if "measured" in a
            else ""
        ),
        "",
        _table(header, rows(a["speed"])),
        "",
    ]
    if a.get("memory"):
        peaks = " -> ".join(str(x["peak_mb"]) for x in a["memory"])
        out += [
            "Peak memory of the one-process run by archive size:",
            "",
            _table(header, rows(a["memory"])),
            "",
            f"Peak memory {peaks} MB: one block of 500 articles is in memory at a time.",
            "",
        ]
        largest = max(x["articles"] for x in a["memory"])
        if largest < 100_000:
            minutes = 100_000 * a["memory"][-1]["cpu_s"] / a["memory"][-1]["articles"] / 60
            out += [
                f"This run stopped at {largest:,} articles (`--archive-sizes`) to stay short on a shared machine; "
                f"100,000 articles would take about {minutes:.0f} min of one core at the rate measured.",
                "",
            ]
    one, *rays = a["speed"]
    if rays:
        ratios = ", ".join(f"{x['run']} {x['wall_s'] / one['wall_s']:.2f}x" for x in rays)
        out += [
            f"Wall time relative to one process: {ratios}. On two shared cores Ray can only add costs: starting "
            "a local cluster, worker processes and moving rows between them, with no spare cores to spread the "
            "splitting over. Its value is on more cores and machines (sizing below); here it proves the same "
            "rows come out (`tests/test_archive.py`).",
            "",
        ]
    if a.get("transformer"):
        out += [
            "The transformer (MiniLM fine-tuned on the corpus for one epoch; speed, not quality) through "
            "ONNX Runtime float32, one process:",
            "",
            _table(header, rows(a["transformer"])),
            "",
        ]
    out += sizing_note(a)
    return out


def sizing_note(a: dict[str, Any]) -> list[str]:
    """How to size a cluster, with the 1M-article times worked out from the measured per-core rates."""
    local = max([a["speed"][0], *a.get("memory", [])], key=lambda x: x["articles"])  # start-up best amortised
    per_core = local["articles"] / max(local["cpu_s"], 1e-9)
    sentences_per_article = local["sentences"] / max(local["articles"], 1)
    core_hours = 1_000_000 / per_core / 3600
    lines = [
        "#### Sizing a cluster",
        "",
        f"- **Per-core rate.** The one-process run of {local['articles']:,} articles did {per_core:.1f} articles "
        f"per CPU-second ({sentences_per_article:.1f} sentences per article); with TF-IDF nearly all of it is the "
        "splitter and "
        "the speaker finder (the CPU stage), which Ray runs as plain tasks, one per block, on every free core. "
        f"A 1M-article archive is therefore about {core_hours:.0f} core-hours: "
        f"{core_hours * 60 / 64:.0f} min on 4 nodes of 16 cores, {core_hours * 60 / 256:.0f} min on 16 such nodes "
        "(ideal scaling: blocks share nothing; add the cluster's start).",
    ]
    if a.get("transformer"):
        t = a["transformer"][0]
        per_core_sentences = t["sentences"] / max(t["cpu_s"], 1e-9)
        hours = 1_000_000 * sentences_per_article / per_core_sentences / 3600
        lines.append(
            f"- **Transformer.** Through ONNX Runtime on CPU the whole pipeline did {per_core_sentences:.0f} "
            f"sentences per CPU-second, so 1M articles ({1_000_000 * sentences_per_article / 1e6:.0f}M sentences) "
            f"are about {hours:.0f} core-hours on CPUs. On GPUs give each model actor one GPU "
            "(`--workers` = the number of GPUs, `--gpus-per-worker 1`; an actor then runs PyTorch on its GPU) and "
            "leave the node's cores to the CPU stage: a GPU that predicts a few thousand sentences per second "
            "needs several cores of splitting and attribution to keep it busy. No GPU was available here, so no "
            "GPU rate is claimed."
        )
    lines += [
        "- **Workers per node.** A model actor holds one copy of the model (TF-IDF 0.5 MB, MiniLM 92 MB); "
        "for TF-IDF one or two actors per node keep up with all the CPU tasks, so spend the cores on tasks. "
        "Actors take `--cpus-per-worker` (0.5 by default): on a small machine a whole CPU per actor can leave "
        "none for the read tasks, and the pipeline then waits without an error.",
        "- **Block size.** A block (`--block-size`, 500 articles) is one read task and one Parquet shard, and the "
        "unit of `--resume`. Aim for at least 4 blocks per core of the cluster (1M articles / 500 = 2,000 blocks: "
        "enough for about 500 cores) and for tasks of tens of seconds; a task holds one block of text in memory.",
        "- **Files.** The archive and the model folder must be readable at the same path on every node (a shared "
        "filesystem); shards are written by the driver, so `--out` needs none. The driver turns rows into "
        "Parquet at about 150,000 sentences per CPU-second (measured once on 2,422 rows: `to_pylist` plus "
        "`write_shard`), about 12,000 articles/s: past roughly 200 cores at the rate above it becomes the limit, "
        "and a larger archive is better cut into several runs.",
        "",
    ]
    return lines
