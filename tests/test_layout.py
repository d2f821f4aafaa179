"""The code's shape, kept: small modules, and a layer docstring on each folder."""

from __future__ import annotations

from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[1] / "vacancy_cli"
LIMIT = 400  # lines: SimPy's core is about this size; a larger module wants splitting


@pytest.mark.parametrize("module", sorted(PACKAGE.rglob("*.py")), ids=lambda p: p.name)
def test_no_module_is_over_the_limit(module: Path) -> None:
    assert len(module.read_text(encoding="utf-8").splitlines()) <= LIMIT


@pytest.mark.parametrize(
    "layer", sorted(p for p in PACKAGE.iterdir() if (p / "__init__.py").exists())
)
def test_each_layer_says_what_it_owns_and_may_import(layer: Path) -> None:
    doc = (layer / "__init__.py").read_text(encoding="utf-8")
    assert doc.startswith('"""') and "import" in doc.split('"""')[1]
