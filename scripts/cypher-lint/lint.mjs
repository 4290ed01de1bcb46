// Lint Cypher statements against the model's schema with Neo4j's own language support.
//
// usage: node lint.mjs SCHEMA.json STATEMENTS.json
//   SCHEMA.json      a DbSchema, from `python -m tools.cypher_schema`
//   STATEMENTS.json  [{source, text, params: [names]}], from
//                    `python -m tools.cypher_schema --statements [PATH...]`
//
// Strict: any diagnostic, error or warning, is printed as source:line:col and fails.
import { readFileSync } from 'node:fs';
import { lintCypherQuery } from '@neo4j-cypher/language-support';

const [schemaPath, statementsPath] = process.argv.slice(2);
if (!schemaPath || !statementsPath) {
  console.error('usage: node lint.mjs SCHEMA.json STATEMENTS.json');
  process.exit(2);
}
const schema = JSON.parse(readFileSync(schemaPath, 'utf8'));
const statements = JSON.parse(readFileSync(statementsPath, 'utf8'));

const severity = { 1: 'error', 2: 'warning', 3: 'info', 4: 'hint' };
let problems = 0;
for (const { source, text, params } of statements) {
  // Declared parameters only: using an undeclared $name is a diagnostic too.
  const parameters = Object.fromEntries(params.map((name) => [name, null]));
  const { diagnostics } = lintCypherQuery(text, { ...schema, parameters });
  for (const d of diagnostics) {
    const { line, character } = d.range.start;
    console.log(`${source}:${line + 1}:${character + 1}: ${severity[d.severity] ?? 'diagnostic'}: ${d.message}`);
    problems += 1;
  }
}
const files = new Set(statements.map((s) => s.source.split(' ')[0])).size;
if (problems > 0) {
  console.log(`cypher lint: ${problems} problem(s) in ${statements.length} statement(s)`);
  process.exit(1);
}
console.log(`cypher lint: ok, ${statements.length} statement(s) from ${files} source(s), no diagnostics`);
