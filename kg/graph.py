"""Graph stage: resolved entities and facts → one networkx MultiDiGraph.

The graph is the single hand-off to every exporter and renderer.

Nodes are keyed by ``Entity.key`` (articles by ``article/<file>#<n>``, files by
``source/<file>``) and carry:

    kind      person | place | organization | initiative | meeting | article | source
    label     canonical label
    aliases   list of other names
    mentions  number of mentions (articles: 0)
    articles  list of article ids that mention it
    + kind-specific attributes (level, adcode, lon, lat, organ, date, headline, file ...)

Edges are keyed by their kind and carry:

    kind      holds | chaired | attended | part_of | sub_organization_of | located_in | runs | authored | mentions
              | in_file | appointed | removed | nominated
    label     what a reader sees on the edge (the post title for ``holds``, 主持 for ``chaired``, 拟任 + the
              title for ``nominated``: a post a pre-appointment notice proposes)
    article, file, sentence, start, end, rule     (evidence; empty for structural edges)
    + title / role for holds and authored; title, stated (拟任, 拟提名为 …) and the notice period
      (notice_from, notice_to) for nominated

A person a notice lists also carries what it states (gender, ethnicity, birth, native_place,
birth_place, education, degree, party, party_joined, work_started) and ``biography``: each
notice's statement of them with its evidence.
"""

from __future__ import annotations

import networkx as nx

from .records import Corpus

EDGE_LABELS = {
    "chaired": "主持",
    "attended": "出席",
    "part_of": "隶属",
    "appointed": "任命",
    "removed": "免职",
    "nominated": "拟任",
    "sub_organization_of": "下属于",
    "located_in": "位于",
    "runs": "开展",
    "authored": "作者",
    "mentions": "提及",
    "in_file": "刊于",
}


def article_key(article_id: str) -> str:
    return f"article/{article_id}"


def source_key(name: str) -> str:
    return f"source/{name}"


def _spell_dict(spell) -> dict:
    """``asdict(spell)``: its fields are strings, flags, a list of article ids and one flat dict,
    so copying those two is the whole of the deep copy, which took a third of graph building."""
    d = dict(vars(spell))
    d["articles"] = list(spell.articles)
    d["evidence"] = dict(spell.evidence)
    return d


def build_graph(corpus: Corpus) -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    # tenures and their conflicts describe the graph as a whole (exported as org:Membership)
    g.graph["spells"] = [_spell_dict(s) for s in corpus.spells]
    g.graph["conflicts"] = list(corpus.conflicts)
    g.graph["links"] = list(corpus.links)  # same-person links across jurisdictions, merged or not (kg.careers)
    for source in corpus.sources:
        g.add_node(source_key(source.name), kind="source", label=source.name, aliases=[],
                   mentions=0, articles=[], path=source.path, encoding=source.encoding,
                   **({"url": source.url} if source.url else {}))
    for a in corpus.articles:
        key = article_key(a.id)
        g.add_node(key, kind="article", label=a.headline, aliases=[], mentions=0, articles=[a.id],
                   file=a.source, index=a.index, date=a.date or "", kicker=a.kicker,
                   headline=a.headline, text=a.body)
        g.add_edge(key, source_key(a.source), key="in_file", kind="in_file", label=EDGE_LABELS["in_file"],
                   article=a.id, file=a.source, sentence="", start=-1, end=-1, rule="segment")
    for e in corpus.entities.values():
        articles = sorted({aid for aid, _ in e.mentions})
        attrs = {k: v for k, v in e.attrs.items() if v is not None and not k.startswith("_")}
        g.add_node(e.key, kind=e.kind, label=e.label, aliases=sorted(e.aliases - {e.label}),
                   mentions=len(e.mentions), articles=articles, rules=sorted(e.rules), **attrs)
        for aid in articles:
            g.add_edge(article_key(aid), e.key, key="mentions", kind="mentions",
                       label=EDGE_LABELS["mentions"], article=aid, file=aid.split("#")[0],
                       sentence="", start=-1, end=-1, rule="mention")
    for f in corpus.facts:
        if f.kind == "holds" and not f.object and f.subject in g:
            # 主任X with no body written or implied: the post still stands, held in no known body
            ev = f.evidence
            g.nodes[f.subject].setdefault("bodiless_posts", []).append(
                {"title": f.attrs.get("title", ""), "article": f.article, "sentence": ev.sentence if ev else "",
                 "start": ev.start if ev else -1, "end": ev.end if ev else -1, "rule": f.rule})
            continue
        if f.subject not in g or f.object not in g:
            continue
        ev = f.evidence
        label = f.attrs.get("title") or f.attrs.get("role") or EDGE_LABELS.get(f.kind, f.kind)
        if f.kind == "nominated":  # 拟任副县长: the proposed post, told from a post held
            label = EDGE_LABELS[f.kind] + f.attrs.get("title", "")
        g.add_edge(f.subject, f.object, kind=f.kind, label=label, article=f.article,
                   file=ev.source if ev else f.article.split("#")[0],
                   sentence=ev.sentence if ev else "", start=ev.start if ev else -1,
                   end=ev.end if ev else -1, rule=f.rule,
                   **{k: v for k, v in f.attrs.items() if v is not None})
    return g
