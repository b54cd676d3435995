"""The optional torch probe (`cfglint probe`): a few hundred real optimizer steps on a surrogate.

Importing this package must stay cheap and torch-free: the lint path can name it, and
only the modules that actually train (``run``, ``models``, ``optim``, ...) import torch,
lazily, from the probe command.
"""

from __future__ import annotations

__all__ = ["SCOPE_STATEMENT"]

# Printed by every report: what a surrogate can and cannot prove.
SCOPE_STATEMENT = "\n".join([
    'It can establish, deterministically, in under 2 minutes:',
    ('* plumbing errors that are independent of model size: fp16 trainable params with a '
     'GradScaler (CFG403, reproduced), Adam eps underflow (CFG214, reproduced), zero-grad '
     'adapters from gradient checkpointing (P906), Prodigy/automagic misconfiguration, '
     'clipping that zeroes gradients (CFG406), bf16 unsupported (P910), scheduler arithmetic, '
     'and the EMA share at the first sample;'),
    ('* the LR stability margin on a surrogate: how far the configured peak effective LR sits '
     'below the divergence edge for this optimizer, precision, clipping and warmup '
     'combination;'),
    '* fp16 range headroom given calibrated activation magnitudes.',
    '',
    'It cannot establish:',
    ('* that a 2.6B-14B model will not NaN at step 5000. Depth-driven residual growth, '
     "attention-logit growth, and long-horizon drift of Adam's second moment are outside 200 "
     'steps on 4-8 blocks;'),
    ('* data-dependent failures, such as the SDXL VAE producing NaN on specific images in '
     'fp16, corrupt frames, or extreme captions. A probe on synthetic data cannot see them '
     '(this probe has no mode that reads the real dataset);'),
    ('* outlier-feature overflow of a specific pretrained checkpoint, unless activation '
     'statistics are calibrated from that checkpoint;'),
    '* quality: over-fitting, EMA lag, expert imbalance. These belong to the static rules.',
])
