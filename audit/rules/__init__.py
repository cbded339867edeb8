"""Compliance rules: YAML rule packs, detectors and the default Chinese pack.

Example:
    >>> from audit.rules import load_pack
    >>> pack = load_pack()  # the default pack
    >>> [f.category for f in pack.scan_text("你这个老赖，再不还就爆你通讯录")]
    ['ABUSE', 'THREAT_THIRD_PARTY']
"""

from audit.rules.model import Rule
from audit.rules.pack import DEFAULT_PACK, PackError, RulePack, load_pack

__all__ = ["DEFAULT_PACK", "PackError", "Rule", "RulePack", "load_pack"]
