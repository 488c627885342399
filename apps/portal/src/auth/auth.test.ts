import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, type Harness, lastMailLink, startHarness } from '../testing/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const signupForm = {
  institutionCode: '0110113719',
  name: 'シカク医院',
  facilityType: 'clinic',
  email: 'Clinic@Example.jp',
  password: 'correct-horse-42',
  passwordConfirm: 'correct-horse-42',
};

describe('sign-up, verification, login', () => {
  it('shows errors next to the fields in Japanese and keeps the values', async () => {
    const client = new Client(h.app);
    await client.get('/signup');
    const response = await client.post('/signup', {
      ...signupForm,
      institutionCode: '0110113718',
      name: '<b>シカク</b>医院',
      password: 'short',
    });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('検証番号（10桁目）が一致しません');
    expect(response.body).toContain('パスワードは10文字以上');
    expect(response.body).toContain('value="0110113718"');
    expect(response.headers['content-security-policy']).toContain("script-src 'none'");
    expect(response.body).toContain('value="&lt;b&gt;シカク&lt;/b&gt;医院"');
    expect(response.body).not.toContain('value="short"');
  });

  it('refuses a facility type that does not match the code’s 点数表', async () => {
    const client = new Client(h.app);
    await client.get('/signup');
    const response = await client.post('/signup', { ...signupForm, facilityType: 'pharmacy' });
    expect(response.statusCode).toBe(400);
    expect(response.body).toMatch(/施設の種類「薬局」のコードは 4/);
  });

  it('signs up, refuses login until the email is verified, then logs in', async () => {
    const client = new Client(h.app);
    await client.get('/signup');
    expect((await client.post('/signup', signupForm)).body).toContain('確認メールを送信しました');

    await client.get('/login');
    const early = await client.post('/login', {
      email: 'clinic@example.jp',
      password: 'correct-horse-42',
    });
    expect(early.statusCode).toBe(400);
    expect(early.body).toContain('メールアドレスの確認が済んでいません');

    const link = await lastMailLink(client, 'clinic@example.jp');
    expect(link).toMatch(/^\/verify\?token=/);
    expect((await client.get(link)).body).toContain('メールアドレスを確認しました');
    expect((await client.get(link)).statusCode).toBe(400); // once only

    await client.get('/login');
    const wrong = await client.post('/login', {
      email: 'clinic@example.jp',
      password: 'wrong-horse-42',
    });
    expect(wrong.statusCode).toBe(400);
    const ok = await client.post('/login', {
      email: 'clinic@example.jp',
      password: 'correct-horse-42',
    });
    expect(ok.statusCode).toBe(303);
    expect((await client.get('/')).body).toContain('シカク医院');
  });

  it('refuses a second account for the same institution code', async () => {
    const client = new Client(h.app);
    await client.get('/signup');
    const response = await client.post('/signup', { ...signupForm, email: 'other@example.jp' });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('この医療機関コードはすでに登録されています');
  });

  it('refuses a state-changing request without the CSRF token', async () => {
    const client = new Client(h.app);
    await client.get('/login');
    const response = await client.post(
      '/login',
      { email: 'clinic@example.jp', password: 'correct-horse-42' },
      { csrf: false },
    );
    expect(response.statusCode).toBe(403);
    expect(response.body).toContain('CSRF_INVALID');
    const forged = await client.post('/login', {
      _csrf: 'forged-token',
      email: 'clinic@example.jp',
      password: 'correct-horse-42',
    });
    expect(forged.statusCode).toBe(403);
  });

  it('ends the session when it expires', async () => {
    const client = new Client(h.app);
    await client.get('/login');
    await client.post('/login', { email: 'clinic@example.jp', password: 'correct-horse-42' });
    expect((await client.get('/readers')).statusCode).toBe(200);
    h.clock.advance((h.config.sessionTtlMinutes + 1) * 60_000);
    const expired = await client.get('/readers');
    expect(expired.statusCode).toBe(303);
    expect(expired.headers.location).toBe('/login?next=%2Freaders');
  });

  it('resets a password through the emailed link, once', async () => {
    const client = new Client(h.app);
    await client.get('/password-reset');
    const unknown = await client.post('/password-reset', { email: 'nobody@example.jp' });
    const known = await client.post('/password-reset', { email: 'clinic@example.jp' });
    // The same answer either way: the page does not tell which addresses exist.
    expect(unknown.body.replace(/value="[^"]*"/g, '')).toBe(
      known.body.replace(/value="[^"]*"/g, ''),
    );
    const link = await lastMailLink(client, 'clinic@example.jp');
    expect(link).toMatch(/^\/password-reset\/confirm\?token=/);
    const token = new URL(link, 'http://x').searchParams.get('token') ?? '';
    await client.get(link);
    const done = await client.post('/password-reset/confirm', {
      token,
      password: 'new-password-77',
      passwordConfirm: 'new-password-77',
    });
    expect(done.body).toContain('パスワードを変更しました');
    const again = await client.post('/password-reset/confirm', {
      token,
      password: 'other-password-77',
      passwordConfirm: 'other-password-77',
    });
    expect(again.statusCode).toBe(400);
    await client.get('/login');
    expect(
      (await client.post('/login', { email: 'clinic@example.jp', password: 'correct-horse-42' }))
        .statusCode,
    ).toBe(400);
    expect(
      (await client.post('/login', { email: 'clinic@example.jp', password: 'new-password-77' }))
        .statusCode,
    ).toBe(303);
  });

  it('does not redirect to another site after login', async () => {
    const client = new Client(h.app);
    await client.get('/login?next=//evil.example/');
    const response = await client.post('/login', {
      email: 'clinic@example.jp',
      password: 'new-password-77',
      next: '//evil.example/',
    });
    expect(response.headers.location).toBe('/');
  });

  it.each([
    '/\\evil.example',
    '/\\/evil.example/',
    '/\t/evil.example/',
    '/\n/evil.example/',
    '/readers\\..\\evil',
  ])('refuses next=%j after login and goes home instead', async (next) => {
    const client = new Client(h.app);
    await client.get('/login');
    const response = await client.post('/login', {
      email: 'clinic@example.jp',
      password: 'new-password-77',
      next,
    });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/');
  });

  it('follows a same-site next after login', async () => {
    const client = new Client(h.app);
    await client.get('/login?next=%2Freaders');
    const response = await client.post('/login', {
      email: 'clinic@example.jp',
      password: 'new-password-77',
      next: '/readers',
    });
    expect(response.headers.location).toBe('/readers');
  });
});

describe('the development mailbox', () => {
  it('does not exist unless the config turns it on (not because SMTP_URL is unset)', async () => {
    const off = await startHarness('2021-03-01T10:00:00+09:00', { mailbox: false });
    try {
      expect(off.config.smtpUrl).toBeUndefined();
      const response = await new Client(off.app).get('/mailbox');
      expect(response.statusCode).toBe(404);
      // The sign-up notice does not point at it either.
      const client = new Client(off.app);
      await client.get('/signup');
      const signedUp = await client.post('/signup', { ...signupForm, email: 'x@example.jp' });
      expect(signedUp.statusCode).toBe(200);
      expect(signedUp.body).not.toContain('/mailbox');
      expect(signedUp.body).not.toContain('id="dev-mailbox"');
    } finally {
      await off.close();
    }
  });

  it('is labelled as a development mailbox on every page where it is on', async () => {
    for (const url of ['/login', '/signup', '/faq', '/mailbox']) {
      const page = await new Client(h.app).get(url);
      expect(page.body).toContain('id="dev-mailbox"');
      expect(page.body).toContain('開発用メールボックス');
    }
  });
});
