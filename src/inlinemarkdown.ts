/**
 * The inline markdown of a hint, rendered as DOM nodes: `code`, **bold**, *emphasis* and
 * [links](https://…). Built from text nodes and elements, never from HTML strings, so a
 * hint cannot inject markup; anything else is shown as written.
 */

// `code` | **bold** | *em* or _em_ (no space inside the markers, as CommonMark asks, so
// `x ** 2` and `a * b` stay as written) | [text](http(s) url)
const INLINE =
  /`([^`\n]+)`|\*\*([^\s*](?:[^*\n]*[^\s*])?)\*\*|\*([^\s*](?:[^*\n]*[^\s*])?)\*|(?<![\w])_([^\s_](?:[^_\n]*[^\s_])?)_(?![\w])|\[([^\]\n]+)\]\((https?:\/\/[^\s)]+)\)/g;

/**
 * The nodes that show ``text`` with its inline markdown.
 */
export function inlineMarkdown(text: string): Node[] {
  const nodes: Node[] = [];
  let last = 0;
  const pattern = new RegExp(INLINE.source, 'g'); // its own lastIndex
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(text)) !== null) {
    const start = match.index;
    if (start > last) {
      nodes.push(document.createTextNode(text.slice(last, start)));
    }
    const [, code, bold, star, underscore, linkText, url] = match;
    if (code !== undefined) {
      nodes.push(element('code', code));
    } else if (bold !== undefined) {
      nodes.push(element('strong', bold));
    } else if (star !== undefined || underscore !== undefined) {
      nodes.push(element('em', star ?? underscore));
    } else {
      const link = element('a', linkText);
      link.href = url;
      link.target = '_blank';
      link.rel = 'noopener noreferrer';
      nodes.push(link);
    }
    last = start + match[0].length;
  }
  if (last < text.length) {
    nodes.push(document.createTextNode(text.slice(last)));
  }
  return nodes;
}

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  text: string
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.textContent = text;
  return node;
}
