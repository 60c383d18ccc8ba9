#!/usr/bin/env python3
"""Generate the bundled sample rosters (deterministic; Python 3 stdlib only).

    python3 samples/make_samples.py            # rewrites samples/xuanen/*, samples/luojiang/*

Xuan'en (宣恩县, twelve-point system), cycle year 2025:
  xuanen/members.csv        roster, 编号,姓名,性别,出生日期,所在支部,入党日期
  xuanen/ledger.csv         event ledger, 编号,日期,代码,备注 (2024-2026 dates, 3 date styles)
  xuanen/year-end-2025.csv  year-end sheet: per member, count of its 2025 events per code
Luojiang (罗江区, red-yellow-blue warnings), as of 2025-12-31:
  luojiang/villages.csv     村名,中心工作进度
  luojiang/team.csv         村名,姓名,职务,出生日期,学历

The designed cases are listed in CASES_XUANEN and in the village plan below;
tests/reference/*.py compute the expected results independently.
"""

import csv
import datetime as dt
import os
import random

SEED = 20251231
HERE = os.path.dirname(os.path.abspath(__file__))

# ---------------------------------------------------------------- names
SURNAMES_ENSHI = list("向田覃彭冉谭杨张李王刘陈黄吴周邓龙滕秦姚胡肖唐万熊")
SURNAMES_OTHER = list("赵孙马朱郭何高林罗郑梁谢宋许韩冯曹曾董袁潘蒋蔡余杜叶程苏魏吕丁任沈卢姜崔钟陆汪范金石廖贾夏韦付方白邹孟邱江尹薛段雷侯史陶黎贺顾毛龚邵严武戴莫孔汤")
GIVEN_M = ["伟", "强", "军", "勇", "杰", "涛", "斌", "超", "明", "刚", "平", "辉", "鹏", "华", "飞", "鑫", "波", "宇", "浩", "凯",
           "建国", "国华", "志强", "永红", "德明", "春林", "海波", "家福", "祖军", "光荣", "大兵", "仕林", "远航", "正文", "世杰",
           "昌盛", "兴旺", "守成", "文斌", "庆丰", "登科", "长江", "德胜", "子豪", "俊杰", "明轩", "天佑", "洪涛", "玉龙", "启发"]
GIVEN_F = ["芳", "娟", "敏", "静", "丽", "艳", "燕", "玲", "婷", "霞", "红", "梅", "琴", "萍", "洁", "颖", "倩", "雪", "莉", "英",
           "秀英", "桂芳", "玉兰", "春梅", "小红", "晓燕", "丽华", "红霞", "淑芬", "美玲", "金凤", "翠花", "雨欣", "诗涵", "思琪",
           "佳怡", "春燕", "月娥", "德芬", "银花", "海燕", "凤英", "家琴", "秋菊", "冬梅", "兰英", "明艳", "晓琳", "慧敏", "艳萍"]


def person_name(rng, gender, used, enshi=True):
    while True:
        pool = SURNAMES_ENSHI * 2 + SURNAMES_OTHER if enshi else SURNAMES_OTHER + SURNAMES_ENSHI
        s = rng.choice(pool)
        g = rng.choice(GIVEN_M if gender == "男" else GIVEN_F)
        n = s + g
        if n not in used:
            used.add(n)
            return n


def rand_date(rng, year):
    start = dt.date(year, 1, 1)
    days = (dt.date(year, 12, 31) - start).days
    return start + dt.timedelta(days=rng.randint(0, days))


# ====================================================================
# Xuan'en
# ====================================================================
BRANCHES = [
    "珠山镇椒园社区党支部", "珠山镇城南社区党支部", "珠山镇贡米社区党支部", "珠山镇文星社区党支部",
    "珠山镇松坪社区党支部", "椒园镇集镇社区党支部", "椒园镇黄坪村党支部", "沙道沟镇集镇社区党支部",
    "沙道沟镇两河口村党支部", "李家河镇集镇社区党支部", "高罗镇集镇社区党支部", "万寨乡集镇社区党支部",
    "长潭河乡集镇社区党支部", "晓关乡集镇社区党支部", "椿木营乡集镇社区党支部",
]
N_MEMBERS = 72

POINTS = {"D01": 2, "D02": 1, "D03": 2, "D04": 2, "D05": 2, "D06": 1, "D07": 3, "D08": 2, "D09": 3,
          "D10": 2, "D11": 3, "D12": 1, "D13": 1, "F01": 12, "F02": 12, "B01": 2, "B02": 2, "B03": 1}
CODES = list(POINTS)

# Notes an office would write; {m} is the month, {p} a place.
NOTES = {
    "D01": ["未按规定时间到{p}报到", "{m}月调整后未到{p}重新报到", "报到手续逾期未办理"],
    "D02": ["{m}月主题党日活动无故缺席", "未参加{p}{m}月党员活动日", "社区“党员议事会”无故缺席"],
    "D03": ["认领“楼栋长”岗位后未履职", "未认领社区服务岗位", "认领环境整治岗位后连续两月未到岗"],
    "D04": ["上半年志愿服务仅1次，未达规定次数", "全年志愿服务未达4次", "志愿服务时长不足"],
    "D05": ["{m}月党费未按时交纳", "党费少交，经提醒仍未补足", "连续两个月未交纳党费"],
    "D06": ["第{q}季度党员大会未请假缺席", "{m}月党课无故缺席", "支委会通知后未参加组织生活会"],
    "D07": ["{m}月防汛值守召集未响应", "森林防火应急召集未到位", "疫情防控突击任务未响应"],
    "D08": ["居民反映楼道照明问题推诿不办", "对群众诉求敷衍应付，被回访不满意", "未按时回复群众诉求"],
    "D09": ["在业主群转发不实信息", "在{p}公开散布不当言论，经核实", "网络群组发表不当言论"],
    "D10": ["违规占用公共通道堆放杂物", "饲养犬只扰邻，屡劝不改", "违反社区公约私搭乱建"],
    "D11": ["居民实名投诉，经社区核实属实", "群众实名反映服务态度问题，核实属实", "12345热线实名投诉经核实"],
    "D12": ["认领“微心愿”（{p}困难儿童书包）未兑现", "认领“微心愿”逾期未兑现", "认领独居老人“微心愿”未落实"],
    "D13": ["拒不悬挂“共产党员户”标识", "不按要求亮身份、作承诺", "拒绝签订亮身份承诺书"],
    "F01": ["因酒后驾驶被处以行政拘留", "因赌博被公安机关行政拘留", "受到刑事处罚"],
    "F02": ["{m}月防汛抢险中擅离职守，造成恶劣影响", "森林火灾扑救中临阵脱逃，经调查属实", "应急救援任务中临阵脱逃"],
    "B01": ["参加{m}月防汛抢险，连续值守三昼夜", "森林防火扑救冲锋在前", "冰雪灾害道路抢通突击队员", "{p}山体滑坡群众转移冲锋在前"],
    "B02": ["获评县级优秀共产党员", "受到县委表彰", "获评州级“最美志愿者”", "获县级“文明家庭”表彰"],
    "B03": ["化解{p}邻里宅基地纠纷", "调解楼栋噪音矛盾", "协助化解土地流转纠纷", "调处邻里漏水纠纷"],
}
NOTE_PLACES = ["椒园社区", "城南社区", "贡米社区", "文星社区", "松坪社区", "集镇社区", "两河口村", "黄坪村"]


def note(rng, code, d):
    t = rng.choice(NOTES[code])
    return t.format(m=d.month, q=(d.month - 1) // 3 + 1, p=rng.choice(NOTE_PLACES))


def fmt_date(rng, d):
    r = rng.random()
    if r < 0.08:
        return f"{d.year}/{d.month}/{d.day}"
    if r < 0.13:
        return f"{d.year}年{d.month}月{d.day}日"
    return d.isoformat()


# Designed members: id -> (description, events as (yyyy-mm-dd, code)).
CASES_XUANEN = {
    "M0007": ("exactly 6 points (reminder talk: 以下 includes 6)",
              [("2025-04-12", "D07"), ("2025-09-03", "D11")]),
    "M0012": ("exactly 7 points (no flag)",
              [("2025-03-18", "D01"), ("2025-08-22", "D09")]),
    "M0018": ("F01 and bonuses: score 0 whatever the bonus",
              [("2025-02-14", "B01"), ("2025-06-30", "B02"), ("2025-10-09", "F01")]),
    "M0023": ("deductions past 12 without F: 14 deducted, floored at 0",
              [("2025-01-20", "D07"), ("2025-03-02", "D09"), ("2025-05-16", "D07"),
               ("2025-07-08", "D11"), ("2025-10-21", "D10")]),
    "M0029": ("bonus over the cap (B01x3 = +6 -> +4) with 9 deducted: 7",
              [("2025-02-11", "D07"), ("2025-04-25", "B01"), ("2025-06-19", "D09"),
               ("2025-07-14", "B01"), ("2025-08-02", "B01"), ("2025-11-05", "D11")]),
    "M0034": ("bonus would pass 12 (12-1+2 = 13): capped at 12",
              [("2025-03-29", "D02"), ("2025-12-01", "B02")]),
    "M0041": ("2024 F02, clean in 2025: 12",
              [("2024-07-16", "F02"), ("2024-11-30", "D05")]),
    "M0046": ("F02 in 2025: 0",
              [("2025-07-03", "F02"), ("2025-09-12", "D02")]),
    "M0052": ("deductions exactly 12 without F: 0",
              [("2025-02-06", "D07"), ("2025-05-09", "D11"), ("2025-08-15", "D07"), ("2025-11-27", "D11")]),
    "M0058": ("7 deducted + B03: 6, still a reminder talk",
              [("2025-03-11", "D07"), ("2025-06-06", "D05"), ("2025-08-28", "D08"), ("2025-10-30", "B03")]),
    "M0063": ("5 deducted in 2025 (7), 6 more in 2024 that must not count",
              [("2024-05-20", "D09"), ("2024-12-18", "D11"), ("2025-04-01", "D05"), ("2025-09-19", "D09")]),
    "M0066": ("events dated January 2026 and December 2024 only: 12",
              [("2024-12-31", "D07"), ("2026-01-06", "D09"), ("2026-01-06", "D02")]),
    "M0025": ("6 deducted, B03 lifts the score to 7: no talk",
              [("2025-05-27", "D07"), ("2025-08-09", "D09"), ("2025-11-18", "B03")]),
    "M0044": ("9 deducted: 3, reminder talk",
              [("2025-01-09", "D07"), ("2025-06-13", "D09"), ("2025-10-17", "D11")]),
    "M0053": ("8 deducted + B03: 5, reminder talk",
              [("2025-02-20", "D07"), ("2025-04-03", "D05"), ("2025-07-24", "D04"),
               ("2025-09-26", "D02"), ("2025-12-12", "B03")]),
    "M0068": ("10 deducted: 2, reminder talk",
              [("2025-03-07", "D09"), ("2025-05-22", "D11"), ("2025-08-19", "D07"), ("2025-11-11", "D02")]),
    "M0070": ("bonuses only, at the cap: 12",
              [("2025-05-05", "B03"), ("2025-07-21", "B01"), ("2025-09-09", "B03")]),
}
# Members with no event at all (beyond those the random fill leaves out).
NO_EVENTS = {"M0001", "M0002", "M0003", "M0010", "M0015", "M0020", "M0027", "M0038", "M0049", "M0055", "M0061", "M0072"}

RANDOM_D = ["D02", "D06", "D02", "D06", "D04", "D12", "D13", "D05", "D01", "D03", "D08", "D10"]
RANDOM_B = ["B03", "B03", "B01", "B02"]


def make_xuanen(rng, used):
    members = []
    for i in range(1, N_MEMBERS + 1):
        mid = f"M{i:04d}"
        gender = "男" if rng.random() < 0.56 else "女"
        name = person_name(rng, gender, used)
        birth = rand_date(rng, rng.randint(1966, 1999))
        joined = dt.date(birth.year + rng.randint(20, 32), 1, 1)
        joined = min(rand_date(rng, joined.year), dt.date(2024, 12, 31))
        if joined.year - birth.year < 19:
            joined = rand_date(rng, birth.year + 19)
        branch = BRANCHES[(i * 7 + rng.randint(0, 3)) % len(BRANCHES)]
        members.append([mid, name, gender, birth.isoformat(), branch, joined.isoformat()])

    events = []  # (date, member_id, code)
    for mid, (_, evs) in CASES_XUANEN.items():
        for d, c in evs:
            events.append((dt.date.fromisoformat(d), mid, c))
    for m in members:
        mid = m[0]
        if mid in CASES_XUANEN or mid in NO_EVENTS or rng.random() < 0.15:
            continue
        n = rng.choice([2, 2, 3, 3, 4, 4, 5, 6, 7])
        limit = rng.choice([3, 4, 5, 5, 5, 7])  # keep most random members above the reminder line
        total = 0
        for _ in range(n):
            if rng.random() < 0.2:
                c = rng.choice(RANDOM_B)
            else:
                c = rng.choice(RANDOM_D)
                if total + POINTS[c] > limit:
                    continue
                total += POINTS[c]
            events.append((rand_date(rng, 2025), mid, c))
        if rng.random() < 0.3:  # previous-year entry still in the ledger
            d = dt.date(2024, rng.randint(9, 12), rng.randint(1, 28))
            events.append((d, mid, rng.choice(RANDOM_D + ["D07", "D09"])))
    events.sort(key=lambda e: (e[0], e[1], e[2]))

    xdir = os.path.join(HERE, "xuanen")
    os.makedirs(xdir, exist_ok=True)
    with open(os.path.join(xdir, "members.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["编号", "姓名", "性别", "出生日期", "所在支部", "入党日期"])
        w.writerows(members)
    with open(os.path.join(xdir, "ledger.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["编号", "日期", "代码", "备注"])
        for d, mid, c in events:
            w.writerow([mid, fmt_date(rng, d), c, note(rng, c, d)])

    # Year-end sheet generated from the ledger's 2025 events.
    counts = {m[0]: {c: 0 for c in CODES} for m in members}
    for d, mid, c in events:
        if d.year == 2025:
            counts[mid][c] += 1
    blank_rows = set(rng.sample([m[0] for m in members], 8))
    with open(os.path.join(xdir, "year-end-2025.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["编号", "姓名", "所在支部"] + CODES)
        for m in members:
            row = [m[0], m[1], m[4]]
            for c in CODES:
                n = counts[m[0]][c]
                row.append("" if n == 0 and m[0] in blank_rows else str(n))
            w.writerow(row)
    return len(members), len(events)


# ====================================================================
# Luojiang
# ====================================================================
AS_OF = dt.date(2025, 12, 31)
VILLAGE_NAMES = [
    "金山村", "白马关村", "万佛村", "星光村", "红花村", "秀水村", "玉京村", "龙台村", "凤鸣村", "调元村",
    "略坪村", "鄢家村", "新盛村", "蟠龙村", "清平村", "柏林村", "青龙村", "双河村", "石桥村", "杨柳村",
    "团结村", "先锋村", "和平村", "安乐村", "永丰村", "长乐村", "太平村", "高桥村", "大井村", "黄泥村",
    "雷鼓村", "桂花村", "荷花村", "梨园村", "天台村", "云盘村", "松林村", "金凤村", "回龙村", "白鹤村",
    "桥楼村", "宝峰村", "石泉村", "马井村", "兴隆村", "东林村", "西河村", "南塔村", "北斗村", "新华村",
    "联合村", "民主村", "狮子村", "燕儿村", "龙井村", "铜鼓村", "高店村", "御营村", "慧觉村", "八角村",
    "泉水村", "通江村",
]
assert len(VILLAGE_NAMES) == 62 and len(set(VILLAGE_NAMES)) == 62

EDU_RANK = {"小学": 0, "初中": 1, "高中": 2, "中专": 2, "职高": 2, "大专": 3, "专科": 3,
            "本科": 4, "硕士": 5, "研究生": 5, "博士": 6}
EDU_LOW = ["初中", "高中", "高中", "中专", "职高", "初中", "小学"]
EDU_HIGH = ["大专", "大专", "专科", "本科", "本科", "本科", "研究生"]
SEC_ROLES = ["书记", "书记", "书记", "党支部书记", "书记兼主任"]
OTHER_ROLES = ["副书记", "副主任", "委员", "委员", "文书", "妇联主席", "综治专干"]


def age_at(b, d):
    return d.year - b.year - ((d.month, d.day) < (b.month, b.day))


def birth_for_age(rng, age):
    """A birth date giving this full-year age at AS_OF."""
    while True:
        b = dt.date(AS_OF.year - age, rng.randint(1, 12), rng.randint(1, 28))
        if age_at(b, AS_OF) == age:
            return b


def design_level(progress, rows):
    """Design-time check only; tests/reference/luojiang_ref.py is the real reference."""
    ages = [age_at(r[2], AS_OF) for r in rows]
    avg = sum(ages) / len(ages)
    secs = [age_at(r[2], AS_OF) for r in rows if r[1] in ("书记", "党支部书记", "书记兼主任")]
    sec = secs[0] if len(secs) == 1 else None
    edu = [r[3] for r in rows if r[3]]
    share = sum(EDU_RANK[e] >= 3 for e in edu) / len(edu)
    young = sum(a < 35 for a in ages)
    if progress < 60 or (sec is not None and sec > 60) or avg >= 55:
        return "red"
    if progress < 80 or avg >= 50 or share < 0.30 or young == 0:
        return "yellow"
    if progress < 90 or avg >= 45 or share < 0.50:
        return "blue"
    return "none"


# Hand-built boundary villages: name -> (progress, [(role, age, education), ...])
FIXED_VILLAGES = {
    # avg_age exactly 55.0 -> red (>=); secretary exactly 60 is NOT > 60
    "白马关村": ("95", [("书记", 60, "本科"), ("主任", 58, "大专"), ("副主任", 62, "高中"),
                      ("委员", 65, "专科"), ("文书", 30, "本科")]),
    # secretary 61 -> red, everything else healthy
    "凤鸣村": ("96.5", [("党支部书记", 61, "本科"), ("主任", 33, "本科"), ("副主任", 28, "大专"),
                     ("委员", 38, "专科"), ("文书", 26, "本科")]),
    # progress exactly 60 -> not red, yellow (60 < 80)
    "调元村": ("60", [("书记", 44, "本科"), ("主任", 39, "大专"), ("委员", 31, "本科"),
                    ("文书", 27, "专科"), ("妇联主席", 36, "高中")]),
    # progress 59.5 -> red
    "略坪村": ("59.5", [("书记", 47, "大专"), ("主任", 41, "本科"), ("委员", 29, "本科"), ("文书", 33, "中专")]),
    # progress exactly 80 -> blue only
    "清平村": ("80", [("书记兼主任", 42, "本科"), ("副主任", 35, "大专"), ("委员", 30, "本科"),
                    ("文书", 24, "专科"), ("委员", 48, "高中")]),
    # progress exactly 90, avg 40.0, share exactly 0.5 -> none
    "星光村": ("90", [("书记", 46, "本科"), ("主任", 43, "大专"), ("副主任", 38, "高中"),
                    ("委员", 41, "职高"), ("文书", 29, "专科"), ("委员", 43, "中专")]),
    # avg_age exactly 50 -> yellow
    "石桥村": ("92", [("书记", 55, "大专"), ("主任", 58, "本科"), ("副主任", 60, "本科"),
                    ("委员", 43, "专科"), ("文书", 34, "本科")]),
    # avg_age exactly 45 -> blue
    "安乐村": ("97", [("书记", 50, "本科"), ("主任", 46, "大专"), ("副主任", 44, "本科"),
                    ("委员", 51, "本科"), ("文书", 34, "研究生")]),
    # no member under 35 (young = 0) -> yellow, otherwise healthy
    "永丰村": ("94", [("书记", 44, "本科"), ("主任", 41, "本科"), ("副主任", 36, "大专"),
                    ("委员", 39, "专科"), ("文书", 35, "本科")]),
    # college share 2/7 = 0.2857 < 0.30 -> yellow
    "黄泥村": ("91", [("书记", 45, "大专"), ("主任", 40, "初中"), ("副主任", 33, "高中"), ("委员", 38, "中专"),
                    ("委员", 36, "职高"), ("文书", 27, "本科"), ("妇联主席", 41, "高中")]),
    # secretary row missing: secretary_age not evaluated; blue from progress 85
    "南塔村": ("85", [("主任", 43, "本科"), ("副主任", 37, "大专"), ("委员", 32, "本科"),
                    ("文书", 28, "专科"), ("妇联主席", 40, "本科")]),
    # member born 1968-02-29 (leap day, age 57) and an empty 学历 cell; none otherwise
    "回龙村": ("93", [("书记", 42, "本科"), ("主任", 39, "大专"), ("副主任", "1968-02-29", "本科"),
                    ("委员", 31, "专科"), ("委员", 26, ""), ("文书", 30, "本科")]),
}
# Planned level per village for the randomly built ones (31 with a warning in total).
TARGET_COUNTS = {"red": 8, "yellow": 11, "blue": 12, "none": 31}
RANDOM_PARAMS = {  # progress range, age centre, chance of college education
    "none": ((90, 100), 38, 0.75),
    "blue": ((80, 100), 44, 0.55),
    "yellow": ((62, 96), 48, 0.35),
    "red": ((40, 92), 55, 0.3),
}


def make_team(rng, target, used):
    (plo, phi), centre, pcol = RANDOM_PARAMS[target]
    for _ in range(10000):
        progress = round(rng.uniform(plo, phi), rng.choice([0, 0, 1]))
        size = rng.randint(4, 7)
        sec_role = rng.choice(SEC_ROLES)
        roles = [sec_role] + ([] if sec_role == "书记兼主任" else ["主任"])
        while len(roles) < size:
            roles.append(rng.choice(OTHER_ROLES))
        rows = []
        for k, role in enumerate(roles):
            age = int(round(rng.gauss(centre + (6 if k == 0 else 0), 8)))
            age = max(24, min(66, age))
            edu = rng.choice(EDU_HIGH if rng.random() < pcol else EDU_LOW)
            rows.append([role, age, birth_for_age(rng, age), edu])
        if design_level(progress, [[None, r[0], r[2], r[3]] for r in rows]) == target:
            ptext = str(int(progress)) if progress == int(progress) else f"{progress:.1f}"
            out = []
            for role, age, b, edu in rows:
                gender = "女" if role == "妇联主席" or rng.random() < 0.3 else "男"
                out.append([person_name(rng, gender, used, enshi=False), role, b.isoformat(), edu])
            return ptext, out
    raise RuntimeError("no team found for " + target)


def make_luojiang(rng, used):
    plan = {}
    fixed_levels = {}
    for v, (p, members) in FIXED_VILLAGES.items():
        rows = []
        for role, age, edu in members:
            b = dt.date.fromisoformat(age) if isinstance(age, str) else birth_for_age(rng, age)
            gender = "女" if role == "妇联主席" or rng.random() < 0.3 else "男"
            rows.append([person_name(rng, gender, used, enshi=False), role, b, edu])
        lvl = design_level(float(p), [[r[0], r[1], r[2], r[3]] for r in rows])
        fixed_levels[lvl] = fixed_levels.get(lvl, 0) + 1
        plan[v] = (p, [[r[0], r[1], r[2].isoformat(), r[3]] for r in rows])
    remaining = [v for v in VILLAGE_NAMES if v not in plan]
    targets = []
    for lvl, n in TARGET_COUNTS.items():
        targets += [lvl] * (n - fixed_levels.get(lvl, 0))
    assert len(targets) == len(remaining), (len(targets), len(remaining), fixed_levels)
    rng.shuffle(targets)
    for v, t in zip(remaining, targets):
        plan[v] = make_team(rng, t, used)

    ldir = os.path.join(HERE, "luojiang")
    os.makedirs(ldir, exist_ok=True)
    with open(os.path.join(ldir, "villages.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["村名", "中心工作进度"])
        for v in VILLAGE_NAMES:
            w.writerow([v, plan[v][0]])
    n = 0
    with open(os.path.join(ldir, "team.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["村名", "姓名", "职务", "出生日期", "学历"])
        for v in VILLAGE_NAMES:
            for name, role, b, edu in plan[v][1]:
                w.writerow([v, name, role, b, edu])
                n += 1
    return len(VILLAGE_NAMES), n


def main():
    rng = random.Random(SEED)
    used = set()
    m, e = make_xuanen(rng, used)
    v, t = make_luojiang(rng, used)
    print(f"xuanen: {m} members, {e} ledger rows; luojiang: {v} villages, {t} team members")


if __name__ == "__main__":
    main()
