// name: funding-by-programme
// answers: Which programmes and funders fund whom, and who operates each programme?
// params: $funder (string, default '') — only this funder (id, name or alias); empty for all
// example: ecosystem query funding-by-programme --param funder=innovationsnetvaerk-danmark
MATCH (recipient:Entity)-[f:FUNDED_BY]->(funder:Entity)
WHERE $funder = '' OR funder.id = $funder OR toLower(funder.name) = toLower($funder)
   OR any(alias IN funder.aliases WHERE toLower(alias) = toLower($funder))
   OR $funder IN coalesce(funder.former, [])
WITH funder, recipient, collect(DISTINCT f.doc) AS docs
ORDER BY recipient.name
WITH funder, collect(recipient.name) AS recipients, collect(recipient.kind) AS recipient_kinds, collect(docs) AS recipient_docs
RETURN funder.id AS id, funder.name AS name, funder.kind AS kind, funder.subtype AS subtype,
       COLLECT { MATCH (op:Entity)-[:OPERATES]->(funder) RETURN DISTINCT op.name ORDER BY op.name } AS operated_by,
       size(recipients) AS recipient_count, recipients, recipient_kinds, recipient_docs
ORDER BY kind = 'programme' DESC, recipient_count DESC, name
