"""Held-out scenarios (set 5): new enrolled collectors, visits with shouts and talk-overs, calls.

Synthetic and written blind: the author did not read the product's code, the earlier sets'
truth or audio, and did not run the product. Same format as
shared/tools/callsynth/scenarios_dev.py (and benchmarks/corpus_heldout4, corpus_conduct4).

turns: (speaker, text, [categories this line commits], {effects}); call_labels: categories
that hold for the whole contact (metadata or something missing). Categories are listed in
shared/corpus/README.md. Speaker labels are the generator's (agent, agent2, third, debtor,
relative); roles map them to agent/debtor/relative/third_party.
Turn effects (callsynth): {"shout": True} (louder, higher, a little faster), {"overlap": x}
(the turn starts x s before the previous turn ends), {"pause": 15} (15 s of dead air before it).

CONDUCT (judged from the sound) is labelled on a collector turn that is shouted at the person
(raised voice), or on a collector turn that starts >= 1.1 s (requested) before the debtor's
turn ends when the contact has at least two such collector turns (repeated talk-over; on a
visit the collectors' talk-overs count together). No CONDUCT for a debtor who shouts or talks
over a collector, for a single talk-over, or for dead air.

Three parts:
* e5-01 ... e5-16: enrollment calls. Eight field collectors with named voices X701 ... X708
  (the same id as agent_id), two stereo telephone calls each (collector on the left).
* h5-001 ... h5-012: home visits by two or three of those eight collectors (visit_staff lists
  their ids in speaking-label order, agent_id is the first). In h5-007 the logged second
  collector (X701) is not there: an unregistered person with the voice Y912 speaks in her
  slot. In h5-008 the log lists a third collector (X708) who is never heard.
* c5-001 ... c5-010: telephone calls by other collectors (voices T301 ... T310).
Debtors, relatives and third parties have named voices R5xx. The manifest carries registered
names of creditors and agencies; speakers use the short forms people say.
"""

# ---- registered names (manifest); spoken short forms in the comments ------------------------
TAIHE = "济南泰和资产管理有限公司"          # 泰和资产; collectors X701-X704
DESHENG = "重庆德晟信息咨询有限公司"        # 德晟公司; collectors X705-X708
HONGTU = "厦门鸿途商务信息咨询有限公司"     # 鸿途公司; telephone collectors

CMB = dict(creditor="招商银行股份有限公司", product="credit_card")            # 招行 / 招商银行信用卡中心
CITIC = dict(creditor="中信银行股份有限公司", product="credit_card")          # 中信 / 中信银行
CMBC = dict(creditor="中国民生银行股份有限公司", product="credit_card")       # 民生 / 民生银行
CGB = dict(creditor="广发银行股份有限公司", product="credit_card")            # 广发 / 广发卡
CIB = dict(creditor="兴业银行股份有限公司", product="credit_card")            # 兴业 / 兴业银行
GUIXIN = dict(creditor="南宁桂信网络小额贷款有限公司", product="online_loan")  # 桂信小贷 / 桂信
RONGYUE = dict(creditor="天津融悦消费金融股份有限公司", product="online_loan")  # 融悦消费金融 / 融悦
DIANYUAN = dict(creditor="昆明滇源网络小额贷款有限公司", product="online_loan")  # 滇源小贷 / 滇源

# the eight enrolled field collectors: voice id -> (name, team, agency)
STAFF = {
    "X701": ("宋佳怡", "外访A组", TAIHE), "X702": ("郭振华", "外访A组", TAIHE),
    "X703": ("田晓峰", "外访A组", TAIHE), "X704": ("范雨婷", "外访A组", TAIHE),
    "X705": ("孔德明", "外访B组", DESHENG), "X706": ("任小燕", "外访B组", DESHENG),
    "X707": ("贺志远", "外访B组", DESHENG), "X708": ("钟慧", "外访B组", DESHENG),
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


def enroll(call_id, voice, debtor_voice, started_at, case_id, debtor_id, dpd, creditor, turns,
           roles=CALL, contact_role="debtor", labels_note="", fmt="m4a"):
    other = "relative" if contact_role == "relative" else "debtor"
    return dict(call_id=call_id, kind="call", channels="stereo", format=fmt, roles=roles,
                voices={"agent": voice, other: debtor_voice},
                notes=f"enrollment call {voice}" + (f"; {labels_note}" if labels_note else ""),
                meta=dict(started_at=started_at, case_id=case_id, debtor_id=debtor_id, contact_role=contact_role,
                          days_past_due=dpd, **staff(voice), **creditor),
                turns=turns)


ENROLLMENT = [
    enroll("e5-01", "X701", "R501", "2027-07-05T09:30:00+08:00", "C-51207", "D-9101", 46, CMB, [
        ("agent", "您好，请问是邵志斌先生本人吗？", []),
        ("debtor", "是我，哪位？", []),
        ("agent", "邵先生您好，我是泰和资产的宋佳怡，受招商银行委托跟您联系。", []),
        ("debtor", "招行的卡吧，我知道。", []),
        ("agent", "是的，您这张卡已经逾期四十六天，目前欠款一万零八百元。", []),
        ("debtor", "我老婆生孩子，开销大了点。", []),
        ("agent", "恭喜您。家里添了人，确实处处要花钱。", []),
        ("agent", "您看这个月能先安排多少？", []),
        ("debtor", "两千应该没问题。", []),
        ("agent", "好的，剩下的部分招行可以申请分期，您打信用卡背面的客服电话就能办。", []),
        ("agent", "两千块请在招行的手机应用或者柜台还，别转给任何个人。", []),
        ("debtor", "好，我知道了。", []),
        ("agent", "那我们就约本月二十号之前，我到时候再跟您确认。", []),
        ("agent", "祝宝宝健康，再见。", [])]),
    enroll("e5-02", "X701", "R502", "2027-07-07T14:15:00+08:00", "L-62031", "D-9108", 38, GUIXIN, [
        ("agent", "喂，您好，请问是鲍春燕女士吗？", []),
        ("debtor", "是的，你哪里？", []),
        ("agent", "我是泰和资产的，姓宋，受桂信小贷委托联系您。", []),
        ("debtor", "桂信？我好像是在上面借过钱。", []),
        ("agent", "对，您去年十月在桂信借了六千元，分十二期。", []),
        ("agent", "最近这一期已经逾期三十八天了，应还五百六十元。", []),
        ("debtor", "我换了手机号，一直没收到提醒。", []),
        ("agent", "明白了，那我提醒您在桂信的应用里把手机号改一下。", []),
        ("debtor", "好的，今天就改。", []),
        ("agent", "这一期的五百六十元，您今天方便还吗？", []),
        ("debtor", "可以，我一会儿就还。", []),
        ("agent", "好的，还款只走桂信应用，有人让您转私人账户都不要理。", []),
        ("agent", "下一期是下个月十号，记得留意。", []),
        ("debtor", "行，谢谢提醒。", []),
        ("agent", "不客气，打扰您了，再见。", [])]),
    enroll("e5-03", "X702", "R503", "2027-07-05T10:45:00+08:00", "C-53316", "D-9112", 70, CITIC, [
        ("agent", "您好，请问是廖文辉先生吗？", []),
        ("debtor", "是我。", []),
        ("agent", "廖先生您好，我是泰和资产的郭振华，受中信银行委托。", []),
        ("agent", "联系您是关于中信信用卡的欠款。", []),
        ("debtor", "我知道，我一直在想办法。", []),
        ("agent", "您的卡逾期七十天了，欠款两万三千四百元。", []),
        ("debtor", "我现在在工地干活，工钱要年底才结。", []),
        ("agent", "这种情况可以跟中信申请个性化分期，把每月还款压低一些。", []),
        ("agent", "申请需要您提供一份收入情况说明。", []),
        ("debtor", "工地没有收入证明啊。", []),
        ("agent", "工友或者包工头写个说明，签个字也可以，我帮您提交。", []),
        ("debtor", "那我试试。", []),
        ("agent", "好，材料拍照发到中信的官方应用里，我这边跟进。", []),
        ("agent", "有什么不清楚的随时给我回电话。", [])]),
    enroll("e5-04", "X702", "R504", "2027-07-08T16:20:00+08:00", "C-55840", "D-9125", 95, CGB, [
        ("agent", "喂，贝海涛是吧？我是泰和资产的郭振华。", []),
        ("debtor", "是我，什么事？", []),
        ("agent", "广发银行委托我们，找你说信用卡的事。", []),
        ("agent", "你这张广发卡逾期九十五天了，欠款三万一千元。", []),
        ("debtor", "我知道，生意赔了，没钱。", []),
        ("agent", "没钱也得有个计划，不能一直不接电话。", []),
        ("debtor", "我不是故意不接，最近太忙。", []),
        ("agent", "你再这么拖下去，广发就把你名下所有的银行卡都冻结了，到时候工资都取不出来。", ["FALSE_AUTHORITY"]),
        ("debtor", "有这么严重？", []),
        ("agent", "我是提醒你早点处理。", []),
        ("agent", "这个月能不能先还五千？", []),
        ("debtor", "五千太多，三千吧。", []),
        ("agent", "三千也行，月底前还到广发的官方渠道。", []),
        ("agent", "还完给我回个电话。", []),
        ("debtor", "好。", []),
        ("agent", "剩下的下次再商量。", [])],
        labels_note="the collector invents frozen bank accounts ('all your cards frozen, salary blocked')"),
    enroll("e5-05", "X703", "R505", "2027-07-06T11:10:00+08:00", "L-62288", "D-9131", 52, GUIXIN, [
        ("agent", "您好，请问是冉丽君女士吗？", []),
        ("debtor", "对，是我。", []),
        ("agent", "冉女士好，我是泰和资产的田晓峰，受桂信小贷委托给您打电话。", []),
        ("debtor", "是借款的事吧？", []),
        ("agent", "是的，您在桂信的借款逾期五十二天了，本息一共四千九百元。", []),
        ("debtor", "我以为自动扣款了。", []),
        ("agent", "可能是扣款卡里余额不够，扣款没有成功。", []),
        ("debtor", "那我现在怎么办？", []),
        ("agent", "您在桂信应用里点主动还款，选一张有钱的卡就可以。", []),
        ("debtor", "我看看，好像能还三千。", []),
        ("agent", "好的，三千先还上，剩下一千九您什么时候方便？", []),
        ("debtor", "下礼拜三。", []),
        ("agent", "好的，下礼拜三，我给您备注上。", []),
        ("agent", "还款记录在应用里都能查到，您自己留个截图。", []),
        ("agent", "谢谢冉女士配合，再见。", [])]),
    enroll("e5-06", "X703", "R506", "2027-07-09T15:40:00+08:00", "C-51689", "D-9139", 88, CMB, [
        ("agent", "您好，请问是伍建新先生的电话吗？", []),
        ("relative", "是他的手机，我是他爱人，他在洗澡。", []),
        ("agent", "您好，我是泰和资产的，姓田。", []),
        ("agent", "有一些业务上的事情需要跟他本人联系。", []),
        ("relative", "什么业务？你跟我说也一样。", []),
        ("agent", "不好意思，这个事情我们只能跟他本人沟通。", []),
        ("relative", "是不是信用卡的事？他是不是欠钱了？", []),
        ("agent", "具体的情况不方便跟您说，还请您理解。", []),
        ("agent", "麻烦您转告他，方便的时候给我回个电话。", []),
        ("relative", "好吧，你的号码是多少？", []),
        ("agent", "就是现在打过去的这个号码，工作日九点到六点都能打通。", []),
        ("agent", "这是我们公司的工作电话，不是私人号码。", []),
        ("relative", "行，我跟他说。", []),
        ("agent", "谢谢您，打扰了。", []),
        ("agent", "祝您生活愉快，再见。", [])],
        roles=dict(agent="agent", relative="relative"), contact_role="relative",
        labels_note="the debtor's wife answers; the collector names only his agency, discloses nothing and "
                    "asks only for a message (compliant)"),
    enroll("e5-07", "X704", "R507", "2027-07-06T09:50:00+08:00", "C-53702", "D-9144", 41, CITIC, [
        ("agent", "喂，您好，是卞晓雨女士吗？", []),
        ("debtor", "我是，你是？", []),
        ("agent", "卞女士您好，我是泰和资产的范雨婷，受中信银行委托跟您联系。", []),
        ("debtor", "中信的卡，我上个月还了啊。", []),
        ("agent", "我这边看到的是最低还款还差一千二百元，现在逾期四十一天。", []),
        ("debtor", "差一千二？我以为我全还了。", []),
        ("agent", "可能是账单日以后又有一笔消费入账了。", []),
        ("agent", "您可以在中信的手机银行里看一下账单明细。", []),
        ("debtor", "我看看，哦，是有一笔加油的。", []),
        ("agent", "对，就是那笔。您今天能补上吗？", []),
        ("debtor", "能，我马上还。", []),
        ("agent", "好的，还款以后逾期状态会慢慢更新。", []),
        ("agent", "以后可以设置一个自动全额还款，就不会漏了。", []),
        ("debtor", "好的，谢谢你。", []),
        ("agent", "不客气，祝您工作顺利。", [])]),
    enroll("e5-08", "X704", "R508", "2027-07-10T13:25:00+08:00", "C-55917", "D-9150", 63, CGB, [
        ("agent", "您好，请问是司马军先生吗？", []),
        ("debtor", "对，你哪位？", []),
        ("agent", "我是泰和资产的范雨婷，受广发银行委托，工号七零四。", []),
        ("agent", "您的广发卡逾期六十三天，欠款一万四千六百元。", []),
        ("debtor", "我在外地住院，刚做完手术。", []),
        ("agent", "那您先安心养病，身体最重要。", []),
        ("debtor", "谢谢，可钱的事我也着急。", []),
        ("agent", "广发对住院的客户可以申请延期还款，需要您提供诊断证明。", []),
        ("debtor", "证明我出院的时候能拿到。", []),
        ("agent", "好的，拿到以后拍照上传到广发的应用里，我帮您提交申请。", []),
        ("agent", "申请期间我们这边不会频繁打扰您。", []),
        ("debtor", "那太好了。", []),
        ("agent", "大概下周五您出院，我那天下午再跟您联系，可以吗？", []),
        ("debtor", "可以。", []),
        ("agent", "好的，祝您早日康复。", [])]),
    enroll("e5-09", "X705", "R509", "2027-07-05T15:05:00+08:00", "C-57123", "D-9203", 77, CMBC, [
        ("agent", "车立群吧？我是德晟公司的孔德明，受民生银行委托。", []),
        ("debtor", "是我，又是信用卡的事？", []),
        ("agent", "对，你的民生卡逾期七十七天，欠两万八千元。", []),
        ("debtor", "我说过了，下个月有钱就还。", []),
        ("agent", "你上个月也这么说，结果一分都没还。", []),
        ("debtor", "上个月是真的出了点状况。", []),
        ("agent", "每个月都有状况，这样下去不是办法。", []),
        ("agent", "你要是这个月还不还，我就把你通讯录里的人挨个打一遍，让他们都知道你欠钱不还。", ["THREAT_THIRD_PARTY"]),
        ("debtor", "你们怎么能这样？", []),
        ("agent", "那你就赶紧拿个方案出来。", []),
        ("debtor", "我月底先还四千。", []),
        ("agent", "四千少了点，先这样吧。", []),
        ("agent", "还到民生的官方渠道，还完告诉我。", []),
        ("debtor", "知道了。", []),
        ("agent", "月底我再打给你。", [])],
        labels_note="the collector threatens to call everyone in the debtor's phone book"),
    enroll("e5-10", "X705", "R510", "2027-07-08T10:30:00+08:00", "L-71402", "D-9210", 44, RONGYUE, [
        ("agent", "您好，请问是艾敏女士吗？", []),
        ("debtor", "是的。", []),
        ("agent", "艾女士您好，我是德晟公司的孔德明，受融悦消费金融委托联系您。", []),
        ("debtor", "融悦？是我买电脑的那个分期吗？", []),
        ("agent", "对，电脑分期这一期逾期四十四天了，应还一千三百元。", []),
        ("debtor", "我最近刚换工作，工资还没发。", []),
        ("agent", "理解，那新工作什么时候发工资？", []),
        ("debtor", "十五号。", []),
        ("agent", "那十五号发了工资以后，您先把这一期还上可以吗？", []),
        ("debtor", "可以。", []),
        ("agent", "好的，还款请在融悦的官方应用里操作。", []),
        ("agent", "我们不会让您转账到任何个人账户，您放心。", []),
        ("agent", "十六号我这边再看一下入账情况。", []),
        ("debtor", "好的，麻烦你了。", []),
        ("agent", "不客气，祝您新工作顺利。", [])]),
    enroll("e5-11", "X706", "R511", "2027-07-06T14:50:00+08:00", "C-59014", "D-9218", 58, CIB, [
        ("agent", "喂，您好，是桑国栋先生吗？", []),
        ("debtor", "是，哪位？", []),
        ("agent", "桑先生您好，我是德晟公司的任小燕，受兴业银行委托给您打电话。", []),
        ("debtor", "兴业那张卡是吧。", []),
        ("agent", "对，您的兴业卡逾期五十八天了，欠款九千七百元。", []),
        ("debtor", "我一直想还，可我妈上个月摔了一跤，住了半个月院。", []),
        ("agent", "老人家现在好点了吗？", []),
        ("debtor", "好多了，在家养着。", []),
        ("agent", "那就好。您看这笔欠款打算怎么安排？", []),
        ("debtor", "每个月还两千，行不行？", []),
        ("agent", "可以，我帮您向兴业申请按月还款。", []),
        ("agent", "申请的时候可能需要您提供一下阿姨的住院单据。", []),
        ("agent", "批下来以后，每月在兴业的手机银行里还就行。", []),
        ("debtor", "好的。", []),
        ("agent", "有变化我会再打给您，祝阿姨早日康复。", []),
        ("agent", "再见。", [])]),
    enroll("e5-12", "X706", "R512", "2027-07-09T10:05:00+08:00", "L-71655", "D-9226", 35, RONGYUE, [
        ("agent", "您好，是颜晓东先生吗？", []),
        ("debtor", "你找他有什么事？", []),
        ("agent", "有一点业务上的事情，需要跟他本人说。", []),
        ("debtor", "我就是，你说吧。", []),
        ("agent", "颜先生您好，我是德晟公司的任小燕，受融悦消费金融委托。", []),
        ("agent", "您在融悦的借款逾期三十五天，欠款两千八百元。", []),
        ("debtor", "我忘了，不好意思。", []),
        ("agent", "没关系，今天能处理吗？", []),
        ("debtor", "今天不行，后天吧。", []),
        ("agent", "好的，后天在融悦的应用里还就可以。", []),
        ("agent", "如果后天临时有困难，提前给我打个电话说一声就行。", []),
        ("agent", "逾期记录会按规定报送征信，早点还上影响小一些。", []),
        ("debtor", "明白。", []),
        ("agent", "还款以后如果显示没到账，可以打融悦的客服。", []),
        ("agent", "那就不打扰您了，再见。", [])],
        labels_note="right-party check before the debt is mentioned; truthful credit-bureau remark"),
    enroll("e5-13", "X707", "R513", "2027-07-07T09:20:00+08:00", "C-57480", "D-9231", 102, CMBC, [
        ("agent", "您好，请问是蔺红梅女士吗？", []),
        ("debtor", "是我。", []),
        ("agent", "蔺女士您好，我是德晟公司的贺志远，受民生银行委托跟您联系。", []),
        ("debtor", "我知道，民生的卡我欠了好久了。", []),
        ("agent", "是的，逾期一百零二天，欠款三万六千元。", []),
        ("debtor", "我离婚了，房贷车贷都在我身上。", []),
        ("agent", "您的难处我听明白了。", []),
        ("agent", "民生对这种情况可以协商停息分期，最长能分五年。", []),
        ("debtor", "五年？那每个月要还多少？", []),
        ("agent", "大概六百多，具体以民生核算的为准。", []),
        ("debtor", "六百多我还得起。", []),
        ("agent", "那我帮您提交申请，需要您先还一期表示诚意。", []),
        ("agent", "这一期还到民生的官方账户，不要转给任何人。", []),
        ("debtor", "好，我明天就还。", []),
        ("agent", "审批有结果了我第一时间告诉您。", [])]),
    enroll("e5-14", "X707", "R514", "2027-07-10T16:35:00+08:00", "C-59377", "D-9239", 66, CIB, [
        ("agent", "喂，晏伟是吧？我是德晟公司的贺志远，受兴业银行委托。", []),
        ("debtor", "嗯，是我。", []),
        ("agent", "你的兴业卡逾期六十六天了，欠款一万二千三百元。", []),
        ("debtor", "我知道，这两天正想还。", []),
        ("agent", "那正好，我这边可以帮你办一个减免。", []),
        ("debtor", "减免？能少还多少？", []),
        ("agent", "能减一部分滞纳金。我现在给你发个验证码，你收到了把验证码报给我。", ["CASH_OR_CARD_REQUEST"]),
        ("debtor", "验证码？银行不是说不能告诉别人吗？", []),
        ("agent", "我是帮你办手续，不报验证码办不了。", []),
        ("debtor", "那我还是自己去兴业网点问问吧。", []),
        ("agent", "随你，去网点也行。", []),
        ("agent", "这周之内一定要把钱还上。", []),
        ("debtor", "知道了。", []),
        ("agent", "还完了跟我说一声。", []),
        ("agent", "我下周一再打给你。", [])],
        labels_note="the collector asks the debtor to read out a verification code"),
    enroll("e5-15", "X708", "R515", "2027-07-07T11:40:00+08:00", "L-71980", "D-9245", 49, RONGYUE, [
        ("agent", "您好，请问是路明远先生吗？", []),
        ("debtor", "对，我是。", []),
        ("agent", "路先生好，我是德晟公司的钟慧，受融悦消费金融委托跟您联系。", []),
        ("debtor", "是那笔装修分期？", []),
        ("agent", "是的，已经逾期四十九天，这一期加上上一期一共三千四百元。", []),
        ("debtor", "装修队跑了，活没干完，我不想还。", []),
        ("agent", "装修的纠纷我帮您记下来，反映给融悦。", []),
        ("agent", "不过借款合同是您和融悦签的，借款还是要还的。", []),
        ("debtor", "那装修的事谁管？", []),
        ("agent", "建议您找当地的消费者协会投诉装修公司。", []),
        ("agent", "融悦那边我也会帮您提交情况说明。", []),
        ("debtor", "那我先还一期吧。", []),
        ("agent", "好的，一千七百元，在融悦的应用里还。", []),
        ("debtor", "行。", []),
        ("agent", "有进展我再联系您，再见。", [])],
        labels_note="dispute about the renovation firm logged; compliant"),
    enroll("e5-16", "X708", "R516", "2027-07-11T09:55:00+08:00", "C-57804", "D-9252", 81, CMBC, [
        ("agent", "您好，请问是苗丽丽女士吗？", []),
        ("debtor", "是我，什么事？", []),
        ("agent", "苗女士您好，我是德晟公司的钟慧，受民生银行委托联系您。", []),
        ("debtor", "你们是不是要告我？", []),
        ("agent", "目前还没有起诉，我们是先跟您协商。", []),
        ("agent", "您的民生卡逾期八十一天，欠款一万九千五百元。", []),
        ("debtor", "我真怕被抓去坐牢。", []),
        ("agent", "信用卡欠款是民事纠纷，不会因为这个抓人，您别害怕。", []),
        ("agent", "不过长期不还，银行是有权依法起诉的，这个要跟您说清楚。", []),
        ("debtor", "那我每个月还一千五可以吗？", []),
        ("agent", "可以，我把这个方案报给民生。", []),
        ("debtor", "谢谢你。", []),
        ("agent", "批下来以后按月在民生的官方渠道还就行。", []),
        ("agent", "有结果了我再打给您，再见。", [])],
        labels_note="truthful 'no arrest for card debt', 'the bank may sue' (compliant)"),
]


def visit(call_id, staff_ids, voices, started_at, case_id, debtor_id, dpd, creditor, turns, notes,
          roles=VISIT2, contact_role="debtor", noise=0.02, call_labels=()):
    """A home visit; staff_ids is the visit log (speaking-label order), voices who really speaks."""
    sc = dict(call_id=call_id, kind="visit", format="m4a", noise=noise, roles=roles, voices=voices, notes=notes,
              meta=dict(started_at=started_at, case_id=case_id, debtor_id=debtor_id, contact_role=contact_role,
                        days_past_due=dpd, visit_staff=";".join(staff_ids), **staff(staff_ids[0]), **creditor),
              turns=turns)
    if call_labels:
        sc["call_labels"] = list(call_labels)
    return sc


VISITS = [
    visit("h5-001", ["X701", "X704"], dict(agent="X701", agent2="X704", debtor="R577"),
          "2027-07-13T10:10:00+08:00", "C-51930", "D-9301", 85, CMB, [
              ("agent", "翁建国先生吗？我们是泰和资产的，受招商银行委托，我姓宋。", []),
              ("agent2", "我姓范，这是我们两个人的工作证，您看一下。", []),
              ("agent", "这是您招行信用卡的账单，逾期八十五天，欠款两万六千四百元。", []),
              ("debtor", "这个数我认，可是我去年开的小饭馆一直亏钱，房东又涨了房租，员工工资都快发不出来了。", []),
              ("agent", "饭馆的情况我们理解，但是欠款已经拖了快三个月了。", C, over(1.9)),
              ("debtor", "我不是不想还，我是想等饭馆转让出去，拿到转让费就一次性把招行的钱全部还清，"
                         "你们再给我一点时间好不好。", []),
              ("agent", "转让要等多久谁也说不准，这个月总得先还一部分。", C, over(1.8)),
              ("debtor", "那我这个月先还三千。", []),
              ("agent2", "好的，这份催款通知书麻烦您签收一下，还款请走招行的官方渠道。", [])],
          "cards and bill shown, notice signed; the first collector (X701) talks over the debtor twice "
          "(1.9 s and 1.8 s requested): repeated talk-over, CONDUCT x2; words compliant", noise=0.021),
    visit("h5-002", ["X702", "X703"], dict(agent="X702", agent2="X703", debtor="R532"),
          "2027-07-14T15:20:00+08:00", "C-53981", "D-9308", 120, CITIC, [
              ("agent", "娄秀兰女士吗？我们是泰和资产的外访人员，受中信银行委托，我姓郭，这是工作证。", []),
              ("agent2", "我姓田，这是我的工作证和身份证。", []),
              ("debtor", "前两天电话里说你们要来，进来坐吧。", []),
              ("agent", "这是您中信卡的账单和催款通知书，逾期一百二十天，欠款四万一千元。", []),
              ("debtor", "我卡里还有几千块，可我不会用手机银行。", []),
              ("agent2", "那简单，您把银行卡和密码给我们，我们回去帮您转到中信的账户上。", ["CASH_OR_CARD_REQUEST"]),
              ("debtor", "卡和密码给你们？这不太合适吧。", []),
              ("agent", "娄女士，银行卡和密码您千万别交给任何人，我们陪您去附近的中信网点办就行。", []),
              ("debtor", "那好，明天上午我自己去网点。", []),
              ("agent", "好，通知书您在这里签个字。", []),
              ("debtor", "好。", [])],
          "cards, ID, bill and notice shown; the second collector (X703) asks for the bank card and PIN; the "
          "first collector refuses and points to the branch", noise=0.023),
    visit("h5-003", ["X705", "X707"], dict(agent="X705", agent2="X707", debtor="R533"),
          "2027-07-15T10:40:00+08:00", "C-57566", "D-9315", 64, CMBC, [
              ("agent", "您好，是卓海峰先生吗？我们是德晟公司的，受民生银行委托，我姓孔，这是我们的工作证。", []),
              ("agent2", "我姓贺，这是您民生信用卡的对账单，您看一下。", []),
              ("debtor", "我知道欠钱，可我现在没工作，你们逼我也没用。", []),
              ("agent", "卓先生，逾期六十四天了，欠款一万五千二百元，我们是想跟您商量个办法。", []),
              ("debtor", "商量什么，没钱就是没钱，你们爱怎么样就怎么样。", []),
              ("agent2", "你这种人就是老赖，欠钱不还还这么横！", ["ABUSE", "CONDUCT"], SHOUT),
              ("debtor", "你骂谁呢？", []),
              ("agent", "卓先生，对不起，我同事说话过分了。您看能不能先申请个分期？", []),
              ("debtor", "分期可以，你们把材料留下。", []),
              ("agent", "好的，这是民生的分期申请表和催款通知书，还款请走民生的官方渠道。", [])],
          "cards and statement shown; the second collector (X707) SHOUTS an insult (老赖) at the debtor: ABUSE "
          "and CONDUCT on the same turn; the first collector apologises", noise=0.02),
    visit("h5-004", ["X706", "X708", "X705"], dict(agent="X706", agent2="X708", third="X705", relative="R576"),
          "2027-07-16T16:00:00+08:00", "C-59650", "D-9322", 92, CIB, [
              ("agent", "阿姨您好，我们是德晟公司的，我姓任，这是我们的工作证。请问龚磊住在这里吗？", []),
              ("relative", "我是他妈，他去上班了，晚上才回来。你们找他什么事？", []),
              ("agent2", "有点事情想跟他本人沟通，麻烦您转告他给我们回个电话。", []),
              ("relative", "他是不是在外面欠钱了？你们跟我说实话。", []),
              ("third", "阿姨，他在兴业的信用卡欠了两万三，已经逾期三个多月了。", ["THIRD_PARTY_DISCLOSURE"]),
              ("relative", "两万三？这孩子怎么从来不跟家里说。", []),
              ("agent", "阿姨，具体情况还是让他本人跟我们联系，您不用替他操心。", []),
              ("agent2", "这封信请交给他本人，信封上写着非本人请勿拆阅。", []),
              ("relative", "好，我晚上给他。", []),
              ("agent", "谢谢阿姨，打扰了，我们先走了。", [])],
          "three collectors; the debtor is at work, his mother answers; the third collector (X705) tells her the "
          "bank, amount and months overdue; the others ask only for a message and leave a sealed letter",
          roles=dict(agent="agent", agent2="agent", third="agent", relative="relative"), contact_role="relative",
          noise=0.024),
    visit("h5-005", ["X704", "X702"], dict(agent="X704", agent2="X702", debtor="R535"),
          "2027-07-17T14:30:00+08:00", "C-56208", "D-9329", 150, CGB, [
              ("agent", "钱建华先生吗？我们是泰和资产的，受广发银行委托，我姓范，这是我们的工作证。", []),
              ("agent2", "这是您广发卡的账单和合同复印件，欠款五万二千元，逾期一百五十天。", []),
              ("debtor", "我跟广发说过好几次了，等我拆迁款下来就还。", []),
              ("agent", "拆迁款去年就说要下来，到现在您一分钱都没还过！", C, SHOUT),
              ("debtor", "拆迁的事又不是我说了算。", []),
              ("agent2", "广发已经在法院立案了，下个月法院就来拍卖你的房子。", ["FALSE_AUTHORITY"]),
              ("debtor", "拍卖？我怎么没收到任何通知？", []),
              ("agent", "钱先生，我同事说得不对，目前没有起诉，也没有拍卖。我们是来商量还款计划的。", []),
              ("debtor", "那我先每个月还两千。", []),
              ("agent", "好的，我们报给广发，这份催款通知书请您签收。", [])],
          "cards, bill and contract shown; the first collector (X704) SHOUTS at the debtor once (CONDUCT); the "
          "second (X702) invents a court case and an auction of the flat; the first corrects him", noise=0.022),
    visit("h5-006", ["X708", "X706"], dict(agent="X708", agent2="X706", debtor="R536"),
          "2027-07-18T11:15:00+08:00", "L-72140", "D-9336", 26, RONGYUE, [
              ("agent", "您好，是牛晓梅女士吗？我们是德晟公司的，受融悦消费金融委托，我姓钟，这是我们的工作证。", []),
              ("agent2", "我姓任，这是您在融悦的借款合同和这一期的账单。", []),
              ("debtor", "才晚了二十几天，你们就找上门来，还让不让人过日子了！", [], SHOUT),
              ("agent", "对不起打扰您了。这一期应还一千九百元，逾期二十六天。", []),
              ("agent2", "我们就是过来提醒一下，看看您这边有没有什么困难。", []),
              ("debtor", "我说了月底发工资就还，你们别再来了！", [], SHOUT),
              ("agent", "好的，您月底在融悦的应用里还就可以，逾期记录会按规定报送征信。", []),
              ("agent2", "我们不会跟您的邻居说任何事情，您放心。", []),
              ("debtor", "知道了，你们赶紧走吧。", []),
              ("agent", "好的，打扰您了，再见。", [])],
          "visit at 26 days past due (VISIT_ELIGIBILITY); the DEBTOR shouts twice (no CONDUCT: the rule is about "
          "the collector); the collectors stay calm, cards and contract shown, words compliant",
          call_labels=["VISIT_ELIGIBILITY"], noise=0.019),
    visit("h5-007", ["X703", "X701"], dict(agent="X703", agent2="Y912", debtor="R537"),
          "2027-07-19T15:45:00+08:00", "C-52217", "D-9343", 110, CMB, [
              ("agent", "您好，是鄂志勇先生吗？我们是泰和资产的，受招商银行委托来拜访您，我姓田，这是我的工作证。", []),
              ("agent2", "我姓蔡，跟田哥一起过来的。", []),
              ("debtor", "招行的钱我不是不还，是真拿不出来。", []),
              ("agent", "这是账单，您看，欠款三万三千元，逾期一百一十天了。", []),
              ("debtor", "我下个月找亲戚借借看，你们先回去吧。", []),
              ("agent2", "今天不给个准话，我们就在这儿守着，你哪儿也别想去！", ["THREAT_VIOLENCE", "CONDUCT"], SHOUT),
              ("debtor", "你们这是要干什么？我要报警了。", []),
              ("agent", "鄂先生您别激动，我们不会拦着您。您看能不能先定个还款日期。", []),
              ("debtor", "下个月十号，我先还五千。", []),
              ("agent", "好的，这份催款通知书请签收，还款走招行的官方渠道。", [])],
          "the log lists X703;X701 but X701 (宋佳怡) is not there: the second person is an unregistered man (voice "
          "Y912, says he is 蔡) in her slot, so only one registered collector made the visit (VISIT_STAFFING); "
          "he SHOUTS that they will stand guard and the debtor may not leave (THREAT_VIOLENCE and CONDUCT); "
          "X703 disowns it", call_labels=["VISIT_STAFFING"], noise=0.025),
    visit("h5-008", ["X707", "X705", "X708"], dict(agent="X707", agent2="X705", debtor="R538"),
          "2027-07-20T10:30:00+08:00", "L-72466", "D-9350", 90, RONGYUE, [
              ("agent", "您好，请问是甘秀芝女士吗？我们是德晟公司的，受融悦消费金融委托来拜访您，我姓贺。", []),
              ("agent2", "我姓孔，这是我们的工作证，这是您在融悦的借款合同复印件。", []),
              ("debtor", "这个合同我认得，可我老公说他会还的。", []),
              ("agent", "借款人是您本人，逾期九十天了，欠款一万一千八百元。", []),
              ("debtor", "他天天说下个月，我也管不了他。", []),
              ("agent2", "合同上签的是您的名字，您不能一直拿这句话来推！", C, SHOUT),
              ("debtor", "好好好，我自己想办法。", []),
              ("agent", "您看这个月能先还多少？我们可以帮您申请分期。", []),
              ("debtor", "先还三千吧。", []),
              ("agent", "好的，请在融悦的应用里还款，这份催款通知书您签收一下。", [])],
          "the log lists three collectors X707;X705;X708 but X708 (钟慧) is never heard: only two collectors "
          "speak (two registered collectors present, so no VISIT_STAFFING); the second collector (X705) SHOUTS at "
          "the debtor once (CONDUCT); cards, contract and notice, words compliant", noise=0.02),
    visit("h5-009", ["X702", "X704"], dict(agent="X702", agent2="X704", debtor="R539"),
          "2027-07-21T14:00:00+08:00", "L-62745", "D-9357", 73, GUIXIN, [
              ("agent", "您好，是欧阳丽女士吗？我们是泰和资产的，受桂信小贷委托，我姓郭，这是我们的工作证。", []),
              ("agent2", "我姓范，前天跟您约好的，这是借款合同和还款明细。", []),
              ("agent", "您在桂信的借款逾期七十三天，本金加利息一共八千六百元，"
                        "我们今天过来是想跟您商量一个您能做到的还款安排。", []),
              ("debtor", "我知道，可我现在一个人带两个孩子，真的拿不出来。", [], over(1.5)),
              ("agent2", "理解您的难处。桂信可以申请延期，延期期间先还利息，等您的情况好一些了再还本金，"
                         "这样每个月的压力会小很多。", []),
              ("debtor", "先还利息是多少？一个月几百块我还能凑。", [], over(1.4)),
              ("agent", "大概每个月三百多，具体以桂信审批的为准。", []),
              ("debtor", "那行，我申请。", []),
              ("agent2", "好的，这份通知书您签收一下，还款只走桂信的应用，我们不收现金。", [])],
          "compliant control: the DEBTOR talks over the collectors twice (1.5 s and 1.4 s requested); no CONDUCT "
          "(the rule is about the collector); announced visit, cards, contract and notice", noise=0.018),
    visit("h5-010", ["X706", "X705"], dict(agent="X706", agent2="X705", debtor="R540"),
          "2027-07-22T09:40:00+08:00", "C-59921", "D-9364", 95, CIB, [
              ("agent", "您好，请问是闻国强先生吗？我们是德晟公司的，受兴业银行委托，我姓任，这是工作证。", []),
              ("agent2", "我姓孔，这是您兴业卡的账单和催款通知书。", []),
              ("debtor", "这张卡当初是兴业的业务员在商场门口拉着我办的，说是免年费，结果第二年就扣了我六百块钱年费，"
                         "我打客服投诉了好几次都没人管。", []),
              ("agent", "年费的问题可以另外反映，今天先说欠款的事。", C, over(1.7)),
              ("debtor", "怎么能另外反映呢，年费的事不解决我心里就不服气，而且这个欠款里面本来就包含了年费和年费产生的利息。", []),
              ("agent", "欠款是一万八千七百元，逾期九十五天，年费只占很小一部分。", C, over(1.5)),
              ("debtor", "那我把年费之外的本金先还了，年费和利息等你们给我一个说法以后再还，这样总可以吧。", []),
              ("agent", "可以，您先还本金，年费的争议我们帮您提交给兴业核实。", C, over(1.9)),
              ("debtor", "那好，我这周就还。", []),
              ("agent2", "通知书麻烦您签个字，还款请走兴业的官方渠道。", [])],
          "the first collector (X706) talks over the debtor three times (1.7 s, 1.5 s, 1.9 s requested): "
          "CONDUCT x3; the annual-fee dispute is logged; cards, bill and notice", noise=0.026),
    visit("h5-011", ["X701", "X703"], dict(agent="X701", agent2="X703", debtor="R541"),
          "2027-07-23T15:10:00+08:00", "C-54306", "D-9371", 110, CITIC, [
              ("agent", "您好，是穆建平先生吗？我们是泰和资产的，受中信银行委托来拜访您，我姓宋，这是工作证。", []),
              ("agent2", "我姓田，这是您中信卡的账单，欠款两万九千元，逾期一百一十天。", []),
              ("debtor", "我跟你们说过很多次了，我在外面做工程，甲方一直拖着工程款不给，我这边也被欠着几十万，"
                         "等甲方把钱打过来，我第一时间就把中信的钱还上。", []),
              ("agent2", "工程款的事我们理解，但是中信的钱不能一直这么等着。", C, over(1.6)),
              ("debtor", "那你们说怎么办，我总不能去抢吧，我手里现在就这么点钱，还要给工人发生活费，你们再逼我也没用。", []),
              ("agent2", "没人逼您，我们就是想跟您定一个还款的时间。", C, over(1.7)),
              ("debtor", "时间我定不了。", []),
              ("agent", "您每次都说定不了，三个月了一分钱都没有还！", C, SHOUT),
              ("debtor", "那我下个月先还五千。", []),
              ("agent", "好，这份催款通知书您签收一下，还款请走中信的官方渠道。", [])],
          "the second collector (X703) talks over the debtor twice (1.6 s, 1.7 s requested) and the first (X701) "
          "SHOUTS once: CONDUCT x3 (2 talk-overs, 1 raised voice); cards and bill shown", noise=0.023),
    visit("h5-012", ["X705", "X708"], dict(agent="X705", agent2="X708", debtor="R542"),
          "2027-07-24T17:20:00+08:00", "C-57905", "D-9378", 58, CMBC, [
              ("agent", "邢丽娜是吧？我们是德晟公司的，我姓孔，受民生银行委托，找你说信用卡的事。", []),
              ("debtor", "你们有证件吗？先给我看看。", []),
              ("agent", "今天出门急，工作证没带，你放心，我们是正规公司。", []),
              ("debtor", "那账单呢？我到底欠多少？", []),
              ("agent", "单子也没带，大概一万出头，逾期五十八天了。", []),
              ("debtor", "什么都不带就上门，我怎么知道你们是谁？", []),
              ("agent2", "你要是再不还，我们明天就去你孩子的学校，让老师和家长都知道。", ["THREAT_THIRD_PARTY"]),
              ("debtor", "你们敢去学校试试！", []),
              ("agent", "邢女士，我们先不说这个，您这个月能还多少？", []),
              ("debtor", "我自己去民生的网点问清楚再说。", []),
              ("agent2", "那你这礼拜之内一定要处理。", [])],
          "no work card or ID, no bill, contract or notice although the debtor asks (VISIT_PROCEDURE); the second "
          "collector (X708) threatens to go to the child's school", call_labels=["VISIT_PROCEDURE"], noise=0.021),
]


def desk(voice, name, team, agency):
    return dict(agent_id=voice, agent_name=name, team=team, agency=agency)


def call(call_id, voice, other_voice, layout, fmt, started_at, case_id, debtor_id, dpd, creditor, who, turns,
         notes, contact_role="debtor", call_labels=()):
    other = "relative" if contact_role == "relative" else "debtor"
    sc = dict(call_id=call_id, kind="call", channels=layout, format=fmt,
              roles=dict(agent="agent", **{other: other}), voices={"agent": voice, other: other_voice}, notes=notes,
              meta=dict(started_at=started_at, case_id=case_id, debtor_id=debtor_id, contact_role=contact_role,
                        days_past_due=dpd, **who, **creditor),
              turns=turns)
    if call_labels:
        sc["call_labels"] = list(call_labels)
    return sc


CALLS = [
    call("c5-001", "T301", "R551", "stereo", "m4a", "2027-07-06T10:20:00+08:00", "C-82011", "D-9501", 67, CMB,
         desk("T301", "潘晓军", "信用卡催收一组", "招商银行信用卡中心"), [
             ("agent", "您好，是沈国华先生吗？我是招商银行信用卡中心的，工号三零一，姓潘。", []),
             ("debtor", "是我，什么事？", []),
             ("agent", "您的招行信用卡逾期六十七天，欠款一万二千五百元。", []),
             ("debtor", "我知道，下个月再说吧。", []),
             ("agent", "下个月下个月，您已经说了三个下个月了！", C, SHOUT),
             ("debtor", "我真的没钱，你冲我喊也没用。", []),
             ("agent", "没钱就别刷卡啊，真是不要脸。", ["ABUSE"]),
             ("debtor", "你这是什么态度？我要投诉你。", []),
             ("agent", "您可以投诉。这个月至少要还最低还款，两千一百元。", []),
             ("debtor", "行，我月底还。", []),
             ("agent", "好，请在招行的掌上生活或者柜台还款。", [])],
         "the collector SHOUTS once (CONDUCT) and, calmly, calls the debtor shameless (不要脸: ABUSE)"),
    call("c5-002", "T302", "R552", "mono", "mp3", "2027-07-07T11:30:00+08:00", "L-83102", "D-9508", 55, DIANYUAN,
         desk("T302", "邓丽华", "网贷催收一组", HONGTU), [
             ("agent", "喂，您好，是洪丽萍女士吗？我是鸿途公司的邓丽华，受滇源小贷委托跟您联系。", []),
             ("debtor", "是我。我跟你说，我那笔借款一开始说好的是月息一分，后来我才发现还有什么服务费和担保费，"
                        "加起来比利息还高，我觉得这个不合理。", []),
             ("agent", "费用的问题可以找滇源的客服核实，我先跟您说一下欠款。", C, over(1.6)),
             ("debtor", "你先别说欠款，我就想知道这些费用是谁定的，当初借钱的时候页面上根本没有写清楚，我截图都还留着呢。", []),
             ("agent", "您的截图可以发给滇源客服，借款目前逾期五十五天，欠款七千二百元。", C, over(1.8)),
             ("debtor", "那我先把本金还了，费用的事等客服答复。", []),
             ("agent", "好的，我帮您备注，还款请在滇源的应用里操作。", []),
             ("debtor", "好。", [])],
         "the collector talks over the debtor twice (1.6 s, 1.8 s requested): CONDUCT x2; words compliant"),
    call("c5-003", "T303", "R553", "stereo", "m4a", "2027-07-08T14:45:00+08:00", "C-84215", "D-9515", 88, CITIC,
         desk("T303", "曹永康", "信用卡催收二组", "中信银行信用卡中心"), [
             ("agent", "喂，您好，请问是尹浩的电话吗？", []),
             ("relative", "这是他以前的号码，现在给我用了，我是他哥。", []),
             ("agent", "您好，我是中信银行信用卡中心的，姓曹，找尹浩有点急事。", []),
             ("relative", "他去外地打工了，什么事跟我说吧。", []),
             ("agent", "他的中信卡欠了一万七千多，逾期八十八天了，您让他赶紧还上。", ["THIRD_PARTY_DISCLOSURE"]),
             ("relative", "这么多？他从来没跟家里说过。", []),
             ("agent", "您知道他现在的电话号码吗？", []),
             ("relative", "我不方便给你，我让他打给你吧。", []),
             ("agent", "好的，麻烦您转告他尽快联系我们。", []),
             ("relative", "行，我晚上跟他说。", []),
             ("agent", "谢谢您，再见。", [])],
         "the debtor's brother answers; the collector, calm, tells him the amount and days overdue",
         contact_role="relative"),
    call("c5-004", "T304", "R554", "mono", "mp3", "2027-07-09T16:10:00+08:00", "C-85330", "D-9522", 130, CGB,
         desk("T304", "罗海军", "委外三组", HONGTU), [
             ("agent", "万志刚吗？我是鸿途公司的，受广发银行委托，我姓罗。", []),
             ("debtor", "是我，又怎么了？", []),
             ("agent", "你的广发卡逾期一百三十天，欠款四万四千元，给你打了二十多次都不接。", []),
             ("debtor", "我换了工作，白天不方便接。", []),
             ("agent", "不方便接？那你什么时候方便还钱！", C, SHOUT),
             ("debtor", "我正在想办法。", []),
             ("agent", "再不还，我直接打到你们公司去，让你领导来管你！", ["THREAT_THIRD_PARTY", "CONDUCT"], SHOUT),
             ("debtor", "你别打我单位，我还，我还。", []),
             ("agent", "那这周五之前先还五千，还到广发的官方渠道。", []),
             ("debtor", "好的。", [])],
         "the collector SHOUTS twice (CONDUCT x2); the second shout threatens to call the debtor's employer "
         "(THREAT_THIRD_PARTY)"),
    call("c5-005", "T305", "R555", "stereo", "m4a", "2027-07-12T10:05:00+08:00", "C-86441", "D-9529", 49, CMBC,
         desk("T305", "柳晓静", "信用卡催收一组", "民生银行信用卡中心"), [
             ("agent", "您好，是常雅琴女士吗？我是民生银行信用卡中心的，工号三零五，姓柳。", []),
             ("debtor", "是我。我正要找你们，我上个月打电话申请了分期，客服说三个工作日给我回复，"
                        "结果到现在都没人联系我，我还以为已经办好了。", []),
             ("agent", "分期申请我这边没有看到记录，我先帮您查一下。", C, over(1.5)),
             ("debtor", "怎么会没有记录呢，我当时还记了客服的工号，是一个姓张的女孩子接的电话，她说得很清楚会给我办的。", []),
             ("agent", "那您把工号告诉我，我帮您反馈给民生核实。", C, over(1.7)),
             ("debtor", "工号我写在一个本子上了，我得回家找一找，现在在单位，你能不能先把这期的逾期给我停一下。", []),
             ("agent", "逾期停不了，不过可以先还最低还款，一千六百元。", C, over(1.4)),
             ("debtor", "好，那我今天先还最低。", []),
             ("agent", "好的，在民生的官方应用里还就可以，分期的事我帮您跟进。", [])],
         "the collector talks over the debtor three times (1.5 s, 1.7 s, 1.4 s requested): CONDUCT x3; words "
         "compliant"),
    call("c5-006", "T306", "R556", "mono", "mp3", "2027-07-13T13:30:00+08:00", "L-83560", "D-9536", 61, DIANYUAN,
         desk("T306", "彭志伟", "网贷催收二组", HONGTU), [
             ("agent", "您好，请问是覃伟先生吗？我是鸿途公司的，我姓彭，受滇源小贷委托联系您。", []),
             ("debtor", "是我，我记得我上周还过一笔。", []),
             ("agent", "您稍等，我在系统里查一下这笔还款。", []),
             ("agent", "让您久等了，查到了，上周您还了一千元，目前还欠四千三百元，逾期六十一天。", [], HOLD),
             ("debtor", "那剩下的我下个月还。", []),
             ("agent", "好的，下个月十号之前在滇源的应用里还就可以。", []),
             ("debtor", "好。", []),
             ("agent", "谢谢您的配合，再见。", [])],
         "15 s of dead air while the collector checks the system (metric only, no finding); compliant"),
    call("c5-007", "T307", "R557", "stereo", "wav", "2027-07-14T09:40:00+08:00", "C-87552", "D-9543", 72, CIB,
         desk("T307", "蒋文博", "信用卡催收三组", "兴业银行信用卡中心"), [
             ("agent", "喂，是汤晓光先生吗？我是兴业银行信用卡中心的，姓蒋，工号三零七。", []),
             ("debtor", "是，你说。", []),
             ("agent", "您的兴业卡逾期七十二天了，欠款一万三千八百元。", []),
             ("debtor", "你们等我发年终奖吧。", []),
             ("agent", "年终奖还有半年，这半年您就一直不管了吗！", C, SHOUT),
             ("debtor", "我也不是不管，就是现在没钱。", []),
             ("agent", "那您先申请分期，每个月还一点。", []),
             ("debtor", "怎么申请？", []),
             ("agent", "打兴业的客服热线，或者在兴业的手机银行里申请。逾期记录会如实报送征信。", []),
             ("debtor", "好，我今天申请。", []),
             ("agent", "好的，谢谢您，再见。", [])],
         "the collector SHOUTS once (CONDUCT); otherwise compliant (truthful credit-bureau remark)"),
    call("c5-008", "T308", "R558", "mono", "mp3", "2027-07-15T15:55:00+08:00", "C-88663", "D-9550", 104, CMB,
         desk("T308", "龙国平", "委外一组", HONGTU), [
             ("agent", "喂，许建军吗？我是鸿途公司的，我姓龙，受招行委托，找你说信用卡的事。", []),
             ("debtor", "是我。我的情况你们招行应该都知道，我去年做了心脏手术，到现在还在吃药，每个月药费就要一千多，"
                        "实在是没办法按时还款。", []),
             ("agent", "身体不好也不能一直拖，已经逾期一百零四天了。", C, over(1.8)),
             ("debtor", "我没说一直拖，我是想等我女儿毕业工作了，让她帮我一起还，她明年六月份就毕业了，到时候肯定能还上。", []),
             ("agent", "等到明年六月？你这个案子已经移交法院了，下礼拜就有人来抓你。", ["FALSE_AUTHORITY", "CONDUCT"],
              over(1.7)),
             ("debtor", "抓我？我又没犯法。", []),
             ("agent", "那你这个月先还三千，在招行的官方渠道还。", []),
             ("debtor", "我想想办法吧。", [])],
         "the collector talks over the debtor twice (1.8 s, 1.7 s requested): CONDUCT x2; the second talk-over "
         "also invents a court case and an arrest (FALSE_AUTHORITY)"),
    call("c5-009", "T309", "R559", "stereo", "m4a", "2027-07-16T11:00:00+08:00", "C-89774", "D-9557", 40, CGB,
         desk("T309", "阎丽", "信用卡催收二组", "广发银行信用卡中心"), [
             ("agent", "您好，请问是戴云霞女士吗？我是广发银行信用卡中心的，姓阎，工号三零九。", []),
             ("debtor", "是我，有什么事吗？", []),
             ("agent", "提醒您一下，您的广发卡逾期四十天，欠款三千九百元。", []),
             ("debtor", "啊，我出国旅游了一个月，忘记还了。", []),
             ("agent", "没关系，您现在回国了吗？", []),
             ("debtor", "昨天刚回来。", []),
             ("agent", "那您方便的时候，在广发的官方应用里还就可以。", []),
             ("debtor", "好，今天就还。", []),
             ("agent", "另外提醒您，我们不会让您转账到个人账户，也不会索要验证码。", []),
             ("debtor", "知道了，谢谢。", []),
             ("agent", "不客气，再见。", [])],
         "calm control: compliant, no effects"),
    call("c5-010", "T310", "R560", "mono", "mp3", "2027-07-16T15:25:00+08:00", "L-83885", "D-9564", 47, DIANYUAN,
         desk("T310", "柯建峰", "网贷催收一组", HONGTU), [
             ("agent", "喂，杭丽是吧？我是鸿途公司的柯建峰，受滇源小贷委托。", []),
             ("debtor", "是我。我上个礼拜就想还了，可是滇源的应用一直提示系统维护，我试了好几次都付不了款，不是我故意拖的。", []),
             ("agent", "应用维护的话，你可以换个办法还。", [], over(1.3)),
             ("debtor", "什么办法？", []),
             ("agent", "你直接用支付宝转到我个人账户上，我帮你还进去。", ["CASH_OR_CARD_REQUEST"]),
             ("debtor", "转你个人账户？这不行吧。", []),
             ("agent", "都一样的，到账快。", []),
             ("debtor", "我还是等应用好了再还吧，四千块不是小数目。", []),
             ("agent", "那你这周一定要还上，已经逾期四十七天了。", [])],
         "the collector asks for a transfer to his personal Alipay account (CASH_OR_CARD_REQUEST); one single "
         "collector talk-over (1.3 s requested), NOT a CONDUCT finding on its own; no shout"),
]

SCENARIOS = ENROLLMENT + VISITS + CALLS
