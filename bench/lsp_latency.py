"""Latency of the language server (`python -m verify lsp`) on derivations/paper.md, as an editor sees it.

A pygls client starts the server over stdio, opens derivations/paper.md and edits it as a user does,
timing from sending didChange to receiving the publishDiagnostics of that version (debounce included):
- first diagnostics after didOpen (cold: the ground truth is computed once per server);
- an edit inside one equation: the sign of eq (18) flipped back and forth (target <= 0.2 s);
- an edit of the definition of {}_out delta (21), which many later equations use (the worst case);
Peers in the same run: the terminal route (`python -m verify derivation derivations/paper.md`, a new
process per check) and a full in-process re-check without cache.

Usage: python bench/lsp_latency.py [--runs 10]
"""
from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

from verify.derivation.check import Checker, check_text

ROOT = Path(__file__).resolve().parents[1]
PAPER = ROOT / "derivations" / "paper.md"


class Timed(LanguageClient):
    def __init__(self):
        super().__init__("lsp-latency", "1")
        self.arrived: dict[int, asyncio.Future] = {}

        @self.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def publish(params: types.PublishDiagnosticsParams):
            future = self.arrived.get(params.version)
            if future is not None and not future.done():
                future.set_result((time.perf_counter(), params.diagnostics))

    def expect(self, version: int) -> asyncio.Future:
        self.arrived[version] = asyncio.get_running_loop().create_future()
        return self.arrived[version]


def _sign_edit(text: str) -> tuple[int, int]:
    """(row, column) of the '-' that the hint of eq (18) names."""
    report = check_text(text, str(PAPER), Checker())
    hint = next(v.hint for v in report.verdicts if v.label == "18")
    found = re.search(r"column (\d+) \(line (\d+)\)", hint)
    return int(found.group(2)) - 1, int(found.group(1)) - 1


def _definition_edit(text: str) -> tuple[int, int, str, str]:
    """(row, column, old, new): a harmless rewrite inside eq (21), '- y' <-> '- {y}'."""
    for row, line in enumerate(text.splitlines()):
        if "\\tag{21}" in line or line.rstrip().endswith("(21)$$"):
            col = line.index("- y")
            return row, col, "- y", "- {y}"
    raise SystemExit("eq (21) not found in paper.md")


async def _change(client: Timed, uri, version, row, col, old, new):
    future = client.expect(version)
    start = time.perf_counter()
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=[types.TextDocumentContentChangePartial(
            range=types.Range(types.Position(row, col), types.Position(row, col + len(old))), text=new)]))
    end, diagnostics = await asyncio.wait_for(future, 120)
    return end - start, diagnostics


async def measure(runs: int) -> dict:
    text = PAPER.read_text()
    uri = PAPER.as_uri()
    client = Timed()
    await client.start_io(sys.executable, "-m", "verify", "lsp")
    await client.initialize_async(types.InitializeParams(capabilities=types.ClientCapabilities()))
    client.initialized(types.InitializedParams())
    first = client.expect(1)
    start = time.perf_counter()
    client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
        uri=uri, language_id="markdown", version=1, text=text)))
    end, found = await asyncio.wait_for(first, 120)
    out = {"cold": end - start, "diagnostics": len(found),
           "errors": sum(d.severity == types.DiagnosticSeverity.Error for d in found)}
    row, col = _sign_edit(text)
    version, sign, one = 1, "-", []
    for _ in range(runs):
        version += 1
        new = "+" if sign == "-" else "-"
        seconds, found = await _change(client, uri, version, row, col, sign, new)
        fixed = not any(d.message.startswith("(18) fails") for d in found)
        assert fixed == (new == "+"), "the verdict of (18) did not follow the edit"
        sign = new
        one.append(seconds)
    drow, dcol, old, new = _definition_edit(text)
    wide = []
    for _ in range(max(2, runs // 3)):
        version += 1
        seconds, _ = await _change(client, uri, version, drow, dcol, old, new)
        wide.append(seconds)
        old, new = new, old
    out.update(one=one, wide=wide)
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return out


def peers() -> dict:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "verify", "derivation", str(PAPER), "--json"], capture_output=True,
                   cwd=ROOT, check=False)
    cli = time.perf_counter() - start
    text = PAPER.read_text()
    check_text(text, str(PAPER), Checker())  # imports and first models out of the way
    start = time.perf_counter()
    check_text(text, str(PAPER), Checker())
    return {"cli": cli, "full": time.perf_counter() - start}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    lsp = asyncio.run(measure(args.runs))
    peer = peers()
    one, wide = lsp["one"], lsp["wide"]
    load = Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() else "?"
    print(f"derivations/paper.md over LSP ({lsp['diagnostics']} diagnostics, {lsp['errors']} errors); "
          f"load average {load}")
    print(f"  first diagnostics after didOpen (cold)        {lsp['cold']:.3f} s")
    print(f"  edit inside eq (18), {len(one)} runs: median {statistics.median(one):.3f} s, "
          f"max {max(one):.3f} s (target <= 0.2 s, debounce 0.05 s included)")
    print(f"  edit of definition (21), {len(wide)} runs: median {statistics.median(wide):.3f} s, "
          f"max {max(wide):.3f} s")
    print(f"  peer: python -m verify derivation paper.md (new process) {peer['cli']:.3f} s; "
          f"full re-check in process without cache {peer['full']:.3f} s")
    print(f"  ratio edit median / new process: {statistics.median(one) / peer['cli']:.3f}; "
          f"/ full re-check: {statistics.median(one) / peer['full']:.3f}")


if __name__ == "__main__":
    main()
