"""The forms in which news names governments, posts and people: the patterns of
:mod:`citypact.extraction.new_entities` (a government's kind before or after its name, a
post's title, honorifics, a person's name)."""

from __future__ import annotations

import re

from citypact.extraction.name_forms import GOVERNMENT_KINDS

_NAME_WORD = r"[A-Z][\w'’-]*"
_NAME = rf"{_NAME_WORD}(?:[ ]+{_NAME_WORD}){{0,3}}"
_GOV_BEFORE = re.compile(rf"\b(?P<kind>{GOVERNMENT_KINDS})\s+(?P<name>{_NAME})")
# "Pemerintah Kota Denpasar dan Mossel Bay": one kind for two governments.
_GOV_AND = re.compile(
    r"\b(?P<kind>Pemerintah\s+Provinsi|Pemerintah\s+Kota|Pemerintah\s+Kabupaten|Pemprov|Pemkot|"
    r"Pemkab)\s+"
    + _NAME_WORD
    + r"(?:[ ]+"
    + _NAME_WORD
    + r")*?\s+(?:dan|and)\s+(?P<name>"
    + _NAME
    + ")"
)
_KIND_WORDS = {"pemerintah", "kota", "kabupaten", "provinsi", "pemprov", "pemkot", "pemkab"}
_GOV_AFTER = re.compile(
    r"(?<![\w'’])(?P<name>" + _NAME + r")\s+(?P<kind>City\s+Council|City\s+Hall|"
    r"Municipal\s+(?:People's\s+)?Government|Provincial\s+Government|City\s+Government|"
    r"Metropolitan\s+Government|Municipal\s+Council|Municipality|City)\b(?!\s+(?:Council|Hall))"
)
# "signed an MoU with Wei Hai city": a partner city, named after "with" ("dengan").
_WITH_CITY = re.compile(r"\b(?:with|dengan)\s+(?P<name>" + _NAME + r")\s+(?P<kind>city|kota)\b")
# "the city of Yibin", "the mayors of Miri city and Weihai city", "Kuching City North Hall": a
# place the world gazetteer must know (or, for a part of a city, its own council).
_CITY_OF = re.compile(r"\b(?:the\s+)?(?P<kind>city|municipality)\s+of\s+(?P<name>" + _NAME + r")")
_NAME_CITY = re.compile(r"(?<![\w'’])(?P<name>" + _NAME + r")\s+(?P<kind>city)\b")
_CITY_PART = re.compile(
    r"(?<![\w'’])(?P<name>[A-Z][\w'’-]*\s+City\s+(?:North|South|East|West))\s+(?P<kind>Hall|Council)\b"
)
# Kinds that name a government whatever the name ("Padawan Municipal Council"), unlike "City"
# ("Friendship City").
_STRONG_KIND = re.compile(r"Council|People.s\s+Government|Hall", re.I)
_WORLD_PATTERNS = (_CITY_OF, _NAME_CITY)
_NOT_PLACE_NAMES = {
    "kembar",
    "bersaudara",
    "persahabatan",
    "friendship",
    "friendship city",
    "sister",
    "twin",
    "smart",
    "green",
    "green smart",
    "seni",
    "friendly",
}
# Korean local governments are named with their kind: Gochang-gun, Suwon-si, Jeollabuk-do.
_KOREAN = re.compile(r"(?<![\w'’-])(?P<name>[A-Z][a-z]+-(?P<kind>gun|si|do|gu))(?![\w'’-])")
_REGIONAL = re.compile(r"provinsi|provincial|pemprov|negeri|^do$", re.I)
# Titles of posts: how news writes them, and the English title the new post's IRI uses.
_TITLES = {
    "gubernur": "governor",
    "gabenor": "governor",
    "governor": "governor",
    "wakil gubernur": "vice-governor",
    "vice governor": "vice-governor",
    "deputy governor": "vice-governor",
    "wali kota": "mayor",
    "walikota": "mayor",
    "wakil wali kota": "vice-mayor",
    "datuk bandar": "mayor",
    "mayor": "mayor",
    "vice mayor": "vice-mayor",
    "deputy mayor": "vice-mayor",
    "bupati": "regent",
    "regent": "regent",
    "municipal secretary": "municipal-secretary",
    "party secretary": "party-secretary",
    "sekretaris daerah": "regional-secretary",
    "chairman": "chairman",
    "yang dipertua": "president",
}
_TITLE = "|".join(sorted((re.escape(t).replace(r"\ ", r"\s+") for t in _TITLES), key=len)[::-1])
_TITLE_WORDS = {word for title in _TITLES for word in title.split()}
_ENGLISH_TITLES = {
    "mayor",
    "vice mayor",
    "deputy mayor",
    "governor",
    "vice governor",
    "deputy governor",
    "regent",
    "municipal secretary",
    "party secretary",
    "chairman",
}
_TITLE_RE = re.compile(rf"\b(?P<title>{_TITLE})\b", re.I)
HONORIFIC = re.compile(
    r"^(?:(?:Dato['’]?|Datuk|Dato['’]?\s+Sri|Datuk\s+Seri|Tan\s+Sri|Dr\.?|Ir\.?|Prof\.?|Haji|H\.|"
    r"Bapak|Pak|Ibu|Bu|Mr\.?|Mrs\.?|Ms\.?|Madam|Tuan|Puan|Encik|Alderman|Councillor|Cllr\.?|"
    r"YB|YBhg\.?|Yang\s+Berhormat|Executive|The\s+Hon\.?|Hon\.?|"
    r"I(?=\s+(?:Gusti|Made|Wayan|Ketut|Nyoman|Putu|Kadek|Komang|Gede|Dewa|Nengah)\b))\s+)+"
)
_PERSON = re.compile(rf"^[ ,]{{0,3}}(?P<name>{_NAME_WORD}(?:[ ]+{_NAME_WORD}){{1,4}})")
_NOT_PERSON = {"di", "in", "at", "dan", "and", "said", "the"}
