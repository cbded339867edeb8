"""The per-call vocabulary: the names people actually say, built from the manifest row.

The log carries registered names ("诚汇资产管理有限公司", "速借花网络小贷", "招商银行信用卡中心");
on a call people say "诚汇资产", "诚汇公司", "速借花", "招商银行" or "招行", and "信用卡中心" on its
own. :func:`audit.names.short_forms` strips what nobody says (the legal form, a city or province
in front, the line of business at the end) and keeps each intermediate form, so every way of
saying the name is a word the pinyin corrector can restore. :func:`call_vocabulary` gathers the words of one
contact by kind (creditor, agency, people, product): the corrector takes them as hotwords and
:mod:`pipelines.entities` looks for them in the truth transcripts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from audit.masking import surname_of
from audit.names import CARD_CENTRE, short_forms
from audit.schema import Contact

__all__ = ["CARD_CENTRE", "PRODUCT_WORDS", "Vocabulary", "call_corrector", "call_vocabulary", "short_forms"]
_HAN = re.compile(r"^[\u4e00-\u9fff]+$")

PRODUCT_WORDS = {"credit_card": ("信用卡", "账单", "最低还款额", "分期"),
                 "online_loan": ("借款", "网贷", "平台", "本息")}


@dataclass
class Vocabulary:
    """One contact's words by kind; :meth:`words` is the flat list, the call's own names first."""

    creditor: list[str] = field(default_factory=list)
    agency: list[str] = field(default_factory=list)
    # full names: the agent's, the visit's other collectors', the debtor's
    people: list[str] = field(default_factory=list)
    product: list[str] = field(default_factory=list)
    # how the debtor is addressed: surname + 先生 / 女士 (the log says nothing of the gender)
    addressed: list[str] = field(default_factory=list)

    def words(self) -> list[str]:
        return list(dict.fromkeys([*self.creditor, *self.agency, *self.people, *self.addressed, *self.product]))

    def names(self) -> dict[str, list[str]]:
        """The entity kinds (creditor, agency, people) and their words, for entity accuracy."""
        return {"creditor": self.creditor, "agency": self.agency, "people": [*self.people, *self.addressed]}

    def decoder_words(self, which: str = "all") -> list[str]:
        """The words for the decoder's hotwords or prompt (``AsrOptions.vocabulary_words``):
        ``"all"`` or ``"people"`` (full names and the debtor's forms of address only)."""
        if which == "people":
            return list(dict.fromkeys([*self.people, *self.addressed]))
        if which != "all":
            raise ValueError(f"vocabulary_words {which!r} is not one of all, people")
        return self.words()

    def surnames(self) -> str:
        """The call's surnames, the collectors' first (a self-introduction is theirs), then the debtor's."""
        return "".join(dict.fromkeys(surname_of(p)[:1] for p in self.people))  # 欧阳: 欧, as before


def _person(name: str) -> bool:
    return bool(name) and bool(_HAN.match(name)) and 2 <= len(name) <= 4


def call_vocabulary(contact: Contact) -> Vocabulary:
    """The words of one contact: short forms of the creditor and the agency; the names of the
    agent, of the visit's other collectors (``visit_staff_names``, from earlier log rows) and of
    the debtor where the log has them, and how the debtor is addressed (陈先生, 陈女士); the
    product's words. (Not "我姓刘", how a collector gives a name at the door: it sounds like
    我行 + a word, "我行为", "我行联系".)"""
    creditor = short_forms(contact.creditor)
    agency = [w for w in short_forms(contact.agency) if w not in creditor or w == CARD_CENTRE]
    people = [p for p in dict.fromkeys((contact.agent_name, *contact.visit_staff_names, contact.debtor_name))
              if _person(p)]
    debtor = contact.debtor_name
    addressed = [surname_of(debtor) + title for title in ("先生", "女士")] if _person(debtor) else []
    return Vocabulary(creditor=creditor, agency=agency, people=people, addressed=addressed,
                      product=list(PRODUCT_WORDS.get(contact.product or "", ())))


def call_corrector(vocabulary: Vocabulary):
    """The pinyin corrector for one contact: the call's words of three characters or more as
    hotwords, the creditor's and the agency's names also matched approximately
    (:class:`pipelines.correct.Corrector`). People's names are matched exactly only: matched
    approximately, a three-character name found itself in common phrases (不良作用 → 不梁志勇); and
    by their sound only where a person stands (:func:`pipelines.names_heard.heard_as_person`: the
    same sound is found in common phrases too, 您之前 for 宁志强).

    Two-character words are left out: a short name or a given name sounds like common words too
    often (王晨 is 完成, 诚和 is the 成合 of 构成合同), and people say the longer forms
    ("诚和公司", "招商银行") where the name matters."""
    from pipelines.correct import Corrector

    words = [w for w in vocabulary.words() if len(w) >= 3]
    orgs = [*vocabulary.creditor, *vocabulary.agency]
    return Corrector(hotwords=words, names=[w for w in orgs if w in words],
                     surnames=vocabulary.surnames(),
                     short_names=[w for w in orgs if len(w) == 2], people=list(vocabulary.people))
