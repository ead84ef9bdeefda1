/**
 * The frontend against the contracts: the JSON Schemas of mlmath_lab/formats, the one
 * definition the server, the progress store and the check library read too (pytest checks
 * the Python side against the same files). The values every frontend test is built on, and
 * what the parser makes of a kernel's result, must conform.
 */

import * as fs from 'fs';
import * as path from 'path';

import Ajv2020 from 'ajv/dist/2020';

import { parseCheckResult } from '../formats/checkresult';
import { makeProgress, makeRoadmap } from './fixtures';
import { makeResult } from './utils';

const FORMATS = path.resolve(__dirname, '../../mlmath_lab/formats');

function validator(name: string): (value: unknown) => string[] {
  const schema = JSON.parse(
    fs.readFileSync(path.join(FORMATS, `${name}.schema.json`), 'utf-8')
  );
  const validate = new Ajv2020({ allErrors: true, strict: false }).compile(
    schema
  );
  return (value: unknown) =>
    validate(value)
      ? []
      : (validate.errors ?? []).map(e => `${e.instancePath} ${e.message}`);
}

describe('the contracts (mlmath_lab/formats)', () => {
  const checkResult = validator('check-result');
  const roadmap = validator('roadmap');
  const progress = validator('progress');

  it('the roadmap and progress the tests use are what the server sends', () => {
    expect(roadmap(makeRoadmap())).toEqual([]);
    expect(progress(makeProgress())).toEqual([]);
  });

  it('the check results the tests use are what the kernel shows', () => {
    for (const status of [
      'passed',
      'failed',
      'not_implemented',
      'error'
    ] as const) {
      expect(
        checkResult(makeResult('01-linear-algebra/softmax', status))
      ).toEqual([]);
    }
  });

  it('the parser reads a conforming result as it is', () => {
    const result = makeResult('01-linear-algebra/softmax', 'failed', {
      version: 2
    });
    const parsed = parseCheckResult(JSON.parse(JSON.stringify(result)));
    expect(parsed).toEqual(result);
    expect(checkResult(parsed)).toEqual([]);
  });

  it('the parser never makes a non-conforming result out of a kernel result', () => {
    // a result from an older check library (version 1: no error per case) still parses
    // into one that conforms
    const old = makeResult('01-linear-algebra/softmax', 'failed');
    expect(checkResult(parseCheckResult(old))).toEqual([]);
    // what is not a result is not parsed into one
    for (const broken of [
      null,
      [],
      { ...old, exercise: 7 },
      { ...old, status: 'maybe' },
      { exercise: 'x' }
    ]) {
      expect(parseCheckResult(broken)).toBeNull();
    }
  });

  it('a schema can fail: a broken value is refused, naming the field', () => {
    const broken = { ...makeProgress(), version: 2 };
    expect(progress(broken)).toEqual(['/version must be equal to constant']);
    const { exercises, ...incomplete } = makeRoadmap().paths[0];
    void exercises;
    expect(
      roadmap({ ...makeRoadmap(), paths: [incomplete] }).join('\n')
    ).toContain("must have required property 'exercises'");
  });
});
