"""The rules the reference-manager importers share (paperscope.importers.reference)."""

from __future__ import annotations

import pytest

from paperscope.importers.reference import (
    display_name,
    initials_last,
    iso_date,
    month_day,
    month_number,
    page_range,
    plain_text,
    venue_line,
)


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("Harrison, Warren", "Warren Harrison"),
        ("Valle-Delgado,J. J. ", "J. J. Valle-Delgado"),  # no space after the comma
        ("King, Martin Luther, Jr.", "Martin Luther King Jr."),
        ("King, Jr., Martin Luther", "Martin Luther King Jr."),  # BibTeX's order
        ("Catarina Barata", "Catarina Barata"),
        (
            "Dept. of Physics, Univ. X, Somewhere, Earth",
            "Dept. of Physics, Univ. X, Somewhere, Earth",
        ),
    ],
)
def test_display_names(given, shown):
    assert display_name(given) == shown


def test_initials_are_written_as_initials_only_where_asked():
    assert display_name("Brown, JM", initials=True) == "J. M. Brown"
    assert display_name("Brown, JM") == "JM Brown"
    assert display_name("Li, Qiang", initials=True) == "Qiang Li"
    assert initials_last("Smith JA") == "J. A. Smith"
    assert initials_last("Selvamani") == "Selvamani"


@pytest.mark.parametrize(
    ("first", "last", "pages"),
    [
        ("2457-71", "", "2457--2471"),  # MEDLINE's abbreviated last page
        ("377", "86", "377--386"),
        ("19–35", "", "19--35"),  # an en dash
        ("12--34", "", "12--34"),
        ("1-22", "", "1--22"),
        ("S12-S15", "", "S12--S15"),
        ("e1234", "", "e1234"),
        ("41103-1-3", "", "41103-1-3"),  # which dash splits it cannot be told
        ("2457", "12", "2457--12"),  # not an abbreviation of a later page: as written
        ("5", "5", "5"),
        ("", "9", "9"),
    ],
)
def test_page_ranges(first, last, pages):
    assert page_range(first, last) == pages


def test_venue_line_as_bibtex_builds_it():
    assert venue_line("Neuron", "92", "2", "280--284") == "Neuron 92(2), 280-284"
    assert venue_line("Neuron", pages="280") == "Neuron, 280"
    assert venue_line("", "92", "2", "1") == ""


def test_dates_and_months():
    assert iso_date(2001, 2, 30) == "2001"  # never an invented or impossible day
    assert iso_date(2001, 2) == "2001-02"
    assert iso_date(99) is None
    assert [month_number(m) for m in ("Apr", "april", "Sept.", "Ma", "Mayday")] == [
        4,
        4,
        9,
        None,
        None,
    ]


@pytest.mark.parametrize(
    ("text", "month", "day"),
    [
        ("JUN 14", 6, 14),
        ("June 15", 6, 15),
        ("15 May 2019", 5, 15),
        ("2006 May-Jun", 5, None),
        ("May 2019", 5, None),
        ("04 2006", 4, None),  # Inspec
        ("SUM", None, None),
        ("2006", None, None),
        ("", None, None),
    ],
)
def test_loose_month_and_day(text, month, day):
    assert month_day(text) == (month, day)


def test_markup_is_removed_and_scripts_kept_where_unicode_has_them():
    assert plain_text("in <i>Library Quarterly</i>") == "in Library Quarterly"
    assert plain_text("H<sub>2</sub>O and x<sup>2</sup>") == "H₂O and x²"
    assert plain_text("LiNbO/sub 3/ and He/sup +/ and E/sub g/") == "LiNbO₃ and He⁺ and Eg"
    assert plain_text('a <b>bold</b> <span class="nocase">iPhone</span>') == "a bold iPhone"
    assert plain_text("x < y and y > z") == "x < y and y > z"  # not markup
