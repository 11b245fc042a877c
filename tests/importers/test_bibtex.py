"""The BibTeX importer and writer, on real-shaped files and the real arXiv sample."""

from __future__ import annotations

import io
import re
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paperscope.importers import arxiv_snapshot, bibtex
from paperscope.importers.base import FormatError, Item
from paperscope.models import Paper, new_paper, title_key

DATA = Path(__file__).resolve().parent.parent / "data" / "bibtex"


def parse(text: str | bytes) -> list[Item]:
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return list(bibtex.parse(io.BytesIO(raw)))


def papers(text: str) -> list[Paper]:
    items = parse(text)
    assert [i.error for i in items if i.error] == []
    return [i.paper for i in items]


def one(text: str) -> Paper:
    (paper,) = papers(text)
    return paper


@pytest.fixture(scope="module")
def fixture_items() -> dict[str, Item]:
    with open(DATA / "papers.bib", "rb") as f:
        items = list(bibtex.parse(f))
    assert [i.error for i in items if i.error] == []
    return {i.paper.title.split(":")[0].split()[0].lower(): i for i in items}


# -- the fixture: exports of real tools --------------------------------------------------


def test_fixture_reads_every_entry_and_skips_special_blocks(fixture_items):
    assert len(fixture_items) == 10  # @comment, @preamble, @string and prose yield nothing
    assert fixture_items["attention"].line == 15


def test_arxiv_export(fixture_items):
    p = fixture_items["attention"].paper
    assert p.id == "1706.03762"
    assert p.title == "Attention Is All You Need"
    assert p.authors[0] == "Ashish Vaswani" and p.authors[-1] == "Illia Polosukhin"
    assert p.author_count == 8
    assert p.categories == ["cs.CL"]
    assert p.published == "2023"  # a year alone: no month or day is invented
    assert p.sources == ["bibtex"]
    assert p.links == {
        "abs": "https://arxiv.org/abs/1706.03762",
        "pdf": "https://arxiv.org/pdf/1706.03762",
    }


def test_google_scholar_arxiv_preprint_and_protective_braces(fixture_items):
    p = fixture_items["bert"].paper
    assert p.id == "1810.04805"
    assert p.title.startswith("BERT: Pre-training of Deep Bidirectional")
    assert p.authors == ["Jacob Devlin", "Ming-Wei Chang", "Kenton Lee", "Kristina Toutanova"]
    assert p.journal_ref == ""  # "arXiv preprint ..." is not a publication


def test_dblp_corr_entry(fixture_items):
    p = fixture_items["adam"].paper
    assert (p.id, p.title) == ("1412.6980", "Adam: A Method for Stochastic Optimization")
    assert p.authors == ["Diederik P. Kingma", "Jimmy Ba"]
    assert p.journal_ref == ""  # CoRR is arXiv
    assert p.abstract.startswith(
        "A first-order optimizer that keeps running estimates of the first"
    )


def test_proceedings_with_doi_and_no_day(fixture_items):
    p = fixture_items["deep"].paper
    assert p.id.startswith("t-")  # no arXiv id: a title hash
    assert p.doi == "10.1109/CVPR.2016.90"
    assert p.published == "2016-06"  # June 2016, no day
    assert p.journal_ref == (
        "Proceedings of the IEEE Conference on Computer Vision and Pattern Recognition (CVPR), "
        "770-778"
    )


def test_macros_quotes_parentheses_and_others(fixture_items):
    p = fixture_items["human-level"].paper
    assert p.authors == ["Volodymyr Mnih", "Koray Kavukcuoglu", "David Silver"]
    assert p.author_count is None  # "and others": more authors, how many is unknown
    assert p.journal_ref == "Nature 518(7540), 529-533"  # @string, case-insensitive
    assert p.published == "2015-02-25"  # month macro + day; the duplicate year is ignored
    assert p.doi == "10.1038/nature14236"
    assert p.categories == ["cs.LG"]  # only keywords that are arXiv categories


def test_concatenation_and_arxiv_url(fixture_items):
    p = fixture_items["generative"].paper
    assert p.id == "1406.2661"
    assert p.journal_ref == "Advances in Neural Information Processing Systems 27, 2672-2680"
    assert len(p.authors) == 8 and p.authors[4] == "David Warde-Farley"


def test_math_kept_and_non_arxiv_url(fixture_items):
    p = fixture_items["$\\beta$-vae"].paper
    assert p.title == (
        "$\\beta$-VAE: Learning Basic Visual Concepts with a Constrained Variational Framework"
    )
    assert p.links == {"url": "https://openreview.net/forum?id=Sy2fzU9gl"}


def test_accented_names_become_unicode(fixture_items):
    assert fixture_items["long"].paper.authors == ["Sepp Hochreiter", "Jürgen Schmidhuber"]


def test_biblatex_fields(fixture_items):
    go = fixture_items["mastering"].paper
    assert go.published == "2016-01-27"
    assert go.journal_ref == "Nature 529, 484-489"
    assert go.title == "Mastering the game of Go with deep neural networks and tree search"
    vae = fixture_items["auto-encoding"].paper
    assert (vae.id, vae.published) == ("1312.6114", "2013-12-20")  # version dropped
    assert vae.categories == ["stat.ML", "cs.LG"]


def test_fixture_survives_write_and_read_unchanged(fixture_items):
    originals = [i.paper for i in fixture_items.values()]
    out = io.StringIO()
    assert bibtex.write(originals, out) == len(originals)
    assert papers(out.getvalue()) == originals


# -- syntax --------------------------------------------------------------------------------


def test_nested_braces_and_commands_in_titles():
    p = one(r"@misc{k, title = {{{The {\TeX}book}} and \emph{Deep {Nets}} in {$O(n^{2})$}}}")
    assert p.title == r"The {\TeX}book and \emph{Deep {Nets}} in $O(n^{2})$"


def test_quoted_values_may_hold_braces_and_commas():
    p = one('@article{k, title = "Graphs, {Groups} and {"}Quotes{"}", year = "2020"}')
    assert p.title == 'Graphs, Groups and "Quotes"'


def test_entries_on_one_line_and_across_lines():
    ps = papers("@misc{a, title={One}} @misc{b, title={Two}}\n@misc{c,\ntitle\n=\n{Three}\n}")
    assert [p.title for p in ps] == ["One", "Two", "Three"]


def test_string_macros_concatenate_and_nest():
    ps = papers(
        '@string{ first = "Journal of" }\n'
        '@String{JML = first # { Machine} # " Learning"}\n'
        "@misc{a, title = {X}, journal = jml # { Research}, volume = 12, pages = {1--2}}\n"
        "@misc{b, title = {Y}, journal = undefinedmacro}\n"
    )
    assert ps[0].journal_ref == "Journal of Machine Learning Research 12, 1-2"
    assert ps[1].journal_ref == "undefinedmacro"  # kept as written, not dropped


@pytest.mark.parametrize(
    ("fields", "published"),
    [
        ("year = 2020", "2020"),
        ("year = 2020, month = mar", "2020-03"),
        ("year = 2020, month = mar, day = 5", "2020-03-05"),
        ("year = {2020}, month = {March}, day = {5}", "2020-03-05"),
        ("year = 2020, month = {3}, day = 5", "2020-03-05"),
        ("year = 2021, month = feb, day = 30", "2021"),  # no such day: keep the year
        ("date = {2019-11-02}", "2019-11-02"),
        ("date = {2019-11}", "2019-11"),
        ("date = {2019-11-02/2019-11-04}", "2019-11-02"),
    ],
)
def test_published_keeps_the_precision_the_entry_has(fields, published):
    assert one(f"@misc{{k, title = {{T}}, {fields}}}").published == published


@pytest.mark.parametrize(
    ("fields", "arxiv_id"),
    [
        ("eprint = {2106.09685}, archivePrefix = {arXiv}", "2106.09685"),
        ("eprint = {2106.09685v2}", "2106.09685"),
        ("eprint = {hep-th/9711200}, eprinttype = {arxiv}", "hep-th/9711200"),
        ("eprint = {2106.09685}, archivePrefix = {HAL}", None),
        ("url = {https://arxiv.org/pdf/2106.09685v1}", "2106.09685"),
        ("journal = {arXiv preprint arXiv:2106.09685}", "2106.09685"),
        ("note = {arXiv:2106.09685, accepted at ICLR}", "2106.09685"),
        ("doi = {10.48550/arXiv.2106.09685}", "2106.09685"),
        ("doi = {10.1000/xyz123}", None),
    ],
)
def test_arxiv_id_sources(fields, arxiv_id):
    p = one(f"@misc{{k, title = {{LoRA}}, {fields}}}")
    assert p.arxiv_id == arxiv_id
    assert p.doi == ("10.1000/xyz123" if "xyz" in fields else "")  # arXiv DOIs are not kept


@pytest.mark.parametrize(
    ("author", "names"),
    [
        ("Knuth, Donald E.", ["Donald E. Knuth"]),
        ("Donald E. Knuth and Leslie Lamport", ["Donald E. Knuth", "Leslie Lamport"]),
        ("van der Maaten, Laurens", ["Laurens van der Maaten"]),
        ("Laurens van der Maaten", ["Laurens van der Maaten"]),
        ("King, Jr, Martin Luther", ["Martin Luther King Jr"]),
        ("{Barnes and Noble, Inc.} AND Alice Band", ["Barnes and Noble, Inc.", "Alice Band"]),
        ("{\\L}ukasz Kaiser and Bal{\\'a}zs, C. and \\v{S}imon Ma\\ss", None),
        ("  and Ann Lee and ", ["Ann Lee"]),
    ],
)
def test_author_names(author, names):
    p = one(f"@misc{{k, title = {{T}}, author = {{{author}}}}}")
    assert p.authors == (names or ["Łukasz Kaiser", "C. Balázs", "Šimon Maß"])
    assert p.author_count == len(p.authors)


def test_links_keep_only_web_urls_without_tex_escapes():
    assert one("@misc{k, title={T}, url={https://ex.org/a\\_b?x=1\\%2}}").links == {
        "url": "https://ex.org/a_b?x=1%2"
    }
    assert one("@misc{k, title={T}, url={javascript:alert(1)}}").links == {}
    doi = one("@misc{k, title={T}, url={https://doi.org/10.1145/3292500.3330701}}").doi
    assert doi == "10.1145/3292500.3330701"


def test_keys_types_and_field_names_are_case_insensitive():
    p = one("@InProceedings{K, TiTlE = {T}, EPRINT = {2001.08361}, PrimaryClass = {cs.LG}}")
    assert (p.title, p.id, p.categories) == ("T", "2001.08361", ["cs.LG"])


def test_duplicate_fields_keep_the_first():
    assert one("@misc{k, title = {First}, title = {Second}}").title == "First"


def test_percent_comments_between_fields_are_skipped():
    p = one("@misc{k,\n  % a note for the editors\n  title = {T},  % trailing\n}")
    assert p.title == "T"


# -- errors ------------------------------------------------------------------------------


def test_unterminated_entry_at_the_end_names_line_and_key():
    items = parse("@misc{ok, title = {Fine}}\n\n@article{smith2020,\n  title = {Never closed\n")
    assert items[0].paper.title == "Fine"
    assert items[1].line == 3
    assert items[1].error == "@article{smith2020} at line 3 is not closed: the file ends inside it"


def test_a_missing_brace_costs_one_entry_not_the_rest():
    items = parse(
        "@article{broken,\n  title = {Lost},\n  year = {2020\n@misc{next, title = {Found}}\n"
    )
    assert items[0].error == "@article{broken} at line 1 is not closed before the entry at line 4"
    assert items[1].paper.title == "Found"


def test_entry_without_title_names_line_and_key():
    items = parse("\n\n@book{knuth1984, author = {Donald Knuth}}\n@misc{t, title = {T}}")
    assert (items[0].line, items[0].error) == (
        3,
        "@book{knuth1984} at line 3: the entry has no title",
    )
    assert items[1].paper.title == "T"


def test_syntax_errors_name_the_entry_and_the_line_inside_it():
    items = parse("@misc{k,\n  title = {T},\n  year 2020\n}")
    assert items[0].error == "@misc{k} at line 1: expected '=' after 'year' (line 3)"
    items = parse('@misc{k,\n  title = "T\n}\n')
    assert items[0].error.startswith("@misc{k} at line 1: a value is not closed (line 2)")


def test_entry_without_key_is_still_read():
    assert one("@misc{title = {Keyless}}").title == "Keyless"
    assert (
        parse("@misc{author = {A}}")[0].error == "@misc (no key) at line 1: the entry has no title"
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "no BibTeX entries"),
        (b"  \n\n ", "no BibTeX entries"),
        (b"% only a comment\nand some prose\n", "no BibTeX entries"),
        (b'{"id": "0704.0001"}\n', "no BibTeX entries"),
        (b"@string{x = {y}}\n@comment{z}\n", "only @string, @comment or @preamble"),
        (bytes(range(128, 256)) * 40, "1 unreadable line(s), the first is line 1: invalid UTF-8"),
    ],
)
def test_a_file_without_entries_is_a_format_error(content, message):
    with pytest.raises(FormatError) as exc:
        parse(content)
    assert message in str(exc.value)


def test_binary_junk_names_the_line():
    with pytest.raises(
        FormatError, match=r"2 unreadable line\(s\), the first is line 1: invalid UTF-8 \(byte 1 "
    ):
        parse(b"\xff\xfe\x00\x01junk\n\x80\x81\n")


def test_an_unreadable_line_inside_an_entry_fails_that_entry_only():
    items = parse(b"@misc{a,\n  title = {Caf\xe9}\n}\n@misc{b, title = {Next}}\n")
    assert items[0].error == (
        "@misc{a} at line 1 has an unreadable line 2: invalid UTF-8 (byte 15 of the line)"
    )
    assert items[1].paper.title == "Next"


def test_an_entry_over_the_size_limit_is_refused(monkeypatch):
    monkeypatch.setattr(bibtex, "MAX_ENTRY_CHARS", 1000)
    items = parse("@misc{big,\n" + "  abstract = {" + "x" * 2000 + "},\n}\n@misc{s, title = {S}}")
    assert items[0].error == "@misc{big} at line 1 is over the 0 MiB limit for one entry"
    assert items[1].paper.title == "S"


def test_memory_is_bounded_by_one_entry(tmp_path):
    entry = "@article{k%d,\n  title = {Paper number %d},\n  abstract = {%s},\n}\n\n"
    path = tmp_path / "big.bib"
    with open(path, "w") as f:
        for i in range(3000):
            f.write(entry % (i, i, "word " * 200))
    assert path.stat().st_size > 3_000_000
    tracemalloc.start()
    try:
        with open(path, "rb") as f:
            count = sum(1 for item in bibtex.parse(f) if item.paper)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count == 3000
    assert peak < 1_000_000, (
        f"peak {peak:,} bytes while reading a {path.stat().st_size:,}-byte file"
    )


@settings(max_examples=300, deadline=None)
@given(st.text(st.sampled_from(list('@{}()"#%=,\\$ \nmisctle0123')), max_size=300))
def test_the_reader_never_crashes(text):
    items = parse("@misc{k, title = {T}}\n" + text)  # one good entry first: no FormatError
    assert items[0].paper is not None and all((i.paper is None) != (i.error is None) for i in items)


# -- detection ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "head",
    [
        b"@article{vaswani2017,\n  title = {Attention}}",
        b"\xef\xbb\xbf% Encoding: UTF-8\n\n  @Misc (k,\n",
        b"%% comments first\n% more\n\n@string{x = {y}}\n",
        b"Exported by a tool.\n\n@misc{a,\n title={A}}\n@misc{b,\n title={B}}\n",
        (DATA / "papers.bib").read_bytes()[:65536],
    ],
)
def test_detect_accepts_bibtex(head):
    assert bibtex.detect(head)


@pytest.mark.parametrize(
    "head",
    [
        b'{"id": "0704.0001", "authors_parsed": []}\n',
        b'[{"title": "@article{x}"}]',
        b'<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom">',
        b"Daily Papers\nWrite me at someone@example.org (any time)\n@article{x,\n",
        b"To cite this work:\n\n@misc{ours2024,\n  title = {Ours}\n}\n",
        b"% only comments\n",
        b"",
    ],
)
def test_detect_refuses_other_formats(head):
    assert not bibtex.detect(head)


def test_detect_refuses_real_files_of_other_formats(shared):
    for path in [
        *sorted((shared / "seeds").glob("*.txt")),
        shared / "data/arxiv/arxiv-metadata-oai-snapshot.sample.jsonl",
    ]:
        assert not bibtex.detect(path.read_bytes()[:65536]), path.name


# -- writing -----------------------------------------------------------------------------


def test_dumps_an_arxiv_paper_as_misc_with_eprint():
    paper = new_paper(
        title="Attention Is All You Need",
        arxiv_id="1706.03762",
        source="arxiv-snapshot",
        authors=["Ashish Vaswani", "Noam Shazeer"],
        published="2017-06-12T17:57:34Z",
        categories=["cs.CL", "cs.LG"],
    )
    assert bibtex.dumps(paper) == (
        "@misc{vaswani2017attention,\n"
        "  title = {{Attention Is All You Need}},\n"
        "  author = {Ashish Vaswani and Noam Shazeer},\n"
        "  year = {2017},\n"
        "  month = jun,\n"
        "  date = {2017-06-12},\n"
        "  eprint = {1706.03762},\n"
        "  archivePrefix = {arXiv},\n"
        "  primaryClass = {cs.CL},\n"
        "  keywords = {cs.LG},\n"
        "  url = {https://arxiv.org/abs/1706.03762},\n"
        "}\n"
    )


def test_dumps_a_journal_paper_as_article():
    paper = new_paper(
        title="The {Go} of Things",
        source="bibtex",
        authors=["Jürgen Schmidhuber Jr"],
        journal_ref="Nature 529, 484-489",
        doi="10.1038/nature16961",
    )
    text = bibtex.dumps(paper, key="custom:key-1")
    assert text.startswith("@article{custom:key-1,\n")
    assert "  journal = {Nature 529, 484-489},\n" in text
    assert bibtex.cite_key(paper) == "schmidhubergo"  # no year; suffix and stopword skipped


def test_dumps_refuses_a_key_that_would_break_the_entry():
    paper = new_paper(title="T", source="bibtex")
    with pytest.raises(ValueError, match="cannot be a BibTeX citation key"):
        bibtex.dumps(paper, key="a key, with commas")


def test_names_that_hold_commas_or_and_stay_one_name():
    paper = new_paper(title="T", source="bibtex", authors=["ATLAS Collaboration, CERN", "R and D"])
    assert one(bibtex.dumps(paper)).authors == ["ATLAS Collaboration, CERN", "R and D"]


def test_an_incomplete_author_list_is_written_with_others():
    paper = new_paper(title="T", source="hf-page", authors=["A B", "C D"], author_count=5)
    text = bibtex.dumps(paper)
    assert "author = {A B and C D and others}" in text
    assert one(text).author_count is None


def test_unbalanced_braces_are_written_safely():
    paper = new_paper(title="Sets {x | x > 0", source="bibtex", abstract="a } b \\{ c")
    back = papers(bibtex.dumps(paper) + "@misc{after, title = {After}}")
    assert back[0].title == "Sets \\textbraceleft{}x | x > 0"
    assert back[0].abstract == "a \\textbraceright{} b \\textbraceleft{} c"
    assert back[1].title == "After"


def test_write_makes_keys_unique():
    same = [
        new_paper(title=f"Deep Nets {i}", source="bibtex", authors=["Ann Lee"]) for i in range(3)
    ]
    out = io.StringIO()
    bibtex.write(same, out)
    assert re.findall(r"@misc\{(\w+),", out.getvalue()) == ["leedeep", "leedeepa", "leedeepb"]


@settings(max_examples=200, deadline=None)
@given(
    title=st.text(st.characters(blacklist_categories=("Cs",))).map(lambda t: "T" + t),
    abstract=st.text(st.characters(blacklist_categories=("Cs",))),
)
def test_any_text_makes_one_valid_entry(title, abstract):
    paper = new_paper(title=title, source="bibtex", abstract=abstract, authors=["A B"])
    items = parse(bibtex.dumps(paper) + "@misc{after, title = {After}}\n")
    assert [i.error for i in items] == [None, None]
    back = items[0].paper
    if not re.search(r"[{}\\$]", paper.title + paper.abstract):
        assert (back.title, back.abstract) == (paper.title, paper.abstract)


# -- round trip of the real arXiv sample, and storing ----------------------------------------


def test_round_trip_of_the_arxiv_sample(shared):
    with open(shared / "data/arxiv/arxiv-metadata-oai-snapshot.sample.jsonl", "rb") as f:
        originals = [item.paper for item in arxiv_snapshot.parse(f)]
    assert len(originals) == 200 and all(originals)
    out = io.StringIO()
    assert bibtex.write(originals, out) == 200
    back = papers(out.getvalue())
    assert len(back) == 200
    # TeX grouping braces in a title carry no meaning in plain text; BibTeX drops them.
    grouped = {"0704.0068": "A Note About the Ki(z) Functions"}
    for orig, again in zip(originals, back, strict=True):
        assert again.id == orig.id
        assert again.title == grouped.get(orig.id, orig.title)
        assert title_key(again.title) == title_key(orig.title)
        assert again.authors == orig.authors
        assert again.doi == orig.doi
        assert again.abstract == orig.abstract
        assert again.published == orig.published[:10]
        assert again.categories == orig.categories
        assert again.journal_ref == orig.journal_ref
        assert again.sources == ["bibtex"]


def test_a_bibtex_record_merges_with_the_arxiv_record(shared, store):
    with open(shared / "data/arxiv/arxiv-metadata-oai-snapshot.sample.jsonl", "rb") as f:
        snapshot = [item.paper for item in arxiv_snapshot.parse(f)][:3]
    bib = papers(
        "@article{balazs2007,\n"
        "  title = {Calculation of prompt diphoton production cross sections at {Tevatron}\n"
        "           and {LHC} energies},\n"
        "  author = {Bal{\\'a}zs, C. and Berger, E. L. and others},\n"
        "  journal = {Phys. Rev. D}, volume = {76}, pages = {013009},\n"
        "  eprint = {0704.0001}, archivePrefix = {arXiv},\n"
        "}\n"
        "@misc{unrelated, title = {A Paper Only BibTeX Knows}, year = 2024}\n"
    )
    with store.transaction():
        store.save_papers(snapshot)
    with store.transaction():
        store.save_papers(bib)
    assert store.count() == 4
    merged = store.get("0704.0001")
    assert set(merged.sources) == {"arxiv-snapshot", "bibtex"}
    assert merged.authors == snapshot[0].authors  # the snapshot's full list is kept
    assert merged.title == snapshot[0].title
    assert merged.published == snapshot[0].published
    assert store.get(bib[1].id).sources == ["bibtex"]


def test_bibtex_first_then_the_snapshot_still_gives_one_record(shared, store):
    with open(shared / "data/arxiv/arxiv-metadata-oai-snapshot.sample.jsonl", "rb") as f:
        snapshot = next(arxiv_snapshot.parse(f)).paper
    bib = one(bibtex.dumps(snapshot))
    with store.transaction():
        store.save_papers([bib])
    with store.transaction():
        store.save_papers([snapshot])
    assert store.count() == 1
    merged = store.get(snapshot.id)
    assert set(merged.sources) == {"arxiv-snapshot", "bibtex"}
    assert merged.authors == snapshot.authors
    assert merged.published == snapshot.published  # the snapshot's precise time wins
