// name: label-holders
// answers: Who holds which quality label (ECEI Gold, Silver, Bronze), since when and on what evidence?
// params: none
// example: ecosystem query label-holders
MATCH (o:Entity)-[h:HOLDS]->(l:Label)
RETURN l.name AS label, o.id AS id, o.name AS holder, h.year AS year, h.doc AS doc, h.quote AS quote
ORDER BY label, holder, doc
