/**
 * A progress bar: how many of the exercises passed.
 */

import * as React from 'react';

import { IProgressCount } from '../../tokens';

export function ProgressBar(props: {
  count: IProgressCount;
  label: string;
}): JSX.Element {
  const { passed, total } = props.count;
  const percent = total ? Math.round((100 * passed) / total) : 0;
  return (
    <div
      className="mlmath-lab-progress"
      data-passed={passed}
      data-total={total}
      role="progressbar"
      aria-label={props.label}
      aria-valuemin={0}
      aria-valuemax={total}
      aria-valuenow={passed}
      title={`${passed} of ${total} passed`}
    >
      <div
        className="mlmath-lab-progress-fill"
        style={{ width: `${percent}%` }}
      />
    </div>
  );
}
