"""End to end: `python -m verify lsp` in a subprocess, driven over stdio by pytest-lsp's client as an
editor drives it: open, change (debounced), save, close; diagnostics read as the editor shows them."""

from __future__ import annotations

import asyncio
import re
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from verify.derivation import check_text

ROOT = Path(__file__).resolve().parents[2]
PAPER = ROOT / "derivations" / "paper.md"
pytestmark = pytest.mark.asyncio


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "verify", "lsp",
                                                              "--stdio", "--debounce", "0.05"]))
async def client(lsp_client: LanguageClient):
    await lsp_client.initialize_session(types.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"), root_uri=ROOT.as_uri()))
    yield
    await lsp_client.shutdown_session()


async def published(client: LanguageClient, uri: str, version: int | None = None, timeout: float = 60):
    """The next diagnostics published for ``uri`` (for that document version, when given); every
    publication of ``uri`` on the way is recorded in ``client.log``."""
    async def wait():
        while True:
            params = await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
            if params.uri != uri:
                continue
            client.log.append(params.version)
            if version is None or params.version == version:
                return params.diagnostics

    if not hasattr(client, "log"):
        client.log = []
    return await asyncio.wait_for(wait(), timeout)


def open_doc(client: LanguageClient, uri: str, text: str, language: str = "markdown") -> None:
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id=language, version=1, text=text)))


def edit(line: int, start: int, end: int, text: str) -> types.TextDocumentContentChangePartial:
    return types.TextDocumentContentChangePartial(
        range=types.Range(types.Position(line, start), types.Position(line, end)), text=text)


async def test_paper_diagnostics_on_open_change_and_close(client: LanguageClient):
    text = PAPER.read_text()
    uri = PAPER.as_uri()
    open_doc(client, uri, text)
    found = await published(client, uri, 1)
    report = check_text(text, str(PAPER))
    numbered = [v for v in report.verdicts if v.numbered]
    assert len(found) == len(numbered)
    errors = [d for d in found if d.severity == types.DiagnosticSeverity.Error]
    assert sorted(d.message.split(")")[0][1:] for d in errors) == sorted(
        v.label for v in numbered if v.status == "fails")
    eq18 = next(d for d in errors if d.message.startswith("(18) fails"))
    assert "sign" in eq18.message and "counterexample" in eq18.message
    assert eq18.range.start.line == next(v.line for v in numbered if v.label == "18") - 1
    assert eq18.source == "verify" and eq18.code == "fails"
    holds = [d for d in found if d.code == "holds"]
    assert holds and all(d.severity == types.DiagnosticSeverity.Hint for d in holds)

    # apply the hint's fix: "the '-' at column C (line L) should be '+'"
    hint = re.search(r"'-' at column (\d+) \(line (\d+)\) should be '\+'", eq18.message)
    col, row = int(hint.group(1)) - 1, int(hint.group(2)) - 1
    assert text.splitlines()[row][col] == "-"
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
        content_changes=[edit(row, col, col + 1, "+")]))
    found = await published(client, uri, 2)
    assert not any(d.message.startswith("(18) fails") for d in found)
    assert any(d.message.startswith("(18) holds") for d in found)

    client.text_document_did_close(types.DidCloseTextDocumentParams(
        text_document=types.TextDocumentIdentifier(uri=uri)))
    assert list(await published(client, uri)) == []


async def test_debounce_publishes_only_the_last_of_quick_edits(client: LanguageClient, tmp_path):
    uri = (tmp_path / "notes.md").as_uri()
    base = "$$\\frac{\\partial \\phi(z)}{\\partial z} = \\phi(z) * (1 - \\phi(z)) \\tag{1}$$\n"
    open_doc(client, uri, base)
    first = await published(client, uri, 1)
    assert [d.code for d in first] == ["holds"]
    for version, sign in zip(range(2, 7), "+-+-+", strict=True):  # five edits within the debounce time
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(
                text=base.replace("(1 - \\phi", f"(1 {sign} \\phi"))]))
    found = await published(client, uri, 6)
    assert [d.code for d in found] == ["fails"] and found[0].severity == types.DiagnosticSeverity.Error
    assert client.log == [1, 6]  # one check for the five quick edits


async def test_bad_front_matter_and_other_files(client: LanguageClient, tmp_path):
    uri = (tmp_path / "bad.md").as_uri()
    open_doc(client, uri, "---\nsizes: banana\n---\n$$a = b \\tag{1}$$\n")
    found = await published(client, uri, 1)
    assert len(found) == 1 and found[0].severity == types.DiagnosticSeverity.Error
    assert found[0].message.startswith("front matter:")
    py = (tmp_path / "x.py").as_uri()
    open_doc(client, py, "x = 1\n", language="python")
    client.text_document_did_save(types.DidSaveTextDocumentParams(
        text_document=types.TextDocumentIdentifier(uri=uri)))
    await published(client, uri, 1)
    assert py not in client.diagnostics  # only Markdown is checked
