"""Give every speaker a role: agent, debtor, relative or third_party.

Stereo calls need no guessing: the collector is on the channel the manifest names. For mono
recordings the diarizer only says *who spoke when*; which voices are collectors is read from
what they say (collectors introduce their institution, name the debt, ask for repayment) and
how many collectors the log says were there. Who the other person is comes from the manifest's
``contact_role``, corrected by the words spoken ("我是他妈妈" on a call to the debtor's number).
"""

from __future__ import annotations

import re
from collections import defaultdict

from audit.schema import Contact, Role, Segment

_AGENT_CUES = [re.compile(p) for p in (
    r"我(们)?是.{0,16}(工作人员|专员|客服|外访|催收|委托|银行|公司|中心|律师|法务)",
    r"受.{1,16}委托", r"工号", r"工作证", r"逾期", r"欠款", r"账单", r"还款", r"借款",
    r"请(您|你)", r"麻烦(您|你)", r"您的", r"催款", r"官方", r"柜台", r"APP", r"通知书", r"合同",
    r"尽快", r"核对", r"签收", r"转告",
)]
_PARTY_CUES = [re.compile(p) for p in (
    r"你是(谁|哪位|哪个)", r"你们(这是|怎么|再|又|不能)", r"我(现在)?(真的)?没(有)?钱", r"我(会|一定)?想办法",
    r"报警", r"投诉", r"我签字", r"能不能", r"是我", r"什么事",
)]
_RELATIVE = re.compile(r"我是(他|她)的?"
                       r"(妈妈|妈|母亲|爸爸|爸|父亲|老婆|妻子|爱人|老公|丈夫|儿子|女儿|哥哥|姐姐|弟弟|妹妹|家人|亲戚)")
_THIRD = re.compile(r"我是(他|她)的?(同事|朋友|邻居|领导|房东|室友)|(他|她)(已经)?不在(我们)?(这|这里|公司)")


def _agent_score(texts: list[str], names: list[str]) -> float:
    text = "".join(texts)
    score = sum(len(p.findall(text)) for p in _AGENT_CUES) + sum(2 for n in names if n and n in text)
    score -= sum(len(p.findall(text)) for p in _PARTY_CUES)
    return score / max(1.0, len(text) / 40)  # per ~sentence, so talkative debtors don't win


def collector_score(texts: list[str]) -> float:
    """How much some words sound like a collector's (the rule cues above, per ~sentence):
    positive for a collector's, negative for the other party's, 0 when they say neither."""
    return _agent_score(texts, [])


def party_role_for(texts: list[str], default: str) -> str:
    """The other party's role: the manifest's ``contact_role``, unless their own words say otherwise."""
    text = "".join(texts)
    if _RELATIVE.search(text):
        return Role.RELATIVE.value
    if _THIRD.search(text) and default == Role.DEBTOR.value:
        return Role.THIRD_PARTY.value
    return default


def expected_agents(contact: Contact) -> int:
    """How many collectors speak: ``visit_staff`` on a visit, or on a call whose log names the
    collectors (``V301;V305``: a second collector joined); else one."""
    if contact.kind == "visit" or contact.visit_staff_ids:
        return max(1, contact.visit_staff or 1)
    return 1


def assign_roles(segments: list[Segment], contact: Contact) -> dict[str, str]:
    """Map each diarized speaker label to a role; segments are updated in place too.

    The ``n`` speakers that sound most like collectors (n from the manifest: 1 on a call,
    ``visit_staff`` on a visit, never all speakers) are agents; ties go to whoever spoke first.
    """
    texts: dict[str, list[str]] = defaultdict(list)
    first: dict[str, float] = {}
    for seg in segments:
        texts[seg.speaker].append(seg.text)
        first.setdefault(seg.speaker, seg.start)
    speakers = list(texts)
    if not speakers:
        return {}
    names = [contact.creditor, contact.agency, contact.agent_name]
    n_agents = min(expected_agents(contact), max(1, len(speakers) - 1)) if len(speakers) > 1 else 1
    ranked = sorted(speakers, key=lambda s: (-_agent_score(texts[s], names), first[s]))
    roles = {s: Role.AGENT.value for s in ranked[:n_agents]}
    for s in ranked[n_agents:]:
        roles[s] = party_role_for(texts[s], contact.contact_role)
    for seg in segments:
        seg.role = roles[seg.speaker]
    return roles
