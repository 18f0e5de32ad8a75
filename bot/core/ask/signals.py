"""What a passage's text offers a question's shape: a date for "when", a number for "how
many", an age for "how old", a cause for "why". Plain English patterns, true of any work."""

from __future__ import annotations

import re

NUMBER_WORDS = (r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|"
                r"fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|"
                r"fifty|sixty|seventy|eighty|ninety|hundred|thousand|million|single|only|"
                r"first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth")
DATE = re.compile(r"\b((1[5-9]\d\d|20\d\d)s?|January|February|March|April|May|June|July|August|"
                  r"September|October|November|December|'\d0s|\d0s|spring|summer|autumn|"
                  r"winter|century)\b", re.IGNORECASE)
# A year is a date, not a number of things: "the 2010 BIFAs" answers "when", not "how many".
_NOT_A_YEAR = r"(?!(1[5-9]\d\d|20\d\d)s?\b)"
NUMBER = re.compile(rf"\b{_NOT_A_YEAR}\d|\b({NUMBER_WORDS})\b", re.IGNORECASE)
# An age is a number of years ("31", "aged five", "at the age of"), not "her old friends".
AGE = re.compile(rf"\b(age|aged|teens|teenage\w*|birthday)\b|\b(\d\d|({NUMBER_WORDS})"
                 rf"(-\w+)?)[- ]years?[- ]old\b|\bat (\d\d|{NUMBER_WORDS}(-\w+)?)\b|"
                 rf"\b(twenty|thirty|forty)-\w+\b|\bin (his|her|their) (early |late |mid-)?"
                 r"(teens|twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties)\b",
                 re.IGNORECASE)
DURATION = re.compile(rf"\b(\d+|{NUMBER_WORDS}|few|several|some)\s+(more\s+)?(minutes|hours|"
                      r"years|pages|months|weeks|days)\b|\b\d+:\d\d\b|\bminutes?\b|"
                      r"\b(long|lasts?|runs?|running time)\b", re.IGNORECASE)
COUNT = re.compile(rf"\b({_NOT_A_YEAR}\d+|{NUMBER_WORDS})\s+(\w+\s+)?\w+s\b|"
                   r"\b(altogether|in all|total|tally)\b", re.IGNORECASE)
MONEY = re.compile(r"[$£€]|\b(dollars?|pounds?|million|budget|gross\w*|box office|takings)\b",
                   re.IGNORECASE)
CAUSE = re.compile(r"\b(because|so that|so as|to prove|since|reason|in order|why|meant to|"
                   r"was to|so |after the|until|due to|led to|wanted|the truth|to see|"
                   r"to find|hoping|afraid|fear|for fear)\b", re.IGNORECASE)
# A cause said outright, not only hinted at ("after the", "until"): what a "why" is owed.
STRONG_CAUSE = re.compile(r"\b(because|so that|so as to|in order to|reasons?|due to|led to|why|"
                          r"as a result|caused by|for fear|hoping to|wanted to|afraid|purpose|"
                          r"to prove|to show that|meant to|out of (?:fear|cowardice|pride|"
                          r"loyalty|duty|love|spite|jealousy|guilt|shame|habit|kindness|pity|"
                          r"respect)|nowhere else to go)\b", re.IGNORECASE)
ORDER = re.compile(r"\b(first|second|third|fourth|after|before|later|years|during|while|"
                   r"chapter|at the end|next|then|when)\b", re.IGNORECASE)
# A place is a capitalised name after a preposition, but not a person's title ("to Mr Jones").
PLACE = re.compile(r"\b(in|at|to|near|on|from)\s+(the\s+)?(?!(Mr|Mrs|Miss|Ms|Dr|Lord|Lady|Sir|"
                   r"Father|Mother|Uncle|Aunt)\b)[A-Z][a-z]")
# A "who" answer names someone first: "Fox Searchlight Pictures handled ...".
SUBJECT = re.compile(r"^(?!(The|In|It|Its|A|An|At|On|As|After|Before|When|Years|Some|Both|"
                     r"Every|Our|No|This|That)\b)[A-Z][a-z]+,? (and )?[A-Z]|^[A-Z][a-z]+ "
                     r"(is|was|plays|played|wrote|directed|composed)\b")
NEGATION = re.compile(r"\b(no|not|never|none|nothing|neither|nor|without|isn't|wasn't|didn't|"
                      r"doesn't|cannot|can't)\b", re.IGNORECASE)

CHECKS = (("date", DATE), ("number", NUMBER), ("count", COUNT), ("age", AGE),
          ("duration", DURATION), ("money", MONEY), ("cause", CAUSE), ("order", ORDER),
          ("place", PLACE), ("negation", NEGATION))


def offers(text: str) -> frozenset[str]:
    """The kinds of answer a text can give."""
    found = {name for name, pattern in CHECKS if pattern.search(text)}
    if SUBJECT.match(text):
        found.add("subject")
    return frozenset(found)
