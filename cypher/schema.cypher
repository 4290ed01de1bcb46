// The database schema, applied by `ecosystem neo4j load` before any data (idempotent).
// Every loaded node has the label Entity plus its kind's labels (model.kind_labels).
CREATE CONSTRAINT entity_id IF NOT EXISTS
FOR (n:Entity) REQUIRE n.id IS UNIQUE;

CREATE INDEX entity_name IF NOT EXISTS
FOR (n:Entity) ON (n.name);

CREATE INDEX entity_kind IF NOT EXISTS
FOR (n:Entity) ON (n.kind);

// Written back by the analyses (store.write_communities, store.write_proposals).
CREATE CONSTRAINT community_key IF NOT EXISTS
FOR (c:Community) REQUIRE (c.id, c.method) IS UNIQUE;

CREATE CONSTRAINT proposal_id IF NOT EXISTS
FOR (p:Proposal) REQUIRE p.id IS UNIQUE;
