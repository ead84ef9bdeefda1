/**
 * Opening a course notebook, and bringing one of its exercises into view.
 */

import { IDocumentManager } from '@jupyterlab/docmanager';
import { NotebookPanel } from '@jupyterlab/notebook';

import { cellsOfModel } from './cells';
import { findExercises } from './exercises';
import { IExerciseInfo } from '../tokens';

/**
 * Open (or bring forward) a notebook.
 */
export function openNotebook(
  docManager: IDocumentManager,
  path: string
): NotebookPanel | null {
  const widget = docManager.openOrReveal(path);
  return widget instanceof NotebookPanel ? widget : null;
}

/**
 * Scroll a notebook to an exercise's first solution cell (where the student writes; its
 * test cell when it has none) and make it the active cell.
 *
 * Works in windowed notebooks: `scrollToItem` renders the cell if it was outside the
 * viewport. Finds the exercise by the id in its `check(...)` call, or by its grade_id.
 *
 * @returns whether the exercise was found
 */
export async function revealExercise(
  panel: NotebookPanel,
  exercise: Pick<IExerciseInfo, 'id' | 'grade_id'>
): Promise<boolean> {
  await panel.context.ready;
  await panel.revealed;
  const model = panel.content.model;
  if (!model) {
    return false;
  }
  const exercises = findExercises(cellsOfModel(model));
  const found =
    exercises.find(e => e.id === exercise.id) ??
    exercises.find(e => e.gradeId === exercise.grade_id);
  if (!found) {
    return false;
  }
  const notebook = panel.content;
  const target = found.solutionIndices[0] ?? found.testIndex;
  notebook.activeCellIndex = target;
  await notebook.scrollToItem(target, 'center');
  return true;
}

/**
 * Open an exercise's notebook and scroll to its solution cell.
 */
export async function openExercise(
  docManager: IDocumentManager,
  path: string,
  exercise: Pick<IExerciseInfo, 'id' | 'grade_id'>
): Promise<boolean> {
  const panel = openNotebook(docManager, path);
  if (!panel) {
    return false;
  }
  return revealExercise(panel, exercise);
}
