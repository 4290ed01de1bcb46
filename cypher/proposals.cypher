// name: proposals
// answers: The written-back consolidation proposals, best first, with their members and anchor.
// params: none
// example: ecosystem query proposals
MATCH (p:Proposal)
RETURN p.id AS proposal, p.rank AS rank, p.score AS score,
       COLLECT { MATCH (p)-[:PROPOSES_ANCHOR]->(a:Entity) RETURN a.name } AS anchor,
       COLLECT { MATCH (p)-[:PROPOSES_MEMBER]->(m:Entity) RETURN m.name ORDER BY m.name } AS members,
       size(p.evidence_quotes) AS quotes, p.rationale AS rationale
ORDER BY rank, proposal
