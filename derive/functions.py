"""Activations and costs as sympy objects, in registries keyed by name.

Activations (applied element-wise, eqs 13-14): each is a sympy ``Function`` class whose derivative
``fdiff`` is the textbook table entry; the table entry is checked against the defining expression by
sympy in the tests (for the sigmoid this is the paper's eq 15-16: phi' = phi (1 - phi)).

- ``sigmoid``  phi(z) = 1 / (1 + e^{-z})                     (eq 14), phi' = phi (1 - phi) (eq 16/17)
- ``tanh``     phi(z) = tanh z                                         phi' = 1 - phi^2
- ``relu``     phi(z) = max(0, z)                                      phi' = Heaviside(z) (kink at 0)
- ``identity`` phi(z) = z                                              phi' = 1
- ``phi``      an abstract, undefined activation: phi' stays the undefined function phi'(z), so a proof
               made with it holds for *every* differentiable activation.

Costs (per output node and sample, lambda(a, y); the batch cost is Lambda = (1/n) sum_Sx sum_j lambda):

- ``logloss``    lambda = -[y log a + (1 - y) log(1 - a)]  (eq 18/19 in its correct form: the paper prints
                 a minus sign inside the bracket and loses the outer minus in eq 19)
- ``mse``        lambda = (a - y)^2 / 2                     (quadratic cost of seed 003)
- ``softmax_ce`` lambda = -y log a with a softmax output layer (categorical cross-entropy)
"""
from __future__ import annotations

from dataclasses import dataclass, field

import mpmath
import sympy
from sympy import Function, Heaviside, Lambda, Symbol, exp, log

from .errors import InvalidArgument

__all__ = [
    "ACTIVATIONS", "COSTS", "Activation", "Cost", "sigmoid", "phi", "phi_prime", "relu", "identity", "tanh",
    "get_activation", "get_cost", "MPMATH_FUNCTIONS", "clear_derivative_memo", "EXTRA_COSTS",
]

_xi = Symbol("xi", real=True)


def _tex_call(name: str, arg: str, exp=None) -> str:
    body = name + r"\left(" + arg + r"\right)"
    return body if exp is None else r"\left(" + body + r"\right)^{" + str(exp) + "}"


class _MemoDerivative:
    """Memoizes sympy's own chain rule (``Function._eval_derivative``) per (application, symbol), and the
    free symbols of an application.

    In an MLP the same activation phi({}_N z_{Sx}^j) occurs in every path to the outputs; sympy would
    differentiate each occurrence again. The result is exactly what sympy computes, only computed once.
    """

    _memo: dict = {}

    @property
    def free_symbols(self):
        # sympy recomputes free symbols recursively on every query; an application is immutable, so its
        # set is computed once (diff asks for it at every level of the nested layers)
        cache = self.__dict__
        fs = cache.get("_free")
        if fs is None:
            fs = cache["_free"] = super().free_symbols
        return fs

    def diff(self, *symbols, **assumptions):
        if len(symbols) != 1 or assumptions or not isinstance(symbols[0], Symbol):
            return super().diff(*symbols, **assumptions)
        key = (self, symbols[0])
        memo = _MemoDerivative._memo
        hit = memo.get(key)
        if hit is None:
            if len(memo) > 200_000:
                memo.clear()
            hit = memo[key] = super().diff(symbols[0])
        return hit


def clear_derivative_memo() -> None:
    """Free the memo of activation derivatives (it only ever holds exact sympy results)."""
    _MemoDerivative._memo.clear()


class sigmoid(_MemoDerivative, Function):  # noqa: N801 - sympy function classes are lower case
    """The logistic function of eq 14; ``fdiff`` is eq 16: sigma' = sigma (1 - sigma)."""

    def fdiff(self, argindex=1):
        return self * (1 - self)

    def _eval_rewrite_as_exp(self, z, **kwargs):
        return 1 / (1 + exp(-z))

    def _eval_evalf(self, prec):
        return self.rewrite(exp)._eval_evalf(prec)

    def _latex(self, printer, exp=None):
        return _tex_call(r"\sigma", printer._print(self.args[0]), exp)


class phi_prime(Function):  # noqa: N801
    """The derivative phi'(z) of the abstract activation: an undefined function (eq 96)."""

    def _latex(self, printer, exp=None):
        return _tex_call(r"\phi'", printer._print(self.args[0]), exp)

    def _sympystr(self, printer):
        return "phi'(" + printer._print(self.args[0]) + ")"


class phi(_MemoDerivative, Function):  # noqa: N801
    """The abstract activation phi(z) of eq 13: undefined, its derivative is ``phi_prime(z)``."""

    def fdiff(self, argindex=1):
        return phi_prime(self.args[0])

    def _latex(self, printer, exp=None):
        return _tex_call(r"\phi", printer._print(self.args[0]), exp)


class relu(_MemoDerivative, Function):  # noqa: N801
    """max(0, z); its derivative is Heaviside(z), undefined at the kink z = 0."""

    def fdiff(self, argindex=1):
        return Heaviside(self.args[0])

    def _eval_rewrite_as_Max(self, z, **kwargs):
        return sympy.Max(0, z)

    def _eval_evalf(self, prec):
        return self.rewrite(sympy.Max)._eval_evalf(prec)


class tanh(_MemoDerivative, sympy.tanh):  # noqa: N801
    """sympy's tanh, phi' = 1 - tanh^2 (written with this class so that the proof sees one atom)."""

    def fdiff(self, argindex=1):
        return 1 - self**2


class identity(_MemoDerivative, Function):  # noqa: N801
    """The identity activation, kept unevaluated so that A_N stays a named quantity; phi' = 1."""

    def fdiff(self, argindex=1):
        return sympy.S.One

    def _eval_evalf(self, prec):
        return self.args[0]._eval_evalf(prec)


@dataclass(frozen=True)
class Activation:
    """A registry entry: ``func`` (a sympy Function class applied element-wise), its defining expression
    ``definition`` (None for the abstract phi), ``prime_in_a`` (phi' written with a = phi(z), eq 16/17;
    None when phi' is not a function of a), and the paper equation it implements."""

    name: str
    func: type
    definition: Lambda | None
    prime_in_a: Lambda | None
    latex: str
    equation: str
    kink: bool = False

    def __call__(self, z):
        return self.func(z)

    def prime(self, z):
        """phi'(z) as sympy differentiates ``func`` (eq 96): used for D_phi in the closed form."""
        return sympy.diff(self.func(_xi), _xi).xreplace({_xi: z})


_a = Symbol("a")
ACTIVATIONS: dict[str, Activation] = {
    "sigmoid": Activation("sigmoid", sigmoid, Lambda(_xi, 1 / (1 + exp(-_xi))), Lambda(_a, _a * (1 - _a)),
                          r"\phi(z) = \frac{1}{1 + e^{-z}}", "eq 14, 16"),
    "tanh": Activation("tanh", tanh, Lambda(_xi, sympy.tanh(_xi)), Lambda(_a, 1 - _a**2),
                       r"\phi(z) = \tanh z", "-"),
    "relu": Activation("relu", relu, Lambda(_xi, sympy.Max(0, _xi)), None,
                       r"\phi(z) = \max(0, z)", "-", kink=True),
    "identity": Activation("identity", identity, Lambda(_xi, _xi), Lambda(_a, sympy.S.One),
                           r"\phi(z) = z", "-"),
    "phi": Activation("phi", phi, None, None, r"\phi(z)\ \text{(any activation)}", "eq 13, 96"),
}


@dataclass(frozen=True)
class Cost:
    """A registry entry: ``pointwise(a, y)`` is lambda for one output node and sample (eq 18), the batch
    cost is (1/n) times its sum (eq 19). ``softmax`` marks a cost that owns its output activation."""

    name: str
    pointwise: Lambda
    latex: str
    equation: str
    softmax: bool = False
    notes: tuple[str, ...] = field(default=())

    def delta_out(self, a, y):
        """d lambda / d a (eq 20/21), derived by sympy."""
        return sympy.diff(self.pointwise(_a, _y), _a).xreplace({_a: a, _y: y})


_y = Symbol("y")
COSTS: dict[str, Cost] = {
    "logloss": Cost("logloss", Lambda((_a, _y), -(_y * log(_a) + (1 - _y) * log(1 - _a))),
                    r"\Lambda = -\frac{1}{n} \sum_{Sx} \sum_j \left[ y \log a + (1 - y) \log(1 - a) \right]",
                    "eq 18/19 (corrected signs)"),
    "mse": Cost("mse", Lambda((_a, _y), (_a - _y) ** 2 / 2),
                r"\Lambda = \frac{1}{2n} \sum_{Sx} \sum_j (a - y)^2", "seed 003"),
    "softmax_ce": Cost("softmax_ce", Lambda((_a, _y), -_y * log(_a)),
                       r"\Lambda = -\frac{1}{n} \sum_{Sx} \sum_j y \log a,\ a = \mathrm{softmax}(z)",
                       "-", softmax=True, notes=("targets: each column of Y sums to 1",)),
}

MPMATH_FUNCTIONS = {
    "sigmoid": lambda z: 1 / (1 + mpmath.exp(-z)),
    "relu": lambda z: z if z > 0 else mpmath.mpf(0),
    "identity": lambda z: z,
    "Heaviside": lambda z, *h: mpmath.mpf(1) if z > 0 else mpmath.mpf(0),
}


def get_activation(name: str) -> Activation:
    """Registry lookup with a one-line error listing the known names."""
    try:
        return ACTIVATIONS[name]
    except (KeyError, TypeError):
        raise InvalidArgument(f"unknown activation {name!r}; choose one of "
                              f"{', '.join(ACTIVATIONS)}") from None


# Costs registered at run time (derive.costs.register_cost: a user's expression, a reduction as a scale);
# kept apart from COSTS so that the built-in registry stays what the tests enumerate.
EXTRA_COSTS: dict[str, Cost] = {}


def get_cost(name: str) -> Cost:
    """Registry lookup with a one-line error listing the known names."""
    try:
        return COSTS[name] if name in COSTS else EXTRA_COSTS[name]
    except (KeyError, TypeError):
        raise InvalidArgument(f"unknown cost {name!r}; choose one of {', '.join(COSTS)}") from None
