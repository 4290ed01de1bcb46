// name: gds-node-similarity
// answers: Graph Data Science version of one overlap signal: the Jaccard similarity of cluster organisations by their members, or by their partners, with the sets built exactly as the overlap analysis builds them (members: who is MEMBER_OF it; partners: non-cluster entities that are PARTNER_OF, COLLABORATES_WITH or HOSTED_BY it either way, or that it is a MEMBER_OF).
// params: $signal (string, default members) — members or partners
//         $graph (string, default ecosystem-similarity) — name of the in-memory GDS projection (replaced, then dropped)
//         $top_k (int, default 10) — similar organisations kept per organisation
//         $cutoff (float, default 0.1) — least similarity reported
// example: ecosystem query gds-node-similarity --param signal=partners --param top_k=5 --param cutoff=0.2
CALL () {
  CALL gds.graph.drop($graph, false) YIELD graphName
  RETURN count(graphName) AS replaced
}
MATCH (c:ClusterOrganisation)
CALL (c) {
  MATCH (c)<-[:MEMBER_OF]-(x:Entity)
  WHERE $signal = 'members' AND x <> c
  RETURN x
  UNION
  MATCH (c)<-[:PARTNER_OF|COLLABORATES_WITH|HOSTED_BY]-(x:Entity)
  WHERE $signal = 'partners' AND NOT x:ClusterOrganisation
  RETURN x
  UNION
  MATCH (c)-[:PARTNER_OF|COLLABORATES_WITH|HOSTED_BY|MEMBER_OF]->(x:Entity)
  WHERE $signal = 'partners' AND NOT x:ClusterOrganisation
  RETURN x
}
// Cluster -> item, one relationship per distinct pair: the clusters are compared by their sets.
WITH gds.graph.project($graph, c, x) AS projection
CALL gds.nodeSimilarity.stream($graph, {topK: $top_k, similarityCutoff: $cutoff, concurrency: 1})
YIELD node1, node2, similarity
WITH gds.util.asNode(node1) AS n1, gds.util.asNode(node2) AS n2, similarity
WITH CASE WHEN n1.id < n2.id THEN [n1, n2] ELSE [n2, n1] END AS pair, similarity
WITH DISTINCT pair[0] AS a, pair[1] AS b, similarity
WITH collect({a: a.id, a_name: a.name, b: b.id, b_name: b.name, similarity: similarity}) AS pairs
CALL gds.graph.drop($graph) YIELD graphName
UNWIND pairs AS pair
RETURN pair.a AS a, pair.a_name AS a_name, pair.b AS b, pair.b_name AS b_name, pair.similarity AS similarity
ORDER BY similarity DESC, a, b
