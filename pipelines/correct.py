"""Pinyin-based correction of domain words and per-call hotwords.

Whisper base hears the right sounds but often picks the wrong characters for words it rarely
saw (召伤银行 for 招商银行, 通讯路 for 通讯录, 贵台 for 柜台). A term whose toneless pinyin matches
a stretch of the transcript — allowing the usual Mandarin confusions (z/zh, c/ch, s/sh, n/l,
front/back nasals) — is written with the term's characters. Only terms of two or more
characters are used, so common single characters are never rewritten.

The call's *names* (creditor, agency, people: :mod:`pipelines.vocabulary`), three characters or
more, are also matched approximately, because Whisper base often gets one syllable of a name it
never saw wrong (塑建花 for 速借花, 中夕银行 for 中信银行, 张商银行 for 招商银行): a stretch of the same
length whose syllables differ from the name's in at most one position in four (at least one),
each by at most two letters and with an onset of the same group (j/q/x, g/k/h ...), or any
onset when every other character is the name's own (并信公司 for 鼎信公司). Syllables are
read by words (银行 is yin hang). Guards, since a wrong rewrite is worse than a garbled name: the
stretch must be all Chinese characters of the same length as the name (工作证 never becomes
工作人员), must not overlap a stretch already matched exactly, and a known word found exactly
inside it (a domain term or another of the call's words) must stay where it is in the name.

Round 2 (docs/hearing.md): an organisation's name *anchored* by 受…, …委托, …的官方渠道 or a word of
its own (银行, 信用卡, 公司) may be further off (:meth:`Corrector._anchored`); generic terms of four
characters or more are matched one letter off; a few words are fixed in frames only one word fits
(``_IN_FRAME``); and people's surnames in the frames where only a surname stands
(:func:`people_frames`: 我姓X, X先生/X女士, 女士).

Round 3: all of the call's forms exactly before any approximately; a two-character name of the
creditor or agency in a frame only an organisation fills (:meth:`Corrector._in_org_frame`: 在中心的
动卡空间 → 在中信的); 收…委托 → 受…委托 before the names; more frames of collection calls.

Round 4 (:mod:`pipelines.names_heard`): a two-character name wherever the heard characters make no
word of the dictionary (见航 → 建行, 米川 → 闽川); the collector's full name in a self-introduction
(我是博岳公司的科会领 → 柯慧敏); 资产, 小贷, 消费金融 anchor a name, also when heard as their sound.

Session 9 (:mod:`pipelines.names_framed`): a two-character name heard as a word, where what follows
is said only after an organisation (名声的官方 → 民生的官方, 中心卡 → 中信卡); the people's words of the
log (full names, 邵先生) matched by their sound only where a person stands
(:func:`pipelines.names_heard.heard_as_person`: not 黄晓燕女士 → 黄晓杨, 您之前 → 宁志强).
"""

from __future__ import annotations

import re

from rapidfuzz.distance import Levenshtein

from pipelines.names_framed import framed
from pipelines.pinyin_keys import _key, _syllable, _text_keys
from pipelines.pinyin_keys import same_onset as _same_onset

# The commonest surnames (a form of address after one is a person: pipelines.entities; the
# corrector's people frames).
SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕"
            "丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴"
            "莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅"
            "童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连"
            "芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩"
            "明佘池查麻苑迟邝")

# Collection vocabulary: words the supervisor and the rules need spelled right.
DOMAIN_TERMS = (
    "逾期", "还款", "欠款", "借款", "贷款", "本息", "账单", "分期", "延期", "最低还款额",
    "通讯录", "紧急联系人", "征信", "工号", "催收", "催收专员", "委托", "外访", "外访人员",
    "工作证", "身份证", "催款通知书", "律师函", "柜台", "银行柜台", "官方渠道", "对公账户", "个人账户",
    "信用卡", "信用卡中心", "网贷", "平台", "法院", "起诉", "立案", "坐牢", "老赖", "签收",
    "收款码", "验证码", "转账", "手续费", "核实", "投诉", "工作人员", "民事纠纷",
    # words of every collection call whose sound-alikes are rarely meant (issue 16)
    # (not 理解, 利息: n/l makes 你借, 你吸 sound the same; not 还钱: 还欠; not 工资: 提供支付;
    # not 女士: 律师)
    "核对", "明细", "账户", "还清", "结清", "协商", "减免", "罚息", "违约金", "借款合同", "客服电话", "外访员",
    "催款", "欠费", "先生",
)

_HAN = re.compile(r"[\u4e00-\u9fff]")


# Anchors: words that say "an organisation's name is here". Inside the name at the same place
# (招商银行信用卡通信 holds 银行 of 招商银行信用卡中心), right after the stretch (受广发言好委托, 在平安土贵的
# 官方渠道) or right before it (受). An anchored stretch may have more syllables off (below).
# (and the words of a line of business: 越南资产 holds 资产 of 瑞岚资产; the core left is the name's own)
_INSIDE_ANCHORS = ("信用卡中心", "信用卡", "银行", "公司", "资产", "小贷", "消费金融", "管理", "金融", "信息", "咨询",
                   "小额贷款")  # not 催收 (进行催收 is not 鼎信催收), 服务, 网络, 科技
_AFTER_ANCHORS = ("委托", "的官方渠道", "的工作人员", "的外访", "的客服", "的借款")
_BEFORE_ANCHORS = ("受",)
# Organisations a debtor may name besides the call's own: never rewritten into the call's name
# (工商银行 is two syllables from 招商银行 and anchored by 银行).
OTHER_ORGS = ("工商银行", "建设银行", "农业银行", "中国银行", "交通银行", "招商银行", "民生银行", "光大银行",
              "浦发银行", "中信银行", "广发银行", "兴业银行", "平安银行", "华夏银行", "邮政储蓄", "邮储银行",
              "北京银行", "上海银行", "网上银行", "手机银行", "网银", "微信", "支付宝", "花呗", "借呗", "京东", "美团")


# 受 X 委托 heard 收 X 委托 (收快意见委托): fixed before the names, so that 受 anchors X
_ENTRUSTED = re.compile(r"收(?=[\u4e00-\u9fff]{2,6}?[委伟尾为][托拖脱])(?!到|入|款|钱|费)")
# Frames that only an organisation fills, for the call's two-character names (_in_org_frame):
# a word before it that takes an organisation (在/到 X 的应用, 打 X 的客服电话, 那张 X 卡, 我们是 X 的)
# and what follows it (的应用, 的客服, 的卡, 卡, 借款, 委托, 的 at the end of a self-introduction).
_ORG_BEFORE = re.compile(r"(?:[在再到去打找跟给向走受用从]|那张|我们是|我是|这里是|这边是)$")
_ORG_AFTER = re.compile(
    r"(?P<strong>的官方渠道|的官方|委托|的客服|的应用|的app|的APP|的借款|的信用卡|信用卡中心|小贷)?"
    r"(?(strong)|(?:的(?:卡|账单|网点|柜台|动卡|手机银行|工作人员|外访)|卡|信用卡|那张卡|借|的(?=$|[^\u4e00-\u9fff]|这是|工号)))")
# Words heard wrong in a frame that only one word fits (per rule: the frame, what it fixes).
_IN_FRAME = (
    (re.compile(r"(?<=申请)(.{0,3}?)分析"), r"\1分期"),  # 申请个性化分析: one applies for 分期
    (re.compile(r"(?<=已经)[一与于鱼余雨][七期其起](?=[一二三四五六七八九十两几半0-9])"), "逾期"),  # 已经一七四十七天
    (re.compile(r"(?<=渠道)[海害](?=款|[^\u4e00-\u9fff]|$)"), "还"),  # 官方渠道海，
    (re.compile(r"[海害](?=款)"), "还"),  # 海款, 害款 are no words
    (re.compile(r"(?<=不)[害海](?![怕臊羞人处])"), "还"),  # 欠钱不害 (not 不害怕)
    (re.compile(r"(?<=上班|出门|出差)起了"), "去了"),  # 他上班起了
    (re.compile(r"[一与于](?=期记录)"), "逾"),  # 一期记录
    (re.compile(r"(?<=工作证)语"), ""),  # 这是我的工作证语，: no word
    (re.compile(r"连续(?=[您你他她]|家人)"), "联系"),  # 我们不会连续您的家人
    # round 3 (docs/hearing.md): frames every collection call has
    (re.compile(r"[一与于鱼余雨以已][七其](?=[一二三四五六七八九十两几0-9][一二三四五六七八九十百两几0-9]*(?:天|个多?月))"),
     "逾期"),  # 一七五十七天, 以七八十四天: days or months past due
    (re.compile(r"[一与于鱼余雨以已][期七其起](?=[记纪]录)"), "逾期"),  # 于七纪录
    (re.compile(r"(?<=逾期)纪录"), "记录"),
    (re.compile(r"如时(?=[报上告])"), "如实"),  # 如时报送征信: 如时 is no word
    (re.compile(r"公司(?=卡|晚发|还没发|没发|压着|就到|到账|发下来)"), "工资"),  # 公司卡 for 工资卡
    (re.compile(r"(?<![开研])发(了?)公司(?![的里])"), r"发\1工资"),  # 发了公司我们帮你还
    (re.compile(r"见了(?=[一二三四五六七八九十两几0-9][一二三四五六七八九十百千万两几0-9]*[万千块])"),
     "借了"),  # 在易佳小贷见了两万六
    (re.compile(r"(?<=这个|那个|什么|这件|那件)是(?=[，。？！,.?!]|$)"), "事"),  # 说这个是？: 是 ends no clause
    (re.compile(r"(?<=本金)[家加]里西"), "加利息"),  # 本金家里西一共…: the principal plus interest
    (re.compile(r"[签牵](?=了(?:我们|你们|他们)?[一二三四五六七八九十两几0-9][一二三四五六七八九十百千万两几点0-9]*"
                r"[万千百块元])"), "欠"),  # 卡牵了一万九千: an amount owed (not 签了两份)
    (re.compile(r"(?:(?<=再)|(?<=分没|钱没|都没|还没|柜台))海(?=[，。？！,.?!]|$|了)"), "还"),  # 一分没海, 去柜台海
    # 是…的 heard 是…等 at the end of a clause (我是广发信用卡中心等, 你到底是哪家等)
    (re.compile(r"(是[^，。？！,.?!、；;：:\s]{0,8}?[^在稍再先等要请还都也就只得会能])等(?=[，。？！,.?!；;]|$)"),
     r"\1的"),
)
# People's frames (see :func:`people_frames`).
_XING_SLOT = "姓性心信新星兴幸"
# 心 and 新 make words with what follows (心累, 心慌, 新买): for a surname not the call's, only these
_GENERIC_SLOT = "性信星兴幸"
_NOT_A_SURNAME = "里你了的他她我们吗呢吧啊位老好各这那个"
_SELF = re.compile(rf"我([{_XING_SLOT}])([\u4e00-\u9fff])(?=$|[^\u4e00-\u9fff]|这是|工号|是|叫)")
# 姓 + one character at the start of a segment or after a pause, ended by a pause or 受 (姓言，受…委托)
_BARE_XING = re.compile(r"(?:^|(?<=[^\u4e00-\u9fff]))姓([\u4e00-\u9fff])(?=$|[^\u4e00-\u9fff]|受|这是)")
_ADDRESS = re.compile(r"(?:^|(?<=[^\u4e00-\u9fff])|(?<=[了吗啊吧呢]))([\u4e00-\u9fff])(?=先生|女士)")
# given-name characters that sound like a surname (东 like 董, 伟 like 魏): "卫东先生" cut short
# stays as it is unless the call's own surname is meant
_GIVEN = "东伟杰涛鹏飞磊静丽敏燕霞芳洋艳宇浩玲峰健琳莉倩雪晨欣怡婷娜俊毅"
_SHI = "是事市式师实时世"
# 女 + a shi that is not 士 after a surname, or before 吗; not 孙女是, 子女是, 妇女是 ...
_MADAM = re.compile(rf"(?<![孙子儿妇男少美母父侄闺长次仙淑修处])女[{_SHI}](?=吗)"
                    rf"|(?<=[{SURNAMES.replace('孙', '')}])女[{_SHI}](?=$|[^\u4e00-\u9fff]|您|你|下午|上午|晚上|我们)")


def _toneless(char: str) -> str:
    from pypinyin import Style, lazy_pinyin

    return lazy_pinyin(char, style=Style.NORMAL)[0]


def _surname_for(char: str, call: str) -> str | None:
    """The surname ``char`` sounds like: the call's own surnames first (fuzzy), then the commonest
    surnames (exact toneless pinyin); ``char`` itself when it is one."""
    if char in call or char in SURNAMES:
        return char
    key = _syllable(char)
    for s in call:
        if _syllable(s) == key:
            return s
    for s in call:  # the call's own surname heard with r for l (如 for 卢)
        own = _syllable(s)
        if own[1:] == key[1:] and own[:1] in "lnr" and key[:1] in "lnr":
            return s
    sound = _toneless(char)
    return next((s for s in SURNAMES if _toneless(s) == sound), None)


def people_frames(text: str, surnames: str = "") -> str:
    """Surnames in the frames where only a surname can stand: a self-introduction "我姓X" (我心无 →
    我姓吴, 我信留 → 我姓刘, 我姓网 → 我姓王) ended by a pause, 这是, 工号, 是 or 叫; a form of address
    "X先生", "X女士" at the start of a sentence (照先生 → 赵先生, 留女士 → 刘女士; not a given-name
    character, 东先生, unless it sounds like the call's own surname); and 女士 itself
    after a surname (王女是 → 王女士, 郭靖女师吗 → 郭靖女士吗). ``surnames``: the call's own (the
    agent's), tried first and matched by the corrector's fuzzy pinyin; any other surname must
    sound exactly the same, and a self-introduction without 姓 itself must read 我信X (not 我心X) and
    be followed by 这是我 (我信证这是我的工作证 → 我姓郑)."""
    def own(m: re.Match) -> str:
        slot, char = m.group(1), m.group(2)
        if char in _NOT_A_SURNAME:
            return m.group()
        surname = _surname_for(char, surnames)
        if surname is None:
            return m.group()
        if slot != "姓" and surname not in surnames and (slot not in _GENERIC_SLOT
                                                         or not text[m.end():].lstrip("，,、 ").startswith("这是我")):
            return m.group()
        return "我姓" + surname

    def address(m: re.Match) -> str:
        char = m.group(1)
        surname = None if char in _NOT_A_SURNAME else _surname_for(char, surnames)
        if surname is None or (char in _GIVEN and surname not in surnames):
            return char
        return surname

    def bare(m: re.Match) -> str:  # "姓言，" as a segment of its own: the call's surname of the same sound
        char = m.group(1)
        surname = next((s for s in surnames if _toneless(s) == _toneless(char)), None)
        return "姓" + surname if surname and char not in SURNAMES else m.group()

    text = _BARE_XING.sub(bare, _SELF.sub(own, text))
    return _MADAM.sub("女士", _ADDRESS.sub(address, text))


class Corrector:
    """Rewrites sound-alike stretches of a transcript as known terms."""

    def __init__(self, terms: tuple[str, ...] | list[str] = DOMAIN_TERMS, hotwords: list[str] | None = None,
                 names: list[str] | None = None, surnames: str = "", short_names: list[str] | None = None,
                 people: list[str] | None = None):
        # An ordered set: the call's own words (hotwords) before the generic domain terms, so
        # that among equally long sound-alikes the call's word wins, and the same in every run
        # (a plain set ordered equal-length terms by PYTHONHASHSEED and one transcript changed
        # from run to run).
        han = [t for t in [*(names or []), *(hotwords or []), *terms]
               if t and len(t) >= 2 and all(_HAN.match(c) for c in t)]
        # the call's names, matched approximately as well, are tried first (longest first)
        self._names = sorted(dict.fromkeys(n for n in names or [] if n in han and len(n) >= 3), key=len, reverse=True)
        # Longest first, so 招商银行信用卡中心 wins over 信用卡 (a stable sort keeps the order above).
        self._terms = sorted((t for t in dict.fromkeys(han) if t not in self._names), key=len, reverse=True)
        self._keys = {t: _key(t) for t in [*self._names, *self._terms]}
        self._known = [*self._names, *self._terms]
        self._surnames = surnames
        self._short_names = [n for n in dict.fromkeys(short_names or [])
                             if len(n) == 2 and all(_HAN.match(c) for c in n) and n not in self._known]
        self._keys.update({n: _key(n) for n in self._short_names})
        # what follows a short name in the call's longer forms (泰和: 资产, 公司 of 泰和资产, 泰和公司)
        self._suffixes = {n: tuple(f[2:] for f in self._names if f.startswith(n)) for n in self._short_names}
        # the collectors' full names, restored in a self-introduction (round 4: names_heard)
        self._people = [p for p in dict.fromkeys(people or []) if 2 <= len(p) <= 4 and all(_HAN.match(c) for c in p)]
        self._keys.update({p: _key(p) for p in self._people})
        # the people's words among the terms: full names and forms of address (邵先生), matched by
        # their sound only where a person stands (session 9: pipelines.names_heard.heard_as_person)
        self._person_words = set(self._people) | {
            t for t in self._terms if t.endswith(("先生", "女士")) and any(p.startswith(t[:-2]) for p in self._people)
        }

    @property
    def terms(self) -> tuple[str, ...]:
        """The terms in the order they are tried: the call's names, then the rest (longest first)."""
        return tuple(self._known)

    def __call__(self, text: str) -> str:
        if not text:
            return text
        text = _ENTRUSTED.sub("受", text)
        if self._short_names:  # round 4: a two-character name where the heard characters make no word
            text = self._loose_short_names(text)
        chars = list(text)
        keys, every = _text_keys(text), _text_keys(text, every_reading=True)
        fixed = [False] * len(chars)
        original = text
        # the call's names first, longest first, all exactly, then approximately; then the rest
        for name in self._names:
            self._exact(name, chars, every, fixed)
        for name in self._names:  # approximately only where no name of the call is heard exactly
            self._approximate(name, chars, keys, fixed, original)
        for term in self._terms:
            self._exact(term, chars, keys, fixed, person=term in self._person_words)
        # long domain terms are also matched approximately, after every exact match (官方起到 →
        # 官方渠道, 罪款通知书 → 催款通知书)
        for term in self._terms:
            if len(term) >= 4 and term in DOMAIN_TERMS:
                self._approximate(term, chars, keys, fixed, original, letters=1)
        for name in self._short_names:
            self._in_org_frame(name, chars, every, fixed)
        for name in self._short_names:  # session 9: what follows decides (名声的官方 → 民生)
            framed(name, self._suffixes[name], chars, keys, fixed, OTHER_ORGS)
        text = "".join(chars)
        if self._people:
            text = self._introduced(text, fixed)
        for pattern, repl in _IN_FRAME:
            text = pattern.sub(repl, text)
        return people_frames(text, self._surnames)

    def _exact(self, term: str, chars: list[str], keys: list, fixed: list[bool], person: bool = False) -> None:
        from pipelines.names_heard import heard_as_person

        key, n = self._keys[term], len(term)
        for i in range(len(chars) - n + 1):
            if any(fixed[i:i + n]) or not all(k is not None and s in k for s, k in zip(key, keys[i:i + n])):
                continue
            if person and not heard_as_person("".join(chars), i, term):
                continue
            chars[i:i + n] = list(term)
            fixed[i:i + n] = [True] * n

    def _approximate(self, name: str, chars: list[str], keys: list, fixed: list[bool], original: str,
                     letters: int = 2) -> None:
        """``name`` where a stretch sounds nearly like it (above); ``letters``: how far one off
        syllable may be (1 for the generic domain terms: 个人账号 is not 个人账户), and a generic
        term is never matched by its anchors."""
        key, n = self._keys[name], len(name)
        allowed = max(1, n // 4)
        i = 0
        while i <= len(chars) - n:
            readings = keys[i:i + n]
            if any(fixed[i:i + n]) or None in readings:
                i += 1
                continue
            # of each character's readings, the one closest to the name's syllable
            stretch = [min(r, key=lambda x, y=y: Levenshtein.distance(x, y)) for r, y in zip(readings, key)]
            # the name's own character matches whatever it is read as (行 of 音行 is the hang of 银行)
            distances = [0 if c == m else Levenshtein.distance(a, b)
                         for a, b, c, m in zip(stretch, key, original[i:i + n], name)]
            off = [d for d in distances if d]
            onsets = all(_same_onset(a, b) for a, b, d in zip(stretch, key, distances) if d)
            if not onsets and len(off) == 1:  # 并信公司: any onset when the rest is the name's own characters
                onsets = sum(a != b for a, b in zip(original[i:i + n], name)) == 1
            plain = off and len(off) <= allowed and max(off) <= letters and onsets
            anchored = letters == 2 and self._anchored(name, original, keys, i, distances)
            if (not off or not (plain or anchored)
                    or not self._keeps_known_words(original[i:i + n], name)):
                i += 1
                continue
            chars[i:i + n] = list(name)
            fixed[i:i + n] = [True] * n
            i += n

    @staticmethod
    def _anchored(name: str, original: str, keys: list, i: int, distances: list[int]) -> bool:
        """A stretch anchored as an organisation's name may be further off: the syllables outside
        an anchor word it holds (the *core*: 普宝 of 普宝银行信用卡中心) may be off in half their
        positions (at least one), in all but one when the stretch is anchored on both sides
        (受赦见花委托), each by at most three letters (two when only a word inside anchors it) and
        with any onset; the other syllables of the core are the name's, and the core is at most
        four characters (a long registered name is not rebuilt from its 咨询有限公司).
        Never a name the debtor may mean instead (工商银行 for 招商银行)."""
        n = len(name)
        stretch = original[i:i + n]
        if n < 3 or any(stretch.startswith(o) or o.startswith(stretch) for o in OTHER_ORGS if o not in name):
            return False
        anchor = [False] * n
        for word in _INSIDE_ANCHORS:
            at = name.find(word)
            heard = keys[i + at:i + at + len(word)] if at >= 0 else []  # or said like it: 回公小代 holds 小贷
            if at >= 0 and (stretch[at:at + len(word)] == word
                            or all(k is not None and y in k for y, k in zip(_key(word), heard))):
                anchor[at:at + len(word)] = [True] * len(word)
        core = [p for p in range(n) if not anchor[p]]
        before = any(original[:i].endswith(w) for w in _BEFORE_ANCHORS)
        # what follows is read by its sound, as the terms will be (受赦见花伟托: 伟托 is 委托)
        after = any(len(follow := keys[i + n:i + n + len(w)]) == len(w)
                    and all(k is not None and y in k for y, k in zip(_key(w), follow))
                    for w in _AFTER_ANCHORS if w not in name)
        if not core or len(core) > 4 or not (any(anchor) or before or after):
            return False
        if any((at := stretch.find(w)) >= 0 and name[at:at + len(w)] != w for w in _INSIDE_ANCHORS):
            return False  # 星澜小贷 holds 小贷 where 瑞岚资产 has 资产: another organisation
        off = [distances[p] for p in core if distances[p]]
        if len(off) != sum(1 for d in distances if d):  # everything outside the core is the name's
            return False
        allowed = len(core) - 1 if before and after else max(1, len(core) // 2)
        # anchored only by a word inside it, an off syllable is at most two letters off
        return 1 <= len(off) <= allowed and max(off) <= (3 if before or after else 2)

    def _in_org_frame(self, name: str, chars: list[str], every: list, fixed: list[bool]) -> None:
        """A two-character name of the call's creditor or agency (中信, 易佳, 恒泽) where a sound-alike
        word stands in a frame that only an organisation fills (:data:`_ORG_BEFORE` +
        :data:`_ORG_AFTER`): 在中心的动卡空间 → 在中信的, 在一家的应用里 → 易佳, 那张中心卡 → 中信卡,
        我们是横泽的 → 恒泽. The stretch sounds like the name (every reading), or one syllable is one
        letter off with an onset of the same group (贵通 for 汇通), two letters before a strong
        anchor (过发的官方渠道 for 广发); it is not part of a word already matched (信用卡中心)."""
        key = self._keys[name]
        text = "".join(chars)
        for i in range(1, len(chars) - 1):
            if any(fixed[i:i + 2]) or text[i:i + 2] == name or None in every[i:i + 2]:
                continue
            if not (_ORG_BEFORE.search(text[:i]) and (after := _ORG_AFTER.match(text, i + 2))):
                continue
            limit = 2 if after.group("strong") else 1
            distances = [0 if c == m else min(Levenshtein.distance(r, y) for r in k)
                         for c, m, k, y in zip(text[i:i + 2], name, every[i:i + 2], key)]
            off = [(d, r) for d, r in zip(distances, range(2)) if d]
            if len(off) > 1 or (off and (off[0][0] > limit or not any(
                    _same_onset(r, key[off[0][1]]) for r in every[i + off[0][1]]))):
                continue
            if any(text[i:i + 2] in o or o in text[i - 1:i + 3] for o in OTHER_ORGS):
                continue
            chars[i:i + 2] = list(name)
            fixed[i:i + 2] = [True, True]
            text = "".join(chars)

    def _loose_short_names(self, text: str) -> str:
        """A two-character name of the call's creditor or agency where two characters that make no
        word (:func:`pipelines.names_heard.loose`) sound like it, or one syllable is one letter
        off (见航, 宪行, 电行 → 建行; 敏川, 米川, 宁传 → 闽川; 承远, 呈演 → 澄远): round 4."""
        from pipelines.names_heard import bounded, loose, tone

        every = _text_keys(text)  # the usual readings only (印 is not yi: 核对印下借款 is 一下, not 易佳)
        chars = list(text)
        done = [False] * len(chars)
        for name in self._short_names:
            key = self._keys[name]
            for i in range(len(chars) - 1):
                stretch = "".join(chars[i:i + 2])
                if stretch == name or any(done[i:i + 2]) or None in every[i:i + 2]:
                    continue
                near = [min(k, key=lambda r, y=y: Levenshtein.distance(r, y)) for k, y in zip(every[i:i + 2], key)]
                distances = [0 if c == m else Levenshtein.distance(r, y)
                             for c, m, r, y in zip(stretch, name, near, key)]
                if sum(distances) > 1:
                    continue
                # one letter off keeps its onset group, unless the other character is the name's (电行 → 建行)
                off = next((p for p in range(2) if distances[p]), None)
                own = off is not None and stretch[1 - off] == name[1 - off]
                if off is not None and not own and (not _same_onset(near[off], key[off])
                                                    or tone(stretch[off]) != tone(name[off])):
                    continue  # 花薪 is not 华夏 (xin1/xia4); 县航 is 建行 (xian4/jian4, hang)
                if not loose(text, i, 2) or not bounded(text, i, 2) or any(
                        o in text[max(0, i - 2):i + 4] for o in OTHER_ORGS):
                    continue
                chars[i:i + 2] = list(name)
                done[i:i + 2] = [True, True]
        return "".join(chars)

    def _introduced(self, text: str, fixed: list[bool]) -> str:
        """The collector's full name in a self-introduction (我是 / 我叫 / the call's organisation +
        的, then the name) where the heard characters are no word and sound nearly like it: two
        letters off in all, at least one syllable right (我是博岳公司的科会领 → 柯慧敏, 瑞岚资产的乘写 →
        程雪, 信用卡中心的念红 → 聂红); round 4."""
        from pipelines.names_heard import INTRO, addressed, bounded, loose

        orgs = [*self._names, *self._short_names]
        every = _text_keys(text)
        chars = list(text)
        for person in self._people:
            key, n = self._keys[person], len(person)
            for i in range(1, len(chars) - n + 1):
                stretch, before = "".join(chars[i:i + n]), "".join(chars[:i])
                if (stretch == person or any(fixed[i:i + n]) or None in every[i:i + n]
                        or not loose(text, i, n, allow="会") or not bounded(text, i, n)):  # 任静怡: no 韦静
                    continue
                if any(text.startswith(w, i + n) for w in _INSIDE_ANCHORS):  # 我是诚汇资产: an organisation
                    continue
                if not (INTRO.search(before) or before.endswith("的") and any(before[:-1].endswith(o) for o in orgs)):
                    continue
                distances = [0 if c == m else min(Levenshtein.distance(r, y) for r in k)
                             for c, m, k, y in zip(stretch, person, every[i:i + n], key)]
                if sum(distances) > 2 or all(distances):
                    continue
                if not self._keeps_known_words(stretch, person):
                    continue
                chars[i:i + n] = list(person)
        return addressed("".join(chars), self._people, fixed)  # session 8: 请问是和这名先生 → 何志明

    def _keeps_known_words(self, stretch: str, name: str) -> bool:
        """Every known word found exactly in ``stretch`` is at the same place in ``name``."""
        for word in [*self._known, *DOMAIN_TERMS]:
            start = stretch.find(word)
            while start >= 0:
                if name[start:start + len(word)] != word:
                    return False
                start = stretch.find(word, start + 1)
        return True
