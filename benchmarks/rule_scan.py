"""Throughput of the rule scan: synthetic transcripts through ``RulePack.scan_contact``.

Usage: ``python benchmarks/rule_scan.py [--transcripts 10000] [--seed 7] [--no-cache]``

``--no-cache`` turns off the per-distinct-utterance cache of the pack, so every line is scanned
as if it had never been seen (the worst case: no scripted line repeats).

Transcripts mix compliant collector lines, debtor replies and (about one line in twelve) a
violation, like a real night's batch. Prints characters and UTF-8 bytes per second on one core.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import datetime, timedelta, timezone

from audit.rules import load_pack
from audit.schema import Contact, Segment

AGENT = ["您好，请问是{n}先生吗？", "我是招商银行信用卡中心的工作人员，工号{d}。",
         "您的账单已经逾期{d}天了，今天提醒您尽快处理。", "请您通过官方APP或者银行柜台还款。",
         "我们不收现金，也不会让您转账到个人账户。", "您可以申请分期还款，每期压力会小一些。",
         "逾期会依法报送征信，影响您以后办理贷款。", "好的，感谢您的配合，祝您生活愉快。",
         "我理解您的困难，我们可以一起想想办法。", "您看这个月能先还一部分吗？"]
DEBTOR = ["是我，你是哪位？", "我最近手头紧，能不能晚几天？", "好的，我这周末去柜台办理。",
          "你们再骚扰我家人我就报警。", "我已经还了一部分了。"]
BAD = ["你这个老赖，再不还就爆你通讯录。", "把银行卡和密码交给我。", "警察明天就去你家抓人。",
       "要不要我去接你孩子放学？", "你要做牢的你知不知道。"]
NAMES = ["王建国", "李娜", "张伟", "刘洋", "陈静"]


def synth(rng: random.Random, n: int) -> list[tuple[Contact, list[Segment]]]:
    tz = timezone(timedelta(hours=8))
    out = []
    for i in range(n):
        segs = []
        t = 0.0
        for _ in range(rng.randint(6, 14)):
            if rng.random() < 0.6:
                text = rng.choice(BAD) if rng.random() < 0.08 else rng.choice(AGENT)
                role = "agent"
            else:
                text, role = rng.choice(DEBTOR), "debtor"
            text = text.format(n=rng.choice(NAMES), d=rng.randint(10, 99))
            segs.append(Segment(role, role, t, t + 3.0, text))
            t += 3.5
        contact = Contact(call_id=f"b-{i}", kind="call",
                          started_at=datetime(2026, 11, 2, 9, tzinfo=tz) + timedelta(minutes=i),
                          talk_seconds=t, outcome="answered", agent_id="A1", creditor="招商银行",
                          agency="招商银行信用卡中心", product="credit_card", debtor_id=f"D-{i % 997}",
                          audio_file="x.wav")
        out.append((contact, segs))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transcripts", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-cache", action="store_true", help="scan every utterance afresh")
    args = parser.parse_args()
    pack = load_pack()
    if args.no_cache:
        pack.cache_size = 0
    data = synth(random.Random(args.seed), args.transcripts)
    chars = sum(len(s.text) for _, segs in data for s in segs)
    nbytes = sum(len(s.text.encode("utf-8")) for _, segs in data for s in segs)
    # load the jieba and pypinyin dictionaries outside the timing (a one-off second per process)
    from audit.rules.matcher import Utterance

    pack.scan_text("预热：你这个老赖")
    Utterance("预热").token_boundaries()
    start = time.perf_counter()
    findings = 0
    for contact, segs in data:
        findings += len(pack.scan_contact(contact, segs, {"duration_s": contact.talk_seconds}))
    findings += len(pack.scan_log([c for c, _ in data]))
    elapsed = time.perf_counter() - start
    print(f"{len(data)} transcripts, {chars:,} characters ({nbytes / 1e6:.2f} MB UTF-8), "
          f"{findings} findings in {elapsed:.2f} s")
    distinct = len({s.text for _, segs in data for s in segs})
    print(f"{chars / elapsed:,.0f} characters/s, {nbytes / elapsed / 1e6:.2f} MB/s on one core "
          f"({distinct:,} distinct utterances, cache {'off' if args.no_cache else 'on'})")


if __name__ == "__main__":
    main()
