"""Sphinx configuration; build: python -m sphinx -W -b html docs docs/_build/html"""

import os
import random
import re
import sys

import sklearn_lilaw

# The example gallery's functions below are named by their import paths
# ("conf.reset_random_state"), since a function object in the configuration
# cannot be cached by Sphinx (a warning, an error under -W).
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

project = "sklearn-lilaw"
author = "sklearn-lilaw developers"
copyright = "2026, sklearn-lilaw developers"
release = sklearn_lilaw.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "numpydoc",
    "matplotlib.sphinxext.plot_directive",
    "sphinx_gallery.gen_gallery",
]

autosummary_generate = True
autodoc_default_options = {"inherited-members": False}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

# No network at build time: intersphinx inventories are not fetched.
intersphinx_mapping = {}

plot_include_source = True
plot_html_show_source_link = False
plot_html_show_formats = False
plot_formats = [("png", 100)]


def reset_random_state(gallery_conf, fname):
    """Seed the global RNGs and use one torch thread, before each example.

    The examples seed every estimator with ``random_state``; seeding
    Python's, NumPy's and torch's global RNGs makes anything that still draws
    from them the same at every build. One intra-op thread makes the results
    independent of the machine's core count, and the build faster: the
    examples' networks are too small to gain from more threads, and on a
    busy machine (CI runners) torch's thread pool made them several times
    slower.
    """
    import numpy as np
    import torch

    random.seed(0)
    np.random.seed(0)
    torch.manual_seed(0)
    torch.set_num_threads(1)


EXAMPLE_ORDER = [
    "plot_quick_start.py",
    "plot_noisy_synthetic.py",
    "plot_regression.py",
    "plot_ecg5000_a.py",
    "plot_dask_grid_search.py",
    "plot_multi_process.py",
]


def example_order(filename):
    """Gallery order: the examples above first, in that order, then by name."""
    name = os.path.basename(filename)
    last = len(EXAMPLE_ORDER)
    position = EXAMPLE_ORDER.index(name) if name in EXAMPLE_ORDER else last
    return position, name


# The example gallery: every script in ../examples runs at each build (plots
# and printed output go into the page), in a fixed order.
sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    # Run every example, not only those named plot_*.
    "filename_pattern": r".*\.py$",
    "within_subsection_order": "conf.example_order",
    "reset_modules": ("matplotlib", "conf.reset_random_state"),
    # Determinism: no timing tables or archives whose bytes change per build.
    "write_computation_times": False,
    "download_all_examples": False,
    "show_memory": False,
    # A failing example fails the build.
    "abort_on_example_error": False,
    "only_warn_on_example_error": False,
    "remove_config_comments": True,
}

templates_path = ["_templates"]
exclude_patterns = ["_build"]
html_theme = "alabaster"
html_static_path = []
html_theme_options = {
    "description": "Learned per-sample weights for real + synthetic data"
}


def _unlink_foreign_refs(app, what, name, obj, options, lines):
    """Inherited scikit-learn docstrings (``score``) link to labels of
    scikit-learn's own docs (``:ref:`accuracy_score```), which do not exist
    here without intersphinx; show them as plain names instead."""
    if getattr(obj, "__module__", "").startswith("sklearn."):
        lines[:] = [_FOREIGN_REF.sub(_ref_text, line) for line in lines]


# :ref:`title <label>` or :ref:`label`
_FOREIGN_REF = re.compile(r":ref:`(?:([^`<]*?)\s*<[^`>]*>|([^`]+))`")


def _ref_text(match):
    title, label = match.groups()
    return title or f"``{label}``"


def setup(app):
    app.connect("autodoc-process-docstring", _unlink_foreign_refs)
