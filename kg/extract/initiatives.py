"""Initiatives: named programmes and campaigns, quoted (“打非治违”专项行动, 开展“…”) or
unquoted names ending in a head (…工程, …行动, …攻坚战), and laws named with a head (《…》宣传月)."""

from __future__ import annotations

import re

from .. import lexicon
from .common import HAN, HAN_RE, NOUNISH, Doc, dictionary_freq, is_boundary_left, noun_run_start, rfind_any, tags

QUOTED = re.compile(r"[“\"‘「]([^“”\"‘’「」]{2,24})[”\"’」]")
# Heads whose word only says what kind of thing an initiative is: 创文行动 is also called 创文.
KIND_HEADS = frozenset(lexicon.words("initiative_kind_heads.txt"))
# Words before an initiative's head that make the phrase a manner, not a name (以实际行动, 用实际行动).
NOT_INITIATIVE_LEADS = lexicon.words("not_initiative_leads.txt")
# Two-character openings that make a phrase ending in a head no name (开展…行动, 这项工程, 会上…).
NOT_INITIATIVE_OPENINGS = frozenset(lexicon.words("not_initiative_openings.txt"))
# Verbs that run a programme: with one in the clause, “三送”工作 is a programme, not a formula.
RUNNING_VERBS = lexicon.words("initiative_running_verbs.txt")
# Endings that make an unquoted name proper whatever precedes them (…三年行动, …整治行动, …攻坚战).
PROPER_HEADS = lexicon.words("initiative_proper_heads.txt")
# Words that end an unquoted name on the left (开展, 暨, 的 …).
NAME_STOPS = frozenset(lexicon.words("initiative_name_stops.txt"))
NAME_STOP_CHARS = frozenset(w for w in NAME_STOPS if len(w) == 1)
LONG_NAME_STOPS = tuple(w for w in NAME_STOPS if len(w) > 1)
# Verbs that sit inside a name (…集中专项整治行动, …提升行动): jieba's v does not end the name there.
NAME_VERBS = frozenset(lexicon.words("initiative_name_verbs.txt"))
# One-character jurisdiction words that open a name without being part of it (市消防安全…行动).
JURISDICTION_CHARS = frozenset("省市县区州旗盟镇乡")
# The only words that may stand between a quoted list and its head (“感党恩、庆丰收”主题活动):
# they say what kind of thing the list names, not what it is a list of.
LIST_MODIFIERS = frozenset(("", "工作", "发展", "专项", "专项整治", "主题", "系列", "集中"))
EDUCATION_HEADS = lexicon.words("initiative_education_heads.txt")
FACILITY_NOUNS = lexicon.words("initiative_facility_nouns.txt")
NAME_OPENERS = lexicon.words("initiative_name_openers.txt")
PRACTICE_FACILITIES = ("站", "所", "中心", "广场")  # the stations of a practice (…实践站, …实践所)
# What may stand between quotes of one list (“A”“B”, “A”、“B”, “A”和“B”).
LIST_JOINERS = frozenset(("", "、", "和", "与", "及", "以及"))


def initiatives(doc: Doc) -> None:
    """Find named initiatives: a quoted name followed by an initiative head (活动/行动/工程/服务/模式),
    perhaps after a short modifier (“打非治违”专项行动, “党旗飘飘 助企登高”园区党建品牌), or
    governed by a carrying-out verb (开展/推进/实施); and unquoted names ending in a head.
    The mention is the name as written; ``names`` holds the other names it goes by."""
    _quoted(doc)
    text = doc.text
    heads = _heads()
    for m in re.finditer(r"《([^《》]{2,20})》", text):
        head = next((h for h in heads if text.startswith(h, m.end())), None)
        if head:
            names = []
            if m.group(1).startswith("中华人民共和国"):  # the short title of a law names it too
                names.append(f"《{m.group(1)[7:]}》{head}")
            doc.add("initiative", m.start(), m.end() + len(head), "law+head", head=head, names=names)
    _proper_names(doc)
    _creations(doc)
    _education_campaigns(doc)
    _practices(doc)
    _chief_systems(doc)
    head_re = re.compile(rf"([{HAN}]{{2,10}}?)(工程|行动|攻坚战|收官战)")
    for m in head_re.finditer(text):
        start = noun_run_start(doc, m.end(1), max_len=10, allow_place_prefix=False, min_len=2)
        if start is None or doc.covered(start, m.end(), ("initiative",)):
            continue
        if start not in doc.boundaries and start > 0 and HAN_RE.match(text[start - 1]):
            continue  # the name would begin inside a word (环境卫[生精细化整治专项行动])
        while start < m.start(2) and text[start] in NAME_STOP_CHARS:
            start += 1  # 等文化惠民工程: the list's 等 is no part of the name
        name = text[start:m.end()]
        core = name[:-len(m.group(2))]
        if len(core) < 2 or name[:2] in NOT_INITIATIVE_OPENINGS \
                or name.startswith(NOT_INITIATIVE_LEADS) or core in GENERIC_INITIATIVE_NAMES \
                or tags(core)[0][1] in ("l", "v", "d", "p"):
            continue
        names = [core] if m.group(2) in KIND_HEADS and len(core) >= 2 else []
        doc.add("initiative", start, m.end(), "name+head", head=m.group(2), names=names)
    _abbreviated_creations(doc)


def _heads() -> list[str]:
    return sorted(lexicon.words("initiative_heads.txt"), key=len, reverse=True)


def _quoted(doc: Doc) -> None:
    """Quoted names. Quotes side by side or joined by 、/和/及 (“A”“B”活动, “A”、“B”等工作) are one
    list and share its evidence: the head after the last, the verb before the first, and, once one
    of them is an initiative in the article, the others are too. A list's unquoted last item
    (“A”、“B”及C等工作) goes with them."""
    text = doc.text
    heads = _heads()
    verbs = lexicon.words("initiative_verbs.txt")
    head_re = rf"[{HAN}]{{0,6}}(?:{'|'.join(map(re.escape, heads))})"
    head_after = re.compile(head_re)
    etc_head = re.compile(rf"(?:(?:以及|及|和|与|、)([{HAN}]{{2,12}}?))?等({head_re})")
    quotes = list(QUOTED.finditer(text))
    groups: list[list[re.Match]] = []
    for m in quotes:
        if groups and text[groups[-1][-1].end():m.start()] in LIST_JOINERS:
            groups[-1].append(m)
        else:
            groups.append([m])
    found: dict[int, tuple] = {}  # quote's start → (match, head, rule, strength)
    weak: list[tuple] = []  # (match, head, group index): formulas waiting for a sibling's evidence
    tails: list[tuple] = []  # (group index, start, end, head) of a list's unquoted last item
    for gi, group in enumerate(groups):
        last = group[-1]
        ha = head_after.match(text, last.end())
        group_head = ha.group(0) if ha and _modifier_ok(ha.group(0), heads) else None
        etc = etc_head.match(text, last.end())
        if not group_head and etc and _modifier_ok(etc.group(2), heads):
            group_head = "等" + etc.group(2)
            if etc.group(1):
                tails.append((gi, etc.start(1), etc.end(1), etc.group(2)))
        for m in group:
            inner = m.group(1)
            head = group_head
            bare_head = head.removeprefix("等") if head else None
            before = text[max(0, m.start() - 6):m.start()]
            first = group[0]
            verb = next((v for v in verbs if text[max(0, first.start() - 6):first.start()].endswith(v)), None)
            clause = text[_clause_start(text, first.start()):first.start()]
            running = any(v in clause for v in RUNNING_VERBS)
            themed = before.endswith("以") and text.startswith(("为主题", "为主线"), m.end())
            named_by_head = inner.endswith(tuple(heads)) and len(inner) > 3
            if inner.endswith("式") or len(inner) < 2:  # 拉网式, 保姆式: a manner of working
                continue
            if bare_head and text.startswith(("来抓", "抓"), m.end() + len(head or "")):
                continue  # 作为“一把手”工程来抓: a figure of speech
            generic = bool(bare_head) and bare_head.endswith(GENERIC_HEADS)
            if _listed(inner):
                # “早谋划、准投放”: a requirement, unless a head names it (“感党恩、庆丰收”活动); with
                # words of its own before the head (“日管控、周排查”监管机制) it lists the steps of that
                if not bare_head or generic or _modifier(bare_head, heads) not in LIST_MODIFIERS:
                    continue
            elif _numbered(inner):
                # “四风”, “两个维护”: a formula, unless a head names it (“五个一批”重大项目大会战) or
                # a carrying-out verb runs it as work (推进“三送”工作)
                if not bare_head or (generic and not running):
                    if bare_head:
                        weak.append((m, head, gi))
                    continue
            elif not (head or verb or named_by_head or themed):
                continue  # a verb further back in the clause is no evidence: 打造“强磁场”, 实现…“零死角”
            if verb and not head and HAN_RE.match(text[m.end():m.end() + 1] or " ") \
                    and text[m.end()] not in "等的和与及":
                continue  # 开展“点对点”送政策: the quote qualifies the next word
            rule = "quoted+head" if head else "verb+quoted" if verb else "quoted-theme" if themed else "quoted-name"
            found[m.start()] = (m, head, rule, gi)
    named = {m.group(1) for m, *_ in found.values()}
    accepted_groups = {gi for *_, gi in found.values()}
    while True:  # a formula is a programme when the same name, or a quote of its list, is one
        promoted = [(m, head, gi) for m, head, gi in weak if m.start() not in found
                    and (m.group(1) in named or gi in accepted_groups)]
        if not promoted:
            break
        for m, head, gi in promoted:
            found[m.start()] = (m, head, "listed-quoted", gi)
            named.add(m.group(1))
            accepted_groups.add(gi)
    for m, head, _rule, _gi in sorted(found.values(), key=lambda f: f[0].start()):
        inner = m.group(1)
        names = [inner + head] if head and not head.startswith("等") else []
        names += [part for part in re.split(r"——|—|－", inner) if len(part) >= 2 and part != inner]
        doc.add("initiative", m.start(1), m.end(1), _rule, head=(head or "").lstrip("等"), names=names)
    for gi, start, end, head in tails:
        if gi in accepted_groups and not _listed(text[start:end]):
            doc.add("initiative", start, end, "listed-with-quoted", head=head, names=[])


def _clause_start(text: str, pos: int) -> int:
    return rfind_any(text, "，。；！？：,;!?\n", 0, pos) + 1


def _name_start(doc: Doc, end: int, max_len: int = 18) -> int:
    """Where an unquoted name ending at ``end`` begins: back to the clause's start, a function
    word or governing verb (NAME_STOPS), or the end of a place or body named before it; a
    jurisdiction word opening it (省、市…, 全县…) is left out."""
    text = doc.text
    cstart = max(_clause_start(text, end), end - max_len - 6)
    cstart = max(cstart, max((text.rfind(c, cstart, end) for c in "、“”‘’《》（）()"), default=-1) + 1)
    # the last end of a place or body inside the window (the order they are seen in does not matter)
    cstart = max([cstart] + [m.end for _, m in doc.overlapping(cstart, end, ("place", "organization")) if m.end <= end])
    spans, pos = [], cstart
    for word, flag in tags(text[cstart:end]):
        spans.append((pos, pos + len(word), word, flag))
        pos += len(word)
    start = end
    for a, _b, word, flag in reversed(spans):
        if word in NAME_STOPS or word.endswith(LONG_NAME_STOPS) or end - a > max_len \
                or flag in ("p", "c", "u", "r", "d", "ad", "x") or flag == "v" and word not in NAME_VERBS:
            break  # 开展, 积极开展, 查看, 的: the name starts after them
        start = a
    while start < end and (text[start] in JURISDICTION_CHARS or text[start:start + 1] == "全"
                           and text[start + 1:start + 2] in JURISDICTION_CHARS):
        start += 2 if text[start] == "全" else 1
    return start


def _proper_names(doc: Doc) -> None:
    """Unquoted names whose ending makes them proper (…三年行动, …专项整治行动, …攻坚战)."""
    text = doc.text
    for m in re.finditer("|".join(map(re.escape, PROPER_HEADS)), text):
        start = _name_start(doc, m.start())
        core = text[start:m.start()]
        if len(core) < 2 or doc.covered(start, m.end(), ("initiative",)) or core in GENERIC_INITIATIVE_NAMES:
            continue
        if start > 0 and text[start - 1] in "”’」":  # “五个一批”重大项目大会战: the quote's head
            continue
        if core.endswith("专项") and len(core) <= 2:
            continue
        doc.add("initiative", start, m.end(), "proper-name+head", head=m.group(0), names=[])


# Nouns that may follow an unquoted X创建 for it to be the campaign's name (美丽庭院创建工作); before
# another noun, 创建 is the verb of a clause (创建全国文明城市).
CREATION_FOLLOWERS = ("工作", "活动", "行动", "标准", "专项", "成效", "成果", "工程", "任务", "中", "的", "和",
                      "与", "及", "等", "暨", "、")


def _creations(doc: Doc) -> None:
    """Unquoted campaigns of creating a title (美丽庭院创建, 全国文明城市创建): the name is also the
    title alone (美丽庭院), and without a 全国/全省 before it (文明城市创建)."""
    text = doc.text
    for m in re.finditer("创建", text):
        after = text[m.end():m.end() + 6]
        if HAN_RE.match(after[:1] or " ") and not after.startswith(CREATION_FOLLOWERS) \
                and tags(after)[0][1].startswith(NOUNISH):
            continue  # 创建全国文明城市: the verb and its object
        start = _name_start(doc, m.start(), max_len=10)
        core = text[start:m.start()]
        if len(core) < 4 or doc.covered(start, m.end(), ("initiative",)) \
                or not tags(core)[-1][1].startswith(("n", "j")) or re.search(r"\d", core):
            continue  # what is created is a title, a noun (美丽庭院), never 不断创新 or 2012年
        names = [core]
        for lead in ("全国", "全省", "全市", "全县", "全区"):
            if core.startswith(lead) and len(core) - len(lead) >= 4:
                names.append(core[len(lead):] + "创建")
                core = core[len(lead):]
        names.append("创" + core[0])  # 文明城市创建 is 创文, 卫生城市创建 创卫: the papers' short name
        doc.add("initiative", start, m.end(), "name+创建", head="创建", names=names)


def _education_campaigns(doc: Doc) -> None:
    """The party's education campaigns (学习教育, …主题教育, 群众路线教育实践活动), never a place of
    them (学习教育基地)."""
    text = doc.text
    for m in re.finditer("|".join(map(re.escape, EDUCATION_HEADS)), text):
        if text.startswith(FACILITY_NOUNS, m.end()):
            continue
        start = _opener(text, _name_start(doc, m.start()), m.start())
        if doc.covered(start, m.end(), ("initiative",)):
            continue
        names = [m.group(0)] if start < m.start() else []
        doc.add("initiative", start, m.end(), "education-campaign", head=m.group(0), names=names)


def _practices(doc: Doc) -> None:
    """A practice of the era with its own stations (新时代文明实践站, …实践中心, …实践所) is a
    programme: the name runs from the word that opens it (新时代) to 实践."""
    text = doc.text
    for m in re.finditer(rf"实践(?={'|'.join(map(re.escape, PRACTICE_FACILITIES))})", text):
        start = _opener(text, max(_clause_start(text, m.start()), m.start() - 12), m.start())
        if not text.startswith(NAME_OPENERS, start) or doc.covered(start, m.end(), ("initiative",)):
            continue  # 社区实践站, 培训实践基地: a place of practice, no programme's
        doc.add("initiative", start, m.end(), "practice+facility", head="实践", names=[])


def _chief_systems(doc: Doc) -> None:
    """X长制 (河长制, 林长制, 湖长制, 河湖长制): a system of chiefs named as one word."""
    for m in re.finditer(rf"[{HAN}]{{1,2}}长制", doc.text):
        start = m.start()
        if start not in doc.boundaries and not is_boundary_left(doc, start):
            start += 1  # 推行河长制: the verb's last character is no part of it
            if m.end() - start < 3 or (start not in doc.boundaries and not is_boundary_left(doc, start)):
                continue
        if not doc.covered(start, m.end(), ("initiative",)):
            doc.add("initiative", start, m.end(), "chief-system", head="制", names=[])


def _opener(text: str, start: int, end: int) -> int:
    """The start of a name moved to a word that opens names (…项目[新时代文明实践])."""
    found = [text.find(w, start, end) for w in NAME_OPENERS]
    return min((f for f in found if f >= start), default=start)


def _abbreviated_creations(doc: Doc) -> None:
    """创城工作, 创文行动: 创 and one character, a word of no dictionary, names a 创建 campaign."""
    text = doc.text
    for m in re.finditer(rf"创[{HAN}](?=工作|行动|活动)", text):
        if doc.covered(m.start(), m.end(), ("initiative",)) or m.start() not in doc.boundaries:
            continue
        if dictionary_freq(m.group(0)) >= 100:  # 创新工作, 创业活动
            continue
        head = next(h for h in KIND_HEADS if text.startswith(h, m.end()))
        doc.add("initiative", m.start(), m.end() + len(head), "abbreviated+head", head=head, names=[m.group(0)])


def _modifier(phrase: str, heads: list[str]) -> str:
    """The words of ``phrase`` before its head (专项整治 of 专项整治活动)."""
    return phrase[:-len(next(h for h in heads if phrase.endswith(h)))]


def _modifier_ok(phrase: str, heads: list[str]) -> bool:
    """The words between a quote and its head (“打非治违”专项行动) are nouns, never a clause
    (“钉钉子”精神加快推进项目)."""
    head = next(h for h in heads if phrase.endswith(h))
    modifier = phrase[:-len(head)]
    if any(c in "的之为是" for c in modifier):
        return False
    return len(modifier) <= 4 or all(f.startswith(NOUNISH) or f in ("vn", "m", "q", "t") for _, f in tags(modifier))


GENERIC_INITIATIVE_NAMES = frozenset(lexicon.words("generic_initiative_names.txt"))


def _listed(inner: str) -> bool:
    """A list in quotes (“早谋划、准投放、严监管”): a requirement unless a head names it."""
    return bool(re.search(r"[，、,]", inner))


def _numbered(inner: str) -> bool:
    """A numbered formula (“五个进一步到位”, “两个维护”, “四风”, “三农”)."""
    return bool(re.match(r"^[一二三四五六七八九十百千两\d]+[个项大条]", inner)) or _numbered_formula(inner)


# Heads that only say "the work on": “三农”工作 is the formula 三农, not a programme.
GENERIC_HEADS = lexicon.words("initiative_generic_heads.txt")


def _numbered_formula(inner: str) -> bool:
    """A number and one character (“四风”, “三农”, “两新”): a formula unless a head names it."""
    return bool(re.match(r"^[一二三四五六七八九十两\d]+.$", inner))

