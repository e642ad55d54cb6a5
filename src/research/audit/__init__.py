"""Audits of what the toolkit writes: no data below domain level leaves it, and every file's lineage holds.

* :mod:`research.audit.exports` — URL paths, e-mail addresses, phone numbers and small counts in
  ``reports/`` and ``data/processed/`` (``research audit exports``; the last pipeline stage);
* :mod:`research.audit.lineage` — raw files against ``SHA256SUMS``, processed files against their
  sidecars (``research audit lineage``);
* :mod:`research.audit.notebooks` — committed notebooks carry no outputs (``research audit
  notebooks``; the pre-commit hook).
"""
