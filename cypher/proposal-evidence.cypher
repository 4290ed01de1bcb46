// name: proposal-evidence
// answers: One written-back consolidation proposal: its members, anchor, hubs and every evidence quote.
// params: $proposal (string) — proposal id (see `ecosystem query proposals`)
// example: ecosystem query proposal-evidence --param proposal=proposal-2-danish-food-cluster
MATCH (p:Proposal {id: $proposal})
WITH p,
     COLLECT { MATCH (p)-[:PROPOSES_MEMBER]->(m:Entity) RETURN m.name ORDER BY m.name } AS members,
     COLLECT { MATCH (p)-[:PROPOSES_ANCHOR]->(a:Entity) RETURN a.name } AS anchors,
     COLLECT { MATCH (p)-[h:PROPOSES_HUB]->(e:Entity) RETURN e.name + ' (serves ' + reduce(s = '', r IN h.serves | s + CASE s WHEN '' THEN '' ELSE ', ' END + r) + ')' } AS hubs
UNWIND CASE size(p.evidence_quotes) WHEN 0 THEN [null] ELSE range(0, size(p.evidence_quotes) - 1) END AS i
RETURN p.id AS proposal, p.rank AS rank, p.score AS score, p.rationale AS rationale,
       members, anchors[0] AS anchor, hubs,
       p.evidence_types[i] AS fact, p.evidence_starts[i] AS from_id, p.evidence_ends[i] AS to_id,
       p.evidence_docs[i] AS doc, p.evidence_quotes[i] AS quote
ORDER BY i
