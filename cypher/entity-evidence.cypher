// name: entity-evidence
// answers: All the evidence for one entity: where it is named, its stated attributes and every fact, each with its quote.
// params: $entity (string) — id, name or alias of any entity, e.g. Offshoreenergi.dk
// example: ecosystem query entity-evidence --param entity=danish-food-cluster
MATCH (n:Entity)
WHERE n.id = $entity OR toLower(n.name) = toLower($entity)
   OR any(alias IN n.aliases WHERE toLower(alias) = toLower($entity))
   OR $entity IN coalesce(n.former, [])
CALL (n) {
  RETURN 'named' AS fact, n.name AS detail, n.doc AS doc, n.doc_year AS doc_year, n.quote AS quote
  UNION ALL
  UNWIND [key IN keys(n) WHERE key ENDS WITH '_quote'] AS key
  WITH n, left(key, size(key) - size('_quote')) AS attribute
  RETURN 'attribute' AS fact, attribute + ' = ' + toString(n[attribute]) AS detail,
         n[attribute + '_doc'] AS doc, null AS doc_year, n[attribute + '_quote'] AS quote
  UNION ALL
  MATCH (n)-[r]-(m:Entity)
  WHERE r.quote IS NOT NULL
  RETURN type(r) AS fact,
         CASE startNode(r) WHEN n THEN '-> ' ELSE '<- ' END + m.name AS detail,
         r.doc AS doc, r.doc_year AS doc_year, r.quote AS quote
}
RETURN n.name AS entity, fact, detail, doc, doc_year, quote
ORDER BY entity, fact = 'named' DESC, fact = 'attribute' DESC, fact, detail, doc
