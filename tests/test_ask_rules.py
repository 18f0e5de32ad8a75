"""General rules of /ask, each found on a blind set's miss and true of any work: what marks a
question as about another title, which passage a shape of question needs, how two parts split."""

from __future__ import annotations

import pytest

from bot.core.ask.locate import where_asked
from bot.core.library import Library
from bot.core.service import Core
from bot.core.timeline import Reveal
from tests.conftest import R, W, flat, say


def _everything(_reveal: object) -> bool:
    return True


def ask(library: Library, work: str, question: str) -> tuple[str | None, str]:
    """(why it was declined or None, the answer's text)."""
    answer = library.get(work).answerer.answer(question, _everything)  # type: ignore[union-attr]
    return answer.declined, " ".join(p.text for p in answer.passages)


# Each rule's questions, by the rule (a decline, then an answer that holds the word wanted).
DECLINED = [
    # a part or a job in another title is declined
    (W, "who did keira knightley play in pride and prejudice"),
    (W, "what role did sally hawkins have in happy go lucky"),
    (W, "who directed the social network"),
    (R, "who did christopher reeve play in superman"),
    (R, "who did hugh grant play in notting hill"),
    (R, "who directed the godfather"),
    # another adaptation or a private life is declined
    (W, "who was in the cast of the japanese tv drama"),  # the drama is named, no actor
    (W, "whats the sequel to never let me go called"),
    (W, "who is ishiguro married to and what does she do"),  # "she": the same private life
    (R, "is there a tv series of remains of the day"),  # a TV showing is not a series
    # what the pack does not cover is declined
    (W, "who directed the remains of the day"),  # another installed work, by its title
    (R, "who played kathy in never let me go"),
    (W, "when was carey mulligan born"),  # a real person's life the pack does not tell
    (W, "is charlotte rampling still alive"),
    (W, "where did ishiguro go to university"),
    (W, "what are andrew garfields politics"),
    (W, "what did romanek direct after this"),  # their work beyond this one
    (W, "is there a graphic novel version"),  # an adaptation the pack does not cover
    # more of what the pack does not cover is declined
    (W, "how much did the actors get paid"),  # real people named by their job
    (W, "how old is the director"),
    (W, "how does the book compare to brave new world"),  # set beside another title
    (W, "is there a never let me go 2"),  # a sequel by number
    (W, "whats sally hawkins best movie"),
    (W, "did ishiguro like the movie"),  # a real person's opinion the pack does not give
    (W, "what is the bbc adaptation like"),
    (W, "what is the meaning of life"),
    (R, "did emma thompson win an oscar for howards end"),  # a prize for another title
    (R, "what did mike nichols go on to direct after he dropped this project"),  # beyond
    (R, "are they remaking the film with new actors"),  # a remake: another adaptation
    (W, "domhnall gleeson was in star wars right, who did he play in that"),  # been in a title
    (W, "what was andrew garfields very first acting job"),  # a career beyond this work
    (W, "what else was carey mulligan in"),
    (W, "how much was carey mulligan payed for never let me go"),  # a typo of the private word
    (R, "what other film scores did richard robbins write"),  # other work of the crew
    (R, "is dyrham park open on mondays and how much are tickets"),  # a visit, not a fact
    (R, "did anthony hopkins win an oscar for silence of the lambs"),  # a cast member's other film
]

ANSWERED = [
    # this work or a stretch of it is not another title
    (W, "who did charlotte rampling play in the movie", "Emily"),
    (W, "what part did andrew garfield play in the cottages scenes", "Tommy"),
    (W, "what had romanek directed before this one", "One Hour Photo"),
    (R, "who did anthony hopkins play in it", "Stevens"),
    (R, "was the whole film shot at one house", "Dyrham"),
    # a synonym reaches the fact
    (W, "was the book made into a japanese tv show", "television drama"),  # tv: television
    (W, "did the film premiere at cannes", "Telluride"),  # a festival, not a prize, asked
    (W, "how is the film split up", "three sections"),
    # a general rule finds the sentence
    (R, "did hopkins win the oscar for it", "Hanks"),  # a shared surname: the one named most
    (R, "how old is stevens father when he comes to work", "seventies"),  # an age in decades
    (R, "where does he meet up with miss kenton", "Little Compton"),  # "to Mr Benn": no place
    (R, "what year is the present day in the film", "1958"),  # a difference's side asked
    (W, "why did miss lucy leave hailsham", "because"),  # a cause said outright
    (W, "what does the title refer to", "named after a song"),
    (W, "who starred as kathy and who as tommy", "Garfield"),  # the second part elided
    # what is done to a character is not their actor
    (R, "who's courting miss kenton in the film", "Benn"),  # not "who is X in the film"
    (R, "was there drama at the booker that year", "quarrel"),  # drama: a row
    (W, "who is miss emily in the film", "Rampling"),  # the cast route still takes this
    # a rule or a synonym of english reaches the fact
    (W, "was norfolk really where they shot the beach scene", "Clevedon"),  # a scene, no title
    (R, "who played the cook in the film", "Jacobs"),  # "Mrs Mortimer, the cook"
    (R, "how old was ishiguro when his family came to britain", "five"),  # an age given
    (R, "which pub did they use for mr benn courting miss kenton", "George Inn"),  # pub: inn
    (R, "which big name actress nearly got the miss kenton part before emma thompson",
     "Streep"),  # the casting's history, not the credit
    # a relation belongs to the name before it
    (R, "how did reginald's father die", "riding accident"),  # not the card "father" names
    (R, "who played stevens dad", "Vaughan"),  # the father's card speaks of Stevens
    (R, "the guy who plays darlingtons godson, who was that", "Grant"),
    (R, "who set up the 1923 conference", "David"),  # set up: organise
    # what the pack covers of a life is answered
    (W, "where was ishiguro born", "Nagasaki"),  # the pack tells this part of his life
    (W, "what had romanek directed before this one", "One Hour Photo"),
    (W, "which book won ishiguro the booker before this and when", "1989"),  # "and when"
    # a job or a comparison within this work is answered
    (R, "whos the actor playing stevens dad", "Vaughan"),  # a character's dad, not private
    (W, "how does the book compare to the film", "film"),  # this work's two sides
    # a remark or a medium does not hide the question
    (R, "whos the cinematographer, the film looks gorgeous", "Pierce-Roberts"),  # a remark
    (R, "is ribbentrop actually in the book?", "Ribbentrop"),  # a name and a medium only
    (W, "was romanek nominated for best director anywhere", "BIFA"),  # no other title named
    (W, "whats never let me go actually about", "donor"),  # the title asked of is "it"
    # a two-part question's second part keeps what it leaves to the first
    (R, "when did the book come out and did it win anything", "Booker"),  # "it": the book
    (R, "where does miss kenton live in the book and where in the film", "Clevedon"),
    (R, "where does miss kenton live in the book and where in the film", "Cornwall"),
    (R, "who wrote the screenplay, also who wrote the earlier draft that got dropped", "Pinter"),
    (R, "wait christopher reeve is in this?? who does he play", "Lewis"),  # "in this": here
    (W, "why did the boarding school shut down in the end", "backers"),  # another entry's cause
    # a statement after the question, or a feeling beside it, is not what is asked
    (W, "Who precisely is Madame? She seems to hover about the edges of the story.", "outsider"),
    (W, "what does complete mean in this book, its creepy", "completing"),
    (W, "who played chrissie? and rodney?", "Gleeson"),  # a short follow-up still asks
    (R, "what were the cocao meetings", "parlour"),  # two letters swapped is one typo
    (R, "did harold pinter write a script for this", "Pinter"),  # asked of, not a request
    (R, "What is The Wonder of England that he keeps consulting before he sets off?", "travel"),
    (R, "when did stevens dad turn up at darlington hall and what job was he given", "Vaughan"),
    (W, "what did tommy think the gallery was for", "love"),  # a theory is what he thought
    (W, "metacritic score? rotten tomatoes score?", "69"),  # two questions, one after the other
    (W, "metacritic score? rotten tomatoes score?", "70"),
    (R, "wait is christopher reeve in this?? like superman reeve? who does he play", "Lewis"),
    (R, "who plays the french guy with the bad feet", "Lonsdale"),  # the pack's own words
    (R, "what goes wrong with the car in dorset", "overheated"),
    (R, "what does the doctor do for stevens in the morning", "Driving"),  # level, and covers it
    (R, "ok so what happened to stevens older brother, something in south africa?", "Boer"),
    (W, "who watchs kathy dancing from the door", "Madame"),  # watching is seeing
    (W, "what are the cottages", "farm buildings"),  # the part that says what it is, first
    # a difference asked of neither medium shows both its sides
    (R, "do we ever actually see mr benn or is he just talked about", "Pigott-Smith"),
]


@pytest.mark.parametrize(("work", "question"), DECLINED)
def test_what_the_pack_does_not_cover_is_declined(library: Library, work: str,
                                                  question: str) -> None:
    declined, text = ask(library, work, question)
    assert declined is not None, text


@pytest.mark.parametrize(("work", "question", "want"), ANSWERED)
def test_a_rule_finds_the_answer(library: Library, work: str, question: str,
                                 want: str) -> None:
    declined, text = ask(library, work, question)
    assert declined is None and want in text, text


def test_which_chapter_is_read_off_the_answer_s_reveal_point(library: Library) -> None:
    assert where_asked("which chapter does his dad die in") == ("does his dad die in", "novel")
    assert where_asked("at what point in the film does he die") == ("does he die", "film")
    # The book's own structure is asked of its facts, not located.
    assert where_asked("what chapter does part three start") == (
        "what chapter does part three start", None)
    answer = library.get(W).answerer.answer(  # type: ignore[union-attr]
        "which chapter does ruth die", _everything)
    note = next(p for p in answer.passages if p.label.endswith("Where it comes"))
    told = answer.passages[answer.passages.index(note) - 1]
    assert note.reveal == Reveal(novel=told.reveal.novel) and (
        f"chapter {told.reveal.novel}" in note.text)
    declined, text = ask(library, R, "which chapter does his dad die in")
    assert declined is None and "Day Two" in text


async def test_where_it_comes_is_gated_with_what_it_locates(core: Core) -> None:
    """A club at the start is told neither the death nor where it comes; a club that has read
    the book but not seen the film is told where the book tells it, not where the film shows
    it (the place on the film's timeline opens only with the film)."""
    await say(core, "/club create both")
    reply = flat(await say(core, "/ask which chapter does ruth die"))
    assert "Where it comes" not in reply and "chapter 19" not in reply
    await say(core, "/club progress novel done")
    assert "chapter 19" in flat(await say(core, "/ask which chapter does ruth die"))
    film = flat(await say(core, "/ask at what point in the film does ruth die"))
    assert "In the film this is first shown" not in film
    await say(core, "/club progress film done")
    film = flat(await say(core, "/ask at what point in the film does ruth die"))
    assert "In the film this is first shown" in film


@pytest.mark.parametrize("question", ["what are the main themes",
                                      "for discussion night: what are the main themes we "
                                      "should cover"])  # an aside on why it is asked
def test_what_are_the_themes_gets_the_list(library: Library, question: str) -> None:
    answer = library.get(R).answerer.answer(question, _everything)  # type: ignore[union-attr]
    themes = {p.topic for p in answer.passages if p.topic.startswith("theme:")}
    assert len(themes) >= 5, [p.label for p in answer.passages]


def test_a_real_person_s_favourites_are_private(library: Library) -> None:
    declined, text = ask(library, W, "what is ishiguros favourite film")
    assert declined is not None, text


def test_a_part_no_source_confirms_is_not_guessed(library: Library) -> None:
    declined, text = ask(library, R, "whats lena headeys character called")
    assert declined == "not-known" and "do not confirm" in text, text


def test_an_opinion_asked_is_still_declined_with_a_remark(library: Library) -> None:
    declined, _text = ask(library, W, "is the film better than the book, be honest")
    assert declined == "request"


def test_what_a_thing_was_for_is_a_why(library: Library) -> None:
    declined, text = ask(library, W, "what was the gallery for")
    assert declined is None and "souls" in text, text
