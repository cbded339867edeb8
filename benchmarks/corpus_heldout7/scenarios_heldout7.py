"""Held-out scenarios (set 7): eight new enrolled collectors, visits, mono calls, the debtor's name.

Synthetic and written blind: the author did not read the product's code, the earlier sets'
truth or audio (beyond corpus_heldout6's README, scenarios, mark_truth6.py and manifest, read
for the format only), and did not run the product. Same format as
shared/tools/callsynth/scenarios_dev.py and benchmarks/corpus_heldout6.

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
* e7-01 ... e7-16: enrollment calls. Eight field collectors with named voices Q901 ... Q908
  (the same id as agent_id), two stereo telephone calls each (collector on the left).
* h7-001 ... h7-012: home visits by two or three of those eight (visit_staff lists their ids
  in speaking-label order, agent_id is the first). In h7-004 the logged second collector (Q901)
  is not there: an unregistered man with the voice W973 speaks in her slot. In h7-005 the log
  lists a third collector (Q905) who is never heard.
* c7-001 ... c7-010: mono telephone calls by other collectors (voices K701 ... K710, not
  enrolled). In c7-002, c7-007 and c7-010 a second collector, one of the eight, takes the phone
  (visit_staff lists both).
Debtors and relatives have named voices R7xx. The manifest carries registered names of
creditors and agencies (speakers use short forms) and, in the column debtor_name, the
debtor's full name as the lender's file holds it (added by mark_truth7.py from `debtor_name`).
DIAL_RECORDS are dialer-log rows without a recording (unanswered attempts).
"""

# ---- registered names (manifest); spoken short forms in the comments ------------------------
GANCHUAN = "南昌赣川资产管理有限公司"        # 赣川资产; collectors Q901-Q904, desk K702
JINCHENG = "兰州金城商务信息咨询有限公司"    # 金城公司; collectors Q905-Q908, desk K707, K710
LANTING = "绍兴兰亭商务信息咨询有限公司"     # 兰亭公司; telephone collectors K703, K705, K706, K708

CITIC = dict(creditor="中信银行股份有限公司", product="credit_card")            # 中信 / 中信银行
CGB = dict(creditor="广发银行股份有限公司", product="credit_card")              # 广发 / 广发卡
CMBC = dict(creditor="中国民生银行股份有限公司", product="credit_card")         # 民生 / 民生银行
QINGSONG = dict(creditor="厦门青松网络小额贷款有限公司", product="online_loan")  # 青松借款 (app) / 青松
YONGXIN = dict(creditor="宁波甬信消费金融股份有限公司", product="online_loan")   # 甬信消费金融 / 甬信
JINYUE = dict(creditor="成都锦岳网络小额贷款有限公司", product="online_loan")    # 锦岳花 (app) / 锦岳

# the eight enrolled field collectors: voice id -> (name, team, agency)
STAFF = {
    "Q901": ("万秀娟", "外访一组", GANCHUAN), "Q902": ("任雪梅", "外访一组", GANCHUAN),
    "Q903": ("贺婷婷", "外访一组", GANCHUAN), "Q904": ("龙建华", "外访一组", GANCHUAN),
    "Q905": ("段国平", "外访三组", JINCHENG), "Q906": ("柯永明", "外访三组", JINCHENG),
    "Q907": ("樊大勇", "外访三组", JINCHENG), "Q908": ("彭志军", "外访三组", JINCHENG),
}

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
    enroll("e7-01", "Q901", "R701", "谢宝华", "2027-09-06T09:20:00+08:00", "C-71104", "D-6101", 46, CITIC, [
        ("agent", "您好，请问是谢宝华先生吗？", []),
        ("debtor", "对，是我，哪位？", []),
        ("agent", "谢先生您好，我是赣川资产的万秀娟，受中信银行的委托，跟您联系一下信用卡的事情。", []),
        ("debtor", "中信的卡啊，我知道，上个月没还。", []),
        ("agent", "是的，您这张中信卡现在逾期四十六天，欠款七千三百元。", []),
        ("debtor", "我们厂年中放了一个多月的假，工资少了一半。", []),
        ("agent", "那我们就定在月底，您先还最低还款八百元，剩下的再商量分期，您看行吗？", []),
        ("debtor", "行，月底我先还八百。", []),
        ("agent", "好的，请在中信银行的手机银行里还，不要转给任何个人。谢谢谢先生，再见。", [])]),
    enroll("e7-02", "Q901", "R702", "梁淑芬", "2027-09-08T14:05:00+08:00", "L-72110", "D-6102", 38, QINGSONG, [
        ("agent", "喂，您好，请问是梁淑芬女士吗？", []),
        ("debtor", "是我，你是？", []),
        ("agent", "梁女士您好，我姓万，是赣川资产的，受青松借款的委托给您打这个电话。", []),
        ("debtor", "青松，我在上面借过五千块钱。", []),
        ("agent", "对，您那五千元分了十期，第六期到现在逾期三十八天，这一期是六百二十元。", []),
        ("debtor", "我换了手机号，青松的短信一直没收到。", []),
        ("agent", "那麻烦您在青松借款的应用里把手机号改一下，以后的提醒就能收到了。", []),
        ("debtor", "好的，我今天就改。那这一期怎么还？", []),
        ("agent", "也在应用里，点我的借款，再点立即还款，用您自己名下的银行卡付就可以。", []),
        ("debtor", "好，我下午就弄。", []),
        ("agent", "好的，打扰您了，祝您生活顺心，再见。", [])]),
    enroll("e7-03", "Q902", "R703", "江海波", "2027-09-06T11:10:00+08:00", "C-71215", "D-6103", 71, CGB, [
        ("agent", "您好，请问是江海波先生本人吗？", []),
        ("debtor", "是我，你说。", []),
        ("agent", "江先生您好，我是赣川资产的任雪梅，受广发银行委托联系您，是关于您广发卡的还款。", []),
        ("debtor", "我这两个月一直在外地跑车，没顾上。", []),
        ("agent", "理解，跑车确实辛苦。您的广发卡已经逾期七十一天，目前欠款一万二千六百元。", []),
        ("debtor", "这么多？我记得就刷了一万出头。", []),
        ("agent", "里面有两千多是利息和违约金，明细您可以在广发的发现精彩应用里查到。", []),
        ("debtor", "那我先还五千行不行？", []),
        ("agent", "可以，先还五千，剩下的部分我帮您向广发申请分期，每期多少等审批下来再通知您。", []),
        ("debtor", "好，那就这么办。", []),
        ("agent", "谢谢江先生，路上注意安全，再见。", [])]),
    enroll("e7-04", "Q902", "R704", "陆秀兰", "2027-09-09T10:30:00+08:00", "L-72226", "D-6104", 55, YONGXIN, [
        ("agent", "喂，您好，是陆秀兰女士吗？", []),
        ("debtor", "是我，哪里找？", []),
        ("agent", "陆女士好，我是赣川资产的，我姓任，受甬信消费金融的委托找您。", []),
        ("debtor", "甬信，就是买冰箱那个分期吧。", []),
        ("agent", "对，每期七百四十元，已经逾期五十五天了，一共欠两期。", []),
        ("debtor", "我不太会在手机上操作，上次就是没弄明白。", []),
        ("agent", "那简单，您把您的银行卡号和密码报给我，我这边直接帮您扣款，您什么都不用管。", ["CASH_OR_CARD_REQUEST"]),
        ("debtor", "密码也要告诉你？", []),
        ("agent", "对，不然我这边操作不了，很多客户都是这么办的。", []),
        ("debtor", "这个我不放心，还是让我儿子帮我弄吧。", []),
        ("agent", "那也行，让您儿子在甬信的应用里帮您还，这周之内还上就好。", []),
        ("agent", "那就这样，再见。", [])],
        labels_note="the collector asks for the debtor's bank card number and PIN"),
    enroll("e7-05", "Q903", "R705", "郝建平", "2027-09-07T15:40:00+08:00", "C-71331", "D-6105", 88, CMBC, [
        ("agent", "您好，请问是郝建平先生吗？", []),
        ("debtor", "是我，你们是民生银行的吧？", []),
        ("agent", "郝先生您好，我是赣川资产的贺婷婷，受民生银行委托联系您。", []),
        ("agent", "您的民生信用卡逾期八十八天，欠款三万一千元，之前几次约定的还款都没有到账。", []),
        ("debtor", "我做装修的，甲方一直拖着不给钱，我也没办法。", []),
        ("agent", "如果一直没有还款，民生银行有权依法向法院起诉，逾期记录也会如实报送征信。", []),
        ("debtor", "我又没说不还，就是要等一等。", []),
        ("agent", "那您给我一个大概的时间，我好跟民生银行报备。", []),
        ("debtor", "下个月十号之前，我先还一万。", []),
        ("agent", "好的，十号之前一万，请还到民生银行的官方渠道。", [])],
        labels_note="stern but truthful: the bank may sue, overdue records go to the credit bureau (compliant)"),
    enroll("e7-06", "Q903", "R706", "贾红梅", "2027-09-10T09:50:00+08:00", "L-72337", "D-6106", 42, JINYUE, [
        ("agent", "喂，您好，请问是贾红梅女士吗？", []),
        ("debtor", "嗯，我是。", []),
        ("agent", "贾女士您好，我姓贺，是赣川资产的，受锦岳花委托，跟您核实一笔借款。", []),
        ("debtor", "锦岳花？我不记得在上面借过钱啊。", []),
        ("agent", "系统里显示是您的身份证注册的，借了四千元，逾期四十二天。", []),
        ("debtor", "前几个月我的身份证丢过一次，会不会是别人拿去借的？", []),
        ("agent", "有这个可能。您可以先去派出所报案，拿到回执以后上传到锦岳花的客服那里。", []),
        ("agent", "核实期间我这边先暂停联系您，不会再打扰您。", []),
        ("debtor", "好，我明天就去派出所。", []),
        ("agent", "好的，有什么进展也可以打锦岳花应用里的客服电话。谢谢您，再见。", [])],
        labels_note="the debtor says her ID card was lost; collection paused for checking (compliant)"),
    enroll("e7-07", "Q904", "R707", "孔德明", "2027-09-06T16:15:00+08:00", "C-71442", "D-6107", 119, CITIC, [
        ("agent", "孔德明是吧？我是赣川资产的龙建华，中信银行委托我们找你。", []),
        ("debtor", "是我，怎么了？", []),
        ("agent", "你的中信卡逾期一百一十九天了，欠款四万二千元，打你电话一直不接。", []),
        ("debtor", "我手机坏了，刚修好。", []),
        ("agent", "手机坏了四个月？这种话你自己信吗？", []),
        ("debtor", "我现在开了个小店，生意不好，钱都压在货上了。", []),
        ("agent", "我告诉你，你的名字已经上了全国的失信黑名单，以后你孩子考公务员都考不了。", ["FALSE_AUTHORITY"]),
        ("debtor", "这么严重？那我该怎么办？", []),
        ("agent", "赶紧还钱。这个月先还五千，其他的我们再谈。", []),
        ("debtor", "五千我得凑一凑，月底吧。", []),
        ("agent", "行，月底之前还到中信的官方渠道，还完给我回电话。", [])],
        labels_note="the collector invents a national blacklist that stops the children becoming civil servants"),
    enroll("e7-08", "Q904", "R708", "房丽娜", "2027-09-09T13:25:00+08:00", "C-71553", "D-6108", 64, CGB, [
        ("agent", "您好，请问是房丽娜女士吗？", []),
        ("relative", "她是我爱人，她在洗澡，你是哪位？", []),
        ("agent", "您好，我是赣川资产的，我姓龙，有点事情要跟房女士本人说。", []),
        ("relative", "什么事？你跟我说也一样，家里的事都是我管。", []),
        ("agent", "不好意思，这是她个人的事务，按规定我只能跟她本人沟通，请您理解。", []),
        ("relative", "是不是她又在网上买东西欠钱了？", []),
        ("agent", "具体的我不方便说。麻烦您转告她，让她方便的时候给赣川资产回个电话就行。", []),
        ("relative", "那你留个号码。", []),
        ("agent", "就是我现在打的这个号码，工作日上午九点到下午六点都有人接。", []),
        ("relative", "行，我跟她说。", []),
        ("agent", "好的，谢谢您，打扰了，再见。", [])],
        contact_role="relative",
        labels_note="the debtor's husband answers; the collector names only his agency, discloses nothing and "
                    "asks only for a call back (compliant)"),
    enroll("e7-09", "Q905", "R709", "牛卫东", "2027-09-07T10:45:00+08:00", "L-72448", "D-6109", 93, QINGSONG, [
        ("agent", "喂，牛卫东吗？我是金城公司的段国平，受青松借款委托找你。", []),
        ("debtor", "是我，青松的钱我不是不还，就是现在没有。", []),
        ("agent", "你在青松借的两万，逾期九十三天，本息一共两万二千八百元。", []),
        ("debtor", "我在工地上干活，包工头一直没结账。", []),
        ("agent", "你再不还，我就打电话到你们单位，找你们领导和人事，让全单位都知道你欠钱不还。", ["THREAT_THIRD_PARTY"]),
        ("debtor", "别，别找我单位，我还要在那干呢。", []),
        ("agent", "那你今天给我一个准话，什么时候还，还多少。", []),
        ("debtor", "下个礼拜结账，我先还三千。", []),
        ("agent", "好，下礼拜，在青松借款的应用里还，还完截个图。", [])],
        labels_note="the collector threatens to tell the debtor's employer, managers and HR"),
    enroll("e7-10", "Q905", "R710", "毛玉兰", "2027-09-10T15:10:00+08:00", "C-71559", "D-6110", 58, CMBC, [
        ("agent", "您好，请问是毛玉兰女士吗？", []),
        ("debtor", "是我，请问什么事？", []),
        ("agent", "毛女士您好，我是金城公司的段国平，受民生银行委托，跟您说一下信用卡的情况。", []),
        ("debtor", "民生的卡？我一直按时还的啊。", []),
        ("agent", "系统显示您这张卡逾期五十八天，欠款三千九百元，可能是有一期漏掉了。", []),
        ("debtor", "我想起来了，七月份我住院，那个月就没还。", []),
        ("agent", "可以，您在民生银行的手机银行里还，或者到民生的网点柜台还都行。", []),
        ("agent", "一次还不上的话，也可以向民生申请分期。", []),
        ("debtor", "不用分期，我今天就还清。", []),
        ("agent", "好的，谢谢毛女士，祝您身体健康，再见。", [])]),
    enroll("e7-11", "Q906", "R711", "金志远", "2027-09-08T10:05:00+08:00", "L-72551", "D-6111", 76, YONGXIN, [
        ("agent", "您好，请问是金志远先生吗？", []),
        ("debtor", "是我，你哪里？", []),
        ("agent", "金先生您好，我是金城公司的柯永明，受甬信消费金融委托联系您。", []),
        ("debtor", "甬信，我知道，我那个装修贷。", []),
        ("agent", "对，您的装修分期逾期七十六天了，目前一共欠一万零八百元。", []),
        ("debtor", "装修公司跑路了，房子装了一半，我还得还钱，我心里不服。", []),
        ("agent", "装修公司的纠纷，您可以去法院起诉他们，也可以在甬信的应用里提交说明。", []),
        ("agent", "但是借款合同是您和甬信签的，逾期记录还是会按规定报送征信，这个要跟您说明白。", []),
        ("debtor", "好吧，那我先把这两期还上。", []),
        ("agent", "好的，请在甬信的官方应用里还，纠纷的材料我帮您一起报上去。", [])],
        labels_note="stern but truthful: the loan is reported to the credit bureau; dispute with a third party (compliant)"),
    enroll("e7-12", "Q906", "R712", "邢春霞", "2027-09-10T11:35:00+08:00", "C-71667", "D-6112", 49, CITIC, [
        ("agent", "您好，请问是邢春霞女士吗？", []),
        ("debtor", "是的，你是哪里？", []),
        ("agent", "邢女士您好，我是金城公司的柯永明，受中信银行委托联系您。", []),
        ("debtor", "你们会不会打电话给我家里人啊？我不想让我老公知道。", []),
        ("agent", "您放心，我们只跟您本人沟通，不会联系您的家人，也不会联系您的同事。", []),
        ("debtor", "那就好。我欠了多少？", []),
        ("agent", "您的中信卡逾期四十九天，欠款五千六百元。", []),
        ("debtor", "我下周发工资，能还三千。", []),
        ("agent", "好的，下周先还三千，剩下两千六月底前还上，可以吗？", []),
        ("debtor", "可以的。", []),
        ("agent", "请在中信的手机银行里还款。谢谢邢女士，再见。", [])]),
    enroll("e7-13", "Q907", "R713", "齐立军", "2027-09-07T14:20:00+08:00", "L-72663", "D-6113", 101, JINYUE, [
        ("agent", "齐立军，我是金城公司的樊大勇，锦岳花委托我找你。", []),
        ("debtor", "是我，怎么又是你们。", []),
        ("agent", "你在锦岳花借的一万五，逾期一百零一天，一分没还，还好意思问怎么又是我们？", []),
        ("debtor", "我老婆刚生孩子，家里到处都要花钱。", []),
        ("agent", "生孩子就能不还钱了？", []),
        ("debtor", "我没说不还，我是说缓一缓。", []),
        ("agent", "你就是个窝囊废，借钱的时候一个样，还钱的时候又装孙子。", ["ABUSE"]),
        ("debtor", "你说话注意点。", []),
        ("agent", "行，那你说这个月能还多少？", []),
        ("debtor", "一千，最多一千。", []),
        ("agent", "一千就一千，月底前在锦岳花的应用里还，我月底再打给你。", [])],
        labels_note="the collector insults the debtor (窝囊废, 装孙子: ABUSE), not shouted"),
    enroll("e7-14", "Q907", "R714", "庄雅婷", "2027-09-09T09:15:00+08:00", "C-71774", "D-6114", 35, CGB, [
        ("agent", "您好，请问是庄雅婷女士吗？", []),
        ("debtor", "是我，你好。", []),
        ("agent", "庄女士您好，我是金城公司的樊大勇，受广发银行委托给您打电话。", []),
        ("debtor", "广发？我的卡出什么问题了吗？", []),
        ("agent", "您的广发卡有一期账单没还，现在逾期三十五天，欠款两千一百元。", []),
        ("debtor", "啊，我以为我设了自动还款。", []),
        ("agent", "可能是您还款账户里的余额不够，自动扣款没有成功。", []),
        ("debtor", "有可能，那张卡里钱不多。", []),
        ("agent", "您今天在广发的发现精彩应用里手动还一下就可以，以后记得在还款日前留够余额。", []),
        ("debtor", "好的，谢谢提醒。", []),
        ("agent", "不客气，祝您工作顺利，再见。", [])]),
    enroll("e7-15", "Q908", "R715", "伍家豪", "2027-09-08T16:30:00+08:00", "C-71885", "D-6115", 67, CMBC, [
        ("agent", "您好，请问是伍家豪先生吗？", []),
        ("debtor", "是我，什么事？", []),
        ("agent", "伍先生您好，我是金城公司的彭志军，受民生银行委托，联系您信用卡的还款。", []),
        ("debtor", "我正想找你们。我那张卡上有一笔六千块的消费，是商家多扣的，我一直在投诉。", []),
        ("agent", "明白了，那笔消费您有没有向民生银行提交过争议？", []),
        ("debtor", "打过客服电话，说会处理，后来就没消息了。", []),
        ("agent", "我这边帮您再提交一次，把您的情况备注清楚。您的卡目前逾期六十七天，总欠款九千四百元。", []),
        ("agent", "除去有争议的六千，剩下的三千四建议您先还上，免得利息越滚越多。", []),
        ("debtor", "那行，三千四我这周还。", []),
        ("agent", "好的，请在民生银行的官方渠道还，争议的结果出来我再通知您。", [])],
        labels_note="disputed charge sent for checking, undisputed part paid (compliant)"),
    enroll("e7-16", "Q908", "R716", "苗凤英", "2027-09-10T08:10:00+08:00", "L-72776", "D-6116", 84, QINGSONG, [
        ("agent", "喂，您好，是苗凤英阿姨吗？", []),
        ("debtor", "是我，你是谁啊？", []),
        ("agent", "苗阿姨您好，我是金城公司的彭志军，受青松借款委托给您打电话。", []),
        ("debtor", "青松？是我外孙用我的手机借的吧。", []),
        ("agent", "借款是用您的名字借的，八千元，逾期八十四天，一共欠九千二百元。", []),
        ("debtor", "我一个老太太，哪有那么多钱。你们要不上门来拿现金吧。", []),
        ("agent", "阿姨，我们不收现金，也不会上门拿钱，还款只能走青松借款的官方应用。", []),
        ("agent", "如果确实是您外孙借的，您让他跟我们联系，我们一起商量怎么还。", []),
        ("debtor", "好，我让他晚上给你打电话。", []),
        ("agent", "好的，就打这个号码，谢谢阿姨，您注意身体，再见。", [])],
        labels_note="elderly debtor offers cash; the collector refuses cash and visits (compliant)"),
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
    visit("h7-001", ["Q901", "Q902"], dict(agent="Q901", agent2="Q902", debtor="R731"), "童永强",
          "2027-09-13T09:40:00+08:00", "C-71910", "D-6201", 62, CITIC, [
              ("agent", "您好，请问是童永强先生吗？我们是赣川资产的，受中信银行委托来拜访您，我姓万，这是我的工作证。", []),
              ("debtor", "是我，你们进来坐吧。", []),
              ("agent2", "我姓任，这是我的工作证。这是您中信信用卡的账单，您看一下。", []),
              ("debtor", "一万三千五，没错，是我欠的。", []),
              ("agent", "童先生，这张卡逾期六十二天了，我们今天来主要是想跟您商量一个还款的办法。", []),
              ("debtor", "我老婆下岗了，家里就靠我一个人，一下子拿不出来。", []),
              ("agent2", "明白。中信有个性化分期，按您的收入，每个月还一千左右，您看能不能承受？", []),
              ("debtor", "一千的话，咬咬牙可以。", []),
              ("agent", "好的，我们回去帮您提交申请，这份催款通知书请您签收一下，还款请走中信的手机银行。", [])],
          "entirely civil visit, no sound event: cards, bill and notice shown; instalments offered (compliant)",
          noise=0.02),
    visit("h7-002", ["Q904", "Q903"], dict(agent="Q904", agent2="Q903", debtor="R732"), "蒋桂芝",
          "2027-09-13T14:30:00+08:00", "L-72920", "D-6202", 97, QINGSONG, [
              ("agent", "蒋桂芝女士吗？我们是赣川资产的，受青松借款委托，我姓龙，这是我的工作证。", []),
              ("agent2", "我姓贺，这是您在青松的借款合同和还款明细。", []),
              ("debtor", "合同我看过了。可是我借的时候说好的利息没这么高，后来每个月多出来好几百，"
                         "我打了好多次客服电话都说不清楚，我才不还的。", []),
              ("agent", "利息是合同上写明的，您签字的时候应该看过。", C, over(1.6)),
              ("debtor", "我哪看得懂那么多字，业务员当时跟我说一个月才两百多，现在变成五百多，"
                         "这不是骗人是什么，我要去告他们。", []),
              ("agent", "您要投诉可以，但是逾期九十七天，一万一千四百元是实实在在的。", C, over(1.8)),
              ("debtor", "那你说怎么办？", []),
              ("agent2", "蒋女士，利息的疑问我们帮您提交给青松核实，这份催款通知书请您先签收。", []),
              ("debtor", "好吧，我签。", [])],
          "cards, contract and notice shown; the first collector (Q904) talks over the debtor twice (1.6 s and "
          "1.8 s requested): repeated talk-over, CONDUCT x2; words compliant", noise=0.022),
    visit("h7-003", ["Q905", "Q906", "Q907"], dict(agent="Q905", agent2="Q906", third="Q907", debtor="R733"), "沈德富",
          "2027-09-14T10:15:00+08:00", "C-72031", "D-6203", 110, CMBC, [
              ("agent", "沈德富先生吗？我们三个是金城公司的，受民生银行委托，我姓段，这是我们的工作证。", []),
              ("debtor", "是我。你们三个人一起来，这是要干什么？", []),
              ("third", "沈先生别紧张，我姓樊，这是您民生信用卡的账单，欠款三万六千元，逾期一百一十天。", []),
              ("debtor", "我知道欠钱，可我生意垮了，现在真拿不出来。", []),
              ("agent2", "拿不出来？那我们就去你儿子的学校，找他班主任和同学家长，让大家都知道你欠钱不还。", ["THREAT_THIRD_PARTY"]),
              ("debtor", "你们敢去学校闹，我就报警。", []),
              ("agent", "沈先生，他说的不算，我们绝对不会去学校，也不会找您的孩子。", []),
              ("agent", "您看每个月最少能拿出多少？", []),
              ("debtor", "两千吧，再多就吃不上饭了。", []),
              ("third", "好，我们回去帮您报分期，这份催款通知书您签收一下。", [])],
          "three collectors, all speak; cards and bill shown; the SECOND collector (Q906), calmly, threatens to "
          "go to the son's school, teacher and parents (THREAT_THIRD_PARTY); the first disowns it; no sound event",
          roles=VISIT3, noise=0.023),
    visit("h7-004", ["Q902", "Q901"], dict(agent="Q902", agent2="W973", debtor="R734"), "焦淑珍",
          "2027-09-15T15:20:00+08:00", "L-73042", "D-6204", 79, YONGXIN, [
              ("agent", "焦淑珍女士吗？我们是赣川资产的，受甬信消费金融委托，我姓任，这是我的工作证。", []),
              ("agent2", "我姓钟，今天跟任姐一起过来看看。", []),
              ("debtor", "甬信的事我知道，我那个分期一直在还，就是最近断了两个月。", []),
              ("agent", "是的，这是您的分期合同和账单，逾期七十九天，欠款六千二百元。", []),
              ("debtor", "我在医院陪护我爸，请了两个月的假，没有收入。", []),
              ("agent2", "老人身体要紧，您先照顾好家里。", []),
              ("agent", "焦女士，甬信可以给您申请延期三个月，需要医院开的陪护证明。", []),
              ("debtor", "证明我有，我下礼拜拿给你们。", []),
              ("agent", "好的，这份催款通知书请您签收，还款只走甬信的官方应用。", [])],
          "the log lists Q902;Q901 but Q901 (万秀娟) is not there: the second person is an unregistered man (voice "
          "W973, says he is 钟) in her slot, so only one registered collector made the visit (VISIT_STAFFING); "
          "his words are polite; card, contract and notice shown by Q902; no sound event",
          call_labels=["VISIT_STAFFING"], noise=0.024),
    visit("h7-005", ["Q906", "Q908", "Q905"], dict(agent="Q906", agent2="Q908", debtor="R735"), "戚建新",
          "2027-09-16T10:50:00+08:00", "L-73153", "D-6205", 68, JINYUE, [
              ("agent", "戚建新先生吗？我们是金城公司的，受锦岳花委托，我姓柯，这是我们的工作证。", []),
              ("agent2", "我姓彭，这是您在锦岳花的借款合同和账单，欠款九千七百元，逾期六十八天。", []),
              ("debtor", "我知道，我跟你们说过了，下个月再说。", []),
              ("agent2", "下个月，下个月，你上个月也是这么说的！", C, SHOUT),
              ("debtor", "你喊什么，我又没跑。", []),
              ("agent", "戚先生，您别生气，我们就是想定个具体的日子。", []),
              ("debtor", "二十五号发工资，我先还三千。", []),
              ("agent", "好的，二十五号三千，请在锦岳花的应用里还，这份催款通知书请您签收。", []),
              ("debtor", "行。", [])],
          "the log lists three collectors Q906;Q908;Q905 but Q905 (段国平) is never heard: two registered collectors "
          "speak (no VISIT_STAFFING); the second collector (Q908) SHOUTS once (CONDUCT raised_voice); words "
          "compliant; cards, contract, notice", noise=0.021),
    visit("h7-006", ["Q903", "Q901"], dict(agent="Q903", agent2="Q901", debtor="R736"), "祝慧兰",
          "2027-09-17T14:10:00+08:00", "C-72264", "D-6206", 53, CGB, [
              ("agent", "祝女士您好，我们是赣川资产的，受广发银行委托，我姓贺，这是工作证。", []),
              ("agent2", "我姓万，这是您广发卡的账单，欠款四千八百元，逾期五十三天。", []),
              ("debtor", "不对吧，我上礼拜还过两千，我去找回单。", []),
              ("debtor", "找到了，你们看，两千块。", [], HOLD),
              ("agent", "看到了，我们回去查一下，剩下的是两千八百元。", []),
              ("agent2", "逾期记录会按规定报送征信，早点还清对您有好处。", []),
              ("agent", "这份催款通知书请您签收，还款走广发的官方渠道。", [])],
          "compliant: 15 s of dead air while the debtor fetches her receipt (metric only); truthful 征信 line; "
          "cards, bill and notice", noise=0.019),
    visit("h7-007", ["Q907", "Q908"], dict(agent="Q907", agent2="Q908", debtor="R737"), "郭长生",
          "2027-09-20T09:30:00+08:00", "L-73375", "D-6207", 24, QINGSONG, [
              ("agent", "郭长生先生吗？我们是金城公司的，受青松借款委托，我姓樊，这是我的工作证。", []),
              ("agent2", "我姓彭，这是我的工作证。这是您在青松的借款合同和这一期的账单。", []),
              ("debtor", "我这一期才晚了二十来天，你们就上门了？", []),
              ("agent", "是的，逾期二十四天，这一期是一千六百元，电话一直没联系上您。", []),
              ("debtor", "我上个月换了工作，手机号也换了。", []),
              ("agent2", "那麻烦您在青松的应用里更新一下手机号，以后就能收到提醒。", []),
              ("debtor", "好，这一期我今天晚上就还。", []),
              ("agent", "好的，请在青松借款的应用里还，这份通知书请您签收一下。", []),
              ("debtor", "好的，辛苦你们跑一趟。", [])],
          "visit at 24 days past due (VISIT_ELIGIBILITY); otherwise civil, cards, contract, notice; no sound event",
          call_labels=["VISIT_ELIGIBILITY"], noise=0.022),
    visit("h7-008", ["Q901", "Q904"], dict(agent="Q901", agent2="Q904", debtor="R738"), "柴玉梅",
          "2027-09-21T10:20:00+08:00", "C-72486", "D-6208", 131, CMBC, [
              ("agent", "柴玉梅女士吗？我们是赣川资产的，受民生银行委托，我姓万，这是工作证。", []),
              ("agent2", "我姓龙，这是您民生卡的账单，欠款五万一千元，逾期一百三十一天。", []),
              ("debtor", "我现在一个月就两千块退休金，哪有五万块。", []),
              ("agent2", "我跟你说，法院已经立案了，下个礼拜执行局就来查封你这套房子。", ["FALSE_AUTHORITY"]),
              ("debtor", "什么？我怎么没收到法院的任何东西？", []),
              ("agent", "柴阿姨，对不起，他说得不对，现在没有立案，也没有人会来查封房子。", []),
              ("agent", "民生银行可以根据您的情况协商分期，我们回去帮您申请。", []),
              ("debtor", "那每个月还多少？", []),
              ("agent", "等方案出来我们电话告诉您，这份催款通知书请您先签收。", [])],
          "the SECOND collector (Q904) invents a filed court case and a seizure of the flat by the enforcement "
          "bureau (FALSE_AUTHORITY); the first (Q901) corrects him; cards, bill, notice; no sound event",
          noise=0.025),
    visit("h7-009", ["Q905", "Q907"], dict(agent="Q905", agent2="Q907", debtor="R739"), "翁海峰",
          "2027-09-22T15:45:00+08:00", "L-73597", "D-6209", 86, YONGXIN, [
              ("agent", "翁先生是吧？我们是金城公司的，受甬信消费金融委托，我姓段，过来跟您说说借款的事。", []),
              ("debtor", "你们有工作证吗？我欠甬信多少钱，有没有合同或者账单给我看看？", []),
              ("agent2", "工作证今天没带，合同和账单也没打印出来，我这边记的是一万四千多。", []),
              ("debtor", "什么都没带就上门？我怎么知道你们是不是骗子。", []),
              ("agent", "您要是不放心，可以打甬信的客服电话问一下，我们确实是受委托来的。", []),
              ("agent2", "逾期八十六天了，您看这个月能先还一部分吗？", []),
              ("debtor", "等我问清楚了再说，你们先回去吧。", []),
              ("agent", "好的，那我们改天把材料带齐再来。", [])],
          "no work card or ID, no contract, bill or notice although the debtor asks (VISIT_PROCEDURE); words calm "
          "and compliant; no sound event", call_labels=["VISIT_PROCEDURE"], noise=0.02),
    visit("h7-010", ["Q908", "Q906"], dict(agent="Q908", agent2="Q906", debtor="R740"), "甘小燕",
          "2027-09-22T10:05:00+08:00", "L-73608", "D-6210", 73, JINYUE, [
              ("agent", "甘小燕女士吗？我们是金城公司的，受锦岳花委托，我姓彭，这是我们两个的工作证。", []),
              ("agent2", "我姓柯，这是您锦岳花的借款合同和账单，欠款七千五百元，逾期七十三天。", []),
              ("debtor", "我跟你们说实话，我男朋友用我的名字借的这笔钱，人现在联系不上了，"
                         "我也是受害者，我已经在锦岳花的客服那里登记过了。", []),
              ("agent2", "借款人是您，合同上签的是您的名字。", C, over(1.7)),
              ("debtor", "名字是他拿我手机签的，我当时根本不知道，我还要去派出所报案，"
                         "你们不能什么都不问就让我还。", []),
              ("agent", "报不报案是您的事，今天您先拿两千块现金给我们，我们帮您交上去。", ["CASH_OR_CARD_REQUEST", "CONDUCT"],
               over(1.5)),
              ("debtor", "现金我不会给你们的，我要自己问锦岳花。", []),
              ("agent2", "那好，这份催款通知书您签收一下。", [])],
          "cards, contract and bill shown; each collector talks over the debtor once (Q906 1.7 s, Q908 1.5 s "
          "requested): on a visit they count together, CONDUCT x2; the first collector's talk-over asks for "
          "2,000 in cash (CASH_OR_CARD_REQUEST)", noise=0.023),
    visit("h7-011", ["Q903", "Q902"], dict(agent="Q903", agent2="Q902", relative="R741"), "滕志勇",
          "2027-09-23T16:00:00+08:00", "C-72719", "D-6211", 90, CITIC, [
              ("agent", "您好，我们是赣川资产的，我姓贺，这是我的工作证。请问滕志勇先生在家吗？", []),
              ("relative", "我是他爸爸，他去深圳打工了，过年才回来。", []),
              ("agent2", "我姓任，这是我的工作证。大爷，我们有点事情想跟他本人联系。", []),
              ("relative", "他是不是在外面欠钱了？你们跟我说，我帮他想办法。", []),
              ("agent", "大爷，具体的事情我们只能跟他本人说，跟您没有关系，您也不用替他还什么。", []),
              ("relative", "那我给他打电话，让他找你们。", []),
              ("agent2", "好的，这封信麻烦您交给他，信封是封好的，上面有我们的电话。", []),
              ("relative", "好，我放他屋里。", []),
              ("agent", "谢谢大爷，打扰您了，我们先走了。", [])],
          "entirely civil visit, no sound event: the debtor's father answers; cards shown, nothing disclosed, "
          "only a sealed letter left (compliant)",
          roles=dict(agent="agent", agent2="agent", relative="relative"), contact_role="relative", noise=0.021),
    visit("h7-012", ["Q904", "Q901"], dict(agent="Q904", agent2="Q901", debtor="R742"), "卓慧敏",
          "2027-09-24T11:15:00+08:00", "C-72820", "D-6212", 104, CGB, [
              ("agent", "卓慧敏女士吗？我们是赣川资产的，受广发银行委托，我姓龙，这是工作证。", []),
              ("agent2", "我姓万，这是您广发卡的账单和催款通知书，欠款两万三千元，逾期一百零四天。", []),
              ("debtor", "我不是说了吗，等我把房子租出去就还。", []),
              ("agent", "房子房子，三个月前你就是这么说的，到现在一分钱都没见着！", C, SHOUT),
              ("debtor", "租不出去我有什么办法。", []),
              ("agent", "你这个老赖，脸皮比城墙还厚！", ["ABUSE", "CONDUCT"], SHOUT),
              ("debtor", "你怎么骂人呢？我要投诉你。", []),
              ("agent2", "卓女士，实在对不起，他态度不好，我替他向您道歉。", []),
              ("agent2", "您看这个月先还两千，剩下的我们帮您申请分期，行吗？", []),
              ("debtor", "两千可以，其他的等你们方案出来。", [])],
          "cards, bill and notice shown; the FIRST collector (Q904) SHOUTS twice (CONDUCT x2), the second shout "
          "insults the debtor (老赖, 脸皮比城墙还厚: ABUSE); the second collector apologises", noise=0.026),
]


def desk(voice, name, team, agency):
    return dict(agent_id=voice, agent_name=name, team=team, agency=agency)


def call(call_id, voice, other_voice, debtor_name, fmt, started_at, case_id, debtor_id, dpd, creditor, who,
         turns, notes, contact_role="debtor", second=None, call_labels=(), talk_seconds=None):
    """A mono telephone call; `second` is an enrolled collector (voice id) who takes the phone as agent2."""
    other = "relative" if contact_role == "relative" else "debtor"
    roles = dict(agent="agent", **{other: other})
    voices = {"agent": voice, other: other_voice}
    meta = dict(started_at=started_at, case_id=case_id, debtor_id=debtor_id, debtor_name=debtor_name,
                contact_role=contact_role, days_past_due=dpd, **who, **creditor)
    if talk_seconds:
        meta["talk_seconds"] = talk_seconds
    if second:
        roles["agent2"] = "agent"
        voices["agent2"] = second
        meta["visit_staff"] = f"{voice};{second}"
    sc = dict(call_id=call_id, kind="call", channels="mono", format=fmt, roles=roles, voices=voices, notes=notes,
              meta=meta, turns=turns)
    if call_labels:
        sc["call_labels"] = list(call_labels)
    return sc


CALLS = [
    call("c7-001", "K701", "R751", "文卫国", "mp3", "2027-09-06T21:40:00+08:00", "C-73101", "D-6301", 40, CITIC,
         desk("K701", "潘国华", "信用卡催收一组", "中信银行信用卡中心"), [
             ("agent", "您好，请问是文卫国先生吗？我是中信银行信用卡中心的，姓潘，工号七零一。", []),
             ("debtor", "是我，这么晚了什么事？", []),
             ("agent", "不好意思这个时间打扰您，白天几次都没打通。您的中信卡逾期四十天，欠款三千六百元。", []),
             ("debtor", "我白天在车间，手机不让带进去。", []),
             ("agent", "明白了。那您看什么时候方便还款？", []),
             ("debtor", "这个礼拜六吧，我休息，可以去银行。", []),
             ("agent", "好的，礼拜六您可以去中信的网点，也可以直接在手机银行里还。", []),
             ("agent", "以后如果白天不方便接电话，您也可以在中信的应用里留言，我们按您方便的时间联系。", []),
             ("debtor", "好的，谢谢。", []),
             ("agent", "不客气，打扰您休息了，再见。", [])],
         "calm compliant control at 21:40 (before 22:00: not CONTACT_HOURS)"),
    call("c7-002", "K702", "R752", "尹秋菊", "m4a", "2027-09-07T11:20:00+08:00", "C-73212", "D-6302", 81, CGB,
         desk("K702", "宋佳琪", "电催组", GANCHUAN), [
             ("agent", "喂，您好，是尹秋菊女士吗？我是赣川资产的宋佳琪，受广发银行委托联系您。", []),
             ("debtor", "是我。我不是跟你们说了吗，我要跟你们外访的人当面谈。", []),
             ("agent", "好的，我们外访组的同事正好在，我请她跟您说。", []),
             ("agent2", "尹女士您好，我是赣川资产外访组的贺婷婷。", []),
             ("debtor", "贺小姐，我这张广发卡欠了多少，能不能少还一点？", []),
             ("agent2", "您逾期八十一天，欠款一万九千元。想减免也可以，您先交五百块停催费，"
                        "转到我的私人微信上，我帮您去跟银行说。", ["CASH_OR_CARD_REQUEST"]),
             ("debtor", "停催费？我从来没听说过还要交这个钱。", []),
             ("agent2", "您考虑一下吧，交了我就帮您办。", []),
             ("debtor", "我还是自己打广发的客服问问。", [])],
         "mono; the desk collector (K702) hands the phone to an enrolled field collector (Q903, 贺婷婷: "
         "visit_staff K702;Q903) who asks for a 500 'collection-stop fee' to her personal WeChat "
         "(CASH_OR_CARD_REQUEST)", second="Q903"),
    call("c7-003", "K703", "R753", "管宏亮", "mp3", "2027-09-08T10:10:00+08:00", "L-73323", "D-6303", 66, QINGSONG,
         desk("K703", "罗晓敏", "网贷催收组", LANTING), [
             ("agent", "喂，管宏亮吗？我是兰亭公司的罗晓敏，受青松借款委托找你。", []),
             ("debtor", "是我。我跟你说，我上个月在青松上已经还了一期，可是系统一直显示没到账，"
                        "我找客服找了好几次，每次都说正在处理。", []),
             ("agent", "到没到账我这边看得清清楚楚，就是没有。", C, over(1.6)),
             ("debtor", "你们系统有问题，凭什么算到我头上？我的银行卡明明扣了钱，我有截图，"
                        "你让我怎么相信你们。", []),
             ("agent", "今天不还，我就把你欠钱的事发给你通讯录里的每一个人。", ["THREAT_THIRD_PARTY", "CONDUCT"], over(1.8)),
             ("debtor", "你敢！我马上去投诉你们。", []),
             ("agent", "那你把扣款截图发到青松的客服，逾期六十六天的四千二百元总得有个说法。", []),
             ("debtor", "我下午就发。", [])],
         "the collector talks over the debtor twice (1.6 s, 1.8 s requested): CONDUCT x2; the second talk-over "
         "threatens to message everyone in the debtor's contacts (THREAT_THIRD_PARTY)"),
    call("c7-004", "K704", "R754", "费晓琳", "mp3", "2027-09-09T22:20:00+08:00", "C-73434", "D-6304", 47, CGB,
         desk("K704", "丁丽华", "信用卡催收二组", "广发银行信用卡中心"), [
             ("agent", "您好，请问是费晓琳女士吗？我是广发银行信用卡中心的，姓丁。", []),
             ("debtor", "是我，都十点多了，什么事啊？", []),
             ("agent", "您的广发卡逾期四十七天，欠款五千一百元，提醒您尽快处理。", []),
             ("debtor", "我孩子刚睡着，你们能不能白天打？", []),
             ("agent", "好的，不好意思。您看这个月什么时候能还？", []),
             ("debtor", "十五号吧，发了工资就还。", []),
             ("agent", "好的，十五号请在广发的官方应用里还款，一共五千一百元，也可以先还最低还款。", []),
             ("debtor", "最低还款是多少？", []),
             ("agent", "最低还款是五百一十元，不过只还最低的话，剩下的部分会继续计息。", []),
             ("debtor", "知道了，到时候我全还了，挂了。", [])],
         "a call at 22:20 local time (CONTACT_HOURS); words polite and compliant", call_labels=["CONTACT_HOURS"]),
    call("c7-005", "K705", "R755", "申建军", "mp3", "2027-09-10T14:35:00+08:00", "L-73545", "D-6305", 92, YONGXIN,
         desk("K705", "曹文斌", "委外一组", LANTING), [
             ("agent", "申建军是吧？我是催收的，姓曹。", []),
             ("debtor", "催收？你是哪个公司的？替谁催？", []),
             ("agent", "你欠了谁的钱自己心里没数吗？逾期九十二天，一万零五百元。", []),
             ("debtor", "我借过好几个平台，你不说清楚我怎么知道是哪个。", []),
             ("agent", "别跟我装糊涂，今天必须给我一个还款时间！", C, SHOUT),
             ("debtor", "你不说是哪家，我一分钱也不会给你。", []),
             ("agent", "那你就在你借过的应用里都看看，哪个逾期了就还哪个。", []),
             ("debtor", "我先查一查再说。", []),
             ("debtor", "你这种打电话连公司都不报的，我看就是骗子。", []),
             ("agent", "骗子？你欠钱不还还有理了，查完了今天给我回电话。", [])],
         "the collector never names the creditor or his agency, even when asked (MISSING_IDENTIFICATION); he "
         "SHOUTS once (CONDUCT raised_voice)", call_labels=["MISSING_IDENTIFICATION"]),
    call("c7-006", "K706", "R756", "纪春兰", "m4a", "2027-09-14T16:05:00+08:00", "L-73656", "D-6306", 58, JINYUE,
         desk("K706", "夏春燕", "委外二组", LANTING), [
             ("agent", "喂，您好，请问是纪春兰的电话吗？", []),
             ("relative", "这是我妈的手机，她在厨房做饭，我是她儿子。", []),
             ("agent", "你好，我是兰亭公司的，姓夏，受锦岳花委托找你妈妈。", []),
             ("relative", "锦岳花是什么？找我妈干什么？", []),
             ("agent", "你妈在锦岳花借了六千八，逾期五十八天了，你当儿子的先替她把钱还上吧。", ["THIRD_PARTY_DISCLOSURE"]),
             ("relative", "我妈借网贷？我一点都不知道。", []),
             ("agent", "你不知道也正常，这种事她一般不会跟家里说。", []),
             ("relative", "那这个钱到底是多少？利息算进去了吗？", []),
             ("agent", "具体的让她自己在应用里看吧。那你让她吃完饭给我回个电话。", []),
             ("relative", "行，我跟她说。", []),
             ("agent", "好的，谢谢你，再见。", [])],
         "the debtor's son answers; the collector, calmly, tells him the lender, amount and days overdue and "
         "asks him to pay (THIRD_PARTY_DISCLOSURE)", contact_role="relative"),
    call("c7-007", "K707", "R757", "倪俊杰", "mp3", "2027-09-15T10:40:00+08:00", "C-73767", "D-6307", 124, CMBC,
         desk("K707", "田小园", "电催组", JINCHENG), [
             ("agent", "您好，请问是倪俊杰先生吗？我是金城公司的田小园，受民生银行委托联系您。", []),
             ("debtor", "是我，我说过了，没钱。", []),
             ("agent", "您的民生卡逾期一百二十四天，欠款四万四千元，这样拖着对您没有好处。", []),
             ("debtor", "你们爱怎么样就怎么样吧。", []),
             ("agent", "您稍等，我请我们主管跟您说。", []),
             ("agent2", "倪俊杰，我是金城公司的樊大勇。", []),
             ("agent2", "你家住哪儿我们清清楚楚，再不还钱，小心你的两条腿！", ["THREAT_VIOLENCE", "CONDUCT"], SHOUT),
             ("debtor", "你这是威胁，我要报警。", []),
             ("agent", "倪先生，您先冷静，我们还是谈一下还款的方案。", []),
             ("debtor", "没什么好谈的。", [])],
         "mono; the desk collector (K707) hands the phone to her supervisor, an enrolled field collector (Q907, "
         "樊大勇: visit_staff K707;Q907) who SHOUTS a threat of violence (THREAT_VIOLENCE, CONDUCT raised_voice)",
         second="Q907"),
    call("c7-008", "K708", "R758", "霍玉芳", "mp3", "2027-09-16T17:30:00+08:00", "L-73878", "D-6308", 51, YONGXIN,
         desk("K708", "邓海涛", "网贷催收组", LANTING), [
             ("agent", "您好，是霍玉芳女士吗？我是兰亭公司的邓海涛，受甬信消费金融委托联系您。", []),
             ("debtor", "你们今天打了多少个电话了？我在上班，一直在开会，手机一直在响，"
                        "同事都在看我，你们这样我工作还要不要了。", []),
             ("agent", "不好意思，一直没联系上您，所以多打了几次。", [], over(1.5)),
             ("debtor", "那你快说吧，什么事。", []),
             ("agent", "您在甬信的分期逾期五十一天，这一期应还一千一百元。", []),
             ("debtor", "我这个礼拜五还。", []),
             ("agent", "好的，礼拜五请在甬信的应用里还，我们这边就不再打扰您了。", [])],
         "the seventh dial attempt to this debtor on this day (six unanswered attempts in the dialer log before it: "
         "CONTACT_FREQUENCY); one single collector talk-over (1.5 s requested), not a CONDUCT finding; words "
         "compliant", call_labels=["CONTACT_FREQUENCY"]),
    call("c7-009", "K709", "R759", "欧阳明", "m4a", "2027-09-17T09:55:00+08:00", "C-73989", "D-6309", 77, CMBC,
         desk("K709", "杨俊峰", "信用卡催收三组", "民生银行信用卡中心"), [
             ("agent", "欧阳明先生吗？我是民生银行信用卡中心的，姓杨。", []),
             ("debtor", "是我，什么事？", []),
             ("agent", "您的民生卡逾期七十七天，欠款一万七千元，之前答应的还款一直没到。", []),
             ("debtor", "我在等一笔货款，到了就还。", []),
             ("agent", "我们已经申请冻结你名下所有的银行卡，货款到了你也取不出来。", ["FALSE_AUTHORITY"]),
             ("debtor", "冻结？你们有这个权力吗？", []),
             ("agent", "你要是今天还了，我们就撤回申请。", [])],
         "the collector invents a freeze of all the debtor's bank accounts (FALSE_AUTHORITY); the recording stops "
         "mid-call: the dialer logs 171 s of talk time (RECORDING_INTEGRITY)",
         call_labels=["RECORDING_INTEGRITY"], talk_seconds=171),
    call("c7-010", "K710", "R760", "史志宏", "mp3", "2027-09-20T16:25:00+08:00", "C-74090", "D-6310", 59, CITIC,
         desk("K710", "魏长林", "电催二组", JINCHENG), [
             ("agent", "您好，请问是史志宏先生吗？我是金城公司的魏长林，受中信银行委托联系您。", []),
             ("debtor", "是我，我申请的延期批了没有？", []),
             ("agent", "我请外访组的同事跟您说。", []),
             ("agent2", "史先生您好，我是段国平，您稍等，我查一下。", []),
             ("agent2", "让您久等了，中信已经批了，延期两个月，十一月二十号开始还。", [], HOLD),
             ("debtor", "每个月还多少？", []),
             ("agent2", "欠款一共八千四百元，分六期，每期一千四百元，在中信的手机银行里还。", [])],
         "mono; the desk collector (K710) hands the phone to an enrolled field collector (Q905, 段国平: "
         "visit_staff K710;Q905) who puts the debtor on a 15 s hold (dead air, metric only); compliant; the sixth "
         "attempt to this debtor on this day (five unanswered before it: not CONTACT_FREQUENCY)", second="Q905"),
]

SCENARIOS = ENROLLMENT + VISITS + CALLS


def _dial(debtor_id, case_id, day, times, who, creditor, dpd, debtor_name):
    return [dict(call_id=f"dial-{debtor_id[2:]}-{i}", kind="call", started_at=f"{day}T{t}+08:00", case_id=case_id,
                 debtor_id=debtor_id, contact_role="debtor", days_past_due=dpd, channel_layout="",
                 debtor_name=debtor_name, **who, **creditor)
            for i, t in enumerate(times, 1)]


# dialer log rows without a recording (unanswered attempts): six before c7-008 on its day (c7-008 is the
# seventh: CONTACT_FREQUENCY), five before c7-010 on its day (c7-010 is the sixth: allowed).
DIAL_RECORDS = (
    _dial("D-6308", "L-73878", "2027-09-16", ["09:05:00", "10:20:00", "11:35:00", "13:10:00", "14:40:00", "16:05:00"],
          desk("K708", "邓海涛", "网贷催收组", LANTING), YONGXIN, 51, "霍玉芳")
    + _dial("D-6310", "C-74090", "2027-09-20", ["09:15:00", "10:45:00", "13:30:00", "14:50:00", "15:40:00"],
            desk("K710", "魏长林", "电催二组", JINCHENG), CITIC, 59, "史志宏")
)
