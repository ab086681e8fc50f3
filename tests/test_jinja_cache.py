"""Compiled templates kept between runs (`briefgen.render.jinja_cache`): used when fresh, ignored when stale
or broken, never a reason for a build to fail, never written where others could plant code."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from briefgen.render import jinja_cache
from briefgen.render.templateset import TemplateSet
from briefgen.render.environment import make_environment

CONTEXT = {"name": "Astana"}


def render(tmp_path: Path, text: str | None = None, markdown: bool = True) -> str:
    """A fresh environment (as in a new process) over a one-template folder; renders `page.md.j2`."""
    folder = tmp_path / "templates"
    folder.mkdir(exist_ok=True)
    if text is not None:
        (folder / "page.md.j2").write_text(text, encoding="utf-8")
    env = make_environment(TemplateSet((folder,), tmp_path), markdown=markdown)
    return env.get_template("page.md.j2").render(**CONTEXT)


def entries(root: Path) -> list[Path]:
    return sorted(root.glob("jinja/*/*.cache"))


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    root = tmp_path / "cache"
    monkeypatch.setenv(jinja_cache.CACHE_DIR_ENV, str(root))
    return root


def test_a_compiled_template_is_stored_and_loaded_by_the_next_environment(tmp_path, cache, monkeypatch):
    assert render(tmp_path, "Capital: {{ name }}") == "Capital: Astana"
    stored = entries(cache)
    assert len(stored) == 1
    assert stored[0].parent.stat().st_mode & 0o777 == 0o700

    compiled = []
    original = jinja_cache._SafeCache.load_bytecode
    monkeypatch.setattr(jinja_cache._SafeCache, "load_bytecode",
                        lambda self, bucket: (original(self, bucket), compiled.append(bucket.code is not None)))
    assert render(tmp_path) == "Capital: Astana"
    assert compiled == [True]  # loaded from the cache, not compiled again


def test_an_edited_template_is_compiled_again(tmp_path, cache):
    render(tmp_path, "Capital: {{ name }}")
    assert render(tmp_path, "Capital city: {{ name }}!") == "Capital city: Astana!"


def test_the_brief_and_the_cover_note_keep_separate_folders(tmp_path, cache):
    """The same template name compiles to different code in the two environments."""
    assert render(tmp_path, "{{ '*' ~ name }}") == "\\*Astana"  # the brief escapes Markdown
    assert render(tmp_path, markdown=False) == "*Astana"  # the cover note does not
    assert len({p.parent for p in entries(cache)}) == 2
    assert render(tmp_path) == "\\*Astana"  # and each loads its own


def test_a_corrupt_entry_is_a_cache_miss(tmp_path, cache):
    render(tmp_path, "Capital: {{ name }}")
    for entry in entries(cache):
        entry.write_bytes(entry.read_bytes()[:40])  # truncated mid-way
    assert render(tmp_path) == "Capital: Astana"
    for entry in entries(cache):
        entry.write_bytes(b"\x00garbage")
    assert render(tmp_path) == "Capital: Astana"


def test_an_entry_altered_on_disk_is_a_cache_miss(tmp_path, cache):
    """A changed byte in a stored entry once changed the brief ("Summary" -> "Sumxary")."""
    render(tmp_path, "Summary: {{ name }}")
    [entry] = entries(cache)
    data = entry.read_bytes()
    assert b"Summary" in data
    entry.write_bytes(data.replace(b"Summary", b"Sumxary"))
    assert render(tmp_path) == "Summary: Astana"


def test_a_fifo_in_the_cache_does_not_stall_a_render(tmp_path, cache):
    import threading

    render(tmp_path, "Capital: {{ name }}")
    [entry] = entries(cache)
    entry.unlink()
    os.mkfifo(entry)
    result = []
    worker = threading.Thread(target=lambda: result.append(render(tmp_path)), daemon=True)
    worker.start()
    worker.join(20)
    assert result == ["Capital: Astana"]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs file permissions that bind")
def test_an_unwritable_cache_folder_does_not_fail_the_build(tmp_path, cache):
    cache.mkdir(mode=0o500)
    try:
        assert render(tmp_path, "Capital: {{ name }}") == "Capital: Astana"
    finally:
        cache.chmod(0o700)
    assert entries(cache) == []


def test_a_cache_path_that_cannot_be_a_folder_does_not_fail_the_build(tmp_path, cache):
    cache.write_text("a file where the folder should be")
    assert render(tmp_path, "Capital: {{ name }}") == "Capital: Astana"


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_a_folder_others_can_write_into_is_not_used(tmp_path, cache):
    render(tmp_path, "Capital: {{ name }}")
    [entry] = entries(cache)
    entry.parent.chmod(0o777)
    entry.write_bytes(b"planted")
    loaded = jinja_cache.bytecode_cache(type(make_environment(TemplateSet((tmp_path,), tmp_path))))
    assert loaded is not None and not loaded._folder_ok(create=True)
    assert render(tmp_path) == "Capital: Astana"
    assert entry.read_bytes() == b"planted"  # neither read nor replaced


def test_an_empty_setting_switches_the_cache_off(tmp_path, monkeypatch):
    monkeypatch.setenv(jinja_cache.CACHE_DIR_ENV, "")
    assert jinja_cache.bytecode_cache(object) is None
    assert render(tmp_path, "Capital: {{ name }}") == "Capital: Astana"


def test_the_default_folder_follows_xdg_cache_home(tmp_path, monkeypatch):
    monkeypatch.delenv(jinja_cache.CACHE_DIR_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    if os.name == "posix" and not os.uname().sysname == "Darwin":
        assert jinja_cache.cache_root() == tmp_path / "xdg" / "briefgen"
