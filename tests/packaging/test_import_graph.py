"""No import circles, and data flows one way (derive and numeric import nothing of verify or of each
other). The graph comes from the AST (``import_graph.py``), so lazy imports inside functions count too."""

from import_graph import against_the_flow, cycles, graph

# issue 16 item 8 removed the circles derive.general <-> general_present, verify.derivation.cli <-> watch and
# evaluate <-> matrices; the one lazy circle left is the notebook display below.


def _notebook_circle(cycle) -> bool:
    """Notebook display (issue 15): the derivation Report's _repr_html_ imports verify.notebook, which
    renders through verify.html.render and verify.derivation (present -> check -> ... -> verdict, the
    Report's module); whatever derivation module lies on that path joins the circle."""
    return "verify.notebook" in cycle and all(
        m == "verify.notebook" or m.startswith(("verify.derivation.", "verify.html")) for m in cycle)


def test_no_new_import_circles():
    new = [c for c in cycles(graph()) if not _notebook_circle(c)]
    assert new == [], new


def test_data_flows_one_way():
    assert against_the_flow(graph()) == []


def test_the_graph_sees_real_imports():
    g = graph()
    assert "numeric.functions" in g["numeric.network"]  # "from .functions import ..."
    assert "verify.compare" in g["verify.jobs"]  # "from .compare import compare"
    assert "numeric.functions" in g["numeric.config_check"]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
