"""Unit tests of grader.intake: the paths of ``grade batch`` become submissions.

Every tree is built in ``tmp_path`` (zips with ``zipfile``, in memory); each test runs
``collect`` from inside ``tmp_path`` so that origins read as an instructor would see
them (``class.zip!alice/backprop.py``).
"""

from __future__ import annotations

import functools
import hashlib
import io
import os
import stat
import zipfile
from pathlib import Path

import pytest

from grader.intake import (Intake, Submission, SubmissionProblem, ZipLimits, collect,
                           notebook_source)

SUB = "backprop.py"
ADIR = "assignments/hw3"
SRC = b"def forward(x):\n    return x\n"


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def run(*paths, **kwargs) -> Intake:
    return collect(list(paths), SUB, ADIR, **kwargs)


def by_id(intake: Intake) -> dict[str, Submission]:
    ids = [s.student for s in intake.submissions]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    return {s.student: s for s in intake.submissions}


def write(path: str | Path, data: bytes = SRC) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def zip_bytes(entries, compression=zipfile.ZIP_DEFLATED) -> bytes:
    """A zip of ``entries``: (name or ZipInfo, bytes) pairs; a name ending in '/' is a
    folder entry."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as zf:
        for name, data in entries:
            zf.writestr(name, data)
    return buffer.getvalue()


def write_zip(path: str | Path, entries, **kwargs) -> Path:
    return write(path, zip_bytes(entries, **kwargs))


def accepted(sub: Submission, source: bytes = SRC, origin: str | None = None):
    assert sub.problem == "", sub.problem
    assert sub.source == source
    if origin is not None:
        assert sub.origin == origin


def rejected(sub: Submission, *fragments: str):
    assert sub.source is None
    assert sub.problem
    for fragment in fragments:
        assert fragment in sub.problem, sub.problem


# ------------------------------------------------------------------ folders


def test_folder_of_py_files_with_skipped_files():
    write("subs/alice.py", b"a = 1\n")
    write("subs/bob.py", b"b = 2\n")
    write("subs/README.md", b"# notes\n")
    write("subs/.DS_Store", b"\0\0")
    write("subs/grades.csv", b"id,score\n")
    intake = run("subs")
    subs = by_id(intake)
    assert list(subs) == ["alice", "bob"]
    accepted(subs["alice"], b"a = 1\n", "subs/alice.py")
    accepted(subs["bob"], b"b = 2\n", "subs/bob.py")
    skipped = dict(intake.skipped)
    assert set(skipped) == {"subs/README.md", "subs/.DS_Store", "subs/grades.csv"}
    assert "hidden" in skipped["subs/.DS_Store"]
    assert "not a .py, .ipynb or .zip file" in skipped["subs/grades.csv"]


def test_student_repository_is_one_submission():
    write("hw3-alice/assignments/hw3/backprop.py")
    write("hw3-alice/assignments/hw3/tests/test_public.py", b"x = 1\n")
    write("hw3-alice/README.md", b"hello\n")
    write("alice/backprop.py", b"top = 1\n")
    write("alice/notes.txt", b"notes\n")
    subs = by_id(run("hw3-alice", "alice"))
    assert list(subs) == ["alice", "hw3-alice"]
    accepted(subs["hw3-alice"], SRC, "hw3-alice/assignments/hw3/backprop.py")
    accepted(subs["alice"], b"top = 1\n", "alice/backprop.py")


def test_folder_of_repositories():
    write("repos/hw3-alice/assignments/hw3/backprop.py")
    write("repos/hw3-alice/.git/objects/backprop.py", b"not this\n")
    write("repos/hw3-bob/README.md", b"forgot to push\n")
    write("repos/hw3-carol/old/backprop.py", b"old = 1\n")
    write("repos/hw3-carol/src/deep/backprop.py", b"new = 1\n")
    write("repos/hw3-dave/src/deep/backprop.py", b"dave = 1\n")
    write("repos/hw3-erin/solution.py", b"erin = 1\n")
    write("repos/hw3-erin/notes.md", b"notes\n")
    write("repos/hw3-frank/.git/backprop.py", b"only in .git\n")
    write("repos/hw3-gus/a.py", b"a\n")
    write("repos/hw3-gus/b.py", b"b\n")
    write("repos/.git/config", b"[core]\n")
    intake = run("repos")
    subs = by_id(intake)
    assert list(subs) == ["hw3-alice", "hw3-bob", "hw3-carol", "hw3-dave", "hw3-erin",
                          "hw3-frank", "hw3-gus"]
    accepted(subs["hw3-alice"], SRC, "repos/hw3-alice/assignments/hw3/backprop.py")
    rejected(subs["hw3-bob"])
    assert subs["hw3-bob"].problem == ("no backprop.py found in hw3-bob/ (looked for "
                                       "assignments/hw3/backprop.py and backprop.py)")
    assert subs["hw3-bob"].origin == "repos/hw3-bob"
    rejected(subs["hw3-carol"], "2 files named backprop.py in hw3-carol/: old/backprop.py, "
                                "src/deep/backprop.py")
    accepted(subs["hw3-dave"], b"dave = 1\n", "repos/hw3-dave/src/deep/backprop.py")
    accepted(subs["hw3-erin"], b"erin = 1\n", "repos/hw3-erin/solution.py")
    rejected(subs["hw3-frank"], "no backprop.py found in hw3-frank/")
    rejected(subs["hw3-gus"], "no backprop.py found", "2 .py files (a.py, b.py)")
    assert ("repos/.git", "hidden folder, not a submission") in intake.skipped


def test_files_given_directly_get_ids_from_their_names():
    write("alice/backprop.py", b"alice = 1\n")
    write("repos/hw3-bob/assignments/hw3/backprop.py", b"bob = 1\n")
    write("carol.py", b"carol = 1\n")
    subs = by_id(run("alice/backprop.py", "repos/hw3-bob/assignments/hw3/backprop.py", "carol.py"))
    assert list(subs) == ["alice", "carol", "hw3-bob"]
    accepted(subs["alice"], b"alice = 1\n", "alice/backprop.py")
    accepted(subs["hw3-bob"], b"bob = 1\n", "repos/hw3-bob/assignments/hw3/backprop.py")
    accepted(subs["carol"], b"carol = 1\n", "carol.py")


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links here")
def test_links_out_of_a_student_folder_are_refused():
    write("secret.txt", b"-----BEGIN OPENSSH PRIVATE KEY-----\n")
    Path("repos/hw3-eve/assignments/hw3").mkdir(parents=True)
    os.symlink(os.path.abspath("secret.txt"), "repos/hw3-eve/assignments/hw3/backprop.py")
    write("repos/hw3-fay/src/impl.py", b"fay = 1\n")
    Path("repos/hw3-fay/assignments/hw3").mkdir(parents=True)
    os.symlink("../../src/impl.py", "repos/hw3-fay/assignments/hw3/backprop.py")
    subs = by_id(run("repos"))
    rejected(subs["hw3-eve"], "unsafe link", "points outside its folder")
    accepted(subs["hw3-fay"], b"fay = 1\n", "repos/hw3-fay/assignments/hw3/backprop.py")


# ------------------------------------------------------------------ zips


def test_canvas_zip_with_id_pattern():
    write_zip("canvas.zip", [
        ("doejohn_12345_67890_backprop.py", b"john = 1\n"),
        ("smithjane_LATE_23456_78901_backprop.py", b"jane = 1\n"),
        ("stray.py", b"stray = 1\n"),
        ("notes.txt", b"hi\n"),
    ])
    intake = run("canvas.zip", id_pattern=r"_(?:LATE_)?(\d+)_\d+")
    subs = by_id(intake)
    assert list(subs) == ["12345", "23456", "stray"]
    accepted(subs["12345"], b"john = 1\n", "canvas.zip!doejohn_12345_67890_backprop.py")
    accepted(subs["23456"], b"jane = 1\n", "canvas.zip!smithjane_LATE_23456_78901_backprop.py")
    assert subs["stray"].problem == (r"its name 'stray' does not match --id-pattern "
                                     r"'_(?:LATE_)?(\d+)_\d+'")
    assert subs["stray"].source is None
    assert ("canvas.zip!notes.txt", "not a .py, .ipynb or .zip file") in intake.skipped
    # a named group `id` wins over group 1; no group: the whole match
    named = by_id(run("canvas.zip", id_pattern=r"^(\w+?)_(?:LATE_)?(?P<id>\d+)"))
    assert {"12345", "23456"} <= set(named)
    whole = by_id(run("canvas.zip", id_pattern=r"\d{5}"))
    assert {"12345", "23456"} <= set(whole)


def test_gradescope_zip_of_submission_folders():
    write_zip("gradescope.zip", [
        ("submission_metadata.yml", b"---\n"),
        ("submission_101/backprop.py", b"s101 = 1\n"),
        ("submission_102/hw/assignments/hw3/backprop.py", b"s102 = 1\n"),
        ("submission_103/", b""),
        ("__MACOSX/submission_101/._backprop.py", b"\0"),
    ])
    intake = run("gradescope.zip")
    subs = by_id(intake)
    assert list(subs) == ["submission_101", "submission_102", "submission_103"]
    accepted(subs["submission_101"], b"s101 = 1\n", "gradescope.zip!submission_101/backprop.py")
    accepted(subs["submission_102"], b"s102 = 1\n",
             "gradescope.zip!submission_102/hw/assignments/hw3/backprop.py")
    rejected(subs["submission_103"], "no backprop.py found in submission_103/")
    skipped = dict(intake.skipped)
    assert "gradescope.zip!submission_metadata.yml" not in skipped  # read: it names no one here
    assert "gradescope.zip!__MACOSX/" in skipped


GRADESCOPE_METADATA = """\
submission_101:
  :submitters:
  - :name: Alice Liddell
    :sid: '1001'
    :email: alice@example.edu
  :created_at: 2024-03-01 23:59:12.123456789 -08:00
  :score: 0.0
submission_102:
  :submitters:
  - :name: Bob Smith
    :sid: '1002'
    :email: bob@example.edu
  - :name: Carol Jones
    :sid: ''
    :email: carol@example.edu
  :created_at: 2024-03-02 08:00:00.000000000 -08:00
submission_103:
  :submitters:
  - :name: Dan Brown
    :sid: '1003'
  :created_at: 2024-03-01 12:00:00.000000000 -08:00
"""


def test_canvas_download_gives_user_ids_and_late_flags_without_a_pattern():
    write_zip("canvas.zip", [
        ("doejohn_12345_67890_backprop.py", b"john = 1\n"),
        ("smithjane_LATE_23456_78901_backprop.py", b"jane = 1\n"),
        ("stray.py", b"stray = 1\n"),
    ])
    subs = by_id(run("canvas.zip"))
    assert list(subs) == ["12345", "23456", "stray"]
    accepted(subs["12345"], b"john = 1\n", "canvas.zip!doejohn_12345_67890_backprop.py")
    assert (subs["12345"].late, subs["23456"].late, subs["stray"].late) == (False, True, None)
    # with a pattern the ids are the pattern's, and the LATE flag is still read
    named = by_id(run("canvas.zip", id_pattern=r"^([a-z]+)_"))
    assert named["smithjane"].late is True and named["doejohn"].late is False


def test_gradescope_export_gives_sids_names_times_and_one_submission_per_group_member():
    from datetime import datetime, timezone

    write_zip("gradescope.zip", [
        ("assignment_4021_export/submission_metadata.yml", GRADESCOPE_METADATA.encode()),
        ("assignment_4021_export/submission_101/backprop.py", b"s101 = 1\n"),
        ("assignment_4021_export/submission_102/backprop.py", b"s102 = 1\n"),
        ("assignment_4021_export/submission_103/notes.txt", b"nothing\n"),
        ("assignment_4021_export/submission_104/backprop.py", b"s104 = 1\n"),
    ])
    due = datetime(2024, 3, 2, 8, 0, tzinfo=timezone.utc)  # 2024-03-02 00:00 -08:00
    intake = run("gradescope.zip", due=due)
    subs = by_id(intake)
    assert list(subs) == ["1001", "1002", "1003", "carol@example.edu", "submission_104"]
    alice = subs["1001"]
    accepted(alice, b"s101 = 1\n", "gradescope.zip!assignment_4021_export/submission_101/backprop.py")
    assert (alice.name, alice.email, alice.submitted_at, alice.late) == (
        "Alice Liddell", "alice@example.edu", "2024-03-01T23:59:12.123456-08:00", False)
    # a group: one submission per member, the same file; Carol has no SID: her email
    for member in ("1002", "carol@example.edu"):
        accepted(subs[member], b"s102 = 1\n")
        assert subs[member].late is True
    assert (subs["1002"].name, subs["carol@example.edu"].name) == ("Bob Smith", "Carol Jones")
    rejected(subs["1003"], "no backprop.py found")
    assert subs["1003"].name == "Dan Brown" and subs["1003"].late is False
    assert subs["submission_104"].name == "" and subs["submission_104"].late is None
    assert intake.skipped == []  # the metadata was read, not skipped


def test_unreadable_gradescope_metadata_is_reported_and_the_batch_goes_on():
    write_zip("gradescope.zip", [("submission_metadata.yml", b"- [unclosed\n"),
                                 ("submission_101/backprop.py", b"s101 = 1\n")])
    intake = run("gradescope.zip")
    assert [s.student for s in intake.submissions] == ["submission_101"]
    [(origin, why)] = intake.skipped
    assert origin == "gradescope.zip!submission_metadata.yml"
    assert why.startswith("Gradescope metadata that cannot be used: gradescope.zip!submission_"
                          "metadata.yml is not a Gradescope metadata file")


def test_a_roster_names_students_by_any_of_their_ids(tmp_path):
    from grader.lms import read_roster

    write_zip("canvas.zip", [("doejohn_12345_67890_backprop.py", b"john = 1\n"),
                             ("smithjane_LATE_23456_78901_backprop.py", b"jane = 1\n")])
    write("roster.csv", "\ufeffStudent,ID,SIS User ID,SIS Login ID,Section\n"
                        "    Points Possible,,,,\n"
                        "\"Doe, John\",12345,S-1,jdoe,A\n"
                        "\"Smith, Jane\",99999,S-2,23456,A\n".encode())
    subs = by_id(run("canvas.zip", roster=read_roster(tmp_path / "roster.csv")))
    assert (subs["12345"].name, subs["23456"].name) == ("Doe, John", "Smith, Jane")
    assert subs["23456"].late is True  # the export's flag stays
    # a Gradescope roster: names from First and Last Name, matched by SID or email
    write("gs.csv", b"First Name,Last Name,SID,Email,Role\nAlice,Liddell,1001,alice@example.edu,Student\n"
                    b"Dan,Brown,,dan@example.edu,Student\n")
    write("alice.py", b"a = 1\n")
    write("dan@example.edu.py", b"d = 1\n")
    subs = by_id(run("alice.py", "dan@example.edu.py", roster=read_roster(tmp_path / "gs.csv")))
    assert subs["alice"].name == "" and subs["dan@example.edu"].name == "Dan Brown"
    assert subs["dan@example.edu"].email == "dan@example.edu"


def test_students_own_zip_is_one_submission():
    write_zip("alice.zip", [
        ("hw3/backprop.py", b"alice = 1\n"),
        ("hw3/README.md", b"readme\n"),
        ("__MACOSX/hw3/._backprop.py", b"\0"),
    ])
    write_zip("bob.zip", [
        ("assignments/hw3/backprop.py", b"bob = 1\n"),
        ("assignments/hw3/tests/test_public.py", b"t = 1\n"),
        ("README.md", b"readme\n"),
    ])
    subs = by_id(run("alice.zip", "bob.zip"))
    assert list(subs) == ["alice", "bob"]
    accepted(subs["alice"], b"alice = 1\n", "alice.zip!hw3/backprop.py")
    accepted(subs["bob"], b"bob = 1\n", "bob.zip!assignments/hw3/backprop.py")


def test_zip_inside_zip_and_depth_limit():
    inner = zip_bytes([("backprop.py", b"carol = 1\n")])
    write_zip("class.zip", [
        ("alice.zip", zip_bytes([("backprop.py", b"alice = 1\n")])),
        ("bob_123_assignsubmission_file_/bob.zip", zip_bytes([("hw3/backprop.py", b"bob = 1\n")])),
        ("carol.zip", zip_bytes([("inner.zip", inner)])),
    ])
    subs = by_id(run("class.zip"))
    assert list(subs) == ["alice", "bob_123_assignsubmission_file_", "carol"]
    accepted(subs["alice"], b"alice = 1\n", "class.zip!alice.zip!backprop.py")
    accepted(subs["bob_123_assignsubmission_file_"], b"bob = 1\n",
             "class.zip!bob_123_assignsubmission_file_/bob.zip!hw3/backprop.py")
    accepted(subs["carol"], b"carol = 1\n", "class.zip!carol.zip!inner.zip!backprop.py")

    shallow = by_id(run("class.zip", limits=ZipLimits(max_depth=1)))
    accepted(shallow["alice"], b"alice = 1\n")
    rejected(shallow["carol"], "nested more than 1 deep")
    assert shallow["carol"].origin == "class.zip!carol.zip!inner.zip"


# ------------------------------------------------------------------ unsafe zips


def test_zip_slip_rejects_the_submission_holding_it(tmp_path):
    write_zip("mallory.zip", [("backprop.py", SRC), ("../evil.py", b"import os\n")])
    write_zip("class.zip", [
        ("alice/backprop.py", b"alice = 1\n"),
        ("bob/backprop.py", b"bob = 1\n"),
        ("bob/../../evil.py", b"import os\n"),
    ])
    subs = by_id(run("mallory.zip", "class.zip"))
    assert subs["mallory"].problem == "unsafe path in the archive: '../evil.py' escapes its folder"
    assert subs["mallory"].source is None
    accepted(subs["alice"], b"alice = 1\n")
    rejected(subs["bob"], "unsafe path in the archive: 'bob/../../evil.py' escapes its folder")
    assert not (tmp_path.parent / "evil.py").exists() and not (tmp_path / "evil.py").exists()


@pytest.mark.parametrize("name", ["/abs.py", "C:/Windows/abs.py", "../evil.py"])
def test_unsafe_path_at_the_top_of_an_export_rejects_the_archive(name):
    write_zip("export.zip", [
        ("alice/backprop.py", b"alice = 1\n"),
        ("carol/backprop.py", b"carol = 1\n"),
        (name, b"import os\n"),
    ])
    intake = run("export.zip")
    assert [s.student for s in intake.submissions] == ["export"]
    rejected(intake.submissions[0], f"unsafe path in the archive: {name!r} escapes its folder")


def test_symlink_member_is_rejected():
    link = zipfile.ZipInfo("bob/backprop.py")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    write_zip("class.zip", [
        ("alice/backprop.py", b"alice = 1\n"),
        (link, b"/etc/passwd"),
    ])
    subs = by_id(run("class.zip"))
    accepted(subs["alice"], b"alice = 1\n")
    rejected(subs["bob"], "unsafe path in the archive: 'bob/backprop.py' is a symbolic link")


@functools.lru_cache(maxsize=1)
def bomb_zip() -> bytes:
    """A class export whose bob/backprop.py is 30 MB of zeros (about 30 KB compressed)."""
    return zip_bytes([("alice/backprop.py", b"alice = 1\n"),
                      ("bob/backprop.py", bytes(30 * 1024 * 1024))])


def test_zip_bomb_ratio_and_size_limits():
    write("bomb.zip", bomb_zip())
    subs = by_id(run("bomb.zip", limits=ZipLimits(max_file_mb=100, max_ratio=50)))
    accepted(subs["alice"], b"alice = 1\n")
    rejected(subs["bob"], "'bob/backprop.py' expands more than 50 times")
    subs = by_id(run("bomb.zip", limits=ZipLimits(max_file_mb=10, max_ratio=1e9)))
    accepted(subs["alice"], b"alice = 1\n")
    rejected(subs["bob"], "'bob/backprop.py' is larger than 10 MB uncompressed")
    assert subs["bob"].origin == "bomb.zip!bob/backprop.py"


def test_zip_total_limit_counts_bytes_actually_decompressed():
    blob = os.urandom(400 * 1024)  # incompressible: no ratio problem
    write_zip("class.zip", [(f"{s}/backprop.py", blob) for s in ("a", "b", "c")])
    subs = by_id(run("class.zip", limits=ZipLimits(max_total_mb=1)))
    accepted(subs["a"], blob)
    accepted(subs["b"], blob)
    rejected(subs["c"], "decompresses to more than 1 MB")


def _patch(data: bytes, signature: bytes, offset: int, fmt_size: int, value) -> bytes:
    """``data`` with the little-endian field at ``offset`` of every header starting with
    ``signature`` replaced by ``value(old)``."""
    out = bytearray(data)
    start = 0
    while (at := out.find(signature, start)) >= 0:
        field = slice(at + offset, at + offset + fmt_size)
        old = int.from_bytes(out[field], "little")
        out[field] = value(old).to_bytes(fmt_size, "little")
        start = at + 4
    return bytes(out)


def test_zip_header_lying_about_the_size_is_not_trusted():
    data = zip_bytes([("alice/backprop.py", b"x = 1\n" * 1000), ("bob/backprop.py", SRC)])
    central = data.index(b"PK\x01\x02")
    # the central directory says alice's file is 10 bytes long (it is 6000)
    lying = data[:central] + _patch(data[central:central + 46], b"PK\x01\x02", 24, 4,
                                    lambda old: 10) + data[central + 46:]
    write("class.zip", lying)
    subs = by_id(run("class.zip"))
    rejected(subs["alice"], "'alice/backprop.py' cannot be read", "damaged")
    accepted(subs["bob"], SRC)


def test_too_many_members_rejects_the_archive():
    write_zip("class.zip", [(f"s{i}/backprop.py", SRC) for i in range(4)])
    intake = run("class.zip", limits=ZipLimits(max_members=3))
    assert [s.student for s in intake.submissions] == ["class"]
    rejected(intake.submissions[0], "4 entries, more than the 3 allowed")


def test_corrupt_zips():
    write("garbage.zip", b"this is not a zip file at all")
    write("truncated.zip", zip_bytes([("backprop.py", SRC)])[:-30])
    write_zip("class.zip", [
        ("alice.zip", b"PK\x03\x04 garbage"),
        ("bob/backprop.py", b"bob = 1\n"),
    ])
    subs = by_id(run("garbage.zip", "truncated.zip", "class.zip"))
    rejected(subs["garbage"], "garbage.zip is not a valid zip archive")
    assert subs["garbage"].origin == "garbage.zip"
    rejected(subs["truncated"], "truncated.zip is not a valid zip archive")
    rejected(subs["alice"], "alice.zip is not a valid zip archive")
    assert subs["alice"].origin == "class.zip!alice.zip"
    accepted(subs["bob"], b"bob = 1\n")


def test_damaged_member_data():
    data = zip_bytes([("backprop.py", os.urandom(3000).hex().encode())])
    info = zipfile.ZipFile(io.BytesIO(data)).infolist()[0]
    start = info.header_offset + 30 + len(info.filename) + len(info.extra) + 100
    # flip bytes inside the member's compressed data (headers intact)
    write("alice.zip", data[:start] + bytes(b ^ 0xFF for b in data[start:start + 40])
          + data[start + 40:])
    subs = by_id(run("alice.zip"))
    rejected(subs["alice"], "'backprop.py' cannot be read")


def test_encrypted_member():
    data = zip_bytes([("alice/backprop.py", SRC), ("bob/backprop.py", SRC)])
    first_central = data.index(b"PK\x01\x02")
    # set the "encrypted" flag of the first member in its local and central headers
    data = _patch(data[:30], b"PK\x03\x04", 6, 2, lambda old: old | 1) + data[30:]
    data = (data[:first_central]
            + _patch(data[first_central:first_central + 46], b"PK\x01\x02", 8, 2,
                     lambda old: old | 1)
            + data[first_central + 46:])
    write("class.zip", data)
    subs = by_id(run("class.zip"))
    rejected(subs["alice"], "'alice/backprop.py' is encrypted")
    accepted(subs["bob"], SRC)


# ------------------------------------------------------------------ contents


def test_empty_whitespace_and_oversized_files():
    write("subs/empty.py", b"")
    write("subs/blank.py", b"  \n\t\r\n")
    write("subs/bom.py", b"\xef\xbb\xbf\n")
    write("subs/big.py", b"#" * 2000 + b"\n")
    write("subs/fine.py", b"x = 1\n" * 100)
    subs = by_id(run("subs", max_source_mb=0.001))
    assert subs["empty"].problem == "the file is empty"
    assert subs["empty"].origin == "subs/empty.py"
    assert subs["blank"].problem == "the file is empty"
    assert subs["bom"].problem == "the file is empty"
    assert subs["big"].problem == "the file is 2001 bytes, over the 0.001 MB limit for a submission"
    accepted(subs["fine"], b"x = 1\n" * 100)


def test_oversized_member_of_a_zip():
    write_zip("zipped.zip", [("huge/backprop.py", b"#" * 5000), ("ok/backprop.py", SRC)])
    subs = by_id(run("zipped.zip", max_source_mb=0.001))
    assert subs["huge"].problem == "the file is 5000 bytes, over the 0.001 MB limit for a submission"
    assert subs["huge"].origin == "zipped.zip!huge/backprop.py"
    accepted(subs["ok"], SRC)


def test_notebooks_are_converted_and_broken_ones_rejected():
    import nbformat

    from grader.notebook import python_source

    v4 = nbformat.v4
    data = nbformat.writes(v4.new_notebook(cells=[
        v4.new_markdown_cell("# hw3"), v4.new_code_cell("%matplotlib inline\nimport numpy as np"),
        v4.new_code_cell(SRC.decode())])).encode()
    truncated = data[:len(data) // 2]
    write("subs/alice.ipynb", data)
    write("bob.ipynb", data)
    write_zip("class.zip", [("carol/hw3.ipynb", data), ("dave/backprop.ipynb", truncated)])
    subs = by_id(run("subs", "bob.ipynb", "class.zip"))
    assert list(subs) == ["alice", "bob", "carol", "dave"]
    for student, origin, name in [("alice", "subs/alice.ipynb", "alice.ipynb"),
                                  ("bob", "bob.ipynb", "bob.ipynb"),
                                  ("carol", "class.zip!carol/hw3.ipynb", "hw3.ipynb")]:
        accepted(subs[student], python_source(data, name).encode("utf-8"), origin)
        assert b"import numpy as np" in subs[student].source
        assert b"\n%matplotlib" not in subs[student].source
    rejected(subs["dave"], "backprop.ipynb is not a valid notebook: the file ends in the middle "
                           "of its JSON", "truncated")
    assert subs["dave"].origin == "class.zip!dave/backprop.ipynb"
    with pytest.raises(SubmissionProblem, match=r"^x\.ipynb is empty") as info:
        notebook_source(b"", "class.zip!frank/x.ipynb")
    assert info.value.origin == "class.zip!frank/x.ipynb"


def test_unknown_type_and_missing_paths():
    write("report.pdf", b"%PDF-1.4\n")
    subs = by_id(run("report.pdf", "missing.py", "nowhere"))
    assert subs["report"].problem == "'report.pdf' is not a .py, .ipynb or .zip file"
    assert subs["missing"].problem == "cannot read 'missing.py': No such file or directory"
    assert subs["nowhere"].problem == "cannot read 'nowhere': No such file or directory"
    assert all(s.source is None for s in subs.values())


def test_non_utf8_and_invalid_python_are_kept_as_bytes():
    gbk = "# 反向传播\ndef forward(x):\n    return x\n".encode("gbk")
    latin = b"# caf\xe9\nx = 1\n"
    broken = b"def forward(x:\n"
    write("subs/gbk.py", gbk)
    write("subs/latin.py", latin)
    write("subs/broken.py", broken)
    write_zip("z.zip", [("wang/backprop.py", gbk), ("li/backprop.py", broken)])
    subs = by_id(run("subs", "z.zip"))
    accepted(subs["gbk"], gbk)
    accepted(subs["latin"], latin)
    accepted(subs["broken"], broken)
    accepted(subs["wang"], gbk, "z.zip!wang/backprop.py")
    accepted(subs["li"], broken)


# ------------------------------------------------------------------ ids


def test_duplicates_across_inputs_become_one_rejection():
    write_zip("a.zip", [("alice/backprop.py", b"one\n"), ("bob/backprop.py", b"bob\n")])
    write("alice.py", b"two\n")
    subs = by_id(run("a.zip", "alice.py"))
    assert list(subs) == ["alice", "bob"]
    assert subs["alice"].problem == ("2 submissions map to student id 'alice': "
                                     "a.zip!alice/backprop.py, alice.py; use --id-pattern or "
                                     "remove one")
    assert subs["alice"].source is None
    accepted(subs["bob"], b"bob\n")


def test_invalid_or_empty_id_pattern_raises_value_error():
    write("alice.py")
    with pytest.raises(ValueError, match=r"invalid --id-pattern '\(': "):
        run("alice.py", id_pattern="(")
    with pytest.raises(ValueError, match="invalid --id-pattern"):
        run("alice.py", id_pattern="")


def test_ids_are_stripped_and_an_empty_match_is_rejected():
    write("subs/ alice .py", b"a = 1\n")
    write("subs/x_.py", b"x = 1\n")
    subs = by_id(run("subs", id_pattern=r"_?(\d*)$"))
    # ' alice ' has no digits: group 1 matches empty
    assert all(s.source is None for s in subs.values())
    assert "gives an empty student id" in subs["alice"].problem
    plain = by_id(run("subs"))
    accepted(plain["alice"], b"a = 1\n")


# ------------------------------------------------------------------ hashes


def test_content_hash():
    write("subs/a.py", b"same = 1\n")
    write("subs/b.py", b"same = 1\n")
    write("subs/c.py", b"other = 1\n")
    write("subs/d.py", b"")
    first = by_id(run("subs"))
    again = by_id(run("subs"))
    assert first["a"].content_hash == again["a"].content_hash
    assert first["a"].content_hash == hashlib.sha256(b"same = 1\n").hexdigest()
    assert first["a"].content_hash == first["b"].content_hash
    assert first["a"].content_hash != first["c"].content_hash
    assert first["d"].content_hash == hashlib.sha256(b"rejected:the file is empty").hexdigest()
    other = Submission("d", "x", None, "another reason")
    assert other.content_hash != first["d"].content_hash


# ------------------------------------------------------------------ notebooks in repositories


STUB = b"def forward(x):\n    raise NotImplementedError\n"


def notebook(code: str) -> bytes:
    import nbformat

    v4 = nbformat.v4
    return nbformat.writes(v4.new_notebook(cells=[v4.new_markdown_cell("# hw3"),
                                                  v4.new_code_cell(code)])).encode()


def converted(data: bytes, name: str = "backprop.ipynb") -> bytes:
    from grader.notebook import python_source

    return python_source(data, name).encode("utf-8")


def test_a_repository_with_only_the_notebook_is_one_submission():
    nb = notebook(SRC.decode())
    write("hw3-alice/assignments/hw3/backprop.ipynb", nb)
    write("hw3-alice/README.md", b"readme\n")
    write("bob/backprop.ipynb", nb)
    write("bob/notes.py", b"notes = 1\n")                         # not the only candidate
    write("repos/hw3-carol/assignments/hw3/backprop.ipynb", nb)
    write("repos/hw3-dave/work/deep/backprop.ipynb", nb)         # the only one anywhere below
    write("repos/hw3-dave/work/scratch.py", b"x = 1\n")
    subs = by_id(run("hw3-alice", "bob", "repos"))
    assert list(subs) == ["bob", "hw3-alice", "hw3-carol", "hw3-dave"]
    accepted(subs["hw3-alice"], converted(nb), "hw3-alice/assignments/hw3/backprop.ipynb")
    accepted(subs["bob"], converted(nb), "bob/backprop.ipynb")
    accepted(subs["hw3-carol"], converted(nb), "repos/hw3-carol/assignments/hw3/backprop.ipynb")
    accepted(subs["hw3-dave"], converted(nb), "repos/hw3-dave/work/deep/backprop.ipynb")


def test_the_py_wins_unless_it_is_the_untouched_stub():
    edited_nb = notebook(SRC.decode())
    stub_nb = notebook(STUB.decode())
    # every released repository holds both files
    write("repos/hw3-alice/assignments/hw3/backprop.py", b"alice = 1\n")   # worked in the .py
    write("repos/hw3-alice/assignments/hw3/backprop.ipynb", stub_nb)
    write("repos/hw3-bob/assignments/hw3/backprop.py", STUB)               # worked in the notebook
    write("repos/hw3-bob/assignments/hw3/backprop.ipynb", edited_nb)
    write("repos/hw3-carol/assignments/hw3/backprop.py", STUB + b"\n")     # not byte-identical
    write("repos/hw3-carol/assignments/hw3/backprop.ipynb", edited_nb)
    write("repos/hw3-dave/assignments/hw3/backprop.py", STUB)              # did nothing
    write("repos/hw3-erin/src/backprop.py", STUB)                          # elsewhere, side by side
    write("repos/hw3-erin/src/backprop.ipynb", edited_nb)
    subs = by_id(run("repos", stub=STUB))
    accepted(subs["hw3-alice"], b"alice = 1\n", "repos/hw3-alice/assignments/hw3/backprop.py")
    accepted(subs["hw3-bob"], converted(edited_nb),
             "repos/hw3-bob/assignments/hw3/backprop.ipynb")
    accepted(subs["hw3-carol"], STUB + b"\n", "repos/hw3-carol/assignments/hw3/backprop.py")
    accepted(subs["hw3-dave"], STUB, "repos/hw3-dave/assignments/hw3/backprop.py")
    accepted(subs["hw3-erin"], converted(edited_nb), "repos/hw3-erin/src/backprop.ipynb")
    # without the stub, the .py always wins
    plain = by_id(run("repos"))
    accepted(plain["hw3-bob"], STUB, "repos/hw3-bob/assignments/hw3/backprop.py")


def test_the_same_choice_inside_zips():
    edited_nb = notebook(SRC.decode())
    write_zip("hw3-bob.zip", [("hw3-bob/assignments/hw3/backprop.py", STUB),
                              ("hw3-bob/assignments/hw3/backprop.ipynb", edited_nb),
                              ("hw3-bob/README.md", b"readme\n")])
    write_zip("class.zip", [
        ("alice/assignments/hw3/backprop.py", b"alice = 1\n"),
        ("alice/assignments/hw3/backprop.ipynb", edited_nb),
        ("carol/assignments/hw3/backprop.py", STUB),
        ("carol/assignments/hw3/backprop.ipynb", edited_nb),
        ("dave/backprop.ipynb", edited_nb),
        ("erin.zip", zip_bytes([("assignments/hw3/backprop.ipynb", edited_nb)])),
    ])
    subs = by_id(run("hw3-bob.zip", "class.zip", stub=STUB))
    assert list(subs) == ["alice", "carol", "dave", "erin", "hw3-bob"]
    accepted(subs["hw3-bob"], converted(edited_nb), "hw3-bob.zip!hw3-bob/assignments/hw3/backprop.ipynb")
    accepted(subs["alice"], b"alice = 1\n", "class.zip!alice/assignments/hw3/backprop.py")
    accepted(subs["carol"], converted(edited_nb), "class.zip!carol/assignments/hw3/backprop.ipynb")
    accepted(subs["dave"], converted(edited_nb), "class.zip!dave/backprop.ipynb")
    accepted(subs["erin"], converted(edited_nb), "class.zip!erin.zip!assignments/hw3/backprop.ipynb")


# ------------------------------------------------------------------ tamper flags


KEY = bytes(range(32))
PROTECTED = {"assignments/hw3/tests/test_public.py": b"def test_x():\n    assert True\n",
             "assignments/hw3/assignment.toml": b"name = 'hw3'\n",
             "assignments/hw4/tests/test_public.py": b"other = 1\n",
             ".github/workflows/grade.yml": b"on: push\n",
             "grader/x.py": b"engine = 1\n"}


def fake_repository(path: str | Path, key: bytes | None = None) -> Path:
    """A released student repository in miniature: protected files, the stub and its
    notebook, and the release record of them."""
    import json

    from grader import tamper

    repo = Path(path)
    for rel, data in PROTECTED.items():
        write(repo / rel, data)
    write(repo / "assignments/hw3/backprop.py", STUB)
    write(repo / "assignments/hw3/backprop.ipynb", notebook(STUB.decode()))
    write(repo / "README.md", b"readme\n")
    write(repo / ".grader/release.json", json.dumps(tamper.record(repo, key)).encode())
    return repo


def tree_entries(folder: Path, prefix: str = "") -> list[tuple[str, bytes]]:
    return [(prefix + p.relative_to(folder).as_posix(), p.read_bytes())
            for p in sorted(folder.rglob("*")) if p.is_file()]


CHANGED = "assignments/hw3/tests/test_public.py differs from the release"
ADDED = ".github/workflows/x.yml was added (it is not part of the release)"


def tamper_with(repo: Path) -> None:
    write(repo / "assignments/hw3/tests/test_public.py", b"def test_x():\n    pass\n")
    write(repo / ".github/workflows/x.yml", b"on: push\n")
    write(repo / "assignments/hw3/backprop.py", b"alice = 1\n")
    write(repo / "assignments/hw4/tests/test_public.py", b"not hw3's business\n")
    write(repo / "assignments/hw3/tests/__pycache__/t.cpython-311.pyc", b"\0")  # junk
    write(repo / ".git/config", b"[core]\n")


def test_flags_of_a_student_repository_folder():
    clean = fake_repository("repos/hw3-bob")
    alice = fake_repository("repos/hw3-alice")
    tamper_with(alice)
    write("repos/hw3-carol/assignments/hw3/backprop.py", b"carol = 1\n")  # no release record
    write("repos/hw3-carol/.github/workflows/x.yml", b"on: push\n")
    subs = by_id(run("repos", stub=STUB))
    accepted(subs["hw3-alice"], b"alice = 1\n")
    assert subs["hw3-alice"].flags == (CHANGED, ADDED)
    assert subs["hw3-bob"].flags == () and subs["hw3-carol"].flags == ()
    accepted(subs["hw3-bob"], converted(notebook(STUB.decode())))  # untouched .py: notebook
    # the repository given directly is the same
    assert by_id(run("repos/hw3-alice"))["hw3-alice"].flags == (CHANGED, ADDED)
    # a missing protected file, an unreadable one
    (clean / "grader/x.py").unlink()
    if hasattr(os, "symlink"):  # links are never listed nor followed: missing
        (clean / ".github/workflows/grade.yml").unlink()
        os.symlink(os.path.abspath("repos/hw3-alice/.github/workflows/grade.yml"),
                   clean / ".github/workflows/grade.yml")
    flags = by_id(run("repos"))["hw3-bob"].flags
    assert "grader/x.py is missing (it is part of the release)" in flags
    if hasattr(os, "symlink"):
        assert ".github/workflows/grade.yml is missing (it is part of the release)" in flags


def test_flags_verify_the_record_with_the_key():
    repo = fake_repository("repos/hw3-alice", key=KEY)
    assert by_id(run("repos", key=KEY))["hw3-alice"].flags == ()
    # a student who edits a test and its checksum too: only the key can tell
    import json

    from grader import tamper

    write(repo / "assignments/hw3/tests/test_public.py", b"def test_x():\n    pass\n")
    doc = tamper.record(repo)        # recomputed, without the MAC the student cannot make
    write(repo / ".grader/release.json", json.dumps(doc).encode())
    assert by_id(run("repos"))["hw3-alice"].flags == ()
    flags = by_id(run("repos", key=KEY))["hw3-alice"].flags
    assert len(flags) == 1 and "was altered" in flags[0]
    damaged = (".grader/release.json (the release record) is damaged",)
    for text in (b"{not json", b'{"format": 1, "files": {"": "00"}}'):
        write(repo / ".grader/release.json", text)
        assert by_id(run("repos"))["hw3-alice"].flags == damaged


def test_flags_of_zipped_repositories(tmp_path):
    alice = fake_repository(tmp_path / "build/hw3-alice")
    tamper_with(alice)
    bob = fake_repository(tmp_path / "build/hw3-bob")
    write_zip("hw3-alice.zip", tree_entries(alice, "hw3-alice/"))         # one top folder
    write_zip("class.zip", [*tree_entries(alice, "alice/"), *tree_entries(bob, "bob/"),
                            ("dave.zip", zip_bytes(tree_entries(alice)))])  # a zip in the zip
    subs = by_id(run("hw3-alice.zip", "class.zip", stub=STUB))
    assert list(subs) == ["alice", "bob", "dave", "hw3-alice"]
    for student in ("alice", "dave", "hw3-alice"):
        accepted(subs[student], b"alice = 1\n")
        assert subs[student].flags == (CHANGED, ADDED), student
    assert subs["bob"].flags == ()
    # a protected member over the per-entry limit cannot be read: it counts as missing
    import json

    from grader import tamper

    write(bob / "grader/big.py", b"#" * 5000)
    write(bob / ".grader/release.json", json.dumps(tamper.record(bob)).encode())
    write_zip("hw3-bob.zip", tree_entries(bob))
    small = by_id(run("hw3-bob.zip", limits=ZipLimits(max_file_mb=3000 / (1 << 20))))
    assert small["hw3-bob"].flags == ("grader/big.py is missing (it is part of the release)",)
    assert by_id(run("hw3-bob.zip"))["hw3-bob"].flags == ()


def test_a_rejected_repository_keeps_its_flags():
    alice = fake_repository("repos/hw3-alice")
    tamper_with(alice)
    write(alice / "assignments/hw3/backprop.py", b"   \n")
    sub = by_id(run("repos"))["hw3-alice"]
    rejected(sub, "the file is empty")
    assert sub.flags == (CHANGED, ADDED)


def test_content_hash_with_flags():
    src = b"alice = 1\n"
    plain = Submission("a", "x", src)
    assert plain.content_hash == hashlib.sha256(src).hexdigest()
    one = Submission("a", "x", src, flags=(CHANGED,))
    two = Submission("a", "x", src, flags=(CHANGED, ADDED))
    assert len({plain.content_hash, one.content_hash, two.content_hash}) == 3
    assert one.content_hash == Submission("b", "y", src, flags=(CHANGED,)).content_hash
    gone = Submission("a", "x", None, "the file is empty")
    flagged = Submission("a", "x", None, "the file is empty", (CHANGED,))
    assert gone.content_hash == hashlib.sha256(b"rejected:the file is empty").hexdigest()
    assert flagged.content_hash != gone.content_hash
    # from collect: an unflagged repository's hash is the source's
    fake_repository("repos/hw3-bob")
    write("repos/hw3-bob/assignments/hw3/backprop.py", src)
    bob = by_id(run("repos"))["hw3-bob"]
    assert bob.flags == () and bob.content_hash == hashlib.sha256(src).hexdigest()
    write("repos/hw3-bob/.github/workflows/x.yml", b"on: push\n")
    bob2 = by_id(run("repos"))["hw3-bob"]
    assert bob2.source == src and bob2.flags == (ADDED,)
    assert bob2.content_hash != bob.content_hash
