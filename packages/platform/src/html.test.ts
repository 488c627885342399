import { describe, expect, it } from 'vitest';
import { html, trusted } from './html.js';

describe('html', () => {
  it('escapes interpolated text, and nests Html without escaping it twice', () => {
    const name = '<script>alert("x")</script>&';
    const inner = html`<b>${name}</b>`;
    expect(html`<p>${inner}${[1, ' & ', 2]}${null}${false}</p>`.value).toBe(
      '<p><b>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;</b>1 &amp; 2</p>',
    );
  });

  it('keeps trusted markup as is', () => {
    expect(html`${trusted('<svg></svg>')}`.value).toBe('<svg></svg>');
  });
});
