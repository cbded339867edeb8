"""Throughput of the rule scan: synthetic transcripts through ``RulePack.scan_contact``.

Usage::

    python benchmarks/rule_scan.py [--transcripts 10000] [--seed 7] [--repeat 3] [--cache] [--every-detector]
    python benchmarks/rule_scan.py --write-golden tests/rules/data/golden_scan.json

Real transcripts (ASR output) almost never repeat a line word for word, so the synthetic
utterances are composed from varied parts: debtor names, creditors, amounts (Arabic and Chinese
numerals), dates, card tails, fillers ("嗯", "那个"), ASR homophone typos and three punctuation
styles (written, none as raw ASR gives it, spaces). Violations are rare, as in real calls (about
3 % of collector lines). The per-utterance cache of the pack is OFF by default, so every line is
scanned afresh; ``--cache`` runs the same data a second time with the cache on.

Prints the distinct-utterance share, characters per second and MB (UTF-8) per second on one
core (one process), by wall clock and by CPU time, best and median of ``--repeat`` passes; the
load average is printed too, as the machine may be shared. With the cache on, the passes after
the first are served from the cache: that figure is the best case of a night that repeats lines.

``--every-detector`` scans with the default pack plus the line detectors the default pack does
not use yet: a ``similar`` rule per speech category of the bad templates (48 example sentences,
12 counter-examples) and the learned second opinion (six ``model`` rules, trained on ~1,000
labelled lines). All of them are synthetic, composed here from the templates below with another
seed than the data; the classifier trains before the timing (once per process, as in a batch).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from audit.rules import load_pack
from audit.schema import Contact, Segment

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
            "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万严武戴孔汤")
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文斌辉鹏宇浩凯晨欣雪梅琳晓峰海波佳宁"
TITLES = ("先生", "女士", "", "总", "哥", "姐")
CREDITORS = ("招商银行", "平安银行", "中信银行", "浦发银行", "交通银行", "广发银行", "光大银行", "兴业银行",
             "招联消费金融", "马上消费金融", "中银消费金融", "速借花", "安心借", "宜信普惠")
AGENCIES = ("鼎信", "恒信", "华诚", "正源", "联合", "安和", "德众", "明达")
CHANNELS = ("官方APP", "手机银行", "银行柜台", "官方微信公众号", "对公账户", "自动还款")
DIGITS = "零一二三四五六七八九"
FILLERS = ("嗯", "那个", "呃", "就是", "然后", "对", "是这样的", "您看", "这样子", "好", "其实", "就是说")
# ASR homophone errors: each pair keeps the sound and changes the characters
TYPOS = (("逾期", "于期"), ("逾期", "鱼期"), ("还款", "换款"), ("账单", "帐单"), ("利息", "利西"),
         ("分期", "分七"), ("征信", "正信"), ("协商", "协伤"), ("减免", "简免"), ("处理", "处里"),
         ("方便", "方面"), ("工号", "公号"), ("最低", "最底"), ("额度", "额读"), ("核实", "和实"),
         ("本人", "本仁"), ("信用卡", "信用咔"), ("滞纳金", "只纳金"), ("委托", "未托"))

AGENT = [
    "您好，请问是{name}吗？", "您好，我是{creditor}的工作人员，工号{num4}。",
    "我是受{creditor}委托的{agency}公司催收专员，姓{surname}。",
    "您好{name}，这边是{creditor}贷后管理部门，想跟您核实一下还款情况。",
    "您尾号{num4}的卡已经逾期{days}天了，欠款{amount}。", "您的账单已经逾期{days}天，最低还款额是{amount}。",
    "请您在{date}之前通过{channel}还款。", "您可以通过{channel}还款，到账以后会有短信提醒。",
    "我们不收现金，也不会让您转账到个人账户。", "您可以申请分期还款，分{n}期的话每期大概{amount}。",
    "逾期会依法报送征信，可能影响您以后办理贷款。", "感谢您的配合，祝您生活愉快，再见。",
    "我理解您的困难，我们可以一起想想办法。", "您看{date}能先还一部分吗？比如{amount}。",
    "目前产生的滞纳金是{amount}，结清以后可以申请减免一部分。", "我帮您记录一下，{date}还{amount}，对吧？",
    "这个电话是有录音的，请您知悉。", "如果您有异议，可以拨打客服热线{phone}反映。",
    "您之前承诺{date}还款，但是到现在还没有到账。", "我们这边核实一下，您现在的工作单位还是原来那家吗？",
    "麻烦您核对一下身份证后四位，{num4}对吗？", "您的还款记录我们都会如实上报，请您重视。",
    "本月{day}号是您的还款日，别忘了。", "好的，那我{date}再跟您联系。",
    "您的额度目前已经冻结了，还清以后可以申请恢复。",
    "外访人员会按规定提前和您预约，{date}上门核实情况。",
    "您可以先还{amount}，剩下的我帮您申请延期{n}个月。", "有什么问题您随时联系我，我的工号是{num4}。",
    "这笔钱是您在{year}年借的，本金{amount}。", "您方便的话把还款截图发给我，我帮您跟进入账。",
]
DEBTOR = [
    "是我，你是哪位？", "我最近手头紧，能不能晚{n}天？", "好的，我{date}去柜台办理。", "我已经还了{amount}了。",
    "你们这个利息也太高了吧。", "我现在在上班，不方便说话。", "能不能少还一点，我真的没钱。",
    "我老婆住院了，这个月实在拿不出来。", "行吧，{date}我先还{amount}。", "我没收到账单啊。",
    "你们再打我就投诉了。", "工资{date}才发，发了就还。", "我要跟家里商量一下。", "嗯，知道了。",
    "你说的这个{amount}是怎么算出来的？", "我记得我是{year}年办的卡。", "我这个月工资只有{amount}。",
    "我在{creditor}还有一笔，也逾期了{days}天。", "你们上次说可以减免{amount}的。", "{date}吧，{date}肯定还。",
    "我尾号{num4}的那张卡吗？", "我{date}刚还过{amount}，你们查一下。", "我现在在外地，{date}回去处理。",
]
INTROS = AGENT[:4]
BAD = [
    "你这个老赖，再不还就爆你通讯录。", "把银行卡和密码交给我，我帮你还。", "警察{date}就去你家抓人。",
    "要不要我去接你孩子放学？", "你要做牢的你知不知道。", "你就是个骗子，欠{amount}都不还。",
    "我们马上给你{kin}打电话，让他们都知道你欠钱。", "你还要不要脸了，{name}？", "你把钱转到我个人账户，{amount}。",
    "我知道你住哪，你跑不了。", "再不还钱法院{date}就来查封你的房子。", "你{kin}单位的电话我已经拿到了。",
]
KIN = ("爸妈", "老婆", "老公", "同事", "领导", "邻居", "朋友", "家人")
BAD_CATEGORIES = ("ABUSE", "CASH_OR_CARD_REQUEST", "FALSE_AUTHORITY", "THREAT_VIOLENCE", "FALSE_AUTHORITY", "ABUSE",
                  "THREAT_THIRD_PARTY", "ABUSE", "CASH_OR_CARD_REQUEST", "THREAT_VIOLENCE", "FALSE_AUTHORITY",
                  "THREAT_THIRD_PARTY")  # the category of each BAD template
SPEECH_CATEGORIES = ("ABUSE", "THREAT_VIOLENCE", "THREAT_THIRD_PARTY", "THIRD_PARTY_DISCLOSURE", "FALSE_AUTHORITY",
                     "CASH_OR_CARD_REQUEST")


def _chinese_number(n: int) -> str:
    """A natural Chinese reading of ``n`` (< 100,000), as ASR writes amounts out."""
    units = ((10_000, "万"), (1000, "千"), (100, "百"), (10, "十"))
    out, zero = "", False
    for value, unit in units:
        d, n = divmod(n, value)
        if d:
            if zero:
                out += "零"
            out += ("" if (unit == "十" and d == 1 and not out) else DIGITS[d]) + unit
            zero = False
        elif out:
            zero = True
    if n:
        out += ("零" if zero else "") + DIGITS[n]
    return out or "零"


class Composer:
    """Composes varied utterances from templates and slot values."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def slots(self) -> dict[str, str]:
        r = self.rng
        amount = r.randint(200, 99_999)
        amount_text = r.choice((f"{amount}元", f"{amount:,}.{r.randint(0, 99):02d}元",
                                _chinese_number(amount) + r.choice(("块", "元", "块钱"))))
        surname = r.choice(SURNAMES)
        name = surname + "".join(r.choice(GIVEN) for _ in range(r.randint(1, 2)))
        date = r.choice((f"{r.randint(1, 12)}月{r.randint(1, 28)}号", f"{r.randint(1, 28)}号",
                         "下周" + r.choice("一二三四五"), "明天", "这周末", "月底",
                         f"{_chinese_number(r.randint(1, 12))}月{_chinese_number(r.randint(1, 28))}日"))
        return {"name": name + r.choice(TITLES), "surname": surname, "creditor": r.choice(CREDITORS),
                "agency": r.choice(AGENCIES), "num4": f"{r.randint(0, 9999):04d}",
                "days": str(r.randint(3, 400)), "amount": amount_text, "date": date,
                "channel": r.choice(CHANNELS), "n": str(r.randint(2, 36)), "day": str(r.randint(1, 28)),
                "phone": f"400{r.randint(100, 999)}{r.randint(1000, 9999)}", "year": str(r.randint(2015, 2025)),
                "kin": r.choice(KIN)}

    def utterance(self, template: str) -> str:
        r = self.rng
        text = template.format(**self.slots())
        if r.random() < 0.4:
            text = r.choice(FILLERS) + r.choice(("，", "", " ")) + text
        elif r.random() < 0.3:
            text = self.slots()["name"] + r.choice(("，", "", " ")) + text
        if r.random() < 0.15:
            text = text.rstrip("。？") + r.choice(("，", "")) + r.choice(FILLERS) + "。"
        for right, wrong in TYPOS:
            if right in text and r.random() < 0.15:
                text = text.replace(right, wrong, 1)
        style = r.random()
        if style < 0.3:  # raw ASR: no punctuation
            text = "".join(ch for ch in text if ch not in "，。？！、")
        elif style < 0.4:
            text = text.replace("，", " ").replace("。", " ").strip()
        return text


def synth(rng: random.Random, n: int, violation_rate: float = 0.03) -> list[tuple[Contact, list[Segment]]]:
    """``n`` synthetic contacts (90 % calls, 10 % visits) with 6-14 utterances each."""
    tz = timezone(timedelta(hours=8))
    comp = Composer(rng)
    out = []
    for i in range(n):
        segs = []
        t = 0.0
        for k in range(rng.randint(6, 14)):
            if k == 0:
                template, role = rng.choice(INTROS), "agent"
            elif rng.random() < 0.6:
                template = rng.choice(BAD) if rng.random() < violation_rate else rng.choice(AGENT)
                role = "agent"
            else:
                template, role = rng.choice(DEBTOR), "debtor"
            segs.append(Segment(role, role, t, t + 3.0, comp.utterance(template)))
            t += 3.5
        visit = rng.random() < 0.1
        creditor = rng.choice(CREDITORS)
        contact = Contact(call_id=f"b-{i}", kind="visit" if visit else "call",
                          started_at=datetime(2026, 11, 2, 8, tzinfo=tz) + timedelta(minutes=i % 900),
                          talk_seconds=t, outcome="answered", agent_id=f"A{i % 37}", creditor=creditor,
                          agency=rng.choice(AGENCIES) + "催收服务有限公司", product="credit_card",
                          debtor_id=f"D-{i % 997}", contact_role=rng.choice(("debtor",) * 19 + ("relative",)),
                          days_past_due=rng.randint(5, 300), visit_staff=rng.choice((1, 2, 2)) if visit else None,
                          audio_file="x.wav")
        out.append((contact, segs))
    return out


def every_detector_pack(folder: Path, seed: int) -> Path:
    """Write a pack that extends the default one with similar rules and the learned model, and
    its training file, into ``folder``; return the pack's path (see ``--every-detector``)."""
    import yaml

    comp = Composer(random.Random(seed + 1000))
    examples: dict[str, list[str]] = {}
    for template, category in zip(BAD, BAD_CATEGORIES):
        examples.setdefault(category, []).extend(comp.utterance(template) for _ in range(4))
    counters = [comp.utterance(t) for t in AGENT[:12]]
    cite = {"source": "benchmark (synthetic)"}
    rules = [{"id": f"SIM-{cat.replace('_', '-')}", "title_zh": "相似句", "title_en": f"similar ({cat})",
              "category": cat, "severity": "high", "citation": cite,
              "detector": {"type": "similar", "threshold": 0.85, "examples": found,
                           "counter_examples": counters[i::len(examples)]}}
             for i, (cat, found) in enumerate(sorted(examples.items()))]
    rules += [{"id": f"ML-{cat.replace('_', '-')}", "title_zh": "模型疑似", "title_en": f"model ({cat})",
               "category": cat, "severity": "medium", "citation": cite, "detector": {"type": "model"}}
              for cat in SPEECH_CATEGORIES]
    training = folder / "training.jsonl"
    with open(training, "w", encoding="utf-8") as out:
        for template, category in zip(BAD, BAD_CATEGORIES):
            for _ in range(30):
                out.write(json.dumps({"text": comp.utterance(template), "category": category},
                                     ensure_ascii=False) + "\n")
        for template in AGENT:
            for _ in range(20):
                out.write(json.dumps({"text": comp.utterance(template), "category": "COMPLIANT"},
                                     ensure_ascii=False) + "\n")
    default = Path(__file__).resolve().parents[1] / "audit" / "rules" / "packs" / "default.yaml"
    pack = {"name": "every-detector", "extends": str(default),
            "model": {"training_file": training.name, "report_threshold": 0.9, "suspect_threshold": 0.6},
            "rules": rules}
    path = folder / "every_detector.yaml"
    path.write_text(yaml.safe_dump(pack, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


# (contact_role, kind) of each golden scan_text result
GOLDEN_CONTEXTS = (("debtor", "call"), ("relative", "call"), ("debtor", "visit"))


def write_golden(path: Path, seed: int) -> None:
    """Record what the engine finds on the rule test lines and on synthetic utterances and contacts.

    ``tests/rules/test_golden_scan.py`` asserts the engine reproduces this file exactly, so an
    optimisation cannot change a result unnoticed. Regenerate only for an intended rule change.
    """
    pack = load_pack()
    pack.cache_size = 0
    data_dir = Path(__file__).resolve().parents[1] / "tests" / "rules" / "data"
    lines: list[str] = []
    for file in sorted(data_dir.glob("*.txt")):
        for line in file.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                lines.append(line.split("\t")[-1])
    rng = random.Random(seed)
    contacts = synth(rng, 250, violation_rate=0.15)
    comp = Composer(rng)
    extra = [comp.utterance(t) for t in AGENT + BAD for _ in range(25)]
    texts = list(dict.fromkeys(lines + [s.text for _, segs in contacts for s in segs] + extra))
    scans = {}
    for text in texts:
        scans[text] = [sorted(f.rule_id for f in pack.scan_text(text, contact_role=who, kind=kind))
                       for who, kind in GOLDEN_CONTEXTS]
    synthetic = []
    for contact, segs in contacts:
        findings = pack.scan_contact(contact, segs, {"duration_s": contact.talk_seconds, "agent_voices": 1})
        synthetic.append({"contact": {"call_id": contact.call_id, "kind": contact.kind,
                                      "started_at": contact.started_at.isoformat(),
                                      "talk_seconds": contact.talk_seconds,
                                      "creditor": contact.creditor, "agency": contact.agency,
                                      "contact_role": contact.contact_role,
                                      "days_past_due": contact.days_past_due,
                                      "visit_staff": contact.visit_staff},
                          "segments": [[s.role, s.text] for s in segs],
                          "rule_ids": sorted(f.rule_id for f in findings)})
    corpus = {}
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for tests.conftest.CORPUS
    try:
        from audit.evaluation import load_truth, truth_metrics, truth_segments
        from audit.manifest import read_manifest
        from tests.conftest import CORPUS

        manifest, _ = read_manifest(CORPUS / "manifest.csv")
        truth = load_truth(CORPUS)
        for c in manifest:
            t = truth.get(c.call_id)
            segs = truth_segments(t) if t else []
            corpus[c.call_id] = sorted(f.rule_id for f in pack.scan_contact(c, segs, truth_metrics(t)))
    except (ImportError, OSError) as exc:
        print(f"corpus not recorded: {exc}")
    # one entry per line, so that a regenerated file diffs readably
    def dump(value) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    parts = [f'{{"pack_version":{dump(pack.version)},', f'"contexts":{dump(GOLDEN_CONTEXTS)},', '"scan_text":{',
             ",\n".join(f"{dump(t)}:{dump(v)}" for t, v in scans.items()), '},"contacts":[',
             ",\n".join(dump(c) for c in synthetic), '],"corpus":{',
             ",\n".join(f"{dump(k)}:{dump(v)}" for k, v in corpus.items()), "}}"]
    path.write_text("\n".join(parts) + "\n", encoding="utf-8")
    fired = sum(bool(v[0]) for v in scans.values())
    print(f"{path}: {len(scans)} utterances ({fired} with findings), {len(synthetic)} synthetic contacts, "
          f"{len(corpus)} corpus contacts")


def run(pack, data: list[tuple[Contact, list[Segment]]]) -> tuple[float, float, int]:
    """Scan ``data``; return wall seconds, CPU seconds of this process and the finding count."""
    start, cpu = time.perf_counter(), time.process_time()
    findings = 0
    for contact, segs in data:
        findings += len(pack.scan_contact(contact, segs, {"duration_s": contact.talk_seconds}))
    findings += len(pack.scan_log([c for c, _ in data]))
    return time.perf_counter() - start, time.process_time() - cpu, findings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transcripts", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--violation-rate", type=float, default=0.03,
                        help="share of collector lines that break a rule (default 0.03)")
    parser.add_argument("--cache", action="store_true",
                        help="also run with the per-utterance cache on (second pass over the same data)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="passes over the data per setting; the best and the median are reported")
    parser.add_argument("--write-golden", type=Path, metavar="JSON",
                        help="record the golden scan results instead of benchmarking")
    parser.add_argument("--every-detector", action="store_true",
                        help="the default pack plus similar rules and the learned model (synthetic)")
    args = parser.parse_args()
    if args.write_golden:
        write_golden(args.write_golden, args.seed)
        return
    data = synth(random.Random(args.seed), args.transcripts, args.violation_rate)
    texts = [s.text for _, segs in data for s in segs]
    chars = sum(map(len, texts))
    nbytes = sum(len(t.encode("utf-8")) for t in texts)
    agent = [s.text for _, segs in data for s in segs if s.role == "agent"]
    print(f"{len(data)} transcripts, {len(texts):,} utterances, {len(set(texts)) / len(texts):.1%} distinct "
          f"({len(agent):,} collector lines, the ones the line rules scan: {len(set(agent)) / len(agent):.1%} "
          f"distinct); {chars:,} characters, {nbytes / 1e6:.2f} MB UTF-8")
    # load the jieba and pypinyin dictionaries outside the timing (a one-off second per process)
    from audit.rules.matcher import Utterance

    folder = tempfile.TemporaryDirectory() if args.every_detector else None
    pack_path = every_detector_pack(Path(folder.name), args.seed) if folder else None
    for cache in ((False, True) if args.cache else (False,)):
        pack = load_pack(pack_path)
        if pack_path is not None:
            kinds = sorted({r.detector.type for r in pack.rules})
            print(f"pack {pack_path.name}: {len(pack.rules)} rules ({', '.join(kinds)}), model on: {pack.has_model}")
        pack.cache_size = 50_000 if cache else 0
        pack.scan_text("预热：你这个老赖")
        Utterance("预热").token_boundaries()
        passes = []
        for _ in range(max(args.repeat, 1)):
            if not cache:
                pack._utts.clear()  # nothing of a previous pass may help the next one
                pack._cache.clear()
            passes.append(run(pack, data))
        findings = passes[0][2]
        assert all(p[2] == findings for p in passes)
        # CPU time too: on a shared machine the wall clock also counts other processes' turns
        # the first pass also pays one-off costs (pinyin of each new character, a name index per
        # creditor/agency pair), which a night-long batch pays once
        for label, pick in (("first", lambda xs: xs[0]), ("best", min),
                            ("median", lambda xs: sorted(xs)[len(xs) // 2])):
            elapsed = pick([p[0] for p in passes])
            cpu = pick([p[1] for p in passes])
            print(f"cache {'on ' if cache else 'off'} {label:6s}: {findings} findings in {elapsed:.2f} s "
                  f"({cpu:.2f} s CPU); {chars / elapsed:,.0f} characters/s, {nbytes / elapsed / 1e6:.2f} MB/s "
                  f"on one core ({chars / cpu:,.0f} characters, {nbytes / cpu / 1e6:.2f} MB per CPU second)")
    print("load average: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
