// name: gds-leiden
// answers: Graph Data Science version of the community analysis: Leiden communities of cluster organisations on the overlap projection, each pair weighted by its combined overlap score. Needs the overlaps written back first (`ecosystem neo4j write-back`); GDS's Leiden may split ties differently from the embedded leidenalg/Louvain run.
// params: $graph (string, default ecosystem-leiden) — name of the in-memory GDS projection (replaced, then dropped)
//         $min_score (float, default 0.1) — pairs at or below this score are left out, as in `ecosystem communities`
//         $gamma (float, default 1.0) — resolution: higher gives more, smaller communities
// example: ecosystem query gds-leiden --param gamma=1.5
CALL () {
  CALL gds.graph.drop($graph, false) YIELD graphName
  RETURN count(graphName) AS replaced
}
MATCH (a:ClusterOrganisation)
OPTIONAL MATCH (a)-[o:OVERLAPS]->(b:ClusterOrganisation)
  WHERE o.score > $min_score
WITH gds.graph.project($graph, a, b, {relationshipProperties: {weight: o.score}}, {undirectedRelationshipTypes: ['*']}) AS projection
CALL (projection) {
  // GDS's Leiden fails on a projection without relationships: no overlaps, no communities.
  WITH projection WHERE projection.relationshipCount > 0
  CALL gds.leiden.stream($graph, {gamma: $gamma, relationshipWeightProperty: 'weight', randomSeed: 42, concurrency: 1})
  YIELD nodeId, communityId
  WITH gds.util.asNode(nodeId) AS n, communityId
  ORDER BY n.name
  WITH communityId, collect(n.name) AS members
  RETURN collect({community: communityId, size: size(members), members: members}) AS communities
}
CALL gds.graph.drop($graph) YIELD graphName
UNWIND communities AS c
WITH c WHERE c.size > 1
RETURN c.community AS community, c.size AS size, c.members AS members
ORDER BY size DESC, members[0]
