"""Training of image encoders on procedural images (MoCo v2, SimCLR, SupCon, cross-entropy).

Owns data sources (image folders, latent-view generators, live program renders through a render
callable), batched on-device augmentations, backbones and heads, losses, the shared training loop
and its CLIs, checkpoints. Must not import `vulkan` or reach into Vulkan objects: live images arrive
as tensors from a render callable (see `train.data.render_protocol`).
"""
