"""Values of evaluated expressions: mpmath scalars and small dense matrices (:class:`Mat`), with the
operations a derivation uses. Errors are typed so that the checker can tell a wrong equation (a
:class:`ShapeError`) from something we cannot check (:class:`Unsupported`)."""
from __future__ import annotations

import mpmath

__all__ = ["Mat", "EvalError", "ShapeError", "Unsupported", "Undefined", "UndefinedValue", "OutOfRange",
           "require_finite", "combine", "broadcast", "TooExpensive", "power", "exp", "shape", "shape_text",
           "close",
           "matmul", "hadamard", "scale", "add", "neg", "transpose", "elementwise", "as_scalar", "fmt"]


class EvalError(Exception):
    """Base class of evaluation problems; ``pos`` is a 0-based offset in the equation text (or -1)."""

    def __init__(self, message: str, pos: int = -1):
        super().__init__(message)
        self.pos = pos


class ShapeError(EvalError):
    """Operands do not fit (a wrong equation, not an unsupported one)."""


class Unsupported(EvalError):
    """A construct or symbol the checker cannot give a value to: the equation is not checked."""


class Undefined(Unsupported):
    """A symbol that neither the notation nor the document defines: it never gets a value."""

    def __init__(self, name: str, pos: int = -1):
        super().__init__(f"undefined symbol {name}", pos)
        self.name = name


class UndefinedValue(Unsupported):
    """An undefined value (log 0, division by zero, NaN, an infinity, a complex number): never a 'holds'."""

    def __init__(self, what: str, pos: int = -1):
        super().__init__(f"undefined value: {what}", pos)


class TooExpensive(Unsupported):
    """A computation beyond the checker's bounds (magnitude, time): the equation is not checked."""

    def __init__(self, what: str, pos: int = -1):
        super().__init__(f"too expensive: {what}", pos)


MAX_LOG2 = 100_000   # results beyond 2^100000 (about 10^30000) are refused, not computed


def power(base, exponent, pos=-1):
    """base ** exponent for scalars, refused before it is computed when the result's magnitude explodes."""
    if not (_finite_real(base) and _finite_real(exponent)):
        raise UndefinedValue("a power of an undefined value", pos)
    if base == 0 and exponent < 0:
        raise UndefinedValue("division by zero (0 to a negative power)", pos)
    if base < 0 and exponent != int(exponent):
        raise UndefinedValue("a negative number to a fractional power (complex)", pos)
    if base != 0 and abs(exponent) * abs(mpmath.log(abs(base), 2)) > MAX_LOG2:
        raise TooExpensive("a power with a result beyond 10^30000", pos)
    return base ** exponent


def exp(x, pos=-1):
    """e^x, refused when |x| is beyond the magnitude bound."""
    if _finite_real(x) and abs(x) > MAX_LOG2 * 0.69:
        raise TooExpensive("e to a power beyond 10^30000", pos)
    return mpmath.exp(x)


class OutOfRange(EvalError):
    """A node, sample or layer index outside the document's sizes. ``free`` is True when the index is made
    only of free indices (that index combination is then simply not a valid instance of the equation)."""

    def __init__(self, message: str, pos: int = -1, free: bool = False):
        super().__init__(message, pos)
        self.free = free


class Mat:
    """A rows x cols matrix of mpf, stored row-major."""

    __slots__ = ("rows", "cols", "data")

    def __init__(self, data):
        self.data = [list(r) for r in data]
        self.rows = len(self.data)
        self.cols = len(self.data[0]) if self.data else 0

    def __getitem__(self, rc):
        return self.data[rc[0]][rc[1]]

    def map(self, fn) -> Mat:
        return Mat([[fn(x) for x in row] for row in self.data])

    def __repr__(self):
        return f"Mat({self.rows}x{self.cols})"


def shape(v) -> tuple[int, int]:
    return (v.rows, v.cols) if isinstance(v, Mat) else (1, 1)


def as_scalar(v):
    """A 1x1 matrix is its entry; anything else is returned unchanged."""
    if isinstance(v, Mat) and v.rows == 1 and v.cols == 1:
        return v.data[0][0]
    return v


def shape_text(v) -> str:
    return f"{v.rows}×{v.cols}" if isinstance(v, Mat) else "scalar"


def matmul(a, b, pos=-1, op="⊙"):
    a, b = as_scalar(a), as_scalar(b)
    if not isinstance(a, Mat) or not isinstance(b, Mat):
        return scale(a, b)
    if a.cols != b.rows:
        raise ShapeError(f"matrix product {shape_text(a)} {op} {shape_text(b)}: inner sizes differ", pos)
    return Mat([[mpmath.fsum(a.data[i][k] * b.data[k][j] for k in range(a.cols)) for j in range(b.cols)]
                for i in range(a.rows)])


def hadamard(a, b, pos=-1, op="*"):
    a, b = as_scalar(a), as_scalar(b)
    if not isinstance(a, Mat) or not isinstance(b, Mat):
        return scale(a, b)
    if (a.rows, a.cols) != (b.rows, b.cols):
        raise ShapeError(f"element-wise product {shape_text(a)} {op} {shape_text(b)}: shapes differ", pos)
    rows = zip(a.data, b.data, strict=True)
    return Mat([[x * y for x, y in zip(ra, rb, strict=True)] for ra, rb in rows])


def scale(a, b):
    if isinstance(a, Mat):
        return a.map(lambda x: x * b)
    if isinstance(b, Mat):
        return b.map(lambda x: a * x)
    return a * b


def add(a, b, sign=1, pos=-1):
    a, b = as_scalar(a), as_scalar(b)
    if isinstance(a, Mat) != isinstance(b, Mat):  # 1 - A, 1 + e^{-Z}: the scalar is broadcast
        if isinstance(a, Mat):
            return a.map(lambda x: x + sign * b)
        return b.map(lambda x: a + sign * x)
    if isinstance(a, Mat):
        if (a.rows, a.cols) != (b.rows, b.cols):
            a, b = broadcast(a, b, pos)   # Z = X W + b with b a row added to every row
        rows = zip(a.data, b.data, strict=True)
        return Mat([[x + sign * y for x, y in zip(ra, rb, strict=True)] for ra, rb in rows])
    return a + sign * b


def broadcast(a: Mat, b: Mat, pos=-1, what="add"):
    """numpy-style broadcasting of a row (1 x c) or a column (r x 1) against an r x c matrix."""
    rows, cols = max(a.rows, b.rows), max(a.cols, b.cols)
    if (rows, cols) not in ((a.rows, a.cols), (b.rows, b.cols)):
        raise ShapeError(f"cannot {what} a {shape_text(a)} and a {shape_text(b)} matrix", pos)

    def stretch(m):
        if (m.rows, m.cols) == (rows, cols):
            return m
        if m.rows == 1 and m.cols == cols:
            return Mat([m.data[0]] * rows)
        if m.cols == 1 and m.rows == rows:
            return Mat([[row[0]] * cols for row in m.data])
        raise ShapeError(f"cannot {what} a {shape_text(a)} and a {shape_text(b)} matrix", pos)

    return stretch(a), stretch(b)


def combine(fn, a, b, pos=-1):
    """fn applied entry by entry, scalars and rows/columns broadcast (max(0, Z), indicators)."""
    a, b = as_scalar(a), as_scalar(b)
    if not isinstance(a, Mat) and not isinstance(b, Mat):
        return fn(a, b)
    if not isinstance(a, Mat):
        return b.map(lambda y: fn(a, y))
    if not isinstance(b, Mat):
        return a.map(lambda x: fn(x, b))
    a, b = broadcast(a, b, pos, "compare")
    rows = zip(a.data, b.data, strict=True)
    return Mat([[fn(x, y) for x, y in zip(ra, rb, strict=True)] for ra, rb in rows])


def neg(a):
    return a.map(lambda x: -x) if isinstance(a, Mat) else -a


def transpose(a):
    if not isinstance(a, Mat):
        return a
    return Mat([[a.data[i][j] for i in range(a.rows)] for j in range(a.cols)])


def elementwise(fn, a):
    return a.map(fn) if isinstance(a, Mat) else fn(a)


def _finite_real(x) -> bool:
    if isinstance(x, mpmath.mpc | complex | Mat):
        return False
    try:
        return bool(mpmath.isfinite(x))
    except (TypeError, ValueError):
        return False


def require_finite(v, pos: int = -1):
    """``v`` unchanged when every entry is a finite real number, else :class:`UndefinedValue`."""
    entries = [x for row in v.data for x in row] if isinstance(v, Mat) else [v]
    for x in entries:
        if isinstance(x, mpmath.mpc | complex):
            raise UndefinedValue("a complex number where a real one is expected", pos)
        if not _finite_real(x):
            raise UndefinedValue("an infinity or NaN (log 0, division by zero, overflow?)", pos)
    return v


def close(x, y, tol) -> bool:
    """|x - y| <= tol * max(1, |x|, |y|) for finite real mpf scalars; False for anything undefined."""
    if not (_finite_real(x) and _finite_real(y)):
        return False
    return abs(x - y) <= tol * max(1, abs(x), abs(y))


def fmt(x, digits: int = 10) -> str:
    """A scalar for humans: 10 significant digits."""
    return mpmath.nstr(x, digits, min_fixed=-4, max_fixed=8)
