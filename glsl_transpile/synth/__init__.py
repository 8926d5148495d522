"""Generated programs (issue 14): many program structures, each with continuous parameters.

From a seed, ``generate`` composes a Shadertoy program out of the building blocks in
``blocks/`` (coordinate stages, fields, colour stages, blends) following ``grammar``; every
sampled constant is an entry of the program's theta (``glsl_transpile.theta``) with its prior,
so one compiled kernel renders the structure at any theta. ``synth:COUNT@SEED`` names the
programs of seeds SEED .. SEED+COUNT-1 wherever a source path is accepted (``spec``).

Pure text: imports neither Vulkan nor torch.
"""
from .program import GENERATOR_VERSION, SynthProgram, generate, program_name
from .spec import SPEC_PREFIX, generate_many, is_spec, parse_spec, sources_from_spec

__all__ = ["GENERATOR_VERSION", "SPEC_PREFIX", "SynthProgram", "generate", "generate_many",
           "is_spec", "parse_spec", "program_name", "sources_from_spec"]
