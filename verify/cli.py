"""``python -m verify``: argparse and presentation only (the work is in jobs/check, the looks in report).

    python -m verify                      proof + engine vs sympy.diff on the reference and random networks
    python -m verify sizes 784,30,10 --batch 10 --sample 300 --seed 0
    python -m verify impl FILE.py:FUNCTION [--sizes 4,3,2] [--batch n] [--cost logloss|mse]
    python -m verify derivation FILE.md   (the derivation checker, verify/derivation)

Every command takes ``--json`` and ``--no-color``. Exit status: 0 all agree, 1 a disagreement, 2 bad input
(one line; sizes over the budget of verify.errors.LIMITS included), 130 interrupted (Ctrl-C, one line).
"""

from __future__ import annotations

import argparse
import sys

from .envelope import envelope, version_text
from .errors import LIMITS, check_budget, check_count
from .errors import parse_sizes as strict_sizes
from .functions import ACTIVATIONS, COSTS
from .impl_options import add_impl_options, impl_kwargs
from .startup import release as release_interrupt
from .truth import TRUTHS

__all__ = ["main"]


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2 (no usage dump)
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def _sizes(text: str):
    try:
        return strict_sizes(text)  # "3,-2" is refused, not read as 3,2
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if not 1 <= value <= max(LIMITS["batch"], LIMITS["sample"]):
        raise argparse.ArgumentTypeError(f"expected a positive integer up to "
                                         f"{max(LIMITS['batch'], LIMITS['sample'])}, got {value}")
    return value


def _sample(text: str):
    """--sample: a positive count or ``all`` (every entry)."""
    if text.strip().lower() == "all":
        return "all"
    try:
        return _positive(text)
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(f"expected a positive integer or 'all', got {text!r}") from None


def _common(parser, suppress: bool) -> None:
    default = {"default": argparse.SUPPRESS} if suppress else {}
    parser.add_argument("--json", action="store_true", help="print JSON instead of tables", **default)
    parser.add_argument("--no-color", action="store_true", help="plain text, no colors", **default)
    parser.add_argument("--html", metavar="FILE", help="also write a self-contained HTML report (tables, "
                        "heat-maps of the errors) to FILE", **(default or {"default": None}))


def _network(parser, costs=tuple(COSTS)) -> None:
    parser.add_argument("--seed", type=int, default=0, help="seed of the random numbers (default 0)")
    parser.add_argument("--activation", choices=sorted(ACTIVATIONS), default="sigmoid")
    parser.add_argument("--cost", choices=costs, default="logloss")
    parser.add_argument("--truth", choices=sorted(TRUTHS), default="symbolic",
                        help="expected values: sympy.diff via derive (default) or the complex step")
    parser.add_argument("--no-cache", action="store_true", help="do not read or write the cache of "
                        "sympy's derived stage derivatives (BACKPROP_VERIFIER_CACHE_DIR moves it)")
    parser.add_argument("--output-activation", choices=sorted(ACTIVATIONS), default=None,
                        help="a different activation on the output layer (paper eqs 95-96)")
    parser.add_argument("--bias", dest="biases", action=argparse.BooleanOptionalAction, default=False,
                        help="networks with biases b_N (default off, as in the paper); impl then calls "
                        "backprop(weights, X, Y, biases) -> (grad_W, grad_b)")
    parser.add_argument("--biases", dest="biases", action="store_true", help=argparse.SUPPRESS)  # old name


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m verify", description="Check EBP gradients against sympy.diff.")
    parser.add_argument("--version", action="version", version=version_text("python -m verify"))
    _common(parser, suppress=False)
    _network(parser)
    sub = parser.add_subparsers(dest="command", metavar="{sizes,impl,derivation,lsp}")
    sizes = sub.add_parser("sizes", help="the engine on a network of any size (sampled entries)")
    sizes.add_argument("sizes", type=_sizes, help="layer sizes m_0,...,m_L, e.g. 784,30,10")
    sizes.add_argument("--batch", type=_positive, default=10, help="samples per mini-batch n (default 10)")
    sizes.add_argument("--sample", type=_sample, default=None, help="entries to check, or 'all' (default: "
                       "all up to 100,000 weights, else 300)")
    impl = sub.add_parser("impl", help="a user's backprop(weights, X, Y) -> list of dLambda/dW_N")
    impl.add_argument("target", metavar="FILE.py:FUNCTION|FILE.py:Class.method")
    impl.add_argument("--sizes", type=_sizes, default=None, help="check this network instead of the "
                      "reference case and the adversarial sizes")
    impl.add_argument("--batch", type=_positive, default=None, help="samples per mini-batch n")
    impl.add_argument("--sample", type=_sample, default=None,
                      help="check about this many entries (default: all, or 300 above 2000 weights)")
    add_impl_options(impl)
    sub.add_parser("derivation", help="check a Markdown + LaTeX derivation (verify/derivation)",
                   add_help=False)
    sub.add_parser("lsp", help="language server: derivation verdicts as editor diagnostics (verify/lsp)",
                   add_help=False)
    for p in (sizes, impl):
        _common(p, suppress=True)
        _network(p, costs=("logloss", "mse", "softmax_ce"))
    return parser


def _derivation(argv) -> int:
    try:
        from .derivation.cli import main as derivation_main
    except ImportError as exc:
        print(f"python -m verify derivation: the derivation checker is not available ({exc})",
              file=sys.stderr)
        return 2
    return int(derivation_main(list(argv)) or 0)


def _progress(console, enabled: bool):
    if not enabled:
        return None, None
    from .report import ProgressDisplay

    bar = ProgressDisplay(console)
    return bar, bar.update


def _html_target(path):
    """Validate --html FILE before any work (one line, exit 2)."""
    from .html import check_target

    try:
        return check_target(path)
    except ValueError as exc:
        print(f"python -m verify: error: {exc}", file=sys.stderr)
        return None


def _write_html(path, result) -> bool:
    from .html import check_page, write_html

    try:
        write_html(path, check_page(result))
    except (OSError, ValueError) as exc:
        print(f"python -m verify: error: --html {path}: {exc}", file=sys.stderr)
        return False
    return True


def main(argv=None) -> int:
    """Every command; Ctrl-C anywhere is one line and exit 130, running out of memory one line and 2."""
    release_interrupt()  # from here on Ctrl-C is a KeyboardInterrupt, reported below
    try:
        return _main(list(sys.argv[1:] if argv is None else argv))
    except KeyboardInterrupt:
        print("python -m verify: interrupted", file=sys.stderr)
        return 130
    except MemoryError:
        print("python -m verify: error: out of memory; use smaller sizes, batch or --sample", file=sys.stderr)
        return 2


def _main(argv: list) -> int:
    if argv and argv[0] == "derivation":
        return _derivation(argv[1:])
    if argv and argv[0] == "lsp":  # the language server (verify/lsp.py)
        from .lsp import main as lsp_main

        return lsp_main(argv[1:])
    args = build_parser().parse_args(argv)
    if args.html is not None and _html_target(args.html) is None:
        return 2
    from . import report
    from .check import check_implementation
    from .impl import UserCodeError
    from .jobs import main_job, sizes_job

    out = report.make_console(no_color=args.no_color)
    err = report.make_console(no_color=args.no_color, file=sys.stderr)
    if getattr(args, "no_cache", False):
        from derive import configure_cache

        configure_cache(enabled=False)
    bar, progress = _progress(err, not args.json and err.is_terminal)
    options = {"activation": args.activation, "cost": args.cost, "truth": args.truth, "bias": args.biases,
               "output_activation": args.output_activation}
    try:
        if bar:
            bar.start()
        if args.command == "sizes":
            check_count(args.batch, "--batch", LIMITS["batch"])
            if args.sample != "all" and args.sample is not None:
                check_count(args.sample, "--sample", LIMITS["sample"])
            entries = args.sample if isinstance(args.sample, int) else None
            check_budget(args.sizes, args.batch, entries, args.truth)  # before allocating anything
            result = sizes_job(args.sizes, args.batch, args.sample, args.seed, **options)
        elif args.command == "impl":
            result = check_implementation(args.target, sizes=args.sizes, batch=args.batch, seed=args.seed,
                                          sample=LIMITS["sample"] if args.sample == "all" else args.sample,
                                          progress=progress, name=args.target,
                                          **options, **impl_kwargs(args))
        else:
            result = main_job(args.seed, progress=progress, **options)
    except (UserCodeError, ValueError, RuntimeError) as exc:
        print(f"python -m verify: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("python -m verify: interrupted", file=sys.stderr)
        return 130
    finally:
        if bar:
            bar.stop()
    if args.json:
        command = f"verify {args.command}" if args.command else "verify"
        print(report.to_json(envelope(command, result.exit_code, result.as_dict())))
    elif args.command == "impl":
        report.render_check(out, result)
    else:
        report.render_engine(out, result)
    if args.html is not None and not _write_html(args.html, result):
        return 2
    return result.exit_code
