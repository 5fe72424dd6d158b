/**
 * The routes of the live OpenAPI document (`/docs-json`), enumerated for the tests that attack
 * every route (pathological input, fuzzing): a route added to the app is covered by itself.
 */
export type Schema = {
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  $ref?: string;
  items?: Schema;
  oneOf?: Schema[];
  anyOf?: Schema[];
  enum?: unknown[];
  example?: unknown;
  default?: unknown;
  format?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
};
export type Parameter = { name: string; in: string; required?: boolean; example?: unknown; schema?: Schema };
export type ResponseObject = { content?: Record<string, { schema?: Schema }> };
export type Operation = {
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  responses?: Record<string, ResponseObject>;
  security?: Array<Record<string, string[]>>;
};
export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema>; securitySchemes?: Record<string, unknown> };
}

/** One documented operation: `template` as the document writes it (`/admin/tenants/{tenantId}`). */
export interface DocumentedOperation {
  template: string;
  method: string;
  operation: Operation;
}

const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options']);

export function documentedOperations(doc: OpenApiDocument): DocumentedOperation[] {
  return Object.entries(doc.paths).flatMap(([template, methods]) =>
    Object.entries(methods)
      .filter(([method]) => HTTP_METHODS.has(method))
      .map(([method, operation]) => ({ template, method: method.toUpperCase(), operation })),
  );
}

/** Follows a `$ref` into components.schemas (one level; our documents nest no further refs). */
export function schemaResolver(schemas: Record<string, Schema>): (schema?: Schema) => Schema | undefined {
  return (schema) => (schema?.$ref ? schemas[schema.$ref.split('/').pop() as string] : schema);
}

/** A valid-looking instance, so that a request gets past earlier fields to the one attacked. */
export function exampleOf(schema: Schema, resolve: (s?: Schema) => Schema | undefined): unknown {
  if (schema.example !== undefined) return schema.example;
  if (schema.default !== undefined) return schema.default;
  if (schema.enum?.length) return schema.enum[0];
  const first = schema.oneOf?.[0] ?? schema.anyOf?.[0];
  if (first) return exampleOf(resolve(first) ?? {}, resolve);
  switch (schema.type) {
    case 'string':
      return schema.format === 'email' ? 'someone@example.com' : 'x';
    case 'number':
    case 'integer':
      return schema.minimum ?? 1;
    case 'boolean':
      return false;
    case 'array':
      return [];
    default: {
      const out: Record<string, unknown> = {};
      for (const [name, property] of Object.entries(schema.properties ?? {})) out[name] = exampleOf(resolve(property) ?? {}, resolve);
      return out;
    }
  }
}

/** The example value of a query parameter (or '' when the document gives none). */
export function exampleQueryValue(parameter: Parameter): string {
  const example = parameter.example ?? parameter.schema?.example ?? parameter.schema?.enum?.[0];
  return example === undefined ? '' : String(example);
}
