"""Questions whose shape says which facts answer them: who played someone (or whom an actor
plays), who did a job on the film, and "who is" / "what is" a name on its own.

Credits carry no story (who played whom is safe), so these routes answer from the people and
the cards directly; everything else is ranked (``rank.py``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from bot.core.ask.lexicon import common_english
from bot.core.ask.names import Entity
from bot.core.ask.question import Question
from bot.core.ask.sentences import Indexed
from bot.core.content.model import Card, Content
from bot.core.passages import Passage, card_passages, credit_passage
from bot.core.timeline import Reveal
from bot.core.words import STOPWORDS, normalise

_CAST = re.compile(r"\b(play|plays|played|playing|portray\w*|actor|actors|actress\w*|cast|"
                   r"casted|star|starred|stars|starring|role|character name|character|"
                   r"who is she|who is he|who does (s?he|they) play|in (it|this))\b")
_WHO = re.compile(r"\b(who|whos|whom|which (actor|actress|person))\b|^is \w+( \w+)? in the "
                  r"(film|movie)$")
# Words that ask for an actor whatever else is said ("young mara actress?").
_ACTOR = re.compile(r"\b(actor|actors|actress\w*|portray\w*|played by|casted|cast as|"
                    r"starring)\b")
# "who is X in the film": the question is X's actor (not "who gives X the tape in the film").
_IN_FILM = re.compile(r"^(who is|who was|whos|who s) ((?:\w+ ){1,3})in the (film|movie)\b")
_NOT_CAST = re.compile(r"\b(win|won|nominat\w*|awards?|best|beat|prais\w*|review\w*|"
                       r"critic\w*|bifa|saturn|oscar\w*|bafta\w*|"
                       # who nearly played it: the casting's history, not the credit
                       r"originally|supposed to|nearly|almost|instead|first choice|"
                       r"in the running|up for|considered|turned down|replaced)\b")
_YOUNG = frozenset({"young", "younger", "child", "kid", "girl", "boy", "little", "small",
                    "children", "kids"})
_ADULT = frozenset({"adult", "older", "grown", "grownup"})
# Film crew jobs (the pack's role names) and the words members use for them.
_CREW: tuple[tuple[str, re.Pattern[str]], ...] = tuple((role, re.compile(p)) for role, p in (
    ("casting", r"\b(casting|chose the (actors|cast)|picked the (actors|cast))\b"),
    ("set-decoration", r"\bset (decorat\w*|dresser)\b"),
    ("art-direction", r"\bart direct\w*\b"),
    ("costume", r"\bcostume\w*\b"),
    ("production-design", r"\b(production design\w*|designer|designed)\b"),
    ("executive-producer", r"\b(exec|executive) producer\w*\b"),
    ("music", r"\b(score|music|composer|composed|compose|soundtrack)\b"),
    ("cinematography", r"\b(cinematograph\w*|photography|director of photography|dp|"
                       r"camera|shot (it|the film|the movie))\b"),
    ("editing", r"\b(editor|edited|editing)\b"),
    ("screenplay", r"\b(screenplay|script|screenwriter|wrote the (film|movie)|"
                   r"writer of the (film|movie)|adapted)\b"),
    ("producer", r"\b(produce|produced|producer|producers)\b"),
    ("director", r"\b(direct|directed|director|directs|directing)\b"),
    ("author", r"\b(wrote|write|writer|written|author)\b"),
))
_JOB = dict(_CREW)
_DONE_TO = re.compile(r"\b(?:directed|produced|wrote|composed|edited|shot|scored|designed)"
                      r"\s+(.+)$")
_ARTICLES = frozenset({"the", "a", "an"})  # "the earlier draft" is the pack's "an earlier draft"
_SAYS_MORE = re.compile(r"\b(?:that|which|who|because|but)\b")
_THIS_WORK = frozenset({"it", "this", "that", "one", "film", "movie", "book", "novel",
                        "adaptation", "version", "picture", "thing"})
_JOINED = re.compile(r"\s+(?:and|plus)\s+")
_JOB_WORDS = frozenset({"casting", "director", "set", "decorator", "decoration", "dresser", "art",
                        "costume", "costumes", "designer", "design", "production", "exec",
                        "executive", "producer", "producers", "score", "music", "composer",
                        "soundtrack", "cinematographer", "cinematography", "dp", "editor",
                        "screenplay", "script", "screenwriter", "writer", "film", "movie",
                        "the", "of", "photography"})
_NOT_THE_CREDIT = re.compile(r"\b(else|before|other|previous|previously|background|career|"
                             r"earlier|first|next|win|won|nominat\w*|award\w*|why|how|when|"
                             r"where|born|pages|each)\b")
_FRAME = re.compile(r"^(who\s+(is|was|are|were)|whos|who|what\s+(is|are|was|were)(\s+(a|an|the))?|"
                    r"whats(\s+(a|an|the))?|tell\s+me\s+about|define|meaning\s+of|"
                    r"what\s+does(?=\s+(\w+\s+)?\w+\s+mean(\s+in\s+the\s+\w+)?$))\s+")


def _only_names(q: Question) -> bool:
    """"who is X in the film" names X and nothing else ("who's courting X" asks who does
    something to X)."""
    found = _IN_FILM.search(q.text)
    if found is None:
        return False
    said = {q.words[i] for m in q.mentions for i in range(m.start, m.end)}
    return all(w in said or w in STOPWORDS for w in found.group(2).split())


def cast(q: Question, content: Content, describe: Callable[[Question], list[Card]]
         ) -> tuple[Passage, ...] | None:
    """"who played X", "X plays who"; ``describe`` finds the characters a question describes
    instead of naming ("the two older students")."""
    if q.media or q.works or _NOT_CAST.search(q.text):
        return None
    people = [e.person for e in q.entities if e.kind == "person" and e.person]
    in_film = re.search(r"^is \w+( \w+)? in the (film|movie)$", q.text) or (
        _IN_FILM.search(q.text) and any(e.kind == "character" for e in q.entities)
        and _only_names(q))
    if not (_CAST.search(q.text) or in_film):
        return None
    if not people and not (_WHO.search(q.text) or _ACTOR.search(q.text)
                           or _IN_FILM.search(q.text)):
        return None
    if people:
        return tuple(credit_passage(p, c) for p in people for c in p.credits
                     if c.role == "cast") or None
    characters = [e.card for e in q.entities if e.kind == "character" and e.card]
    if not characters:
        # "who plays the landlady": a small part credited by what it is, with no card.
        parts = _credited_as(q, content)
        if parts:
            return parts
        characters = describe(q)
    if not characters:
        return None
    words = set(q.words)
    young, adult = bool(words & _YOUNG), bool(words & _ADULT)
    out = []
    for card in characters:
        credits = [(p, c) for p in content.people for c in p.credits if c.character == card.id]
        # "young" picks the child actor where there is one; where there is not, the word was
        # about someone else ("the lady who takes the kids' pictures").
        fitting = [(p, c) for p, c in credits
                   if not (young and "young" not in (c.as_ or "").lower())
                   and not (adult and "young" in (c.as_ or "").lower())]
        # Both ("kids and grown-ups") asks about the casting itself, not one actor.
        out += [credit_passage(p, c) for p, c in (fitting or ([] if young and adult else
                                                                 credits))]
    return tuple(out) or None


def _credited_as(q: Question, content: Content) -> tuple[Passage, ...]:
    asked = set(q.words)
    out = []
    for person in content.people:
        for credit in person.credits:
            if credit.role != "cast" or credit.character or not credit.as_:
                continue
            # "Mrs Jones, the cook": either name of the part asks for it.
            for name in credit.as_.split(","):
                words = set(normalise(name).split()) - STOPWORDS
                if words and words <= asked:
                    out.append(credit_passage(person, credit))
                    break
    return tuple(out)


def role_asked(q: Question) -> str | None:
    """The film job a question names ("who did the music": music), if any."""
    role = next((r for r, pattern in _CREW if pattern.search(q.text)), None)
    return "screenplay" if role == "author" and q.medium == "film" else role


_PLAYS = re.compile(r"\b(plays|played|playing|starred|starring|stars|cast as|actor|actors|"
                    r"actress|actresses)\b")


def asks_who_acted(q: Question) -> bool:
    """Does the question ask who acted ("who was in the cast", "who starred")?"""
    return "who" in q.shapes and bool(_CAST.search(q.text))


def names_actor(text: str) -> bool:
    return bool(_PLAYS.search(normalise(text)))


def names_job(role: str, text: str) -> bool:
    """Does a text speak of the job ("directed" for the director)?"""
    return bool(_JOB[role].search(normalise(text)))


def done_to_other(q: Question, known: Callable[[str], bool]) -> bool:
    """"who directed the godfather": a job done on something named that is not this work
    (a word of it no job, no medium and, by ``known``, no passage of this work uses)."""
    done = _DONE_TO.search(q.text)
    if not done:
        return False
    # "wrote the earlier draft that got dropped": what follows "that" says more of the thing,
    # it does not name it.
    named = _SAYS_MORE.split(done.group(1), maxsplit=1)[0]
    return any(w not in STOPWORDS and w not in _JOB_WORDS and w not in _THIS_WORK
               and not w.isdigit() and not known(w) for w in named.split())


# "who did <an actor> play in superman", "what role did she have in notting hill".
_PART_IN = re.compile(r"\b(?:play|plays|played|playing|star|stars|starred|starring|appear\w*|"
                      r"act|acted|role|roles|part|parts)\b(?:\s+\w+){0,4}?\s+in\s+(.+)$")
# "what else was carey mulligan in": the rest of a career.
_ELSE_IN = re.compile(r"\bwhat else (?:was|is|has|have|had|did)\b.*\b(?:in|done|do)$")
# "domhnall gleeson was in star wars right": been in a title, up to a comma or a tag word.
_WAS_IN = re.compile(r"\b(?:was|were|been|is)\s+in\s+(.+?)(?:\s+(?:right|too|as well|yes|"
                     r"no|who|whos|what|whats|which|where|when|how)\b|,|$)")
_ASKS_ACTOR = re.compile(r"\b(who did (she|he|they) play|actor|actress|actors)\b")
# After "in", words that name this work or a stretch of it ("in the school scenes").
_OF_THIS = frozenset({"story", "plot", "scene", "scenes", "section", "sections", "part", "bit",
                      "bits", "flashback", "flashbacks", "cast", "credits", "original", "years",
                      "year", "end", "ending", "beginning", "start", "opening", "first", "last",
                      "second", "third", "half", "childhood", "real", "life", "uk", "us",
                      "british", "american", "english", "adult", "young", "older", "younger"})
_SHORT = 3  # words: "the godfather" is a title; "the scene at the beach" is not
# "how does it compare to brave new world": set beside another title.
_COMPARED = re.compile(r"\b(?:compare[sd]?|comparison|similar|better|worse|versus|vs)\s+"
                       r"(?:to|with|than)\s+(.+)$")
# "did she win an oscar for howards end": a prize won for another title.
_WON_FOR = re.compile(r"\b(?:win|wins|won|winning|nominated|nomination|nominations|award|awards|"
                      r"oscar|oscars|bafta|baftas)\b(?:\s+\w+){0,4}?\s+for\s+(.+)$")
# Words that place a job in time or among others, not name what it was done on.
_NOT_A_TITLE = frozenset({"before", "after", "since", "else", "besides", "apart", "other",
                          "than", "previously", "earlier", "later", "next", "then", "also"})
# A title follows its verb: "shot at one house" says where, not what.
_PLACE_WORDS = frozenset({"at", "in", "on", "by", "for", "with", "from", "near", "where", "when",
                          "around", "during", "inside", "outside", "there", "here"})


def other_title(q: Question, known: Callable[[str], bool],
                in_pack: Callable[[str], bool]) -> bool:
    """Does the question name something other than this work that a part was played in or a
    job done on: a word no passage here uses ("superman"), or, after "play in", any word that
    is not this work's ("pride and prejudice"), or after "directed" a short phrase no passage
    has ("the godfather"; "who wrote the letter" asks of the story's letter), or set beside
    a title in words no passage uses ("how does it compare to the hunger games")."""
    names = {q.words[i] for m in q.mentions for i in range(m.start, m.end)}
    person = any(e.kind == "person" for e in q.entities)
    part = _PART_IN.search(q.text) if person or _ASKS_ACTOR.search(q.text) else None
    if person and _ELSE_IN.search(q.text):
        return True
    been = _WAS_IN.search(q.text) if person else None
    for found, how in ((part, "part"), (been, "part"), (_DONE_TO.search(q.text), "job"),
                       (_COMPARED.search(q.text), "compared"), (_WON_FOR.search(q.text), "prize")):
        if found is None:
            continue
        phrase = (found.group(1) if how == "part" else
                  _SAYS_MORE.split(found.group(1), maxsplit=1)[0]).split()
        rest = [w for w in phrase if w not in STOPWORDS and w not in _JOB_WORDS and
                w not in _THIS_WORK and w not in _OF_THIS and w not in _NOT_A_TITLE and
                w not in names and not w.isdigit()]
        if how == "prize":  # "for best director anywhere": only a name no one uses names a title
            if any(not known(w) and w not in common_english() for w in rest):
                return True
            continue
        # "shot the beach scene": a stretch of this film, not a title.
        if not rest or (how != "part" and (phrase[0] in _PLACE_WORDS
                                           or set(phrase) & _OF_THIS)):
            continue
        if not all(known(w) for w in rest) or how == "part":
            return True
        # A comparison in known words ("better than her friend at art") is about this work.
        if how == "job" and len(phrase) <= _SHORT and not in_pack(" ".join(
                w for w in phrase if w not in _ARTICLES)):
            return True
    return False


def crew(q: Question, content: Content, _describe: object = None) -> tuple[Passage, ...] | None:
    """"who composed the score" -> the composer's credit. A question about another work or
    another adaptation, or about more than the credit ("what else did ... direct"), is not."""
    if q.media or q.works or _NOT_THE_CREDIT.search(q.text):
        return None
    # "who did the music", or a job named with nothing else asked ("casting director pls").
    if not re.search(r"\b(who|whos|whose)\b", q.text) and not all(
            u.filler or set(u.words) <= _JOB_WORDS for u in q.units):
        return None
    if any(e.kind in ("person", "character") for e in q.entities):
        return None
    if done_to_other(q, lambda _w: False):
        return None
    # "screenwriter and composer?", "who produced and directed it": a job from each piece.
    asked: list[str] = []
    for piece in _JOINED.split(q.text):
        role = next((r for r, pattern in _CREW if pattern.search(piece)), None)
        if role == "author" and q.medium == "film":
            role = "screenplay"
        if role is not None and role not in asked:
            asked.append(role)
    out: list[Passage] = []
    for role in asked:
        roles = {role, "executive-producer"} if role == "producer" else {role}
        out += [credit_passage(p, c) for p in content.people for c in p.credits
                if c.role in roles]
    return tuple(out) or None


_FATE = re.compile(r"^what (happens|happened|becomes|became) (to|of) ")
_INVOLVED = re.compile(r"\b(anything to do|involved|involvement|role|job|part in|work on|"
                       r"worked on|contribute\w*|do on)\b")


def fate(q: Question) -> Entity | None:
    """"What happens to X (at the end)": X's own card answers, read from its end."""
    match = _FATE.match(q.text)
    named = q.named
    if not match or len(named) != 1 or named[0].card is None:
        return None
    return named[0]


def involvement(q: Question) -> tuple[Passage, ...] | None:
    """"Did X have anything to do with the film": all of a named person's credits."""
    people = [e.person for e in q.named if e.person]
    if len(people) != 1 or not _INVOLVED.search(q.text) or _NOT_CAST.search(q.text):
        return None
    return tuple(credit_passage(people[0], c) for c in people[0].credits)


_WHICH_CLAUSE = re.compile(r"\s+(?:that|which)\s+.*$")


def named(q: Question) -> Entity | None:
    """The one name a "who is X" / "what is X" question asks about, with nothing else asked."""
    match = _FRAME.match(q.text)
    if not match or q.works:
        return None
    rest = q.text[match.end():].strip()
    rest = re.sub(r"(\s+(mean|in the (book|novel|film|movie|story)|in it))+$", "", rest)
    # "what is the <term> that he keeps consulting": the clause says which.
    rest = _WHICH_CLAUSE.sub("", rest)
    for entity in q.entities:
        if rest in entity.names:
            return entity
    return None


def profile(entity: Entity, usable: Callable[[Reveal], bool]) -> tuple[Passage, ...]:
    """Who someone is: their first open sentence that says so, and the next two; for a place
    or a term, its definition and the next part."""
    if entity.person:
        return tuple(credit_passage(entity.person, c) for c in entity.person.credits)
    card = entity.card
    if card is None:
        return ()
    parts = [p for p in card_passages(card) if usable(p.reveal)]
    if not parts:
        return ()
    lead = next((i for i, p in enumerate(parts) if _defines(card, p.text)), 0)
    size = 3
    return tuple(parts[lead:lead + size]) if lead + size <= len(parts) else tuple(
        [parts[lead], *[p for i, p in enumerate(parts) if i != lead]][:size])


def _defines(card: Card, text: str) -> bool:
    """A definition: "X is one of ...", "X, the head of ...", "A term is someone ..."."""
    lead = text.lower()
    names = [card.name.lower(), *(a.name.lower() for a in card.aliases)]
    # ... or names it in passing with what it is ("moves to the X, a run-down ...").
    return any(re.match(rf"^((a|an|the)\s+)?{re.escape(n)}('s)?(\s+\w+)?\s+(is|are|was|were|"
                        rf"means)\b|^((a|an|the)\s+)?{re.escape(n)},\s+(the|a|an|one)\b",
                        lead) or re.search(rf"\b{re.escape(n)},\s+(a|an)\s", lead)
               for n in names)


def chapters(q: Question, items: Sequence[Indexed], usable: Callable[[Reveal], bool]
             ) -> tuple[Passage, ...]:
    """"What happens in chapter 3": the story parts that chapter opens, one per card."""
    assert q.chapters is not None
    first, last = q.chapters
    seen: set[str] = set()
    out: list[Passage] = []
    for item in sorted(items, key=lambda i: (i.passage.reveal.novel or 99, i.order)):
        reveal = item.passage.reveal
        topic = item.passage.topic
        if reveal.safe or reveal.novel is None or not first <= reveal.novel <= last or \
                not usable(reveal) or topic in seen or not topic.startswith(
                    ("character:", "setting:", "term:")):
            continue
        seen.add(topic)
        out.append(item.passage)
        if len(out) == 4:
            break
    return tuple(out)
