"""The corrector's choice among equally long sound-alike terms does not depend on the hash seed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = (
    "from pipelines.correct import Corrector, DOMAIN_TERMS;"
    "c = Corrector(DOMAIN_TERMS, hotwords=['催收', '起诉']);"
    "print(c.terms)"
)


def test_term_order_is_the_same_under_every_hash_seed():
    orders = set()
    for seed in ("0", "1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)}
        out = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, check=True)
        orders.add(out.stdout)
    assert len(orders) == 1


def test_the_calls_own_words_win_over_generic_terms_of_the_same_length():
    from pipelines.correct import Corrector

    terms = Corrector(["甲乙"], hotwords=["丙丁"]).terms
    assert terms.index("丙丁") < terms.index("甲乙")
