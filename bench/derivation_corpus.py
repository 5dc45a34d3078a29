"""Issue 11 targets on the acceptance corpus of derivations written as real authors write them.

Reads ``tests/derivation/corpus/`` (documents, ``expected.toml``, ``planted.toml``), checks every document
and every planted copy with a fresh checker (as the CLI does) and prints:

- numbered equations, % checked (holds or fails), % read (checked or a definition);
- false alarms (an equation expected to hold or to define that fails), expectations not met;
- planted errors caught (the planted equation fails), caught with the right ``hint_kind``, false holds;
- the per-document breakdown and the time to check the whole corpus (cold: models built; warm: cached).

The old checker's figures are the issue's own measurement on its corpus (labelled as such), not re-run here.

    python bench/derivation_corpus.py            # table
    python bench/derivation_corpus.py --json     # the figures as JSON
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from verify.derivation import check_text  # noqa: E402
from verify.derivation.check import Checker  # noqa: E402

CORPUS = ROOT / "tests" / "derivation" / "corpus"
ISSUE_BASELINE = {"checked_percent": 45, "planted_caught": "4 of 27", "false_alarms": 19}
TARGETS = {"checked_percent": 95, "false_alarms": 0, "false_holds": 0}


def load_average() -> str:
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "?"


def _accepts(expected: str, status: str) -> bool:
    return {"definition": status in ("definition", "holds"),
            "not-checked-ok": status == "not checked"}.get(expected, status == expected)


def check_documents(expected: dict) -> tuple[dict, float, float]:
    docs, cold = {}, 0.0
    texts = {doc: (CORPUS / f"{doc}.md").read_text(encoding="utf-8") for doc in expected}
    for doc, text in texts.items():
        start = time.perf_counter()
        docs[doc] = check_text(text, f"{doc}.md", Checker())
        cold += time.perf_counter() - start
    warm_checker = Checker()
    for doc, text in texts.items():
        check_text(text, f"{doc}.md", warm_checker)
    start = time.perf_counter()
    for doc, text in texts.items():
        check_text(text.replace("\n# ", "\n#  ", 1), f"{doc}.md", warm_checker)  # a prose edit: re-check
    return docs, cold, time.perf_counter() - start


def document_rows(expected: dict, reports: dict) -> list[dict]:
    rows = []
    for doc, labels in expected.items():
        got = {v.label: v for v in reports[doc].numbered}
        statuses = [got[k].status if k in got else "missing" for k in labels]
        rows.append({
            "doc": doc, "numbered": len(labels),
            "checked": sum(s in ("holds", "fails") for s in statuses),
            "definitions": sum(s == "definition" for s in statuses),
            "false_alarms": [k for k in labels if k in got and got[k].status == "fails"],
            "unmet": [k for k, e in labels.items() if not _accepts(e, got[k].status if k in got else "")],
        })
    return rows


def planted_rows(planted: list) -> list[dict]:
    rows = []
    for p in planted:
        text = (CORPUS / f"{p['doc']}.md").read_text(encoding="utf-8").replace(p["old"], p["new"])
        v = next(v for v in check_text(text, f"{p['doc']}.md", Checker()).numbered if v.label == p["label"])
        kind = getattr(v, "hint_kind", "")
        rows.append({"doc": p["doc"], "label": p["label"], "hint": p["hint"], "status": v.status,
                     "hint_kind": kind, "caught": v.status == "fails",
                     "right_hint": v.status == "fails" and kind == p["hint"]})
    return rows


def summarize(docs: list, planted: list, cold: float, warm: float) -> dict:
    numbered = sum(r["numbered"] for r in docs)
    checked = sum(r["checked"] for r in docs)
    read = checked + sum(r["definitions"] for r in docs)
    return {
        "documents": len(docs), "numbered": numbered,
        "checked_percent": round(100 * checked / numbered, 1),
        "read_percent": round(100 * read / numbered, 1),
        "false_alarms": sum(len(r["false_alarms"]) for r in docs),
        "unmet_expectations": sum(len(r["unmet"]) for r in docs),
        "planted": len(planted), "planted_caught": sum(r["caught"] for r in planted),
        "planted_right_hint": sum(r["right_hint"] for r in planted),
        "false_holds": sum(r["status"] == "holds" for r in planted),
        "seconds_cold": round(cold, 3), "seconds_warm_recheck": round(warm, 3),
        "load_average": load_average(),
    }


def print_table(summary: dict, docs: list, planted: list) -> None:
    s = summary
    print(f"derivation corpus: {s['documents']} documents, {s['numbered']} numbered equations "
          f"(load average {s['load_average']})\n")
    print(f"{'document':<20}{'eqs':>5}{'checked':>9}{'defs':>6}{'alarms':>8}{'unmet':>7}{'planted':>9}"
          f"{'caught':>8}{'hint ok':>9}")
    for r in docs:
        mine = [p for p in planted if p["doc"] == r["doc"]]
        print(f"{r['doc']:<20}{r['numbered']:>5}{r['checked']:>9}{r['definitions']:>6}"
              f"{len(r['false_alarms']):>8}{len(r['unmet']):>7}{len(mine):>9}"
              f"{sum(p['caught'] for p in mine):>8}{sum(p['right_hint'] for p in mine):>9}")
    print()
    target = TARGETS["checked_percent"]
    print(f"checked (holds or fails)      {s['checked_percent']:>6} %   target >= {target} %")
    print(f"read (checked or definition)  {s['read_percent']:>6} %")
    print(f"false alarms                  {s['false_alarms']:>6}     target 0")
    print(f"expectations not met          {s['unmet_expectations']:>6}")
    print(f"planted errors caught         {s['planted_caught']:>3} of {s['planted']}")
    print(f"  with the right hint_kind    {s['planted_right_hint']:>3} of {s['planted']}")
    print(f"false holds (planted holds)   {s['false_holds']:>6}     target 0")
    print(f"time, whole corpus, cold      {s['seconds_cold']:>8.3f} s (fresh checker per document)")
    print(f"time, whole corpus, re-check  {s['seconds_warm_recheck']:>8.3f} s (warm checker, prose edit)")
    b = ISSUE_BASELINE
    print(f"\nold checker, as measured in issue 11 on its own corpus (not re-run here): "
          f"{b['checked_percent']} % checked, {b['planted_caught']} planted errors caught, "
          f"{b['false_alarms']} false alarms")
    misses = [p for p in planted if not p["right_hint"]]
    if misses:
        print("\nplanted errors not caught with the right hint_kind:")
        for p in misses:
            print(f"  {p['doc']} ({p['label']}) {p['hint']}: {p['status']}, hint_kind {p['hint_kind']!r}")
    unmet = [(r["doc"], k) for r in docs for k in r["unmet"]]
    if unmet:
        print("\nexpectations not met: " + ", ".join(f"{d} ({k})" for d, k in unmet))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    expected = tomllib.loads((CORPUS / "expected.toml").read_text(encoding="utf-8"))
    planted = tomllib.loads((CORPUS / "planted.toml").read_text(encoding="utf-8"))["planted"]
    reports, cold, warm = check_documents(expected)
    docs = document_rows(expected, reports)
    plants = planted_rows(planted)
    summary = summarize(docs, plants, cold, warm)
    if args.json:
        print(json.dumps({"summary": summary, "issue_baseline": ISSUE_BASELINE, "documents": docs,
                          "planted": plants}, indent=2))
    else:
        print_table(summary, docs, plants)
    return 0


if __name__ == "__main__":
    sys.exit(main())
