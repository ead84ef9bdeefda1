/**
 * The check result as it comes from the kernel: read from a MIME bundle's data
 * (`application/vnd.mlmath-lab.check+json`), with defaults for the fields an older result
 * lacks.
 */

import { CHECK_MIME_TYPE, ICheckCase, ICheckResult } from '../tokens';

/**
 * Parse a check result from a MIME bundle's data, or null when it is not one.
 */
export function parseCheckResult(data: unknown): ICheckResult | null {
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    return null;
  }
  const value = data as Partial<ICheckResult>;
  const statuses = ['passed', 'failed', 'not_implemented', 'error'];
  if (
    typeof value.exercise !== 'string' ||
    typeof value.status !== 'string' ||
    !statuses.includes(value.status)
  ) {
    return null;
  }
  const cases: ICheckCase[] = Array.isArray(value.cases)
    ? value.cases.map(c => ({
        name: String(c?.name ?? ''),
        status: c?.status ?? 'failed',
        message: String(c?.message ?? ''),
        got: String(c?.got ?? ''),
        expected: String(c?.expected ?? ''),
        ...(typeof c?.error === 'string' ? { error: c.error } : {})
      }))
    : [];
  return {
    version: typeof value.version === 'number' ? value.version : 1,
    exercise: value.exercise,
    title: typeof value.title === 'string' ? value.title : value.exercise,
    status: value.status,
    passed:
      typeof value.passed === 'boolean'
        ? value.passed
        : value.status === 'passed',
    summary: typeof value.summary === 'string' ? value.summary : value.status,
    cases,
    hint: typeof value.hint === 'string' ? value.hint : null,
    misconception:
      typeof value.misconception === 'string' ? value.misconception : null,
    error: typeof value.error === 'string' ? value.error : null,
    duration_ms: typeof value.duration_ms === 'number' ? value.duration_ms : 0
  };
}

/**
 * The check result in an output's MIME bundle, or null.
 */
export function resultFromBundle(
  data: Record<string, unknown> | undefined
): ICheckResult | null {
  return data ? parseCheckResult(data[CHECK_MIME_TYPE]) : null;
}
