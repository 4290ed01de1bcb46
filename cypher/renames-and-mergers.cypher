// name: renames-and-mergers
// answers: Which organisations were renamed or merged into others, when, and on what evidence?
// params: none
// example: ecosystem query renames-and-mergers
MATCH (old:Entity)-[e:RENAMED_TO|MERGED_INTO]->(new:Entity)
RETURN old.id AS old_id, old.name AS old_name, type(e) AS event, new.id AS new_id, new.name AS new_name,
       coalesce(e.year, e.doc_year) AS year, e.doc AS doc, e.quote AS quote
ORDER BY year, old_name
