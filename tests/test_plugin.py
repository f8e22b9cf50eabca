"""The grader's pytest plugin: credit follows correctness (``depends_on``), and its
fixtures are of the kind pytest supports on a plugin object."""

import zlib

import pytest

from grader.assignment import load_assignment
from grader.errors import ConfigurationError
from grader.plugin import GraderPlugin
from grader.runner import grade
from grader.scaffold import new_assignment

HOLLOW = '''import numpy as np


def center(x):
    return None
'''


@pytest.fixture
def course(tmp_path, request):
    """A `grade new` course whose assignment has a name of this test's own (suites and
    references are imported once per process under their assignment's name)."""
    name = f"hw_{zlib.crc32(request.node.name.encode()):08x}"
    new_assignment(tmp_path, name)
    return tmp_path, name


def test_a_property_test_earns_nothing_when_the_values_it_depends_on_are_wrong(course, tmp_path):
    root, name = course
    submission = tmp_path / "hollow.py"
    submission.write_text(HOLLOW)
    result = grade(load_assignment(root, name), submission)
    by_name = {t.name: t for t in result.tests}
    prop = by_name["center: x is left as it was found"]
    assert prop.status == "failed" and prop.score == 0
    assert "counts only when the values it is about are right" in prop.output
    assert "center: matches the reference on random (N, D) inputs" in prop.output
    assert result.score == 0


def test_a_dependency_on_no_test_is_a_configuration_error(course):
    root, name = course
    hidden = root / "reference" / name / "tests" / "test_hidden.py"
    hidden.write_text(hidden.read_text().replace('depends_on("test_center_values")',
                                                 'depends_on("test_centre_values")'))
    with pytest.raises(ConfigurationError, match="test_centre_values"):
        grade(load_assignment(root, name), root / "reference" / name / f"{name}.py")


def test_the_reference_keeps_its_credit_with_depends_on(course):
    root, name = course
    result = grade(load_assignment(root, name), root / "reference" / name / f"{name}.py")
    assert result.score == result.max_score == 100


def test_no_fixture_of_the_plugin_has_a_scope_beyond_function():
    # pytest 9.1 deprecates (and pytest 10 refuses) a class- or session-scoped fixture
    # defined as an instance method; the plugin's are all function-scoped.
    scopes = {}
    for name, value in vars(GraderPlugin).items():
        marker = getattr(value, "_fixture_function_marker", None)
        if marker is not None:
            scopes[name] = marker.scope
    assert {"student", "reference", "rng", "data_dir", "device"} <= set(scopes)
    assert set(scopes.values()) == {"function"}, scopes
