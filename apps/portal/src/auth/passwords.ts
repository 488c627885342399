// Passwords are hashed with argon2id (memory-hard; @node-rs/argon2 ships prebuilt binaries, so
// installing needs no compiler or download step). Parameters: OWASP's 19 MiB, 2 passes.
import { hash, verify } from '@node-rs/argon2';

const OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/** A Japanese reason when the password is too weak, else undefined. */
export function passwordProblem(password: string): string | undefined {
  if (password.length < 10) return 'パスワードは10文字以上で入力してください。';
  if (password.length > 128) return 'パスワードは128文字以内で入力してください。';
  if (!/[A-Za-z]/.test(password) || !/[0-9]/.test(password)) {
    return 'パスワードには英字と数字の両方を含めてください。';
  }
  return undefined;
}
