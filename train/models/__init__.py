"""Backbones (image -> embedding), heads (embedding -> projection or logits), momentum updates."""
