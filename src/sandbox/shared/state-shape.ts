/**
 * Structural checks for state read back from a snapshot file. The file is our own format,
 * so these only guard against truncation or hand edits: a mismatch throws, and the caller
 * treats the whole file as corrupt rather than booting with half a world.
 */
export class StateShapeError extends Error {}

export function arrayOf<T>(value: unknown, name: string): T[] {
  if (!Array.isArray(value)) throw new StateShapeError(`${name} must be an array`);
  return value as T[];
}

export function objectOf<T>(value: unknown, name: string): T {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new StateShapeError(`${name} must be an object`);
  return value as T;
}

export function integerOf(value: unknown, name: string): number {
  if (!Number.isSafeInteger(value)) throw new StateShapeError(`${name} must be an integer`);
  return value as number;
}
