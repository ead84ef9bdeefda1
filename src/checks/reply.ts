/**
 * What a finished check request means: the kernel's result, the student's own exception
 * raised before the check could run (located in their cell), or why there is no result.
 */

import { KernelMessage } from '@jupyterlab/services';

import { ICheckCode, locateLine } from '../notebook/exercises';
import {
  CHECK_RESULT_VERSION,
  ICheckOutcome,
  ICheckResult,
  IRoadmapModel
} from '../tokens';
import { CheckMessages } from './messages';
import { makeOutcome, outcomeFromResult } from './outcome';

const ANSI = new RegExp(String.fromCharCode(27) + '\\[[0-9;]*[A-Za-z]', 'g');
const CELL_FRAME = /(Cell In\s*\[[^\]]*\]|ipykernel_\d+|<ipython-input-[^>]*>)/;
const LINE = /line (\d+)/;

/**
 * The outcome of a finished request.
 */
export function outcomeOf(
  exercise: string,
  result: ICheckResult | null,
  error: KernelMessage.IErrorMsg['content'] | null,
  replyStatus: string | undefined,
  code: ICheckCode,
  elapsedMs: number,
  roadmap: IRoadmapModel | null,
  setup: (name: string) => number[] = () => []
): ICheckOutcome {
  if (result) {
    // The outcome belongs to the exercise the button asked for, even if the test cell
    // was edited to check another one.
    const outcome = { ...outcomeFromResult(result), exercise, elapsedMs };
    // the student's function raised NameError on its cases: np used, never imported here
    const missing = result.passed ? null : missingNameIn(result);
    const definedIn = missing ? setup(missing) : [];
    return missing && definedIn.length
      ? withSetupOffer(outcome, missing, definedIn)
      : outcome;
  }
  if (error) {
    return errorOutcome(exercise, error, code, elapsedMs, roadmap, setup);
  }
  if (replyStatus === 'aborted') {
    return makeOutcome(exercise, 'error', CheckMessages.aborted, elapsedMs);
  }
  return makeOutcome(exercise, 'error', CheckMessages.noResult, elapsedMs);
}

/**
 * The outcome of an error raised before any result: the student's code (a SyntaxError, a
 * NameError at the top of their cell), an interrupt, or a missing library.
 */
function errorOutcome(
  exercise: string,
  error: KernelMessage.IErrorMsg['content'],
  code: ICheckCode,
  elapsedMs: number,
  roadmap: IRoadmapModel | null,
  setup: (name: string) => number[] = () => []
): ICheckOutcome {
  const { ename, evalue } = error;
  if (ename === 'KeyboardInterrupt') {
    return makeOutcome(exercise, 'error', CheckMessages.interrupted, elapsedMs);
  }
  if (ename === 'UnknownExercise') {
    return makeOutcome(
      exercise,
      'not-in-course',
      `The check library does not know "${exercise}": ${evalue}`,
      elapsedMs
    );
  }
  if (
    (ename === 'ModuleNotFoundError' || ename === 'ImportError') &&
    evalue.includes('mlmath_lab')
  ) {
    return makeOutcome(
      exercise,
      'error',
      CheckMessages.missingLibrary,
      elapsedMs
    );
  }
  const where = locate(error.traceback ?? [], code);
  // Python names the line of the combined code ("(3739314536.py, line 7)"); once the
  // line in the student's cell is known, that would only confuse.
  const value = where ? evalue.replace(/\s*\([^()]*, line \d+\)$/, '') : evalue;
  const lines = [`Your code raised ${ename}: ${value}`.replace(/: $/, '')];
  if (where) {
    lines.push(where);
  }
  const result: ICheckResult = {
    version: CHECK_RESULT_VERSION,
    exercise,
    title: roadmap?.exerciseTitle(exercise) ?? exercise,
    status: 'error',
    passed: false,
    summary: `your code raised ${ename} before the check could run`,
    cases: [],
    hint: hintFor(ename),
    misconception: null,
    error: lines.join('\n'),
    duration_ms: 0
  };
  const outcome: ICheckOutcome = {
    exercise,
    status: 'error',
    result,
    message: '',
    elapsedMs
  };
  const missing = ename === 'NameError' ? NAME_ERROR.exec(evalue) : null;
  const definedIn = missing ? setup(missing[1]) : [];
  return missing && definedIn.length
    ? withSetupOffer(outcome, missing[1], definedIn)
    : outcome;
}

const NAME_ERROR = /name '([A-Za-z_][A-Za-z0-9_]*)' is not defined/;

/**
 * The one name a check result's errors say is not defined (on its cases, or raised before
 * them), or null.
 */
function missingNameIn(result: ICheckResult): string | null {
  const names = new Set<string>();
  const texts: (string | null | undefined)[] = [result.error];
  for (const c of result.cases) {
    texts.push(c.error, c.message);
  }
  for (const text of texts) {
    const match = text ? NAME_ERROR.exec(text) : null;
    if (match) {
      names.add(match[1]);
    }
  }
  return names.size === 1 ? [...names][0] : null;
}

/**
 * The outcome, with the offer to run the cells above that define `name` and its hint.
 */
function withSetupOffer(
  outcome: ICheckOutcome,
  name: string,
  cells: number[]
): ICheckOutcome {
  const hint = `${name} is defined in a cell above that has not run since the kernel started: run it, then check again.`;
  return {
    ...outcome,
    result: outcome.result ? { ...outcome.result, hint } : null,
    missingName: { name, cells }
  };
}

/**
 * "in your solution cell, line 3: def f(:" from the traceback of the combined code.
 */
function locate(traceback: string[], code: ICheckCode): string | null {
  const text = traceback.join('\n').replace(ANSI, '');
  let lineNo: number | null = null;
  for (const line of text.split('\n')) {
    if (CELL_FRAME.test(line)) {
      const match = LINE.exec(line);
      if (match) {
        lineNo = Number(match[1]);
      }
    }
  }
  if (lineNo === null) {
    // A SyntaxError's evalue-less traceback still names the line.
    const match = LINE.exec(text);
    lineNo = match ? Number(match[1]) : null;
  }
  if (lineNo === null) {
    return null;
  }
  const found = locateLine(code.segments, lineNo);
  if (!found) {
    return null;
  }
  const cell =
    found.segment.kind === 'solution' ? 'your solution cell' : 'the test cell';
  return `  in ${cell}, line ${found.line}: ${found.text.trim()}`;
}

function hintFor(ename: string): string | null {
  switch (ename) {
    case 'SyntaxError':
    case 'IndentationError':
    case 'TabError':
      return 'Python could not read your cell: look at the line shown (and the one above it) for an unclosed bracket, a missing colon or a wrong indent.';
    case 'NameError':
      return 'If that name is defined in a cell above (an import such as numpy, or a helper), run that cell first: a check runs only your solution cell and the test cell.';
    default:
      return null;
  }
}
