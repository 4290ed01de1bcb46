"""Render analysis results as Markdown, CSV or JSON text (deterministic, no I/O)."""

from __future__ import annotations

import csv
import io
import json

from ecosystem.analysis import SIGNALS

__all__ = ["to_json", "proposals_markdown", "proposals_csv", "overlaps_rows", "rows_csv", "rows_table", "spreadsheet_safe", "partners_text", "proposal_rows", "PROPOSAL_COLUMNS", "hub_regions_text"]


def to_json(data) -> str:
    """Serialise with sorted keys, UTF-8 letters kept, a trailing newline."""
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def partners_text(partners: list[dict], *, most: int = 10) -> str:
    """A proposal's partners in a line: each with its kind, or, for a kind with more than
    `most` of them (the firms of a large membership list), how many and three examples.

    >>> firms = [{"name": f"Firm {i}", "kind": "company"} for i in range(12)]
    >>> partners_text([{"name": "DI", "kind": "trade_association"}, *firms])
    'DI (trade association), 12 companies (e.g. Firm 0, Firm 1, Firm 2; all in --format json)'
    >>> partners_text([{"name": f"Lab {i}", "kind": "test_facility"} for i in range(11)], most=3)
    '11 test facilities (e.g. Lab 0, Lab 1, Lab 2; all in --format json)'
    """
    by_kind: dict[str, list[str]] = {}
    for x in partners:
        by_kind.setdefault(x["kind"], []).append(x["name"])
    shown, told = [], set()
    for x in partners:
        kind, names = x["kind"], by_kind[x["kind"]]
        if len(names) <= most:
            shown.append(f"{x['name']} ({kind.replace('_', ' ')})")
        elif kind not in told:
            told.add(kind)
            plural = kind.replace("_", " ")
            plural = plural[:-1] + "ies" if plural.endswith("y") and plural[-2:-1] not in "aeiou" else plural + "s"
            shown.append(f"{len(names):,} {plural} (e.g. {', '.join(names[:3])}; all in --format json)")
    return ", ".join(shown)



def spreadsheet_safe(value):
    """Return a CSV cell that a spreadsheet shows as text, never runs as a formula.

    Text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets the
    usual leading apostrophe; numbers and other text are kept as they are.

    >>> spreadsheet_safe("=SUM(A1)"), spreadsheet_safe("-0.5"), spreadsheet_safe("Aalborg")
    ("'=SUM(A1)", '-0.5', 'Aalborg')
    """
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        try:
            float(value)
        except ValueError:
            return "'" + value
    return value


def rows_csv(rows: list[dict], columns: list[str]) -> str:
    """Write rows as CSV with the given columns; text cells are :func:`spreadsheet_safe`."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
    w.writeheader()
    w.writerows({k: spreadsheet_safe(v) for k, v in r.items()} for r in rows)
    return buf.getvalue()


def rows_table(rows: list[dict], columns: list[str]) -> str:
    """Align rows in plain-text columns."""
    cells = [[str(r.get(c, "")) for c in columns] for r in rows]
    widths = [max([len(c)] + [len(row[i]) for row in cells]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths)).rstrip()]
    lines += ["  ".join(v.ljust(w) for v, w in zip(row, widths)).rstrip() for row in cells]
    return "\n".join(lines) + "\n"


def overlaps_rows(G, pairs: list[dict]) -> list[dict]:
    """Flatten overlap pairs: one row per pair, per-signal Jaccard/containment columns."""
    rows = []
    for p in pairs:
        row = {"a": p["a"], "a_name": G.nodes[p["a"]]["name"], "b": p["b"], "b_name": G.nodes[p["b"]]["name"], "score": f"{p['score']:.4f}"}
        for s in SIGNALS:
            v = p["signals"].get(s)
            row[f"{s}_shared"] = v["shared"] if v else 0
            row[f"{s}_jaccard"] = f"{v['jaccard']:.3f}" if v else "0.000"
            row[f"{s}_containment_ab"] = f"{v['containment_ab']:.3f}" if v else "0.000"
            row[f"{s}_containment_ba"] = f"{v['containment_ba']:.3f}" if v else "0.000"
        rows.append(row)
    return rows


PROPOSAL_COLUMNS = ["proposal", "rank", "score", "member", "name", "kind", "role", "hub_serves", "themes", "critical_mass", "gaps", "caution"]


def proposals_csv(result: dict) -> str:
    """One row per proposal member: proposal, rank, score, role (anchor/hub/member), regions."""
    return rows_csv(proposal_rows(result), PROPOSAL_COLUMNS)


def proposal_rows(result: dict) -> list[dict]:
    """The rows of :func:`proposals_csv` (columns :data:`PROPOSAL_COLUMNS`), as dicts."""
    rows = []
    for p in result["proposals"]:
        hubs = {h["id"]: h for h in p["hubs"]}
        for m in p["members"]:
            role = "anchor" if m["id"] == p["anchor"]["id"] else "hub" if m["id"] in hubs else "member"
            rows.append({
                "proposal": p["id"], "rank": p["rank"], "score": p["score"], "member": m["id"], "name": m["name"], "kind": m["kind"],
                "role": role, "hub_serves": "|".join(hubs[m["id"]]["serves"]) if m["id"] in hubs else "",
                "themes": "|".join(t["id"] for t in p["themes"]), "critical_mass": p["critical_mass"]["verdict"],
                "gaps": "|".join(r["requirement"] for r in p["requirements"] if r["status"] == "gap"), "caution": p["caution"],
            })
        for o in p.get("operators", []):
            rows.append({"proposal": p["id"], "rank": p["rank"], "score": p["score"], "member": o["id"], "name": o["name"], "kind": o["kind"],
                         "role": o["role"].replace(" ", "_"), "hub_serves": "", "themes": "", "critical_mass": "", "gaps": o["why"], "caution": ""})
    for k in result["kept_separate"]:
        rows.append({"proposal": "", "rank": "", "score": "", "member": k["id"], "name": k["name"], "kind": "", "role": "kept_separate", "hub_serves": "", "themes": "", "critical_mass": "", "gaps": k["why"], "caution": ""})
    return rows


def _size_lines(cm: dict) -> list[str]:
    """The figure behind each member's size: a stated count, or the firms in the imports (a lower bound)."""
    lower = {m: f for m, f in cm.get("figures", {}).items() if f["figure"] != "stated member count"}
    if not lower:
        return []
    out = ["Sizes as lower bounds (firms recorded as members, or taking part in the organisation's projects):", ""]
    for m, f in lower.items():
        shown = "; ".join(f"{x['name']} ({x['firms']} firms; {x['source']})" for x in f["projects"])
        out.append(f"- `{m}`: {f['detail']}" + (f", e.g. {shown}" if shown else ""))
    return [*out, ""]


def hub_regions_text(hub: dict) -> str:
    """The regions a hub serves, each with what places it there:
    "Region Midtjylland (located in Aarhus Kommune: dataset: file row 12)", or with the quote."""
    out = []
    for region, c in zip(hub["serves_names"], hub["evidence"]):
        if c is None:
            out.append(region)
            continue
        how = ("located in " if c["type"] == "LOCATED_IN" else "serves ") + c["via_name"]
        where = c["source"] or (f'[{c["doc"]}] "{c["quote"]}"' if c["quote"] else c["doc"] or "")
        out.append(f"{region} ({how}" + (f": {where})" if where else ")"))
    return "; ".join(out)


def proposals_markdown(result: dict, comparison: list[dict] | None = None, as_of=None) -> str:
    """A report an analyst can read and defend: proposals, why, evidence, gaps, comparison."""
    out = [f"# Consolidation proposals{f' (landscape as of {as_of})' if as_of else ''}", ""]
    params = result["parameters"]
    out.append(f"{len(result['proposals'])} proposals, {len(result['kept_separate'])} organisations kept separate. "
               f"Groups: {params['method']} communities of the overlap projection (pairs scoring above {params['min_score']}), seed {params['seed']}. "
               "Weights: " + ", ".join(f"{k} {v:g}" for k, v in params["weights"].items()) + ".")
    out.append("")
    for p in result["proposals"]:
        out += [f"## {p['rank']}. {p['anchor']['name']} and {len(p['members']) - 1} more (score {p['score']:.3f})", ""]
        out.append("**Members:** " + ", ".join(f"{m['name']} (`{m['id']}`)" for m in p["members"]))
        out.append("")
        out.append(f"**Anchor:** {p['anchor']['name']}: {p['anchor']['why']}.")
        out.append("")
        if p["hubs"]:
            out.append("**Regional hubs:**")
            out += [f"- {h['name']} for {hub_regions_text(h)}" for h in p["hubs"]]
        else:
            out.append("**Regional hubs:** none needed beyond the anchor's regions (as far as the graph records)")
        out.append("")
        cm = p["critical_mass"]
        counted = f"{cm['stated_members']} stated members ({', '.join(cm['counted'])}): " if cm["counted"] else ""
        out.append(f"**Critical mass:** {counted}{cm['verdict']}; benchmark {cm['benchmark'][0]}-{cm['benchmark'][1]} active firms "
                   f"([{cm['doc']}] \"{cm['quote']}\").")
        out.append("")
        out += _size_lines(cm)
        out.append("**Themes:** " + (", ".join(t["name"] for t in p["themes"]) or "none recorded"))
        out.append("")
        out.append("**Overlap signals (pairs sharing):** " + ", ".join(f"{s} {n}" for s, n in sorted(p["signals"].items())))
        out.append("")
        if p["caution"]:
            out += [f"**Caution:** {p['caution']}.", ""]
        out.append("**Evidence:**")
        out.append("")
        for e in p["evidence"]:
            if e.get("source"):
                out.append(f"- {e['signal']}: {e['start']} {e['type']} {e['end']} — \"{e['title']}\" ({e['source']})")
            else:
                out.append(f"- {e['signal']}: {e['start']} {e['type']} {e['end']} — [{e['doc']}] \"{e['quote']}\"")
        out.append("")
        out.append("**Against the 2021-24 requirements (document 003):**")
        out.append("")
        for r in p["requirements"]:
            out.append(f"- {r['requirement']}: **{r['status']}** — {r['detail']}")
        out.append("")
        if p.get("operators"):
            out += ["**Operators and hosts** (organisations of other kinds that run the members' cluster work):", ""]
            for o in p["operators"]:
                shown = "; ".join(f"{e['name']} ({e['source']})" for e in o["evidence"])
                out.append(f"- {o['name']} (`{o['id']}`, {o['kind'].replace('_', ' ')}): {o['role']}, {o['why']}: {shown}")
            out.append("")
        unlisted = p.get("unlisted_members", 0)
        if p["partners"] or unlisted:
            told = [partners_text(p["partners"])] if p["partners"] else []
            if unlisted:
                told.append(f"{unlisted:,} member compan{'ies' if unlisted != 1 else 'y'} with no other relation (counted; --all-partners lists them)")
            out.append("**Partners, not members:** " + ", ".join(told))
            out.append("")
    out += ["## Kept separate", ""]
    out += [f"- {k['name']} (`{k['id']}`): {k['why']}" for k in result["kept_separate"]] or ["- none"]
    out += ["", "## Why some organisations are partners, not members", ""]
    out += [f"- {kind.replace('_', ' ')}: {why}" for kind, why in result["partner_kinds"].items()]
    if comparison is not None:
        out += ["", "## Compared with the documents' recommendations", "",
                "The recommendations were not used to make the proposals; they are compared here.", ""]
        for c in comparison:
            out.append(f"### {c['recommendation']} ({c['action']}, {c['status']}, {c['year']}): **{c['verdict']}**")
            out.append("")
            out.append(f"[{c['doc']}] \"{c['quote']}\"")
            out.append("")
            out += [f"- {r}" for r in c["reasons"]]
            out.append("")
    return "\n".join(out).rstrip() + "\n"


def explain_pair(G, a, b, pair: dict | None, evidence: dict) -> str:
    """What two organisations share, signal by signal, each shared item with the facts behind it."""
    name = lambda n: G.nodes[n].get("name", str(n))  # noqa: E731
    if pair is None:
        return f"{name(a)} and {name(b)} share nothing recorded on any signal\n"
    out = [f"{name(a)} and {name(b)}: score {pair['score']:.4f}"]
    for signal, s in pair["signals"].items():
        out.append(f"{signal}: {s['shared']} shared, Jaccard {s['jaccard']:.2f} (containment {s['containment_ab']:.2f} / {s['containment_ba']:.2f})")
        for item in evidence.get(signal, []):
            out.append(f"  {item['name']}")
            for q in item["quotes"]:
                where = f"({q['source']})" if q.get("source") else f"[{q['doc']}] \"{q['quote']}\""
                ends = [name(n) if n in G else item["name"] for n in (q["start"], q["end"])]  # a member folded away is the item
                out.append(f"    {ends[0]} {q['type']} {ends[1]} {where}")
        if s["shared"] > len(evidence.get(signal, [])):
            out.append(f"  ... and {s['shared'] - len(evidence[signal])} more")
    return "\n".join(out) + "\n"
