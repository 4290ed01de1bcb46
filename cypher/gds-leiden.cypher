// name: gds-leiden
// answers: Graph Data Science version of the community analysis: Leiden communities of the membership, partnership and hosting network.
// params: $graph (string, default ecosystem-leiden) — name of the in-memory GDS projection (replaced, then dropped)
//         $gamma (float, default 1.0) — resolution: higher gives more, smaller communities
// example: ecosystem query gds-leiden --param gamma=1.5
CALL () {
  CALL gds.graph.drop($graph, false) YIELD graphName
  RETURN count(graphName) AS replaced
}
MATCH (a:Entity)-[:MEMBER_OF|PARTNER_OF|COLLABORATES_WITH|HOSTED_BY|PART_OF]->(b:Entity)
WITH gds.graph.project($graph, a, b, {}, {undirectedRelationshipTypes: ['*']}) AS projection
CALL gds.leiden.stream($graph, {gamma: $gamma, randomSeed: 42, concurrency: 1})
YIELD nodeId, communityId
WITH gds.util.asNode(nodeId) AS n, communityId
ORDER BY n.name
WITH communityId, collect(n) AS members
WITH collect({
  community: communityId,
  size: size(members),
  clusters: [m IN members WHERE m:ClusterOrganisation | m.name],
  others: [m IN members WHERE NOT m:ClusterOrganisation | m.name]
}) AS communities
CALL gds.graph.drop($graph) YIELD graphName
UNWIND communities AS c
WITH c WHERE size(c.clusters) > 0
RETURN c.community AS community, c.size AS size, size(c.clusters) AS cluster_count, c.clusters AS clusters, c.others AS others
ORDER BY cluster_count DESC, size DESC, community
