"""Evaluation of encoders and of procedural image programs.

Owns feature extraction (cached), the linear probe and weighted k-NN, retrieval grids, program
metrics, the performance predictor, pictures, reports and the program gallery page. Reads
checkpoints that ``train`` exports (torchvision state dicts) and, for the gallery, program
sources and error lines through ``glsl_transpile``; never imports ``train`` or ``render_vk`` and
trains no encoder. Entry points: ``python -m eval.knn``, ``eval.linear``, ``eval.programs``,
``eval.predictor``, ``eval.pictures``, ``eval.report``, ``eval.gallery``, ``eval.imagenet100``.
"""
