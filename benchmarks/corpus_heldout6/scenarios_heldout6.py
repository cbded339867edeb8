"""Held-out scenarios (set 6): eight new enrolled collectors, visits, calls, the debtor's name.

Synthetic and written blind: the author did not read the product's code, the earlier sets'
truth or audio (beyond corpus_heldout5's README, scenarios, mark_truth5.py and manifest, read
for the format only), and did not run the product. Same format as
shared/tools/callsynth/scenarios_dev.py and benchmarks/corpus_heldout5.

turns: (speaker, text, [categories this line commits], {effects}); call_labels: categories
that hold for the whole contact (metadata or something missing). Categories are listed in
shared/corpus/README.md. Speaker labels are the generator's (agent, agent2, third, debtor,
relative); roles map them to agent/debtor/relative.
Turn effects (callsynth): {"shout": True} (louder, higher, a little faster), {"overlap": x}
(the turn starts x s before the previous turn ends), {"pause": 15} (15 s of dead air before it).

CONDUCT (judged from the sound) is labelled on a collector turn that is shouted (raised voice),
or on a collector turn that starts >= 1.0 s before the debtor's (or relative's) turn ends when
the contact has at least two such collector turns (repeated talk-over; on a visit, and on a
call where a second collector joins, the collectors' talk-overs count together). No CONDUCT for
a debtor who shouts or talks over a collector, for a single talk-over, or for dead air.

Three parts:
* e6-01 ... e6-16: enrollment calls. Eight field collectors with named voices Z801 ... Z808
  (the same id as agent_id), two stereo telephone calls each (collector on the left).
* h6-001 ... h6-012: home visits by two or three of those eight (visit_staff lists their ids
  in speaking-label order, agent_id is the first). In h6-005 the logged second collector (Z801)
  is not there: an unregistered man with the voice Y931 speaks in her slot. In h6-006 the log
  lists a third collector (Z806) who is never heard.
* c6-001 ... c6-010: telephone calls by other collectors (voices T601 ... T610). In c6-002 and
  c6-006 (mono) a second collector, one of the eight, takes the phone (visit_staff lists both).
Debtors and relatives have named voices R6xx. The manifest carries registered names of
creditors and agencies (speakers use short forms) and, in the column debtor_name, the
debtor's full name as the lender's file holds it (added by mark_truth6.py from `debtor_name`).
"""

# ---- registered names (manifest); spoken short forms in the comments ------------------------
JINGHONG = "合肥景弘资产管理有限公司"        # 景弘资产; collectors Z801-Z804, desk T602
QIANCHENG = "贵阳黔程商务信息咨询有限公司"   # 黔程公司; collectors Z805-Z808, desk T606
LUHENG = "长沙麓衡商务信息咨询有限公司"      # 麓衡公司; telephone collectors T604, T608, T610

CEB = dict(creditor="中国光大银行股份有限公司", product="credit_card")        # 光大 / 光大银行
PAB = dict(creditor="平安银行股份有限公司", product="credit_card")            # 平安银行 / 平安
SPDB = dict(creditor="上海浦东发展银行股份有限公司", product="credit_card")    # 浦发 / 浦发银行
BOCOM = dict(creditor="交通银行股份有限公司", product="credit_card")          # 交行 / 交通银行
HXB = dict(creditor="华夏银行股份有限公司", product="credit_card")            # 华夏 / 华夏银行
HETU = dict(creditor="洛阳河图网络小额贷款有限公司", product="online_loan")    # 河图小贷 / 河图
LANWAN = dict(creditor="威海蓝湾消费金融股份有限公司", product="online_loan")  # 蓝湾消费金融 / 蓝湾
CANGER = dict(creditor="大理苍洱网络小额贷款有限公司", product="online_loan")  # 苍洱小贷 / 苍洱

# the eight enrolled field collectors: voice id -> (name, team, agency)
STAFF = {
    "Z801": ("陶雅琴", "外访一组", JINGHONG), "Z802": ("温晓丽", "外访一组", JINGHONG),
    "Z803": ("严国栋", "外访一组", JINGHONG), "Z804": ("韦志刚", "外访一组", JINGHONG),
    "Z805": ("崔建民", "外访二组", QIANCHENG), "Z806": ("尚丽娟", "外访二组", QIANCHENG),
    "Z807": ("乔婉婷", "外访二组", QIANCHENG), "Z808": ("骆秀珍", "外访二组", QIANCHENG),
}

CALL = dict(agent="agent", debtor="debtor")
VISIT2 = dict(agent="agent", agent2="agent", debtor="debtor")
VISIT3 = dict(agent="agent", agent2="agent", third="agent", debtor="debtor")

C = ["CONDUCT"]
SHOUT = {"shout": True}
HOLD = {"pause": 15}


def over(seconds: float) -> dict:
    return {"overlap": seconds}


def staff(voice: str) -> dict:
    name, team, agency = STAFF[voice]
    return dict(agent_id=voice, agent_name=name, team=team, agency=agency)


def enroll(call_id, voice, debtor_voice, debtor_name, started_at, case_id, debtor_id, dpd, creditor, turns,
           contact_role="debtor", labels_note=""):
    other = "relative" if contact_role == "relative" else "debtor"
    return dict(call_id=call_id, kind="call", channels="stereo", format="m4a", roles=dict(agent="agent", **{other: other}),
                voices={"agent": voice, other: debtor_voice},
                notes=f"enrollment call {voice}" + (f"; {labels_note}" if labels_note else ""),
                meta=dict(started_at=started_at, case_id=case_id, debtor_id=debtor_id, debtor_name=debtor_name,
                          contact_role=contact_role, days_past_due=dpd, **staff(voice), **creditor),
                turns=turns)


ENROLLMENT = [
    enroll("e6-01", "Z801", "R601", "顾海鹏", "2027-08-02T09:40:00+08:00", "C-64105", "D-9701", 43, CEB, [
        ("agent", "您好，请问是顾海鹏先生吗？", []),
        ("debtor", "我是，你哪位？", []),
        ("agent", "顾先生您好，我是景弘资产的陶雅琴，今天是受光大银行委托给您打电话。", []),
        ("debtor", "光大的信用卡是吧。", []),
        ("agent", "对，您的光大卡上个月的账单没有还，到今天逾期四十三天，欠款九千六百元。", []),
        ("debtor", "上个月搬家，事情一多就给忘了。", []),
        ("agent", "搬家确实很折腾，那您现在住的地址方便的话也可以在光大的应用里更新一下。", []),
        ("debtor", "好，我回头改。这个钱我这周就能还。", []),
        ("agent", "好的，您直接在光大的手机银行里还，或者去光大的网点也行。", []),
        ("debtor", "明白了。", []),
        ("agent", "好的，谢谢顾先生，祝您新家住得舒心，再见。", [])]),
    enroll("e6-02", "Z801", "R602", "聂小芸", "2027-08-04T14:20:00+08:00", "L-46210", "D-9702", 36, HETU, [
        ("agent", "喂，您好，这里是景弘资产，请问是聂小芸女士吗？", []),
        ("debtor", "是我，什么事？", []),
        ("agent", "聂女士您好，我姓陶，受河图小贷的委托，想跟您核对一笔借款。", []),
        ("debtor", "河图？我是借过一次，三千块。", []),
        ("agent", "对的，您借的三千元分了六期，第四期到现在逾期三十六天，应还五百四十元。", []),
        ("debtor", "我以为六期已经还完了。", []),
        ("agent", "那您今天方便的话，就在应用里点立即还款，用您自己的银行卡付。", []),
        ("agent", "河图不会让您把钱转给任何个人，也不会找您要验证码，这一点请您留意。", []),
        ("debtor", "好的，我现在就还。", []),
        ("agent", "好的，打扰您了，再见。", [])]),
    enroll("e6-03", "Z802", "R603", "雷振宇", "2027-08-02T10:55:00+08:00", "C-64218", "D-9703", 61, PAB, [
        ("agent", "您好，请问是雷振宇先生本人吗？", []),
        ("debtor", "是我。", []),
        ("agent", "雷先生好，我是景弘资产的温晓丽，受平安银行委托，联系您信用卡还款的事情。", []),
        ("debtor", "我知道，最近手头确实紧。", []),
        ("agent", "理解。您的平安卡逾期六十一天了，目前欠款一万四千二百元，其中最低还款是一千五百元。", []),
        ("debtor", "最低还款我这个月能凑上。", []),
        ("agent", "剩下的部分，平安银行有分期还款的方案，您可以在平安口袋银行里申请。", []),
        ("debtor", "好，我先看看。", []),
        ("agent", "那我们约在十五号之前先还一千五，可以吗？", []),
        ("debtor", "可以。", []),
        ("agent", "好的，谢谢您的配合，祝您生活顺利。", [])]),
    enroll("e6-04", "Z802", "R604", "葛美华", "2027-08-05T15:35:00+08:00", "L-46377", "D-9704", 48, LANWAN, [
        ("agent", "喂，您好，是葛美华女士吗？", []),
        ("debtor", "对，我是，你是哪里？", []),
        ("agent", "我是景弘资产的，我姓温，受蓝湾消费金融的委托联系您。", []),
        ("debtor", "蓝湾，买手机的那个分期吧？", []),
        ("agent", "是的，您在蓝湾办的手机分期，每个月八百三十元，现在逾期四十八天了。", []),
        ("debtor", "我那个手机买回来就坏了，一直在跟商家扯皮。", []),
        ("agent", "商品质量的问题，您可以在蓝湾的应用里提交一个争议申请，我这边也帮您备注。", []),
        ("agent", "不过争议处理的时间里，分期还是照常计算的，这个要跟您说明白。", []),
        ("debtor", "行吧，那这个月的八百三我先还上。", []),
        ("agent", "好的，请在蓝湾的官方应用里还款。", []),
        ("agent", "谢谢葛女士，再见。", [])],
        labels_note="goods dispute logged, truthful note that instalments keep running (compliant)"),
    enroll("e6-05", "Z803", "R605", "卢德胜", "2027-08-03T09:15:00+08:00", "C-64331", "D-9705", 97, BOCOM, [
        ("agent", "喂，卢德胜吗？我是景弘资产的严国栋，交通银行委托我们找你。", []),
        ("debtor", "我是，你们怎么又打来了？", []),
        ("agent", "你那张交行的信用卡，逾期九十七天了，欠款两万八千三百元，一分钱没动过。", []),
        ("debtor", "我在外地打工，厂里三个月没发工资了。", []),
        ("agent", "没发工资你也得跟银行说一声，不能就这么不接电话。", []),
        ("debtor", "我接了啊，这不是在跟你说吗。", []),
        ("agent", "你要是再拖下去，我就打电话给你们村委会，让全村的人都知道你欠交行的钱不还。", ["THREAT_THIRD_PARTY"]),
        ("debtor", "你这样做不合适吧？", []),
        ("agent", "那你就拿出个态度来，这个月先还多少？", []),
        ("debtor", "二十号厂里发工资，我先还三千。", []),
        ("agent", "那就二十号，还到交行的官方渠道，还完给我回个电话。", [])],
        labels_note="the collector threatens to tell the village committee and the whole village"),
    enroll("e6-06", "Z803", "R606", "包俊杰", "2027-08-06T11:05:00+08:00", "C-64402", "D-9706", 74, CEB, [
        ("agent", "您好，请问是包俊杰先生吗？", []),
        ("relative", "他是我儿子，手机落在家里了，你有什么事？", []),
        ("agent", "阿姨您好，我是景弘资产的，我姓严。", []),
        ("agent", "有一件事情需要跟包先生本人沟通，能麻烦您让他回个电话吗？", []),
        ("relative", "你们是干什么的？卖保险的吧？", []),
        ("agent", "不是卖保险的，是一些个人的事务，具体的我只能跟他本人说，请您谅解。", []),
        ("relative", "他是不是借了网上的钱？你跟我说，我替他做主。", []),
        ("agent", "您只要帮我带个话，说景弘资产的严先生找他就可以了。", []),
        ("relative", "那你留个电话。", []),
        ("agent", "就是现在这个号码，是我们公司的座机，工作日上午九点到下午六点有人接。", []),
        ("relative", "好，我记下了。", []),
        ("agent", "谢谢阿姨，打扰您了。", [])],
        contact_role="relative",
        labels_note="the debtor's mother answers; the collector names only his agency, discloses nothing and "
                    "asks only for a message (compliant)"),
    enroll("e6-07", "Z804", "R607", "蔡文静", "2027-08-03T14:45:00+08:00", "C-64519", "D-9707", 55, SPDB, [
        ("agent", "您好，请问是蔡文静女士吗？", []),
        ("debtor", "是的，请问你是？", []),
        ("agent", "蔡女士您好，我是景弘资产的韦志刚，受浦发银行委托跟您联系。", []),
        ("debtor", "浦发的卡，是不是有什么问题？", []),
        ("agent", "您的浦发信用卡逾期五十五天了，目前欠款六千七百元。", []),
        ("debtor", "不可能吧，我一直是自动还款的。", []),
        ("agent", "可能是您绑定的那张借记卡换过了，自动还款的协议就失效了。", []),
        ("debtor", "对，我上个月换了一张工资卡。", []),
        ("agent", "那就对上了。您可以在浦发的手机银行里重新绑定一下自动还款。", []),
        ("agent", "还款以后，逾期记录会按照规定如实报送征信，这个我也跟您说清楚。", []),
        ("debtor", "明白了，谢谢你提醒。", []),
        ("agent", "不客气，祝您工作顺利，再见。", [])],
        labels_note="truthful: the late payment is reported to the credit bureau (compliant)"),
    enroll("e6-08", "Z804", "R608", "龚晓军", "2027-08-07T10:10:00+08:00", "L-46488", "D-9708", 83, HETU, [
        ("agent", "喂，龚晓军先生是吧？我是景弘资产的韦志刚，受河图小贷委托。", []),
        ("debtor", "是我，我知道是河图的钱。", []),
        ("agent", "您在河图借的一万二，现在逾期八十三天，本息一共一万三千一百元。", []),
        ("debtor", "我去年出了车祸，腿断了，到现在还没法上班。", []),
        ("agent", "那您先养好身体。受伤这么久，家里的开销一定很大。", []),
        ("debtor", "是啊，全靠我老婆一个人。", []),
        ("agent", "您这种情况，可以向河图申请困难延期，我需要您提供一份医院的诊断证明。", []),
        ("debtor", "诊断证明我有，怎么给你？", []),
        ("agent", "您拍照上传到河图应用的客服对话里就可以，不要发给任何私人微信。", []),
        ("debtor", "好，谢谢你。", []),
        ("agent", "审核大概要一周，结果出来以后河图会短信通知您。", [])],
        labels_note="injured debtor, hardship deferral (compliant)"),
    enroll("e6-09", "Z805", "R609", "邵丽萍", "2027-08-02T16:05:00+08:00", "C-64623", "D-9709", 68, HXB, [
        ("agent", "您好，请问是邵丽萍女士吗？", []),
        ("debtor", "是我，什么事？", []),
        ("agent", "邵女士您好，我是黔程公司的崔建民，受华夏银行委托联系您。", []),
        ("debtor", "华夏的卡，我知道欠着。", []),
        ("agent", "是的，您这张华夏卡逾期六十八天了，欠款一万零四百元。", []),
        ("debtor", "我在给我妈看病，钱都花在医院了。", []),
        ("agent", "老人看病要紧，这个我理解。您看每个月大概能拿出多少？", []),
        ("debtor", "一个月一千应该可以。", []),
        ("agent", "好的，一个月一千，我可以帮您向华夏申请分期，分成十二期左右。", []),
        ("agent", "请通过华夏银行的手机银行或者柜台还款，我这边三个工作日内给您回复。", []),
        ("debtor", "好的，谢谢。", []),
        ("agent", "祝您母亲早日康复，再见。", [])]),
    enroll("e6-10", "Z805", "R610", "戴明亮", "2027-08-05T09:25:00+08:00", "C-64740", "D-9710", 112, PAB, [
        ("agent", "戴明亮是吧？我是黔程公司的，姓崔，受平安银行委托。", []),
        ("debtor", "是，又是平安的事？", []),
        ("agent", "你的平安卡逾期一百一十二天了，欠款三万六千元，打了你二十多次电话。", []),
        ("debtor", "我没钱，你打多少次都没用。", []),
        ("agent", "你这人真是没脸没皮，借钱的时候一个样，还钱的时候又一个样。", ["ABUSE"]),
        ("debtor", "你说话客气点。", []),
        ("agent", "好，我们说正事。这个月你到底能还多少？", []),
        ("debtor", "最多两千。", []),
        ("agent", "两千太少了，至少要还最低还款，三千八百元。", []),
        ("debtor", "那我月底凑一凑。", []),
        ("agent", "月底前还到平安的官方渠道，逾期会如实上报征信，这个你心里要有数。", []),
        ("agent", "还完以后给我回个电话。", [])],
        labels_note="the collector, calmly, insults the debtor (没脸没皮: ABUSE)"),
    enroll("e6-11", "Z806", "R611", "许佳欣", "2027-08-03T10:35:00+08:00", "L-46592", "D-9711", 41, CANGER, [
        ("agent", "您好，请问是许佳欣女士吗？", []),
        ("debtor", "嗯，是我。", []),
        ("agent", "许女士好，我是黔程公司的尚丽娟，受苍洱小贷的委托，想跟您聊一下借款的事。", []),
        ("debtor", "是不是我上个月没还上？", []),
        ("agent", "是的，您在苍洱小贷有一期两千二百元的还款，逾期四十一天了。", []),
        ("debtor", "我刚毕业，工作还没稳定下来。", []),
        ("agent", "刚工作确实不容易。您现在实习期的工资大概什么时候发？", []),
        ("debtor", "每个月十五号。", []),
        ("agent", "那我们就约在十五号发工资以后，您在苍洱小贷的应用里还这两千二百元，可以吗？", []),
        ("debtor", "可以的。", []),
        ("agent", "还款只走苍洱小贷的官方应用，有疑问就打应用里的客服电话。", []),
        ("agent", "祝您工作顺利，再见。", [])]),
    enroll("e6-12", "Z806", "R612", "柏志鹏", "2027-08-06T15:50:00+08:00", "C-64857", "D-9712", 90, SPDB, [
        ("agent", "您好，请问是柏志鹏先生吗？", []),
        ("debtor", "我是，你是谁？", []),
        ("agent", "柏先生您好，我是黔程公司的尚丽娟，受浦发银行委托联系您。", []),
        ("debtor", "你们是不是要去法院告我？", []),
        ("agent", "现在还没有，今天是想先跟您协商。", []),
        ("agent", "您的浦发卡逾期九十天，欠款两万一千五百元。", []),
        ("debtor", "我现在真的没有那么多钱。", []),
        ("agent", "我跟您说实话，如果一直协商不成，浦发是有权依法向法院起诉的。", []),
        ("agent", "到了法院判决以后还不履行，才有可能被列为失信被执行人，现在还远没到那一步。", []),
        ("agent", "您可以申请分期，每个月一千出头，我把方案报给浦发。", [])],
        labels_note="stern but truthful: the bank may sue; only after a judgment that is not honoured may "
                    "the debtor be listed as a judgment defaulter (compliant)"),
    enroll("e6-13", "Z807", "R613", "谭秀英", "2027-08-04T10:20:00+08:00", "L-46615", "D-9713", 59, LANWAN, [
        ("agent", "喂，您好，是谭秀英阿姨吗？", []),
        ("debtor", "是我，你是谁啊？", []),
        ("agent", "谭阿姨您好，我是黔程公司的乔婉婷，受蓝湾消费金融委托给您打电话。", []),
        ("agent", "您给孙子买电脑办的分期，每个月四百六十元，已经逾期五十九天了。", []),
        ("debtor", "我不会用手机还钱，以前都是我孙子帮我弄的。", []),
        ("agent", "您加一下我的私人微信，我发一个收款码给您，您扫一下把钱转给我，我帮您还进去。", ["CASH_OR_CARD_REQUEST"]),
        ("debtor", "转给你？这样行吗？", []),
        ("agent", "行的，很多老人都是这么弄的，省得跑一趟。", []),
        ("debtor", "我还是等我孙子周末回来再说吧。", []),
        ("agent", "那也可以，周末让您孙子在蓝湾的应用里帮您还。", []),
        ("agent", "那阿姨您保重身体，再见。", [])],
        labels_note="the collector asks an elderly debtor to pay through her personal WeChat QR code"),
    enroll("e6-14", "Z807", "R614", "钱永军", "2027-08-07T14:40:00+08:00", "C-64962", "D-9714", 52, BOCOM, [
        ("agent", "您好，请问是钱永军先生吗？", []),
        ("debtor", "是我，有事吗？", []),
        ("agent", "钱先生您好，我是黔程公司的乔婉婷，受交通银行委托，跟您说一下信用卡的情况。", []),
        ("debtor", "交行的卡？我好久没用了。", []),
        ("agent", "这张卡有一笔年费和利息一直没还，现在逾期五十二天，一共三百八十元。", []),
        ("debtor", "就三百多？我还以为多大的事。", []),
        ("agent", "金额不大，但是逾期久了也会影响您的征信记录。", []),
        ("debtor", "那我现在还，然后把卡销了。", []),
        ("agent", "可以，还清以后您可以打交行的客服电话申请销卡。", []),
        ("debtor", "好的，我知道了。", []),
        ("agent", "还款请走交行的手机银行，或者买单吧应用。", []),
        ("agent", "谢谢钱先生，再见。", [])]),
    enroll("e6-15", "Z808", "R615", "孟凡强", "2027-08-05T16:30:00+08:00", "L-46733", "D-9715", 105, CANGER, [
        ("agent", "孟凡强先生吗？我是黔程公司的骆秀珍，受苍洱小贷委托找您。", []),
        ("debtor", "是我，我没钱，你们别打了。", []),
        ("agent", "孟先生，您在苍洱小贷的借款逾期一百零五天了，本息一共一万九千元。", []),
        ("debtor", "我做生意赔了，现在到处欠钱。", []),
        ("agent", "那您更要早点定个计划。", []),
        ("debtor", "我没有躲，我就是拿不出来。", []),
        ("agent", "我告诉你，再过一个礼拜不还，你的身份证就被公安拉进黑名单，坐火车坐飞机都不行了。", ["FALSE_AUTHORITY"]),
        ("debtor", "有这种事？", []),
        ("agent", "所以您得重视起来。这个月先还两千，行不行？", []),
        ("debtor", "两千我借一借吧。", []),
        ("agent", "好的，在苍洱小贷的应用里还，还完截个图。", []),
        ("agent", "那就这样，我月底再联系您。", [])],
        labels_note="the collector invents a police blacklist of the ID card that bans trains and flights"),
    enroll("e6-16", "Z808", "R616", "闫春花", "2027-08-08T11:15:00+08:00", "C-65078", "D-9716", 63, HXB, [
        ("agent", "您好，请问是闫春花女士吗？", []),
        ("debtor", "是我，请问哪位？", []),
        ("agent", "闫女士您好，我是黔程公司的骆秀珍，受华夏银行委托联系您。", []),
        ("debtor", "华夏银行？我在华夏没有欠钱啊。", []),
        ("agent", "我这边看到您名下有一张华夏信用卡，逾期六十三天，欠款四千四百元。", []),
        ("debtor", "这张卡我从来没激活过，怎么会欠钱？", []),
        ("agent", "如果您确认没有激活和消费过，可能存在被冒用的情况，这个需要认真核实。", []),
        ("debtor", "那我要报警吗？", []),
        ("agent", "如果核实确实是盗刷，建议您去派出所报案，拿到回执交给华夏处理。", []),
        ("agent", "核实期间我这边先暂停催收，不会再打扰您。", []),
        ("debtor", "好的，谢谢你。", []),
        ("agent", "不客气，您核实清楚以后也可以回这个电话告诉我结果。", []),
        ("agent", "再见。", [])],
        labels_note="the debtor disputes the card (never activated); collection paused for checking (compliant)"),
]


def visit(call_id, staff_ids, voices, debtor_name, started_at, case_id, debtor_id, dpd, creditor, turns, notes,
          roles=VISIT2, contact_role="debtor", noise=0.02, call_labels=()):
    """A home visit; staff_ids is the visit log (speaking-label order), voices who really speaks."""
    sc = dict(call_id=call_id, kind="visit", format="m4a", noise=noise, roles=roles, voices=voices, notes=notes,
              meta=dict(started_at=started_at, case_id=case_id, debtor_id=debtor_id, debtor_name=debtor_name,
                        contact_role=contact_role, days_past_due=dpd, visit_staff=";".join(staff_ids),
                        **staff(staff_ids[0]), **creditor),
              turns=turns)
    if call_labels:
        sc["call_labels"] = list(call_labels)
    return sc


VISITS = [
    visit("h6-001", ["Z801", "Z803"], dict(agent="Z801", agent2="Z803", debtor="R631"), "邱永福",
          "2027-08-10T09:50:00+08:00", "C-65120", "D-9801", 78, CEB, [
              ("agent", "邱永福先生是吧？我们是景弘资产的，受光大银行委托来拜访您，我姓陶，这是我的工作证。", []),
              ("agent2", "我姓严，这是您光大信用卡的账单。", []),
              ("debtor", "账单我看过了，七万多是吧。可是我跟你们说，去年我替朋友担保，朋友跑了，"
                         "银行把他的钱都算到我头上，我现在手头一分钱都没有。", []),
              ("agent", "担保的事是另外一笔，今天我们只说您自己这张卡。", C, over(1.7)),
              ("debtor", "我自己这张卡也是因为那件事才还不上的，你们不能光看数字，我一个月就挣四千块，"
                         "还要养两个孩子上学，我上哪儿去变出七万块钱来。", []),
              ("agent", "邱先生，七万六千元，已经逾期七十八天了，总得有个打算。", C, over(1.9)),
              ("debtor", "那我每个月先还两千，多了真没有。", []),
              ("agent2", "好，我们回去帮您报一个分期方案，这份催款通知书请您签收一下。", [])],
          "cards and bill shown, notice signed; the first collector (Z801) talks over the debtor twice "
          "(1.7 s and 1.9 s requested): repeated talk-over, CONDUCT x2; words compliant", noise=0.021),
    visit("h6-002", ["Z805", "Z807"], dict(agent="Z805", agent2="Z807", debtor="R632"), "苏桂兰",
          "2027-08-11T14:10:00+08:00", "L-46841", "D-9802", 95, HETU, [
              ("agent", "苏桂兰女士在家吗？我们是黔程公司的，受河图小贷委托，我姓崔，这是工作证。", []),
              ("debtor", "我就是。你们怎么找到这里来了？", []),
              ("agent2", "我姓乔，这是您在河图的借款合同和还款明细。", []),
              ("agent", "苏女士，借款逾期九十五天了，本息一共一万六千三百元。", []),
              ("debtor", "我在超市打零工，一个月就两千多，真的还不起。", []),
              ("agent2", "还不起？你最好想清楚，晚上一个人下班走夜路的时候，可别出点什么意外。", ["THREAT_VIOLENCE"]),
              ("debtor", "你这是在吓唬我吗？", []),
              ("agent", "苏女士，对不起，她这话说得不对，我们绝对不会做任何伤害您的事。", []),
              ("agent", "您看每个月先还五百行不行？", []),
              ("debtor", "五百的话我可以试试。", []),
              ("agent", "好的，这份通知书您签收一下，还款只走河图的应用。", [])],
          "cards, contract and statement shown; the second collector (Z807), calmly, hints that the debtor may "
          "'have an accident' walking home at night (THREAT_VIOLENCE); the first apologises and disowns it",
          noise=0.02),
    visit("h6-003", ["Z802", "Z804", "Z803"], dict(agent="Z802", agent2="Z804", third="Z803", debtor="R633"), "黎建设",
          "2027-08-12T10:30:00+08:00", "C-65233", "D-9803", 84, PAB, [
              ("agent", "您好，黎建设先生吗？我们三个是景弘资产的，受平安银行委托，我姓温，这是我们的工作证。", []),
              ("debtor", "我是，进来吧，别站在门口让邻居看见。", []),
              ("agent2", "我姓韦。这是您平安信用卡的账单，欠款三万二千元，逾期八十四天。", []),
              ("debtor", "我手上有点现金，可是不多。", []),
              ("agent2", "有现金最好，您先拿两千块现金给我们，我给您写个收条，回去帮您交上。", ["CASH_OR_CARD_REQUEST"]),
              ("agent", "不行，黎先生，现金您千万别给我们，一定要自己通过平安的官方渠道还。", []),
              ("debtor", "那剩下的三万我是真没办法。", []),
              ("third", "你上次就说没办法，这次又说没办法，到底想拖到什么时候！", C, SHOUT),
              ("debtor", "你吼什么，我又没说不还。", []),
              ("agent", "黎先生别生气，这份催款通知书和分期申请表您先看看。", [])],
          "three collectors, all speak; cards and bill shown; the second collector (Z804) asks for 2,000 in cash "
          "against his own receipt (CASH_OR_CARD_REQUEST), the first refuses; the third (Z803) SHOUTS once "
          "(CONDUCT)", roles=VISIT3, noise=0.022),
    visit("h6-004", ["Z806", "Z808"], dict(agent="Z806", agent2="Z808", relative="R634"), "胡玉珍",
          "2027-08-13T15:40:00+08:00", "L-46958", "D-9804", 66, LANWAN, [
              ("agent", "您好，我们是黔程公司的，我姓尚，这是我的工作证。请问胡玉珍女士在家吗？", []),
              ("relative", "我是她女儿，我妈去外婆家了，要下个礼拜才回来。", []),
              ("agent", "好的，那麻烦您跟她说一声，让她给我们回个电话。", []),
              ("relative", "你们找她到底什么事？家里出什么事了吗？", []),
              ("agent2", "你妈在蓝湾借了一万四，逾期六十六天了。你是她女儿，这钱你先替她还上。", ["THIRD_PARTY_DISCLOSURE"]),
              ("relative", "一万四？我妈从来没跟我说过，我还在上学，哪有钱。", []),
              ("agent", "不好意思，这件事跟您没有关系，您不用替她还。", []),
              ("agent", "我们只想请她本人跟我们联系，这封信麻烦您交给她，信封是封好的。", []),
              ("relative", "好吧，我给她。", []),
              ("agent2", "我姓骆，信封上有我们的电话。", []),
              ("agent", "谢谢你，打扰了，我们先走了。", [])],
          "the debtor is away, her daughter (a student) answers; the second collector (Z808) tells her the lender, "
          "amount and days overdue and asks her to pay (THIRD_PARTY_DISCLOSURE); the first asks only for a message "
          "and leaves a sealed letter", roles=dict(agent="agent", agent2="agent", relative="relative"),
          contact_role="relative", noise=0.024),
    visit("h6-005", ["Z803", "Z801"], dict(agent="Z803", agent2="Y931", debtor="R635"), "鲁长江",
          "2027-08-14T10:05:00+08:00", "C-65346", "D-9805", 102, SPDB, [
              ("agent", "鲁长江先生吗？我们是景弘资产的，受浦发银行委托，我姓严，这是我的工作证。", []),
              ("agent2", "我姓吕，今天陪严哥一起过来。", []),
              ("debtor", "浦发的事我知道，我最近在跑一个项目，钱还没回来。", []),
              ("agent", "这是您的账单，欠款四万五千元，逾期一百零二天。", []),
              ("debtor", "等项目款到了，我一次性还清，你们放心。", []),
              ("agent2", "你要是月底还不还，我们就把你欠钱的事打印出来，贴到你们小区的公告栏上。", ["THREAT_THIRD_PARTY"]),
              ("debtor", "你们敢！那是侵犯我隐私。", []),
              ("agent", "鲁先生，您别当真，我们不会做这种事。您看项目款大概什么时候到？", []),
              ("debtor", "下个月中旬吧。", []),
              ("agent", "好的，那我们记下来，这份催款通知书请您签收，还款走浦发的官方渠道。", [])],
          "the log lists Z803;Z801 but Z801 (陶雅琴) is not there: the second person is an unregistered man (voice "
          "Y931, says he is 吕) in her slot, so only one registered collector made the visit (VISIT_STAFFING); "
          "he threatens, calmly, to post the debt on the estate's notice board (THREAT_THIRD_PARTY); Z803 "
          "disowns it", call_labels=["VISIT_STAFFING"], noise=0.025),
    visit("h6-006", ["Z807", "Z805", "Z806"], dict(agent="Z807", agent2="Z805", debtor="R636"), "熊丽红",
          "2027-08-16T11:20:00+08:00", "C-65459", "D-9806", 71, HXB, [
              ("agent", "熊丽红女士吗？我们是黔程公司的，受华夏银行委托，我姓乔。", []),
              ("agent2", "我姓崔，这是我们的工作证，这是您华夏信用卡的账单和催款通知书。", []),
              ("debtor", "你们来得正好，我早就想找人说清楚了。这张卡是我前夫拿我的身份证办的，"
                         "离婚的时候法院判了这笔债由他来还，判决书我家里都有。", []),
              ("agent2", "离婚判决的事，您可以把判决书交给华夏核实。", C, over(1.6)),
              ("debtor", "我已经交过一次了，华夏的客服说收到了会处理，结果一个多月过去了什么消息都没有，"
                         "现在你们又找上门来。", []),
              ("agent2", "这样，判决书您再给我们一份复印件，我们当面帮您提交。", C, over(1.8)),
              ("agent", "熊女士，核实之前，欠款两万零六百元，逾期七十一天，先跟您说明。", []),
              ("debtor", "知道了，核实完了你们通知我。", [])],
          "the log lists three collectors Z807;Z805;Z806 but Z806 (尚丽娟) is never heard: two registered "
          "collectors speak (no VISIT_STAFFING); the second collector (Z805) talks over the debtor twice "
          "(1.6 s, 1.8 s requested): CONDUCT x2; words compliant, the divorce judgment is taken for checking",
          noise=0.02),
    visit("h6-007", ["Z804", "Z802"], dict(agent="Z804", agent2="Z802", debtor="R637"), "詹国庆",
          "2027-08-17T14:35:00+08:00", "C-65562", "D-9807", 133, BOCOM, [
              ("agent", "詹国庆先生您好，我们是景弘资产的，受交通银行委托，我姓韦，这是我们两个人的工作证。", []),
              ("agent2", "我姓温，这是您交行卡的账单，欠款三万九千元，逾期一百三十三天。", []),
              ("debtor", "又是你们！上个月来一次，这个月又来，你们到底有完没完！", [], SHOUT),
              ("agent", "詹先生，我们是按规定来跟您当面沟通的，今天不会耽误您太久。", []),
              ("debtor", "我说了没钱就是没钱，你们来一百次也没用，我现在连饭都快吃不上了，"
                         "你们银行就知道要钱，从来不管别人的死活。", []),
              ("agent2", "我们理解您的困难，交行可以根据您的收入申请个性化分期。", []),
              ("debtor", "分期分期，分了我也还不起！", [], SHOUT),
              ("agent", "那您先把收入情况写一份说明，我们帮您提交。", [])],
          "compliant control: the DEBTOR shouts twice; the collectors stay calm; cards, bill and notice; "
          "no CONDUCT (the rule is about the collector)", noise=0.023),
    visit("h6-008", ["Z808", "Z806"], dict(agent="Z808", agent2="Z806", debtor="R638"), "岳小梅",
          "2027-08-18T10:00:00+08:00", "L-47065", "D-9808", 29, CANGER, [
              ("agent", "岳小梅女士吗？我们是黔程公司的，受苍洱小贷委托，我姓骆，这是工作证。", []),
              ("agent2", "我姓尚，这是您在苍洱小贷的借款合同和这一期的账单。", []),
              ("debtor", "才逾期几天啊，你们就上门了？", []),
              ("agent", "逾期二十九天，应还三千一百元，电话一直打不通。", []),
              ("debtor", "我手机丢了，刚补的卡。", []),
              ("agent", "手机丢了？每次都有理由，这个月你到底还不还！", C, SHOUT),
              ("debtor", "我没说不还啊，你这么大声干什么。", []),
              ("agent2", "岳女士，您别介意，我们就是想确认一个还款日期。", []),
              ("debtor", "下礼拜一发工资，我就在应用里还。", []),
              ("agent2", "好的，就下礼拜一，还款只走苍洱小贷的应用，这份通知书您签收一下。", [])],
          "visit at 29 days past due (VISIT_ELIGIBILITY); the first collector (Z808) SHOUTS once (CONDUCT); "
          "cards, contract and notice", call_labels=["VISIT_ELIGIBILITY"], noise=0.019),
    visit("h6-009", ["Z802", "Z801"], dict(agent="Z802", agent2="Z801", debtor="R639"), "侯建波",
          "2027-08-19T15:15:00+08:00", "C-65675", "D-9809", 88, CEB, [
              ("agent", "侯先生您好，我们是景弘资产的，受光大银行委托，我姓温，这是工作证。", []),
              ("agent2", "我姓陶，这是您光大卡的账单，欠款一万八千五百元，逾期八十八天，"
                         "今天我们想跟您定一个具体的还款计划。", []),
              ("debtor", "我知道欠多少，你们不用一遍一遍地念，我现在关心的是能不能把利息免掉。", [], over(1.5)),
              ("agent", "利息能不能减免要光大来审批，我们可以帮您把申请递上去，但是不能打包票。", []),
              ("debtor", "那你们来有什么用，还不如我自己打客服电话。", [], over(1.6)),
              ("agent2", "你要是这个态度，我们回去就通知派出所，让警察上门把你带走。", ["FALSE_AUTHORITY"]),
              ("debtor", "欠信用卡还要抓人？你吓唬谁呢。", []),
              ("agent", "侯先生，她说错了，欠款是民事的事情，不会有警察来抓人。", []),
              ("agent", "我们回去帮您提交减免申请，这份通知书请您签收。", [])],
          "the DEBTOR talks over the collectors twice (1.5 s, 1.6 s requested; no CONDUCT); the second collector "
          "(Z801) invents that the police will come and take him away (FALSE_AUTHORITY); the first corrects her",
          noise=0.018),
    visit("h6-010", ["Z805", "Z808"], dict(agent="Z805", agent2="Z808", debtor="R640"), "韩丽芬",
          "2027-08-20T09:45:00+08:00", "L-47172", "D-9810", 64, HETU, [
              ("agent", "韩女士您好，我们是黔程公司的，受河图小贷委托，我姓崔，这是工作证。", []),
              ("agent2", "我姓骆，这是您在河图的借款合同。", []),
              ("debtor", "上个月我还过一笔，我去拿手机给你们看。", []),
              ("debtor", "找到了，你们看，上个月二十号还了一千。", [], HOLD),
              ("agent", "看到了，这一千已经入账，目前还欠四千七百元，逾期六十四天。", []),
              ("agent2", "要跟您说清楚，逾期记录会按规定如实报送征信，长期不还河图也有权依法起诉。", []),
              ("agent", "下个月您再还两千就行，这份催款通知书请签收，还款只走河图的应用。", [])],
          "compliant control with stern but truthful lines (credit bureau, the lender may sue); 15 s of dead air "
          "while the debtor fetches her phone (metric only); cards, contract and notice", noise=0.021),
    visit("h6-011", ["Z803", "Z804"], dict(agent="Z803", agent2="Z804", debtor="R641"), "姚振东",
          "2027-08-20T16:10:00+08:00", "C-65788", "D-9811", 115, PAB, [
              ("agent", "姚振东是吧？我们是景弘资产的，受平安银行委托，我姓严，找你说信用卡的事。", []),
              ("debtor", "你们有证件吗？还有，我到底欠平安多少，拿账单出来我看看。", []),
              ("agent2", "证件今天没带，账单也没打印，反正你欠了四万多，逾期一百一十五天了。", []),
              ("debtor", "什么都没有就上门要钱？去年我打电话跟平安说过，我老婆生病住院，"
                         "我申请了停息挂账，当时客服答应得好好的，说会有人联系我。", []),
              ("agent", "停息挂账的事我们这边没有记录，你说申请过就申请过？", C, over(1.6)),
              ("debtor", "我当然申请过，我还有通话录音，你们自己不查清楚就跑来，还反过来怪我，"
                         "我老婆现在还在吃药。", []),
              ("agent2", "吃药也不是不还钱的理由，这个月先拿五千出来。", C, over(1.4)),
              ("debtor", "我自己去平安的网点问清楚，你们走吧。", [])],
          "no work card or ID, no bill, contract or notice although the debtor asks (VISIT_PROCEDURE); each "
          "collector talks over the debtor once (Z803 1.6 s, Z804 1.4 s requested): on a visit they count "
          "together, so CONDUCT x2", call_labels=["VISIT_PROCEDURE"], noise=0.022),
    visit("h6-012", ["Z806", "Z807"], dict(agent="Z806", agent2="Z807", debtor="R642"), "廖春燕",
          "2027-08-21T11:30:00+08:00", "L-47289", "D-9812", 57, LANWAN, [
              ("agent", "廖春燕女士吗？我们是黔程公司的，受蓝湾消费金融委托，我姓尚，这是工作证。", []),
              ("agent2", "我姓乔，这是您在蓝湾的分期合同和账单，欠款八千八百元，逾期五十七天。", []),
              ("debtor", "我这几个月都在外地跑业务，忘了还。", []),
              ("agent2", "忘了？短信电话提醒了你几十次，你一次都没回！", C, SHOUT),
              ("debtor", "我真的太忙了，没顾上看。", []),
              ("agent2", "再拖下去，我们直接去你公司找你们老板，让全公司都知道！", ["THREAT_THIRD_PARTY", "CONDUCT"], SHOUT),
              ("debtor", "别去我公司，我今天就还一部分。", []),
              ("agent", "廖女士，我们不会去您单位的。您今天能先还多少？", []),
              ("debtor", "先还三千吧。", []),
              ("agent", "好的，请在蓝湾的官方应用里还，这份催款通知书请您签收。", [])],
          "cards, contract and bill shown; the second collector (Z807) SHOUTS twice (CONDUCT x2), the second shout "
          "threatens to go to the debtor's employer (THREAT_THIRD_PARTY); the first disowns it", noise=0.026),
]


def desk(voice, name, team, agency):
    return dict(agent_id=voice, agent_name=name, team=team, agency=agency)


def call(call_id, voice, other_voice, debtor_name, layout, fmt, started_at, case_id, debtor_id, dpd, creditor, who,
         turns, notes, contact_role="debtor", second=None, call_labels=()):
    """A telephone call; `second` is an enrolled collector (voice id) who takes the phone as agent2."""
    other = "relative" if contact_role == "relative" else "debtor"
    roles = dict(agent="agent", **{other: other})
    voices = {"agent": voice, other: other_voice}
    meta = dict(started_at=started_at, case_id=case_id, debtor_id=debtor_id, debtor_name=debtor_name,
                contact_role=contact_role, days_past_due=dpd, **who, **creditor)
    if second:
        roles["agent2"] = "agent"
        voices["agent2"] = second
        meta["visit_staff"] = f"{voice};{second}"
    sc = dict(call_id=call_id, kind="call", channels=layout, format=fmt, roles=roles, voices=voices, notes=notes,
              meta=meta, turns=turns)
    if call_labels:
        sc["call_labels"] = list(call_labels)
    return sc


CALLS = [
    call("c6-001", "T601", "R651", "朱海燕", "stereo", "m4a", "2027-08-03T10:40:00+08:00", "C-66101", "D-9851", 58, CEB,
         desk("T601", "邹美玲", "信用卡催收一组", "光大银行信用卡中心"), [
             ("agent", "您好，是朱海燕女士吗？我是光大银行信用卡中心的，姓邹，工号六零一。", []),
             ("debtor", "是我，怎么了？", []),
             ("agent", "您的光大卡逾期五十八天了，欠款八千二百元，一直没有联系上您。", []),
             ("debtor", "哦，那个啊，我再看看吧。", []),
             ("agent", "再看看？您上个月就答应过十号还，结果到现在一分都没有！", C, SHOUT),
             ("debtor", "我最近事情多，真的忘了。", []),
             ("agent", "那您今天能先还多少？", []),
             ("debtor", "三千吧，剩下的月底。", []),
             ("agent", "好，请在光大的手机银行里还款，月底前把剩下的五千二还清。", []),
             ("debtor", "行，我中午就还。", [])],
         "the collector SHOUTS once (CONDUCT); words compliant"),
    call("c6-002", "T602", "R652", "郑宏伟", "mono", "mp3", "2027-08-04T15:10:00+08:00", "C-66214", "D-9852", 92, PAB,
         desk("T602", "米春梅", "电催组", JINGHONG), [
             ("agent", "喂，郑宏伟先生吗？我是景弘资产的米春梅，受平安银行委托联系您。", []),
             ("debtor", "是我。你们景弘的人上礼拜不是打过了吗？", []),
             ("agent", "是的，您的平安卡逾期九十二天，欠款两万四千元，上次您说这周给答复。", []),
             ("debtor", "我还在想办法，你们别天天催。", []),
             ("agent", "您稍等，我请我们外访组的同事跟您说。", []),
             ("agent2", "郑宏伟，我是景弘资产的韦志刚。", []),
             ("agent2", "你再不还，我就把你欠钱的事发到你们家的亲戚群里，让你爸妈都来管你。", ["THREAT_THIRD_PARTY"]),
             ("debtor", "你敢乱发我就投诉你们。", []),
             ("agent2", "那你这周五之前先还五千，还到平安的官方渠道。", []),
             ("debtor", "我尽量。", [])],
         "mono; the desk collector (T602) hands the phone to an enrolled field collector (Z804, 韦志刚: "
         "visit_staff T602;Z804) who threatens to post the debt in the family group chat (THREAT_THIRD_PARTY)",
         second="Z804"),
    call("c6-003", "T603", "R653", "石磊", "stereo", "m4a", "2027-08-06T09:30:00+08:00", "C-66327", "D-9853", 45, PAB,
         desk("T603", "武建华", "信用卡催收二组", "平安银行信用卡中心"), [
             ("agent", "您好，请问是石磊先生吗？我是平安银行信用卡中心的，姓武。", []),
             ("debtor", "是我。我这个月的账单上多了一笔三千块的消费，我根本不记得在那家店买过东西。", []),
             ("agent", "消费有疑问可以申请调单，我先跟您说一下逾期的情况。", C, over(1.5)),
             ("debtor", "你先别说逾期，这三千块不弄清楚，我是不会还的，万一是被人盗刷了呢。", []),
             ("agent", "调单需要七到十个工作日，不影响您先还没有争议的部分。", C, over(1.7)),
             ("debtor", "没有争议的部分是多少？你们给的数字我现在不太放心。", []),
             ("agent", "逾期四十五天，总欠款九千五百元，除去三千，是六千五百元。", C, over(1.4)),
             ("debtor", "那我先还六千五。", []),
             ("agent", "好的，调单我已经帮您提交了，请在平安的官方渠道还款。", [])],
         "the collector talks over the debtor three times (1.5 s, 1.7 s, 1.4 s requested): CONDUCT x3; words "
         "compliant (disputed charge sent for checking)"),
    call("c6-004", "T604", "R654", "宁志强", "mono", "mp3", "2027-08-07T11:45:00+08:00", "L-47401", "D-9854", 77, CANGER,
         desk("T604", "汤立新", "委外二组", LUHENG), [
             ("agent", "喂，您好，请问是宁志强的电话吗？", []),
             ("relative", "我是他老婆，他开车呢，不方便接。", []),
             ("agent", "您好，我是麓衡公司的，姓汤，受苍洱小贷委托找他。", []),
             ("relative", "苍洱小贷？他跟你们有什么关系？", []),
             ("agent", "他在苍洱借了一万一，逾期七十七天了，您是他爱人，家里的钱最好尽快帮他还上。", ["THIRD_PARTY_DISCLOSURE"]),
             ("relative", "他又借网贷了？他跟我保证过不再借的。", []),
             ("agent", "那麻烦您让他今天给我回个电话。", []),
             ("agent", "这个号码工作日白天都有人接，他打过来报我的姓就行。", []),
             ("relative", "行，我让他打。", []),
             ("agent", "好的，谢谢您，再见。", [])],
         "the debtor's wife answers; the collector, calmly, tells her the lender, amount and days overdue and "
         "asks the family to pay (THIRD_PARTY_DISCLOSURE)", contact_role="relative"),
    call("c6-005", "T605", "R655", "白晓红", "stereo", "wav", "2027-08-09T14:05:00+08:00", "C-66440", "D-9855", 66, SPDB,
         desk("T605", "薛永强", "信用卡催收三组", "浦发银行信用卡中心"), [
             ("agent", "您好，请问是白晓红女士吗？我是浦发银行信用卡中心的，姓薛。", []),
             ("debtor", "是我，我前几天申请了分期，不知道批了没有。", []),
             ("agent", "好的，请您稍等，我在系统里帮您查一下分期的审批结果。", []),
             ("agent", "让您久等了，分期已经批下来了，分十二期，每期一千零五十元。", [], HOLD),
             ("debtor", "那太好了，第一期什么时候还？", []),
             ("agent", "下个月五号，请在浦发的官方应用里还。", []),
             ("debtor", "好的，谢谢你。", [])],
         "compliant; a 15 s hold while the collector checks the system (dead air, metric only)"),
    call("c6-006", "T606", "R656", "马建国", "mono", "mp3", "2027-08-11T10:15:00+08:00", "C-66553", "D-9856", 103, HXB,
         desk("T606", "金晓燕", "电催组", QIANCHENG), [
             ("agent", "您好，请问是马建国先生吗？我是黔程公司的金晓燕，受华夏银行委托联系您。", []),
             ("debtor", "是我，我上次跟你说了，我要跟你们领导谈。", []),
             ("agent", "好的，您稍等，我请我们主管来跟您说。", []),
             ("agent2", "马先生您好，我是黔程公司的主管，姓崔。", []),
             ("debtor", "崔主管，我想问能不能只还本金，利息给我免了。", []),
             ("agent2", "利息减免需要华夏银行审批，我们可以帮您提交申请，但不能保证一定通过。", []),
             ("agent2", "您的卡逾期一百零三天，欠款两万七千元，如果一直不处理，华夏有权依法起诉。", []),
             ("debtor", "那你帮我提交吧，我每个月能还两千。", []),
             ("agent2", "好的，我今天就提交，结果出来以后我们电话通知您。", [])],
         "mono; the desk collector (T606) hands the phone to her supervisor, an enrolled field collector (Z805, "
         "崔建民: visit_staff T606;Z805); stern but truthful ('the bank may sue'); compliant", second="Z805"),
    call("c6-007", "T607", "R657", "程立伟", "stereo", "m4a", "2027-08-12T16:20:00+08:00", "C-66666", "D-9857", 84, BOCOM,
         desk("T607", "方丽", "信用卡催收一组", "交通银行信用卡中心"), [
             ("agent", "程立伟先生吗？我是交通银行信用卡中心的，姓方。", []),
             ("debtor", "是我，又打来干什么？", []),
             ("agent", "您的交行卡逾期八十四天，欠款一万六千元，您之前承诺的还款一次都没兑现。", []),
             ("debtor", "我说了有钱就还，没钱你催也没用。", []),
             ("agent", "您每次都是这句话，我们到底还要等多久！", C, SHOUT),
             ("debtor", "爱等不等。", []),
             ("agent", "你这个人怎么这么无赖，欠钱还有理了！", ["ABUSE", "CONDUCT"], SHOUT),
             ("debtor", "你骂人是吧，我录音了。", []),
             ("agent", "这个月至少还最低还款一千八百元，在交行的官方渠道还。", []),
             ("debtor", "知道了。", []),
             ("agent", "还完以后请给我们回个电话。", [])],
         "the collector SHOUTS twice (CONDUCT x2); the second shout insults the debtor (无赖: ABUSE)"),
    call("c6-008", "T608", "R658", "杜美娟", "mono", "mp3", "2027-08-13T13:50:00+08:00", "L-47514", "D-9858", 51, HETU,
         desk("T608", "殷志华", "网贷催收一组", LUHENG), [
             ("agent", "您好，是杜美娟女士吗？我是麓衡公司的殷志华，受河图小贷委托。", []),
             ("debtor", "是我。我跟你说，我上个礼拜就在河图的应用里申请了延期，页面显示正在审核，"
                        "到现在也没有结果，我还以为审核期间不算逾期呢。", []),
             ("agent", "审核期间还是算逾期的，现在已经五十一天了。", C, over(1.6)),
             ("debtor", "那你们应该早点告诉我啊，我要是知道算逾期，我就先借钱把这一期还上了，"
                        "现在倒好，罚息都算到我头上了。", []),
             ("agent", "这样，我马上给您发一个验证码，您把验证码念给我，我在后台帮您把这一期处理掉。", ["CASH_OR_CARD_REQUEST", "CONDUCT"],
              over(1.8)),
             ("debtor", "验证码不是不能告诉别人吗？", []),
             ("agent", "那您就自己在河图的应用里还这一期，一千三百元。", []),
             ("debtor", "好，我自己还。", [])],
         "the collector talks over the debtor twice (1.6 s, 1.8 s requested): CONDUCT x2; the second talk-over "
         "asks her to read out a verification code (CASH_OR_CARD_REQUEST)"),
    call("c6-009", "T609", "R659", "易桂芳", "stereo", "m4a", "2027-08-16T10:05:00+08:00", "C-66779", "D-9859", 39, HXB,
         desk("T609", "祁海波", "信用卡催收二组", "华夏银行信用卡中心"), [
             ("agent", "您好，请问是易桂芳女士吗？我是华夏银行信用卡中心的，姓祁，工号六零九。", []),
             ("debtor", "是我，有什么事？", []),
             ("agent", "您的华夏卡逾期三十九天，欠款五千三百元，提醒您尽快处理。", []),
             ("debtor", "我下个月才发奖金，能不能等一等？", []),
             ("agent", "可以理解。不过要跟您说明，逾期记录会如实报送人民银行征信中心。", []),
             ("agent", "如果长期不还，银行也有权通过法律途径追讨，这些都是合同里写明的。", []),
             ("debtor", "那我这个月先还最低还款吧。", []),
             ("agent", "好的，最低还款六百元，在华夏的手机银行里还就可以。", []),
             ("debtor", "好的，谢谢。", [])],
         "calm compliant control with stern but truthful lines (credit bureau, legal recovery per the contract)"),
    call("c6-010", "T610", "R660", "秦晓东", "mono", "mp3", "2027-08-18T15:30:00+08:00", "L-47627", "D-9860", 70, LANWAN,
         desk("T610", "庞建勇", "委外三组", LUHENG), [
             ("agent", "秦晓东吗？我是麓衡公司的，姓庞，受蓝湾消费金融委托。", []),
             ("debtor", "是我。我之前跟蓝湾的客服说过，我被公司裁员了，找新工作要一段时间，"
                        "客服说可以帮我申请延期，后来就再也没人理我了。", []),
             ("agent", "延期的事我查过了，没有批下来。", [], over(1.4)),
             ("debtor", "为什么没批？", []),
             ("agent", "我告诉你，我们这边是法院委托的，下个礼拜执行局就上门查封你的东西。", ["FALSE_AUTHORITY"]),
             ("debtor", "法院？我怎么没收到任何传票？", []),
             ("agent", "你这个月先还两千，逾期七十天了，在蓝湾的应用里还。", []),
             ("debtor", "我想想办法。", []),
             ("agent", "还完以后在应用里截个图留着。", [])],
         "one single collector talk-over (1.4 s requested), NOT a CONDUCT finding on its own; the collector claims "
         "to act for the court and announces a seizure by the enforcement bureau (FALSE_AUTHORITY)"),
]

SCENARIOS = ENROLLMENT + VISITS + CALLS
