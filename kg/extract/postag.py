"""jieba's part-of-speech tagger with a faster decoder for the words its dictionary lacks.

``jieba.posseg`` tags a run of characters that are no dictionary word with an HMM, decoded by
``jieba.posseg.viterbi``. That decoder was over a third of kg's extraction time: for every state
of every character it builds a generator of (probability, state) tuples over all previous
states, most of which cannot even reach the state. ``viterbi`` below is the same algorithm with
the same floating-point sums in the same order and the same tie-break (the greater state wins
an equal probability, as ``max`` over the tuples decides), but it only looks at the previous
states that have a transition to the state at hand. Its answers equal jieba's on every input
(``tests/test_postag.py`` checks every Han run of the real corpora and random strings), so the
tags, and every mention that depends on them, do not change; only their cost does (about 2.8×
less for ``jieba.posseg.cut`` on kg's windows).

``install()`` puts it in place of jieba's for this process. jieba 0.42.1 has been jieba's
release since 2020; should a later one change its decoder's signature, ``install`` leaves
jieba's own in place (the result would be right, only slower).
"""

from __future__ import annotations

import inspect

MIN_FLOAT = -3.14e100  # jieba's score of a character a state never emits
MIN_INF = float("-inf")


def viterbi(obs: str, states: dict, start_p: dict, trans_p: dict, emit_p: dict) -> tuple[float, list]:
    """The most likely (position, tag) state of each character of ``obs``, and its log
    probability: what ``jieba.posseg.viterbi.viterbi`` returns for the same arguments."""
    all_states = trans_p.keys()
    first = obs[0]
    prev = {y: start_p[y] + emit_p[y].get(first, MIN_FLOAT) for y in states.get(first, all_states)}
    back_links = [dict.fromkeys(prev, "")]
    for t in range(1, len(obs)):
        char = obs[t]
        # jieba drops the states with no way out, and takes as candidates the states that this
        # character can be in and that some previous state can reach
        live = [(y0, prev[y0], trans_p[y0]) for y0 in prev if trans_p[y0]]
        reachable: set = set()
        for _, _, nxt in live:
            reachable.update(nxt)
        candidates = set(states.get(char, all_states)) & reachable
        if not candidates:
            candidates = reachable or all_states
        scores, back = {}, {}
        for y in candidates:
            emit = emit_p[y].get(char, MIN_FLOAT)
            best = state = None
            for y0, score, nxt in live:
                trans = nxt.get(y)
                if trans is None:  # jieba adds -inf: such a state loses to any that reaches y
                    continue
                p = score + trans + emit
                if state is None or p > best or (p == best and y0 > state):
                    best, state = p, y0
            if state is None:  # no previous state reaches y: jieba's max over all -inf sums
                best, state = MIN_INF, max(y0 for y0, _, _ in live)
            scores[y] = best
            back[y] = state
        prev = scores
        back_links.append(back)
    prob, state = max((score, y) for y, score in prev.items())
    route = [None] * len(obs)
    for i in range(len(obs) - 1, -1, -1):
        route[i] = state
        state = back_links[i][state]
    return prob, route


def install() -> bool:
    """Use ``viterbi`` in ``jieba.posseg`` from now on; False (and jieba's own kept) when jieba's
    decoder is not the one this was written against."""
    import jieba.posseg

    current = jieba.posseg.viterbi
    if current is viterbi:
        return True
    if list(inspect.signature(current).parameters) != ["obs", "states", "start_p", "trans_p", "emit_p"]:
        return False
    jieba.posseg.viterbi = viterbi
    return True
