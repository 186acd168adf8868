"""The house's floors, read from the code's own imports (``ast``): every import runs down or
across, never up, and no two files import each other, directly or around a circle.

Floors, top-down (the README's layout section shows the same picture):

6  ``app.py``, ``pages/``, ``benchmarks/``   what people and scripts run
5  ``ui/``                                    the only Streamlit-aware code besides the pages
4  ``cs_metrics/services/``                   everything that takes an engine: page data, tiles, writes
3  ``cs_metrics/charts/``, ``cs_metrics/report/``  figures and board-pack files, data in
2  metric modules | ``cs_metrics/storage/``   side by side: neither imports the other
1  ground floor                               errors, period, selection, vocab, stats, formatting, ...
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

GROUND = {"errors", "period", "selection", "vocab", "stats", "formatting", "default_health_model", "i18n", "access"}
FLOOR_NAMES = {6: "app/pages/benchmarks", 5: "ui", 4: "services", 3: "charts/report", 2: "metrics|storage", 1: "ground"}


def _source_files() -> list[Path]:
    files = [ROOT / "app.py"]
    for folder in ("pages", "ui", "cs_metrics", "benchmarks"):
        files.extend(sorted((ROOT / folder).rglob("*.py")))
    return [f for f in files if "migrations" not in f.parts or f.name != "script.py.mako"]


def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def floor(module: str) -> tuple[int, str]:
    """(floor, side) of a project module; side tells metric modules from storage on floor 2."""
    parts = module.split(".")
    if parts[0] in ("app", "pages", "benchmarks"):
        return 6, "top"
    if parts[0] == "ui":
        return 5, "ui"
    if parts[0] != "cs_metrics":
        raise ValueError(module)
    if len(parts) == 1:
        return 1, "ground"
    second = parts[1]
    if second == "services":
        return 4, "services"
    if second in ("charts", "report"):
        return 3, "presentation"
    if second == "storage":
        return 2, "storage"
    if second in GROUND:
        return 1, "ground"
    return 2, "metrics"


def _imports(path: Path, modules: dict[str, Path]) -> list[tuple[str, int]]:
    """(imported project module, line) for every import in ``path``, at any depth (inside
    functions and ``if TYPE_CHECKING`` blocks too). ``from package import name`` counts as an
    import of the submodule when ``name`` is one."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    here = module_name(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.extend((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                out.append((candidate if candidate in modules else base, node.lineno))
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in (
            "import_module", "__import__",
        ):
            for arg in node.args[:1]:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    out.append((arg.value, node.lineno))
    return [(name, line) for name, line in out if name.split(".")[0] in ("cs_metrics", "ui", "pages", "app")
            and name in modules]


@pytest.fixture(scope="module")
def graph() -> dict[str, list[tuple[str, int]]]:
    modules = {module_name(p): p for p in _source_files()}
    return {name: _imports(path, modules) for name, path in modules.items()}


def test_the_floor_rule_matches_the_package_layout():
    assert floor("pages.nps") == (6, "top")
    assert floor("cs_metrics.services.overview") == (4, "services")
    assert floor("cs_metrics.charts.nps") == (3, "presentation")
    assert floor("cs_metrics.storage.queries.nps") == (2, "storage")
    assert floor("cs_metrics.nps") == (2, "metrics")
    assert floor("cs_metrics.period") == (1, "ground")


def test_no_import_runs_up_a_floor(graph):
    upward = []
    for importer, imports in graph.items():
        f_from, _ = floor(importer)
        for imported, line in imports:
            f_to, _ = floor(imported)
            if f_to > f_from:
                upward.append(f"{importer}:{line} ({FLOOR_NAMES[f_from]}) imports {imported} ({FLOOR_NAMES[f_to]})")
    assert not upward, "\n".join(upward)


def test_metric_modules_and_storage_never_import_each_other(graph):
    crossing = [
        f"{importer}:{line} imports {imported}"
        for importer, imports in graph.items()
        for imported, line in imports
        if {floor(importer)[1], floor(imported)[1]} == {"metrics", "storage"}
    ]
    assert not crossing, "\n".join(crossing)


def test_pages_reach_the_database_only_through_services(graph):
    direct = [
        f"{importer}:{line} imports {imported}"
        for importer, imports in graph.items()
        if floor(importer)[1] == "top" and not importer.startswith("benchmarks")
        for imported, line in imports
        if imported.startswith("cs_metrics.storage")
    ]
    assert not direct, "\n".join(direct)


def test_no_circles(graph):
    """Tarjan's strongly connected components: every component must be a single file."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []
    counter = [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt, _ in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    self_imports = [n for n, imports in graph.items() if any(i == n for i, _ in imports)]
    assert not circles and not self_imports, f"circles: {circles}; importing themselves: {self_imports}"


def test_streamlit_stays_out_of_the_domain_and_caching_stays_in_the_loaders():
    domain = [p for p in (ROOT / "cs_metrics").rglob("*.py") if "import streamlit" in p.read_text(encoding="utf-8")
              or "from streamlit" in p.read_text(encoding="utf-8")]
    assert domain == []
    caching = sorted(
        str(p.relative_to(ROOT)) for p in _source_files() if "st.cache_" in p.read_text(encoding="utf-8")
    )
    assert caching == ["ui/loaders.py"]


def test_rooms_of_a_readable_size():
    """No module of the domain over 600 lines, no page over 150."""
    too_long = [
        f"{p.relative_to(ROOT)}: {n} lines"
        for p in sorted((ROOT / "cs_metrics").rglob("*.py")) + sorted((ROOT / "pages").glob("*.py"))
        if "migrations" not in p.parts and "instrument" not in p.parts
        and (n := len(p.read_text(encoding="utf-8").splitlines())) > (150 if p.parts[-2] == "pages" else 600)
    ]
    assert not too_long, "\n".join(too_long)
