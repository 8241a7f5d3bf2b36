"""Typed records passed between the stages: read → segment → extract → resolve → graph → export.

Every record that stems from text keeps character offsets into the *source file's* decoded
text, so any fact can be traced back to the exact characters it came from.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """Something that went wrong with one input, reported without stopping the run."""

    path: str
    message: str
    stage: str = "read"
    skipped: bool = True  # False: a warning about input that was still processed (replaced bytes …)


@dataclass
class Source:
    """One input file, decoded."""

    path: str  # as given (absolute or relative)
    name: str  # base name, used as the file's identity in the graph
    text: str
    encoding: str = "utf-8"
    jurisdiction: str | None = None  # where its reports are from when they do not say (kg.toml, --jurisdiction)
    format: str = "text"  # text | html | jsonl: what the file was (offsets are into ``text`` as decoded/extracted)
    date: str | None = None  # the page's date (YYYY-MM-DD) or year (YYYY): JSON Lines, file name, --date
    site: str | None = None  # the web site it was taken from (JSON Lines ``url``/``site``): pages of one site share a place
    outlet: str | None = None  # the outlet that published it (JSON Lines ``source``: 文成新闻网), a hint of its jurisdiction
    url: str | None = None  # the page's web address (JSON Lines ``url``), for evidence a reader can open


@dataclass(frozen=True)
class Credit:
    """A person named in a byline or photo credit, with the role the paper gives them."""

    name: str
    role: str  # "记者" reporter, "通讯员" correspondent, "摄影" photographer
    start: int  # offsets in the source text
    end: int


@dataclass
class Article:
    """One report found on a page.

    ``body`` is the cleaned text: the headline lines, then the report (``lead`` is where it
    starts), bylines removed and lines broken by the layout re-joined; ``offsets[i]`` is the
    source-text offset of ``body[i]``.
    """

    source: str  # Source.name
    index: int  # position on the page, from 0
    headline: str
    body: str
    offsets: list[int]
    credits: list[Credit] = field(default_factory=list)
    kicker: str = ""  # 引题 / 副题 lines around the headline
    date: str | None = None  # ISO date or XSD --MM-DD when the year is unknown
    date_from: str = ""  # how the date was obtained: dateline | dateline+page-year | page
    headline_start: int = 0
    headline_end: int = 0
    lead: int = 0  # body offset where the report proper starts (after the headline lines)
    outlet: str = ""  # the outlet its dateline names (本报, 文成新闻网, 云上江陵), a hint of its jurisdiction

    @property
    def id(self) -> str:
        return f"{self.source}#{self.index}"

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a body span to the corresponding span in the source text."""
        if not self.offsets:
            return (0, 0)
        begin = self.offsets[min(start, len(self.offsets) - 1)]
        last = self.offsets[min(max(end - 1, start), len(self.offsets) - 1)]
        return (begin, last + 1)

    def quote(self, start: int, end: int) -> str:
        """``body[start:end]`` as the source has it: without the full stops the segmenter put after
        sub-heads (an inserted character shares its predecessor's source offset)."""
        o = self.offsets
        end = min(end, len(o))
        if end <= start:
            return ""
        first = max(start, 1)
        if not any(map(operator.eq, o[first - 1:end - 1], o[first:end])):  # nothing inserted: most sentences
            return self.body[start:end].strip()
        return "".join(self.body[i] for i in range(start, end) if i == 0 or o[i] != o[i - 1]).strip()


@dataclass(frozen=True)
class Evidence:
    """Where a fact was read: the sentence and the characters of the mention in the source."""

    source: str
    article: str  # Article.id
    sentence: str
    start: int  # source offsets of the sentence
    end: int


@dataclass
class Mention:
    """A span of an article that names an entity."""

    kind: str  # person | place | organization | initiative | meeting
    text: str  # surface form as written
    start: int  # body offsets
    end: int
    rule: str  # the pattern that found it (for --explain)
    sentence: int = -1  # index into the article's sentences
    attrs: dict = field(default_factory=dict)  # e.g. {"level": "district"} for places
    component: str = ""  # the pipeline component that ran the pattern (kg_persons …)


@dataclass
class Relation:
    """A typed link between two mentions of one article (indices into the mention list)."""

    kind: str  # holds | chaired | attended (between mentions of one article)
    subject: int
    object: int | None
    rule: str
    sentence: int = -1
    attrs: dict = field(default_factory=dict)  # e.g. {"title": "副区长"} for holds
    component: str = ""


@dataclass
class Sentence:
    text: str
    start: int  # body offsets
    end: int


@dataclass
class Extraction:
    """What the extract stage found in one article."""

    article: Article
    sentences: list[Sentence]
    mentions: list[Mention]
    relations: list[Relation]

    def evidence(self, sentence: int) -> Evidence:
        a = self.article
        if 0 <= sentence < len(self.sentences):
            s = self.sentences[sentence]
            begin, end = a.source_span(s.start, s.end)
            return Evidence(a.source, a.id, a.quote(s.start, s.end), begin, end)
        begin, end = a.headline_start, a.headline_end
        return Evidence(a.source, a.id, a.headline, begin, end)


@dataclass
class Page:
    """What the per-page stages made of one page (what the page cache keeps)."""

    articles: list[Article]
    extractions: list[Extraction]  # an extraction's article is the same object as in ``articles``
    problems: list[Problem]
    seconds: dict[str, float]


@dataclass
class Entity:
    """One real thing after resolution, with every mention that names it."""

    key: str  # stable identity, e.g. "person/烈山区/王明"; IRIs derive from it
    kind: str
    label: str  # canonical label
    aliases: set[str] = field(default_factory=set)
    attrs: dict = field(default_factory=dict)  # level, adcode, parent key, organ type ...
    mentions: list[tuple[str, Mention]] = field(default_factory=list)  # (article id, mention)
    rules: set[str] = field(default_factory=set)  # resolution rules that shaped it


@dataclass
class Fact:
    """A resolved relation between two entities, with its evidence."""

    kind: str  # holds | chaired | attended | part_of | sub_organization_of | located_in | runs | authored
    subject: str  # Entity.key
    object: str  # Entity.key
    article: str
    evidence: Evidence | None
    rule: str
    attrs: dict = field(default_factory=dict)
    component: str = ""  # the extraction component behind it; "" for facts resolution infers


@dataclass
class Spell:
    """A tenure: every observation of one person in one post (organisation + title) merged, with
    the first and last dates it was seen (ISO dates of the reports; None if none was dated) and
    the appointment or removal that opened or closed it, when a report states one."""

    person: str  # Entity.key
    org: str  # Entity.key ("" when the post's body is unknown)
    title: str
    first: str | None
    last: str | None
    articles: list[str] = field(default_factory=list)  # where it was observed
    began: str | None = None  # date of an appointment (任命, 当选 …)
    ended: str | None = None  # date of a removal (免去, 不再担任 …)
    # what kg.careers derives (docs/careers.md says how)
    jurisdiction: str = ""  # the organisation's place (Entity.key), "" when unknown
    category: str = ""  # party | government | congress | cppcc | discipline | department | township | enterprise | other
    rank: str = ""  # 级别 of the post (正处级 …), "" when the rank table does not say
    acting: bool = False  # 代区长, 代理县长
    deputy: bool = False  # 副区长, 常务副县长
    executive: bool = False  # 常务副区长
    predecessor: str = ""  # the person who held this sole post before (Entity.key)
    successor: str = ""
    evidence: dict = field(default_factory=dict)  # the earliest observation: article, file, sentence, start, end


@dataclass
class Corpus:
    """Everything the pipeline produced for a run: the input to graph building and reports."""

    sources: list[Source] = field(default_factory=list)
    articles: list[Article] = field(default_factory=list)
    entities: dict[str, Entity] = field(default_factory=dict)
    facts: list[Fact] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    spells: list[Spell] = field(default_factory=list)
    conflicts: list[dict] = field(default_factory=list)  # two holders of a sole post at overlapping dates
    jurisdictions: list[dict] = field(default_factory=list)  # per article: where it is, and which signal said so
    links: list[dict] = field(default_factory=list)  # same-person candidates across jurisdictions (kg.careers)
