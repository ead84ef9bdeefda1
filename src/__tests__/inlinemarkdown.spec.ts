/**
 * A hint's inline markdown becomes elements; nothing in it becomes markup.
 */

import { inlineMarkdown } from '../inlinemarkdown';

function html(text: string): string {
  const div = document.createElement('div');
  div.append(...inlineMarkdown(text));
  return div.innerHTML;
}

describe('inlineMarkdown', () => {
  it('renders code, bold, emphasis and links', () => {
    expect(html('Use `np.max(x, axis=-1, keepdims=True)` first')).toBe(
      'Use <code>np.max(x, axis=-1, keepdims=True)</code> first'
    );
    expect(html('**never** divide by *n*, or _n_')).toBe(
      '<strong>never</strong> divide by <em>n</em>, or <em>n</em>'
    );
    expect(html('see [the guide](https://numpy.org/doc/) now')).toBe(
      'see <a href="https://numpy.org/doc/" target="_blank" rel="noopener noreferrer">the guide</a> now'
    );
  });

  it('keeps text as written where there is no markdown', () => {
    for (const text of [
      'a * b * c',
      'snake_case_names stay',
      'x ** 2 and 2 ** x',
      'an unclosed `tick',
      ''
    ]) {
      const div = document.createElement('div');
      div.append(...inlineMarkdown(text));
      expect(div.textContent).toBe(text);
      expect(div.children.length).toBe(0);
    }
  });

  it('never turns a hint into markup', () => {
    const text = '<img src=x onerror=alert(1)> `<b>` [x](javascript:alert(1))';
    const div = document.createElement('div');
    div.append(...inlineMarkdown(text));
    expect(div.querySelector('img')).toBeNull();
    expect(div.querySelector('a')).toBeNull(); // only http(s) links
    expect(div.querySelector('code')?.textContent).toBe('<b>');
    expect(div.textContent).toBe(
      '<img src=x onerror=alert(1)> <b> [x](javascript:alert(1))'
    );
  });
});
