"""How the landscape changed between two years: added, ended, renamed, merged, with the facts behind each."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import ecosystem as eco
from ecosystem.cli import cli

MINIMAL = Path(__file__).parent / "fixtures" / "minimal"


def append(path: Path, row: dict) -> None:
    with path.open(encoding="utf-8", newline="") as f:
        header = next(csv.reader(f))
    with path.open("a", encoding="utf-8", newline="") as f:
        csv.DictWriter(f, header).writerow(row)


def test_a_rename_and_a_newcomer_with_their_facts():
    d = eco.landscape_diff(eco.load_seeds(MINIMAL), 2014, 2016)
    assert [e["id"] for e in d["added"]] == ["agro-klyngen"]  # Food Nation Nord is a new name, not a newcomer
    (renamed,) = d["renamed"]
    assert renamed == {
        "id": "foodcluster-nord", "name": "Foodcluster Nord", "kind": "cluster_organisation", "year": 2015, "doc": "doc_b",
        "quote": "I 2015 blev Foodcluster Nord omdøbt til Food Nation Nord", "into": "food-nation-nord", "into_name": "Food Nation Nord",
    }  # fmt: skip
    assert d["ended"] == d["merged"] == []
    assert d["metrics"]["from"]["organisations"] == 1 and d["metrics"]["to"]["organisations"] == 2


def test_a_merger_and_an_end(tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(MINIMAL, seeds)
    append(seeds / "relations.csv", {"start": "agro-klyngen", "type": "MERGED_INTO", "end": "food-nation-nord", "year": "2017",
                                     "doc": "doc_b", "quote": "Agro Klyngen (AK) arbejder med fødevarer."})  # fmt: skip
    append(seeds / "attributes.csv", {"entity": "mejeri", "attribute": "ended", "value": "2015", "doc": "doc_b", "quote": "Mejeri lukkede i 2015"})
    d = eco.landscape_diff(eco.load_seeds(seeds), 2016, 2019)
    assert [(e["id"], e["into"], e["year"]) for e in d["merged"]] == [("agro-klyngen", "food-nation-nord", 2017)]
    d = eco.landscape_diff(eco.load_seeds(seeds), 2012, 2016)
    assert [(e["id"], e["year"], e["quote"]) for e in d["ended"]] == [("mejeri", 2015, "Mejeri lukkede i 2015")]


def test_the_command_prints_what_the_function_returns():
    result = CliRunner().invoke(cli, ["diff", "--from", "2016", "--to", "2019", "--kind", "project", "--format", "json"])
    assert result.exit_code == 0, result.output
    d = json.loads(result.output)
    assert d == json.loads(json.dumps(eco.landscape_diff(eco.load_seeds(), 2016, 2019, kinds={"project"})))
    (ended,) = d["ended"]
    assert ended["id"] == "det-nationale-vindprogram" and ended["year"] == 2018 and ended["doc"].startswith("001_")
    table = CliRunner().invoke(cli, ["diff", "--from", "2013", "--to", "2019"]).output
    assert table.startswith("The landscape from 2013 to 2019\n\nadded (70)\n") and "organisations                       12        32" in table


@pytest.mark.parametrize("args, message", [(["--from", "2019", "--to", "2013"], "2013 is before 2019"), (["--from", "2005", "--to", "2019"], "nothing is known")])
def test_impossible_years_are_refused(args, message):
    result = CliRunner().invoke(cli, ["diff", *args])
    assert result.exit_code in (1, 2) and message in result.output
