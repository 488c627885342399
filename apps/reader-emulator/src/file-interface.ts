import { createHash } from 'node:crypto';
import { type FSWatcher, watch } from 'node:fs';
import { access, mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '@shikaku/core/clock';
import {
  buildErrorResponse,
  oqsXml,
  processExecutionTime,
  readSearchRequest,
  REFERENCE_CLASSIFICATION,
} from '@shikaku/core/oqs-message';
import { readForm, SEARCH_RESPONSE } from '@shikaku/core/oqs-schema';
import { decodeOqsXml, parseOqsXml } from '@shikaku/core/oqs-xml';
import type { Logger } from '@shikaku/platform/logger';
import type { CardConfirmation } from './card-confirmation.js';
import type { EligibilityClient } from './eligibility-client.js';
import { faceConfirmationMessage } from './face-result.js';

/**
 * The terminal's file interface (資格確認端末 ⇄ レセプトコンピュータ): a receipt computer writes
 * `OQSsiquc01req_<id>.xml` into the request folder; the terminal asks eligibility-api's spec
 * search and writes `OQSsiquc01res_<id>.xml` into the response folder. Reader confirmations are
 * written as `OQSsiquc01res_face_<institution code><20 hex>_<YYYYMMDDHHmmss>.xml`, the real
 * terminal's pattern: public clients pick face files up by `^OQSsiquc01res_face_.+_(\d{14})\.xml$`
 * (docs/oqs-public-sources.md).
 *
 * Each request is answered once, across restarts: the response file is the record that it was
 * answered, written atomically (temporary name, then rename). A malformed request gets an error
 * response in the spec shape; nothing in a request file can stop the watcher.
 */
export const REQUEST_FILE = /^OQSsiquc01req_(.+)\.xml$/;
/** A search request is a few hundred bytes; anything this large is not one. */
export const MAX_REQUEST_BYTES = 1024 * 1024;

export interface FileInterfaceOptions {
  requestDir: string;
  responseDir: string;
  /** The terminal's institution, for error answers to requests that do not name one. */
  medicalInstitutionCode: string;
  eligibility: EligibilityClient;
  clock: Clock;
  logger?: Logger;
  /** Fallback polling interval; change events from the folder trigger a scan sooner. */
  pollMs?: number;
  /** A request file is read once it has not changed for this long (writers may still write). */
  settleMs?: number;
}

export interface ScanReport {
  answered: string[];
  errors: string[];
}

/** What public clients match face files by: anything, then `_` and a 14-digit JST time. */
export const FACE_FILE = /^OQSsiquc01res_face_.+_(\d{14})\.xml$/i;

/**
 * A face file's name: the institution code, 20 hex characters unique to this terminal's
 * confirmation (several can share a second), and the JST time to the second.
 */
export function faceFileName(
  institutionCode: string,
  at: Date,
  sequence: number,
  terminal: string,
): string {
  const unique = createHash('sha256')
    .update(`${terminal}:${at.toISOString()}:${sequence}`)
    .digest('hex')
    .slice(0, 20);
  return `OQSsiquc01res_face_${institutionCode}${unique}_${processExecutionTime(at)}.xml`;
}

export function responseFileName(requestFile: string): string | undefined {
  const match = REQUEST_FILE.exec(requestFile);
  return match ? `OQSsiquc01res_${match[1]}.xml` : undefined;
}

export class FileInterface {
  private timer: NodeJS.Timeout | undefined;
  private watcher: FSWatcher | undefined;
  private scanning: Promise<ScanReport> | undefined;
  private rescan = false;
  private stopped = false;
  /** Files whose answer failed (unreadable, folder gone): logged once, retried on each poll. */
  private readonly failing = new Set<string>();
  private faceSequence = 0;

  constructor(private readonly options: FileInterfaceOptions) {}

  get folders(): { requestDir: string; responseDir: string } {
    return { requestDir: this.options.requestDir, responseDir: this.options.responseDir };
  }

  async start(): Promise<void> {
    await mkdir(this.options.requestDir, { recursive: true });
    await mkdir(this.options.responseDir, { recursive: true });
    this.stopped = false;
    const trigger = () => {
      if (!this.stopped) void this.scan().catch(() => undefined);
    };
    try {
      this.watcher = watch(this.options.requestDir, trigger);
      this.watcher.on('error', () => this.watcher?.close());
    } catch {
      // Some file systems cannot be watched; polling still answers.
    }
    this.timer = setInterval(trigger, this.options.pollMs ?? 500);
    this.timer.unref();
    trigger();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.watcher?.close();
    await this.scanning;
  }

  /** One pass over the request folder; overlapping calls share (and repeat) one pass. */
  scan(): Promise<ScanReport> {
    if (this.scanning) {
      this.rescan = true;
      return this.scanning;
    }
    this.scanning = (async () => {
      const report: ScanReport = { answered: [], errors: [] };
      try {
        do {
          this.rescan = false;
          await this.scanPass(report);
        } while (this.rescan);
      } finally {
        // Cleared in the same tick as the last rescan check, so no trigger is lost in between.
        this.scanning = undefined;
      }
      return report;
    })();
    return this.scanning;
  }

  private async scanPass(report: ScanReport): Promise<void> {
    const names = (await readdir(this.options.requestDir)).filter((n) => REQUEST_FILE.test(n));
    names.sort();
    for (const name of names) {
      try {
        if (await this.answer(name)) report.answered.push(name);
        this.failing.delete(name);
      } catch (error) {
        report.errors.push(name);
        if (!this.failing.has(name)) {
          this.failing.add(name);
          this.options.logger?.error({ err: error, file: name }, 'request file not answered');
        }
      }
    }
  }

  /** Answers one request file unless it was answered before or is still being written. */
  private async answer(name: string): Promise<boolean> {
    const responseName = responseFileName(name)!;
    const responsePath = join(this.options.responseDir, responseName);
    if (await exists(responsePath)) return false;
    const requestPath = join(this.options.requestDir, name);
    const info = await stat(requestPath);
    const settleMs = this.options.settleMs ?? 200;
    // File times are real time, whatever the (possibly as-of) clock says; the next poll retries.
    if (settleMs > 0 && Date.now() - info.mtimeMs < settleMs) return false;
    const xml =
      info.size > MAX_REQUEST_BYTES
        ? this.errorXml(
            'PAYLOAD_TOO_LARGE',
            `the request file is larger than ${MAX_REQUEST_BYTES} bytes`,
          )
        : await this.respond(await readFile(requestPath));
    await writeAtomically(responsePath, xml);
    this.options.logger?.info({ file: name, response: responseName }, 'request file answered');
    return true;
  }

  /** The spec error answer: full header, SegmentOfResult 9, ProcessingResultStatus 2. */
  private errorXml(code: string, message: string, institution?: string, date = ''): string {
    return oqsXml(
      SEARCH_RESPONSE,
      buildErrorResponse(
        {
          at: this.options.clock.now(),
          confirmationDate: date,
          medicalInstitutionCode: institution ?? this.options.medicalInstitutionCode,
          referenceClassification: REFERENCE_CLASSIFICATION.insuranceCardNumbers,
        },
        code,
        message,
      ),
    );
  }

  private async respond(bytes: Buffer): Promise<string> {
    const error = this.errorXml.bind(this);
    let text: string;
    try {
      text = decodeOqsXml(bytes);
    } catch {
      return error('MALFORMED_MESSAGE', 'the file is not text in its declared encoding');
    }
    const parsed = parseOqsXml(text);
    if (!parsed.ok) return error('MALFORMED_MESSAGE', `line ${parsed.line}: ${parsed.message}`);
    const request = readSearchRequest(parsed.value);
    if (!request.ok) {
      const { code, field, message } = request.problem;
      return error(code, `${field}: ${message}`);
    }
    const answer = await this.options.eligibility.search(parsed.value);
    if (!answer.ok) {
      return error(
        answer.code,
        answer.message,
        request.value.medicalInstitutionCode,
        request.value.confirmationDate,
      );
    }
    // Written again through the schema: the answer's order and shape are the spec's either way.
    const message = readForm(SEARCH_RESPONSE, answer.value.XmlMsg);
    if (!message) return error('UPSTREAM_MALFORMED', 'eligibility-api answered no XmlMsg');
    return oqsXml(SEARCH_RESPONSE, { XmlMsg: message });
  }

  /** Writes a reader confirmation for the receipt computer. Returns the file name. */
  async writeFaceConfirmation(confirmation: CardConfirmation, at: Date): Promise<string> {
    const message = faceConfirmationMessage(confirmation, {
      at,
      medicalInstitutionCode: this.options.medicalInstitutionCode,
    });
    this.faceSequence += 1;
    const name = faceFileName(
      this.options.medicalInstitutionCode,
      at,
      this.faceSequence,
      this.options.responseDir,
    );
    await mkdir(this.options.responseDir, { recursive: true });
    await writeAtomically(join(this.options.responseDir, name), oqsXml(SEARCH_RESPONSE, message));
    return name;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

async function writeAtomically(path: string, content: string): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, content, 'utf8');
  await rename(temporary, path);
}
