"""The validator: every malformed seed file in tests/malformed gives its exact message."""

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from ecosystem import SeedError, load_seeds, read_seeds, verify_quotes
from ecosystem.cli import cli
from ecosystem.evidence.seeds import normalise_text

HERE = Path(__file__).parent
MINIMAL = HERE / "fixtures" / "minimal"
SOURCES = HERE / "fixtures" / "sources"
CASES = sorted(p for p in (HERE / "malformed").iterdir() if p.is_dir())


def make_case(case: Path, tmp_path: Path) -> Path:
    seeds = tmp_path / "seeds"
    shutil.copytree(MINIMAL, seeds)
    for f in case.iterdir():
        if f.name == "DELETE":
            for name in f.read_text().split():
                (seeds / name).unlink()
        elif f.name != "expected.txt":
            shutil.copy(f, seeds / f.name)
    return seeds


def problems_of(seeds_dir: Path) -> list[str]:
    seeds, problems = read_seeds(seeds_dir)
    _, quote_problems = verify_quotes(seeds, SOURCES)
    return [str(p) for p in problems + quote_problems]


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 20


def test_minimal_seeds_are_valid():
    assert problems_of(MINIMAL) == []


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_malformed_seed_gives_exact_message(case, tmp_path):
    expected = (case / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert problems_of(make_case(case, tmp_path)) == expected


def test_load_seeds_raises_with_every_problem(tmp_path):
    seeds = make_case(HERE / "malformed" / "dangling_end", tmp_path)
    with pytest.raises(SeedError, match=r"relations.csv:3: end 'nordisk-uni' is not an entity") as info:
        load_seeds(seeds)
    assert len(info.value.problems) == 1


def test_a_wrong_quote_fails_the_check():
    seeds = load_seeds(MINIMAL)
    row = seeds.relations[0]
    seeds.relations[0] = type(row)(row.file, row.line, dict(row.data, quote="Mejeri A/S er formand for Foodcluster Nord"))
    verified, problems = verify_quotes(seeds, SOURCES)
    assert verified == 15
    assert [str(p) for p in problems] == [
        "relations.csv:2: quote not found in doc_a: 'Mejeri A/S er formand for Foodcluster Nord' "
        "(quotes are verbatim; copy the words exactly as the document has them)"
    ]


@pytest.mark.parametrize(
    "quote",
    ["arbejder regionalt i Region Nord", "arbejder regio- nalt i Region Nord", "arbejder  regio-\nnalt i\tRegion Nord"],
)
def test_quotes_match_across_line_breaks_and_hyphenation(quote):
    text = normalise_text((SOURCES / "doc_a.txt").read_text(encoding="utf-8"))
    plain = normalise_text((SOURCES / "doc_a.txt").read_text(encoding="utf-8"), join_hyphens=False)
    q = normalise_text(quote)
    assert q in text or q in plain


@pytest.mark.parametrize(
    "content, message",
    [
        (None, "document doc_b.txt not found in {src} ({n} quotes cite it)"),
        (b"  \n", "{src}/doc_b.txt is empty ({n} quotes cite it)"),
        (b"Agro Klyngen \xe6 foedevarer", "{src}/doc_b.txt is not UTF-8 (byte 0xe6 at offset 13); {n} quotes cite it"),
    ],
    ids=["missing", "empty", "not-utf8"],
)
def test_an_unreadable_document_leaves_its_quotes_unverified(tmp_path, content, message):
    src = tmp_path / "src"
    shutil.copytree(SOURCES, src)
    (src / "doc_b.txt").unlink()
    if content is not None:
        (src / "doc_b.txt").write_bytes(content)
    seeds = load_seeds(MINIMAL)
    verified, problems = verify_quotes(seeds, src)
    n_b = sum(1 for r in seeds.quoted_rows() if r["doc"] == "doc_b")
    assert n_b > 0 and verified == sum(1 for _ in seeds.quoted_rows()) - n_b
    assert [p.what for p in problems] == [message.format(src=src, n=n_b)]


def test_a_seed_file_that_is_a_folder_or_a_symlink_loop_is_one_clear_problem(tmp_path):
    seeds = make_case(HERE / "malformed" / "dangling_end", tmp_path)
    (seeds / "relations.csv").unlink()
    (seeds / "relations.csv").mkdir()
    (seeds / "attributes.csv").unlink()
    (seeds / "attributes.csv").symlink_to(seeds / "attributes.csv")  # points at itself
    _, problems = read_seeds(seeds)
    assert [str(p) for p in problems] == [
        "attributes.csv: cannot be read (Too many levels of symbolic links) (every seed file is a readable CSV file; put the CSV file attributes.csv in its place)",
        "relations.csv: is a folder (every seed file is a readable CSV file; put the CSV file relations.csv in its place)",
    ]


def test_a_seed_folder_that_is_a_symlink_loop_is_one_clear_problem(tmp_path):
    loop = tmp_path / "seeds"
    loop.symlink_to(loop)
    result = CliRunner().invoke(cli, ["validate", "--seeds", str(loop)])
    assert result.exit_code == 1
    assert f"{loop} is a symbolic link that leads nowhere (or to itself)" in result.output
    assert "Traceback" not in result.output and result.output.count("\n") == 2
    with pytest.raises(SeedError, match="leads nowhere"):
        load_seeds(loop)


def test_a_huge_broken_seed_file_is_summarised_not_printed_row_by_row(tmp_path):
    seeds = make_case(HERE / "malformed" / "dangling_end", tmp_path)
    header = (seeds / "relations.csv").read_text(encoding="utf-8").splitlines()[0]
    rows = [f"mejeri,MEMBER_OF,nowhere-{i},,,doc_a,Virksomheden Mejeri A/S er medlem af Foodcluster Nord" for i in range(5000)]
    (seeds / "relations.csv").write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", "--seeds", str(seeds)])
    lines = result.output.splitlines()
    assert result.exit_code == 1 and len(lines) == 22  # 20 shown, one summary, the count
    assert lines[20] == f"{seeds}/relations.csv: ... and 4,980 more like this (relations join ids in entities.csv (no dangling references))"
    assert lines[21].startswith("Error: 5000 problem(s);")
    with pytest.raises(SeedError) as info:
        load_seeds(seeds)
    assert len(info.value.problems) == 5000 and str(info.value).count("\n") == 21


def test_an_invisible_direction_control_is_a_warning_not_an_error(tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(MINIMAL, seeds)
    entities = seeds / "entities.csv"
    entities.write_text(entities.read_text(encoding="utf-8").replace(",Agro Klyngen,", ",Agro \u202eKlyngen,"), encoding="utf-8")
    read, problems = read_seeds(seeds)
    assert problems == [] and [str(w) for w in read.warnings] == [
        "entities.csv:4: name holds the invisible direction control U+202E (text reads as it is stored; delete it unless the text is right-to-left on purpose)"
    ]
    result = CliRunner().invoke(cli, ["validate", "--seeds", str(seeds)])
    assert result.exit_code == 0
    assert result.stderr.startswith(f"warning: {seeds}/entities.csv:4: name holds the invisible direction control U+202E")
