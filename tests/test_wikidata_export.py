"""`citypact export wikidata` (QuickStatements) and `citypact diff wikidata` (a table).

On the bundled graph, four partnerships have a Wikidata item on both sides: Jakarta with Kuala
Lumpur, Seoul, Heidelberg and South Chungcheong. The Wikidata results fixture (see
test_import_wikidata.py) says Jakarta–Berlin started on 22 April 1993 (the LOI), where our graph
says 1994: the diff shows it, and the export leaves it for a person to settle.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest

from citypact.curation.importing.records import DateValue
from citypact.curation.wikidata_export import DIFF_COLUMNS, qs_time

from .test_import_wikidata import MALFORMED, RESULTS, run

KBRN = (
    "https://gayahidup.cabe.co.id/jakarta/internasional/1761995/"
    "jakarta-kuala-lumpur-resmi-jadi-mitra-sister-city"
)
BERITA_JAKARTA = "https://www.beritajakarta.id/en/read/29691/21-state-capitals-working-with-sister-city-with-jakarta"


def test_quickstatements_time_syntax() -> None:
    assert qs_time(DateValue(date(2025, 8, 11), "day")) == "+2025-08-11T00:00:00Z/11"
    assert qs_time(DateValue.of_year(1984)) == "+1984-00-00T00:00:00Z/9"


def test_export_writes_both_directions_with_start_and_reference(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "export", "wikidata", "--data-dir", str(tmp_path / "store"))
    assert code == 0
    lines = out.splitlines()
    # Jakarta–Kuala Lumpur: no start date of its own, so the date of its first agreement (LOI).
    assert f'Q3630|P190|Q1865|P580|+2025-08-11T00:00:00Z/11|S854|"{KBRN}"' in lines
    assert f'Q1865|P190|Q3630|P580|+2025-08-11T00:00:00Z/11|S854|"{KBRN}"' in lines
    # Jakarta–Seoul: cp:startYear 1984, year precision; the source Pemprov DKI published first.
    assert f'Q3630|P190|Q8684|P580|+1984-00-00T00:00:00Z/9|S854|"{BERITA_JAKARTA}"' in lines
    assert f'Q8684|P190|Q3630|P580|+1984-00-00T00:00:00Z/9|S854|"{BERITA_JAKARTA}"' in lines
    # Jakarta–Heidelberg: no date known, so no P580.
    assert f'Q3630|P190|Q2966|S854|"{KBRN}"' in lines
    assert any(
        line.startswith("Q41070|P190|Q3630|P580|+2025-05-27T00:00:00Z/11|S854|") for line in lines
    )
    assert len(lines) == 8
    assert "8 QuickStatements line(s) for 4 partnership(s)" in err
    skipped = next(
        line for line in err.splitlines() if line.startswith("skipped") and "item" in line
    )
    assert int(skipped.split()[1]) > 20  # Tokyo, Jeddah, Berlin, ...: no Wikidata item yet
    assert not any(line.startswith("Q64|") or "|Q64|" in line for line in lines)


def test_export_to_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "statements.txt"
    code, out, _err = run(
        capsys, "export", "wikidata", "-o", str(target), "--data-dir", str(tmp_path / "store")
    )
    assert code == 0
    assert out.startswith(f"{target}: 8 QuickStatements line(s)")
    assert len(target.read_text(encoding="utf-8").splitlines()) == 8


def test_export_compare_leaves_out_what_wikidata_has(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "store"
    assert run(capsys, "import", "wikidata", str(RESULTS), "--data-dir", str(data))[0] == 0
    code, out, err = run(
        capsys, "export", "wikidata", "--compare", str(RESULTS), "--data-dir", str(data)
    )
    assert code == 0
    lines = out.splitlines()
    # Wikidata has Heidelberg → Montpellier and Kuala Lumpur → Ankara; the other sides are new.
    heidelberg = '"https://www.heidelberg.de/511803.html"'
    assert f"Q6441|P190|Q2966|P580|+1961-00-00T00:00:00Z/9|S854|{heidelberg}" in lines
    assert not any(line.startswith("Q2966|P190|Q6441|") for line in lines)
    dbkl = '"https://www.dbkl.gov.my/bandar-raya-berkembar-ankara-turki/"'
    assert f"Q3640|P190|Q1865|P580|+1984-02-01T00:00:00Z/11|S854|{dbkl}" in lines
    assert not any(line.startswith("Q1865|P190|Q3640|") for line in lines)
    # Jakarta → Kuala Lumpur is on Wikidata with the same date; the other side lacks the date.
    assert not any(line.startswith("Q3630|P190|Q1865|") for line in lines)
    assert f'Q1865|P190|Q3630|P580|+2025-08-11T00:00:00Z/11|S854|"{KBRN}"' in lines
    # Jakarta–Berlin (1994 here, 1993-04-22 there) is left for a person to settle.
    assert not any(line.startswith("Q64|") or "|Q64|" in line for line in lines)
    assert "left out 1 partnership(s) whose start time disagrees" in err
    assert "Jakarta – Berlin (1994 here)" in err
    assert "left out 4 statement(s) Wikidata already has" in err


def test_export_compare_with_malformed_results_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys, "export", "wikidata", "--compare", str(MALFORMED), "--data-dir", str(tmp_path)
    )
    assert code == 2
    assert out == ""
    assert str(MALFORMED) in err


def _diff(capsys: pytest.CaptureFixture[str], data: Path, *extra: str) -> str:
    code, out, err = run(capsys, "diff", "wikidata", str(RESULTS), "--data-dir", str(data), *extra)
    assert code == 0, err
    return out


def test_diff_markdown_shows_one_sided_pairs_and_other_dates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _diff(capsys, tmp_path / "store")
    lines = out.splitlines()
    assert lines[0] == (
        "| status | place | Wikidata | partner | Wikidata | CityPact start | Wikidata start "
        "| CityPact partnership |"
    )
    assert (
        "| start dates differ | Jakarta | Q3630 | Berlin | — | 1994 (start year) | 1993-04-22 "
        "| https://w3id.org/citypact/id/partnership/jakarta-berlin |"
    ) in lines
    assert "| only in Wikidata | Heidelberg | Q2966 | Montpellier | Q6441 | — | 1961 | — |" in lines
    assert (
        "| only in CityPact | Jakarta | Q3630 | Tokyo | — | 1989 (start year) | — "
        "| https://w3id.org/citypact/id/partnership/jakarta-tokyo |"
    ) in lines
    # Pairs on both sides with agreeing dates are not listed.
    for partnership in ("jakarta-seoul", "jakarta-kuala-lumpur", "kuala-lumpur-ankara"):
        assert f"partnership/{partnership} |" not in out
    assert "start dates differ: 1; only in Wikidata: 1; only in CityPact: " in out


def test_diff_after_import_only_the_date_differs_among_the_pairs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "store"
    assert run(capsys, "import", "wikidata", str(RESULTS), "--data-dir", str(data))[0] == 0
    out = _diff(capsys, data, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert tuple(rows[0]) == DIFF_COLUMNS
    statuses = {(r["place"], r["partner"]): r["status"] for r in rows}
    assert statuses[("Jakarta", "Berlin")] == "start dates differ"
    assert ("Heidelberg", "Montpellier") not in statuses
    berlin = next(r for r in rows if r["partner"] == "Berlin")
    assert berlin["partner_wikidata"] == "Q64"
    assert berlin["citypact_start"] == "1994 (start year)"
    assert berlin["wikidata_start"] == "1993-04-22"


def test_diff_with_malformed_results_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = run(capsys, "diff", "wikidata", str(MALFORMED), "--data-dir", str(tmp_path))
    assert code == 2
    assert str(MALFORMED) in err and "not valid JSON" in err
