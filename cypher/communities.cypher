// name: communities
// answers: The written-back communities: method, id, size and their cluster organisations.
// params: $method (string, default '') — only this method (louvain, the write-back's default, or leiden); empty for all
// example: ecosystem query communities --param method=louvain
MATCH (c:Community)
WHERE $method = '' OR c.method = $method
RETURN c.method AS method, c.id AS community,
       COUNT { (c)<-[:IN_COMMUNITY]-(:Entity) } AS size,
       COLLECT { MATCH (c)<-[:IN_COMMUNITY]-(o:ClusterOrganisation) RETURN o.name ORDER BY o.name } AS cluster_organisations
ORDER BY method, size DESC, community
