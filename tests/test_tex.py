"""paperscope.tex on what real names hold, arXiv's as well as BibTeX's."""

from __future__ import annotations

import pytest

from paperscope.tex import unlatex


@pytest.mark.parametrize(
    ("tex", "text"),
    [
        (r"\c{C}elik", "Çelik"),
        (r"Ng\d oc", "Ngọc"),
        (r"Gr\"obner", "Gröbner"),
        # Vietnamese names stack two accents on one letter.
        (r"Nguy\~{\^e}n", "Nguyễn"),
        (r"Nguy\~{\^{e}}n", "Nguyễn"),
        (r"Tr\`{\^a}n", "Trần"),
        (r"\"{\i}", "ï"),
        # Nothing to put an accent on: left as written.
        (r"\~{\^}", r"\~{\^}"),
        ("no TeX at all", "no TeX at all"),
    ],
)
def test_accents_decode_to_the_letters_tex_prints(tex, text):
    assert unlatex(tex) == text
