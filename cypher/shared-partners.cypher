// name: shared-partners
// answers: Which pairs of cluster organisations share at least $k members or partners?
// params: $k (int, default 2) — the least number of shared members or partners
// example: ecosystem query shared-partners --param k=3
MATCH (a:ClusterOrganisation)-[ra:MEMBER_OF|PARTNER_OF]-(x:Entity)-[rb:MEMBER_OF|PARTNER_OF]-(b:ClusterOrganisation)
WHERE a.id < b.id
  // A member points at its cluster; a partnership counts in either direction.
  AND (type(ra) = 'PARTNER_OF' OR endNode(ra) = a)
  AND (type(rb) = 'PARTNER_OF' OR endNode(rb) = b)
WITH DISTINCT a, b, x
ORDER BY x.name
WITH a, b, collect(x) AS shared
WHERE size(shared) >= $k
RETURN a.id AS a, a.name AS a_name, b.id AS b, b.name AS b_name, size(shared) AS shared_count,
       [n IN shared | n.name] AS shared
ORDER BY shared_count DESC, a, b
