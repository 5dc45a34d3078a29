"""HTML reports: one self-contained page per run (inline CSS, MathML, embedded PNG heat-maps; no network).

derivation_page(report, text=None) -> str     the derivation, each equation coloured by its verdict
check_page(result) -> str                      a CheckResult (main job, sizes, impl) or a compare Report
write_html(path, text)                         temp file + rename; check_target(path) validates up front
"""

from .page import check_target, write_html
from .render import check_page, derivation_page, html_body, write_derivation

__all__ = ["check_page", "check_target", "derivation_page", "html_body", "write_derivation", "write_html"]
