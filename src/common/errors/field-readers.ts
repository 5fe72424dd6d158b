/** Reports one problem with one field of a request body: validators collect every problem, then answer once. */
export type Fail = (field: string, message: string) => void;

/**
 * A string field of a request body: absent or null gives undefined (a problem when required),
 * any other type is a problem. Length and content rules are the caller's.
 */
export function stringField(input: Record<string, unknown>, field: string, required: boolean, fail: Fail): string | undefined {
  const value = input[field];
  if (value === undefined || value === null) {
    if (required) fail(field, `${field} is required`);
    return undefined;
  }
  if (typeof value !== 'string') {
    fail(field, `${field} must be a string`);
    return undefined;
  }
  return value;
}
