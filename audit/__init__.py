"""callaudit core: schema, rules, scoring and storage.

This package never imports torch or streamlit, so ``audit --help`` and the rule engine stay fast.
"""

__version__ = "0.1.0"
