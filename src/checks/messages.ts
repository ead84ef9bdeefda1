/**
 * What the checks say to the student in the browser's own words: the messages of the
 * browser's statuses, and the line that ends "Check all".
 */

import { ICheckOutcome } from '../tokens';

/**
 * Messages shown for the browser's own statuses.
 */
export namespace CheckMessages {
  export const noKernel = 'Start a kernel to check your work.';
  export const busy =
    'The kernel is busy; the check will run as soon as it is idle.';
  export const queued = 'Waiting for the previous check to finish…';
  export const connecting =
    'Waiting for the kernel to start or reconnect; the check will run once it is ready.';
  export const running = 'Checking…';
  export const dead =
    'The kernel stopped during the check (it died, restarted or was changed). Run the cells above again, then check again.';
  export const deadBefore =
    'The kernel is dead. Restart it, run the cells above, then check again.';
  export const aborted =
    'The kernel skipped the check because an earlier cell failed. Check again.';
  export const noResult =
    'The test cell ran but showed no check result. Is mlmath_lab installed and up to date in this kernel?';
  export const interrupted = 'The check was interrupted.';
  export const missingLibrary =
    "mlmath_lab is not installed in this notebook's kernel. Pick the kernel of the course environment (Kernel → Change Kernel…).";

  export function timeout(seconds: number): string {
    return `No result after ${seconds} s. Your code may be stuck in a loop, or be very slow: interrupt the kernel, fix it, and check again.`;
  }

  export function notInCourse(id: string): string {
    return `This notebook has no exercise "${id}": is it part of the course?`;
  }

  export function notSaved(reason: string): string {
    return `Not recorded in your progress: the notebook could not be saved (${reason}). Save it, then check again.`;
  }

  export const unsaved =
    'Not recorded in your progress: the notebook has unsaved changes. Save it, then check again (or turn on "Save before checking" in the settings).';
}

/**
 * The line that ends "Check all": how many exercises passed, fail, are not implemented yet,
 * and why it stopped early, if it did.
 */
export function checkAllSummary(
  outcomes: ReadonlyArray<ICheckOutcome>,
  exercises: number
): { message: string; allPassed: boolean } {
  const count = (statuses: string[]) =>
    outcomes.filter(o => statuses.includes(o.status)).length;
  const passed = count(['passed']);
  const parts = [`${passed} of ${exercises} passed`];
  const failing = count(['failed', 'error']);
  if (failing) {
    parts.push(`${failing} not passing`);
  }
  const stubs = count(['not_implemented']);
  if (stubs) {
    parts.push(`${stubs} not implemented yet`);
  }
  const other = outcomes.length - passed - failing - stubs;
  if (other) {
    parts.push(`${other} without a result`);
  }
  const last = outcomes[outcomes.length - 1];
  let message = `Check all: ${parts.join(' · ')}`;
  if (outcomes.length < exercises && last) {
    message += `. Stopped after ${outcomes.length}: ${last.message}`;
  }
  return { message, allPassed: passed === exercises && exercises > 0 };
}
