"""The house rules that the tree itself must show (docs/architecture.md): no import cycle between modules of
src/teiki, small modules, one message catalogue without a key defined twice. The layering itself is the
import-linter contract in pyproject.toml, run by ``make test`` (``lint-imports``)."""

from __future__ import annotations

from pathlib import Path

import grimp
import pytest

from teiki import messages

SRC = Path(__file__).resolve().parents[1] / "src" / "teiki"
MAX_LINES = 400


def strongly_connected(graph: dict[str, set[str]]) -> list[set[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[set[str]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(component)
    return found


def test_strongly_connected_finds_a_cycle_and_nothing_else():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert strongly_connected(graph) == [{"a", "b", "c"}]
    assert strongly_connected({"a": {"b"}, "b": set()}) == []


def import_graph() -> dict[str, set[str]]:
    """Every module of teiki (the package ``teiki`` itself included) and the teiki modules it imports, in
    functions and under TYPE_CHECKING too."""
    graph = grimp.build_graph("teiki", cache_dir=None)
    return {m: graph.find_modules_directly_imported_by(m) for m in graph.modules}


def test_no_import_cycle_between_modules():
    cycles = strongly_connected(import_graph())
    assert not cycles, "import cycles: " + "; ".join(" ↔ ".join(sorted(c)) for c in cycles)


def test_no_source_file_is_over_400_lines():
    long = {str(p.relative_to(SRC)): n for p in SRC.rglob("*.py") if (n := len(p.read_text().splitlines())) > MAX_LINES}
    assert not long, f"files over {MAX_LINES} lines: {long}"


def test_every_message_key_is_defined_once_and_in_both_languages():
    catalogue = messages.load_all()  # raises when a key is defined in two areas
    assert len(catalogue) > 900
    assert all(len(texts) == 2 and all(isinstance(t, str) and t for t in texts) for texts in catalogue.values())


def test_an_import_error_loads_only_the_error_messages():
    import subprocess
    import sys

    code = ("import sys; from teiki.errors import StoreError; StoreError('no_orders').render('en');"
            "print(sorted(m for m in sys.modules if m.startswith('teiki.messages.')))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "teiki.messages.pages" not in loaded and "teiki.messages.errors" in loaded


@pytest.mark.parametrize("key", ["no_orders", "missing_column"])
def test_say_finds_a_key_in_either_language(key):
    assert messages.say(key, "en", column="x", headers="y") != messages.say(key, "ja", column="x", headers="y")
