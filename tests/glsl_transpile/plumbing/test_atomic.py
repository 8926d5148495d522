"""plumbing.atomic: whole files or nothing, with the usual file mode."""
from __future__ import annotations

import os
import stat

import pytest

from glsl_transpile.plumbing.atomic import remove_temporaries, write_bytes, write_text


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_files_get_the_usual_mode_not_mkstemps_0600(tmp_path):
    mask = os.umask(0o022)
    try:
        path = write_text(tmp_path / "a" / "report.json", "{}")
    finally:
        os.umask(mask)
    assert path.read_text() == "{}"
    assert _mode(path) == 0o644


def test_spirv_cache_and_render_outputs_are_readable_by_others(tmp_path):
    from glsl_transpile import SpirvCache
    from render_vk.writer import atomic_write_bytes

    cache = SpirvCache(tmp_path / "cache")
    cache.put("void main() {}", b"\x03\x02\x23\x07" + b"\0" * 20)
    entry = next((tmp_path / "cache").rglob("*.spv"))
    atomic_write_bytes(tmp_path / "out" / "000000.png", b"png")
    for path in (entry, tmp_path / "out" / "000000.png"):
        assert _mode(path) & 0o044 == 0o044, path


def test_a_failed_write_leaves_neither_file_nor_temporary(tmp_path, monkeypatch):
    def broken_fsync(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="No space"):
        write_bytes(tmp_path / "x.bin", b"data")
    assert list(tmp_path.iterdir()) == []


def test_remove_temporaries_only_takes_its_own_prefix(tmp_path):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / ".tmp-r0-abc.png").write_bytes(b"")
    (tmp_path / "d" / ".tmp-r1-abc.png").write_bytes(b"")
    assert remove_temporaries(tmp_path, ".tmp-r0-") == 1
    assert [p.name for p in (tmp_path / "d").iterdir()] == [".tmp-r1-abc.png"]
