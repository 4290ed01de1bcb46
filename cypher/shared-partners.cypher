// name: shared-partners
// answers: Which pairs of cluster organisations share at least $k partners? Partners as the overlap analysis's partners signal counts them: non-cluster entities that are PARTNER_OF, COLLABORATES_WITH or HOSTED_BY the organisation (either way), or that it is a MEMBER_OF.
// params: $k (int, default 2) — the least number of shared partners
// example: ecosystem query shared-partners --param k=3
MATCH (c:ClusterOrganisation)
CALL (c) {
  MATCH (c)<-[:PARTNER_OF|COLLABORATES_WITH|HOSTED_BY]-(x:Entity)
  WHERE NOT x:ClusterOrganisation
  RETURN x
  UNION
  MATCH (c)-[:PARTNER_OF|COLLABORATES_WITH|HOSTED_BY|MEMBER_OF]->(x:Entity)
  WHERE NOT x:ClusterOrganisation
  RETURN x
}
WITH c, collect(x) AS partners
UNWIND partners AS x
WITH x, collect(c) AS clusters
UNWIND clusters AS a
UNWIND clusters AS b
WITH a, b, x
WHERE a.id < b.id
ORDER BY x.name
WITH a, b, collect(x) AS shared
WHERE size(shared) >= $k
RETURN a.id AS a, a.name AS a_name, b.id AS b, b.name AS b_name, size(shared) AS shared_count,
       [n IN shared | n.name] AS shared
ORDER BY shared_count DESC, a, b
