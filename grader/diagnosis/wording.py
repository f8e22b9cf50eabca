"""A mutant's change said in a student's terms: what their result equals, never the
reference's code.

``"your result equals the correct one with the sum taken over axis 1 instead of axis
0 (in computing `db`)"``: the sentence names the kind of change (an axis, a reduction,
an operator, a sign, an accumulation, a step left out) and the quantity it is in (the
name the changed statement assigns, which is the contract's name where the reference
follows the handout: ``db``, ``loss``, ``w``).  Changes of a constant, or those with
no clear meaning for a student, have no wording and are not used for feedback.
"""

from __future__ import annotations

from grader.i18n import _
from grader.variants import Change

__all__ = ["worded", "change_phrase", "WORDED_KINDS"]

#: The kinds of change (``grader.variants.Change.kind``) that feedback can word.
WORDED_KINDS = ("axis", "reduction", "operator", "sign", "comparison", "logic",
                "accumulate", "argument", "boolean", "deleted")


def _operator_name(token: str) -> str:
    names = {
        "+": _("an addition"), "-": _("a subtraction"), "*": _("a multiplication"),
        "/": _("a division"), "//": _("a floor division"), "%": _("a remainder"),
        "**": _("a power"), "@": _("a matrix product"),
    }
    return names.get(token, f"`{token}`")


def _reduction_name(call: str) -> str:
    names = {"sum": _("sum"), "mean": _("mean"), "max": _("maximum"), "min": _("minimum"),
             "argmax": _("argmax"), "argmin": _("argmin"), "maximum": _("elementwise maximum"),
             "minimum": _("elementwise minimum"), "zeros": _("zeros"), "ones": _("ones"),
             "zeros_like": _("zeros"), "ones_like": _("ones"), "std": _("standard deviation"),
             "var": _("variance"), "prod": _("product"), "cumsum": _("cumulative sum")}
    return names.get(call, f"`{call}`")


def change_phrase(change: Change) -> str | None:
    """The change as a phrase that completes "your result equals the correct one ...",
    starting with "with" (in this run's language), or None where the change has no
    wording for a student (a constant changed, an expression set to None)."""
    kind, old, new = change.kind, change.old, change.new
    if kind == "axis":
        what = _reduction_name(change.call)
        if new == "None":
            return _("with the {what} taken over all entries instead of over axis {old}").format(
                what=what, old=old)
        return _("with the {what} taken over axis {new} instead of axis {old}").format(
            what=what, new=new, old=old)
    if kind == "reduction":
        if old in ("zeros", "ones", "zeros_like", "ones_like"):
            return _("with {new} where {old} belong").format(new=_reduction_name(new), old=_reduction_name(old))
        return _("with the {new} where the {old} belongs").format(new=_reduction_name(new),
                                                                 old=_reduction_name(old))
    if kind == "operator":
        return _("with {new} where {old} belongs").format(new=_operator_name(new), old=_operator_name(old))
    if kind == "sign":
        return _("with the sign flipped")
    if kind == "comparison":
        return _("with the comparison `{new}` where `{old}` belongs (the boundary case decided the "
                 "other way)").format(new=new, old=old)
    if kind == "logic":
        if old == "not":
            return _("with a condition reversed (a `not` left out)")
        return _("with `{new}` where `{old}` belongs in a condition").format(new=new, old=old)
    if kind == "accumulate":
        return _("with the value overwritten at each step where it must be accumulated (`=` where "
                 "`{old}` belongs)").format(old=old)
    if kind == "argument":
        if old in ("axis", "dim"):
            return _("with the {what} taken over all entries instead of along one axis").format(
                what=_reduction_name(change.call))
        return _("with the argument `{name}` of `{call}` left out").format(name=old, call=change.call)
    if kind == "boolean":
        return _("with {new} where {old} belongs").format(new=new, old=old)
    if kind == "deleted":
        if change.call:
            return _("with the call of `{call}()` left out").format(call=change.call)
        if not change.target:
            return None
        return _("with one step left out: the one that sets `{target}`").format(target=change.target)
    return None


def worded(change: Change | None, unit: str, function: str) -> str | None:
    """The whole finding for a mutant of ``unit`` that reproduces what the student's
    ``function`` returned: ``"your result equals the correct one with ... (in
    computing `db`)"``; with, when ``unit`` is a function that ``function`` uses,
    ``"in `affine_backward`"``.  None where the change has no wording."""
    if change is None or change.kind not in WORDED_KINDS:
        return None
    phrase = change_phrase(change)
    if phrase is None:
        return None
    where = []
    if change.target and change.kind != "deleted" and "," not in change.target:
        if change.kind == "accumulate":
            where.append(_("in updating `{target}`").format(target=change.target))
        else:
            where.append(_("in computing `{target}`").format(target=change.target))
    if unit != function:
        where.append(_("in `{unit}`").format(unit=unit))
    text = _("your result equals the correct one {change}").format(change=phrase)
    return text + (" (" + " ".join(where) + ")" if where else "")
