// name: innovation-networks-funders
// answers: The innovation networks (Innovationsnetværk Danmark) and who funds each of them.
// params: none
// example: ecosystem query innovation-networks-funders
MATCH (n:InnovationNetwork)
RETURN n.id AS id, n.name AS network,
       COLLECT { MATCH (n)-[:FUNDED_BY]->(f:Entity) RETURN DISTINCT f.name ORDER BY f.name } AS funders,
       COLLECT { MATCH (n)-[:HOSTED_BY]->(h:Entity) RETURN DISTINCT h.name ORDER BY h.name } AS hosted_by,
       COLLECT { MATCH (n)-[:WORKS_IN]->(t:Theme) RETURN DISTINCT t.name ORDER BY t.name } AS themes
ORDER BY network
