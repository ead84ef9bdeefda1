/**
 * Check outcomes (what is shown under an exercise cell), made from a kernel result, from
 * the progress recorded before, or from the browser's own status.
 */

import {
  CHECK_RESULT_VERSION,
  CheckOutcomeStatus,
  ICheckOutcome,
  ICheckResult,
  IExerciseProgress
} from '../tokens';

/**
 * Said under a recorded check whose exercise's saved code changed since.
 */
export const EDITED_SINCE_NOTICE =
  'You edited and saved this exercise since this check: the code saved now was not checked. Check again.';

/**
 * An outcome with no kernel result.
 */
export function makeOutcome(
  exercise: string,
  status: CheckOutcomeStatus,
  message: string,
  elapsedMs: number | null = null
): ICheckOutcome {
  return { exercise, status, result: null, message, elapsedMs };
}

/**
 * The outcome of a kernel result.
 */
export function outcomeFromResult(result: ICheckResult): ICheckOutcome {
  return {
    exercise: result.exercise,
    status: result.status,
    result,
    message: '',
    elapsedMs: null
  };
}

/**
 * The last check recorded in the progress, as an outcome to show under the cell after a
 * reload: its status, summary and hint (the cases are not stored: check again to see them).
 * `hiddenCases`: the exercise has hidden ones, so a recorded pass says it was the visible.
 */
export function outcomeFromProgress(
  exercise: string,
  title: string | null,
  progress: IExerciseProgress,
  hiddenCases = false
): ICheckOutcome {
  const status = progress.outcome ?? progress.status;
  return {
    exercise,
    status,
    result: {
      version: CHECK_RESULT_VERSION,
      exercise,
      title: title ?? exercise,
      status,
      passed: status === 'passed',
      summary: progress.summary ?? status,
      cases: [],
      hint: progress.hint,
      misconception: progress.misconception,
      error: null,
      duration_ms: progress.duration_ms ?? 0
    },
    message: '',
    elapsedMs: null,
    recordedAt: progress.last_checked ?? undefined,
    ...(hiddenCases ? { hiddenCases: true } : {}),
    ...(progress.edited_since_check ? { notice: EDITED_SINCE_NOTICE } : {})
  };
}
