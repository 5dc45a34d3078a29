"""The page around the sections: one self-contained HTML document (inline CSS, no script, no network).

``page`` wraps sections in the document with its stylesheet; ``fragment`` wraps them for a notebook cell
(the same stylesheet, scoped to ``.bpv``). ``write_html`` writes through a temp file and a rename, so a
failed run never leaves a half-written report; ``check_target`` validates the path before any work.
"""

from __future__ import annotations

import html
import os
import tempfile
from pathlib import Path

__all__ = ["CSS", "COLORS", "esc", "page", "fragment", "write_html", "check_target"]

# verdict / status -> (border, background); the browser test reads these colours back
COLORS = {
    "holds": ("#1a7f37", "#e8f6ec"),
    "fails": ("#cf222e", "#fdecec"),
    "definition": ("#0969da", "#eaf2fd"),
    "not checked": ("#9a6700", "#fff8e1"),
    "ok": ("#1a7f37", "#e8f6ec"),
    "kink": ("#9a6700", "#fff8e1"),
    "FAIL": ("#cf222e", "#fdecec"),
}

_KIND = {"holds": "holds", "fails": "fails", "definition": "definition", "not checked": "not-checked",
         "ok": "ok", "kink": "kink", "FAIL": "fail"}


def css_class(status: str) -> str:
    """The CSS class of a verdict or status ("not checked" -> "v-not-checked")."""
    return "v-" + _KIND.get(status, "not-checked")


def _status_rules() -> str:
    return "\n".join(f".bpv .{css_class(s)} {{ border-left: 6px solid {b}; background: {bg}; }}\n"
                     f".bpv .badge.{css_class(s)} {{ color: {b}; border-left: 0; background: none; }}"
                     f"\n.bpv table.grid td.{css_class(s)} {{ border-left: 6px solid {b}; }}"
                     for s, (b, bg) in COLORS.items())


CSS = """
.bpv { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2328; line-height: 1.45;
       max-width: 72rem; }
.bpv h1 { font-size: 1.5rem; margin: .2rem 0 .4rem; }
.bpv h2 { font-size: 1.2rem; margin: 1.4rem 0 .4rem; border-bottom: 1px solid #d0d7de; }
.bpv h3 { font-size: 1.05rem; margin: 1rem 0 .3rem; }
.bpv .meta { color: #59636e; font-size: .9rem; }
.bpv .verdict-line { font-weight: 600; padding: .4rem .6rem; margin: .6rem 0; }
.bpv .card { display: grid; grid-template-columns: minmax(0, 3fr) minmax(14rem, 2fr); gap: .4rem 1rem;
             padding: .4rem .6rem; margin: .5rem 0; border-radius: 4px; }
.bpv .card .eq { overflow-x: auto; font-size: 1.05rem; }
.bpv .card .side { font-size: .88rem; }
.bpv .card .head { font-weight: 600; }
.bpv .badge { font-weight: 700; }
.bpv .hint { color: #8250df; }
.bpv .note { color: #59636e; }
.bpv .ce { font-family: ui-monospace, monospace; font-size: .8rem; white-space: pre-wrap; }
.bpv table.grid { border-collapse: collapse; font-size: .85rem; margin: .4rem 0; }
.bpv table.grid th, .bpv table.grid td { border: 1px solid #d0d7de; padding: .15rem .5rem;
       text-align: right; font-variant-numeric: tabular-nums; }
.bpv table.grid th { background: #f6f8fa; }
.bpv table.grid td.l { text-align: left; }
.bpv .maps { display: flex; flex-wrap: wrap; gap: .6rem; align-items: flex-start; }
.bpv .maps figure { margin: 0; }
.bpv .maps figcaption { font-size: .8rem; color: #59636e; }
.bpv pre { background: #f6f8fa; padding: .4rem; overflow-x: auto; font-size: .8rem; }
.bpv code.tex { font-size: .8rem; white-space: pre-wrap; }
.bpv details > summary { cursor: pointer; font-weight: 600; margin: .4rem 0; }
.bpv .legend span { display: inline-block; padding: 0 .5rem; margin-right: .4rem; }
.bpv math[display="block"] { margin: .2rem 0; }
.bpv math { font-family: "Latin Modern Math", "STIX Two Math", "Cambria Math", math; }
""" + _status_rules()


def esc(text) -> str:
    """HTML-escaped text (quotes included)."""
    return html.escape(str(text), quote=True)


def page(title: str, body: str) -> str:
    """A whole HTML document: inline stylesheet, no scripts, no external resources."""
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
            "img-src data:; style-src 'unsafe-inline'\">"
            f"<title>{esc(title)}</title><style>body {{ margin: 1.2rem; }}{CSS}</style></head>\n"
            f"<body><div class=\"bpv\">\n{body}\n</div></body></html>\n")


def fragment(body: str) -> str:
    """The same sections for a notebook output cell (stylesheet included, scoped to .bpv)."""
    return f"<div class=\"bpv\"><style>{CSS}</style>\n{body}\n</div>"


def check_target(path) -> Path:
    """Validate an output path before any work: its folder exists and it is not a folder itself.

    Raises ValueError with a one-line message (the CLIs print it and exit 2)."""
    target = Path(path)
    if not str(path).strip():
        raise ValueError("--html: empty file name")
    if target.is_dir():
        raise ValueError(f"--html {path}: is a directory")
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise ValueError(f"--html {path}: folder {parent} does not exist")
    if not os.access(parent, os.W_OK):
        raise ValueError(f"--html {path}: folder {parent} is not writable")
    if len(target.name.encode()) > 255:
        raise ValueError(f"--html {path}: file name too long")
    return target


def write_html(path, text: str) -> Path:
    """Write ``text`` to ``path`` through a temp file in the same folder and a rename (atomic)."""
    target = check_target(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent or ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
