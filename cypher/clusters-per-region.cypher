// name: clusters-per-region
// answers: How many cluster organisations are located in each region, and which?
// params: none
// example: ecosystem query clusters-per-region
MATCH (c:ClusterOrganisation)
OPTIONAL MATCH (c)-[:LOCATED_IN]->(r:Region)
WITH coalesce(r.name, '(no region stated)') AS region, c
ORDER BY c.name
WITH region, collect(DISTINCT c.name) AS clusters
RETURN region, size(clusters) AS cluster_count, clusters
ORDER BY cluster_count DESC, region
