"""`/film` and `/book`: facts about the film and the novel, by topic."""

from __future__ import annotations

from bot.core.call import Call
from bot.core.content.model import CREW_ROLES, TOPICS
from bot.core.errors import UserError
from bot.core.registry import WORK, Command, Group
from bot.core.reply import Draft, Part

_FILM_DESCRIPTIONS = {
    "cast": "Who plays whom, adults and children",
    "crew": "Director, writer, producers, score and the rest of the crew",
    "release": "Premieres, release dates, runtime, ratings, budget and box office",
    "reception": "Reviews and scores",
    "awards": "Awards won and nominations",
    "locations": "Where it was filmed",
    "watch": "Where to watch it, with dates",
}
_BOOK_DESCRIPTIONS = {
    "about": "The author, publishers and dates, the narrator and the setting",
    "structure": "Parts and chapters",
    "honours": "Prizes, shortlists and other honours",
}
_TOPIC_TITLES = {"watch": "Where to watch", "about": "About the novel"}


def _facts(call: Call, topic: str) -> list[Part]:
    return [
        Part(f.text, label=f.label, reveal=f.reveal, sources=f.sources)
        for f in call.content.facts_for(topic)
    ]


def _cast(call: Call) -> list[Part]:
    parts = []
    for person in call.content.people:
        for credit in person.credits:
            if credit.role == "cast":
                note = f" ({credit.note})" if credit.note else ""
                parts.append(Part(f"{credit.as_}{note}", label=person.name,
                                  sources=person.sources + credit.sources))
    return parts


def _crew(call: Call) -> list[Part]:
    parts = []
    for role, role_name in CREW_ROLES.items():
        names, sources = [], []
        for person in call.content.people:
            for credit in person.credits:
                if credit.role == role:
                    names.append(person.name + (f" ({credit.note})" if credit.note else ""))
                    sources.extend(person.sources + credit.sources)
        if names:
            parts.append(Part("; ".join(names), label=role_name,
                              sources=tuple(dict.fromkeys(sources))))
    return parts


def _topic_handler(group: str, topic: str):
    async def handler(call: Call) -> Draft:
        if group == "film" and call.timeline.film is None:
            raise UserError(f"{call.work.title} has no film.",
                            hint="See the book with `/book about`.")
        parts: list[Part] = []
        if (group, topic) == ("film", "cast"):
            parts = _cast(call)
        elif (group, topic) == ("film", "crew"):
            parts = _crew(call)
        parts += _facts(call, f"{group}.{topic}")
        title = call.work.info.heading(group)
        heading = _TOPIC_TITLES.get(topic, topic.capitalize())
        return Draft(title=f"{title} · {heading}", parts=tuple(parts))

    return handler


GROUPS = (
    Group("film", "The film of the club's work: cast, crew, release, reception, awards"),
    Group("book", "The club's book: about it, its structure, its honours"),
)
COMMANDS = tuple(
    Command("film", topic, _FILM_DESCRIPTIONS[topic], _topic_handler("film", topic),
            (WORK,), pure=True, examples=(f"/film {topic}",))
    for topic in TOPICS["film"]
) + tuple(
    Command("book", topic, _BOOK_DESCRIPTIONS[topic], _topic_handler("book", topic),
            (WORK,), pure=True, examples=(f"/book {topic}",))
    for topic in TOPICS["book"]
)
