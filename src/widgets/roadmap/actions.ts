/**
 * What the roadmap does when the student clicks an assignment or an exercise.
 */

import { IAssignmentInfo, IExerciseInfo } from '../../tokens';

/**
 * What the roadmap does when the student clicks an assignment or an exercise.
 */
export interface IRoadmapActions {
  /**
   * Open an assignment's notebook.
   */
  openAssignment(assignment: IAssignmentInfo, path: string): void;

  /**
   * Open an exercise's notebook and scroll to it.
   */
  openExercise(
    exercise: IExerciseInfo,
    assignment: IAssignmentInfo,
    path: string
  ): void;
}
