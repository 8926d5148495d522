import subprocess
import sys


def test_glsl_transpile_imports_neither_vulkan_nor_torch():
    code = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('vulkan', 'torch', 'render_vk'):\n"
        "            raise ImportError('blocked: ' + name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "import glsl_transpile\n"
        "from glsl_transpile import load_builtin_pack, to_compute, compile_spirv\n"
        "src = load_builtin_pack()[0]\n"
        "compile_spirv(src.name, to_compute(src).glsl)\n"
        "assert not any(m.split('.')[0] in ('vulkan', 'torch') for m in sys.modules)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
