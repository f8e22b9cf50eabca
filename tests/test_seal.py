"""grader.seal: hidden suites sealed with AES-GCM, opened only with the course's key."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import shutil
import stat
import tarfile
from pathlib import Path

import pytest

from grader.assignment import find_course_root
from grader.errors import ConfigurationError
from grader.keys import derive, secret_name
from grader.seal import (BUNDLE_DIR, KEY_ENV, MAGIC, SealError, bundle_key, bundle_path, header,
                         is_current, key_from_env, new_key, open_bundle, parse_key, seal,
                         unsealed, write_bundles)

REFERENCE = find_course_root() / "reference" / "hw3"


def _original_files() -> dict[str, bytes]:
    """The real reference/hw3's files, listed independently of grader.seal."""
    return {p.relative_to(REFERENCE).as_posix(): p.read_bytes()
            for p in sorted(REFERENCE.rglob("*"))
            if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
            and not any(part.startswith(".") for part in p.relative_to(REFERENCE).parts)}


@pytest.fixture
def course(tmp_path: Path) -> Path:
    """A course root holding a copy of the real reference/hw3."""
    shutil.copytree(REFERENCE, tmp_path / "reference" / "hw3",
                    ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


@pytest.fixture
def key_text() -> str:
    return new_key()


@pytest.fixture
def key(key_text: str) -> bytes:
    return parse_key(key_text)


@pytest.fixture
def sealed(course: Path, key: bytes) -> Path:
    """The path of hw3's bundle, freshly written."""
    [path] = write_bundles(course, ["hw3"], key)
    return path


def _hand_sealed(members: dict[str, bytes], manifest: dict, name: str, key: bytes) -> bytes:
    """A bundle built without grader.seal, with whatever members and manifest, properly
    encrypted and authenticated for ``name`` under the assignment key derived from the
    course ``key``: what only the key's holder could make."""
    import hmac

    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for member, data in {"MANIFEST.json": json.dumps(manifest).encode(),
                             **members}.items():
            info = tarfile.TarInfo(member)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    salt, nonce = os.urandom(16), os.urandom(12)
    own = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt,
               info=b"dl-grader assignment key v2\0" + name.encode()).derive(key)
    check = hmac.new(own, b"dl-grader key check v2", hashlib.sha256).digest()[:8]
    aad = b"dl-grader sealed suite v2\0" + name.encode() + b"\0" + salt + check
    return MAGIC + salt + check + nonce + AESGCM(own).encrypt(nonce, buffer.getvalue(), aad)


def _manifest(name: str, members: dict[str, bytes]) -> dict:
    return {"format": 1, "assignment": name,
            "files": {m: hashlib.sha256(d).hexdigest() for m, d in members.items()}}


# ----------------------------------------------------------------------------- round trip

def test_round_trip_restores_every_file_of_the_real_reference(course, key, sealed):
    assert sealed == course / BUNDLE_DIR / "hw3.sealed" == bundle_path(course, "hw3")
    assert sealed.is_file()
    originals = _original_files()
    assert {"backprop.py", "misconceptions.py", "tests/test_hidden.py"} <= set(originals)
    assert open_bundle(sealed.read_bytes(), "hw3", key) == originals


def test_seal_uses_a_fresh_nonce_each_time(course, key):
    first = seal(course / "reference" / "hw3", "hw3", key)
    second = seal(course / "reference" / "hw3", "hw3", key)
    assert first.startswith(MAGIC) and second.startswith(MAGIC)
    assert first[len(MAGIC):len(MAGIC) + 12] != second[len(MAGIC):len(MAGIC) + 12]
    assert open_bundle(first, "hw3", key) == open_bundle(second, "hw3", key)


def test_bundle_holds_no_line_of_the_plaintext(sealed):
    data = sealed.read_bytes()
    assert data.startswith(MAGIC)
    assert not data.startswith(b"\x1f\x8b")           # not gzip
    assert data[257:262] != b"ustar"                   # not a tar
    assert b"MANIFEST" not in data
    checked = 0
    for rel, content in _original_files().items():
        assert rel.encode() not in data
        for line in content.splitlines():
            # lines of 1-5 characters ("pass", ")") may occur in random bytes by chance
            if len(line.strip()) >= 6:
                assert line.strip() not in data, (rel, line)
                checked += 1
    assert checked > 200


# ----------------------------------------------------------------------------- refusals

def test_wrong_key_is_refused_naming_the_file_and_not_the_key(course, key_text, sealed):
    wrong_text = new_key()
    with pytest.raises(SealError) as caught:
        with unsealed(course, "hw3", parse_key(wrong_text)):
            pytest.fail("opened with the wrong key")
    message = str(caught.value)
    assert str(sealed) in message
    assert KEY_ENV in message and "neither the course's key nor hw3's key (GRADER_KEY_HW3)" in message
    assert wrong_text not in message and key_text not in message
    assert isinstance(caught.value, ConfigurationError)
    with pytest.raises(SealError, match="hw3.sealed"):
        open_bundle(sealed.read_bytes(), "hw3", parse_key(wrong_text))
    with pytest.raises(SealError):
        is_current(course, "hw3", parse_key(wrong_text))


@pytest.mark.parametrize("where", ["magic", "salt-first", "salt-last", "check-first",
                                   "check-last", "nonce-first", "nonce-last", "middle",
                                   "tag-first", "tag-last"])
def test_a_flipped_byte_anywhere_is_refused(sealed, key, where):
    data = bytearray(sealed.read_bytes())
    header = len(MAGIC) + 16 + 8
    position = {"magic": 3, "salt-first": len(MAGIC), "salt-last": len(MAGIC) + 15,
                "check-first": len(MAGIC) + 16, "check-last": header - 1,
                "nonce-first": header, "nonce-last": header + 11,
                "middle": len(data) // 2, "tag-first": len(data) - 16,
                "tag-last": len(data) - 1}[where]
    data[position] ^= 0x01
    with pytest.raises(SealError):
        open_bundle(bytes(data), "hw3", key)


def test_a_bundle_renamed_to_another_assignment_is_refused(course, sealed, key):
    renamed = bundle_path(course, "hw4")
    sealed.rename(renamed)
    with pytest.raises(SealError, match="hw4.sealed"):
        with unsealed(course, "hw4", key):
            pytest.fail("hw3's bundle opened as hw4")
    with pytest.raises(SealError):
        open_bundle(renamed.read_bytes(), "hw4", key)
    assert open_bundle(renamed.read_bytes(), "hw3", key)  # still hw3's, under any file name


@pytest.mark.parametrize("length", [0, 5, len(MAGIC), len(MAGIC) + 24 + 12 + 15])
def test_a_truncated_header_is_not_a_sealed_bundle(sealed, key, length):
    with pytest.raises(SealError, match="not a sealed bundle"):
        open_bundle(sealed.read_bytes()[:length], "hw3", key)


@pytest.mark.parametrize("cut", ["half", "last-byte"])
def test_a_truncated_body_is_refused(sealed, key, cut):
    data = sealed.read_bytes()
    data = data[:len(data) // 2] if cut == "half" else data[:-1]
    with pytest.raises(SealError):
        open_bundle(data, "hw3", key)


@pytest.mark.parametrize("content", [b"hello", b"DLGSEAL", b"\x1f\x8b" + b"\0" * 100,
                                     REFERENCE.joinpath("backprop.py").read_bytes()])
def test_other_files_are_not_sealed_bundles(content, key):
    with pytest.raises(SealError, match="not a sealed bundle"):
        open_bundle(content, "hw3", key)


def test_a_real_tar_gz_of_the_reference_is_not_a_sealed_bundle(course, key):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        tar.add(course / "reference" / "hw3", arcname="hw3")
    with pytest.raises(SealError, match="not a sealed bundle"):
        open_bundle(buffer.getvalue(), "hw3", key)


# ----------------------------------------------------------------------------- authentic but wrong

def test_manifest_for_another_assignment_is_refused(key):
    members = {"tests/test_x.py": b"def test_x(): pass\n"}
    data = _hand_sealed(members, _manifest("hw4", members), "hw3", key)
    with pytest.raises(SealError, match="hw4"):
        open_bundle(data, "hw3", key)
    good = _hand_sealed(members, _manifest("hw3", members), "hw3", key)
    assert open_bundle(good, "hw3", key) == members


def test_digest_mismatch_and_unlisted_files_are_refused(key):
    members = {"tests/test_x.py": b"def test_x(): pass\n"}
    manifest = _manifest("hw3", {"tests/test_x.py": b"something else"})
    with pytest.raises(SealError, match="SHA-256"):
        open_bundle(_hand_sealed(members, manifest, "hw3", key), "hw3", key)
    extra = {**members, "extra.py": b"x = 1\n"}
    with pytest.raises(SealError, match="manifest"):
        open_bundle(_hand_sealed(extra, _manifest("hw3", members), "hw3", key), "hw3", key)


@pytest.mark.parametrize("member", ["../evil.py", "/etc/evil.py", "tests/../../evil.py",
                                    "./evil.py", "a//b.py"])
def test_unsafe_member_paths_are_refused_even_when_authentic(tmp_path, key, member):
    members = {member: b"x = 1\n"}
    data = _hand_sealed(members, _manifest("hw3", members), "hw3", key)
    with pytest.raises(SealError, match="unsafe path"):
        open_bundle(data, "hw3", key)
    bundle_path(tmp_path, "hw3").parent.mkdir()
    bundle_path(tmp_path, "hw3").write_bytes(data)
    with pytest.raises(SealError):
        with unsealed(tmp_path, "hw3", key):
            pytest.fail("unsafe bundle opened")
    assert not (tmp_path / "evil.py").exists()
    assert not list(Path(os.environ.get("TMPDIR", "/tmp")).glob("evil.py"))


# ----------------------------------------------------------------------------- keys

def test_new_key_is_44_characters_of_urlsafe_base64_of_32_random_bytes():
    text = new_key()
    assert len(text) == 44
    assert len(base64.urlsafe_b64decode(text)) == 32
    assert parse_key(text) == base64.urlsafe_b64decode(text)
    assert parse_key(f"  {text}\n") == parse_key(text)
    assert new_key() != text


@pytest.mark.parametrize("text", ["", "   \n", "not a key!!", "*" * 44,
                                  base64.urlsafe_b64encode(b"k" * 16).decode(),
                                  base64.urlsafe_b64encode(b"k" * 33).decode(),
                                  base64.urlsafe_b64encode(b"k" * 32).decode()[:-2],
                                  base64.b64encode(b"\xff" * 32).decode()])
def test_parse_key_refuses_what_is_not_a_key_without_echoing_it(text):
    with pytest.raises(SealError) as caught:
        parse_key(text)
    if text.strip():
        assert text.strip() not in str(caught.value)
    assert KEY_ENV in str(caught.value)


def test_key_from_env(key_text, key):
    assert key_from_env({}) is None
    assert key_from_env({KEY_ENV: ""}) is None
    assert key_from_env({KEY_ENV: "  "}) is None
    assert key_from_env({KEY_ENV: key_text + "\n"}) == key
    with pytest.raises(SealError):
        key_from_env({KEY_ENV: "garbage"})


# ----------------------------------------------------------------------------- unsealed()

def test_unsealed_yields_a_private_reference_root_removed_afterwards(sealed, course, key):
    originals = _original_files()
    with unsealed(course, "hw3", key) as reference_root:
        assert reference_root.name.startswith("grader-sealed-")
        assert stat.S_IMODE(reference_root.stat().st_mode) == 0o700
        assert [p.name for p in reference_root.iterdir()] == ["hw3"]
        assert list((reference_root / "hw3" / "tests").glob("test_*.py"))
        for rel, content in originals.items():
            assert (reference_root / "hw3" / rel).read_bytes() == content
        files = {p.relative_to(reference_root / "hw3").as_posix()
                 for p in (reference_root / "hw3").rglob("*") if p.is_file()}
        assert files == set(originals)
    assert not reference_root.exists()


def test_unsealed_removes_its_folder_when_the_body_raises(sealed, course, key):
    with pytest.raises(RuntimeError, match="boom"):
        with unsealed(course, "hw3", key) as reference_root:
            assert (reference_root / "hw3" / "backprop.py").is_file()
            raise RuntimeError("boom")
    assert not reference_root.exists()


def test_unsealed_without_a_bundle_raises_file_not_found(course, key):
    assert not bundle_path(course, "hw3").is_file()
    with pytest.raises(FileNotFoundError):
        with unsealed(course, "hw3", key):
            pytest.fail("opened a missing bundle")
    assert is_current(course, "hw3", key) is False


# ----------------------------------------------------------------------------- is_current

def test_is_current_follows_edits_additions_and_removals(course, key, sealed):
    folder = course / "reference" / "hw3"
    assert is_current(course, "hw3", key) is True

    original = (folder / "backprop.py").read_bytes()
    (folder / "backprop.py").write_bytes(original + b"# edited\n")
    assert is_current(course, "hw3", key) is False
    (folder / "backprop.py").write_bytes(original)
    assert is_current(course, "hw3", key) is True

    (folder / "tests" / "test_more.py").write_text("def test_more(): pass\n")
    assert is_current(course, "hw3", key) is False
    (folder / "tests" / "test_more.py").unlink()
    assert is_current(course, "hw3", key) is True

    (folder / "misconceptions.py").unlink()
    assert is_current(course, "hw3", key) is False
    write_bundles(course, ["hw3"], key)
    assert is_current(course, "hw3", key) is True


def test_caches_and_hidden_files_are_not_sealed_and_do_not_make_a_bundle_stale(course, key):
    folder = course / "reference" / "hw3"
    for junk in ["__pycache__/backprop.cpython-311.pyc", "tests/__pycache__/t.cpython-311.pyc",
                 "__pycache__/lock.json", "stray.pyc", ".DS_Store", ".cache/notes.txt", "tests/.hidden.py"]:
        (folder / junk).parent.mkdir(parents=True, exist_ok=True)
        (folder / junk).write_bytes(b"junk\n")
    [path] = write_bundles(course, ["hw3"], key)
    opened = open_bundle(path.read_bytes(), "hw3", key)
    assert set(opened) == set(_original_files())
    assert not any("__pycache__" in rel or rel.endswith(".pyc") or "/." in f"/{rel}"
                   for rel in opened)
    (folder / "__pycache__" / "misconceptions.cpython-311.pyc").write_bytes(b"more junk")
    assert is_current(course, "hw3", key) is True


def test_a_symbolic_link_in_the_reference_is_refused(course, key, tmp_path):
    (tmp_path / "outside.py").write_text("x = 1\n")
    (course / "reference" / "hw3" / "linked.py").symlink_to(tmp_path / "outside.py")
    with pytest.raises(SealError, match="linked.py"):
        write_bundles(course, ["hw3"], key)
    assert not bundle_path(course, "hw3").exists()


# ----------------------------------------------------------------------------- write_bundles

def test_write_bundles_refuses_an_assignment_without_a_hidden_suite(course, key):
    with pytest.raises(SealError, match="hw4"):
        write_bundles(course, ["hw3", "hw4"], key)
    assert not (course / BUNDLE_DIR).exists()        # nothing written, not even hw3's
    (course / "reference" / "hw5" / "tests").mkdir(parents=True)
    (course / "reference" / "hw5" / "tests" / "helpers.py").write_text("")
    with pytest.raises(SealError, match="test_"):
        write_bundles(course, ["hw5"], key)
    with pytest.raises(SealError):
        write_bundles(course, ["../hw3"], key)
    assert not (course / BUNDLE_DIR).exists()


def test_write_bundles_writes_one_bundle_per_name_and_replaces_old_ones(course, key):
    shutil.copytree(course / "reference" / "hw3", course / "reference" / "hw9")
    paths = write_bundles(course, ["hw9", "hw3"], key)
    assert paths == [bundle_path(course, "hw9"), bundle_path(course, "hw3")]
    assert sorted(p.name for p in (course / BUNDLE_DIR).iterdir()) == ["hw3.sealed",
                                                                       "hw9.sealed"]
    old = paths[1].read_bytes()
    write_bundles(course, ["hw3"], key)
    assert paths[1].read_bytes() != old
    assert sorted(p.name for p in (course / BUNDLE_DIR).iterdir()) == ["hw3.sealed",
                                                                       "hw9.sealed"]


# ----------------------------------------------------------------------------- one key per assignment

def test_each_assignment_has_its_own_key_which_opens_its_bundle_only(course, key):
    shutil.copytree(course / "reference" / "hw3", course / "reference" / "hw4")
    hw3, hw4 = write_bundles(course, ["hw3", "hw4"], key)
    own3, own4 = bundle_key(course, "hw3", key), bundle_key(course, "hw4", key)
    assert len({own3, own4, key}) == 3
    assert own3 == derive(key, "hw3", header(hw3.read_bytes())[0])
    assert bundle_key(course, "hw3", own3) == own3  # the assignment's key is taken as it is
    files = _original_files()
    assert open_bundle(hw3.read_bytes(), "hw3", own3) == files  # its own key opens it
    assert open_bundle(hw3.read_bytes(), "hw3", key) == files  # and so does the course key
    with pytest.raises(SealError, match="neither the course's key nor hw3's key"):
        open_bundle(hw3.read_bytes(), "hw3", own4)  # hw4's key does not open hw3
    with pytest.raises(SealError, match="GRADER_KEY_HW4"):
        with unsealed(course, "hw4", own3):
            pytest.fail("hw3's key opened hw4")


def test_sealing_again_keeps_each_key_and_rotating_changes_only_that_one(course, key):
    shutil.copytree(course / "reference" / "hw3", course / "reference" / "hw4")
    write_bundles(course, ["hw3", "hw4"], key)
    before = {n: bundle_key(course, n, key) for n in ("hw3", "hw4")}
    write_bundles(course, ["hw3", "hw4"], key)  # a changed hidden suite, sealed again
    assert {n: bundle_key(course, n, key) for n in ("hw3", "hw4")} == before
    write_bundles(course, ["hw3"], key, rotate=True)
    assert bundle_key(course, "hw4", key) == before["hw4"]
    assert bundle_key(course, "hw3", key) != before["hw3"]
    with pytest.raises(SealError, match="rotated"):
        open_bundle(bundle_path(course, "hw3").read_bytes(), "hw3", before["hw3"])
    other = parse_key(new_key())  # a new course key: every assignment gets a new key
    write_bundles(course, ["hw4"], other)
    assert bundle_key(course, "hw4", other) not in (before["hw4"], other)


def test_a_bundle_of_the_first_format_asks_to_seal_again(course, key):
    old = b"DLGSEAL1" + os.urandom(12) + os.urandom(200)
    with pytest.raises(SealError, match="older grader.*grade seal again"):
        open_bundle(old, "hw3", key)


def test_secret_names_are_what_github_accepts():
    assert secret_name("hw3") == "GRADER_KEY_HW3"
    assert secret_name("lab-2_b") == "GRADER_KEY_LAB_2_B"
