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

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from grader.variants import Variant
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
    """The (node, mutated node, what) of every mutation inside one function body."""

    def __init__(self):
        self.found: list[tuple[cst.CSTNode, cst.CSTNode, str]] = []
        self._skip = 0

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, (cst.Annotation, cst.Decorator)) or is_docstring(node):
            return False
        if isinstance(node, cst.Raise):
            return False  # its message is not graded; the statement's deletion is a mutant
        if isinstance(node, cst.SimpleStatementLine):
            if not any(isinstance(s, cst.Return) for s in node.body):
                self.found.append((node, cst.SimpleStatementLine(body=[cst.Pass()]),
                                   "statement deleted"))
        for kind, operator in _MUTMUT_OPERATORS:
            if isinstance(node, kind):
                for mutated in operator(node):
                    self.found.append((node, mutated, _WHAT.get(operator.__name__, "changed")))
        for kind, operator, what in _DOMAIN_OPERATORS:
            if isinstance(node, kind):
                for mutated in operator(node):
                    self.found.append((node, mutated, what))
        return True


def _snippet(module: cst.Module, node: cst.CSTNode, limit: int = 70) -> str:
    text = re.sub(r"\s+", " ", module.code_for_node(node)).strip()
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _body_statements(node: cst.FunctionDef) -> list[cst.CSTNode]:
    body = list(node.body.body) if isinstance(node.body, cst.IndentedBlock) else [node.body]
    return body[1:] if body and is_docstring(body[0]) else body


def mutants(source: str, function: str | None = None) -> list[Variant]:
    """The first-order mutants of every unit of ``source`` (public or not), or of unit
    ``function`` only; each is the whole module's source with one change.  Mutants
    whose code is the reference's, or another mutant's, are left out.

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
    for unit in chosen:
        node = function_node(module, unit.name)
        container = node if unit.owner is None else next(
            c for c in module.body if isinstance(c, cst.ClassDef) and c.name.value == unit.owner)
        before = module.code_for_node(container)
        start = full.index(before)  # a top-level statement's text appears once in its module
        collector = _Collector()
        statements = _body_statements(node)
        for stmt in statements:
            stmt.visit(collector)
        for original, mutated, what in collector.found:
            if original in statements and len(statements) == 1 and what == "statement deleted":
                continue
            position = positions.get(original)
            if position is not None and position.start.line in unmutated:
                continue
            new_function = node.deep_replace(original, mutated)
            new_container = new_function if container is node else \
                container.deep_replace(node, new_function)
            code = module.code_for_node(new_container)
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
            text = full[:start] + code + full[start + len(before):]
            found.append(Variant("mutant", unit.name, ident, f"{what}: {change}", text, line))
    return found
