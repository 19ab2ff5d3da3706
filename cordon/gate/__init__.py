"""The gate: what a guard checks and records at a checkpoint — the flags on a person (under observation,
in quarantine, from a sealed area without a pass, a fever), the passage itself (``passages.py``), and
an exit pass checked and used (``passes.py``). It stands above checkpoints and lockdowns and combines
them, so that neither of those imports the other (``docs/architecture.md``)."""
