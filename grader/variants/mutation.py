"""First-order mutants: the reference with one small change in one function.

The operators are mutmut's (``mutmut.mutation.mutators.mutation_operators``: arithmetic
and comparison operators swapped, ``and``/``or``, numbers + 1, ``True``/``False``, a
call's argument dropped or set to None, an assignment's value set to None, ``+=`` made
``=``, unary operators removed, strings changed), applied here to the nodes of one
function at a time, plus the mistakes typical of array code that mutmut does not make:
a reduction swapped (sum/mean, max/min, argmax/argmin, maximum/minimum, zeros/ones), an
axis changed (``axis=0`` and ``axis=1``, ``dim`` likewise), and a statement deleted.

Not mutated: docstrings, annotations, what a ``raise`` says (the message of an error is
not graded; deleting the whole ``raise`` is a mutant), and code on a line marked
``# pragma: no mutate`` (mutmut's marker): checks of inputs the contract says nothing
about, such as the error a reference raises for arrays of different lengths.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from grader.variants import Change, Variant
from grader.variants.source import is_docstring, function_node, parse, units

try:  # mutmut >= 3.5
    from mutmut.mutation.mutators import mutation_operators as _MUTMUT_OPERATORS
except ImportError:  # pragma: no cover - mutmut 3.0 to 3.4
    from mutmut.node_mutation import mutation_operators as _MUTMUT_OPERATORS

__all__ = ["mutants", "SWAPPED_CALLS"]

#: Calls that a mutant swaps for their counterpart (``np.sum`` -> ``np.mean``, ``x.max()``
#: -> ``x.min()``).
SWAPPED_CALLS = {
    "sum": "mean", "mean": "sum", "max": "min", "min": "max", "argmax": "argmin",
    "argmin": "argmax", "maximum": "minimum", "minimum": "maximum", "zeros": "ones",
    "ones": "zeros", "zeros_like": "ones_like", "ones_like": "zeros_like",
}
_AXIS_KEYWORDS = ("axis", "dim")

#: mutmut's operator functions, by what they do (for descriptions).
_WHAT = {
    "operator_number": "constant changed", "operator_string": "string changed",
    "operator_name": "name swapped", "operator_assignment": "value set to None",
    "operator_augmented_assignment": "augmented assignment made plain",
    "operator_remove_unary_ops": "unary operator removed",
    "operator_dict_arguments": "dict keyword changed", "operator_arg_removal": "argument changed",
    "operator_symmetric_string_methods_swap": "string method swapped",
    "operator_unsymmetrical_string_methods_swap": "string method swapped",
    "operator_lambda": "lambda body replaced", "operator_keywords": "keyword swapped",
    "operator_swap_op": "operator swapped", "operator_match": "case removed",
    "operator_if_exp": "branch forced",
}


def _swap_call(node: cst.Call) -> Iterator[cst.Call]:
    func = node.func
    if isinstance(func, cst.Attribute) and func.attr.value in SWAPPED_CALLS:
        yield node.with_changes(func=func.with_changes(attr=cst.Name(SWAPPED_CALLS[func.attr.value])))
    elif isinstance(func, cst.Name) and func.value in ("max", "min"):
        yield node.with_changes(func=cst.Name(SWAPPED_CALLS[func.value]))


def _axis_value(expr: cst.BaseExpression) -> int | None:
    if isinstance(expr, cst.Integer):
        return int(expr.value)
    if (isinstance(expr, cst.UnaryOperation) and isinstance(expr.operator, cst.Minus)
            and isinstance(expr.expression, cst.Integer)):
        return -int(expr.expression.value)
    return None


def _swap_axis(node: cst.Call) -> Iterator[cst.Call]:
    for i, arg in enumerate(node.args):
        if arg.keyword is None or arg.keyword.value not in _AXIS_KEYWORDS:
            continue
        value = _axis_value(arg.value)
        others = {0: (1,), 1: (0,), -1: (0,)}.get(value, ())
        for other in others:
            new = arg.with_changes(value=cst.Integer(str(other)))
            yield node.with_changes(args=[*node.args[:i], new, *node.args[i + 1:]])


_DOMAIN_OPERATORS = [(cst.Call, _swap_call, "call swapped"), (cst.Call, _swap_axis, "axis changed")]


class _Collector(cst.CSTVisitor):
    """The (node, mutated node, what, change) of every mutation inside one function
    body."""

    def __init__(self, module: cst.Module, visible: set[str] | None = None):
        self.module = module
        self.visible = visible
        self.found: list[tuple[cst.CSTNode, cst.CSTNode, str, Change]] = []
        self._statements: list[cst.SimpleStatementLine] = []

    def _add(self, node: cst.CSTNode, mutated: cst.CSTNode, what: str) -> None:
        statement = self._statements[-1] if self._statements else None
        change = _change(self.module, node, mutated, what, statement)
        if self.visible is not None and change.target and \
                not set(re.split(r"\s*,\s*", change.target)) <= self.visible:
            change = replace(change, target="")  # an internal name means nothing to a student
        self.found.append((node, mutated, what, change))

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, (cst.Annotation, cst.Decorator)) or is_docstring(node):
            return False
        if isinstance(node, cst.Raise):
            return False  # its message is not graded; the statement's deletion is a mutant
        if isinstance(node, cst.SimpleStatementLine):
            self._statements.append(node)
            if not any(isinstance(s, cst.Return) for s in node.body):
                self._add(node, cst.SimpleStatementLine(body=[cst.Pass()]), "statement deleted")
        for kind, operator in _MUTMUT_OPERATORS:
            if isinstance(node, kind):
                for mutated in operator(node):
                    self._add(node, mutated, _WHAT.get(operator.__name__, "changed"))
        for kind, operator, what in _DOMAIN_OPERATORS:
            if isinstance(node, kind):
                for mutated in operator(node):
                    self._add(node, mutated, what)
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        if isinstance(original_node, cst.SimpleStatementLine) and self._statements:
            self._statements.pop()


def _visible(node: cst.FunctionDef, params: tuple[str, ...]) -> set[str]:
    """The names of a function a student knows: its parameters and what it returns by
    name (``return dx, dW, db``; ``return float(loss), da``; the values of a returned
    dict), as the contract names them."""
    names = {p.lstrip("*") for p in params}

    class Returns(cst.CSTVisitor):
        def visit_Return(self, ret: cst.Return) -> None:
            stack = [ret.value] if ret.value is not None else []
            while stack:
                value = stack.pop()
                if isinstance(value, cst.Name):
                    names.add(value.value)
                elif isinstance(value, (cst.Tuple, cst.List)):
                    stack += [e.value for e in value.elements]
                elif isinstance(value, cst.Dict):
                    stack += [e.value for e in value.elements if isinstance(e, cst.DictElement)]
                elif isinstance(value, cst.Call) and len(value.args) == 1 and \
                        _called(value) in ("float", "int", "asarray", "array", "item", "tuple", "list"):
                    stack.append(value.args[0].value)

        def visit_FunctionDef(self, inner: cst.FunctionDef) -> bool:
            return inner is node  # not the returns of a nested function

    node.visit(Returns())
    return names


def _code(module: cst.Module, node: cst.CSTNode | None) -> str:
    return "" if node is None else re.sub(r"\s+", " ", module.code_for_node(node)).strip()


def _called(call: cst.Call) -> str:
    """The name of the function a call calls: ``sum`` for ``np.sum(x)`` and ``x.sum()``."""
    func = call.func
    return func.attr.value if isinstance(func, cst.Attribute) else \
        func.value if isinstance(func, cst.Name) else ""


def _target(module: cst.Module, statement: cst.SimpleStatementLine | None) -> str:
    """What ``statement`` computes: the names it assigns, the name of the call of a
    statement that is only a call (``zero_``), or "" (a return, or no statement)."""
    if statement is None or not statement.body:
        return ""
    small = statement.body[0]
    if isinstance(small, cst.Assign):
        return ", ".join(_code(module, t.target) for t in small.targets)
    if isinstance(small, (cst.AugAssign, cst.AnnAssign)):
        return _code(module, small.target)
    if isinstance(small, cst.Expr) and isinstance(small.value, cst.Call):
        return _called(small.value)
    return ""


def _change(module: cst.Module, node: cst.CSTNode, mutated: cst.CSTNode, what: str,
            statement: cst.SimpleStatementLine | None) -> Change:
    """The change from ``node`` to ``mutated`` as data (``grader.variants.Change``)."""
    target = _target(module, statement)
    if what == "statement deleted":
        small = statement.body[0] if statement is not None and statement.body else None
        if isinstance(small, cst.Expr) and isinstance(small.value, cst.Call):
            return Change("deleted", call=target)
        return Change("deleted", target=target)
    if what == "axis changed":
        old = next(_code(module, a.value) for a in node.args
                   if a.keyword is not None and a.keyword.value in _AXIS_KEYWORDS)
        new = next(_code(module, a.value) for a in mutated.args
                   if a.keyword is not None and a.keyword.value in _AXIS_KEYWORDS)
        return Change("axis", old, new, target, _called(node))
    if what == "call swapped":
        return Change("reduction", _called(node), _called(mutated), target)
    if what == "augmented assignment made plain":
        return Change("accumulate", _code(module, node.operator), "=", target)
    if what == "constant changed":
        return Change("constant", _code(module, node), _code(module, mutated), target)
    if what == "name swapped" and _code(module, node) in ("True", "False"):
        return Change("boolean", _code(module, node), _code(module, mutated), target)
    if what == "unary operator removed":
        return Change("logic" if isinstance(node.operator, cst.Not) else "other",
                      _code(module, node.operator), "", target)
    if what == "operator swapped":
        old, new = _code(module, node.operator), _code(module, mutated.operator)
        if isinstance(node, cst.UnaryOperation):
            return Change("sign" if isinstance(node.operator, cst.Minus) else "other", old, new, target)
        if isinstance(node, cst.ComparisonTarget):
            return Change("comparison", old, new, target)
        if isinstance(node, cst.BooleanOperation):
            return Change("logic", old, new, target)
        return Change("operator", old, new, target)
    if what == "argument changed" and isinstance(node, cst.Call) and len(mutated.args) == len(node.args):
        for before, after in zip(node.args, mutated.args):
            if before.keyword is not None and before.keyword.value in _AXIS_KEYWORDS \
                    and _code(module, after.value) == "None" != _code(module, before.value):
                return Change("axis", _code(module, before.value), "None", target, _called(node))
    if what == "argument changed" and isinstance(node, cst.Call) and len(mutated.args) < len(node.args):
        kept = {_code(module, a) for a in mutated.args}
        gone = [a for a in node.args if _code(module, a) not in kept]
        if len(gone) == 1 and gone[0].keyword is not None:
            return Change("argument", gone[0].keyword.value, "", target, _called(node))
    return Change("other", _code(module, node), _code(module, mutated), target)


def _snippet(module: cst.Module, node: cst.CSTNode, limit: int = 70) -> str:
    text = re.sub(r"\s+", " ", module.code_for_node(node)).strip()
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _body_statements(node: cst.FunctionDef) -> list[cst.CSTNode]:
    body = list(node.body.body) if isinstance(node.body, cst.IndentedBlock) else [node.body]
    return body[1:] if body and is_docstring(body[0]) else body


def mutants(source: str, function: str | None = None, *, kinds: "set[str] | None" = None,
            whole_source: bool = True) -> list[Variant]:
    """The first-order mutants of every unit of ``source`` (public or not), or of unit
    ``function`` only; each is the whole module's source with one change.  Mutants
    whose code is the reference's, or another mutant's, are left out.

    Args:
        source: the module's source.
        function: one unit's name, or None for every unit.
        kinds: only the mutants whose change is of these kinds (``Change.kind``), or
            None for all: feedback asks for those it can word, which is faster.
        whole_source: False to leave ``Variant.source`` empty (only ``code``, the
            changed unit, is made: enough for ``grader.variants.patch``).

    Raises:
        KeyError: ``function`` is not a unit of ``source``.
    """
    module = parse(source)
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    positions = wrapper.resolve(PositionProvider)
    chosen = [u for u in units(source) if function is None or u.name == function]
    if function is not None and not chosen:
        raise KeyError(function)
    found: list[Variant] = []
    full = module.code
    unmutated = {i for i, line in enumerate(source.splitlines(), start=1)
                 if "# pragma: no mutate" in line}
    seen_code: set[str] = set()
    seen_ids: dict[str, int] = {}
    line_starts = [0]
    for line in full.splitlines(keepends=True):
        line_starts.append(line_starts[-1] + len(line))
    for unit in chosen:
        node = function_node(module, unit.name)
        container = node if unit.owner is None else next(
            c for c in module.body if isinstance(c, cst.ClassDef) and c.name.value == unit.owner)
        before = module.code_for_node(container)
        start = full.index(before)  # a top-level statement's text appears once in its module
        collector = _Collector(module, _visible(node, unit.params))
        statements = _body_statements(node)
        for stmt in statements:
            stmt.visit(collector)
        for original, mutated, what, change_data in collector.found:
            if original in statements and len(statements) == 1 and what == "statement deleted":
                continue
            if kinds is not None and change_data.kind not in kinds:
                continue
            position = positions.get(original)
            if position is not None and position.start.line in unmutated:
                continue
            if whole_source or position is None:
                new_function = node.deep_replace(original, mutated)
                new_container = new_function if container is node else \
                    container.deep_replace(node, new_function)
                code = module.code_for_node(new_container)
            else:  # the changed text spliced in: much faster than rewriting the tree
                a = line_starts[position.start.line - 1] + position.start.column - start
                b = line_starts[position.end.line - 1] + position.end.column - start
                replacement = "pass" if what == "statement deleted" else module.code_for_node(mutated)
                code = before[:a] + replacement + before[b:]
            if code == before or code in seen_code:
                continue
            seen_code.add(code)
            old_text, new_text = _snippet(module, original), _snippet(module, mutated)
            change = (f"delete `{old_text}`" if what == "statement deleted"
                      else f"`{old_text}` -> `{new_text}`")
            ident = f"{unit.name}: {change}"
            seen_ids[ident] = seen_ids.get(ident, 0) + 1
            if seen_ids[ident] > 1:
                ident += f" #{seen_ids[ident]}"
            line = position.start.line if position is not None else unit.line
            text = full[:start] + code + full[start + len(before):] if whole_source else ""
            found.append(Variant("mutant", unit.name, ident, f"{what}: {change}", text, line,
                                 change_data, code))
    return found
