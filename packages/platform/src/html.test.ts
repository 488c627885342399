import { describe, expect, it } from 'vitest';
import { html, htmlDocument, signOutButton, trusted } from './html.js';

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

  it('writes a page: the style as CSS (quotes kept), the title and heading escaped', () => {
    const page = htmlDocument({
      title: 'A<B | site',
      heading: 'A<B',
      style: 'body{font-family:"Noto Sans JP"}',
      top: html`<header>${signOutButton('/logout', 'tok"en', 'logout')}</header>`,
      body: html`<p>x</p>`,
      footer: '',
    }).value;
    expect(page).toContain('body{font-family:"Noto Sans JP"}');
    expect(page).toContain('<title>A&lt;B | site</title>');
    expect(page).toContain('<h1>A&lt;B</h1>');
    expect(page).toContain('value="tok&quot;en"');
    expect(page).toMatch(/<button\s+id="logout"/);
  });
});
