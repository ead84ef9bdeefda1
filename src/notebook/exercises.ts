/**
 * Finding the exercises of a notebook from its cells' nbgrader metadata. No DOM, no kernel.
 *
 * An exercise is one graded nbgrader test cell (`grade: true`, not a solution, code) whose
 * source calls `check("<assignment>/<grade_id>", ...)`, and the solution cells (`solution:
 * true`, code) between the previous graded test cell and it.
 */

/**
 * The nbgrader metadata of a cell (only the fields read here).
 */
export interface INbgraderMetadata {
  grade?: boolean;
  solution?: boolean;
  locked?: boolean;
  grade_id?: string;
  points?: number;
}

/**
 * A cell as in an .ipynb file, or as read from a notebook model.
 */
export interface ICellLike {
  cell_type: string;
  source: string | string[];
  metadata?: { nbgrader?: INbgraderMetadata; [key: string]: unknown };
}

/**
 * The cells of one exercise, by index in the notebook.
 */
export interface IExerciseCells {
  /**
   * The exercise id from the test cell's `check("<id>", ...)`.
   */
  id: string;

  /**
   * The test cell's nbgrader grade_id.
   */
  gradeId: string;

  /**
   * The index of the graded test cell.
   */
  testIndex: number;

  /**
   * The indices of the solution cells it checks, in notebook order.
   */
  solutionIndices: number[];

  /**
   * Where the Check button goes: the last solution cell, or the test cell if there is none.
   */
  buttonIndex: number;

  /**
   * Whether the test cell had hidden cases that the release removed (the release marks it:
   * `metadata.mlmath_lab.hidden_cases`): a check here runs only the visible ones.
   */
  hiddenCases: boolean;
}

/**
 * Whether a released test cell had hidden cases (mlmath_lab/nbgrader/release.py marks it).
 */
export function hasHiddenCases(cell: ICellLike): boolean {
  const own = cell.metadata?.mlmath_lab;
  return (
    !!own &&
    typeof own === 'object' &&
    (own as { hidden_cases?: unknown }).hidden_cases === true
  );
}

/**
 * The source of a cell as one string.
 */
export function cellSource(cell: ICellLike): string {
  return Array.isArray(cell.source) ? cell.source.join('') : cell.source;
}

function nbgrader(cell: ICellLike): INbgraderMetadata {
  const value = cell.metadata?.nbgrader;
  return value && typeof value === 'object' ? value : {};
}

/**
 * Whether a cell is an autograded nbgrader test cell.
 */
export function isGradedTestCell(cell: ICellLike): boolean {
  const meta = nbgrader(cell);
  return cell.cell_type === 'code' && meta.grade === true && !meta.solution;
}

/**
 * Whether a cell is an nbgrader solution code cell.
 */
export function isSolutionCell(cell: ICellLike): boolean {
  return cell.cell_type === 'code' && nbgrader(cell).solution === true;
}

const CHECK_CALL = /\bcheck\s*\(\s*(['"])([^'"\n]+)\1\s*[,)]/;

/**
 * The exercise id of the first `check("<id>", ...)` call in a source, or null.
 *
 * Comments are skipped, so a commented-out call does not count.
 */
export function parseExerciseId(source: string): string | null {
  for (const line of source.split('\n')) {
    const code = line.replace(/^\s+/, '');
    if (code.startsWith('#')) {
      continue;
    }
    const match = CHECK_CALL.exec(code);
    if (match) {
      return match[2];
    }
  }
  // A call split over lines: check(\n    "id", fn)
  const joined = source
    .split('\n')
    .filter(line => !/^\s*#/.test(line))
    .join(' ');
  const match = CHECK_CALL.exec(joined);
  return match ? match[2] : null;
}

/**
 * The exercises of a notebook, in notebook order.
 */
export function findExercises(
  cells: ReadonlyArray<ICellLike>
): IExerciseCells[] {
  const exercises: IExerciseCells[] = [];
  let solutions: number[] = [];
  cells.forEach((cell, index) => {
    if (isSolutionCell(cell)) {
      solutions.push(index);
      return;
    }
    if (!isGradedTestCell(cell)) {
      return;
    }
    const id = parseExerciseId(cellSource(cell));
    if (id !== null) {
      exercises.push({
        id,
        gradeId: String(nbgrader(cell).grade_id ?? ''),
        testIndex: index,
        solutionIndices: solutions,
        buttonIndex: solutions.length ? solutions[solutions.length - 1] : index,
        hiddenCases: hasHiddenCases(cell)
      });
    }
    // Any graded test cell closes the group of solution cells before it.
    solutions = [];
  });
  return exercises;
}

/**
 * The exercise a cell belongs to: one of its solution cells, its test cell, or a cell
 * between them.
 */
export function exerciseAt(
  exercises: ReadonlyArray<IExerciseCells>,
  index: number
): IExerciseCells | null {
  for (const exercise of exercises) {
    const first = exercise.solutionIndices.length
      ? exercise.solutionIndices[0]
      : exercise.testIndex;
    if (index >= first && index <= exercise.testIndex) {
      return exercise;
    }
  }
  return null;
}

/**
 * One piece of the code sent for a check, and where it starts in that code.
 */
export interface ICodeSegment {
  /**
   * The notebook index of the cell.
   */
  cellIndex: number;

  /**
   * `solution` or `test`.
   */
  kind: 'solution' | 'test';

  /**
   * The 1-based line of the combined code where this cell starts.
   */
  firstLine: number;

  /**
   * The cell's source.
   */
  source: string;
}

/**
 * The code a check sends: the solution cells' sources, then the test cell's.
 */
export interface ICheckCode {
  code: string;
  segments: ICodeSegment[];
}

/**
 * Build the code of one check: the exercise's solution cells as they are in the editor now,
 * then its test cell, in one piece.
 */
export function buildCheckCode(
  cells: ReadonlyArray<ICellLike>,
  exercise: IExerciseCells
): ICheckCode {
  const parts: { cellIndex: number; kind: 'solution' | 'test' }[] = [
    ...exercise.solutionIndices.map(cellIndex => ({
      cellIndex,
      kind: 'solution' as const
    })),
    { cellIndex: exercise.testIndex, kind: 'test' as const }
  ];
  const segments: ICodeSegment[] = [];
  const chunks: string[] = [];
  let line = 1;
  for (const part of parts) {
    const source = cellSource(cells[part.cellIndex]);
    segments.push({ ...part, firstLine: line, source });
    chunks.push(source);
    // Each chunk is followed by one '\n' separator.
    line += source.split('\n').length;
  }
  return { code: chunks.join('\n'), segments };
}

/**
 * Which cell, and which line of it, a line of the combined check code comes from.
 */
export function locateLine(
  segments: ReadonlyArray<ICodeSegment>,
  line: number
): { segment: ICodeSegment; line: number; text: string } | null {
  for (let i = segments.length - 1; i >= 0; i--) {
    const segment = segments[i];
    if (line >= segment.firstLine) {
      const inCell = line - segment.firstLine + 1;
      const lines = segment.source.split('\n');
      if (inCell > lines.length) {
        return null;
      }
      return { segment, line: inCell, text: lines[inCell - 1] };
    }
  }
  return null;
}

/**
 * The code cells above `before` that define `name` at their top level: an import (`import
 * numpy as np`, `from math import pi`), an assignment, a `def` or a `class`. The checks run
 * only the exercise's own cells, so a name from a setup cell exists only once that cell ran.
 */
export function cellsDefining(
  cells: ReadonlyArray<ICellLike>,
  name: string,
  before: number
): number[] {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    return [];
  }
  const n = name;
  const patterns = [
    new RegExp(`^import\\s+(.*,\\s*)?${n}\\s*(,|$)`),
    new RegExp(`^import\\s+.*\\bas\\s+${n}\\b`),
    new RegExp(`^from\\s+\\S+\\s+import\\s+.*\\b${n}\\b`),
    new RegExp(`^(def|class)\\s+${n}\\b`),
    new RegExp(`^${n}\\s*(,[^=]*)?=(?!=)`)
  ];
  const found: number[] = [];
  cells.forEach((cell, index) => {
    if (index >= before || cell.cell_type !== 'code') {
      return;
    }
    const lines = cellSource(cell).split('\n');
    if (lines.some(line => patterns.some(p => p.test(line)))) {
      found.push(index);
    }
  });
  return found;
}
