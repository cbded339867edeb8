"""Compliance rules: YAML rule packs, detectors and the default Chinese pack.

:mod:`~audit.rules.model` is the pack file format, :mod:`~audit.rules.detectors` the detectors
(one module per kind, registered by their YAML ``type``), :mod:`~audit.rules.loader` reads and
validates a pack, :mod:`~audit.rules.pack` is the compiled pack that scans.

Example:
    >>> from audit.rules import load_pack
    >>> pack = load_pack()  # the default pack
    >>> [f.category for f in pack.scan_text("你这个老赖，再不还就爆你通讯录")]
    ['ABUSE', 'THREAT_THIRD_PARTY']
"""

from audit.rules.loader import DEFAULT_PACK, load_pack
from audit.rules.model import PackError, Rule
from audit.rules.pack import RulePack

__all__ = ["DEFAULT_PACK", "PackError", "Rule", "RulePack", "load_pack"]
