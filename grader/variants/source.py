"""A module's source as units (functions and methods), their dependencies, and the
rewriting of one unit: the ground every kind of variant is built on.

Sources are handled with libcst (a concrete syntax tree: comments and layout survive a
rewrite, so a variant reads like the reference it came from).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

__all__ = ["Unit", "units", "replace_function", "replace_body", "dependencies", "dependants", "is_docstring",
           "function_node", "parse"]


@dataclass(frozen=True)
class Unit:
    """One function of a module: a top-level ``def`` or a method of a top-level class.

    Attributes:
        name: ``"gradient"``, or ``"PimaDataset.__getitem__"`` for a method.
        owner: the class's name for a method, else None.
        params: the parameters' names, without a method's ``self``.
        public: whether students write it: a top-level function or class whose name does
            not start with ``_`` (a public class's methods, dunders included, are public).
        line: the line of its ``def``.
    """

    name: str
    owner: str | None
    params: tuple[str, ...]
    public: bool
    line: int

    @property
    def short(self) -> str:
        """The name without the class: ``"__getitem__"``."""
        return self.name.rsplit(".", 1)[-1]


@lru_cache(maxsize=64)
def parse(source: str) -> cst.Module:
    """The libcst module of ``source`` (cached: sources are immutable strings).

    Raises:
        libcst.ParserSyntaxError: ``source`` is not valid Python.
    """
    return cst.parse_module(source)


def _param_names(node: cst.FunctionDef, method: bool) -> tuple[str, ...]:
    params = node.params
    names = [p.name.value for p in (*params.posonly_params, *params.params)]
    if method and names and not _is_static(node):
        names = names[1:]
    if isinstance(params.star_arg, cst.Param):
        names.append("*" + params.star_arg.name.value)
    names += [p.name.value for p in params.kwonly_params]
    if params.star_kwarg is not None:
        names.append("**" + params.star_kwarg.name.value)
    return tuple(names)


def _is_static(node: cst.FunctionDef) -> bool:
    return any(isinstance(d.decorator, cst.Name) and d.decorator.value == "staticmethod"
               for d in node.decorators)


def units(source: str) -> list[Unit]:
    """Every top-level function and every method of a top-level class, in file order."""
    wrapper = MetadataWrapper(parse(source), unsafe_skip_copy=True)
    positions = wrapper.resolve(PositionProvider)
    found = []
    for stmt in wrapper.module.body:
        if isinstance(stmt, cst.FunctionDef):
            found.append(Unit(stmt.name.value, None, _param_names(stmt, False),
                              not stmt.name.value.startswith("_"), positions[stmt].start.line))
        elif isinstance(stmt, cst.ClassDef):
            public = not stmt.name.value.startswith("_")
            for inner in stmt.body.body:
                if isinstance(inner, cst.FunctionDef):
                    name = inner.name.value
                    found.append(Unit(f"{stmt.name.value}.{name}", stmt.name.value,
                                      _param_names(inner, True),
                                      public and (not name.startswith("_") or
                                                  (name.startswith("__") and name.endswith("__"))),
                                      positions[inner].start.line))
    return found


def function_node(module: cst.Module, name: str) -> cst.FunctionDef:
    """The ``def`` of unit ``name`` in ``module``.

    Raises:
        KeyError: there is no such unit.
    """
    owner, _, short = name.rpartition(".")
    for stmt in module.body:
        if not owner and isinstance(stmt, cst.FunctionDef) and stmt.name.value == short:
            return stmt
        if owner and isinstance(stmt, cst.ClassDef) and stmt.name.value == owner:
            for inner in stmt.body.body:
                if isinstance(inner, cst.FunctionDef) and inner.name.value == short:
                    return inner
    raise KeyError(name)


def replace_function(source: str, name: str, new: cst.FunctionDef) -> str:
    """``source`` with the ``def`` of unit ``name`` replaced by ``new``."""
    module = parse(source)
    return module.deep_replace(function_node(module, name), new).code


def replace_body(source: str, name: str, body: str) -> str:
    """``source`` with the body of unit ``name`` replaced by ``body`` (statements, any
    indentation; the signature, decorators and docstring are kept).

    Raises:
        KeyError: there is no such unit.
        libcst.ParserSyntaxError: ``body`` is not valid Python.
    """
    import textwrap

    module = parse(source)
    node = function_node(module, name)
    statements = list(cst.parse_module(textwrap.dedent(body)).body)
    old = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
    if old and is_docstring(old[0]):
        statements.insert(0, old[0])
    new = node.with_changes(body=cst.IndentedBlock(body=statements))
    return module.deep_replace(node, new).code


def is_docstring(stmt: cst.CSTNode) -> bool:
    """Whether ``stmt`` is a statement that is only a string (a docstring)."""
    return (isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1
            and isinstance(stmt.body[0], cst.Expr)
            and isinstance(stmt.body[0].value, (cst.SimpleString, cst.ConcatenatedString)))


class _References(cst.CSTVisitor):
    def __init__(self):
        self.names: set[str] = set()
        self.self_attributes: set[str] = set()

    def visit_Name(self, node: cst.Name) -> None:
        self.names.add(node.value)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if isinstance(node.value, cst.Name) and node.value.value in ("self", "cls"):
            self.self_attributes.add(node.attr.value)


def dependencies(source: str) -> dict[str, set[str]]:
    """For each unit, the units it uses directly: the top-level functions it names, every
    method of a class it names, and for a method, the methods of its class that it
    reaches through ``self`` and its class's ``__init__`` (the state it reads)."""
    module = parse(source)
    all_units = units(source)
    by_class: dict[str, list[str]] = {}
    for u in all_units:
        if u.owner:
            by_class.setdefault(u.owner, []).append(u.name)
    top = {u.name for u in all_units if not u.owner}
    result: dict[str, set[str]] = {}
    for u in all_units:
        visitor = _References()
        function_node(module, u.name).body.visit(visitor)
        used = {n for n in visitor.names if n in top and n != u.name}
        for cls in visitor.names & by_class.keys():
            used.update(by_class[cls])
        if u.owner:
            used.update(f"{u.owner}.{a}" for a in visitor.self_attributes
                        if f"{u.owner}.{a}" in by_class[u.owner])
            if f"{u.owner}.__init__" in by_class[u.owner]:
                used.add(f"{u.owner}.__init__")
        used.discard(u.name)
        result[u.name] = used
    return result


def dependants(source: str, name: str) -> set[str]:
    """The units whose result can change when unit ``name`` changes: ``name`` itself and
    every unit that uses it, directly or through others (``dependencies``)."""
    uses = dependencies(source)
    found, frontier = {name}, [name]
    while frontier:
        current = frontier.pop()
        for unit, used in uses.items():
            if current in used and unit not in found:
                found.add(unit)
                frontier.append(unit)
    return found
