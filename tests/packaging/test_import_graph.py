"""No import circles, and data flows one way (derive and numeric import nothing of verify or of each
other). The graph comes from the AST (``import_graph.py``), so lazy imports inside functions count too."""

from import_graph import against_the_flow, cycles, graph

# circles still open when this test was written, each owned by the work on its area; a circle found
# must lie inside one of these sets (a smaller one, once they are taken apart, passes too)
KNOWN = [
    # verify/derivation (derivation-checker work): the watcher and the evaluator
    {"verify.derivation.cli", "verify.derivation.watch"},
    {"verify.derivation.evaluate", "verify.derivation.matrices"},
    {"verify.derivation.notation", "verify.derivation.standard", "verify.derivation.theta"},
]


def _notebook_circle(cycle) -> bool:
    """Notebook display (issue 15): the derivation Report's _repr_html_ imports verify.notebook, which
    renders through verify.html.render and verify.derivation (present -> check -> ... -> verdict, the
    Report's module); whatever derivation module lies on that path joins the circle."""
    return "verify.notebook" in cycle and all(
        m == "verify.notebook" or m.startswith(("verify.derivation.", "verify.html")) for m in cycle)


def test_no_new_import_circles():
    new = [c for c in cycles(graph())
           if not any(set(c) <= known for known in KNOWN) and not _notebook_circle(c)]
    assert new == [], new


def test_data_flows_one_way():
    assert against_the_flow(graph()) == []


def test_the_graph_sees_real_imports():
    g = graph()
    assert "numeric.functions" in g["numeric.network"]  # "from .functions import ..."
    assert "verify.compare" in g["verify.jobs"]  # "from .compare import compare"
    assert "numeric.functions" in g["numeric.config_check"]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
