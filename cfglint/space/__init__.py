"""Search spaces (Optuna, Ray Tune, W&B sweeps) read statically into one model.

Imported only when a search-space file is linted (the families ``optuna``, ``ray-tune``
and ``wandb-sweep`` load it on demand), and by folder walks for the import test of
``imports``. Nothing here imports or runs the code it reads.
"""
