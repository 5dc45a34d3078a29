"""Functions of a table notation: the activation (its derivative with a prime), the output activation,
the network h(x), the cost J(Theta), the paper's per-node cost lambda(a[, y]), the functions the document
defines, and (where the table allows them) arbitrary capital-Greek functions Psi(x)."""
from __future__ import annotations

from . import syntax as S
from .evaluate import abstract_function, ev
from .symbols import derivative_of, show, strip
from .values import Mat, Unsupported, elementwise

__all__ = ["Functions"]


class Functions:
    """``apply`` of :class:`.table.TableNotation`: what ``f(...)`` means for the table's function names."""

    def function_kind(self, sym):
        if not isinstance(sym, S.Sym):
            return None
        bare = S.Sym(-1, sym.name, sym.pre, sym.sub, sym.sup, 0)
        return self._functions.get(bare)

    def apply(self, sym, args, ctx):
        kind = self.function_kind(sym)
        if kind is None and self.is_cost(sym):
            kind = "cost"
        if kind is None:
            rule = ctx.defs.find("func", sym.name) if isinstance(sym, S.Sym) else None
            if rule is not None:
                return self._defined_function(sym, rule, args, ctx)
            if self.table.abstract_functions and _capital_greek(sym):
                return self._arbitrary(sym, args, ctx)
            return None
        if kind == "cost":
            return ctx.model.cost(ctx.overrides)   # J(Theta): the argument only names the parameters
        if kind == "node_cost":
            return self._node_cost(sym, args, ctx)
        if len(args) != 1:
            raise Unsupported(f"{show(sym)} takes one argument", sym.pos)
        value = ev(args[0], ctx)
        if kind == "network":
            return self.network_output(value, ctx, sym.pos)
        fn = ctx.model.phi_out if kind == "output_activation" else ctx.model.phi
        if sym.primes == 1:
            return elementwise(lambda z: derivative_of(fn, z), value)
        if sym.primes:
            raise Unsupported("higher derivatives of the activation", sym.pos)
        return elementwise(fn, value)

    def _defined_function(self, sym, rule, args, ctx):
        params = rule.binds.get("params", ())
        if not params:
            raise Unsupported(f"applying the function {sym.name} defined in ({rule.label})", sym.pos)
        if len(params) != len(args):
            raise Unsupported(f"({rule.label}) defines a function of {len(params)} argument(s)")
        values = tuple(ev(a, ctx) for a in args)
        inner = ctx.child()
        inner.overrides = ctx.overrides + tuple((("plain", p, 0, 0), v) for p, v in zip(params, values,
                                                                                       strict=True))
        inner.variables = ctx.variables | frozenset(params)
        return ev(rule.rhs, inner)

    def _arbitrary(self, sym, args, ctx):
        """Psi(x) the document never defines: an arbitrary smooth function, so only f(u) = f(v) compares."""
        ctx.abstract.add(sym.name)
        fn = abstract_function(sym.name, ctx.point)
        if len(args) != 1:
            raise Unsupported(f"{sym.name} with {len(args)} arguments", sym.pos)
        return elementwise(fn, ev(args[0], ctx))

    def _node_cost(self, sym, args, ctx):
        """lambda(a, y): the cost of one output node; lambda(a) takes the target of the node a names."""
        if len(args) not in (1, 2):
            raise Unsupported(f"{show(sym)} takes (a) or (a, y)", sym.pos)
        a = ev(args[0], ctx)
        if len(args) == 2:
            y = ev(args[1], ctx)
        else:
            ref = self.refs(strip(args[0]), ctx)
            if not isinstance(ref, tuple) or ref[0] != "a" or ref[1] != ctx.model.L:
                raise Unsupported(f"{show(sym)}(a) needs the value of one output node", sym.pos)
            y = ctx.model.targets(ctx.overrides).data[ref[2]][ref[3]]
        if isinstance(a, Mat) or isinstance(y, Mat):
            raise Unsupported(f"{show(sym)} of a matrix", sym.pos)
        return ctx.model.lam(a, y)


def _capital_greek(sym) -> bool:
    return isinstance(sym, S.Sym) and sym.name.startswith("\\") and sym.name[1:2].isupper()
