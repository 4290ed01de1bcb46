// name: community-members
// answers: The members of one written-back community, with their kind.
// params: $community (string) — community id, as listed by `ecosystem query communities`
//         $method (string, default '') — the method that found it; empty for any
// example: ecosystem query community-members --param community=louvain-1 --param method=louvain
MATCH (c:Community {id: $community})<-[:IN_COMMUNITY]-(e:Entity)
WHERE $method = '' OR c.method = $method
RETURN c.method AS method, c.id AS community, e.id AS id, e.name AS name, e.kind AS kind
ORDER BY method, kind, name
