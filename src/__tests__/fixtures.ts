/**
 * A roadmap and a progress as the server routes return them (the contract of
 * `GET /mlmath-lab/roadmap` and `GET /mlmath-lab/progress`).
 */

import { ServerConnection } from '@jupyterlab/services';

import { IExerciseProgress, IProgress, IRoadmap } from '../tokens';

export function makeRoadmap(): IRoadmap {
  const exercise = (assignment: string, gradeId: string, title: string) => ({
    id: `${assignment}/${gradeId}`,
    title,
    grade_id: gradeId,
    notebook:
      assignment === '03-probability' ? null : `${assignment}/notebook.ipynb`
  });
  return {
    title: 'Mathematics of Machine Learning',
    manifest: 'course.yaml',
    phases: [
      {
        id: 'foundations',
        title: 'Phase 1 — Foundations',
        summary: 'Linear algebra and calculus.',
        modules: [
          {
            id: 'linear-algebra',
            title: 'Linear algebra',
            summary: 'Vectors and matrices.',
            readings: [
              {
                id: 'mml-ch2',
                kind: 'reading',
                title: 'MML chapter 2',
                url: 'https://mml-book.github.io/',
                note: null
              },
              {
                id: '3b1b',
                kind: 'video',
                title: 'Essence of linear algebra',
                url: 'https://www.3blue1brown.com/topics/linear-algebra',
                note: 'chapters 1–9'
              }
            ],
            checkpoints: [
              { id: 'dot-geometry', text: 'Explain u·v = |u||v|cos θ.' }
            ],
            assignments: [
              {
                id: '01-linear-algebra',
                title: '01 — NumPy and linear algebra',
                status: 'workspace',
                notebooks: [
                  {
                    name: 'linear_algebra.ipynb',
                    path: '01-linear-algebra/linear_algebra.ipynb'
                  }
                ],
                exercises: [
                  exercise(
                    '01-linear-algebra',
                    'dot_loop',
                    'Dot product by loop'
                  ),
                  exercise('01-linear-algebra', 'softmax', 'Stable softmax'),
                  exercise(
                    '01-linear-algebra',
                    'kl_divergence',
                    'KL divergence'
                  )
                ]
              }
            ]
          },
          {
            id: 'calculus',
            title: 'Calculus',
            summary: 'Gradients.',
            readings: [],
            checkpoints: [],
            assignments: [
              {
                id: '02-calculus',
                title: '02 — Gradients',
                status: 'fetched',
                notebooks: [
                  { name: 'calculus.ipynb', path: '02-calculus/calculus.ipynb' }
                ],
                exercises: [
                  exercise('02-calculus', 'grad_check', 'Gradient check'),
                  exercise('02-calculus', 'jacobian', 'Jacobian')
                ]
              }
            ]
          }
        ]
      },
      {
        id: 'models',
        title: 'Phase 2 — Models',
        summary: 'Probability.',
        modules: [
          {
            id: 'probability',
            title: 'Probability',
            summary: 'Distributions.',
            readings: [],
            checkpoints: [{ id: 'bayes', text: 'State Bayes’ rule.' }],
            assignments: [
              {
                id: '03-probability',
                title: '03 — Probability',
                status: 'not_fetched',
                notebooks: [{ name: 'probability.ipynb', path: null }],
                exercises: [exercise('03-probability', 'gaussian', 'Gaussian')]
              }
            ]
          }
        ]
      }
    ],
    paths: [
      {
        id: 'beginner',
        title: 'Beginner',
        description: 'Everything in order.',
        modules: ['linear-algebra', 'calculus', 'probability'],
        exercises: [
          '01-linear-algebra/dot_loop',
          '01-linear-algebra/softmax',
          '01-linear-algebra/kl_divergence',
          '02-calculus/grad_check',
          '02-calculus/jacobian',
          '03-probability/gaussian'
        ]
      },
      {
        id: 'researcher',
        title: 'Researcher',
        description: 'Calculus first, no probability.',
        modules: ['calculus', 'linear-algebra'],
        // a selection: the loop and KL are left out (optional on this path)
        exercises: [
          '01-linear-algebra/softmax',
          '02-calculus/grad_check',
          '02-calculus/jacobian'
        ]
      }
    ]
  };
}

export function entry(
  status: 'passed' | 'failed',
  attempts = 1
): IExerciseProgress {
  return {
    status,
    attempts,
    last_checked: '2025-01-01T10:00:00+00:00',
    passed_at: status === 'passed' ? '2025-01-01T10:00:00+00:00' : null,
    summary: status === 'passed' ? 'passed all 7 cases' : 'failed 1 of 7 cases',
    hint: null,
    misconception: null,
    duration_ms: 4
  };
}

export function makeProgress(): IProgress {
  return {
    version: 1,
    exercises: {
      '01-linear-algebra/dot_loop': entry('passed', 2),
      '01-linear-algebra/softmax': entry('failed', 3),
      '02-calculus/grad_check': entry('passed')
    },
    checklist: { 'mml-ch2': { done: true, at: '2025-01-01T09:00:00+00:00' } }
  };
}

/**
 * The error `requestAPI` throws for a 4xx/5xx reply.
 */
export function responseError(
  status: number,
  message: string
): ServerConnection.ResponseError {
  return new ServerConnection.ResponseError(
    { status, statusText: message } as Response,
    message
  );
}
