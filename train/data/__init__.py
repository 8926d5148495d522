"""Data sources: each yields batches of uint8 or [0, 1] float images plus int64 labels.

- `folder.ImageFolderSource`: any ImageFolder tree `root/<class>/<image>.png|jpg`, label = folder
  index, decoded to uint8 tensors.
- `latent.LatentViewSource`: GenRep-style views G(z) and G(z + sigma * N(0, I)) of any torch
  callable G.
- `program_views.ProgramTimeViewSource`: two renders of one program at t and t + N(0, sigma).
- `live.LiveProgramSource`: the paper's live training data: a random program per image, time
  sampling, optional MixUp-k, a virtual epoch or a fixed dataset.

The last two draw images from a render callable (`render_protocol.RenderFn`); the live Vulkan
renderer plugs in there. `build.build_source` picks a source from the config.
"""
