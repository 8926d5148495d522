"""The project's shared plumbing, at the lowest layer every package imports.

- ``atomic``: files written under a temporary name in the same folder, synced, then renamed into
  place with the usual file mode (a killed job never leaves half a file);
- ``config``: frozen dataclass config trees from YAML plus ``--set a.b=v`` overrides, with key
  paths in every error (``ConfigError``), range checks declared by each dataclass, and ``choose``
  for named choices;
- ``run_record``: what a run folder records about itself (resolved config, git revision,
  command lines);
- ``command_line``: what every command line shares (``--version``, help showing defaults, flags
  that stand for config keys, ``--print-config``, one error style and exit statuses);
- ``progress``: meters for long phases (silent in library code, tqdm bars in command lines).

It imports neither Vulkan nor torch.
"""
