import json
import os
import threading

import pytest

from glsl_transpile import (ShaderSourceError, UnsupportedShaderError, from_code, load_path,
                            load_sources)

SHADERTOY_CODE = "void mainImage(out vec4 c, in vec2 f) { c = vec4(f / iResolution.xy, 0.5, 1.0); }\n"
GEEKEST_CODE = "o=vec4(FC.xy/r,sin(t),1);"


def test_raw_shadertoy_file_loads_with_its_stem_as_name(tmp_path):
    for suffix in (".glsl", ".frag", ".fragment"):
        p = tmp_path / f"prog{suffix}"
        p.write_text(SHADERTOY_CODE)
        (src,) = load_path(p)
        assert (src.name, src.kind, src.mode) == ("prog", "shadertoy", "")
        assert src.code == SHADERTOY_CODE


def _api_json(passes, shader_id="ab12cd"):
    return {"Shader": {"info": {"id": shader_id, "name": "x"}, "renderpass": passes}}


def test_shadertoy_api_json_outer_and_inner_objects_load(tmp_path):
    image = {"type": "image", "name": "Image", "code": SHADERTOY_CODE,
             "inputs": [{"channel": 1, "ctype": "cubemap"}, {"channel": 2, "ctype": "volume"}]}
    outer = tmp_path / "outer.json"
    outer.write_text(json.dumps(_api_json([image])))
    inner = tmp_path / "inner.fragment"
    inner.write_text(json.dumps(_api_json([image], "zz99")["Shader"]))
    (a,) = load_path(outer)
    (b,) = load_path(inner)
    assert a.name == "ab12cd" and b.name == "zz99"
    assert a.kind == "shadertoy" and a.channels == ("2d", "cube", "3d", "2d")


def test_json_with_a_buffer_pass_loads_as_a_multipass_program(tmp_path):
    passes = [{"type": "buffer", "name": "Buffer A", "code": SHADERTOY_CODE,
               "outputs": [{"id": 257, "channel": 0}]},
              {"type": "image", "name": "Image", "code": SHADERTOY_CODE,
               "inputs": [{"channel": 1, "ctype": "buffer", "id": 257,
                           "sampler": {"filter": "linear", "wrap": "clamp"}}]}]
    p = tmp_path / "multi.json"
    p.write_text(json.dumps(_api_json(passes)))
    (src,) = load_path(p)
    assert [(b.buffer, b.name) for b in src.passes] == [(0, "Buffer A")]
    assert src.inputs[1].ctype == "buffer" and src.inputs[1].buffer == 0
    assert (src.inputs[1].filter, src.inputs[1].wrap) == ("linear", "clamp")


def test_json_with_a_cubemap_pass_names_it_and_a_sound_pass_is_dropped(tmp_path):
    cube = [{"type": "image", "code": SHADERTOY_CODE},
            {"type": "cubemap", "name": "Cube A", "code": SHADERTOY_CODE}]
    p = tmp_path / "cube.json"
    p.write_text(json.dumps(_api_json(cube)))
    with pytest.raises(UnsupportedShaderError, match="Cube A"):
        load_path(p)
    sound = [{"type": "image", "code": SHADERTOY_CODE},
             {"type": "sound", "name": "Sound", "code": "vec2 mainSound(){}"}]
    p = tmp_path / "snd.json"
    p.write_text(json.dumps(_api_json(sound)))
    (src,) = load_path(p)  # the image cannot read a sound pass: it makes no difference
    assert src.code == SHADERTOY_CODE and not src.passes


def test_twigl_code_detects_mode_and_explicit_mode_wins():
    src = from_code(GEEKEST_CODE, "tw")
    assert (src.kind, src.mode) == ("twigl", "geekest_300es")
    forced = from_code(GEEKEST_CODE, "tw", mode="geekest_mrt")
    assert forced.mode == "geekest_mrt"


def test_shaders21k_twigl_fragment_uses_its_mode_file(tmp_path):
    (tmp_path / "fragments").mkdir()
    (tmp_path / "modes").mkdir()
    (tmp_path / "fragments" / "abc.fragment").write_text("gl_FragColor=vec4(FC.xy/r,0,1);")
    (tmp_path / "modes" / "abc.fragment").write_text("geekest\nFalse\nTrue\nFalse\n")
    (src,) = load_path(tmp_path)
    assert (src.name, src.mode) == ("abc", "geekest_mrt")


def test_shaders21k_layout_mixes_shadertoy_json_and_twigl(tmp_path):
    st = tmp_path / "shadertoy" / "a"
    st.mkdir(parents=True)
    (st / "abcd12.fragment").write_text(json.dumps(_api_json(
        [{"type": "image", "code": SHADERTOY_CODE}], "abcd12")["Shader"]))
    tw = tmp_path / "twigl"
    (tw / "fragments").mkdir(parents=True)
    (tw / "modes").mkdir()
    (tw / "fragments" / "h1.fragment").write_text(GEEKEST_CODE)
    (tw / "modes" / "h1.fragment").write_text("geekest\nTrue\nFalse\nFalse\n")
    kinds = {s.name: (s.kind, s.mode) for s in load_sources([tmp_path])}
    assert kinds == {"abcd12": ("shadertoy", ""), "h1": ("twigl", "geekest_300es")}


def test_manifest_lists_programs_relative_to_itself(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "one.glsl").write_text(SHADERTOY_CODE)
    (tmp_path / "two.glsl").write_text(GEEKEST_CODE)
    m = tmp_path / "programs.list"
    m.write_text("# my programs\nsub/one.glsl\ntwo.glsl\n")
    assert [s.name for s in load_path(m)] == ["one", "two"]


def test_manifest_with_missing_entry_names_it(tmp_path):
    m = tmp_path / "programs.list"
    m.write_text("nothere.glsl\n")
    with pytest.raises(ShaderSourceError, match="nothere.glsl"):
        load_path(m)


@pytest.mark.parametrize("content, message", [
    (b"", "empty"), (b"   \n\n", "empty"), (b"\x00\x01\x02binary\xff", "binary"),
    (b"void mainImage(out vec4 c, in vec2 f){c=vec4(\xe9);}", "UTF-8"),
    (b'{"Shader": {"info": {}}}', "renderpass"),
])
def test_bad_files_give_clear_errors_naming_the_file(tmp_path, content, message):
    p = tmp_path / "bad.glsl"
    p.write_bytes(content)
    with pytest.raises(ShaderSourceError, match=message) as info:
        load_path(p)
    assert "bad.glsl" in str(info.value)


@pytest.mark.parametrize("shader", [
    {"info": [], "renderpass": [{"type": "image", "code": SHADERTOY_CODE, "inputs": [3, None]}]},
    {"renderpass": [1, 2]}, {"renderpass": "image"}, {"renderpass": [{"type": "image"}]},
])
def test_odd_json_structures_load_or_fail_as_source_errors(tmp_path, shader):
    p = tmp_path / "odd.json"
    p.write_text(json.dumps({"Shader": shader}))
    try:
        (src,) = load_path(p)
    except ShaderSourceError as err:
        assert "odd.json" in str(err)
    else:
        assert src.name == "odd"


def test_include_is_rejected_with_its_line():
    with pytest.raises(UnsupportedShaderError, match="#include") as info:
        from_code("// x\n#include \"common.glsl\"\n" + SHADERTOY_CODE, "inc")
    assert info.value.line == 2


def test_load_sources_collects_errors_and_continues(tmp_path):
    (tmp_path / "good.glsl").write_text(SHADERTOY_CODE)
    (tmp_path / "empty.glsl").write_text("")
    errors = []
    got = load_sources([tmp_path], on_error=lambda p, e: errors.append((p.name, str(e))))
    assert [s.name for s in got] == ["good"]
    assert errors and errors[0][0] == "empty.glsl"


def test_duplicate_stems_in_two_folders_get_path_qualified_names(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "same.glsl").write_text(SHADERTOY_CODE)
    (tmp_path / "b" / "same.glsl").write_text(SHADERTOY_CODE)
    got = load_sources([tmp_path])
    assert [s.name for s in got] == ["a-same", "b-same"]
    assert [s.original_name for s in got] == ["same", "same"]


def test_a_program_named_like_a_builtin_does_not_take_its_name(tmp_path):
    from glsl_transpile import load_builtin_pack
    builtin = load_builtin_pack()
    clash = builtin[0].name
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / f"{clash}.glsl").write_text(SHADERTOY_CODE)
    got = load_sources([tmp_path / "mine"], builtin=True)
    names = [s.name for s in got]
    assert len(got) == len(builtin) + 1 and len(set(names)) == len(names)
    mine = got[-1]
    assert mine.original_name == clash and mine.name == f"mine-{clash}"
    assert got[0].original_name == clash and got[0].name != mine.name


def test_json_id_that_climbs_out_is_a_safe_folder_name(tmp_path):
    image = {"type": "image", "name": "Image", "code": SHADERTOY_CODE}
    for i, shader_id in enumerate(["../escaped", "/abs/path", "report.json", "a\x00b"]):
        (tmp_path / f"{i}.json").write_text(json.dumps(_api_json([image], shader_id)))
    got = load_sources([tmp_path])
    assert [s.original_name for s in got] == ["../escaped", "/abs/path", "report.json", "a\x00b"]
    for s in got:
        assert "/" not in s.name and "\x00" not in s.name and not s.name.startswith(".")
        assert s.name.lower() != "report.json"


def test_a_file_named_dot_dot_glsl_is_not_the_parent_folder(tmp_path):
    (tmp_path / "...glsl").write_text(SHADERTOY_CODE)
    (src,) = load_sources([tmp_path / "...glsl"])
    assert src.original_name == ".." and src.name == "__"


def test_dev_zero_behind_a_symlink_is_refused_without_reading(tmp_path):
    link = tmp_path / "zero.glsl"
    link.symlink_to("/dev/zero")
    with pytest.raises(ShaderSourceError, match="not a regular file .a character device."):
        load_path(link)
    manifest = tmp_path / "list.manifest"
    manifest.write_text("zero.glsl\n")
    with pytest.raises(ShaderSourceError, match="character device"):
        load_path(manifest)


def test_a_fifo_in_the_input_folder_is_refused_without_blocking(tmp_path):
    (tmp_path / "good.glsl").write_text(SHADERTOY_CODE)
    fifo = tmp_path / "pipe.glsl"
    os.mkfifo(fifo)
    errors, result = [], []
    worker = threading.Thread(target=lambda: result.append(load_sources(
        [tmp_path], on_error=lambda p, e: errors.append(str(e)))), daemon=True)
    worker.start()
    worker.join(timeout=10)
    if worker.is_alive():  # unblock the reader so the suite can go on, then fail
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        pytest.fail("reading a FIFO blocked")
    assert [s.name for s in result[0]] == ["good"]
    assert len(errors) == 1 and "pipe.glsl" in errors[0] and "a FIFO" in errors[0]


def test_files_over_the_size_limit_are_refused(tmp_path):
    from glsl_transpile.sources import read_text
    p = tmp_path / "big.glsl"
    p.write_text(SHADERTOY_CODE * 10)
    assert read_text(p, max_bytes=len(SHADERTOY_CODE) * 10) == SHADERTOY_CODE * 10
    with pytest.raises(ShaderSourceError, match="limit"):
        read_text(p, max_bytes=100)


def test_a_program_over_the_code_limit_is_refused_before_any_parsing(tmp_path):
    import time
    from glsl_transpile.sources import MAX_CODE_BYTES
    p = tmp_path / "huge.glsl"
    p.write_text(SHADERTOY_CODE + "float x = 1.0;\n" * (MAX_CODE_BYTES // 15 + 1))
    start = time.perf_counter()
    with pytest.raises(UnsupportedShaderError, match="over the limit"):
        load_path(p)
    assert time.perf_counter() - start < 1.0  # detection (a tokenizer) never saw it
    image = {"type": "image", "code": SHADERTOY_CODE}
    common = {"type": "common", "code": "//" * (MAX_CODE_BYTES // 2)}
    (tmp_path / "c.json").write_text(json.dumps({"Shader": {"renderpass": [common, image]}}))
    with pytest.raises(UnsupportedShaderError, match="over the limit"):
        load_path(tmp_path / "c.json")


def test_deeply_nested_json_is_a_source_error(tmp_path):
    (tmp_path / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(ShaderSourceError, match="nested too deeply"):
        load_path(tmp_path / "deep.json")
    (tmp_path / "lists.json").write_text("[[{}]]")
    with pytest.raises(ShaderSourceError, match="list inside a list"):
        load_path(tmp_path / "lists.json")


def test_a_manifest_that_lists_itself_names_the_cycle(tmp_path):
    m = tmp_path / "self.list"
    m.write_text("self.list\n")
    with pytest.raises(ShaderSourceError, match="manifest cycle") as info:
        load_path(m)
    assert str(info.value).count("self.list") >= 2


def test_two_manifests_that_include_each_other_name_the_cycle(tmp_path):
    (tmp_path / "one.glsl").write_text(SHADERTOY_CODE)
    (tmp_path / "a.list").write_text("one.glsl\nb.list\n")
    (tmp_path / "b.list").write_text("a.list\n")
    with pytest.raises(ShaderSourceError, match="manifest cycle") as info:
        load_path(tmp_path / "a.list")
    assert "a.list -> " in str(info.value) and "b.list" in str(info.value)


def test_a_manifest_may_list_another_manifest_twice(tmp_path):
    (tmp_path / "one.glsl").write_text(SHADERTOY_CODE)
    (tmp_path / "inner.list").write_text("one.glsl\n")
    (tmp_path / "outer.list").write_text("inner.list\ninner.list\n")
    assert [s.original_name for s in load_path(tmp_path / "outer.list")] == ["one", "one"]


def test_deeply_nested_manifests_stop_with_a_clear_error(tmp_path):
    from glsl_transpile.sources import MAX_MANIFEST_DEPTH
    (tmp_path / "one.glsl").write_text(SHADERTOY_CODE)
    for i in range(MAX_MANIFEST_DEPTH + 1):
        (tmp_path / f"m{i}.list").write_text(f"m{i + 1}.list\n")
    (tmp_path / f"m{MAX_MANIFEST_DEPTH + 1}.list").write_text("one.glsl\n")
    with pytest.raises(ShaderSourceError, match="nested deeper"):
        load_path(tmp_path / "m0.list")


def test_records_are_immutable():
    src = from_code(SHADERTOY_CODE, "x")
    with pytest.raises(AttributeError):
        src.code = ""


def test_txt_list_of_absolute_paths_is_a_manifest(tmp_path):
    (tmp_path / "one.glsl").write_text(SHADERTOY_CODE)
    m = tmp_path / "selection.txt"
    m.write_text(f"{tmp_path / 'one.glsl'}\n")
    assert [s.name for s in load_path(m)] == ["one"]


def test_common_pass_is_kept_with_the_image_pass(tmp_path):
    passes = [{"type": "common", "name": "Common", "code": "float wave(float x){return .5+.5*sin(x);}"},
              {"type": "image", "name": "Image", "code":
               "void mainImage(out vec4 c, in vec2 f){c=vec4(wave(f.x*.1+iTime));}"}]
    p = tmp_path / "common.json"
    p.write_text(json.dumps(_api_json(passes)))
    (src,) = load_path(p)
    assert "wave" in src.common and "mainImage" in src.code
