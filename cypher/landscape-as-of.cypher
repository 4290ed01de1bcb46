// name: landscape-as-of
// answers: What the documents had said by a year: every fact from a document published up to $year. This filters facts only; for the landscape as `ecosystem --as-of` gives it (renames and mergers folded into the successor, ended organisations left out), load that landscape: `ecosystem neo4j load --wipe --as-of YEAR`.
// params: $year (int) — the last publication year to include
//         $limit (int, default 1000) — at most this many facts
// example: ecosystem query landscape-as-of --param year=2013
MATCH (a:Entity)-[r]->(b:Entity)
WHERE r.fact IS NOT NULL AND r.doc_year <= $year
RETURN a.name AS subject, type(r) AS relation, b.name AS object, r.role AS role, r.year AS year,
       r.doc AS doc, r.doc_year AS doc_year, r.quote AS quote
ORDER BY doc_year, relation, subject, object
LIMIT $limit
