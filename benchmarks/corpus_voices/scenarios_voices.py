"""Voiceprint calibration scenarios (issue 11): named collector voices on stereo calls and in visits.

Teams of collectors (agent ids V3xx..V6xx, each a callsynth named voice = its agent id) are
enrolled from stereo telephone calls (8 kHz, collector on the left channel); the same voices then
appear on mono recordings: home visits (16 kHz room, reverb, noise) with two or three collectors
and mono telephone calls where a second collector joins. Some visits bring a collector whose voice
is not enrolled (voices U9xx, "unregistered"), some logs claim more collectors than are heard, and
two stereo calls have somebody else in a collector's seat (the profile must reject them).

``split`` in each scenario's ``meta`` says ``tune`` or ``heldout``: thresholds are chosen on tune
and reported on both. Lines are short and drawn from small pools so that the TTS (one synthesis
per distinct line, ``generate.py`` memoises it) stays cheap on two cores.
"""
from __future__ import annotations

import random

BANK = dict(agency="招商银行信用卡中心", creditor="招商银行", product="credit_card")

TEAMS = {f"外访{n}组": [f"V{n0}{i:02d}" for i in range(1, 7)]
         for n, n0 in (("一", 3), ("二", 4), ("三", 5), ("四", 6))}
UNREGISTERED = ["U901", "U902", "U903", "U904", "U905", "U906"]

AGENT_LINES = [
    "您好，我是招商银行信用卡中心的工作人员。",
    "您的信用卡账单已经逾期了，请您尽快还款。",
    "您可以通过官方APP申请分期还款。",
    "也可以到银行柜台办理还款手续。",
    "我们不会上门收取现金，请您放心。",
    "请您核对一下手机号码和住址。",
    "这是借款合同和欠款本息账单。",
    "如果有困难，可以和我们协商还款计划。",
    "请问您这个月能先还一部分吗？",
    "我们的工号可以在官网上查询。",
    "逾期时间越长，对您的征信影响越大。",
    "感谢您的配合，祝您生活愉快。",
    "这是我的工作证，请您看一下。",
    "麻烦您在催款通知书上签个字。",
    "您最晚什么时候能把钱还上？",
    "我们今天来就是想和您当面沟通一下。",
    "最低还款额是两千三百元。",
    "还款以后记得保留好凭证。",
]
DEBTOR_LINES = [
    "是我，有什么事吗？",
    "我最近手头确实比较紧。",
    "好的，我知道了。",
    "能不能下个月再还？",
    "我这周末去柜台办理。",
    "你们怎么找到我家来了？",
    "我先还一部分可以吗？",
    "行，我签字。",
]
VIOLATIONS = [  # (line, category) said by a collector
    ("你这种老赖说的话谁信啊。", "ABUSE"),
    ("今天不还钱，我就告诉你所有的亲戚朋友。", "THREAT_THIRD_PARTY"),
    ("家里有多少现金先拿出来，我们帮你带回去。", "CASH_OR_CARD_REQUEST"),
]


def _team_of(agent: str) -> str:
    return next(t for t, members in TEAMS.items() if agent in members)


def _stereo(call_id: str, agent: str, voice: str, day: int, rng: random.Random, n_lines: int = 7) -> dict:
    lines = rng.sample(AGENT_LINES, n_lines)
    turns = []
    for i, line in enumerate(lines):
        turns.append(("agent", line, []))
        if i % 2 == 1:
            turns.append(("debtor", rng.choice(DEBTOR_LINES), []))
    return dict(call_id=call_id, kind="call", channels="stereo", format="wav",
                roles=dict(agent="agent", debtor="debtor"), voices={"agent": voice},
                meta=dict(started_at=f"2026-11-{day:02d}T{9 + rng.randrange(8):02d}:{rng.randrange(60):02d}:00+08:00",
                          agent_id=agent, agent_name=agent, team=_team_of(agent), case_id=f"C-{call_id}",
                          debtor_id=f"D-{call_id}", contact_role="debtor", days_past_due=40, split="enroll",
                          **BANK),
                turns=turns)


def _mono(call_id: str, staff: list[str], voices: list[str], logged: list[str], kind: str, split: str,
          rng: random.Random, violation_by: int | None) -> dict:
    labels = ["agent", "agent2", "agent3"][: len(voices)]
    turns: list[tuple] = []
    order = list(range(len(voices))) * 2
    rng.shuffle(order)
    order = [0] + [i for i in order if i != 0 or rng.random() < 0.5]
    if len(set(order)) < len(voices):
        order += [i for i in range(len(voices)) if i not in order]
    for k, who in enumerate(order):
        turns.append((labels[who], rng.choice(AGENT_LINES), []))
        if k % 2 == 1:
            turns.append(("debtor", rng.choice(DEBTOR_LINES), []))
    if violation_by is not None:
        line, cat = rng.choice(VIOLATIONS)
        turns.insert(len(turns) - 1, (labels[violation_by], line, [cat]))
    roles = {lab: "agent" for lab in labels}
    roles["debtor"] = "debtor"
    sc = dict(call_id=call_id, kind=kind, format="m4a" if kind == "visit" else "mp3", roles=roles,
              voices=dict(zip(labels, voices, strict=True)),
              meta=dict(started_at=f"2026-11-{20 + rng.randrange(9):02d}T{9 + rng.randrange(9):02d}:"
                                   f"{rng.randrange(60):02d}:00+08:00",
                        agent_id=logged[0], agent_name=logged[0], team=_team_of(logged[0]), case_id=f"C-{call_id}",
                        debtor_id=f"D-{call_id}", contact_role="debtor", days_past_due=90,
                        visit_staff=";".join(logged), split=split, truth_staff=";".join(staff), **BANK),
              turns=turns)
    if kind == "visit":
        sc["noise"] = 0.015 + rng.random() * 0.01
    else:
        sc["channels"] = "mono"
    return sc


def build() -> list[dict]:
    rng = random.Random(11)
    scenarios = []
    day = 1
    for members in TEAMS.values():
        for agent in members:
            for k in range(3):
                scenarios.append(_stereo(f"enr-{agent}-{k}", agent, agent, day, rng))
                day = day % 18 + 1
    # somebody else in the seat: these calls must not poison V302's and V405's profiles
    scenarios.append(_stereo("enr-V302-x", "V302", "U906", 3, rng))
    scenarios.append(_stereo("enr-V405-x", "V405", "U905", 4, rng))
    n = 0
    vrng = random.Random(12)  # the visits draw from their own generator: the stereo calls above never change
    rng = vrng
    for split in ("tune", "heldout"):
        for team, members in TEAMS.items():
            for j in range(7):
                n += 1
                k = 3 if j in (3, 5) else 2
                staff = rng.sample(members, k)
                voices, logged = list(staff), list(staff)
                if j in (2, 6):                                     # an unregistered collector replaces one
                    voices[1] = UNREGISTERED[n % 6]
                    logged = list(staff)
                if j == 1 and team in ("外访二组", "外访四组"):      # log claims a third collector never heard
                    logged = staff + [rng.choice([m for m in members if m not in staff])]
                kind = "call" if j == 0 or (j == 4 and team in ("外访二组", "外访三组")) else "visit"
                violation_by = 1 if j in (0, 3, 4) else None
                scenarios.append(_mono(f"vis-{n:02d}", staff, voices, logged, kind, split, rng, violation_by))
    return scenarios


SCENARIOS = build()
