"""Conduct test set 3 (frozen, blind): shouts, talk-overs of 1 s or more, dead air, and clean controls.

Synthetic, written blind (the author did not read the product's code). Same format as
shared/tools/callsynth/scenarios_dev.py; turn effects (callsynth):
  {"shout": True}      +12 dB, soft-clipped, higher and a little faster
  {"overlap": 1.4}     starts 1.4 s before the previous turn ends (talking over the person)
  {"pause": 15}        15 s of silence before the turn (dead air: a hold, someone looking for papers)
The words are polite and lawful, every contact names the institution, every visit has two
collectors who show work cards and a bill, more than 30 days past due, daytime: CONDUCT is the
only finding, and it is judged from the sound.

A collector turn is labelled CONDUCT when it is shouted (raised_voice), or when it starts 1 s or
more before the debtor's turn ends (talking over) and the contact has at least two such collector
turns (overtalk). No finding: a single talk-over in a contact, a debtor who shouts, a debtor who
talks over the collector, and 15 s of dead air. ``mark_truth3.py`` checks the labels against this
rule and writes the per-turn fields into truth/.
"""

CIB = dict(agency="兴业银行信用卡中心", creditor="兴业银行股份有限公司", product="credit_card")  # 兴业信用卡
CIB_OUT = dict(agency="广州瑞丰资产管理有限公司", creditor="兴业银行股份有限公司", product="credit_card")  # 瑞丰资产
RONGXIN = dict(agency="武汉安达商务咨询有限公司", creditor="北京融信网络小额贷款有限公司",
               product="online_loan")  # 安达, 受融信小贷委托
CALL = dict(agent="agent", debtor="debtor")
VISIT2 = dict(agent="agent", agent2="agent", debtor="debtor")

C = ["CONDUCT"]
SHOUT = {"shout": True}
HOLD = {"pause": 15}


def over(seconds: float) -> dict:
    return {"overlap": seconds}



SCENARIOS = [
    # ---- stereo calls (collector on the left channel) -------------------------------------------
    dict(call_id="kc-001", kind="call", channels="stereo", format="m4a", roles=CALL,
         voices=dict(agent="A712", debtor="R901"),
         notes="collector shouts twice (middle and near the end); otherwise calm",
         meta=dict(started_at="2027-05-10T09:40:00+08:00", agent_id="A712", agent_name="柯晓琳", team="信用卡四组",
                   case_id="C-91201", debtor_id="D-8101", contact_role="debtor", days_past_due=74, **CIB),
         turns=[("agent", "您好，请问是苗建新先生吗？我是兴业信用卡中心的，工号七一二。", []),
                ("debtor", "是我，有事吗？", []),
                ("agent", "您的信用卡逾期七十四天了，欠款一万零八百，今天想跟您约个还款时间。", []),
                ("debtor", "上次不是说了吗，等我那笔货款回来。", []),
                ("agent", "上次您说的是十号，今天都十号了，钱呢！", C, SHOUT),
                ("debtor", "客户那边又往后拖了，我有什么办法。", []),
                ("agent", "那您看这个月能先还多少？", []),
                ("debtor", "两千吧，多了真没有。", []),
                ("agent", "每次都是两千两千，这样拖下去什么时候是个头！", C, SHOUT),
                ("debtor", "我知道了，我尽量多凑一点。", []),
                ("agent", "好的，请在兴业的官方应用或者柜台还款。", [])]),
    dict(call_id="kc-002", kind="call", channels="stereo", format="m4a", roles=CALL,
         voices=dict(agent="A718", debtor="R905"),
         notes="collector talks over the debtor three times (1.4 s, 1.6 s, 1.4 s); the debtor goes to find "
               "a receipt: 15 s of dead air before her next turn (no finding)",
         meta=dict(started_at="2027-05-10T14:15:00+08:00", agent_id="A718", agent_name="晏涛", team="网贷五组",
                   case_id="L-91202", debtor_id="D-8102", contact_role="debtor", days_past_due=52, **RONGXIN),
         turns=[("agent", "喂，您好，是施玉兰女士吗？我是安达公司的，受融信小贷委托跟您联系。", []),
                ("debtor", "是我。我记得我上个月月底已经还过一笔了，你们那边是不是没有入账啊，我有截图的。", []),
                ("agent", "系统里只看到一千五，还差三千二没还。", C, over(1.4)),
                ("debtor", "不对吧，我还的是两千，你等一下，我去把那张转账截图找出来给你看看。", []),
                ("debtor", "找到了，上个月二十八号，两千块，转到融信的还款账户上的。", [], HOLD),
                ("agent", "那可能是还在处理中，我帮您提交核实。", C, over(1.6)),
                ("debtor", "好的，那剩下的钱我是按三千二还，还是按两千七还呢，你给我一个准数吧。", []),
                ("agent", "核实清楚之前先按两千七准备就行。", C, over(1.4)),
                ("debtor", "行，那我等你们消息。", [])]),
    dict(call_id="kc-003", kind="call", channels="stereo", format="m4a", roles=CALL,
         voices=dict(agent="A723", debtor="R909"),
         notes="clean control: the collector puts the debtor on hold (15 s of dead air); the debtor shouts "
               "once and talks over the collector once; the collector is calm and never talks over",
         meta=dict(started_at="2027-05-11T10:30:00+08:00", agent_id="A723", agent_name="骆红梅", team="信用卡四组",
                   case_id="C-91203", debtor_id="D-8103", contact_role="debtor", days_past_due=41, **CIB),
         turns=[("agent", "您好，是钟海军先生吗？我是兴业信用卡中心的工作人员，姓骆。", []),
                ("debtor", "又是你们！一天打好几遍，烦不烦啊！", [], SHOUT),
                ("agent", "非常抱歉打扰您。您的账单逾期四十一天，想跟您确认一下还款计划。", []),
                ("debtor", "我不是申请过分期吗？", [], over(1.2)),
                ("agent", "好的，您稍等，我帮您查一下分期的申请记录。", []),
                ("agent", "让您久等了，记录查到了，分期还在审核，大概三个工作日出结果。", [], HOLD),
                ("debtor", "那审核期间还要还吗？", []),
                ("agent", "审核期间先不用还，结果出来会有短信通知您。", []),
                ("debtor", "好，知道了。", [])]),
    dict(call_id="kc-004", kind="call", channels="stereo", format="m4a", roles=CALL,
         voices=dict(agent="A729", debtor="R913"),
         notes="one talk-over only (1.3 s: not a finding on its own) and one shout (a finding)",
         meta=dict(started_at="2027-05-11T16:05:00+08:00", agent_id="A729", agent_name="杜志勇", team="网贷五组",
                   case_id="L-91204", debtor_id="D-8104", contact_role="debtor", days_past_due=88, **RONGXIN),
         turns=[("agent", "喂，是岳志平吗？我是安达商务咨询的，受融信小贷委托联系你。", []),
                ("debtor", "是我。我跟你们的同事说过好几次了，我现在在医院陪我爸做手术，真的顾不上这个事情。", []),
                ("agent", "理解您家里的情况，我们可以先把时间往后约。", [], over(1.3)),
                ("debtor", "那你们就别天天打了。", []),
                ("agent", "您的借款八十八天没有动静，我们必须联系您！", C, SHOUT),
                ("debtor", "我爸出院以后，我第一时间就还。", []),
                ("agent", "好的，那我们下周三再跟您确认。", [])]),

    # ---- mono calls (8 kHz telephone mix) ---------------------------------------------------------
    dict(call_id="km-001", kind="call", channels="mono", format="mp3", roles=CALL,
         voices=dict(agent="B806", debtor="R917"),
         notes="collector talks over the debtor twice (1.4 s, 1.4 s) and shouts once",
         meta=dict(started_at="2027-05-12T09:20:00+08:00", agent_id="B806", agent_name="章丽", team="网贷六组",
                   case_id="L-91205", debtor_id="D-8105", contact_role="debtor", days_past_due=63, **RONGXIN),
         turns=[("agent", "喂，是贾文斌吗？安达公司的，受融信小贷委托，联系你处理一下借款。", []),
                ("debtor", "我知道，我最近跑滴滴，一天也就挣两三百，除去油钱和房租，真剩不下几个钱了。", []),
                ("agent", "那也得每个月拿出一部分来还。", C, over(1.4)),
                ("debtor", "我这不是没说不还嘛，你们别老催，催得我晚上都睡不着觉，开车都没精神。", []),
                ("agent", "不催的话，您这笔钱就一直这么挂着。", C, over(1.4)),
                ("debtor", "那你说一个月还多少？", []),
                ("agent", "您自己说的两千，到现在一分都没到账！", C, SHOUT),
                ("debtor", "好好好，这礼拜先还一千。", []),
                ("agent", "行，在融信的应用里还就可以。", [])]),
    dict(call_id="km-002", kind="call", channels="mono", format="mp3", roles=CALL,
         voices=dict(agent="B811", debtor="R921"),
         notes="collector shouts twice; the second one right after a long debtor turn",
         meta=dict(started_at="2027-05-12T15:45:00+08:00", agent_id="B811", agent_name="温海涛", team="信用卡五组",
                   case_id="C-91206", debtor_id="D-8106", contact_role="debtor", days_past_due=97, **CIB_OUT),
         turns=[("agent", "您好，是欧阳慧女士吗？我是瑞丰资产的，受兴业银行委托跟您联系。", []),
                ("debtor", "是我，你说吧。", []),
                ("agent", "您的兴业信用卡欠款两万一，已经九十七天没还了。", []),
                ("debtor", "我在跟银行协商呢，你们别管了。", []),
                ("agent", "银行已经委托给我们了，您得跟我们谈！", C, SHOUT),
                ("debtor", "我前两天打了银行客服，客服说可以帮我申请个性化分期，让我等通知，你们又打过来。", []),
                ("agent", "您等的这个通知，等了一个多月了！", C, SHOUT),
                ("debtor", "那我再去问问客服。", []),
                ("agent", "好的，有结果请告诉我们一声。", [])]),
    dict(call_id="km-003", kind="call", channels="mono", format="mp3", roles=CALL,
         voices=dict(agent="B817", debtor="R925"),
         notes="clean control: 15 s hold while the collector checks the account; polite replies, no talk-over",
         meta=dict(started_at="2027-05-13T11:10:00+08:00", agent_id="B817", agent_name="简雪", team="网贷六组",
                   case_id="L-91207", debtor_id="D-8107", contact_role="debtor", days_past_due=36, **RONGXIN),
         turns=[("agent", "您好，是杭小雨女士吗？我是安达公司的工作人员，受融信小贷委托联系您。", []),
                ("debtor", "是我，我正想问呢，我的提前还款怎么一直没显示？", []),
                ("agent", "您别急，我这边帮您查一下，请稍等。", []),
                ("agent", "查到了，您的还款已经入账，只是系统明天才更新。", [], HOLD),
                ("debtor", "那就好，我还以为又逾期了。", []),
                ("agent", "剩下的一期是一千三百五，下月八号到期。", []),
                ("debtor", "好的，我会按时还的。", []),
                ("agent", "感谢您的配合，再见。", [])]),
    dict(call_id="km-004", kind="call", channels="mono", format="mp3", roles=CALL,
         voices=dict(agent="B823", debtor="R929"),
         notes="collector talks over the debtor three times (1.25 s, 1.8 s, 1.3 s); the debtor is silent "
               "for 15 s before answering once (no finding)",
         meta=dict(started_at="2027-05-13T16:30:00+08:00", agent_id="B823", agent_name="樊立强", team="信用卡五组",
                   case_id="C-91208", debtor_id="D-8108", contact_role="debtor", days_past_due=115, **CIB_OUT),
         turns=[("agent", "喂，是邵国良先生吗？我是瑞丰资产的，受兴业银行委托联系您。", []),
                ("debtor", "是我。我的情况你们应该都清楚，公司去年裁员，我到现在还没找到合适的工作，家里还有两个孩子。", []),
                ("agent", "情况我们了解，但是欠款已经一百一十五天了。", C, over(1.25)),
                ("debtor", "我知道时间长了，我也着急，可是我现在每个月的收入连房租都不够交，你让我拿什么还。", []),
                ("agent", "那您有没有亲戚朋友可以先周转一下？", C, over(1.8)),
                ("debtor", "让我想想。", []),
                ("debtor", "我表哥可能能借我一点，不过他在外地，要等他下个月回来才能当面跟他说这个事。", [], HOLD),
                ("agent", "那我们就约下个月十五号之前。", C, over(1.3)),
                ("debtor", "行，就这么定吧。", [])]),

    # ---- home visits, two named collectors (16 kHz mono, room) ---------------------------------
    dict(call_id="kv-001", kind="visit", format="m4a", noise=0.02, roles=VISIT2,
         voices=dict(agent="V406", agent2="V438", debtor="R933"),
         notes="agent talks over the debtor (1.35 s), agent2 talks over him (1.5 s) and later shouts",
         meta=dict(started_at="2027-05-14T10:00:00+08:00", agent_id="V406", agent_name="尹文华", team="外访五组",
                   case_id="C-91209", debtor_id="D-8109", contact_role="debtor", days_past_due=126,
                   visit_staff="V406;V438", **CIB_OUT),
         turns=[("agent", "您好，是丁国富先生吧？我们是瑞丰资产的，受兴业银行委托过来，这是我们的工作证。", []),
                ("agent2", "这是您信用卡的对账单，您先看一下。", []),
                ("debtor", "我看过了，这个数不对，我记得我只刷了一万多，怎么现在变成两万多了，你们是不是多算了利息。", []),
                ("agent", "账单上每一笔利息和违约金都列出来了。", C, over(1.35)),
                ("debtor", "列出来我也看不懂，反正我觉得不合理，我要去银行问清楚了再说，你们别在这儿跟我耗着。", []),
                ("agent2", "您有异议可以找银行核实，但是本金是跑不掉的。", C, over(1.5)),
                ("debtor", "那我去银行问了再说。", []),
                ("agent2", "您这话上次就说过了，到现在也没去！", C, SHOUT),
                ("agent", "丁先生，那我们约个时间，下周一前给我们回复。", [])]),
    dict(call_id="kv-002", kind="visit", format="m4a", noise=0.024, roles=VISIT2,
         voices=dict(agent="V413", agent2="V439", debtor="R937"),
         notes="clean control: the debtor shouts and talks over the collectors; 15 s of dead air while she "
               "looks for the contract; the collectors stay calm",
         meta=dict(started_at="2027-05-14T15:30:00+08:00", agent_id="V413", agent_name="黎晓敏", team="外访五组",
                   case_id="L-91210", debtor_id="D-8110", contact_role="debtor", days_past_due=68,
                   visit_staff="V413;V439", **RONGXIN),
         turns=[("agent", "您好，是葛春燕女士吗？我们是安达公司的，受融信小贷委托来拜访您。", []),
                ("agent2", "这是我们的工作证，这份是您的借款合同复印件。", []),
                ("debtor", "你们怎么找到家里来了！谁让你们来的！", [], SHOUT),
                ("agent", "葛女士您别生气，我们就是当面跟您核对一下借款的情况，说完就走。", []),
                ("debtor", "我自己也有一份合同，我去找出来对一下。", [], over(1.1)),
                ("debtor", "找到了，你看，我这上面写的是分十二期。", [], HOLD),
                ("agent2", "对，是十二期，您现在还了五期，第六期逾期了。", []),
                ("debtor", "第六期我下礼拜就还。", []),
                ("agent", "好的，那您在融信的应用里还就行，我们就不打扰了。", [])]),
    dict(call_id="kv-003", kind="visit", format="m4a", noise=0.022, roles=VISIT2,
         voices=dict(agent="V427", agent2="V440", debtor="R941"),
         notes="agent2 talks over the debtor twice (1.1 s, 1.6 s); agent is calm",
         meta=dict(started_at="2027-05-17T11:20:00+08:00", agent_id="V427", agent_name="蒋红", team="外访六组",
                   case_id="C-91211", debtor_id="D-8111", contact_role="debtor", days_past_due=149,
                   visit_staff="V427;V440", **CIB),
         turns=[("agent", "您好，是汪立新先生吗？我们是兴业信用卡中心的外访员，这是我们的工作证。", []),
                ("agent2", "这是银行的催收通知书，还有您最近的账单。", []),
                ("debtor", "我知道欠了钱，可我去年做生意被人骗了，现在外面还欠着一屁股债，不光是你们一家。", []),
                ("agent2", "每家都要还，我们这家也不能一直放着。", C, over(1.1)),
                ("debtor", "我没说放着，我是说能不能先把利息停了，本金我慢慢还，一个月还个一两千的。", []),
                ("agent2", "停息分期得您本人向银行申请。", C, over(1.6)),
                ("debtor", "那我明天就去申请。", []),
                ("agent", "好的，您签收一下通知书，申请的时候带上身份证。", [])]),
    dict(call_id="kv-004", kind="visit", format="m4a", noise=0.028, roles=VISIT2,
         voices=dict(agent="V434", agent2="V409", debtor="R945"),
         notes="agent shouts twice; 15 s of dead air while the debtor reads the notice (no finding)",
         meta=dict(started_at="2027-05-18T16:10:00+08:00", agent_id="V434", agent_name="邬建国", team="外访六组",
                   case_id="L-91212", debtor_id="D-8112", contact_role="debtor", days_past_due=92,
                   visit_staff="V434;V409", **RONGXIN),
         turns=[("agent", "冯大伟在家吗？我们是安达商务咨询的，受融信小贷委托来的，这是我们的工牌。", []),
                ("agent2", "这是您的借款合同和还款计划表。", []),
                ("debtor", "我看一下。", []),
                ("debtor", "这个罚息怎么这么多？", [], HOLD),
                ("agent", "罚息是合同上写好的，您逾期九十二天了！", C, SHOUT),
                ("debtor", "我又不是故意的，工地上的钱一直没结。", []),
                ("agent", "工地的钱跟您的借款是两码事！", C, SHOUT),
                ("agent2", "冯先生，您可以先还一部分，剩下的我们帮您申请延期。", []),
                ("debtor", "那我先还三千吧。", [])]),
]
