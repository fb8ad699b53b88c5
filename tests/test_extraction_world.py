"""Issue 23: extraction that generalises. The world gazetteer shared with the importer, place
resolution, input handling (wire copy), dates, signatories, quotations, sectors the scheme
lacks, and event resolution (several reports of one signing are one agreement)."""

from __future__ import annotations

from datetime import date

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, SKOS

from citypact.curation.world_places import WorldPlaces, world_places
from citypact.extraction.article import read_article
from citypact.extraction.dates import find_dates
from citypact.extraction.service import Extracted, extract_article
from citypact.namespaces import CP, ID
from citypact.store.embedded import EmbeddedStore


@pytest.fixture(scope="module")
def store(bundled_embedded_store: EmbeddedStore) -> EmbeddedStore:
    return bundled_embedded_store


@pytest.fixture(scope="module")
def world() -> WorldPlaces:
    return world_places()


def _extract(text: str, store: EmbeddedStore, **kwargs: object) -> Extracted:
    return extract_article(text, store, validate=False, **kwargs)  # type: ignore[arg-type]


# --- the world gazetteer ----------------------------------------------------------------------


def test_world_places_resolve_other_spellings_and_never_cross_kinds(world: WorldPlaces) -> None:
    weihai = world.city("Wei Hai")
    assert weihai is not None and weihai.name == "Weihai" and weihai.country == "CN"
    south = world.city("Tangerang Selatan")
    assert south is not None and south.name == "South Tangerang"
    # Melaka the city and Melaka the state are two places: each kind answers for its own.
    city, state = world.city("Melaka"), world.region("Melaka")
    assert city is not None and city.kind == "city" and city.geonames_id
    assert state is not None and state.kind == "region" and state.iso_code == "MY-04"
    assert world.resolve("Shandong", regional=True).iso_code == "CN-SD"  # type: ignore[union-attr]
    # Casablanca (Morocco, 3.6 million) over Casablanca (Chile): the dominant namesake.
    assert world.city("Casablanca").country == "MA"  # type: ignore[union-attr]
    assert world.city("Friendship") is None


def test_an_unknown_partner_is_proposed_with_its_world_identifiers(store: EmbeddedStore) -> None:
    done = _extract(
        "MIRI (Nov 13): The mayors of Miri city and Wei Hai city of Shandong Province in China "
        "signed a Memorandum of Understanding (MoU) for friendly relations and co-operation in "
        "a virtual ceremony yesterday.\n",
        store,
        url="https://example.org/2021/11/13/miri-weihai/",
    )
    keys = done.proposal.keys()
    assert keys["parties"] == {"government/miri", "government/weihai"}
    assert keys["date"] == {"2021-11-12"}
    assert "place" not in keys  # a virtual signing names no place
    place = done.extraction.new_entities[URIRef(f"{ID}city/weihai")]
    assert (CP.geonamesId, Literal("1791673")) in place.links
    graph = done.proposal.graph()
    assert (URIRef(f"{ID}city/weihai"), CP.needsReview, Literal(True)) in graph


def test_a_city_and_one_of_its_councils_are_never_the_two_parties(store: EmbeddedStore) -> None:
    keys = _extract(
        "KUCHING: Kuching City North Hall (DBKU) and the city of Dali in Yunnan province aspire "
        "to establish friendship city ties between Kuching and Dali.\n\nDBKU and Dali today "
        "signed the letter of intent in Kuching. Kuching City North mayor Datuk Abang Abdul "
        "Wahap signed for DBKU.\n",
        store,
        url="https://example.org/2015/05/07/dbku/",
    ).proposal.keys()
    parties = keys["parties"]
    assert "government/kuching-city-north" in parties
    assert len(parties) == 2 and not {"government/kuching"} & parties


# --- input and dates --------------------------------------------------------------------------

WIRE = (
    "ID : 123456 / Tue, 03/16/2010 - 19:03\n"
    "SURABAYA -- The mayors of Surabaya and Kochi signed a memorandum of\n"
    "understanding on cooperation in trade, fisheries and port management here\n"
    "yesterday, officials said.\n"
)


def test_wire_copy_header_and_hard_wrapped_lines() -> None:
    article = read_article(WIRE)
    assert article.date == date(2010, 3, 16)
    assert article.title is None or "19:03" not in article.title
    assert "memorandum of understanding on cooperation" in article.text
    assert len(article.text) == len(WIRE) - len(WIRE.split("\n")[0]) - 2


def test_weekdays_with_typographic_apostrophes_and_days_after_on() -> None:
    found = find_dates("Jum’at (7/2) lalu", date(2025, 3, 1))
    assert found and found[0].weekday == 4 and found[0].value == date(2025, 2, 7)
    assert find_dates("signed on Feb 7", date(2025, 3, 1))[0].value == date(2025, 2, 7)


def test_a_year_nothing_supports_is_no_date(store: EmbeddedStore) -> None:
    keys = _extract(
        "KUCHING (Sept 10): The Padawan Municipal Council (MPP) signed a memorandum of "
        "understanding with Yibin City.\n\nMPP chairman Tan Kai and mayor of Yibin "
        "Municipal People's Government Liao Wenbin signed the MoU in Yibin.\n",
        store,
    ).proposal.keys()
    assert "date" not in keys
    assert keys["parties"] == {"government/padawan", "government/yibin"}
    assert keys["signatories"] == {
        "person/tan-kai|post/chairman-of-padawan",
        "person/liao-wenbin|post/mayor-of-yibin",
    }


# --- signatories and quotations ---------------------------------------------------------------


def test_signers_named_outright_and_witnesses_left_out(store: EmbeddedStore) -> None:
    keys = _extract(
        "DENPASAR - Pemerintah Kota Denpasar dan Kota Darwin sepakat menjadi kota kembar. "
        "Kerja sama ini dipertegas lewat penandatanganan Letter of Intent, Senin (28/6/2021) "
        "diwakili Walikota Denpasar, I Gusti Ngurah Jaya Negara dengan Wali Kota Darwin, The "
        "Hon. Kon Vatskalis, disaksikan Wakil Wali Kota Denpasar I Kadek Agus Arya Wibawa.\n",
        store,
    ).proposal.keys()
    assert keys["signatories"] == {
        "person/gusti-ngurah-jaya-negara|post/mayor-of-denpasar",
        "person/kon-vatskalis|post/mayor-of-darwin",
    }


def test_katanya_binds_to_the_last_speaker_and_a_post_is_no_name(store: EmbeddedStore) -> None:
    keys = _extract(
        "Beijing (ANTARA) - Pemerintah Kota Nanjing dan Pemerintah Kota Semarang menjalin "
        "kerja sama kota kembar.\n\nNota kesepahaman ditandatangani Wali Kota Nanjing Lan "
        "Shaomin dan Wali Kota Semarang Hendrar Prihadi di Nanjing, Rabu (24/10/2018).\n\n"
        '"Kerja sama kota kembar ini untuk meningkatkan hubungan kedua kota," kata Konsul '
        "Jenderal RI untuk Shanghai Siti Nugraha Mauludiah kepada Antara.\n\n"
        "Konjen berharap jumlah pelajar bertambah.\n\n"
        '"MoU ini sejalan dengan prakarsa Sabuk Jalan yang besar," ujarnya.\n',
        store,
    ).proposal.keys()
    speakers = {q.split(":")[0] for q in keys["quotations"]}
    assert speakers == {"person/siti-nugraha-mauludiah"}


# --- sectors ----------------------------------------------------------------------------------


def test_a_sector_the_scheme_lacks_is_a_new_concept_and_names_are_no_sectors(
    store: EmbeddedStore,
) -> None:
    done = _extract(
        "BOGOR - Kota Bogor dan Kota Kisarazu menandatangani Letter of Intent, Jumat "
        "(18/11/2016). Kerja sama kedua kota berfokus pada bidang pariwisata, pertanian, "
        "kota pintar dan kebudayaan.\n\nArtists would attend festivals like the Maritime "
        "Silk Road International Arts Festival, including the Kuching Festival.\n",
        store,
    )
    keys = done.proposal.keys()
    assert {"sector/pertanian", "sector/smart-city", "sector/tourism"} <= keys["sectors"]
    assert "sector/arts" not in keys["sectors"]
    graph = done.proposal.graph()
    new = URIRef(f"{ID}sector/pertanian")
    assert (new, RDF.type, CP.Sector) in graph
    assert (new, SKOS.prefLabel, Literal("pertanian", lang="id")) in graph
    assert (new, CP.needsReview, Literal(True)) in graph


# --- event resolution -------------------------------------------------------------------------

GYEONGGI = (
    "Jakarta, CNN Indonesia -- Pemerintah Provinsi DKI Jakarta menjalin kerjasama dengan "
    "Provinsi Gyeonggi, Korea Selatan.\n\n"
    "Penandatangan nota kesepahaman (Memorandum of Understanding/MoU) antara Gubernur DKI "
    "Jakarta Basuki Tjahaja Purnama dengan Gubernur Gyeonggi Nam Kyung Pil telah dilakukan "
    "pada Selasa (12/5/2015) di Balai Kota Jakarta.\n"
)


def test_a_second_report_of_a_signing_is_the_same_agreement(store: EmbeddedStore) -> None:
    done = extract_article(GYEONGGI, store, url="https://example.org/2015/05/12/ahok/")
    agreement = f"{ID}agreement/jakarta-gyeonggi-minutes-of-talks-2015-05-12"
    statements = {st.kind: st for st in done.proposal.statements}
    assert {st.matches for st in done.proposal.statements} == {agreement}
    # The graph holds the date: this article is a new source for it, not a second fact.
    assert statements["date"].status == "existing"
    assert (
        URIRef(agreement),
        CP.date,
        Literal("2015-05-12", datatype=statements["date"].object.datatype),
    ) in done.proposal.graph()  # type: ignore[union-attr]
    # The graph calls it minutes of talks; this article's "MoU" is a claim of this source.
    claim = statements["agreement"]
    assert claim.status == "conflict"
    triples = set(claim.triples)
    assert (claim.subject, RDF.type, CP.Claim) in triples
    assert (claim.subject, CP.predicate, CP.documentType) in triples
    assert (claim.subject, CP.object, CP.MemorandumOfUnderstanding) in triples
    assert done.report is not None and done.report.conforms
    assert "matches" in done.standing()[0]


def test_the_rounds_table_puts_first_runs_beside_the_figures_now() -> None:
    from citypact.extraction.evaluation import Case, Counts, Evaluation

    cases = [
        Case("a", {}, round=6, first_run_counts={"agreement": [0, 0, 1], "date": [1, 2, 1]}),
        Case("b", {}, round=6, first_run_counts={"agreement": [1, 1, 1], "date": [0, 0, 1]}),
        Case("c", {}, round=2, first_run="2026-11-28: overall P 0.78 R 0.60 (18 of 30)"),
    ]
    now = {
        "a": {"agreement": Counts(1, 1, 1), "date": Counts(1, 1, 1)},
        "b": {"agreement": Counts(1, 1, 1), "date": Counts(0, 1, 1)},
    }
    table = Evaluation({}, ["a", "b"], [], now).rounds_table(cases)
    rows = {line.split("|")[1].strip(): line for line in table.splitlines()[2:]}
    # round 6 first run: 2 of 4 expected, 3 proposed; agreement 1 of 2, date 1 of 2
    assert "| 0.67 / 0.50 | 0.50, 0.50 (agreement) |" in rows["6"]
    assert rows["6"].endswith("| 0.75 / 0.75 | 1.00, 0.50 (date) |")
    assert "| 0 of 1 | 0.78 / 0.60 | not recorded |" in rows["2"]
