"""A generated graph with the node and edge attributes of a kg build's graph (graph.json of the
seeds: keys, kinds, jurisdictions, places with levels and parents, evidence on every edge), at any
size, for the big view's browser test and bench/html_view.py. Names are made up (人员00001)."""

from __future__ import annotations

import random

import networkx as nx

TITLES = ("书记", "副书记", "区长", "副区长", "局长", "副局长", "主任", "副主任", "主席")
ORG_TAILS = ("委", "人民政府", "财政局", "教育局", "民政局", "人大常委会", "政协", "纪委", "住建局", "卫健委")
# (relation, Chinese label, share of the drawn edges)
RELATIONS = (("holds", "", 0.24), ("attended", "出席", 0.22), ("chaired", "主持", 0.04), ("part_of", "隶属", 0.10),
             ("sub_organization_of", "下属于", 0.05), ("located_in", "位于", 0.03), ("runs", "开展", 0.12),
             ("authored", "记者", 0.20))
# each district's share of its nodes, by kind
KIND_SHARE = (("person", 0.40), ("organization", 0.22), ("place", 0.06), ("initiative", 0.08), ("meeting", 0.08),
              ("article", 0.16))
CROSS_DISTRICT = 0.08  # links between districts: transfers, city bodies, reporters of the city paper


def synthetic_graph(n_nodes: int = 50_000, n_edges: int = 150_000, districts: int | None = None,
                    seed: int = 7) -> nx.MultiDiGraph:
    """About ``n_nodes`` drawable nodes (and one source file per 20 articles, which views hide) and
    ``n_edges`` drawn edges, plus the article → entity ``mentions`` and article → file ``in_file``
    edges a build has."""
    rng = random.Random(seed)
    districts = districts or max(1, n_nodes // 500)
    g = nx.MultiDiGraph()
    g.graph.update(spells=[], conflicts=[], links=[])
    g.add_node("place/990000", kind="place", label="样例省", aliases=[], mentions=1, articles=[], level="province",
               adcode="990000")
    counters: dict[str, int] = {}

    def name(prefix: str) -> str:
        counters[prefix] = counters.get(prefix, 0) + 1
        return f"{prefix}{counters[prefix]:05d}"

    by: list[dict[str, list[str]]] = []
    per_district = (n_nodes - 1) / districts
    for di in range(districts):
        code = f"99{di // 10 + 1:02d}{di % 10 + 1:02d}"
        district = f"{name('样区')}区"
        dkey = f"place/{code}"
        kinds: dict[str, list[str]] = {k: [] for k, _ in KIND_SHARE}
        g.add_node(dkey, kind="place", label=district, aliases=[], mentions=rng.randint(1, 40), articles=[],
                   level="district", adcode=code, parent="place/990000", lat=30 + di % 10, lon=110 + di // 10)
        kinds["place"].append(dkey)
        counts = {k: max(1, round(per_district * share)) for k, share in KIND_SHARE}
        counts["place"] -= 1
        for i in range(counts["article"]):
            file = f"{code}_{i // 5:03d}.txt"
            aid = f"{file}#{i % 5}"
            day = f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}"
            g.add_node(f"article/{aid}", kind="article", label=f"{district}召开第{i + 1}次工作推进会", aliases=[],
                       mentions=0, articles=[aid], file=file, index=i % 5, date=day, kicker="",
                       headline=f"{district}召开第{i + 1}次工作推进会")
            kinds["article"].append(f"article/{aid}")
            if i % 5 == 0:
                g.add_node(f"source/{file}", kind="source", label=file, aliases=[], mentions=0, articles=[],
                           path=f"pages/{file}", encoding="utf-8")
            g.add_edge(f"article/{aid}", f"source/{file}", key="in_file", kind="in_file", label="刊于", article=aid,
                       file=file, sentence="", start=-1, end=-1, rule="segment")
        arts = kinds["article"]

        g.nodes[dkey]["articles"] = [arts[0].split("/", 1)[1]]

        def cite(arts: list[str] = arts) -> str:
            return rng.choice(arts).split("/", 1)[1]

        for _ in range(counts["place"]):
            label = f"{name('样街')}街道"
            key = f"place/{code}/{label}"
            g.add_node(key, kind="place", label=label, aliases=[], mentions=rng.randint(1, 9), articles=[cite()],
                       level="street", parent=dkey)
            kinds["place"].append(key)
        for _ in range(counts["organization"]):
            label = district + name("机构") + rng.choice(ORG_TAILS)
            key = f"org/{label}"
            g.add_node(key, kind="organization", label=label, aliases=[label[len(district):]],
                       mentions=rng.randint(1, 30), articles=[cite()], organ="government", jurisdiction=dkey)
            kinds["organization"].append(key)
        for _ in range(counts["person"]):
            label = name("人员")
            key = f"person/{district}/{label}"
            g.add_node(key, kind="person", label=label, aliases=[], mentions=rng.randint(1, 20), articles=[cite()])
            kinds["person"].append(key)
        for _ in range(counts["initiative"]):
            label = f"{name('举措')}行动"
            key = f"initiative/{district}/{label}"
            g.add_node(key, kind="initiative", label=label, aliases=[f"“{label}”"], mentions=rng.randint(1, 9),
                       articles=[cite()])
            kinds["initiative"].append(key)
        for _ in range(counts["meeting"]):
            aid = cite()
            label = f"{name('会议')}会议"
            key = f"meeting/{aid}/{label}"
            g.add_node(key, kind="meeting", label=label, aliases=[], mentions=1, articles=[aid])
            kinds["meeting"].append(key)
        for n in kinds["person"] + kinds["organization"] + kinds["initiative"]:
            aid = g.nodes[n]["articles"][0]
            g.add_edge(f"article/{aid}", n, key="mentions", kind="mentions", label="提及", article=aid,
                       file=aid.split("#")[0], sentence="", start=-1, end=-1, rule="mention")
        by.append(kinds)

    ends = {"holds": ("person", "organization"), "attended": ("person", "meeting"), "chaired": ("person", "meeting"),
            "part_of": ("organization", "place"), "sub_organization_of": ("organization", "organization"),
            "located_in": ("place", "place"), "runs": ("organization", "initiative"), "authored": ("article", "person")}
    for j in range(n_edges):
        kind, zh, _ = rng.choices(RELATIONS, [w for _, _, w in RELATIONS])[0]
        home = by[rng.randrange(districts)]
        away = by[rng.randrange(districts)] if rng.random() < CROSS_DISTRICT else home
        a, b = ends[kind]
        u, v = rng.choice(home[a]), rng.choice(away[b])
        aid = g.nodes[u]["articles"][0] if g.nodes[u]["articles"] else g.nodes[v]["articles"][0]
        file = aid.split("#")[0]
        who, what = g.nodes[u]["label"], g.nodes[v]["label"]
        attrs = {"kind": kind, "label": zh, "article": aid, "file": file, "rule": kind}
        if kind == "holds":
            title = rng.choice(TITLES)
            sentence = f"{what}{title}{who}主持会议并讲话，强调要抓好各项工作落实。"
            attrs.update(label=title, title=title, rule="post-chain")
        elif kind in ("attended", "chaired"):
            sentence = f"{who}{zh}{what}，听取工作汇报，研究部署下一步重点工作。"
        elif kind == "runs":
            sentence = f"{who}深入开展{what}，推动工作取得新成效。"
        else:
            sentence = ""
        start = 40 + (j % 400) * 3 if sentence else -1
        attrs.update(sentence=sentence, start=start, end=start + len(sentence) if sentence else -1)
        g.add_edge(u, v, **attrs)
    return g
