"""`/prompt` and `/search`."""

from __future__ import annotations

from typing import cast

from bot.core.ask import Answer
from bot.core.call import Call
from bot.core.clubs import SpoilerMode
from bot.core.commands.questions import club_prompts
from bot.core.content.model import CardKind, Depth, Prompt
from bot.core.errors import NotFound, UserError
from bot.core.registry import WORK, Command, Group, Option, OptionKind, quote
from bot.core.reply import Action, Draft, Part, Visibility
from bot.core.timeline import Medium

_DEPTH_ORDER = (Depth.WARM_UP, Depth.DEEP, Depth.DEBATE)
SEARCH_SHOWN = 8
DECLINED = "I can't answer that"  # how every decline of /ask begins


def fits(prompt: Prompt, medium: Medium) -> bool:
    return medium is Medium.BOTH or prompt.medium in (medium, Medium.BOTH)


async def prompt(call: Call, theme: str | None = None) -> Draft:
    club = call.ctx.club
    medium = club.medium if club else Medium.BOTH
    wanted = call.find(CardKind.THEME, theme) if theme else None
    # Only prompts the audience may read are candidates; tagging a prompt would defeat it.
    # The club's own questions (`/questions`) have no theme: they join when none is asked.
    own = await club_prompts(call.store, club.id, call.work.id) if club and not wanted else ()
    eligible = [
        p for p in (*call.content.prompts, *own)
        if call.sees(p.reveal) and fits(p, medium) and (wanted is None or wanted.id in p.themes)
    ]
    if not eligible:
        about = f" on {wanted.name}" if wanted else ""
        raise UserError(f"No discussion prompts{about} are open yet at this point.",
                        hint="A host can move the club on with `/club progress`.")
    by_id = {p.id: p for p in eligible}
    repeated = False

    def choose(used: frozenset[str]) -> str:
        nonlocal repeated
        pool = [p for p in eligible if p.id not in used]
        repeated = not pool
        pool = pool or eligible
        # Warm-up before deep before debate: the shallowest depth left comes first.
        depth = next(d for d in _DEPTH_ORDER if any(p.depth is d for p in pool))
        return call.deps.rng.choice([p for p in pool if p.depth is depth]).id

    # A private prompt is the member's own: it does not use up the club's. A shared one is
    # chosen and marked in one transaction, so two at once never get the same prompt.
    if club is not None and call.visibility is Visibility.PUBLIC:
        picked = await call.store.take_prompt(club.id, call.work.id, choose)
        chosen = by_id[cast(str, picked)]  # `choose` always picks one
    else:
        chosen = by_id[choose(frozenset())]
    names = [call.content.card(CardKind.THEME, t).name for t in chosen.themes]
    footer = "Every prompt open at this point has been used here; repeating." if repeated else None
    again = Action("Another prompt", "prompt", (("theme", wanted.name),) if wanted else ())
    return Draft(
        title=f"Discussion prompt · {chosen.depth.value}",
        parts=(Part(chosen.text, reveal=chosen.reveal),),
        fields=(Part(", ".join(names), label="Themes"),) if names else
        (Part("one of the club's own", label="Question"),),
        footer=footer,
        actions=(again,),
    )


async def ask(call: Call, question: str) -> Draft:
    # In hide mode only what the audience may read is considered, so neither an answer nor a
    # count of held-back parts confirms a guess; in tag mode answers come back hidden, with
    # the point where they open inside the spoiler (that point would answer "does X die?").
    answerer = call.work.answerer
    answer = answerer.answer(
        question, call.sees, rankable=call.sees if call.mode is SpoilerMode.HIDE else None)
    title = f"Q: {quote(question, 100).strip('`')}"
    if answer.declined or not answer.passages:
        return Draft(title=title, parts=_decline(answer, answerer.covers), points_hidden=True)
    parts = tuple(Part(s.text, label=s.label, reveal=s.reveal, sources=s.sources)
                  for s in answer.passages)
    footer = None
    if answer.missing:
        footer = (f"I found nothing on one part of your question ({quote(answer.missing, 80)}), "
                  "so only the other part is answered.")
    return Draft(title=title, parts=parts, footer=footer, points_hidden=True)


_HELP = ("These might help: `/search WORDS` for anything that matches, `/film` and `/book` "
         "for facts by topic, `/character`, `/setting` and `/glossary` for the story.")


def _decline(answer: Answer, covers: str) -> tuple[Part, ...]:
    if answer.declined == "request":
        return (Part(f"{DECLINED}: I answer questions of fact about {covers}, not requests "
                     "for jokes, poems, advice or opinions."), Part(_HELP))
    if answer.declined == "other-work":
        return (Part(f"{DECLINED}: it is about {answer.work}, and I only know {covers}."),
                Part(_HELP))
    if answer.declined == "not-known" and answer.passages:
        p = answer.passages[0]
        return (Part(f"{DECLINED} for certain."),
                Part(p.text, label=p.label, reveal=p.reveal, sources=p.sources))
    return (Part(f"{DECLINED} from what I know about {covers}, and I won't guess."),
            Part(_HELP))


async def search(call: Call, words: str) -> Draft:
    hits = call.work.search.search(words)
    seen = [h for h in hits if call.sees(h.reveal)]
    shown = seen[:SEARCH_SHOWN]
    if call.mode is SpoilerMode.TAG:  # the club chose to see spoilers, hidden
        shown += [h for h in hits if not call.sees(h.reveal)][: SEARCH_SHOWN - len(shown)]
    if not shown:
        # Hits that have not opened are not even counted: the reply must not confirm a guess.
        raise NotFound(f"Nothing matches {quote(words)} at this point in the story.",
                       hint="Try fewer or shorter words, or `/help` for what you can look up.")
    parts = tuple(Part(h.text, label=h.label, reveal=h.reveal, sources=h.sources) for h in shown)
    footer = None
    if len(seen) > SEARCH_SHOWN:
        footer = f"Showing {SEARCH_SHOWN} of {len(seen)} matches: add words to narrow it."
    return Draft(title=f"Search: {quote(words, 40)}", parts=parts, footer=footer)


GROUPS = (
    Group("ask", "Ask a question in plain words; answered from the facts, with sources"),
    Group("prompt", "A discussion prompt safe for this channel, not repeated in the club"),
    Group("search", "Find facts and cards that match your words"),
)
COMMANDS = (
    Command("ask", None, "Ask a question in plain words; answered from the facts, with sources",
            ask, (Option("question", "Your question", max_length=300), WORK), pure=True,
            work_from="question",
            examples=("/ask who wrote the score?", "/ask when did it open in the UK?")),
    Command("prompt", None, "A discussion prompt safe for this channel, not repeated here",
            prompt,
            (Option("theme", "Only prompts on this theme", OptionKind.NAME, required=False,
                    complete=CardKind.THEME, max_length=100), WORK),
            examples=("/prompt", "/prompt {theme}")),
    Command("search", None, "Find facts and cards that match your words", search,
            (Option("words", "What to look for", max_length=200), WORK), pure=True,
            examples=("/search score", "/search {setting}")),
)
