#!/usr/bin/env python3
"""Generate a synthetic Party-member year-end sheet for benchmarking.

Usage: gen_yearend.py [N] [OUT] [--seed S] [--wide] [--varied]

  N       number of member rows (default 1000000)
  OUT     output path (default bench/data/yearend_N.csv, or
          bench/data/yearend_wide_N.csv with --wide); "-" writes to stdout
  --wide  add 性别,出生日期,入党日期 after 所在支部 (24 columns, the roster's
          whole width: ~1.06 GB at 10 M rows). They are drawn from a second
          generator, so every other cell is the same as without --wide.
  --varied  a sheet on which no two members agree and ids are out of order:
          every D and B count drawn from 0..2 and F from 0..1 (F 1 in ~1%),
          and the ids shuffled, from a third generator. The default sheet is
          shaped like a real one (most members have no item, ids in order),
          which lets the engine reuse results and skip hashing ids; this one
          measures the engine without either.

Deterministic: the same N and seed always produce the same bytes.
Python 3 standard library only.

Header (UTF-8, comma, LF line endings, no BOM):
  编号,姓名,所在支部,D01..D13,F01,F02,B01,B02,B03

Distribution (approximate, per row):
  ~78%  no deductions
  ~16%  one deduction code, count 1
  ~5%   two or three deduction codes, counts 1-2
  ~1%   heavy: four to six codes, counts 1-3 (drives score to 0 without F)
  ~0.3% an F code (F01 or F02) count 1
  ~12%  at least one bonus code; some rows exceed the +4 cap
  ~3%   rows written with empty cells instead of "0" (empty count = 0)
Some branch names contain a comma or a double quote, so a small share of
rows exercise RFC 4180 quoting.
"""

import os
import random
import sys

D_CODES = ["D%02d" % i for i in range(1, 14)]
F_CODES = ["F01", "F02"]
B_CODES = ["B01", "B02", "B03"]
HEADER = ["编号", "姓名", "所在支部"] + D_CODES + F_CODES + B_CODES
NCOUNT = len(D_CODES) + len(F_CODES) + len(B_CODES)  # 18 count columns

# Common surnames, roughly in frequency order (weights fall off).
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
    "于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江"
    "尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
COMPOUND_SURNAMES = ["欧阳", "司马", "诸葛", "上官", "慕容", "东方", "令狐", "皇甫"]
GIVEN_CHARS = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华建国建华志强志明"
    "海燕红梅丹玲晓东晓峰晓燕文博文静子涵浩然宇轩梓萱欣怡俊杰思远佳怡雨涵"
    "立新卫东永刚春梅秋菊冬梅玉兰淑珍凤英德明世杰嘉豪鹏飞振华国强红霞"
)
GIVEN_CHARS = "".join(dict.fromkeys(GIVEN_CHARS))  # unique, order kept

UNITS = [
    "机关", "办公室", "组织部", "宣传部", "财务处", "人事处", "后勤保障处",
    "信息中心", "档案馆", "图书馆", "教务处", "科研处", "离退休干部",
    "第一车间", "第二车间", "第三车间", "质检科", "销售部", "研发中心",
    "物业公司", "社区", "东街社区", "西城社区", "南苑社区", "北关村", "新河村",
    "实验中学", "第二小学", "人民医院内科", "人民医院外科", "护理部",
]
ORDINALS = ["", "第一", "第二", "第三", "第四"]


def branch_names(rng):
    names = []
    for u in UNITS:
        for o in ORDINALS:
            names.append("%s%s党支部" % (u, o))
    # A few names that need CSV quoting.
    names.append("机关党委（综合,后勤）联合党支部")
    names.append("流动党员\"红色驿站\"党支部")
    names.append("离退休干部第一、第二,第三联合党支部")
    return names


def csv_quote(s):
    if any(c in s for c in ',"\r\n'):
        return '"' + s.replace('"', '""') + '"'
    return s


def build_name_pool(rng, size):
    # Surname weights: Zipf-like so 王/李/张 dominate, as in real rosters.
    sw = [1.0 / (i + 3) for i in range(len(SURNAMES))]
    surnames = rng.choices(SURNAMES, weights=sw, k=size)
    pool = []
    for i in range(size):
        r = rng.random()
        sn = rng.choice(COMPOUND_SURNAMES) if r < 0.01 else surnames[i]
        if rng.random() < 0.3:
            given = rng.choice(GIVEN_CHARS)
        else:
            given = rng.choice(GIVEN_CHARS) + rng.choice(GIVEN_CHARS)
        pool.append(sn + given)
    return pool


def main(argv):
    seed = 20251231
    wide = False
    varied = False
    args = []
    i = 0
    while i < len(argv):
        if argv[i] == "--wide":
            wide = True
            i += 1
            continue
        if argv[i] == "--varied":
            varied = True
            i += 1
            continue
        if argv[i] == "--seed":
            seed = int(argv[i + 1])
            i += 2
            continue
        args.append(argv[i])
        i += 1
    n = int(args[0].replace(",", "").replace("_", "")) if args else 1_000_000
    stem = "yearend_wide_%d.csv" if wide else "yearend_%d.csv"
    if varied:
        stem = stem.replace("_%d", "_varied_%d")
    out = args[1] if len(args) > 1 else os.path.join("bench", "data", stem % n)

    rng = random.Random(seed)
    names = build_name_pool(rng, 50_000)
    branches = [csv_quote(b) for b in branch_names(rng)]
    # Branch sizes are uneven: weight a few big branches heavily.
    bw = [1.0 / (1 + (k % 17)) for k in range(len(branches))]
    # Pre-draw branch indices in one C-level call (fast).
    branch_seq = rng.choices(branches, weights=bw, k=n)

    zero_counts = ",".join(["0"] * NCOUNT)
    empty_counts = "," * (NCOUNT - 1)
    nd = len(D_CODES)
    rnd = rng.random
    randint = rng.randint
    sample = rng.sample

    if out == "-":
        f = sys.stdout
        close = False
    else:
        d = os.path.dirname(out)
        if d:
            os.makedirs(d, exist_ok=True)
        tmp = out + ".tmp"
        f = open(tmp, "w", encoding="utf-8", newline="", buffering=1 << 20)
        close = True

    header = HEADER[:3] + (["性别", "出生日期", "入党日期"] if wide else []) + HEADER[3:]
    f.write(",".join(header) + "\n")
    if wide:
        # A second generator: the base columns stay byte-for-byte those of
        # the narrow sheet. ~1% of birth dates left empty, as on real rosters.
        wrnd = random.Random(seed ^ 0x5EED).random
        days = [1, 3, 7, 9, 12, 15, 18, 21, 24, 28]
        dates = ["%04d-%02d-%02d" % (y, m, d) for y in range(1950, 2026)
                 for m in range(1, 13) for d in days]
        nbd = len(days) * 12  # dates a year
        nb = nbd * (2004 - 1950)  # births 1950..2003, joined 18+ years later
    if varied:
        vrng = random.Random(seed ^ 0xD1FF)
        ids = list(range(1, n + 1))
        vrng.shuffle(ids)
        vr = vrng.random
    buf = []
    npool = len(names)
    for row in range(n):
        mid = "DY%07d" % (ids[row] if varied else row + 1)
        name = names[int(rnd() * npool)]
        if wide:
            b = int(wrnd() * nb)
            j = b + nbd * 18 + int(wrnd() * (len(dates) - b - nbd * 18))
            birth = "" if wrnd() < 0.01 else dates[b]
            prefix = "%s,%s,%s,%s,%s,%s," % (mid, name, branch_seq[row],
                                             "男" if wrnd() < 0.7 else "女", birth, dates[j])
        else:
            prefix = "%s,%s,%s," % (mid, name, branch_seq[row])

        if varied:
            cells = [str(int(vr() * 3)) for _ in range(nd)]
            cells += ["1" if vr() < 0.01 else "0" for _ in range(2)]
            cells += [str(int(vr() * 3)) for _ in range(3)]
            buf.append(prefix + ",".join(cells) + "\n")
            if len(buf) >= 20000:
                f.write("".join(buf))
                buf.clear()
            continue
        r = rnd()
        if r < 0.78:
            dcounts = None
        else:
            dcounts = [0] * nd
            if r < 0.94:
                dcounts[int(rnd() * nd)] = 1
            elif r < 0.99:
                for k in sample(range(nd), randint(2, 3)):
                    dcounts[k] = randint(1, 2)
            else:
                for k in sample(range(nd), randint(4, 6)):
                    dcounts[k] = randint(1, 3)

        fcounts = None
        if rnd() < 0.003:
            fcounts = [0, 0]
            fcounts[int(rnd() * 2)] = 1

        bcounts = None
        rb = rnd()
        if rb < 0.12:
            bcounts = [0, 0, 0]
            if rb < 0.09:
                bcounts[int(rnd() * 3)] = 1
            elif rb < 0.115:
                for k in sample(range(3), 2):
                    bcounts[k] = 1
            else:  # over the cap
                bcounts = [randint(1, 2), randint(1, 2), 1]

        empty_style = rnd() < 0.03
        if dcounts is None and fcounts is None and bcounts is None:
            buf.append(prefix + (empty_counts if empty_style else zero_counts) + "\n")
        else:
            counts = (dcounts or [0] * nd) + (fcounts or [0, 0]) + (bcounts or [0, 0, 0])
            if empty_style:
                cells = ["" if c == 0 else str(c) for c in counts]
            else:
                cells = [str(c) for c in counts]
            buf.append(prefix + ",".join(cells) + "\n")

        if len(buf) >= 20000:
            f.write("".join(buf))
            buf.clear()
    if buf:
        f.write("".join(buf))

    if close:
        f.close()
        os.replace(tmp, out)
        sys.stderr.write("gen_yearend: wrote %d rows to %s (%d bytes, seed %d)\n"
                         % (n, out, os.path.getsize(out), seed))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
