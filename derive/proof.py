"""Exact proof that the closed form (eqs 86-93) equals the sympy.diff ground truth, entry by entry.

Route (no simplify, no floating point):
1. ground truth d Lambda / d w by ``sympy.diff`` (ground_truth.derivative), with the activation's own
   derivative table (sigmoid: phi' = phi (1 - phi), eq 16, itself proven from eq 14 in the tests);
2. every activation value phi({}_N z_{Sx}^j) - the very sub-expression A_N[j, Sx] of the network - is
   replaced by a fresh symbol {}_N a_{Sx}^j; an abstract phi'(z) (or relu's Heaviside(z)) by a fresh
   symbol {}_N D^phi_{j,Sx}; for a softmax output every e^{z} by a fresh symbol. Treating these as
   independent variables proves more than needed: the identity then holds whatever their values;
3. both sides become exact sparse polynomials over QQ (derive/sparse.py; the atoms are replaced during
   the conversion, and sub-expressions shared between entries or paths are converted once), or, when
   a 1/a survives (e.g. the abstract phi with log-loss, softmax), fractions p / D with D a product of
   powers of polynomials, compared over the common denominator (no gcd needed); ``truth - closed``
   must be exactly zero.
A nonzero difference is the residual reported for that layer and entry.
"""
from __future__ import annotations

import multiprocessing
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import sympy
from sympy import Matrix

from .closed_forms import closed_form, closed_form_bias
from .cost_model import check_budget
from .errors import InvalidArgument, check_int, max_workers
from .network import Network, PaperSymbol, _paper_symbol, a_symbol, check_network, d_symbol
from .sparse import FracConverter, NotPolynomial, PolyConverter
from .sparse import add as add_polys
from .sparse import rename as rename_poly
from .symbolic_truth import cost_terms, derivative

__all__ = ["EntryResult", "MatrixResult", "Proof", "prove", "atom_map", "entry_forms"]


@dataclass
class EntryResult:
    """One entry (r, c) of grad W_N (or grad b_N): proved when truth - closed == 0 exactly."""

    r: int
    c: int
    symbol: sympy.Symbol
    proved: bool
    residual: sympy.Expr
    seconds: float


@dataclass
class MatrixResult:
    """All entries of one gradient matrix: name "W_N" or "b_N", shape as W_N (or b_N)."""

    name: str
    N: int
    shape: tuple[int, int]
    entries: list[EntryResult] = field(default_factory=list)

    @property
    def proved(self) -> bool:
        return all(e.proved for e in self.entries)

    @property
    def seconds(self) -> float:
        return sum(e.seconds for e in self.entries)

    @property
    def failures(self) -> list[EntryResult]:
        return [e for e in self.entries if not e.proved]


@dataclass
class Proof:
    """The outcome: one MatrixResult per weight matrix (and bias vector); ``seconds`` is wall time."""

    description: str
    matrices: list[MatrixResult]
    seconds: float
    method: str

    @property
    def proved(self) -> bool:
        return all(m.proved for m in self.matrices)

    @property
    def failures(self) -> list[tuple[MatrixResult, EntryResult]]:
        return [(m, e) for m in self.matrices for e in m.failures]

    def to_dict(self) -> dict:
        """JSON-ready data (residuals as strings)."""
        return {
            "network": self.description, "proved": self.proved, "seconds": round(self.seconds, 4),
            "method": self.method,
            "matrices": [{
                "name": m.name, "shape": list(m.shape), "entries": len(m.entries), "proved": m.proved,
                "seconds": round(m.seconds, 4),
                "failures": [{"row": e.r, "col": e.c, "weight": str(e.symbol), "residual": str(e.residual)}
                             for e in m.failures],
            } for m in self.matrices],
        }


def atom_map(net: Network) -> dict:
    """{phi(z) sub-expression: {}_N a_{Sx}^j, abstract phi'(z): {}_N D_{j,Sx}, e^{z_L}: e symbol}."""
    mapping = {}
    for N in range(1, net.L + 1):
        output = N == net.L
        act = net.output_activation if (output and net.output_activation) else net.activation
        for j in range(net.sizes[N]):
            for s in range(net.n):
                z = net.Z[N][j, s]
                if output and net.softmax:
                    e = _e_symbol(N, j + 1, s + 1)
                    mapping[sympy.exp(z)] = e
                    mapping[sympy.exp(z.xreplace(mapping))] = e  # as it reads once inner atoms are replaced
                    continue
                mapping[net.A[N][j, s]] = a_symbol(N, j + 1, s + 1)
                if act.prime_in_a is None:
                    mapping[act.prime(z)] = d_symbol(N, j + 1, s + 1)
    return mapping


def _e_symbol(N: int, j: int, s: int) -> PaperSymbol:
    """e^{{}_N z_{Ss}^j} as a plain symbol (stands for the exponential in a softmax output)."""
    return _paper_symbol(f"{N}e_S{s}^{j}", f"e^{{{{}}_{{{N}}}z_{{S{s}}}^{{{j}}}}}")


def _generators(net: Network, mapping: dict) -> list[sympy.Symbol]:
    gens = [w for *_, w in net.weights()] + list(net.X) + list(net.Y) + list(mapping.values())
    if net.b is not None:
        gens += [v for b in net.b for v in b]
    return gens


def _substitution(mapping: dict):
    """e -> its atom symbol, e^{k z} -> (e^{z})^k for softmax (sympy writes e^{-z}, e^{2z}), else None."""
    def substitute(e):
        atom = mapping.get(e)
        if atom is not None or not isinstance(e, sympy.exp):
            return atom
        for sign in (1, -1):
            k, z = sympy.factor_terms(sign * e.args[0]).as_coeff_Mul()
            atom = mapping.get(sympy.exp(z))
            if atom is not None and k.is_Integer:
                return atom ** (sign * k)
        return None
    return substitute


def _apply(expr, mapping: dict):
    """The expression with every atom replaced by its symbol (for display)."""
    substitute = _substitution(mapping)
    expr = expr.xreplace(mapping)
    if not expr.has(sympy.exp):
        return expr
    return expr.replace(lambda e: isinstance(e, sympy.exp), lambda e: substitute(e) or e)


class _Job:
    """Everything needed to check one entry; shared with forked workers."""

    def __init__(self, net: Network, targets, one_sample: bool):
        self.net, self.targets = net, targets
        self.mapping = atom_map(net)
        self.gens = _generators(net, self.mapping)
        self.substitute = _substitution(self.mapping)
        self.polys = PolyConverter(self.gens, self.substitute)
        self.fractions = None
        self.terms = cost_terms(net.cost)
        first = [t for t in self.terms if net.X[0, 0] in t[1]]
        usable = one_sample and net.n > 1 and len(first) * net.n == len(self.terms)
        self.first_sample = first if usable else None
        self.renames = None

    def truth(self, w):
        """d Lambda / d w by sympy.diff of every summand of the cost (eq 19)."""
        return derivative(self.net.cost, w, self.terms)

    def _sample_renames(self) -> list[dict]:
        """Generator-index permutations taking sample S1's symbols to sample Sx's (x = 2..n)."""
        index = {g: i for i, g in enumerate(self.gens)}
        first = _sample_symbols(self.net, 0, index)
        return [{index[a]: index[b] for a, b in zip(first, _sample_symbols(self.net, s, index), strict=True)}
                for s in range(1, self.net.n)]

    def _converted_truth(self, conv, w, add, rename):
        """The truth as a polynomial/fraction. With ``one_sample``, sympy differentiates the summands of
        sample S1 only; the other samples' terms are that polynomial with the variables of S1 renamed to
        those of Sx (the summands of eq 19 differ only by that renaming, which does not involve w)."""
        if self.first_sample is None:
            return conv(self.truth(w))
        first = conv(derivative(self.net.cost, w, self.first_sample))
        self.renames = self.renames if self.renames is not None else self._sample_renames()
        total = first
        for perm in self.renames:
            total = add(total, rename(first, perm))
        return total

    def check(self, item):
        k, r, c = item
        t0 = time.perf_counter()
        _, _, symbols, closed_matrix = self.targets[k]
        guess = sympy.sympify(closed_matrix[r, c])
        try:
            truth = self._converted_truth(self.polys, symbols[r, c], add_polys, rename_poly)
            diff = self.polys.difference(truth, self.polys(guess))
            residual = self.polys.to_expr(diff) if diff else sympy.S.Zero
            rational = False
        except NotPolynomial:
            fr = self.fractions = self.fractions or FracConverter(self.gens, self.substitute)
            try:
                value = fr.difference(self._converted_truth(fr, symbols[r, c], fr.add, fr.rename), fr(guess))
            except NotPolynomial as exc:
                raise ValueError(f"cannot compare grad {self.targets[k][0]}[{r}, {c}]: {exc}") from None
            diff = value[0]
            residual, rational = (fr.to_expr(value) if diff else sympy.S.Zero), True
        return k, r, c, not diff, residual, time.perf_counter() - t0, rational


def _sample_symbols(net: Network, s: int, index: dict) -> list:
    """The variables of sample s in a fixed order: x, y and the atoms a, D, e that the proof uses."""
    names = list(net.X[:, s]) + list(net.Y[:, s])
    for N in range(1, net.L + 1):
        for j in range(net.sizes[N]):
            for candidate in (a_symbol(N, j + 1, s + 1), d_symbol(N, j + 1, s + 1),
                              _e_symbol(N, j + 1, s + 1)):
                if candidate in index:
                    names.append(candidate)
    return names


_JOB: _Job | None = None


def _ignore_sigint() -> None:
    """Workers leave Ctrl-C to the parent (which reports it in one line), so they print no traceback."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _check_in_worker(item):
    return _JOB.check(item)


def prove(net: Network, closed: list[Matrix] | None = None, closed_bias: list[Matrix] | None = None, *,
          progress: Callable[[int, int], None] | None = None, budget: float | None = None,
          workers: int | None = None, one_sample: bool = True) -> Proof:
    """Prove truth == closed for every entry of every grad W_N (and grad b_N with biases).

    ``closed`` defaults to ``closed_form(net)``; pass your own (e.g. a planted bug) to have it checked.
    ``progress(done, total)`` is called after each entry. ``budget`` (seconds) refuses, before any work,
    sizes whose estimated cost exceeds it (ValueError with the estimate and a hint). ``workers``: number
    of processes (entries are independent; default 1: on a shared machine a second process rarely pays,
    as each one repeats the memoized sympy work).
    ``one_sample``: let sympy differentiate the summands of sample S1 and rename for the other samples
    (n times less differentiation; ``False`` differentiates every summand, same result).

    >>> from derive import build_network
    >>> prove(build_network((3, 2, 3, 2), 2)).proved          # the paper's case, eqs 86-93 with 1/n
    True
    >>> net = build_network((2, 1), 1)
    >>> bad = prove(net, closed=[2 * g for g in closed_form(net)])   # factor 2 too much
    >>> [(m.name, e.r, e.c) for m, e in bad.failures]
    [('W_0', 0, 0), ('W_0', 0, 1)]
    """
    global _JOB
    check_network(net)
    if budget is not None:
        check_budget(net.sizes, net.n, budget)
    start = time.perf_counter()
    closed = closed_form(net) if closed is None else closed
    _check_shapes(net, closed)
    targets = [(f"W_{N}", N, W, closed[N]) for N, W in enumerate(net.W)]
    if net.b is not None:
        closed_bias = closed_form_bias(net) if closed_bias is None else closed_bias
        targets += [(f"b_{N}", N, b, closed_bias[N]) for N, b in enumerate(net.b)]
    job = _Job(net, targets, one_sample)
    items = [(k, r, c) for k, t in enumerate(targets) for r in range(t[2].rows) for c in range(t[2].cols)]
    workers = 1 if workers is None else check_int(workers, "workers", 1, max_workers(),
                                                  hint="one process per CPU at most")
    outcomes = []
    if workers > 1:
        _JOB = job
        try:
            with multiprocessing.get_context("fork").Pool(workers, initializer=_ignore_sigint) as pool:
                for out in pool.imap_unordered(_check_in_worker, items, chunksize=1):
                    outcomes.append(out)
                    if progress:
                        progress(len(outcomes), len(items))
        finally:
            _JOB = None
    else:
        for item in items:
            outcomes.append(job.check(item))
            if progress:
                progress(len(outcomes), len(items))
    results = [MatrixResult(name, N, symbols.shape) for name, N, symbols, _ in targets]
    for k, r, c, proved, residual, seconds, _ in sorted(outcomes, key=lambda o: o[:3]):
        results[k].entries.append(EntryResult(r, c, targets[k][2][r, c], proved, residual, seconds))
    rational = any(o[6] for o in outcomes)
    method = "rational-function identity over QQ" if rational else "polynomial identity over QQ"
    if workers > 1:
        method += f" ({workers} processes)"
    return Proof(net.describe(), results, time.perf_counter() - start, method)


def _check_shapes(net: Network, closed: list[Matrix]) -> None:
    if not isinstance(closed, (list, tuple)) or not all(isinstance(C, sympy.MatrixBase) for C in closed):
        raise InvalidArgument("closed must be a list of sympy matrices, one per weight matrix W_N")
    if len(closed) != net.L:
        raise InvalidArgument(f"closed has {len(closed)} matrices, the network has {net.L} weight matrices")
    for N, (W, C) in enumerate(zip(net.W, closed, strict=True)):
        if C.shape != W.shape:
            raise InvalidArgument(f"closed-form grad W_{N} has shape {C.shape}, W_{N} has shape {W.shape}")


def entry_forms(net: Network, N: int, r: int, c: int, closed: list[Matrix] | None = None):
    """(weight symbol, ground truth, closed form) of grad W_N[r, c], both written with {}_N a_{Sx}^j."""
    mapping = atom_map(net)
    w = net.W[N][r, c]
    truth = _apply(derivative(net.cost, w), mapping)
    closed = closed_form(net) if closed is None else closed
    return w, truth, _apply(sympy.sympify(closed[N][r, c]), mapping)
