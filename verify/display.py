"""Display hooks of verify's results: Report (verify.compare), CheckResult (verify.check) and the
derivation checker's Report (verify.derivation.verdict).

Their ``__repr__``, ``_repr_html_`` and ``__rich__`` call :func:`render`; the renderers live in
:mod:`verify.notebook`, which registers them when ``verify`` is imported (which every ``verify.*`` import
does first). So the data modules import no presentation and no import circle runs through them.
"""
from __future__ import annotations

__all__ = ["register", "render"]

_RENDERERS: dict = {}


def register(**renderers) -> None:
    """``register(line=..., html=..., rich=...)``: each a function of the result object."""
    _RENDERERS.update(renderers)


def render(kind: str, obj):
    """The ``kind`` ("line", "html" or "rich") view of ``obj``; without a renderer, a plain one-line repr
    (and no HTML: Jupyter then shows the repr)."""
    renderer = _RENDERERS.get(kind)
    if renderer is not None:
        return renderer(obj)
    return None if kind == "html" else f"<{type(obj).__name__}>"
