/**
 * Reading the cells of a notebook model.
 */

import { ICellLike } from './exercises';

/**
 * The cells of a notebook model, as the runner reads them.
 */
export function cellsOfModel(model: {
  cells: {
    length: number;
    get(index: number): {
      type: string;
      sharedModel: { getSource(): string };
      getMetadata(key: string): unknown;
    };
  };
}): ICellLike[] {
  const cells: ICellLike[] = [];
  for (let i = 0; i < model.cells.length; i++) {
    const cell = model.cells.get(i);
    const metadata: ICellLike['metadata'] = {};
    for (const key of ['nbgrader', 'mlmath_lab']) {
      const value = cell.getMetadata(key);
      if (value && typeof value === 'object') {
        metadata[key] = value as Record<string, unknown>;
      }
    }
    cells.push({
      cell_type: cell.type,
      source: cell.sharedModel.getSource(),
      metadata
    });
  }
  return cells;
}
