"""Whole pages and notebook fragments, chosen by what is shown (derivation report, CheckResult, Report)."""

from __future__ import annotations

from .derivation import derivation_body
from .page import fragment, page, write_html

__all__ = ["check_page", "derivation_page", "html_body", "notebook_html", "write_derivation"]


def _is_derivation(obj) -> bool:
    return hasattr(obj, "verdicts")


def html_body(obj, text: str | None = None, all_maps: bool = True) -> str:
    """The sections for ``obj``: a derivation report, a CheckResult or a single compare Report."""
    if _is_derivation(obj):
        return derivation_body(obj, text)
    from .numeric import check_body, report_body

    if hasattr(obj, "reports"):
        return check_body(obj, all_maps)
    if hasattr(obj, "matrices"):
        return report_body(obj, heading=True)
    raise TypeError(f"no HTML view for {type(obj).__name__}")


def derivation_page(report, text: str | None = None, title: str | None = None) -> str:
    """A whole page for a derivation report; with ``text`` the document's prose is shown around the cards."""
    return page(title or f"Derivation {report.path}", derivation_body(report, text, title))


def check_page(result, title: str | None = None) -> str:
    """A whole page for a CheckResult (python -m verify, sizes, impl) or a compare Report."""
    name = getattr(result, "subject", None) or getattr(result, "label", "") or "check"
    return page(title or f"verify: {name}", html_body(result))


def notebook_html(obj) -> str:
    """The fragment a notebook shows (_repr_html_)."""
    return fragment(html_body(obj, all_maps=False))


def write_derivation(target, report, path) -> None:
    """Write the page of a derivation checked from ``path`` (Markdown, or a notebook's Markdown cells)."""
    from ..derivation.ipynb import source_text

    write_html(target, derivation_page(report, source_text(path)))
