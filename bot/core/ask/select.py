"""From ranked passages to an answer: which to show, whether they speak to the question, and
which sentences of a long passage to show (a sentence that leans on the one before it brings
it along; a passage whose sources differ is shown whole, since both versions are the answer).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping

from bot.core.ask.features import INDEX
from bot.core.ask.question import Question
from bot.core.ask.rank import Scored, touches
from bot.core.ask.sentences import Indexed
from bot.core.ask.signals import STRONG_CAUSE
from bot.core.ask.weights import Weights
from bot.core.passages import Passage

ADDS = 0.35  # a passage that answers a part the first leaves open, down to this share
MOST = 6
# Nearness vouches for a passage only when it is (about) the nearest of every passage, seen or
# not: where the nearest is held back, a visible neighbour on the same topic would answer
# "who does she marry" with who she is.
VOUCH_GAP = 0.05
# A candidate's features by id(): what ``decide`` measured, looked up once per question.
Features = Mapping[int, list[float]]
VOUCHED_DEPTH = 6  # how far down a passage nearness vouches for may come up to answer
NEAR_CAUSE = 0.65  # of the top score: a cause from another entry this close comes with it
NEAR_COVERED = 0.9  # of the top score: a passage this close that covers the question answers
NEAR_PARTS = 2  # parts of one entry apart: a cause this near is the event's own
CAUSE_DEPTH = 10  # how far down the part of an entry that gives a cause is looked for


def _family(item: Indexed) -> str:
    topic = item.passage.topic
    return topic.split(":")[0] if topic.startswith(("character:", "setting:", "theme:")) \
        else topic


def _hits(weights: dict[str, float], items: list[Indexed]) -> bool:
    return any(t in i.terms or t in i.context for i in items for t in weights)


def _opens(q: Question, chosen: list[Indexed], item: Indexed) -> bool:
    """Does ``item`` speak to a part of the question the chosen passages leave open: a word,
    or one of two names ("who played X and Y")?"""
    for unit in q.units:
        if not unit.filler and _hits(unit.weights, [item]) and not _hits(unit.weights, chosen):
            return True
    named = [e for e in q.entities if e.kind != "work"]
    return len(named) > 1 and any(
        touches(item, e) and not any(touches(c, e) for c in chosen) for e in named)


def choose(q: Question, ranked: list[tuple[float, Indexed]], weights: Weights) -> list[Indexed]:
    best, top = ranked[0]
    chosen = [top]
    listing = q.listing or q.chapters is not None
    second = weights.second * best
    for score, item in ranked[1:30]:
        if len(chosen) >= (MOST if listing else 3):
            break
        if any(c.passage.text == item.passage.text for c in chosen):
            continue
        if _wanted(q, chosen, top, item, score / best, listing, weights.listing) or (
                len(chosen) == 1 and score >= second):
            chosen.append(item)
    return chosen


def _wanted(q: Question, chosen: list[Indexed], top: Indexed, item: Indexed, share: float,
            listing: bool, gather: float) -> bool:
    if listing and share >= gather and (_family(item) == _family(top) or q.chapters):
        return True
    if share >= ADDS and _opens(q, chosen, item):
        return True
    # "when did it come out": the book's "it" or the film's, when the question names neither.
    return (len(chosen) == 1 and q.medium is None and share >= 0.6
            and _medium_of(top) is not None and _medium_of(item) not in (None, _medium_of(top)))


def _medium_of(item: Indexed) -> str | None:
    topic = item.passage.topic
    return topic.split(".")[0] if topic.startswith(("film.", "book.")) else None


def sides(q: Question, chosen: list[Indexed], items: list[Indexed],
          usable: Callable[[Indexed], bool]) -> list[Indexed]:
    """A question that compares the book and the film gets both sides of a difference."""
    lead = chosen[0].passage.topic
    if not lead.startswith("difference:"):
        return chosen
    if not q.compare:
        return _side_asked(q, chosen, items, usable)
    both = [i for i in items if i.passage.topic == lead and usable(i)
            and i.passage.label.endswith(("In the novel", "In the film"))]
    return [*both, *[c for c in chosen if c not in both]][:4]


_SIDE = {"novel": "In the novel", "film": "In the film"}


def _side_asked(q: Question, chosen: list[Indexed], items: list[Indexed],
                usable: Callable[[Indexed], bool]) -> list[Indexed]:
    """"What year is it in the film": a difference's novel side on top gives way to its film
    side (kept after it, as the contrast); with neither medium named, both sides."""
    top = chosen[0]
    label = top.passage.label
    if not label.endswith(tuple(_SIDE.values())):
        return chosen
    want = _SIDE.get(q.medium or "")
    if want is None:
        # Neither medium named ("is the old butler on the pier in it at all"): a difference
        # is both its sides, the one that ranks first leading.
        other = next((i for i in items if i.passage.topic == top.passage.topic and usable(i)
                      and i.passage.label.endswith(tuple(_SIDE.values()))
                      and not i.passage.label.endswith(label.rsplit(" · ", 1)[-1])), None)
        if other is None or other in chosen[:2]:
            return chosen
        return [top, other, *[c for c in chosen[1:] if c is not other]][:MOST]
    if label.endswith(want):
        return chosen
    other = next((i for i in items if i.passage.topic == top.passage.topic and usable(i)
                  and i.passage.label.endswith(want)), None)
    if other is None:
        return chosen
    return [other, *[c for c in chosen if c is not other]][:MOST]


def display(chosen: list[Indexed], weigh: Callable[[Counter[str]], float]) -> tuple[Passage, ...]:
    """The chosen passages as shown: a long one cut to the sentences that answer."""
    out = []
    for item in chosen:
        passage = item.passage
        if len(item.sentences) <= 2 or "differ" in passage.label:
            out.append(passage)
            continue
        scores = [weigh(terms) for _s, terms in item.sentences]
        best = max(scores)
        keep = {n for n, s in enumerate(scores) if best and s >= 0.6 * best} or {0}
        for n in sorted(keep):
            if item.sentences[n][0].leans_back:
                keep.add(n - 1)
        text = " ".join(item.sentences[n][0].text for n in sorted(keep))
        out.append(Passage(passage.label, text, passage.reveal, passage.sources, passage.topic,
                           passage.command, passage.known))
    return tuple(out)


def vouched(features: list[float], weights: Weights) -> bool:
    """Is the passage, or one of its example questions, about the nearest in meaning to the
    question of all, and near enough?"""
    return (features[INDEX["meaning"]] >= weights.vouch
            and features[INDEX["meaning_gap"]] >= -VOUCH_GAP) or (
        features[INDEX["alike"]] >= weights.alike_vouch
        and features[INDEX["alike_gap"]] >= -VOUCH_GAP)


def vouched_first(scored: list[Scored], features: Features, weights: Weights) -> list[Scored]:
    """When the best-scored passage covers too little of the question to answer it, one just
    below that nearness vouches for answers instead: "how did <a character> die" is ranked to
    the lead of their card by the name, and answered by the passage that tells of the death."""
    top = features[id(scored[0][1])]
    if top[INDEX["coverage"]] >= weights.min_coverage or vouched(top, weights):
        return scored
    for k, (score, item) in enumerate(scored[1:VOUCHED_DEPTH], start=1):
        if score < weights.threshold:
            break
        # ... or, scored all but level with it, one that covers the question.
        if vouched(features[id(item)], weights) or (
                score >= scored[0][0] * NEAR_COVERED
                and features[id(item)][INDEX["coverage"]] >= weights.min_coverage):
            return [scored[k], *scored[:k], *scored[k + 1:]]
    return scored


def with_cause(q: Question, chosen: list[Indexed], scored: list[Scored],
               features: Features) -> list[Indexed]:
    """"Why does she stay": when the best passage tells what happened but not why, the part of
    the same entry ranked nearest that gives a cause comes with it (a card tells the event,
    then, often in its next part, the reason)."""
    top = chosen[0]
    if "why" not in q.shapes:
        return chosen

    def strong(i: Indexed) -> bool:
        return bool(STRONG_CAUSE.search(i.passage.text))

    def weak(i: Indexed) -> bool:
        return bool(features[id(i)][INDEX["why_cause"]])

    # A cause said outright first ("because"), then one only hinted at ("after the").
    for gives in (strong, weak):
        # A cause among the shown parts of the same entry, told beside the event (a card's
        # parts keep story order: a reason three parts on is another event's).
        if gives(top) or any(gives(c) for c in chosen[1:]
                             if c.passage.topic == top.passage.topic
                             and abs(c.order - top.order) <= NEAR_PARTS):
            return chosen
        for _score, item in scored[1:CAUSE_DEPTH]:
            if item.passage.topic == top.passage.topic and gives(item):
                return [top, item, *[c for c in chosen[1:] if c is not item]][:MOST]
    # No cause in the top entry: another entry's, ranked all but level with the top, is the
    # reason the event's own entry leaves out ("why did the school close": the scandal).
    best = scored[0][0]
    for score, item in scored[1:CAUSE_DEPTH]:
        if score >= best * NEAR_CAUSE and (strong(item) or weak(item)):
            return [top, item, *[c for c in chosen[1:] if c is not item]][:MOST]
    return chosen
