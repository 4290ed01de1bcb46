// name: without-national-reach
// answers: Which cluster organisations neither serve the whole country nor are stated to be national?
// params: $country (string, default danmark) — id of the area that stands for the whole country
// example: ecosystem query without-national-reach --param country=danmark
MATCH (o:ClusterOrganisation)
WHERE NOT EXISTS { (o)-[:SERVES]->(:Entity {id: $country}) }
  AND coalesce(o.national, false) <> true
RETURN o.id AS id, o.name AS organisation, o.kind AS kind,
       COLLECT { MATCH (o)-[:SERVES]->(r:Entity) RETURN DISTINCT r.name ORDER BY r.name } AS serves,
       COLLECT { MATCH (o)-[:LOCATED_IN]->(r:Entity) RETURN DISTINCT r.name ORDER BY r.name } AS located_in
ORDER BY organisation
