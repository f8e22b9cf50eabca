"""Unit tests of grader.lms: what Canvas and Gradescope exports and rosters say about
students."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from grader.lms import (LmsError, StudentInfo, canvas_name, gradescope_metadata, is_late,
                        parse_time, read_roster)


def test_canvas_names():
    name = canvas_name("smithjane_LATE_23456_78901_backprop.py")
    assert (name.login, name.late, name.user_id, name.submission_id, name.file) == (
        "smithjane", True, "23456", "78901", "backprop.py")
    assert canvas_name("doejohn_12345_67890_backprop-1.py").late is False
    for other in ("backprop.py", "hw3-alice", "submission_101", "doe_john_backprop.py"):
        assert canvas_name(other) is None


@pytest.mark.parametrize("text, expected", [
    ("2024-03-01 23:59:12.123456789 -08:00", datetime(2024, 3, 1, 23, 59, 12, 123456,
                                                       tzinfo=timezone(timedelta(hours=-8)))),
    ("2024-03-01T23:59:12-08:00", datetime(2024, 3, 1, 23, 59, 12, tzinfo=timezone(timedelta(hours=-8)))),
    ("2024-03-01T23:59", datetime(2024, 3, 1, 23, 59, tzinfo=timezone.utc)),
    ("2024-03-02 07:59:12 Z", datetime(2024, 3, 2, 7, 59, 12, tzinfo=timezone.utc)),
])
def test_times_as_exports_write_them(text, expected):
    assert parse_time(text) == expected


def test_what_is_not_a_time():
    assert parse_time("yesterday") is None and parse_time("") is None and parse_time(None) is None
    assert is_late("", datetime(2024, 1, 1, tzinfo=timezone.utc)) is None
    assert is_late("2024-01-02T00:00Z", None) is None
    due = datetime(2024, 3, 2, tzinfo=timezone.utc)
    assert is_late("2024-03-01 23:59:59 +00:00", due) is False
    assert is_late("2024-03-01 17:00:00 -08:00", due) is True   # 01:00 UTC on the 2nd


def test_gradescope_metadata_with_plain_or_symbol_keys():
    plain = gradescope_metadata(b"submission_9:\n  submitters:\n  - name: Eve\n    sid: 7\n"
                                b"  created_at: 2024-03-01T10:00:00Z\n")
    assert plain == {"submission_9": [StudentInfo(id="7", name="Eve", email="",
                                                  submitted_at="2024-03-01T10:00:00+00:00")]}
    assert gradescope_metadata(b"") == {} and gradescope_metadata(b"---\n") == {}
    no_one = gradescope_metadata(b"submission_1:\n  :submitters: []\n")
    assert no_one == {"submission_1": [StudentInfo()]}
    for bad in (b"- a list\n", b"key: [unclosed\n", b"\xff\xfe"):
        with pytest.raises(LmsError, match="is not a Gradescope metadata file"):
            gradescope_metadata(bad, "export.zip!submission_metadata.yml")


def test_roster_needs_an_id_column_and_a_name_or_email(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("Name,Section\nAlice,A\n")
    with pytest.raises(LmsError, match="needs a header with an id column"):
        read_roster(path)
    with pytest.raises(LmsError, match="cannot be read"):
        read_roster(tmp_path / "missing.csv")
    path.write_text("sid,email\n1001,alice@example.edu\n,\n")
    roster = read_roster(path)
    assert roster.find("1001") == StudentInfo(email="alice@example.edu")
    assert roster.find("ALICE@example.edu") == StudentInfo(email="alice@example.edu")
    assert roster.find("1002") is None


def test_merged_keeps_what_is_known():
    known = StudentInfo(id="1", name="Alice", late=True)
    assert known.merged(StudentInfo(name="A. Liddell", email="a@x.edu", late=False)) == StudentInfo(
        id="1", name="Alice", email="a@x.edu", late=True)
    assert StudentInfo().merged(None) == StudentInfo()
