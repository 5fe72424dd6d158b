/** The subset of OpenAPI schema objects our documents use. */
export interface SchemaObject {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  properties?: Record<string, SchemaObject>;
  required?: string[];
  items?: SchemaObject;
  /** OpenAPI 3.0: null is a value too. */
  nullable?: boolean;
}

/**
 * Checks a value the way a strictly generated client would read it: required properties
 * present, no property the schema does not declare, types, enums, nullability and date-times as declared.
 * Returns the problems found (none means the body matches).
 */
export function schemaProblems(value: unknown, schema: SchemaObject, schemas: Record<string, SchemaObject>, at = '$'): string[] {
  if (schema.$ref) {
    const target = schemas[schema.$ref.replace('#/components/schemas/', '')];
    return target ? schemaProblems(value, target, schemas, at) : [`${at}: unresolvable ${schema.$ref}`];
  }
  if (value === null && schema.nullable) return [];
  if (schema.enum && !schema.enum.includes(value)) return [`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`];
  switch (schema.type) {
    case 'object':
      return objectProblems(value, schema, schemas, at);
    case 'array':
      if (!Array.isArray(value)) return [`${at}: expected an array`];
      return value.flatMap((item, i) => schemaProblems(item, schema.items ?? {}, schemas, `${at}[${i}]`));
    case 'string':
      if (typeof value !== 'string') return [`${at}: expected a string`];
      return schema.format === 'date-time' && Number.isNaN(Date.parse(value)) ? [`${at}: not a date-time`] : [];
    case 'integer':
      return Number.isInteger(value) ? [] : [`${at}: expected an integer`];
    case 'number':
      return typeof value === 'number' ? [] : [`${at}: expected a number`];
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${at}: expected a boolean`];
    default:
      return [`${at}: schema without a type`];
  }
}

function objectProblems(value: unknown, schema: SchemaObject, schemas: Record<string, SchemaObject>, at: string): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${at}: expected an object`];
  const record = value as Record<string, unknown>;
  const properties = schema.properties ?? {};
  return [
    ...(schema.required ?? []).filter((name) => !(name in record)).map((name) => `${at}.${name}: required but missing`),
    ...Object.keys(record)
      .filter((name) => !(name in properties))
      .map((name) => `${at}.${name}: not declared in the schema`),
    ...Object.entries(record)
      .filter(([name]) => name in properties)
      .flatMap(([name, item]) => schemaProblems(item, properties[name], schemas, `${at}.${name}`)),
  ];
}
