"""Initiatives: named programmes and campaigns, quoted (“打非治违”专项行动, 开展“…”) or
unquoted names ending in a head (…工程, …行动, …攻坚战), and laws named with a head (《…》宣传月)."""

from __future__ import annotations

import re

from .. import lexicon
from .common import HAN, HAN_RE, NOUNISH, Doc, noun_run_start, tags

QUOTED = re.compile(r"[“\"‘「]([^“”\"‘’「」]{2,24})[”\"’」]")
# Heads whose word only says what kind of thing an initiative is: 创文行动 is also called 创文.
KIND_HEADS = frozenset(lexicon.words("initiative_kind_heads.txt"))
# Words before an initiative's head that make the phrase a manner, not a name (以实际行动, 用实际行动).
NOT_INITIATIVE_LEADS = lexicon.words("not_initiative_leads.txt")
# Two-character openings that make a phrase ending in a head no name (开展…行动, 这项工程, 会上…).
NOT_INITIATIVE_OPENINGS = frozenset(lexicon.words("not_initiative_openings.txt"))


def initiatives(doc: Doc) -> None:
    """Find named initiatives: a quoted name followed by an initiative head (活动/行动/工程/服务/模式),
    perhaps after a short modifier (“打非治违”专项行动, “党旗飘飘 助企登高”园区党建品牌), or
    preceded by a carrying-out verb (开展/推进/实施); and unquoted names ending in a head.
    The mention is the name as written; ``names`` holds the other names it goes by."""
    text = doc.text
    heads = sorted(lexicon.words("initiative_heads.txt"), key=len, reverse=True)
    verbs = lexicon.words("initiative_verbs.txt")
    head_after = re.compile(rf"[{HAN}]{{0,6}}(?:{'|'.join(map(re.escape, heads))})")
    for m in QUOTED.finditer(text):
        inner = m.group(1)
        ha = head_after.match(text, m.end())
        head = ha.group(0) if ha and _modifier_ok(ha.group(0), heads) else None
        before = text[max(0, m.start() - 6):m.start()]
        verb = next((v for v in verbs if before.endswith(v)), None)
        named_by_head = inner.endswith(tuple(heads)) and len(inner) > 3
        if _slogan(inner) or inner.endswith("式"):  # 拉网式, 保姆式: a manner of working
            continue
        if _numbered_formula(inner) and (not head or head.endswith(GENERIC_HEADS)):
            continue  # “四风”, “三农”工作: a formula; “一卡”服务模式 is a named mechanism
        if head and text.startswith(("来抓", "抓"), ha.end()):  # 作为“一把手”工程来抓: a figure of speech
            continue
        if not (head or verb or named_by_head):
            continue
        if verb and not head and HAN_RE.match(text[m.end():m.end() + 1] or " ") and text[m.end()] not in "等的和与及":
            continue  # 开展“点对点”送政策: the quote qualifies the next word
        names = [inner + head] if head else []
        names += [part for part in re.split(r"——|—|－", inner) if len(part) >= 2 and part != inner]
        rule = "quoted+head" if head else "verb+quoted" if verb else "quoted-name"
        doc.add("initiative", m.start(1), m.end(1), rule, head=head or "", names=names)
    for m in re.finditer(r"《([^《》]{2,20})》", text):
        head = next((h for h in heads if text.startswith(h, m.end())), None)
        if head:
            names = []
            if m.group(1).startswith("中华人民共和国"):  # the short title of a law names it too
                names.append(f"《{m.group(1)[7:]}》{head}")
            doc.add("initiative", m.start(), m.end() + len(head), "law+head", head=head, names=names)
    head_re = re.compile(rf"([{HAN}]{{2,10}}?)(工程|行动|攻坚战|收官战)")
    for m in head_re.finditer(text):
        start = noun_run_start(doc, m.end(1), max_len=10, allow_place_prefix=False, min_len=2)
        if start is None or doc.covered(start, m.end(), ("initiative",)):
            continue
        if start not in doc.boundaries and start > 0 and HAN_RE.match(text[start - 1]):
            continue  # the name would begin inside a word (环境卫[生精细化整治专项行动])
        name = text[start:m.end()]
        core = name[:-len(m.group(2))]
        if name[:2] in NOT_INITIATIVE_OPENINGS \
                or name.startswith(NOT_INITIATIVE_LEADS) or core in GENERIC_INITIATIVE_NAMES \
                or tags(core)[0][1] in ("l", "v", "d", "p"):
            continue
        names = [core] if m.group(2) in KIND_HEADS and len(core) >= 2 else []
        doc.add("initiative", start, m.end(), "name+head", head=m.group(2), names=names)


def _modifier_ok(phrase: str, heads: list[str]) -> bool:
    """The words between a quote and its head (“打非治违”专项行动) are nouns, never a clause
    (“钉钉子”精神加快推进项目)."""
    head = next(h for h in heads if phrase.endswith(h))
    modifier = phrase[:-len(head)]
    if any(c in "的之为是" for c in modifier):
        return False
    return len(modifier) <= 4 or all(f.startswith(NOUNISH) or f in ("vn", "m", "q", "t") for _, f in tags(modifier))


GENERIC_INITIATIVE_NAMES = frozenset(lexicon.words("generic_initiative_names.txt"))


def _slogan(inner: str) -> bool:
    """Requirements and lists (“五个进一步到位”, “早谋划、准投放、严监管”) are not initiatives."""
    return bool(re.match(r"^[一二三四五六七八九十百千两\d]+[个项大条]", inner) or re.search(r"[，、,]", inner)) \
        or len(inner) < 2


# Heads that only say "the work on": “三农”工作 is the formula 三农, not a programme.
GENERIC_HEADS = lexicon.words("initiative_generic_heads.txt")


def _numbered_formula(inner: str) -> bool:
    """A number and one character (“四风”, “三农”, “两新”): a formula unless a head names it."""
    return bool(re.match(r"^[一二三四五六七八九十两\d]+.$", inner))

