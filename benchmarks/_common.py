"""Helpers shared by the benchmark scripts: statistics, tables, result files."""

import argparse
import datetime
import json
import os
import platform
import shlex
import sys
from pathlib import Path

import numpy as np
import sklearn
import skorch
import torch
from scipy import stats

RESULTS_DIR = Path(__file__).resolve().parent / "results"


def paired_interval(diff):
    """Mean of paired differences and the half-width of its 95% t-interval.

    The half-width is NaN with fewer than two pairs.
    """
    diff = np.asarray(diff, dtype=float)
    if len(diff) < 2:
        return float(diff.mean()), float("nan")
    half = stats.t.ppf(0.975, len(diff) - 1) * diff.std(ddof=1) / np.sqrt(len(diff))
    return float(diff.mean()), float(half)


def verdict(mean, half):
    """'win', 'loss' or 'tie': whether the 95% interval excludes zero."""
    if np.isnan(half):
        return "tie"
    if mean - half > 0:
        return "win"
    if mean + half < 0:
        return "loss"
    return "tie"


def markdown_table(header, rows):
    """A GitHub-flavoured markdown table; numbers right-aligned."""

    def cell(value):
        return f"{value:.4g}" if isinstance(value, float) else str(value)

    rows = [[cell(v) for v in row] for row in rows]
    numeric = [
        all(r[i].replace(".", "").replace("-", "").isdigit() for r in rows if r[i])
        for i in range(len(header))
    ]
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---:" if n else "---" for n in numeric) + "|",
    ]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def machine_info(device="cpu"):
    """Where and with what a benchmark ran, for the results file."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    info = {
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "command": "python " + " ".join(shlex.quote(a) for a in sys.argv),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "skorch": skorch.__version__,
        "scikit-learn": sklearn.__version__,
        "device": str(device),
    }
    if torch.device(device).type == "cuda":
        info["gpu"] = torch.cuda.get_device_name(torch.device(device))
    return info


def machine_section(info):
    """The machine as a markdown list."""
    return "\n".join(f"- {key}: `{value}`" for key, value in info.items())


def parser(description, quick_help):
    """An argument parser with the options every benchmark takes."""
    p = argparse.ArgumentParser(
        description=description, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--quick", action="store_true", help=quick_help)
    p.add_argument(
        "--output-dir",
        type=Path,
        default=RESULTS_DIR,
        help="where the results go (default: benchmarks/results)",
    )
    p.add_argument("--device", default="cpu", help="'cpu', 'cuda' or 'auto'")
    return p


DEV_SPLIT_SEED = 1  # synthetic.py's development splits
# The development run of the defaults that diagnostics compare with
# (``synthetic_weight_lr.py --reference none --split-seed 1``), and the
# defaults' name in it.
DEV_RUN = RESULTS_DIR / "synthetic_weight_lr_dev.json"
DEV_METHOD = "lr auto, every 4"


def weight_mismatches(records, dev_runs, method=DEV_METHOD):
    """How many ``records`` learned another weight (by more than 1e-4) than
    ``method`` did in the same cell and split of ``dev_runs``, or have no
    such record there."""
    learned = {
        (r["task"], r["quality"], r["split"]): r["synthetic_weight"]
        for r in dev_runs
        if r["method"] == method
    }
    mismatches = 0
    for r in records:
        dev = learned.get((r["task"], r["quality"], r["split"]))
        mismatches += dev is None or abs(dev - r["synthetic_weight"]) > 1e-4
    return mismatches


def development_args(docstring, argv=None):
    """Parsed options of a diagnostic over ``synthetic.py``'s cells on its
    development splits: 5 splits and 60 epochs, or with ``--quick`` two
    tasks (``synthetic.run`` then takes three quality levels), 2 splits and
    3 epochs."""
    p = parser(
        docstring.splitlines()[0],
        "2 tasks, 3 quality levels, 2 splits, 3 epochs: a smoke test",
    )
    args = p.parse_args(argv)
    args.seeds, args.epochs = (2, 3) if args.quick else (5, 60)
    args.split_seed = DEV_SPLIT_SEED
    args.tasks = "breast_cancer,pain_analog" if args.quick else None
    torch.set_num_threads(2)
    return args


def write_results(output_dir, stem, markdown, data, quick=False):
    """Write ``<stem>.md`` and ``<stem>.json`` (``<stem>_quick.*`` if quick).

    Returns the path of the markdown file.
    """
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    stem = f"{stem}_quick" if quick else stem
    md_path = output_dir / f"{stem}.md"
    md_path.write_text(markdown.rstrip() + "\n")
    (output_dir / f"{stem}.json").write_text(
        json.dumps(data, indent=1, default=_jsonable) + "\n"
    )
    return md_path


def write_report(args, stem, sections, machine, wall, runs):
    """Write and print a benchmark's report: ``sections`` (markdown blocks),
    then the machine, under ``args.output_dir`` (``write_results``).

    Returns the markdown.
    """
    markdown = "\n\n".join([*sections, "## Machine", machine_section(machine)])
    data = {"machine": machine, "wall_seconds": wall, "runs": runs}
    write_results(args.output_dir, stem, markdown, data, quick=args.quick)
    print(markdown)
    return markdown


def _jsonable(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")
