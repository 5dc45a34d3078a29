"""The options of ``python -m verify impl`` (layouts, calling conventions, costs, limits): one table for
the CLI, the Python API (``check_implementation`` keywords) and the pytest fixture."""

from __future__ import annotations

import argparse

__all__ = ["IMPL_OPTIONS", "add_impl_options", "impl_kwargs", "parse_flags"]


def _float(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None


def _depths(text: str):
    from .cases import parse_depths

    try:
        return parse_depths(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


# flag -> (keyword of check_implementation, argparse settings)
IMPL_OPTIONS = {
    "--samples": ("samples", {"choices": ("columns", "rows", "flat"), "default": "columns",

         "help": "X as (m_0, n) columns (paper), (n, m_0) rows, or flat per-sample vectors"}),
    "--weights": ("weights", {"choices": ("out-in", "in-out"), "default": "out-in",

         "help": "W_N stored (m_{N+1}, m_N) (paper) or (m_N, m_{N+1}) (sklearn, CS231n)"}),
    "--bias-shape": ("bias_shape", {"choices": ("column", "flat", "row"), "default": "column",
                                    "help": "b_N as (m, 1) (paper), (m,) or (1, m)"}),
    "--targets": ("targets", {"choices": ("onehot", "labels"), "default": "onehot",
                              "help": "targets as arrays, or class indices (with --cost softmax_ce)"}),
    "--factory": ("factory", {"default": None, "metavar": "EXPR",
                              "help": "how to build the object for Class.method, e.g. 'Network(sizes)'"}),
    "--params": ("params", {"default": None, "metavar": "PATHS",
                            "help": "where the object keeps W and b, e.g. weights,biases or "
                                    "params[W{N+1}],params[b{N+1}] or layers[*].weights,layers[*].biases"}),
    "--args": ("args", {"default": None, "metavar": "ARGS",

         "help": "the call's arguments, e.g. 'X, Y' or 'weights, x, y' or 'X, y=labels, reg=0.1'"}),
    "--per-sample": ("per_sample", {"choices": ("sum", "mean"), "default": None,
                                    "help": "the code takes one sample; the verifier sums or averages"}),
    "--grads": ("grads", {"default": None, "metavar": "PATHS",

         "help": "read the gradients from the object, e.g. layers[*].dweights,layers[*].dbiases"}),
    "--update": ("update", {"type": _float, "default": None, "metavar": "LR",

         "help": "the code only applies W -= LR * grad: recover grad from W before/after"}),
    "--cost-expr": ("cost_expr", {"default": None, "metavar": "EXPR",
                                  "help": "your own per-node cost in a and y, e.g. '(a - y)**2' (sympy)"}),
    "--batch-reduction": ("batch_reduction", {"choices": ("mean", "sum"), "default": "mean",
                                              "help": "the cost averages (eq 19) or sums over the batch"}),
    "--node-reduction": ("node_reduction", {"choices": ("sum", "mean"), "default": "sum",

         "help": "the cost sums (eq 19) or averages over the output nodes"}),
    "--l2": ("l2", {"type": _float, "default": None, "metavar": "STRENGTH",
         "help": "an L2 term on the weights"}),
    "--l2-form": ("l2_form", {"choices": ("alpha/2n", "reg", "half"), "default": "alpha/2n",

         "help": "alpha/(2n) sum W^2 (sklearn), reg sum W^2 (CS231n), lambda/2 sum W^2"}),
    "--depths": ("depths", {"type": _depths, "default": None, "metavar": "D",
                            "help": "the depths the code supports, e.g. 2 or 1-4 (default: all)"}),
    "--no-shrink": ("shrink", {"action": "store_false",
         "help": "do not look for the smallest failing network"}),
    "--timeout": ("timeout", {"type": _float, "default": 60.0, "metavar": "S",
                              "help": "seconds per call of the user's code (default 60)"}),
    "--memory": ("memory", {"type": int, "default": 4096, "metavar": "MB",
                            "help": "memory cap of the child process in MiB (default 4096)"}),
    "--in-process": ("isolate", {"action": "store_false",
         "help": "run the code in this process (no isolation)"}),
}


def add_impl_options(parser) -> None:
    group = parser.add_argument_group("layouts, calling conventions, costs (see README, verify)")
    for flag, (dest, settings) in IMPL_OPTIONS.items():
        group.add_argument(flag, dest=dest, **settings)


def impl_kwargs(args) -> dict:
    """The check_implementation keywords from parsed arguments."""
    return {dest: getattr(args, dest) for dest, _ in IMPL_OPTIONS.values()}


def parse_flags(text: str) -> dict:
    """``"--samples rows --weights in-out --cost mse"`` -> check_implementation keywords (the CLI's flags,
    for the Python API and the pytest fixture). Raises ValueError with a one-line reason."""
    import shlex

    class _Parser(argparse.ArgumentParser):
        def error(self, message):
            raise ValueError(f"flags {text!r}: {message}")

    parser = _Parser(add_help=False)
    add_impl_options(parser)
    network = {"--activation": "activation", "--output-activation": "output_activation", "--cost": "cost",
               "--truth": "truth", "--sizes": "sizes", "--seed": "seed", "--batch": "batch",
               "--sample": "sample"}
    for flag, dest in network.items():
        parser.add_argument(flag, dest=dest, default=argparse.SUPPRESS)
    parser.add_argument("--biases", dest="bias", action="store_true", default=argparse.SUPPRESS)
    given = vars(parser.parse_args(shlex.split(text)))
    for key in ("seed", "batch", "sample"):
        if key in given:
            given[key] = int(given[key])
    if "sizes" in given:
        from .cases import parse_sizes

        given["sizes"] = parse_sizes(given["sizes"])
    defaults = vars(_defaults_parser().parse_args([]))
    return {k: v for k, v in given.items() if k not in defaults or v != defaults[k]}


def _defaults_parser():
    parser = argparse.ArgumentParser(add_help=False)
    add_impl_options(parser)
    return parser
