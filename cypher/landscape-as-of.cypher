// name: landscape-as-of
// answers: The landscape as known in a year: every fact from a document published up to $year.
// params: $year (int) — the last publication year to include
//         $limit (int, default 1000) — at most this many facts
// example: ecosystem query landscape-as-of --param year=2013
MATCH (a:Entity)-[r]->(b:Entity)
WHERE r.doc_year <= $year
RETURN a.name AS subject, type(r) AS relation, b.name AS object, r.role AS role, r.year AS year,
       r.doc AS doc, r.doc_year AS doc_year, r.quote AS quote
ORDER BY doc_year, relation, subject, object
LIMIT $limit
