"""Institution names as people say them: the short forms of a registered name.

The log carries registered names ("深圳市诚汇资产管理有限公司", "中国民生银行股份有限公司",
"速借花网络小贷"); on a call people say "诚汇资产", "诚汇公司", "民生", "民生信用卡中心", "速借花".
:func:`short_forms` strips what nobody says (the legal form, 中国 or a city or province in front,
a zone after it, the line of business at the end), keeps each intermediate form, and adds how
banks and lines of business are said short (招行, 浦发, 小贷, 消金). One derivation for the whole
product: the recogniser's per-call vocabulary (:mod:`pipelines.vocabulary`) and the rule that a
collector names the institution they represent (``ID-INSTITUTION``, :mod:`audit.rules.engine`).
"""

from __future__ import annotations

import re

_HAN = re.compile(r"^[\u4e00-\u9fff]+$")
_LEGAL = re.compile(r"(股份)?(有限)?(责任)?公司$")
# Said-nobody prefixes: 中国, a province or a city ("深圳市", "广东省", "上海"), and after it a district
# or a free-trade zone that registered names of lenders carry ("深圳前海汇通…" is said 汇通).
_PLACE = re.compile(
    r"^(中国|北京|上海|天津|重庆|深圳|广州|杭州|南京|苏州|成都|武汉|西安|长沙|郑州|济南|青岛|厦门|福州|合肥|"
    r"南昌|昆明|贵阳|南宁|海口|沈阳|大连|长春|哈尔滨|石家庄|太原|呼和浩特|兰州|西宁|银川|乌鲁木齐|拉萨|宁波|"
    r"东莞|佛山|无锡|广东|浙江|江苏|山东|河南|河北|湖南|湖北|四川|福建|安徽|江西|云南|贵州|广西|海南|辽宁|"
    r"吉林|黑龙江|山西|陕西|甘肃|青海|宁夏|新疆|西藏|内蒙古)(市|省|自治区)?"
)
_BRACKETS = re.compile(r"[（(][^）)]*[）)]")
_ZONE = re.compile(r"^(前海|浦东新区|浦东|滨海新区|滨海|两江新区|两江|南沙|横琴|自贸区|高新区|经济开发区|开发区)")
# Words of a line of business at the end of a registered name, stripped one at a time (the
# longer unit first); each stripped leaves a shorter name that is still said ("诚汇资产管理" →
# "诚汇资产" → "诚汇").
_BUSINESS = ("小额贷款", "消费金融", "融资担保", "管理", "资产", "金融", "科技", "网络", "小贷", "贷款", "小额",
             "信息", "咨询", "商务", "催收", "服务", "投资", "数据", "征信", "技术", "企业", "信用", "外包", "数字",
             "互联网", "担保", "融资")
# How a line of business is said short after the name ("易佳网络小额贷款" → 易佳小贷, "马上消费金融" →
# 马上金融, 马上消金).
_SAID_SHORT = {"小额贷款": ("小贷",), "小贷": ("小贷",), "消费金融": ("金融", "消金")}
CARD_CENTRE = "信用卡中心"
BANK = "银行"
# Banks whose name is a common word ("招商", "工商") are said by a one-syllable short name instead
# of the bare name; a few long names have a contraction of their own.
_BANK_ABBREVIATIONS = {"招商": "招行", "工商": "工行", "建设": "建行", "农业": "农行", "中国": "中行", "交通": "交行"}
_BANK_CONTRACTIONS = {"上海浦东发展": "浦发", "邮政储蓄": "邮储", "农村商业": "农商", "农村信用": "农信"}
# a kind of bank, not one bank: never said alone for the bank of a city
_GENERIC_BANKS = ("农商", "农信")

def _strip_place(name: str) -> str:
    """``name`` without a city or province in front, and a district or zone after it, where what
    is left is still a name (北京银行 stays: 银行 alone is no name)."""
    m = _PLACE.match(name)
    rest = name[m.end():] if m else name
    rest = _ZONE.sub("", rest) if m else rest
    core = rest
    while (cut := next((b for b in _BUSINESS if core.endswith(b)), None)) is not None:
        core = core[:-len(cut)]
    if len(core) < 2 or (core.endswith(BANK) and len(core) <= len(BANK) + 1):
        return name
    return rest


def _bank_forms(bank: str) -> list[str]:
    """The forms of a bank's name besides the name itself ("中国民生银行": 民生银行, 民生;
    "上海浦东发展银行": 浦发银行, 浦发; "中国工商银行": 工商银行, 工行; "北京银行" stays whole)."""
    core = bank[:-len(BANK)]
    forms = []
    for long, short in _BANK_CONTRACTIONS.items():
        if core.endswith(long):
            core = core[:-len(long)] + short
            forms.append(core + BANK)
    if core.startswith("中国") and len(core) > 2:
        core = core[2:]
        forms.append(core + BANK)
    stripped = _strip_place(core + BANK)[:-len(BANK)]
    if stripped != core and len(stripped) >= 2 and stripped not in _GENERIC_BANKS:
        core = stripped
        forms.append(core + BANK)
    if core in _BANK_ABBREVIATIONS:
        forms.append(_BANK_ABBREVIATIONS[core])
    elif len(core) >= 2 and not _PLACE.fullmatch(core) and core not in _GENERIC_BANKS:
        forms.append(core)  # 民生, 中信, 广发, 浦发: "中信的卡", "受广发委托"
    return forms


def short_forms(name: str) -> list[str]:
    """Every form of a registered name that people say, the name itself first.

    >>> short_forms("深圳市诚汇资产管理有限公司")[:5]
    ['深圳市诚汇资产管理有限公司', '诚汇资产管理', '诚汇资产管理公司', '诚汇资产', '诚汇资产公司']
    """
    name = _BRACKETS.sub("", (name or "").strip())  # 捷信消费金融（中国）有限公司
    if not name:
        return []
    forms = [name]
    if name.endswith(CARD_CENTRE) and len(name) > len(CARD_CENTRE) + 1:
        bank = name[:-len(CARD_CENTRE)]
        banks = [bank, *short_forms(bank)[1:]]
        centres = [b + CARD_CENTRE for b in banks[1:]]
        return _said([*forms, *banks, *centres, CARD_CENTRE])
    company = bool(_LEGAL.search(name))
    base = _LEGAL.sub("", name)
    if base.endswith(BANK) and len(base) > len(BANK):
        return _said([*forms, base, *_bank_forms(base)])
    base = stem = _strip_place(base)
    short: list[str] = []
    while True:
        forms.append(stem)
        if company:  # "诚汇资产管理有限公司" is said "诚汇公司" as well as "诚汇"
            forms.append(stem + "公司")
        cut = next((b for b in _BUSINESS if stem.endswith(b) and len(stem) - len(b) >= 2), None)
        if cut is None:
            break
        stem = stem[:-len(cut)]
        short.extend(_SAID_SHORT.get(cut, ()))
    forms.extend(stem + s for s in dict.fromkeys(short))
    return _said(forms)


def _said(forms: list[str]) -> list[str]:
    return [f for f in dict.fromkeys(forms) if _HAN.match(f) and len(f) >= 2]
