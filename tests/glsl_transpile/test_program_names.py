"""Names are data, never paths: hostile names become safe, unique folder names."""
import os
import random

import pytest

from glsl_transpile import ShaderSource
from glsl_transpile.errors import OutputPathError
from glsl_transpile.program_names import (MAX_NAME_BYTES, assign_unique_names,
                                          check_output_folders, output_file, safe_folder_name)

HOSTILE = ["../escaped", "/etc/passwd", "..", ".", "...", "", ".hidden", "report.json",
           "contact_sheet.png", "000000.png", "a\x00b", "tab\there", "new\nline", "x" * 300,
           "é" * 200, "back\\slash", "CON", "nul.txt", "trailing.", "C:\\windows"]


def _record(name, origin="<string>"):
    return ShaderSource(name, "shadertoy", "", "void mainImage(out vec4 c, in vec2 f){c=vec4(1);}",
                        origin=origin)


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_names_become_one_plain_folder_inside_the_output(tmp_path, name):
    safe = safe_folder_name(name)
    assert safe and "/" not in safe and "\\" not in safe and not safe.startswith(".")
    assert len(safe.encode("utf-8")) <= MAX_NAME_BYTES
    assert all(ch.isprintable() for ch in safe)
    assert safe.lower() not in ("report.json", "contact_sheet.png", "000000.png", "con")
    check_output_folders(tmp_path, [safe])
    assert os.path.dirname(os.path.realpath(tmp_path / safe)) == os.path.realpath(tmp_path)


def test_sanitising_is_idempotent_on_random_text():
    rng = random.Random(12)
    alphabet = "./\\\x00\x01 \t\nab.-_é名" + "".join(map(chr, range(0x2000, 0x2010)))
    for _ in range(500):
        name = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 130)))
        safe = safe_folder_name(name)
        assert safe_folder_name(safe) == safe, repr(name)


def test_long_names_keep_a_prefix_and_differ_by_hash():
    a, b = safe_folder_name("p" * 299 + "a"), safe_folder_name("p" * 299 + "b")
    assert a != b and a.startswith("p" * 50) and len(a) <= MAX_NAME_BYTES


def test_record_keeps_the_original_name_and_uses_the_safe_one():
    src = _record("../../escaped")
    assert src.name == "___.._escaped" and src.original_name == "../../escaped"


def test_clashing_names_are_qualified_by_their_folders():
    srcs = [_record("good", "/d/a/good.glsl"), _record("good", "/d/b/good.glsl"),
            _record("other", "/d/other.glsl")]
    assert [s.name for s in assign_unique_names(srcs)] == ["a-good", "b-good", "other"]


def test_names_that_differ_only_in_case_are_made_distinct():
    srcs = [_record("Wave", "/d/x/Wave.glsl"), _record("wave", "/d/y/wave.glsl")]
    assert [s.name for s in assign_unique_names(srcs)] == ["x-Wave", "y-wave"]


def test_entries_of_one_json_list_get_their_index():
    srcs = [_record("abc", "/d/list.json#0"), _record("abc", "/d/list.json#3")]
    assert [s.name for s in assign_unique_names(srcs)] == ["abc-0", "abc-3"]


def test_derived_names_never_take_a_name_that_was_unique():
    srcs = [_record("good", "/d/a/good.glsl"), _record("good", "/d/b/good.glsl"),
            _record("a-good", "/d/a-good.glsl")]
    names = [s.name for s in assign_unique_names(srcs)]
    assert names[2] == "a-good" and len(set(names)) == 3


def test_the_same_file_twice_is_numbered_in_order():
    srcs = [_record("x", "/d/x.glsl"), _record("x", "/d/x.glsl"), _record("x", "/d/x.glsl")]
    assert [s.name for s in assign_unique_names(srcs)] == ["d-x", "d-x-2", "d-x-3"]


def test_renaming_again_with_more_programs_starts_from_the_original_names():
    first = assign_unique_names([_record("good", "/d/a/good.glsl"),
                                 _record("good", "/d/b/good.glsl")])
    again = assign_unique_names(first + [_record("solo", "/d/solo.glsl")])
    assert [s.name for s in again] == ["a-good", "b-good", "solo"]
    assert [s.original_name for s in again] == ["good", "good", "solo"]


def test_output_folder_behind_a_symlink_pointing_away_is_refused(tmp_path):
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    out.mkdir()
    elsewhere.mkdir()
    (out / "prog").symlink_to(elsewhere)
    with pytest.raises(OutputPathError, match="outside"):
        check_output_folders(out, ["ok", "prog"])


@pytest.mark.parametrize("name", ["../x", "..", "/abs", "a/b"])
def test_unsafe_names_given_directly_are_refused(tmp_path, name):
    with pytest.raises(OutputPathError):
        check_output_folders(tmp_path, [name])


def test_output_file_is_checked_and_joined(tmp_path):
    assert output_file(tmp_path, "prog", ".spv") == os.path.join(tmp_path, "prog.spv")
    with pytest.raises(OutputPathError):
        output_file(tmp_path, "../prog", ".spv")
