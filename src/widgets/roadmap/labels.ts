/**
 * The roadmap's words: the overall line, and the labels of statuses and states.
 */

import { AssignmentStatus, ExerciseState, IProgressCount } from '../../tokens';

/**
 * "3 / 9 exercises passed", or "3 / 9 exercises of your path passed".
 */
export function overallText(count: IProgressCount, onPath = false): string {
  const exercises = `exercise${count.total === 1 ? '' : 's'}`;
  return `${count.passed} / ${count.total} ${exercises}${onPath ? ' of your path' : ''} passed`;
}

export const NOT_FETCHED_TEXT =
  'not fetched yet — fetch it from the Assignments tab';

export const STATUS_LABEL: Record<AssignmentStatus, string> = {
  workspace: 'in your workspace',
  fetched: 'fetched',
  not_fetched: 'not fetched yet'
};

// ◌ as the inline result marks a stub (○ there): checked, but nothing written yet.
export const STATE_MARK: Record<ExerciseState, string> = {
  passed: '✔',
  failed: '✘',
  'not-implemented': '◌',
  'not-tried': '○'
};
// A checked exercise whose saved code changed since: not the plain mark of its last check.
export const EDITED_MARK: Record<ExerciseState, string> = {
  passed: '✎',
  failed: '✎',
  'not-implemented': '✎',
  'not-tried': '○'
};
export const STATE_LABEL: Record<ExerciseState, string> = {
  passed: 'passed',
  failed: 'not passed yet',
  'not-implemented': 'not implemented yet',
  'not-tried': 'not tried'
};

/**
 * A checked exercise whose saved code changed since its last check: beside its state.
 * A pass stays earned, but the code saved now was not checked.
 */
export const EDITED_SINCE_BADGE: Record<ExerciseState, string> = {
  passed: 'earned · edited since: check again',
  failed: 'edited since: check again',
  'not-implemented': 'edited since: check again',
  'not-tried': ''
};
export const EDITED_SINCE_TEXT =
  'you edited the code since your last check, and the code saved now was not checked';

/**
 * What the last check of a passed exercise found, when it did not pass.
 */
export const LAST_CHECK_TEXT: Record<string, string> = {
  failed: 'failed',
  error: 'your code raised an error',
  not_implemented: 'not implemented'
};
