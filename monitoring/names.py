"""Finds what looks like a person's name in a narrative, from the given names that Faker keeps for many languages.

A warning, never a block: it cannot be sure. It looks for a title or a cue before a capitalised word ("Mrs Begum",
"a woman called Amina"), a given name followed by a surname-like word ("Sarah Jones"), or a given name on its own
in the middle of a sentence ("we helped Amina"). Given names that are also ordinary English words ("Will", "Hope",
"Grace"), months and London places are left out, and a lone name that starts a sentence is not counted, since every
sentence starts with a capital.
"""

import re
from functools import lru_cache
from importlib import import_module

# Languages whose given names are common among Londoners (and Faker's lists for them are in Latin script).
NAME_LOCALES = [
    "en_GB", "en_US", "en_IE", "en_IN", "en_PK", "en_NG", "en_KE", "ga_IE", "pl_PL", "ro_RO", "lt_LT", "bg_BG",
    "tr_TR", "pt_PT", "pt_BR", "es_ES", "it_IT", "fr_FR", "de_DE", "el_GR", "yo_NG", "ig_NG", "ha_NG", "sw", "tw_GH",
]
# Given names that are also words, or the names of places, months, days and groups a narrative may mention.
NOT_NAMES = """
Will Hope Grace May Mark Bill Page Rose Sunny Faith Joy Patience Charity Victoria Chelsea Jordan India Florence
Paris Summer April June July August March Autumn Winter Dawn Eve Holly Ivy Lily Daisy Violet Ruby Amber Crystal Pearl
Jade Destiny Trinity Angel Christian Chase Hunter Miles Frank Ernest Earnest Guy Gene Ray Rob Sue Pat Don Dean Art
Bob Jack Sonny Victor Major King Prince Baker Carter Cook Mason Taylor Dale Glen Heath Forest Lane Ford Wade Reed
Drew Bud Penny Sandy Rusty Carol Sterling Harmony Melody Liberty Justice Unity Blessing Precious Gift Marvel Favour
Praise Wisdom Mercy Honour Clement Sky Rain Storm River Star Sunday Monday Tuesday Wednesday Thursday Friday
Saturday Easter Christmas Ramadan Eid Diwali Brent Sutton Merton Barnet Camden Kingston Harrow Bromley Lewisham
Hackney Croydon Ealing Enfield Haringey Havering Hillingdon Hounslow Islington Lambeth Newham Redbridge Richmond
Southwark Wandsworth Westminster Greenwich Bexley Barking Dagenham Tower Waltham Kensington Hammersmith Fulham
London England Britain British English Scotland Wales Ireland Irish Europe Africa Asia America Elizabeth Albert
Jubilee Regent Windsor Stanley Clifton Kensal Bethnal Stratford Brixton Peckham Tottenham Wembley Lee Bow Barnes
Chase God Allah Jesus Christ Polish Romanian Turkish Somali Bengali Portuguese Spanish Italian French Deaf Disabled
Police Council Court Legal Support Crime Hate Team Staff Officer Service Services Centre Center Project Network
Trust Foundation Charity Advice Care Health Home Office Met Metropolitan Victim Victims Safe Safer Action Access
Pride Rainbow Black White Green Brown Gray Grey Young Long Little Small Bright Sign Language Bank Post Royal Mail
Nice Sim Can Man Van Else Edit Grant Harm Meta Peer Said Server Marine Mark Major General Captain Doctor Nurse
""".split()
# Words that follow a given name without being a surname: "Elizabeth Line", "Albert Square".
NOT_SURNAMES = {
    "Line", "Street", "Road", "Square", "Park", "Hall", "Centre", "Center", "House", "Court", "Lane", "Station",
    "Hospital", "School", "College", "University", "Trust", "Foundation", "Council", "Estate", "Gardens", "Close",
    "Way", "Place", "Avenue", "Library", "Church", "Mosque", "Temple", "Club", "Project", "Group", "Network", "Team",
    "Day", "Week", "Month", "Year", "Fund", "Award", "Prize", "Market", "Bridge", "Hill", "Green", "Common", "Ward",
    "Unit", "Clinic", "Surgery", "Society", "Association", "Forum", "Partnership", "Programme", "Service", "Services",
}
TITLES = {"Mr", "Mrs", "Ms", "Miss", "Mx", "Dr", "Sir", "Dame"}
CUES = {"called", "named", "nicknamed"}

# One word (letters with inner apostrophes or hyphens), or a mark that ends a sentence. Each alternative starts on a
# different kind of character and every run is bounded, so each position is tried once: linear in the text's length.
TOKEN = re.compile(r"[^\W\d_]{1,40}(?:['’-][^\W\d_]{1,40}){0,3}|[.!?:;\n]")


@lru_cache(maxsize=1)
def ordinary_words() -> frozenset[str]:
    from faker.providers.lorem.en_US import Provider as EnglishWords

    return frozenset(word.capitalize() for word in EnglishWords.word_list) | frozenset(NOT_NAMES)


@lru_cache(maxsize=1)
def given_names() -> frozenset[str]:
    """Single-word given names in Latin script, built once from Faker's lists."""
    names = set()
    for locale in NAME_LOCALES:
        provider = import_module(f"faker.providers.person.{locale}").Provider
        for name in (*getattr(provider, "first_names", ()), *getattr(provider, "first_names_female", ()),
                     *getattr(provider, "first_names_male", ())):
            if len(name) >= 3 and name.isalpha() and name[0].isupper() and all(c < "\u0250" for c in name):
                names.add(name)
    return frozenset(names - ordinary_words())


def _capitalised(word: str) -> bool:
    return len(word) > 1 and word[0].isupper() and word[1:].replace("'", "").replace("’", "").replace("-", "").islower()


def names_in(text: str) -> list[str]:
    """Each likely personal name in the text, once, in the order found."""
    names, ordinary = given_names(), ordinary_words()
    tokens = [(match.group(0), match.start(), match.end()) for match in TOKEN.finditer(text)]
    found: dict[str, None] = {}
    sentence_start = True
    skip = -1  # the surname of a name just found is not looked at again
    for index, (word, start, end) in enumerate(tokens):
        if index == skip:
            sentence_start = False
            continue
        if not word[0].isalpha():
            sentence_start = word != ":" and word != ";"
            continue
        following = _next_word(text, tokens, index, allow_full_stop=word in TITLES)
        word = re.sub(r"['’]s$", "", word)  # "Amina's" names Amina
        if word in TITLES and following and _capitalised(following):
            found[f"{word} {following}"], skip = None, index + (2 if tokens[index + 1][0] == "." else 1)
        elif word.lower() in CUES and following and _capitalised(following) and following not in ordinary:
            found[f"{word} {following}"], skip = None, index + 1
        elif word in names:
            if following and _capitalised(following) and following not in NOT_SURNAMES and following not in ordinary:
                found[f"{word} {following}"], skip = None, index + 1
            elif not sentence_start:
                found[word] = None
        sentence_start = False
    return list(found)


def _next_word(text: str, tokens: list, index: int, *, allow_full_stop: bool) -> str | None:
    """The word straight after token `index`, separated only by spaces (and, after "Mr", its full stop)."""
    end = tokens[index][2]
    for word, start, next_end in tokens[index + 1:index + 3]:
        between = text[end:start]
        if word == "." and allow_full_stop and not between.strip():
            end, allow_full_stop = next_end, False
            continue
        if word[0].isalpha() and between and not between.strip(" \t"):
            return word
        return None
    return None
