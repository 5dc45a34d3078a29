"""Language server: the verdict of every numbered equation of a Markdown derivation, live in the editor.

``python -m verify lsp`` speaks LSP over stdio (pygls). On open, change and save of a Markdown file it
checks the document (the derivation checker, one Checker per server, so a re-check after an edit only
evaluates what the edit can affect) and publishes one diagnostic per numbered equation: an error with the
hint and the counterexample for a failing one, a hint-level note for one that holds or defines a symbol,
an information (a warning for a parse error) for one not checked, with the reason. Changes are debounced
(``--debounce``, default 0.05 s of quiet); a result computed for an older version of the text is dropped.
The server never prints to stdout (that is the protocol's channel) and never dies on a bad document.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from concurrent.futures import ThreadPoolExecutor

from lsprotocol import types
from pygls.lsp.server import LanguageServer

__all__ = ["DEBOUNCE", "SEVERITY", "build_server", "diagnostics", "main"]

DEBOUNCE = 0.05  # seconds of quiet after the last change before a re-check
SOURCE = "verify"
MARKDOWN = (".md", ".markdown", ".mdown", ".mkd")
SEVERITY = {"fails": types.DiagnosticSeverity.Error, "holds": types.DiagnosticSeverity.Hint,
            "definition": types.DiagnosticSeverity.Hint, "not checked": types.DiagnosticSeverity.Information}
_CE_KEYS = ("indices", "entry", "sample", "left", "right", "message", "error")


def _counterexample(ce) -> str:
    if not isinstance(ce, dict):
        return str(ce) if ce else ""
    parts = []
    for key in _CE_KEYS:
        value = ce.get(key)
        if value in (None, "", {}, []):
            continue
        if isinstance(value, dict):
            value = ", ".join(f"{k}={v}" for k, v in value.items())
        parts.append(f"{key} {value}")
    return "counterexample: " + "; ".join(parts) if parts else ""


def _message(v) -> str:
    head = f"({v.label}) {v.status}"
    if v.status == "fails":
        lines = [f"{head}: {v.hint}" if v.hint else head, _counterexample(v.counterexample)]
    elif v.status == "holds":
        lines = [f"{head}: {v.how}" if v.how else head]
    elif v.status == "definition":
        lines = [f"{head}: defines {', '.join(map(str, v.defines))}" if v.defines else head]
    else:
        lines = [f"{head}: {v.reason}" if v.reason else head]
    return "\n".join(line for line in lines if line)


def _range(v, lines: list[str]) -> types.Range:
    """The equation's first line (from its first non-blank character, or from a parse error's column)."""
    row = min(max(v.line - 1, 0), max(len(lines) - 1, 0))
    text = lines[row] if lines else ""
    start = len(text) - len(text.lstrip())
    if getattr(v, "column", None):
        start = min(v.column - 1, len(text))
    return types.Range(types.Position(row, start), types.Position(row, max(len(text), start + 1)))


def diagnostics(report, text: str) -> list[types.Diagnostic]:
    """One diagnostic per numbered equation of a derivation report (data in, LSP data out)."""
    lines = text.splitlines()
    out = []
    for v in report.verdicts:
        if not getattr(v, "numbered", True):
            continue
        severity = SEVERITY.get(v.status, types.DiagnosticSeverity.Information)
        if v.status == "not checked" and getattr(v, "column", None):
            severity = types.DiagnosticSeverity.Warning  # a parse error: the author can fix it
        out.append(types.Diagnostic(range=_range(v, lines), message=_message(v), severity=severity,
                                    source=SOURCE, code=v.status.replace(" ", "-")))
    return out


def _problem(message: str) -> list[types.Diagnostic]:
    return [types.Diagnostic(range=types.Range(types.Position(0, 0), types.Position(0, 1)), message=message,
                             severity=types.DiagnosticSeverity.Error, source=SOURCE, code="bad-input")]


def _is_markdown(document) -> bool:
    return document.language_id == "markdown" or document.uri.lower().endswith(MARKDOWN)


class DerivationServer(LanguageServer):
    """pygls server with one Checker (its cache), one worker thread, and a pending task per document."""

    def __init__(self, debounce: float = DEBOUNCE):
        from importlib.metadata import PackageNotFoundError, version

        try:
            own = version("backprop-verifier")
        except PackageNotFoundError:
            own = "0+unknown"
        super().__init__("verify-derivation", own)
        self.debounce = debounce
        self.pending: dict[str, asyncio.Task] = {}
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="verify-check")
        self._checker = None

    def check(self, text: str, path: str) -> list[types.Diagnostic]:
        """Runs on the worker thread: check the text, map verdicts to diagnostics; never raises."""
        from .derivation.check import Checker, check_text
        from .derivation.extract import ConfigError

        if self._checker is None:
            self._checker = Checker()
        try:
            report = check_text(text, path, self._checker)
        except ConfigError as exc:
            return _problem(f"front matter: {exc}")
        except RecursionError:
            return _problem("the document is nested too deeply to check")
        except Exception as exc:  # a checker bug must not take the editor's server down
            logging.getLogger(__name__).exception("check failed")
            return _problem(f"verify could not check this document: {type(exc).__name__}: {exc}")
        return diagnostics(report, text)

    def schedule(self, uri: str, delay: float) -> None:
        old = self.pending.pop(uri, None)
        if old is not None:
            old.cancel()
        self.pending[uri] = asyncio.get_running_loop().create_task(self._run(uri, delay))

    async def _run(self, uri: str, delay: float) -> None:
        if delay > 0:
            await asyncio.sleep(delay)
        document = self.workspace.get_text_document(uri)
        if not _is_markdown(document):
            return
        text, version = document.source, document.version
        path = document.path or uri
        found = await asyncio.get_running_loop().run_in_executor(self.worker, self.check, text, path)
        if self.workspace.get_text_document(uri).version != version:
            return  # the text changed meanwhile: its own task publishes
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=found, version=version))


def build_server(debounce: float = DEBOUNCE) -> DerivationServer:
    server = DerivationServer(debounce)

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    async def did_open(ls: DerivationServer, params: types.DidOpenTextDocumentParams):
        ls.schedule(params.text_document.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    async def did_change(ls: DerivationServer, params: types.DidChangeTextDocumentParams):
        ls.schedule(params.text_document.uri, ls.debounce)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    async def did_save(ls: DerivationServer, params: types.DidSaveTextDocumentParams):
        ls.schedule(params.text_document.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    async def did_close(ls: DerivationServer, params: types.DidCloseTextDocumentParams):
        task = ls.pending.pop(params.text_document.uri, None)
        if task is not None:
            task.cancel()
        ls.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[]))

    return server


def _debounce(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected seconds, got {text!r}") from None
    if not 0 <= value <= 5:
        raise argparse.ArgumentTypeError(f"expected 0 to 5 seconds, got {text}")
    return value


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2 (no usage dump)
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def main(argv=None) -> int:
    parser = _Parser(prog="python -m verify lsp", description="Language server: derivation verdicts as "
                     "diagnostics.")
    parser.add_argument("--stdio", action="store_true", help="talk LSP over stdin/stdout (the default)")
    parser.add_argument("--debounce", type=_debounce, default=DEBOUNCE,
                        help=f"seconds of quiet after an edit before re-checking (default {DEBOUNCE})")
    args = parser.parse_args(argv)
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING)
    build_server(args.debounce).start_io()
    return 0
