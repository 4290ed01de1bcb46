"""Property-based tests: every reader, on generated input, accepts it or rejects it with the package's own error.

Never a traceback, never a partial write. The inputs are CSV files built from the real
headers (sometimes damaged) and cells drawn from what breaks parsers: separators, quotes,
line breaks, control characters, other scripts, numbers in several spellings. Hypothesis
keeps no example database here (``database=None``), so nothing is written to the checkout.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import math
import re
import shutil
from pathlib import Path

import click
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz, process

from ecosystem.cli.main import cli, parse_weights
from ecosystem.errors import ImportFailed, QueryError
from ecosystem.evidence import SEED_FILES, read_seeds
from ecosystem.graph import build_graph
from ecosystem.ingest import import_cordis, import_members, import_structural_funds, save_import
from ecosystem.ingest.resolution import name_pairs
from ecosystem.neo4j import bind_params, query_library

HERE = Path(__file__).parent
MINIMAL = HERE / "fixtures" / "minimal"
FIX = HERE / "fixtures" / "imports"
MEMBER_HEADER = ["cluster", "member", "cvr", "municipality"]
EXAMPLES = settings(
    max_examples=1000,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

TRICKY = [
    "",
    " ",
    ",",
    '"',
    '""',
    "\n",
    "\r\n",
    "\x00",
    "\x0c",
    "\u2028",
    "NA",
    "-",
    "=1+1",
    "ø",
    "Å",
    "\ufeff",
    "…",
    "🙂",
]
VALUES = [
    "12345678", "DK 27229379", "31119103", "0461", "Aarhus", "Odense Kommune", "Danish Food Cluster", "welfare-tech",
    "2015", "1799", "2031", "2015-01-01", "18.07.2007", "31/12/2011", "1.234,5", "1234.5", "-3", "1e9", "nan", "inf",
    "HES", "PRC", "participant", "coordinator", "DK", "SE", "999997736", "ERDFN", "Nordjylland", "575000", "6200000",
]  # fmt: skip
cells = st.one_of(st.sampled_from(TRICKY + VALUES), st.text(max_size=12))


def headers(path: Path) -> list[str]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8-sig", newline="") as f:
        return next(csv.reader(f))


@st.composite
def csv_files(draw, header: list[str]) -> bytes:
    """A CSV file with `header` (sometimes a column dropped, renamed or doubled) and a few rows."""
    header = list(header)
    change = draw(st.sampled_from(["keep"] * 6 + ["drop", "rename", "double"]))
    if change != "keep" and header:
        i = draw(st.integers(0, len(header) - 1))
        header = (
            header[:i] + header[i + 1 :]
            if change == "drop"
            else header[:i] + [draw(cells)] + header[i + (change == "rename") :]
        )
    rows = draw(st.lists(st.lists(cells, min_size=max(len(header) - 1, 0), max_size=len(header) + 1), max_size=6))
    if draw(st.booleans()):
        out = io.StringIO()
        csv.writer(out, lineterminator=draw(st.sampled_from(["\n", "\r\n"]))).writerows([header, *rows])
        text = out.getvalue()
    else:  # no quoting at all: separators and quotes inside cells break the rows
        text = "\n".join(",".join(r) for r in [header, *rows]) + "\n"
    data = text.encode(draw(st.sampled_from(["utf-8", "utf-8-sig", "latin-1"])), errors="replace")
    if draw(st.integers(0, 9)) == 0:
        data = data[: draw(st.integers(0, len(data)))]  # cut off
    return data


def write(tmp_path: Path, name: str, data: bytes, gz: bool = False) -> Path:
    path = tmp_path / (name + (".gz" if gz else ""))
    path.write_bytes(gzip.compress(data, mtime=0) if gz else data)
    return path


@pytest.fixture(scope="module")
def seed_graph():
    return build_graph()


@pytest.mark.parametrize("seed_file", ["entities.csv", "relations.csv", "attributes.csv"])
@EXAMPLES
@given(data=st.data())
def test_seed_files_are_read_or_reported(tmp_path_factory, seed_file, data):
    seeds = tmp_path_factory.mktemp("seeds")
    shutil.copytree(MINIMAL, seeds, dirs_exist_ok=True)
    (seeds / seed_file).write_bytes(data.draw(csv_files(list(SEED_FILES[seed_file]))))
    read, problems = read_seeds(seeds)  # never raises: every flaw is a problem
    assert all(p.file in SEED_FILES and p.line >= 0 and p.what and p.rule and p.fix for p in problems)
    if not problems:
        build_graph(read)


@pytest.fixture(scope="module")
def store(tmp_path_factory, seed_graph):
    """A store holding one import; each example imports over a second one."""
    home = tmp_path_factory.mktemp("store")
    save_import(import_members(FIX / "members.csv", G=seed_graph, name="kept"), home=home, G=seed_graph)
    return home


@EXAMPLES
@given(data=st.data())
def test_a_members_list_is_imported_or_refused_and_the_store_is_untouched(tmp_path_factory, seed_graph, store, data):
    path = write(
        tmp_path_factory.mktemp("members"),
        "members.csv",
        data.draw(csv_files(headers(FIX / "members.csv"))),
        gz=data.draw(st.booleans()),
    )
    before = {p.name: p.read_bytes() for p in (store / "imports").iterdir()}
    try:
        save_import(import_members(path, G=seed_graph, name="generated", columns=data.draw(st.booleans())), home=store, G=seed_graph)
    except ImportFailed:
        assert {p.name: p.read_bytes() for p in (store / "imports").iterdir()} == before


@pytest.mark.parametrize("fixture", ["erdf_esf_2007_2013.csv", "erdf_esf_2014_2020.csv"])
@EXAMPLES
@given(data=st.data())
def test_a_structural_funds_list_is_imported_or_refused(tmp_path_factory, fixture, data):
    path = write(tmp_path_factory.mktemp("sf"), fixture, data.draw(csv_files(headers(FIX / fixture))))
    try:
        import_structural_funds(path)
    except ImportFailed:
        pass


@EXAMPLES
@given(data=st.data())
def test_cordis_participations_are_imported_or_refused(tmp_path_factory, data):
    tmp = tmp_path_factory.mktemp("cordis")
    path = write(
        tmp, "h2020_participations.csv", data.draw(csv_files(headers(FIX / "h2020_participations.csv.gz"))), gz=True
    )
    organisations = None
    if data.draw(st.booleans()):
        organisations = write(
            tmp, "h2020_organisations.csv", data.draw(csv_files(headers(FIX / "h2020_organisations.csv")))
        )
    try:
        import_cordis(path, organisations, programmes_path=FIX / "h2020_programme_parts.csv.gz")
    except ImportFailed:
        pass


numbers = st.one_of(
    st.sampled_from(["nan", "inf", "-inf", "1e999", "0x10", "1_0", " 0.2 ", "", "٣", "0,5"]),
    st.text(max_size=8),
    st.floats().map(str),
)


@EXAMPLES
@given(
    score=numbers,
    weights=st.lists(st.tuples(st.sampled_from(["members", "themes", "nope", ""]), numbers), max_size=3),
    year=numbers,
)
def test_cli_values_are_parsed_or_refused_with_a_usage_error(score, weights, year):
    args = ["--min-score", score, "--as-of", year, *(a for name, w in weights for a in ("--weight", f"{name}={w}"))]
    try:
        ctx = cli.commands["propose"].make_context("propose", args)
        parsed = parse_weights(ctx.params["weight_pairs"])
    except click.ClickException:
        return
    assert math.isfinite(ctx.params["min_score"])
    assert parsed is None or all(math.isfinite(v) and v >= 0 for v in parsed.values())


@EXAMPLES
@given(value=numbers)
def test_query_parameters_are_bound_or_refused(value):
    query = query_library()["gds-leiden"]
    try:
        bound = bind_params(query, {"gamma": value})
    except QueryError:
        return
    assert all(not isinstance(v, float) or math.isfinite(v) for v in bound.values())


WORDS = [
    "food",
    "foods",
    "cluster",
    "danmark",
    "dansk",
    "center",
    "centre",
    "og",
    "vand",
    "water",
    "bio",
    "medico",
    "syd",
    "a",
    "robot",
]
names = st.lists(st.sampled_from(WORDS), min_size=1, max_size=4).map(" ".join)


def naive_name_pairs(imported, imp_specific, seeds, seed_subset, cutoff=80):
    """The naive way: both scorers over the whole matrix."""
    sort = process.cdist(imported, seeds, scorer=fuzz.token_sort_ratio, dtype=np.float32)
    subset = 0.9 * process.cdist(imported, seeds, scorer=fuzz.token_set_ratio, dtype=np.float32)
    scores = np.maximum(sort, np.where(np.outer(imp_specific, seed_subset), subset, 0))
    return {(int(a), int(b)): float(scores[a, b]) for a, b in zip(*(scores >= cutoff).nonzero())}


@pytest.mark.parametrize(
    "imported, seeds",
    [
        (["robots"], ["robot robot"]),
        (["robot robot"], ["robots"]),
        (["center centre", "x"], ["centre"]),
        (["water cluster"], ["water water"]),
    ],
)
def test_names_that_repeat_a_word_are_compared_as_sets_too(imported, seeds):
    # token_set_ratio differs from token_sort_ratio here although the names share no word
    expected = naive_name_pairs(imported, [True] * len(imported), seeds, [True] * len(seeds))
    assert expected
    assert (
        dict(
            ((a, b), s)
            for a, b, s in name_pairs(imported, [True] * len(imported), seeds, [True] * len(seeds), 80, chunk=1)
        )
        == expected
    )


@EXAMPLES
@given(
    imported=st.lists(names, min_size=1, max_size=30),
    seeds=st.lists(names, min_size=1, max_size=12),
    chunk=st.integers(1, 7),
    data=st.data(),
)
def test_name_pairs_score_as_comparing_every_pair_with_both_scorers(imported, seeds, chunk, data):
    imp_specific = data.draw(st.lists(st.booleans(), min_size=len(imported), max_size=len(imported)))
    seed_subset = data.draw(st.lists(st.booleans(), min_size=len(seeds), max_size=len(seeds)))
    got = {(a, b): s for a, b, s in name_pairs(imported, imp_specific, seeds, seed_subset, 80, chunk=chunk)}
    assert got == naive_name_pairs(imported, imp_specific, seeds, seed_subset)


# The name rules run a million times in a large import; their fast paths must say exactly
# what the plain regular expressions say.
name_text = st.one_of(
    st.text(alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyzæøåAZ0123456789 .,/&@+-:éü\t"), max_size=40),
    st.text(max_size=30),
    st.builds(" ".join, st.lists(st.sampled_from(["tlf.", "tel", "Phone", "+45", "12", "34 56 78", "a@b.dk", "A/S", "F.M.B.A.", "Kommune", "skolen", "\u0663\u0664"]), max_size=8)),
)


@EXAMPLES
@given(text=name_text)
def test_the_fast_name_rules_agree_with_the_regular_expressions(text):
    from ecosystem.ingest.organisations import KIND_RULES, classify_organisation
    from ecosystem.ingest.tables import EMAIL, PHONE, scrub
    from ecosystem.text import alnum_words, fold_digraphs, transliterate

    assert scrub(text) == " ".join(PHONE.sub(" ", EMAIL.sub(" ", text)).split())
    low = transliterate(text)
    assert low == text.lower().translate(str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "ä": "ae", "ö": "oe", "ü": "u", "é": "e", "ß": "ss"}))
    assert alnum_words(low) == re.sub(r"[^a-z0-9]+", " ", low).split()
    folded = low
    while (again := folded.replace("aa", "a").replace("oe", "o").replace("ue", "u")) != folded:
        folded = again
    assert fold_digraphs(low) == folded
    # the kind rules are searched at once through one factored expression: the first rule
    # that matches must still decide
    by_name = next(((k, s) for pattern, k, s in KIND_RULES if pattern.search(low)), None)
    kind = classify_organisation(text, norm=low)
    assert kind == (*by_name, "name") if low and by_name else kind[:2] == ("company", "")


# Lines are split a megabyte at a time by str.splitlines, which also ends lines at
# characters CSV does not (\x1c, \u2028, ...): the rows read must be those of the csv
# module reading the same text with newline="", whatever the line endings and breaks.
cell = st.text(alphabet=st.sampled_from('ab ,"\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029ø'), max_size=6)


@EXAMPLES
@given(rows=st.lists(st.tuples(cell, cell), min_size=1, max_size=8, unique=True), ending=st.sampled_from(["\n", "\r\n", "\r"]), quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]))
def test_a_table_is_read_row_by_row_as_the_csv_module_reads_it(tmp_path_factory, rows, ending, quoting):
    from ecosystem.ingest.tables import read_table

    out = io.StringIO(newline="")
    csv.writer(out, lineterminator=ending, quoting=quoting).writerows([("a", "b"), *rows])
    path = tmp_path_factory.mktemp("csv") / "t.csv"
    path.write_text(out.getvalue(), encoding="utf-8", newline="")
    expected = [r for r in csv.reader(io.StringIO(out.getvalue(), newline=""), strict=True)][1:]
    try:
        got = [v for _, v in read_table(path).rows]
    except ImportFailed:  # a blank or repeated row, or one that is not two fields: refused, as the csv module reads it
        assert any(not "".join(r).strip() or len(r) != 2 for r in expected) or len({tuple(r) for r in expected}) < len(expected)
        return
    assert got == [r for r in expected if "".join(r).strip()]


def test_a_large_table_is_read_across_the_pieces_it_is_split_in(tmp_path):
    from ecosystem.ingest.tables import read_table

    rows = [(f"row {i}", "x\r\ny" if i % 7 == 0 else "z") for i in range(150_000)]  # about 3 MB: pieces of a megabyte
    for ending in ("\n", "\r\n", "\r"):
        out = io.StringIO(newline="")
        csv.writer(out, lineterminator=ending).writerows([("a", "b"), *rows])
        path = tmp_path / "t.csv"
        path.write_text(out.getvalue(), encoding="utf-8", newline="")
        got = [(line, tuple(v)) for line, v in read_table(path).rows]
        assert [v for _, v in got] == rows
        assert got[-1][0] == 2 + len(rows) - 1 + len(rows[::7])  # a quoted line break counts as a line


# `ecosystem import` reads a membership list with its members kept as columns from the first
# row (import_members(columns=True)): what it stores must be what reading a node per member
# stores, byte for byte, whatever the list (members linked to seed entities by CVR or name,
# merging by name, in several clusters, not companies, repeated, or refused).
member_row = st.tuples(
    st.sampled_from(["Danish Food Cluster", "Welfare Tech", "CLEAN", "BioPeople"]),
    st.sampled_from(["Foo ApS", "Foo", "FOO A/S", "Bar A/S", "Bar", "Baz Kommune", "Aarhus Universitet", "Qux", "Quux ApS", "Fællesfirma A/S"]),
    st.sampled_from(["", "", "", "31119103", "10000009", "10000017", "DK 1000 0025"]),
    st.sampled_from(["", "Aarhus", "0461", "Skive"]),
)
bad_row = st.one_of(st.none(), st.none(), st.none(), st.tuples(st.just("Nowhere Cluster"), st.just("X"), st.just(""), st.just("")), st.tuples(st.just("CLEAN"), st.just("X"), st.just("123"), st.just("Atlantis")))
member_rows = st.tuples(st.lists(member_row, min_size=1, max_size=14, unique_by=lambda r: (r[0], r[1])), bad_row, st.integers(0, 14)).map(
    lambda t: t[0] if t[1] is None else [*t[0][: t[2]], t[1], *t[0][t[2] :]]
)


@settings(EXAMPLES, max_examples=150)
@given(rows=member_rows, fold_at=st.sampled_from([1, 2, 3]))
def test_a_membership_list_read_as_columns_is_stored_as_when_read_as_nodes(tmp_path_factory, seed_graph, rows, fold_at):
    G = seed_graph.copy()
    G.nodes["aarhus-universitet"]["cvr"] = "31119103"  # linked by CVR
    folder = tmp_path_factory.mktemp("columns")
    path = folder / "list.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([MEMBER_HEADER, *rows])
    stored = []
    for columns in (False, True):
        home = folder / str(columns)
        try:
            entry = save_import(import_members(path, G=G, columns=columns), home=home, G=G, fold_at=fold_at)
        except ImportFailed as err:
            stored.append(str(err))
            continue
        data = home / "imports" / entry["data_file"]
        same = {k: v.replace(str(home), "HOME") if isinstance(v, str) else v for k, v in entry.items() if k != "created"}
        stored.append((data.read_bytes(), (home / "imports" / entry["review_file"]).read_bytes(), same))
    assert stored[0] == stored[1]
    if not isinstance(stored[0], str):  # and made nodes again, the members are the nodes of the usual reading, in its order
        whole, listed = import_members(path, G=G), import_members(path, G=G, columns=True).expand()
        assert list(whole.nodes.items()) == list(listed.nodes.items()) and whole.edges == listed.edges


def test_a_large_membership_list_read_as_columns_is_stored_as_when_read_as_nodes(tmp_path, seed_graph):
    """Past the folding threshold, with members of two clusters, linked and merging by name."""
    path = tmp_path / "list.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(MEMBER_HEADER)
        for i in range(2600):
            w.writerow(["Welfare Tech" if i % 2 else "Danish Food Cluster", f"Firma {i} ApS", "" if i % 3 else f"{10_000_000 + i:08d}", ["Aarhus", "", "0461"][i % 3]])
        for i in range(300):  # in both
            w.writerows([[cluster, f"Delt {i} A/S", "", "Skive"] for cluster in ("Welfare Tech", "Danish Food Cluster")])
        w.writerows([["CLEAN", "Aarhus Universitet", "", "Aarhus"], ["CLEAN", "Firma 7 ApS", "", ""]])
    stored = []
    for columns in (False, True):
        entry = save_import(import_members(path, G=seed_graph, columns=columns), home=tmp_path / str(columns), G=seed_graph)
        stored.append(((tmp_path / str(columns) / "imports" / entry["data_file"]).read_bytes(), {k: v for k, v in entry.items() if k not in ("created", "review_file")}))
    assert stored[0] == stored[1]
    assert len(json.loads(gzip.decompress(stored[1][0]))["members"]["ids"]) > 1000  # stored as columns
