"""The README's commands are the ones CI runs, word for word."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _bash_blocks(text):
    return re.findall(r"```bash\n(.*?)```", text, flags=re.S)


def test_ci_runs_the_readmes_test_and_docs_commands_verbatim():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    commands = [block.strip() for block in _bash_blocks(readme)]
    test = next(c for c in commands if "pytest" in c)
    docs = next(c for c in commands if "sphinx" in c)
    assert test in ci, "the README's test command is not a line of .ci/run"
    assert docs in ci, "the README's docs command is not a line of .ci/run"
    # The test command installs the pinned CPU torch first, then [test] only.
    assert test == (
        'pip install torch==2.13.0 && pip install -e ".[test]" && python -m pytest'
    )


def test_the_quick_start_demo_command_names_the_demo_module():
    readme = (ROOT / "README.md").read_text()
    first = _bash_blocks(readme)[0].strip()
    assert first == (
        "pip install torch==2.13.0 && pip install . && python -m sklearn_lilaw.demo"
    )
