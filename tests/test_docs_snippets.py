"""Every Python snippet of the README and the docs runs when copied alone.

Each block runs in a fresh namespace, so a block that uses a name it does not
define fails here as it would for a reader. A block preceded by the comment
``.. snippet not run: <reason>`` is skipped, with its reason (a GPU, a long
fit); there should be few.
"""

import re
from pathlib import Path

import matplotlib
import pytest

ROOT = Path(__file__).resolve().parents[1]
SKIP = re.compile(r"^\.\. snippet not run: (.+)$")


def _readme_blocks():
    text = (ROOT / "README.md").read_text()
    for number, block in enumerate(re.findall(r"```python\n(.*?)```", text, re.S)):
        yield f"README.md#{number}", block, None


def _rst_blocks(path):
    """``.. code-block:: python`` blocks of an rst file, dedented."""
    lines = path.read_text().splitlines()
    skip = None
    for index, line in enumerate(lines):
        marker = SKIP.match(line.strip())
        if marker:
            skip = marker.group(1)
        if line.strip() != ".. code-block:: python":
            continue
        indent = len(line) - len(line.lstrip())
        body = []
        for following in lines[index + 1 :]:
            if following.strip() and len(following) - len(following.lstrip()) <= indent:
                break
            body.append(following)
        text = "\n".join(body)
        common = min((len(b) - len(b.lstrip()) for b in body if b.strip()), default=0)
        yield (
            f"{path.relative_to(ROOT)}:{index + 1}",
            "\n".join(b[common:] for b in text.splitlines()),
            skip,
        )
        skip = None


def _snippets():
    yield from _readme_blocks()
    for path in sorted((ROOT / "docs").glob("*.rst")):
        yield from _rst_blocks(path)


SNIPPETS = list(_snippets())


def test_the_docs_have_snippets():
    assert len(SNIPPETS) >= 10


@pytest.mark.parametrize(
    "name, code, skip", SNIPPETS, ids=[name for name, *_ in SNIPPETS]
)
def test_snippet_runs_alone(name, code, skip, tmp_path, monkeypatch):
    if skip:
        pytest.skip(skip)
    matplotlib.use("Agg")
    monkeypatch.chdir(tmp_path)  # whatever a snippet writes stays there
    try:
        exec(compile(code, name, "exec"), {"__name__": "__snippet__"})
    finally:
        import matplotlib.pyplot as plt

        plt.close("all")
