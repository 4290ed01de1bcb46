// name: knowledge-institutions-top
// answers: Which knowledge institutions are linked (in any direction, by any fact) to the most cluster organisations?
// params: $limit (int, default 10) — how many institutions
// example: ecosystem query knowledge-institutions-top --param limit=5
MATCH (k:KnowledgeInstitution)-[r]-(c:ClusterOrganisation)
WHERE r.fact IS NOT NULL
WITH DISTINCT k, c
ORDER BY c.name
WITH k, count(c) AS clusters, collect(c.name) AS cluster_names
RETURN k.id AS id, k.name AS institution, k.subtype AS subtype, clusters, cluster_names
ORDER BY clusters DESC, institution
LIMIT $limit
