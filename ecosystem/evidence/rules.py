"""Rules on the values and the facts of the seed files, beyond one row: value types, lifespans, successions."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ecosystem.text import MAX_YEAR, MIN_YEAR, parse_year

__all__ = ["Problem", "VALUE_RULE", "VALUE_FIX", "check_value", "check_lifespans", "check_successions"]


@dataclass(frozen=True, order=True)
class Problem:
    """One broken rule: where it is, what is wrong, which rule and how to fix it."""

    file: str
    line: int
    what: str
    rule: str
    fix: str

    def __str__(self):
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.what} ({self.rule}; {self.fix})"


VALUE_RULE = {
    "year": "a year",
    "int": "a whole number",
    "float": "a number",
    "bool": "true or false",
    "cvr": "an 8-digit CVR number",
    "str": "text",
}

VALUE_FIX = {
    "year": f"write four digits between {MIN_YEAR} and {MAX_YEAR}",
    "int": "write a whole number without separators (200 for 'ca. 200')",
    "float": "write a number with a decimal point",
    "bool": "write true or false",
    "cvr": "write the 8 digits without spaces or 'DK'",
    "str": "write a value",
}


def check_value(type_: str, value: str) -> str | None:
    if type_ == "year":
        return None if parse_year(value) else "is not a possible year"
    if type_ == "int":
        return None if re.fullmatch(r"\d+", value) else "is not a whole number"
    if type_ == "float":
        return None if re.fullmatch(r"\d+(\.\d+)?", value) else "is not a number"
    if type_ == "bool":
        return None if value in ("true", "false") else "is not true or false"
    if type_ == "cvr":
        return None if re.fullmatch(r"\d{8}", value) else "is not 8 digits"
    return None if value else "is empty"


def check_lifespans(seeds, problems: list[Problem]) -> None:
    """An organisation does not end before it was founded (``seeds``: :class:`~ecosystem.evidence.seeds.Seeds`)."""
    years: dict[tuple[str, str], object] = {}
    for row in seeds.attributes:
        if row["attribute"] in ("founded", "ended"):
            years.setdefault((row["entity"], row["attribute"]), row)
    for (ent, attr), row in years.items():
        if attr == "ended" and (ent, "founded") in years:
            founded = years[(ent, "founded")]
            if int(row["value"]) < int(founded["value"]):
                problems.append(Problem(row.file, row.line, f"{ent!r} ended in {row['value']} before it was founded in {founded['value']} (line {founded.line})", "founded <= ended", "check both years against the documents"))


def check_successions(seeds, problems: list[Problem]) -> None:
    """Renames and mergers lead forward: a relation that closes a cycle of them is reported and left out.

    Read in file order, so the row reported is the one that points back; ``seeds`` is a
    :class:`~ecosystem.evidence.seeds.Seeds`, its relations already checked one by one.
    """
    after: dict[str, list[str]] = {}
    for row in list(seeds.relations):
        if row["type"] not in ("MERGED_INTO", "RENAMED_TO"):
            continue
        start, end = row["start"], row["end"]
        back = _path(after, end, start)
        if back is None:
            after.setdefault(start, []).append(end)
            continue
        chain = " -> ".join([start, *back])
        problems.append(
            Problem(row.file, row.line, f"{start!r} {row['type']} {end!r} closes a cycle: {chain}", "renames and mergers lead forward; nothing becomes itself again", "remove the relation that points back")
        )
        seeds.relations.remove(row)


def _path(after: dict[str, list[str]], start: str, goal: str) -> list[str] | None:
    """The nodes from start to goal along `after` (breadth first), or None."""
    parent: dict[str, str | None] = {start: None}
    queue = [start]
    for n in queue:
        if n == goal:
            path = [n]
            while parent[path[-1]] is not None:
                path.append(parent[path[-1]])
            return path[::-1]
        for m in after.get(n, ()):
            if m not in parent:
                parent[m] = n
                queue.append(m)
    return None
