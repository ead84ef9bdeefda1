/**
 * Which notebook of an assignment the roadmap opens.
 */

import { IAssignmentInfo, IExerciseInfo } from '../tokens';

/**
 * The notebook an exercise lives in: its own, else its assignment's first one.
 */
export function exerciseNotebook(
  exercise: IExerciseInfo,
  assignment: IAssignmentInfo
): string | null {
  return exercise.notebook ?? assignmentNotebook(assignment);
}

/**
 * The first notebook of an assignment that exists for this user, or null.
 */
export function assignmentNotebook(assignment: IAssignmentInfo): string | null {
  if (assignment.status === 'not_fetched') {
    return null;
  }
  return assignment.notebooks.find(n => n.path)?.path ?? null;
}
