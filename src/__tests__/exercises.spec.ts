/**
 * Finding exercises in a notebook, with the real 01 notebook's cell structure.
 */

import {
  buildCheckCode,
  cellsDefining,
  cellSource,
  exerciseAt,
  findExercises,
  ICellLike,
  locateLine,
  parseExerciseId
} from '../notebook/exercises';
import { loadNotebook, releaseVersion } from './utils';

const GRADE_IDS = [
  'dot_loop',
  'matmul_loop',
  'matmul_vectorized',
  'broadcast_shape',
  'pairwise_sq_dists',
  'softmax',
  'cross_entropy',
  'kl_divergence',
  'rank_k_approx'
];

describe('parseExerciseId', () => {
  it('reads the id of a check call', () => {
    expect(
      parseExerciseId(
        'from mlmath_lab.checks import check\ncheck("01-linear-algebra/softmax", softmax)\n'
      )
    ).toBe('01-linear-algebra/softmax');
    expect(parseExerciseId("check('a/b', f)")).toBe('a/b');
    expect(parseExerciseId('result = checks.check("a/b", f)')).toBe('a/b');
  });

  it('reads a call split over lines', () => {
    expect(parseExerciseId('check(\n    "a/b",\n    f,\n)')).toBe('a/b');
  });

  it('ignores comments, other functions and a missing call', () => {
    expect(parseExerciseId('# check("a/b", f)\nprint(1)')).toBeNull();
    expect(parseExerciseId('run_check("a/b", f)')).toBeNull();
    expect(parseExerciseId('assert f(1) == 2')).toBeNull();
  });
});

describe('findExercises on the 01 notebook', () => {
  const nb = loadNotebook();

  it('finds the nine exercises, in order, with their ids and grade ids', () => {
    const exercises = findExercises(nb.cells);
    expect(exercises.map(e => e.gradeId)).toEqual(GRADE_IDS);
    expect(exercises.map(e => e.id)).toEqual(
      GRADE_IDS.map(id => `01-linear-algebra/${id}`)
    );
  });

  it('pairs each test cell with the solution cell before it', () => {
    for (const exercise of findExercises(nb.cells)) {
      const test = nb.cells[exercise.testIndex];
      expect(test.metadata?.nbgrader?.grade).toBe(true);
      expect(test.metadata?.nbgrader?.grade_id).toBe(exercise.gradeId);
      expect(exercise.solutionIndices).toHaveLength(1);
      const solution = nb.cells[exercise.solutionIndices[0]];
      expect(solution.metadata?.nbgrader?.solution).toBe(true);
      expect(solution.metadata?.nbgrader?.grade_id).toBe(
        `${exercise.gradeId}_solution`
      );
      // The button goes on the (last) solution cell.
      expect(exercise.buttonIndex).toBe(exercise.solutionIndices[0]);
      expect(exercise.testIndex).toBeGreaterThan(exercise.buttonIndex);
    }
  });

  it('finds the same exercises in the release version', () => {
    const release = releaseVersion(nb);
    const stub = release.cells[findExercises(release.cells)[0].buttonIndex];
    expect(cellSource(stub)).toContain('raise NotImplementedError()');
    expect(findExercises(release.cells)).toEqual(findExercises(nb.cells));
  });

  it('does not count markdown, ungraded code or solution cells as tests', () => {
    const exercises = findExercises(nb.cells);
    const tests = new Set(exercises.map(e => e.testIndex));
    nb.cells.forEach((cell, index) => {
      if (!tests.has(index)) {
        expect(
          cell.cell_type === 'code' &&
            cell.metadata?.nbgrader?.grade === true &&
            !cell.metadata?.nbgrader?.solution &&
            parseExerciseId(cellSource(cell)) !== null
        ).toBe(false);
      }
    });
  });
});

describe('findExercises on edge cases', () => {
  const code = (
    source: string,
    nbgrader?: Record<string, unknown>
  ): ICellLike => ({
    cell_type: 'code',
    source,
    metadata: nbgrader ? { nbgrader } : {}
  });
  const solution = (source: string) =>
    code(source, { solution: true, grade: false });
  const test = (source: string, gradeId: string) =>
    code(source, { grade: true, solution: false, grade_id: gradeId });

  it('takes every solution cell since the previous graded test cell', () => {
    const cells = [
      solution('def a(): ...'),
      test('check("x/a", a)', 'a'),
      solution('import numpy as np'),
      code('print("not graded")'),
      solution('def b(): ...'),
      test('check("x/b", b)', 'b')
    ];
    const [a, b] = findExercises(cells);
    expect(a.solutionIndices).toEqual([0]);
    expect(b.solutionIndices).toEqual([2, 4]);
    expect(b.buttonIndex).toBe(4);
  });

  it('lets a graded test cell without a check close the group', () => {
    const cells = [
      solution('def a(): ...'),
      test('assert a() == 1', 'a'),
      solution('def b(): ...'),
      test('check("x/b", b)', 'b')
    ];
    const exercises = findExercises(cells);
    expect(exercises).toHaveLength(1);
    expect(exercises[0].solutionIndices).toEqual([2]);
  });

  it('reads the release mark of a test cell that had hidden cases', () => {
    const marked = test('check("x/a", a)', 'a');
    marked.metadata = {
      ...marked.metadata,
      mlmath_lab: { hidden_cases: true }
    };
    const [a, b] = findExercises([
      solution('def a(): ...'),
      marked,
      solution('def b(): ...'),
      test('check("x/b", b)', 'b')
    ]);
    expect([a.hiddenCases, b.hiddenCases]).toEqual([true, false]);
  });

  it('puts the button on the test cell when there is no solution cell', () => {
    const [only] = findExercises([test('check("x/a", 42)', 'a')]);
    expect(only.solutionIndices).toEqual([]);
    expect(only.buttonIndex).toBe(0);
  });

  it('ignores a graded solution cell and a markdown cell with a check', () => {
    const cells: ICellLike[] = [
      code('check("x/a", a)', { grade: true, solution: true }),
      { cell_type: 'markdown', source: 'check("x/a", a)', metadata: {} }
    ];
    expect(findExercises(cells)).toEqual([]);
  });

  it('finds the exercise of a cell', () => {
    const cells = [
      code('import numpy'),
      solution('def a(): ...'),
      test('check("x/a", a)', 'a'),
      { cell_type: 'markdown', source: '## b', metadata: {} },
      solution('def b(): ...'),
      test('check("x/b", b)', 'b')
    ];
    const exercises = findExercises(cells);
    expect(exerciseAt(exercises, 0)).toBeNull();
    expect(exerciseAt(exercises, 1)?.id).toBe('x/a');
    expect(exerciseAt(exercises, 2)?.id).toBe('x/a');
    expect(exerciseAt(exercises, 3)).toBeNull();
    expect(exerciseAt(exercises, 4)?.id).toBe('x/b');
    expect(exerciseAt(exercises, 5)?.id).toBe('x/b');
  });
});

describe('buildCheckCode', () => {
  it('joins the solution cells and the test cell, and maps lines back', () => {
    const nb = loadNotebook();
    const softmax = findExercises(nb.cells).find(
      e => e.id === '01-linear-algebra/softmax'
    )!;
    const { code, segments } = buildCheckCode(nb.cells, softmax);
    const solutionSource = cellSource(nb.cells[softmax.solutionIndices[0]]);
    const testSource = cellSource(nb.cells[softmax.testIndex]);
    expect(code).toBe(`${solutionSource}\n${testSource}`);
    expect(segments.map(s => s.kind)).toEqual(['solution', 'test']);

    const testFirstLine = solutionSource.split('\n').length + 1;
    expect(segments[1].firstLine).toBe(testFirstLine);
    expect(code.split('\n')[testFirstLine - 1]).toBe(testSource.split('\n')[0]);
    expect(locateLine(segments, 1)).toEqual({
      segment: segments[0],
      line: 1,
      text: 'def softmax(z, axis=-1):'
    });
    expect(locateLine(segments, testFirstLine + 1)?.text).toBe(
      'check("01-linear-algebra/softmax", softmax)'
    );
    expect(locateLine(segments, 10_000)).toBeNull();
  });
});

describe('cellsDefining', () => {
  const code = (source: string): ICellLike => ({
    cell_type: 'code',
    source,
    metadata: {}
  });

  it('finds the setup cells above an exercise that define a name', () => {
    const cells = [
      code('import matplotlib.pyplot as plt\nimport numpy as np'),
      { cell_type: 'markdown', source: 'np = numbers', metadata: {} },
      code('from math import pi, tau\nrng = np.random.default_rng(0)'),
      code('def helper(x):\n    np = 1\n    return x'),
      code('import numpy\nclass Layer:\n    pass'),
      code('def dot_loop(u, v):\n    return np.dot(u, v)'),
      code('np = None')
    ];
    expect(cellsDefining(cells, 'np', 5)).toEqual([0]);
    expect(cellsDefining(cells, 'plt', 5)).toEqual([0]);
    expect(cellsDefining(cells, 'tau', 5)).toEqual([2]);
    expect(cellsDefining(cells, 'rng', 5)).toEqual([2]);
    expect(cellsDefining(cells, 'numpy', 5)).toEqual([4]);
    expect(cellsDefining(cells, 'Layer', 5)).toEqual([4]);
    expect(cellsDefining(cells, 'helper', 5)).toEqual([3]);
    // not at the top level, not above the exercise, or not a name at all
    expect(cellsDefining(cells, 'x', 5)).toEqual([]);
    expect(cellsDefining(cells, 'np', 0)).toEqual([]);
    expect(cellsDefining(cells, 'n.p', 5)).toEqual([]);
  });

  it('finds the imports cell of the 01 notebook for np', () => {
    const nb = releaseVersion(loadNotebook());
    const first = findExercises(nb.cells)[0];
    const defining = cellsDefining(nb.cells, 'np', first.solutionIndices[0]);
    expect(defining).toHaveLength(1);
    expect(cellSource(nb.cells[defining[0]])).toContain('import numpy as np');
  });
});
