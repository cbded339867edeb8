"""benchmarks/corrector_replay.py: the stored raw texts are put through today's corrector and scored."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def load_replay_module():
    path = ROOT / "benchmarks" / "corrector_replay.py"
    spec = importlib.util.spec_from_file_location("benchmarks_corrector_replay", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_score_corrects_the_raw_text_and_counts_the_mentions(tmp_path, capsys):
    contact = {"call_id": "c1", "kind": "call", "started_at": "2027-01-01T10:00:00+08:00", "talk_seconds": 10,
               "outcome": "answered", "agent_id": "A1", "agent_name": "郑雅琴", "agency": "禾丰资产管理有限公司",
               "creditor": "招商银行信用卡中心", "product": "credit_card", "audio_file": "audio/c1.wav"}
    turns = [{"start": 0.0, "end": 3.0, "role": "agent", "text": "我是禾丰资产的郑雅琴，受招行委托。"},
             {"start": 3.0, "end": 5.0, "role": "debtor", "text": "哦。"}]
    segments = [{"start": 0.0, "end": 3.0, "speaker": "S0", "raw": "我是荷丰资产的郑雅林,受招航委托。", "text": ""},
                {"start": 3.0, "end": 5.0, "speaker": "S1", "raw": "哦。", "text": ""}]
    path = tmp_path / "c.replay.json"
    path.write_text(json.dumps({"corpus": "toy", "calls": [{"contact": contact, "turns": turns, "segments": segments}],
                                "report": {}}, ensure_ascii=False), encoding="utf-8")
    load_replay_module().score([path], show_misses=True)
    out = capsys.readouterr().out
    # 荷丰 → 禾丰 (no word), 郑雅林 → 郑雅琴 (self-introduction), 招航 → 招行 (no word): all three heard
    assert "toy: CER 0.00 % (0/" in out
    assert "entities 100.0 % of 3 (creditor 1/1, agency 1/1, people 1/1)" in out
