"""The networks verify checks: the paper's reference case, seeded random networks, adversarial sizes.

A :class:`Case` is data (sizes m_0..m_L, batch size n, seed, activation, cost); ``Case.data()`` draws
(weights, X, Y) from ``numpy.random.default_rng(seed)`` so every run sees the same numbers.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

__all__ = ["COINCIDENT", "REFERENCE_SIZES", "Case", "adversarial_sizes", "impl_cases", "main_cases",
           "parse_depths", "parse_sizes"]

# The paper's example MLP: L0 input, L1 and L2 hidden, L3 output (sect. 1.3; L1 has 2, L2 3, L3 2 nodes).
REFERENCE_SIZES = (3, 2, 3, 2)
REFERENCE_N = 3


@dataclass(frozen=True)
class Case:
    """One network to check: ``sizes`` (m_0, ..., m_L), batch ``n``, data ``seed``."""

    label: str
    sizes: tuple
    n: int
    seed: int = 0
    activation: str = "sigmoid"
    cost: str = "logloss"
    bias: bool = False
    output_activation: str | None = None  # a different activation on the output layer (eqs 95-96)

    @property
    def L(self) -> int:
        return len(self.sizes) - 1

    @property
    def shapes(self) -> list[tuple[int, int]]:
        return [(self.sizes[N + 1], self.sizes[N]) for N in range(self.L)]

    def data(self):
        """(weights, X, Y): W_N ~ N(0, 1.5^2 / m_N), X ~ N(0, 1), Y targets valid for the cost."""
        rng = np.random.default_rng(self.seed)
        weights = [rng.normal(0.0, 1.5 / np.sqrt(m_in), size=(m_out, m_in)) for m_out, m_in in self.shapes]
        X = rng.normal(size=(self.sizes[0], self.n))
        m_L = self.sizes[-1]
        if self.cost == "softmax_ce":
            Y = np.eye(m_L)[:, rng.integers(0, m_L, size=self.n)]
        else:
            Y = rng.uniform(0.05, 0.95, size=(m_L, self.n))
        return weights, X, Y

    def biases(self):
        """b_N ~ N(0, 0.5^2), shape (m_{N+1}, 1), when the case has biases; else None."""
        if not self.bias:
            return None
        rng = np.random.default_rng([self.seed, 1])
        return [rng.normal(0.0, 0.5, size=(m_out, 1)) for m_out, _ in self.shapes]

    def as_dict(self) -> dict:
        return {**asdict(self), "sizes": list(self.sizes)}


def parse_sizes(text: str) -> tuple[int, ...]:
    """"784,30,10" -> (784, 30, 10); raises ValueError with a one-line reason."""
    try:
        sizes = tuple(int(s) for s in text.replace("-", ",").split(",") if s.strip())
    except ValueError:
        raise ValueError(f"sizes must be comma-separated integers like 784,30,10, got {text!r}") from None
    if len(sizes) < 2:
        raise ValueError(f"need at least two layer sizes (input and output), got {text!r}")
    if min(sizes) < 1:
        raise ValueError(f"every layer needs at least one node, got {text!r}")
    return sizes


def _random_sizes(rng: np.random.Generator, depth: int, low: int, high: int) -> tuple[int, ...]:
    """Sizes with no two neighbouring layers equal (so no W_N is square and transposes show)."""
    sizes = [int(rng.integers(low, high + 1))]
    while len(sizes) < depth + 1:
        m = int(rng.integers(low, high + 1))
        if m != sizes[-1]:
            sizes.append(m)
    return tuple(sizes)


def main_cases(seed: int = 0, **network) -> list[Case]:
    """The reference case and one seeded random network per depth 1..6 (non-square, n = 1 and n > 1).

    network: Case fields activation, cost, bias, output_activation."""
    rng = np.random.default_rng(seed)
    cases = [Case("reference", REFERENCE_SIZES, REFERENCE_N, seed, **network)]
    for depth in range(1, 7):
        sizes = _random_sizes(rng, depth, 2, 5 if depth < 5 else 4)
        n = 1 if depth % 2 else int(rng.integers(2, 5))
        cases.append(Case(f"depth {depth}", sizes, n, seed + depth, **network))
    return cases


# (depth, n) of the adversarial cases: n = 1 and n > 1 (a missing 1/n or mixed samples vanish at n = 1),
# depth > 3 (a wrong recursion needs two hidden layers to show), sizes drawn by ``adversarial_sizes``.
ADVERSARIAL = [(3, 4), (2, 1), (4, 3), (5, 5)]


def adversarial_sizes(rng: np.random.Generator, depth: int, low: int = 2, high: int = 6,
                      tail_budget: int = 200) -> tuple[int, ...]:
    """Random sizes where common bugs cannot hide: no square W_N (m_N != m_{N+1}), no W_N^T shaped like a
    neighbour (m_N != m_{N+2}), all shapes distinct, more than one output node. ``tail_budget`` bounds
    m_2 * ... * m_L, which sets the size of sympy's expressions (and so the time of the symbolic truth)."""
    while True:
        sizes = _random_sizes(rng, depth, low, high)
        shapes = list(zip(sizes[1:], sizes[:-1], strict=True))
        if (sizes[-1] > 1 and all(sizes[i] != sizes[i + 2] for i in range(depth - 1))
                and len(set(shapes)) == len(shapes) and int(np.prod(sizes[2:])) <= tail_budget):
            return sizes


# Shape-coincident networks, where bugs that only show when shapes coincide hide from the adversarial ones
# (a transpose of a square W_N, a neighbour's gradient of equal shape, broadcasting over one output node or
# one sample): (label, sizes, n). At least one per depth 1..5.
COINCIDENT = [
    ("square W_0", (3, 3), 2),
    ("one output, n=1", (3, 3, 1), 1),
    ("all square", (3, 3, 3, 3), 3),
    ("W_N^T like neighbours", (2, 4, 2, 4, 2), 2),
    ("equal consecutive shapes", (3, 2, 2, 2, 3, 2), 2),
]


def parse_depths(text: str) -> tuple[int, ...]:
    """"2" or "2,3" or "1-4" -> sorted depths (numbers of weight matrices); ValueError with a reason."""
    found: set[int] = set()
    try:
        for part in text.split(","):
            low, _, high = part.strip().partition("-")
            found.update(range(int(low), int(high or low) + 1))
    except ValueError:
        raise ValueError(f"--depths must look like 2 or 2,3 or 1-4, got {text!r}") from None
    if not found or min(found) < 1 or max(found) > 8:
        raise ValueError(f"--depths must lie between 1 and 8, got {text!r}")
    return tuple(sorted(found))


def impl_cases(seed: int = 0, sizes=None, batch: int | None = None, depths=None, coincident: bool = True,
               **network) -> list[Case]:
    """Cases for a user's implementation: the reference, the adversarial sizes (non-square, revealing) and
    the shape-coincident ones, at the declared ``depths`` only (default: all); or the user's own sizes."""
    if sizes is not None:
        if depths and len(sizes) - 1 not in depths:
            raise ValueError(f"--sizes {','.join(map(str, sizes))} has depth {len(sizes) - 1}, outside "
                             f"--depths {','.join(map(str, depths))}")
        return [Case(f"{'-'.join(map(str, sizes))}", tuple(sizes), batch or 3, seed, **network)]
    rng = np.random.default_rng(seed)
    cases = [Case("reference", REFERENCE_SIZES, batch or REFERENCE_N, seed, **network)]
    for k, (depth, n) in enumerate(ADVERSARIAL, start=1):
        sizes = adversarial_sizes(rng, depth, tail_budget=max(24, 400 // n))
        cases.append(Case(f"adversarial {k}", sizes, batch or n, seed + k, **network))
    wanted = set(depths or range(1, 6))
    for depth in sorted(wanted - {c.L for c in cases if c.n > 1}):  # depths without a revealing case
        n = 2 + depth % 3
        sizes = adversarial_sizes(rng, depth, tail_budget=max(24, 400 // n)) if depth > 1 else (3, 2)
        cases.append(Case(f"adversarial depth {depth}", sizes, batch or n, seed + 10 + depth, **network))
    if coincident:
        for k, (label, sizes, n) in enumerate(COINCIDENT, start=1):
            cases.append(Case(f"coincident: {label}", sizes, batch or n, seed + 20 + k, **network))
    return [c for c in cases if c.L in wanted]
