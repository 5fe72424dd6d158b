import { STATUS_CODES } from 'node:http';

export function httpReason(status: number): string {
  return STATUS_CODES[status] ?? 'Error';
}
