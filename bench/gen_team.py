#!/usr/bin/env python3
"""Generate a synthetic Luojiang village sheet + village-team roster.

Usage: gen_team.py [ROWS] [VILLAGES] [--seed S] [--out DIR]

  ROWS      team rows (default 1000000; must be >= VILLAGES)
  VILLAGES  villages (default 100000)
  --seed    default 20251231
  --out     output directory (default bench/data)

Writes (UTF-8, comma, LF, no BOM), for rules/luojiang-red-yellow-blue.yaml:
  DIR/villages_VILLAGES.csv   村名,中心工作进度
  DIR/team_ROWS.csv           村名,姓名,职务,出生日期,学历
  DIR/team_ROWS.csv.villages  the VILLAGES the team file was made for (a stamp
                              bench/run_villages.sh uses to detect a stale file)

Deterministic: the same ROWS, VILLAGES and seed give the same bytes.
Python 3 standard library only.

Shape:
  - every village has exactly one row with 职务 = 书记 (so secretary_age is
    always defined); the other ROWS - VILLAGES rows are spread over the
    villages at random (team sizes ~ Poisson around ROWS/VILLAGES), with the
    roles 主任 / 副主任 / 委员;
  - rows are shuffled: the team file is NOT grouped or sorted by village;
  - birth dates 1955-01-01 .. 2000-12-31 (29 February included), each village
    with its own age centre (1966-1990), secretaries mostly born 1964-1992 so that average ages spread over all four levels;
  - 学历 uses the pack's enum labels and aliases (小学, 初中, 高中/中专/职高,
    大专/专科, 本科, 硕士/研究生, 博士); ~0.5 % of cells are empty (the
    engine skips them in college_share);
  - 中心工作进度 30-100, integers or one decimal (e.g. 42.7).
"""

import datetime
import os
import random
import sys

TOWNS = (
    "金山 白马关 万佛 略坪 调元 鄢家 新盛 蟠龙 御营 慧觉 金鸡 秀水 玉京 清平 "
    "柏林 青龙 双河 石桥 红花 星光 龙台 凤鸣 太平 永兴 福田 兴隆 宝峰 云台 "
    "白云 天池 长安 安宁 和平 东湖 西山 南华 北斗 黄龙 紫岩 翠屏"
).split()
VCHARS = "东西南北上下前后大小新老金银石木水火土山河湖江溪桥塘坝沟湾坪林松柏竹梅桃李杨柳花果田园丰庆兴旺福寿安乐和平龙凤虎马牛羊鹤鸣"
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
    "于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江"
)
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国志海燕红梅丹玲晓东峰文博浩然宇轩欣怡俊思远佳雨立新卫永春秋菊玉淑珍凤德世嘉豪鹏飞振天佑"
# (label, weight): the pack's enum, aliases included; "" = empty cell.
EDUCATION = [
    ("小学", 3), ("初中", 12), ("高中", 18), ("中专", 8), ("职高", 2),
    ("大专", 24), ("专科", 8), ("本科", 19), ("硕士", 2.5), ("研究生", 1.5),
    ("博士", 0.3), ("", 0.5),
]
OTHER_ROLES = [("委员", 6), ("副主任", 2), ("主任", 2)]

D0 = datetime.date(1955, 1, 1).toordinal()
D1 = datetime.date(2000, 12, 31).toordinal()
C0 = datetime.date(1966, 1, 1).toordinal()   # village age centres
C1 = datetime.date(1990, 12, 31).toordinal()
S0 = datetime.date(1964, 1, 1).toordinal()   # most secretaries born here..
S1 = datetime.date(1992, 12, 31).toordinal()  # ..to here (10 % anywhere)


def village_names(rng, v):
    """v distinct names: 金山镇东河村 style, index-sampled so no retries."""
    n2 = len(VCHARS) * len(VCHARS)
    space = len(TOWNS) * n2
    if v > space:
        sys.exit("gen_team.py: at most %d villages" % space)
    out = []
    for k in rng.sample(range(space), v):
        t, r = divmod(k, n2)
        a, b = divmod(r, len(VCHARS))
        out.append("%s镇%s%s村" % (TOWNS[t], VCHARS[a], VCHARS[b]))
    return out


def person(rng):
    g = rng.choice(GIVEN) if rng.random() < 0.3 else rng.choice(GIVEN) + rng.choice(GIVEN)
    return rng.choice(SURNAMES) + g


def progress(rng):
    x = rng.uniform(75, 100) if rng.random() < 0.9 else rng.uniform(30, 75)
    return "%d" % round(x) if rng.random() < 0.7 else "%.1f" % x


def main(argv):
    args, seed, out = [], 20251231, "bench/data"
    it = iter(argv)
    for a in it:
        if a == "--seed":
            seed = int(next(it))
        elif a == "--out":
            out = next(it)
        else:
            args.append(int(a.replace(",", "").replace("_", "")))
    rows = args[0] if len(args) > 0 else 1_000_000
    nv = args[1] if len(args) > 1 else 100_000
    if nv < 1 or rows < nv:
        sys.exit("gen_team.py: need 1 <= VILLAGES <= ROWS")
    rng = random.Random(seed * 1_000_003 + rows * 7 + nv)
    os.makedirs(out, exist_ok=True)

    names = village_names(rng, nv)
    # villages sheet, in the (random) name order
    with open(os.path.join(out, "villages_%d.csv" % nv), "w", encoding="utf-8", newline="\n") as f:
        f.write("村名,中心工作进度\n")
        f.writelines("%s,%s\n" % (n, progress(rng)) for n in names)

    # Each village: an age centre (birth ordinal) and a spread.
    centre = [rng.uniform(C0, C1) for _ in range(nv)]
    edu_l = [e for e, _ in EDUCATION]
    edu_cum = []
    acc = 0.0
    for _, w in EDUCATION:
        acc += w
        edu_cum.append(acc)
    role_l = [r for r, _ in OTHER_ROLES]
    role_cum = []
    acc = 0.0
    for _, w in OTHER_ROLES:
        acc += w
        role_cum.append(acc)

    def birth(v):
        d = int(rng.gauss(centre[v], 3650))
        d = min(max(d, D0), D1)
        return datetime.date.fromordinal(d).isoformat()

    def sec_birth():
        lo, hi = (S0, S1) if rng.random() < 0.9 else (D0, D1)
        return datetime.date.fromordinal(rng.randint(lo, hi)).isoformat()

    lines = []
    for v in range(nv):  # one 书记 each
        e = rng.choices(edu_l, cum_weights=edu_cum)[0]
        lines.append("%s,%s,书记,%s,%s\n" % (names[v], person(rng), sec_birth(), e))
    for _ in range(rows - nv):
        v = rng.randrange(nv)
        e = rng.choices(edu_l, cum_weights=edu_cum)[0]
        r = rng.choices(role_l, cum_weights=role_cum)[0]
        lines.append("%s,%s,%s,%s,%s\n" % (names[v], person(rng), r, birth(v), e))
    rng.shuffle(lines)
    path = os.path.join(out, "team_%d.csv" % rows)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("村名,姓名,职务,出生日期,学历\n")
        f.writelines(lines)
    with open(path + ".villages", "w") as f:
        f.write("%d\n" % nv)


if __name__ == "__main__":
    main(sys.argv[1:])
