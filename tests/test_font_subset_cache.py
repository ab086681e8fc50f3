"""Font subsets kept between runs (`briefgen.writers.fontsubset`, `briefgen.files.usercache`): a hit
gives the very bytes fontTools would make, a changed input or a damaged entry is a miss, and the
cache never fails a build."""

from __future__ import annotations

import io
import os
from datetime import date

import pytest
from fontTools.ttLib import TTFont
from hypothesis import given, settings
from hypothesis import strategies as st

from briefgen.build.pipeline import BuildRequest, prepare, produce
from briefgen.files.usercache import CACHE_DIR_ENV, source_digest
from briefgen.writers import fontsubset
from briefgen.writers.theme import Theme

from conftest import REPO_ROOT

FACE = next(iter(fontsubset.faces(Theme()).values()))["regular"]


@pytest.fixture
def cache(tmp_path, monkeypatch):
    root = tmp_path / "cache"
    monkeypatch.setenv(CACHE_DIR_ENV, str(root))
    fontsubset.subset.cache_clear()  # the in-process memo would hide the folder
    yield root
    fontsubset.subset.cache_clear()


def entries(root):
    return sorted(p for p in root.glob("fonts/*/*") if not p.name.endswith(".tmp"))


def fresh(chars, flavor=None):
    """What fontTools makes, with no cache at all."""
    return fontsubset._make_subset(FACE, chars, flavor)


def no_fonttools(monkeypatch):
    def refuse(*args):
        raise AssertionError("made a subset although the cache holds it")
    monkeypatch.setattr(fontsubset, "_make_subset", refuse)


def test_a_subset_is_stored_and_the_next_process_loads_it_without_fonttools(cache, monkeypatch):
    made = fontsubset.subset(FACE, "Astana 1992")
    assert made == fresh("Astana 1992")
    [entry] = entries(cache)
    assert entry.parent.stat().st_mode & 0o777 == 0o700
    fontsubset.subset.cache_clear()  # as a new process
    no_fonttools(monkeypatch)
    assert fontsubset.subset(FACE, "Astana 1992") == made


def test_other_characters_or_another_flavour_are_other_entries(cache):
    a = fontsubset.subset(FACE, "Astana")
    b = fontsubset.subset(FACE, "Astana\u0416")  # a Cyrillic letter the face has
    c = fontsubset.subset(FACE, "Astana", "woff")
    assert len(entries(cache)) == 3
    assert ord("\u0416") in TTFont(io.BytesIO(b)).getBestCmap() and ord("\u0416") not in TTFont(io.BytesIO(a)).getBestCmap()
    assert TTFont(io.BytesIO(c)).flavor == "woff" and c == fresh("Astana", "woff")


@pytest.mark.parametrize("damage", [lambda b: b[:40], lambda b: b"\x00garbage", lambda b: b[:-1] + bytes([b[-1] ^ 1]), lambda b: b""])
def test_a_damaged_entry_is_a_miss_and_is_replaced(cache, damage):
    made = fontsubset.subset(FACE, "Karachi")
    [entry] = entries(cache)
    entry.write_bytes(damage(entry.read_bytes()))
    fontsubset.subset.cache_clear()
    assert fontsubset.subset(FACE, "Karachi") == made
    fontsubset.subset.cache_clear()
    assert entries(cache)[0].read_bytes()[32:] == made  # written again, whole


def test_an_entry_that_is_a_fifo_is_a_miss_not_a_hang(cache):
    made = fontsubset.subset(FACE, "Almaty")
    [entry] = entries(cache)
    entry.unlink()
    os.mkfifo(entry)
    fontsubset.subset.cache_clear()
    assert fontsubset.subset(FACE, "Almaty") == made


def test_a_folder_others_can_write_into_is_not_used(cache, monkeypatch):
    if os.name != "posix" or os.geteuid() == 0:
        pytest.skip("needs POSIX permissions that bind")
    fontsubset.subset(FACE, "Lahore")
    [entry] = entries(cache)
    entry.parent.chmod(0o777)
    planted = entry.read_bytes()[:32] + b"planted"
    entry.write_bytes(planted)
    fontsubset.subset.cache_clear()
    assert fontsubset.subset(FACE, "Lahore") == fresh("Lahore")
    assert entry.read_bytes() == planted  # neither read nor replaced


def test_the_cache_switched_off_or_unmakeable_still_builds(tmp_path, monkeypatch):
    fontsubset.subset.cache_clear()
    monkeypatch.setenv(CACHE_DIR_ENV, "")
    assert fontsubset.subset(FACE, "Quetta") == fresh("Quetta")
    blocked = tmp_path / "file"
    blocked.write_text("a file where the folder should be")
    monkeypatch.setenv(CACHE_DIR_ENV, str(blocked))
    fontsubset.subset.cache_clear()
    assert fontsubset.subset(FACE, "Quetta") == fresh("Quetta")
    fontsubset.subset.cache_clear()


def test_the_folder_is_bounded(cache, monkeypatch):
    monkeypatch.setattr(fontsubset, "KEEP_SUBSETS", 3)
    for word in ("one", "two", "three", "four", "five"):
        fontsubset.subset(FACE, word)
    assert len(entries(cache)) == 3


def test_a_generation_is_named_after_the_code_that_makes_its_entries(tmp_path):
    a, b = tmp_path / "a.py", tmp_path / "b.py"
    a.write_text("version = '4.1'")
    b.write_text("version = '4.2'")
    assert source_digest(str(a)) != source_digest(str(b))
    assert source_digest(str(a)) == source_digest(str(a))
    from importlib.util import find_spec

    assert fontsubset._cache_folder().directory.name == source_digest(find_spec("fontTools").origin,
                                                                      fontsubset.__file__)


@settings(max_examples=15, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x52F, exclude_categories=("Cs", "Cc")),
               min_size=1, max_size=30))
def test_a_hit_is_always_the_subset_fonttools_makes(tmp_path_factory, text):
    """Random text, stored then loaded: the same bytes as a subset made without any cache."""
    root = tmp_path_factory.mktemp("c")
    os.environ[CACHE_DIR_ENV], previous = str(root), os.environ.get(CACHE_DIR_ENV)
    try:
        fontsubset.subset.cache_clear()
        first = fontsubset.subset(FACE, text)
        fontsubset.subset.cache_clear()
        assert fontsubset.subset(FACE, text) == first == fresh(text)
    finally:
        os.environ[CACHE_DIR_ENV] = previous if previous is not None else ""
        fontsubset.subset.cache_clear()


def test_a_build_from_the_cache_is_byte_identical_to_one_without(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764115200")
    request = BuildRequest(workspace=REPO_ROOT, as_of=date(2026, 11, 26))

    def build(cache_dir: str) -> dict:
        monkeypatch.setenv(CACHE_DIR_ENV, cache_dir)
        fontsubset.subset.cache_clear()
        return produce(prepare(request), ("docx", "html"))

    without = build("")
    filled = build(str(tmp_path / "cache"))
    assert entries(tmp_path / "cache")
    from_cache = build(str(tmp_path / "cache"))
    assert without == filled == from_cache
    fontsubset.subset.cache_clear()
