// name: theme-organisations-by-region
// answers: Which organisations work in a business theme, grouped by the region they are located in?
// params: $theme (string) — theme id, name or alias, e.g. food or Fødevarer
// example: ecosystem query theme-organisations-by-region --param theme=food
MATCH (t:Theme)
WHERE t.id = $theme OR toLower(t.name) = toLower($theme)
   OR any(alias IN t.aliases WHERE toLower(alias) = toLower($theme))
   OR $theme IN coalesce(t.former, [])
MATCH (o:Entity)-[:WORKS_IN]->(t)
OPTIONAL MATCH (o)-[:LOCATED_IN]->(r:Region)
WITH DISTINCT t, coalesce(r.name, '(no region stated)') AS region, o
ORDER BY o.name
RETURN t.name AS theme, region, count(o) AS organisations,
       collect(o.name) AS names, collect(o.kind) AS kinds
ORDER BY region
