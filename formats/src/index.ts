export * from './errors.js';
export * from './canonical.js';
export * from './paths.js';
export * from './types.js';
export * from './random.js';
export * from './retention.js';
export * from './routes.js';
export * from './message-id.js';
export * from './summary.js';
export * from './identifiers/index.js';
export { bundledSchemaText, BUNDLED_VERSIONS } from './schema/registry.js';
export { compileSchema, type SchemaValidator } from './schema/compile.js';
export { RULE_CODES, type RuleCode, type RelatedDocuments } from './rules/index.js';
export { validateDocument, assertValidDocument, type ValidateOptions } from './validate.js';
export {
  generateDocument,
  generateExpertiseCase,
  generateDocumentationCase,
  SAMPLE_PARTIES,
  type GenerateOptions,
} from './generator/generate.js';
