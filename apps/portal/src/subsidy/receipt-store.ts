// Receipts are stored as files named by their sha256 (the same file uploaded twice is kept once);
// the database keeps the name, type and size the institution gave.
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface ReceiptStore {
  put(bytes: Buffer): Promise<{ storageKey: string; sha256: string }>;
  get(storageKey: string): Promise<Buffer>;
}

export function directoryReceiptStore(dir: string): ReceiptStore {
  const pathOf = (key: string) => {
    if (!/^[0-9a-f]{64}$/.test(key)) throw new Error('bad storage key');
    return join(dir, key.slice(0, 2), key);
  };
  return {
    async put(bytes) {
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      const path = pathOf(sha256);
      await mkdir(join(dir, sha256.slice(0, 2)), { recursive: true });
      await writeFile(path, bytes);
      return { storageKey: sha256, sha256 };
    },
    get: (key) => readFile(pathOf(key)),
  };
}

/** Accepted receipt types, checked by content (magic bytes), not by the name or the browser's word. */
export function sniffReceiptType(
  bytes: Buffer,
): 'application/pdf' | 'image/png' | 'image/jpeg' | undefined {
  if (bytes.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) {
    return 'image/png';
  }
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  return undefined;
}
