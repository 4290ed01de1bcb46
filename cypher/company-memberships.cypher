// name: company-memberships
// answers: Every membership of one company (found by id, name or alias, ignoring case), with the evidence.
// params: $company (string) — company id, name or alias, e.g. Vestas
// example: ecosystem query company-memberships --param company=vestas
MATCH (c:Company)
WHERE c.id = $company OR toLower(c.name) = toLower($company)
   OR any(alias IN c.aliases WHERE toLower(alias) = toLower($company))
   OR $company IN coalesce(c.former, [])
MATCH (c)-[m:MEMBER_OF]->(o:Entity)
RETURN c.name AS company, o.id AS id, o.name AS organisation, o.kind AS kind,
       m.role AS role, m.year AS year, m.doc AS doc, m.quote AS quote
ORDER BY organisation, doc
