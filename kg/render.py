"""Render the knowledge graph as one self-contained, offline HTML page.

pyvis builds the vis-network node and edge records, but the page comes from our own template
(``templates/graph.html``): pyvis 0.3.2's own templates either load vis-network from a CDN or
from a ``lib/`` folder next to the page, and even ``in_line`` links Bootstrap remotely, so its
pages render blank offline. Here the vis-network library is read from pyvis's bundled copy and
inlined, and every piece of text that came from a newspaper page is escaped.

A selected person's posts are drawn on a time axis (the career panel) from the build's spells
(``graph.graph["spells"]``), embedded once in the page's data in the order of the careers spell
table (``kg export --to careers``), each with its evidence sentence.
"""

from __future__ import annotations

import base64
import gzip
import html
import json
import math
import pathlib
import re
from collections import Counter
from importlib import resources

import jinja2
import networkx as nx
from markupsafe import Markup
from pyvis.edge import Edge
from pyvis.network import Network

from .bigview import BIG_VIEW_NODES
from .career_tables import spell_rows
from .careers import post_title
from .explain import describe_rule
from .export import write_atomic

FONT_STACK = '"Noto Sans CJK SC", "Noto Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif'

# kind → (Chinese name, colour, vis shape). Order is the legend order.
KIND_STYLE: dict[str, tuple[str, str, str]] = {
    "person": ("人物", "#e15759", "dot"),
    "organization": ("机构", "#4e79a7", "square"),
    "place": ("地点", "#59a14f", "triangle"),
    "initiative": ("工作举措", "#f28e2b", "diamond"),
    "meeting": ("会议", "#b07aa1", "star"),
    "article": ("报道", "#9c9c9c", "hexagon"),
    "source": ("版面文件", "#bab0ac", "square"),
}
UNKNOWN_STYLE = ("其他", "#76b7b2", "dot")

EDGE_KIND_ZH = {
    "holds": "任职",
    "appointed": "任命",
    "removed": "免职",
    "nominated": "拟任",
    "chaired": "主持",
    "attended": "出席",
    "part_of": "隶属",
    "sub_organization_of": "下属于",
    "located_in": "位于",
    "runs": "开展",
    "authored": "作者",
    "mentions": "提及",
    "in_file": "刊于",
}
# docs/careers.md's post categories, as the career panel names them
CATEGORY_ZH = {
    "party": "党委",
    "government": "政府",
    "congress": "人大",
    "cppcc": "政协",
    "discipline": "纪委监委",
    "department": "工作部门",
    "township": "乡镇街道",
    "enterprise": "企业",
    "other": "其他",
}
EDGE_COLOR = {
    "holds": "#c0392b",
    "appointed": "#e8867a",
    "removed": "#7f8c8d",
    "chaired": "#8e44ad",
    "attended": "#b39ddb",
    "part_of": "#2e86c1",
    "sub_organization_of": "#5dade2",
    "located_in": "#58a55c",
    "runs": "#e67e22",
    "authored": "#aaaaaa",
}

# Source files and article→entity / article→file links connect nearly everything to
# everything; drawn, they bury the relations between officials, organs and places.
HIDDEN_NODE_KINDS = frozenset({"source"})
HIDDEN_EDGE_KINDS = frozenset({"mentions", "in_file"})

# Above this many drawn nodes the browser's physics simulation gets sluggish and vis's
# "improved layout" pass can hang the tab, so positions are computed here instead.
PHYSICS_NODE_LIMIT = 400
STABILIZATION_ITERATIONS = 400

LABEL_MAX_CHARS = 14
TOOLTIP_MAX_ARTICLES = 8
TOOLTIP_MAX_POSTS = 12
EDGE_TITLE_MAX_CHARS = 90

TEMPLATE_DIR = pathlib.Path(__file__).resolve().parent / "templates"


def render_html(graph: nx.MultiDiGraph, path: pathlib.Path, title: str = "kg", max_nodes: int = 3000,
                career: str | None = None) -> None:
    """Write ``graph`` as an interactive, self-contained HTML page to ``path``. With ``career`` (a
    person's key), the page opens with that person selected and their career panel shown.

    Above ``BIG_VIEW_NODES`` drawable nodes the page is the sigma.js view of ``kg/bigview.py``, which
    draws every node (``max_nodes`` is vis-network's limit only) and opens on ``career`` selected."""
    path = pathlib.Path(path)
    drawable = _drawable_nodes(graph)
    if len(drawable) > BIG_VIEW_NODES:
        _render_big(graph, path, title, drawable, career)
        return
    kept = _prune(graph, drawable, max_nodes)
    kept_set = set(kept)
    edges = [
        (u, v, k, d)
        for u, v, k, d in graph.edges(keys=True, data=True)
        if u in kept_set and v in kept_set and d.get("kind") not in HIDDEN_EDGE_KINDS
    ]
    big = len(kept) > PHYSICS_NODE_LIMIT
    positions = _layout(kept, edges) if big else {}

    net = _build_network(graph, kept, edges, positions, big)
    legend = _legend(Counter(n["kind"] for n in net.nodes))
    edge_legend = _edge_legend(Counter(e["kind"] for e in net.edges))
    data = {
        "nodes": net.nodes,
        "edges": net.edges,
        "options": _vis_options(len(kept), big),
        "big": big,
        "kindNames": {kind: style[0] for kind, style in KIND_STYLE.items()},
        "careers": career_data(graph, [n for n in kept if graph.nodes[n].get("kind") == "person"]),
        "categoryNames": CATEGORY_ZH,
        "career": career if career in kept_set else None,
    }
    vis_js, vis_css = _vis_assets()
    page = _template("graph.html").render(
        title=title,
        vis_js=Markup(vis_js),
        vis_css=Markup(vis_css),
        data_json=Markup(_script_json(data)),
        legend=legend,
        edge_legend=edge_legend,
        shown_nodes=len(kept),
        total_nodes=len(drawable),
        shown_edges=len(edges),
        pruned=len(kept) < len(drawable),
        big=big,
        career_page=bool(data["career"]),
    )
    write_atomic(path, lambda p: p.write_text(page, encoding="utf-8"))


def _legend(kinds_present: Counter) -> list[dict]:
    return [
        {
            "kind": kind,
            "name": KIND_STYLE.get(kind, UNKNOWN_STYLE)[0],
            "color": KIND_STYLE.get(kind, UNKNOWN_STYLE)[1],
            "swatch": _swatch(KIND_STYLE.get(kind, UNKNOWN_STYLE)),
            "count": kinds_present[kind],
        }
        for kind in [*KIND_STYLE, *sorted(set(kinds_present) - set(KIND_STYLE))]
        if kinds_present[kind]
    ]


def _edge_legend(relations: Counter) -> list[dict]:
    return [
        {"name": EDGE_KIND_ZH.get(kind, kind), "color": EDGE_COLOR.get(kind, "#888888"), "count": count}
        for kind, count in sorted(relations.items(), key=lambda kv: -kv[1])
    ]


def _template(name: str) -> jinja2.Template:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    return env.get_template(name)


def _render_big(graph: nx.MultiDiGraph, path: pathlib.Path, title: str, drawable: list[str], career: str | None) -> None:
    """The WebGL page (kg/bigview.py): every drawable node and every drawn edge, no pruning."""
    from .bigview import render_big, vendored_js

    wanted = set(drawable)
    edges = [
        (u, v, k, d)
        for u, v, k, d in graph.edges(keys=True, data=True)
        if u in wanted and v in wanted and d.get("kind") not in HIDDEN_EDGE_KINDS
    ]
    legend = _legend(Counter(graph.nodes[n].get("kind") or "unknown" for n in drawable))
    edge_legend = _edge_legend(Counter(d.get("kind") or "" for _u, _v, _k, d in edges))
    parts = render_big(graph, drawable, edges, title, legend, edge_legend, career)
    page = _template("bigview.html").render(
        js=Markup(_guard_end_tag(vendored_js(), "script")),
        data_b64=_packed_json(parts.pop("data")),
        **parts,
    )
    write_atomic(path, lambda p: p.write_text(page, encoding="utf-8"))


def _drawable_nodes(graph: nx.MultiDiGraph) -> list[str]:
    return [n for n, d in graph.nodes(data=True) if d.get("kind") not in HIDDEN_NODE_KINDS]


def _prune(graph: nx.MultiDiGraph, drawable: list[str], max_nodes: int) -> list[str]:
    if len(drawable) <= max_nodes:
        return drawable
    # Degree is counted over drawn edges only: the hidden mention edges would otherwise rank
    # every article above the officials it reports on.
    drawable_set = set(drawable)
    degree: Counter[str] = Counter()
    for u, v, d in graph.edges(data=True):
        if d.get("kind") in HIDDEN_EDGE_KINDS or u not in drawable_set or v not in drawable_set:
            continue
        degree[u] += 1
        degree[v] += 1
    ranked = sorted(
        drawable,
        key=lambda n: (-degree[n], -int(graph.nodes[n].get("mentions") or 0), str(n)),
    )
    keep = set(ranked[: max(0, max_nodes)])
    return [n for n in drawable if n in keep]


def _build_network(graph: nx.MultiDiGraph, kept: list[str], edges: list, positions: dict, big: bool) -> Network:
    net = Network(directed=True)
    for n in kept:
        d = graph.nodes[n]
        kind = d.get("kind") or "unknown"
        _, color, shape = KIND_STYLE.get(kind, UNKNOWN_STYLE)
        label = str(d.get("label") or n)
        options = {
            "title": _node_tooltip(graph, n),
            "color": color,
            "size": _node_size(d),
            "kind": kind,
            "name": label,
            "aliases": [str(a) for a in d.get("aliases") or []],
        }
        if n in positions:
            options["x"], options["y"] = positions[n]
        net.add_node(str(n), label=_short(label, LABEL_MAX_CHARS), shape=shape, **options)

    # pyvis's add_edge checks membership against a list of node ids (quadratic on big
    # graphs); every endpoint here is already a kept node, so build its Edge records directly.
    parallel: Counter[frozenset] = Counter()
    for i, (u, v, _key, d) in enumerate(edges):
        kind = d.get("kind") or ""
        options = {
            "id": f"e{i}",
            "label": str(d.get("label") or EDGE_KIND_ZH.get(kind, kind)),
            "title": _edge_tooltip(graph, u, v, d),
            "kind": kind,
            "color": EDGE_COLOR.get(kind, "#888888"),
            "evidence": _evidence(graph, u, v, d),
        }
        pair = frozenset((u, v))
        if not big and parallel[pair]:
            # vis draws parallel edges on top of each other; bend the extra ones apart.
            options["smooth"] = {"enabled": True, "type": "curvedCW", "roundness": 0.2 * parallel[pair]}
        parallel[pair] += 1
        net.edges.append(Edge(str(u), str(v), directed=True, **options).options)
    return net


def _node_size(d: dict) -> float:
    if d.get("kind") == "article":
        return 9
    mentions = int(d.get("mentions") or 0)
    return round(min(45.0, 10 + 4 * math.sqrt(max(mentions, 0))), 1)


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _article_headline(graph: nx.MultiDiGraph, article_id: str) -> str:
    if article_id in graph.graph.get("headlines", {}):  # a focused view keeps them without the nodes
        return str(graph.graph["headlines"][article_id])
    node = graph.nodes.get(f"article/{article_id}") if article_id else None
    if node:
        return str(node.get("label") or node.get("headline") or article_id)
    return str(article_id or "")


def _node_tooltip(graph: nx.MultiDiGraph, n: str) -> str:
    """Escaped HTML; the page turns it into a DOM element for vis's hover popup."""
    d = graph.nodes[n]
    kind = d.get("kind") or "unknown"
    esc = html.escape
    parts = [
        f'<div class="tt-kind">{esc(KIND_STYLE.get(kind, (kind,))[0])}</div>',
        f'<div class="tt-label">{esc(str(d.get("label") or n))}</div>',
    ]
    aliases = [str(a) for a in d.get("aliases") or []]
    if aliases:
        parts.append(f"<div><b>别名：</b>{esc('、'.join(aliases))}</div>")
    if kind == "person":
        posts: Counter[str] = Counter()  # a post reported in five articles is one line, seen five times
        spans = {(sp["org"], sp["title"]): sp for sp in graph.graph.get("spells", []) if sp["person"] == n}
        for _, org, e in graph.out_edges(n, data=True):
            if e.get("kind") != "holds":
                continue
            post = str(e.get("title") or e.get("label") or "")
            org_label = str(graph.nodes[org].get("label") or org)
            spell = spans.get((org, post_title(post)))  # 代理区长 and 代区长 are one spell
            when = ""
            if spell and spell.get("first"):  # the tenure's timeline: first and last reports that show it
                when = f" {spell['first']}" + (f"—{spell['last']}" if spell["last"] != spell["first"] else "")
            posts[(f"{post}（{org_label}）" if post else org_label) + when] += 1
        stated = "，".join(str(d[k]) + ("生" if k == "birth" else "") for k in ("gender", "ethnicity", "birth")
                          if d.get(k))
        if stated:  # what a pre-appointment notice states of the person
            parts.append(f"<div><b>简况：</b>{esc(stated)}</div>")
        if posts:
            shown = "".join(f"<li>{esc(p)}" + (f' <span class="seen">×{seen}</span>' if seen > 1 else "") + "</li>"
                            for p, seen in list(posts.items())[:TOOLTIP_MAX_POSTS])
            more = f"<li>……共 {len(posts)} 项</li>" if len(posts) > TOOLTIP_MAX_POSTS else ""
            parts.append(f"<div><b>职务：</b><ul>{shown}{more}</ul></div>")
    if kind == "article":
        for key, name in (("date", "日期"), ("kicker", "引题"), ("file", "文件")):
            if d.get(key):
                parts.append(f"<div><b>{name}：</b>{esc(str(d[key]))}</div>")
    else:
        for key, name in (("date", "日期"), ("level", "级别"), ("organ", "机关")):
            if d.get(key):
                parts.append(f"<div><b>{name}：</b>{esc(str(d[key]))}</div>")
        mentions = int(d.get("mentions") or 0)
        if mentions:
            parts.append(f"<div><b>提及次数：</b>{mentions}</div>")
        articles = [str(a) for a in d.get("articles") or []]
        if articles:
            heads = "".join(f"<li>{esc(_article_headline(graph, a))}</li>" for a in articles[:TOOLTIP_MAX_ARTICLES])
            more = f"<li>……共 {len(articles)} 篇</li>" if len(articles) > TOOLTIP_MAX_ARTICLES else ""
            parts.append(f"<div><b>出处：</b><ul>{heads}{more}</ul></div>")
    return "".join(parts)


def _article_date(graph: nx.MultiDiGraph, article_id: str) -> str:
    if article_id in graph.graph.get("article_dates", {}):
        return str(graph.graph["article_dates"][article_id] or "")
    node = graph.nodes.get(f"article/{article_id}") if article_id else None
    return str(node.get("date") or "") if node else ""


def _person_ref(graph: nx.MultiDiGraph, key: str | None) -> dict | None:
    if not key:
        return None
    node = graph.nodes.get(key)
    # a predecessor outside a focused view keeps its name: the last part of its key is the name
    return {"id": key, "name": str(node.get("label") if node else key.rsplit("/", 1)[-1])}


def _given(d: dict) -> dict:
    # what is unknown or false is left out: a page of thousands of spells stays small
    return {k: v for k, v in d.items() if v is not None and v != "" and v is not False}


def career_data(graph: nx.MultiDiGraph, persons: list[str]) -> dict[str, dict]:
    """The career panel's data: for each of ``persons`` that holds a post, the keys merged into it
    and its spells in the spell table's order (by start, undated ones last), each with its post,
    dates, rank, category, flags, predecessor and successor, and evidence; keys whose value is
    unknown or false are left out."""
    wanted = set(persons)
    out: dict[str, dict] = {}
    for row in spell_rows(graph) if wanted and graph.graph.get("spells") else ():
        person = row["person_id"]
        if person not in wanted:
            continue
        entry = out.setdefault(person, {"merged": [str(k) for k in graph.nodes[person].get("merged_keys") or []],
                                        "spells": []})
        ev = {
            "sentence": row["sentence"],
            "file": row["file"],
            "article": row["article"],
            "headline": _article_headline(graph, row["article"]) if row["article"] else None,
            "date": _article_date(graph, row["article"]) if row["article"] else None,
            "start": row["sentence_start"],
            "end": row["sentence_end"],
            "url": row["url"],
        }
        entry["spells"].append(_given({
            "post": row["post"],
            "start": row["start"],
            "end": row["end"],
            "startSource": row["start_source"],
            "endSource": row["end_source"],
            "seen": row["observations"],
            "rank": row["rank"],
            "category": row["category"],
            "acting": row["acting"],
            "deputy": row["deputy"],
            "executive": row["executive"],
            "predecessor": _person_ref(graph, row["predecessor_id"]),
            "successor": _person_ref(graph, row["successor_id"]),
            "evidence": _given(ev),
        }))
    return out


def _edge_tooltip(graph: nx.MultiDiGraph, u: str, v: str, d: dict) -> str:
    """Plain text: vis puts non-element titles in with innerText, so nothing here is parsed."""
    kind = d.get("kind") or ""
    src = str(graph.nodes[u].get("label") or u)
    dst = str(graph.nodes[v].get("label") or v)
    lines = [f"{src} → {dst}", f"{EDGE_KIND_ZH.get(kind, kind)}：{d.get('label') or ''}"]
    if d.get("sentence"):
        lines.append(f"“{_short(str(d['sentence']), EDGE_TITLE_MAX_CHARS)}”")
    lines.append("（点击查看证据）")
    return "\n".join(lines)


def _evidence(graph: nx.MultiDiGraph, u: str, v: str, d: dict) -> dict:
    kind = d.get("kind") or ""
    article = str(d.get("article") or "")
    return {
        "from": str(graph.nodes[u].get("label") or u),
        "to": str(graph.nodes[v].get("label") or v),
        "relation": EDGE_KIND_ZH.get(kind, kind),
        "label": str(d.get("label") or ""),
        "sentence": str(d.get("sentence") or ""),
        "article": article,
        "headline": _article_headline(graph, article) if article else "",
        "file": str(d.get("file") or ""),
        "date": _article_date(graph, article) if article else "",
        # offsets into the page file, so that a reader can find the sentence where it was printed
        "start": d["start"] if isinstance(d.get("start"), int) and d["start"] >= 0 else None,
        "end": d["end"] if isinstance(d.get("end"), int) and d["end"] >= 0 else None,
        "rule": str(d.get("rule") or ""),
        "ruleText": describe_rule(str(d["rule"]), "zh") if d.get("rule") else "",
    }


def _vis_options(n_nodes: int, big: bool) -> dict:
    font = {"face": FONT_STACK}
    options: dict = {
        "nodes": {
            "font": {**font, "size": 14, "strokeWidth": 3, "strokeColor": "#ffffff"},
            "borderWidth": 1,
        },
        "edges": {
            "font": {**font, "size": 10, "align": "middle", "strokeWidth": 3, "strokeColor": "#ffffff"},
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
            "width": 1.2,
            "selectionWidth": 2,
        },
        "interaction": {"hover": True, "tooltipDelay": 150, "navigationButtons": False, "keyboard": False},
    }
    if big:
        options["physics"] = {"enabled": False, "solver": "barnesHut", "stabilization": {"enabled": False}}
        options["layout"] = {"improvedLayout": False}
        options["edges"]["smooth"] = False
        options["interaction"].update({"hideEdgesOnDrag": True, "hideEdgesOnZoom": True})
    else:
        options["physics"] = {
            "enabled": True,
            "solver": "forceAtlas2Based",
            # Compact enough that labels stay above vis's draw threshold once the view is fitted;
            # the extra central gravity keeps the many small components from scattering.
            "forceAtlas2Based": {
                "gravitationalConstant": -45,
                "centralGravity": 0.03,
                "springLength": 70,
                "springConstant": 0.12,
                "avoidOverlap": 0.6,
            },
            "stabilization": {"enabled": True, "iterations": STABILIZATION_ITERATIONS, "updateInterval": 25},
        }
        # vis's improved layout runs Kamada-Kawai per cluster and gets slow past ~150 nodes.
        options["layout"] = {"improvedLayout": n_nodes <= 150, "randomSeed": 7}
        options["edges"]["smooth"] = {"enabled": True, "type": "dynamic"}
    return options


def _layout(nodes: list[str], edges: list) -> dict[str, tuple[float, float]]:
    """Positions in vis pixel space for graphs too big for in-browser physics."""
    if not nodes:
        return {}
    try:
        coords = _force_layout(nodes, [(u, v) for u, v, _k, _d in edges])
    except ImportError:
        coords = _spiral_layout(len(nodes))
    spread = 60.0 * math.sqrt(len(nodes))
    return {n: (round(x * spread, 1), round(y * spread, 1)) for n, (x, y) in zip(nodes, coords, strict=True)}


def _force_layout(nodes: list[str], pairs: list[tuple[str, str]], seed: int = 7) -> list[tuple[float, float]]:
    """Fruchterman-Reingold with gravity, vectorised in row batches.

    networkx's spring_layout needs SciPy from 500 nodes on, and its dense solver builds an
    n×n×2 array per step; batching keeps memory flat and a pair-count budget keeps time flat.
    """
    import numpy as np

    n = len(nodes)
    links = link_array(nodes, pairs)
    rng = np.random.default_rng(seed)
    pos = (rng.random((n, 2)) - 0.5).astype(np.float32)
    if n == 1:
        return [(0.0, 0.0)]
    k = np.float32(1.0 / math.sqrt(n))
    iterations = int(min(100, max(20, 3e8 / (n * n))))
    temperature = 0.1
    cooling = temperature / (iterations + 1)
    batch = max(1, min(n, 2_000_000 // n))
    xs, ys = pos[:, 0], pos[:, 1]
    for _ in range(iterations):
        disp = np.zeros((n, 2), dtype=np.float32)
        for lo in range(0, n, batch):
            dx = xs[lo : lo + batch, None] - xs[None, :]
            dy = ys[lo : lo + batch, None] - ys[None, :]
            weight = k * k / np.maximum(dx * dx + dy * dy, 1e-9)
            disp[lo : lo + batch, 0] = (dx * weight).sum(axis=1)
            disp[lo : lo + batch, 1] = (dy * weight).sum(axis=1)
        force_step(pos, disp, links, k, temperature)
        temperature -= cooling
    return unit_positions(pos)


def link_array(nodes: list[str], pairs: list[tuple[str, str]]):
    """The pairs as an (m, 2) array of the nodes' indices, self-loops left out."""
    import numpy as np

    index = {v: i for i, v in enumerate(nodes)}
    return np.array([(index[u], index[v]) for u, v in pairs if u != v], dtype=np.int64).reshape(-1, 2)


def force_step(pos, disp, links, k, temperature) -> None:
    """One Fruchterman-Reingold step after the repulsion (``disp``): the links' pull, a pull to
    the centre, and each node moved at most ``temperature``; ``pos`` is changed in place."""
    import numpy as np

    if len(links):
        delta = pos[links[:, 0]] - pos[links[:, 1]]
        pull = delta * (np.sqrt(np.einsum("ij,ij->i", delta, delta)) / k)[:, None]
        np.add.at(disp, links[:, 0], -pull)
        np.add.at(disp, links[:, 1], pull)
    # Without a pull to the centre, isolated nodes and small components drift off to the
    # edge of the canvas and the initial fit zooms the main component down to a speck.
    disp -= pos * (4.0 * np.linalg.norm(pos, axis=1)[:, None])
    length = np.maximum(np.linalg.norm(disp, axis=1), 1e-9)
    pos += disp * (np.minimum(length, temperature) / length)[:, None]


def unit_positions(pos) -> list[tuple[float, float]]:
    """Positions centred and scaled into [-1, 1]."""
    pos = pos - pos.mean(axis=0)
    scale = abs(pos).max() or 1.0
    return [(float(x), float(y)) for x, y in pos / scale]


def _spiral_layout(n: int) -> list[tuple[float, float]]:
    golden = math.pi * (3 - math.sqrt(5))
    return [
        (math.sqrt((i + 0.5) / n) * math.cos(i * golden), math.sqrt((i + 0.5) / n) * math.sin(i * golden))
        for i in range(n)
    ]


def _vis_assets() -> tuple[str, str]:
    root = resources.files("pyvis")
    for folder in (root / "lib" / "vis-9.1.2", root / "templates" / "lib" / "vis-9.1.2"):
        js, css = folder / "vis-network.min.js", folder / "vis-network.css"
        if js.is_file() and css.is_file():
            return (
                _guard_end_tag(js.read_text(encoding="utf-8"), "script"),
                _guard_end_tag(css.read_text(encoding="utf-8"), "style"),
            )
    raise FileNotFoundError("pyvis's bundled vis-network 9.1.2 was not found")


def _guard_end_tag(text: str, tag: str) -> str:
    # A literal end tag inside inlined code would close the element early.
    return re.sub(rf"</(?={tag})", r"<\\/", text, flags=re.IGNORECASE)


def _packed_json(data: object) -> str:
    """JSON, gzipped and in base64: at 50,000 nodes the evidence sentences alone are megabytes, and
    the browser's own DecompressionStream unpacks them, so the page stays one file with no library.
    mtime 0 keeps two renders of one graph byte-identical."""
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return base64.b64encode(gzip.compress(raw, compresslevel=6, mtime=0)).decode("ascii")


def _script_json(data: object) -> str:
    """JSON that is safe inside a <script> element whatever the page text contains."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


_SWATCH_POINTS = {
    "triangle": "8,1.5 15,14.5 1,14.5",
    "diamond": "8,1 15,8 8,15 1,8",
    "star": "8,1 9.9,6 15,6 10.9,9.2 12.4,14.5 8,11.3 3.6,14.5 5.1,9.2 1,6 6.1,6",
    "hexagon": "8,1 14.1,4.5 14.1,11.5 8,15 1.9,11.5 1.9,4.5",
}


def _swatch(style: tuple[str, str, str]) -> Markup:
    _, color, shape = style
    if shape == "square":
        body = f'<rect x="2" y="2" width="12" height="12" fill="{color}"/>'
    elif shape in _SWATCH_POINTS:
        body = f'<polygon points="{_SWATCH_POINTS[shape]}" fill="{color}"/>'
    else:
        body = f'<circle cx="8" cy="8" r="6.5" fill="{color}"/>'
    return Markup(f'<svg class="swatch" width="16" height="16" viewBox="0 0 16 16" aria-hidden="true">{body}</svg>')


def focus(graph: nx.MultiDiGraph, name: str, hops: int = 2) -> nx.MultiDiGraph:
    """The part of ``graph`` within ``hops`` links of the node named ``name`` (its key, label or
    another name), without the article and file nodes that would join everything to everything.
    Raises KeyError when no node has that name."""
    drawable = graph.subgraph(_drawable_nodes(graph))
    hits = [n for n, d in drawable.nodes(data=True)
            if n == name or d.get("label") == name or name in (d.get("aliases") or [])]
    if not hits:
        raise KeyError(name)
    links = nx.Graph()
    links.add_nodes_from(drawable)
    links.add_edges_from((u, v) for u, v, d in drawable.edges(data=True) if d.get("kind") not in HIDDEN_EDGE_KINDS)
    keep: set[str] = set()
    for hit in hits:
        keep |= set(nx.ego_graph(links, hit, radius=hops))
    out = graph.subgraph(keep).copy()
    articles = [(n.split("/", 1)[1], d) for n, d in graph.nodes(data=True) if d.get("kind") == "article"]
    out.graph["headlines"] = {a: d.get("label") for a, d in articles}
    out.graph["article_dates"] = {a: d.get("date") for a, d in articles}  # the career panel's evidence dates
    return out


def people_named(graph: nx.MultiDiGraph, name: str) -> list[str]:
    """The person nodes that ``name`` may mean: the one whose key it is (or a key merged into it,
    ``merged_keys``), else every person of that name or other name, in key order."""
    persons = [(n, d) for n, d in graph.nodes(data=True) if d.get("kind") == "person"]
    by_key = [n for n, d in persons if n == name or name in (d.get("merged_keys") or [])]
    if by_key:
        return by_key
    return sorted(n for n, d in persons if d.get("label") == name or name in (d.get("aliases") or []))


def jurisdictions(graph: nx.MultiDiGraph, person: str) -> list[str]:
    """Where a person held posts (the places of their spells), or where resolution placed them."""
    places = [graph.nodes[s["jurisdiction"]].get("label") for s in graph.graph.get("spells", [])
              if s["person"] == person and s.get("jurisdiction") in graph.nodes]
    scope = person.split("/")[1] if person.count("/") >= 2 else ""
    return list(dict.fromkeys(p for p in places if p)) or ([scope] if scope else [])
