// name: overlaps-top
// answers: The most overlapping pairs of organisations, as written back by the overlap analysis.
// params: $limit (int, default 20) — how many pairs
// example: ecosystem query overlaps-top --param limit=10
MATCH (a:Entity)-[o:OVERLAPS]->(b:Entity)
RETURN a.id AS a, a.name AS a_name, b.id AS b, b.name AS b_name, o.score AS score,
       COLLECT { UNWIND keys(o) AS key WITH key WHERE key <> 'score' RETURN key + '=' + toString(o[key]) ORDER BY key } AS signals
ORDER BY score DESC, a, b
LIMIT $limit
