// Personal data at rest (docs/personal-data.md): the insured person's name and ID number are
// stored encrypted with AES-256-GCM, and found again through keyed hashes (blind indexes).
//
// One 32-byte data key, from DATA_KEY or a key file outside the database, is the root of three
// subkeys derived with HKDF-SHA256: one encrypts, one computes the blind indexes, one computes
// the key check value kept in the Setting table (so a node started with another key stops with
// a clear message instead of answering wrongly).
//
// Stored text format: "v1.<iv>.<ciphertext and GCM tag>", both base64url; a fresh random 96-bit
// IV per value; the field's name is the additional authenticated data, so a value cannot be
// moved to another field unnoticed.
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { isPostgresUrl, sqliteFilePath } from "../db/urls.ts";

const VERSION = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Blind indexes are HMAC-SHA256 cut to 128 bits (base64url, 22 characters). */
const INDEX_BYTES = 16;
/** Name prefixes of 1..NAME_PREFIXES characters are indexed; a longer query narrows by decrypting. */
export const NAME_PREFIXES = 4;

/** The characters of document verification codes: digits 2-9 and A-Z without I and O (32 in all). */
export const DOCUMENT_CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
export const DOCUMENT_CODE_LENGTH = 12;

export class DataKeyError extends Error {}

/** Raised when a stored value does not decrypt under this key (wrong key, or altered data). */
export class DecryptError extends DataKeyError {}

export class DataKey {
  private readonly encKey: Buffer;
  private readonly indexKey: Buffer;
  private readonly checkKey: Buffer;
  private readonly documentKey: Buffer;

  /** `source` says where the key came from, for messages (never the key itself). */
  constructor(
    master: Buffer,
    readonly source: string,
  ) {
    if (master.length !== 32)
      throw new DataKeyError(
        `The data key from ${source} must be 32 bytes (base64 of 32 random bytes), not ${master.length}.`,
      );
    const derive = (info: string) => Buffer.from(hkdfSync("sha256", master, Buffer.alloc(0), info, 32));
    this.encKey = derive("si-case-tracker/personal-data/encrypt/v1");
    this.indexKey = derive("si-case-tracker/personal-data/blind-index/v1");
    this.checkKey = derive("si-case-tracker/personal-data/key-check/v1");
    this.documentKey = derive("si-case-tracker/documents/verification-code/v1");
  }

  static generate(source: string): { key: DataKey; encoded: string } {
    const bytes = randomBytes(32);
    return { key: new DataKey(bytes, source), encoded: bytes.toString("base64") };
  }

  static fromBase64(encoded: string, source: string): DataKey {
    const text = encoded.trim();
    if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) throw new DataKeyError(`The data key from ${source} is not base64.`);
    return new DataKey(Buffer.from(text, "base64"), source);
  }

  encrypt(plain: string, field: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.encKey, iv);
    cipher.setAAD(Buffer.from(field));
    const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final(), cipher.getAuthTag()]);
    return `${VERSION}.${iv.toString("base64url")}.${body.toString("base64url")}`;
  }

  decrypt(stored: string, field: string): string {
    const parts = stored.split(".");
    if (parts.length !== 3 || parts[0] !== VERSION)
      throw new DecryptError(`A stored ${field} is not in the encrypted format.`);
    const iv = Buffer.from(parts[1], "base64url");
    const body = Buffer.from(parts[2], "base64url");
    if (iv.length !== IV_BYTES || body.length < TAG_BYTES) throw new DecryptError(`A stored ${field} is malformed.`);
    try {
      const decipher = createDecipheriv("aes-256-gcm", this.encKey, iv);
      decipher.setAAD(Buffer.from(field));
      decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
      return Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]).toString(
        "utf8",
      );
    } catch {
      throw new DecryptError(
        `A stored ${field} does not decrypt with the data key from ${this.source}: the key is not the one the data was encrypted with, or the value was altered.`,
      );
    }
  }

  /** Bytes (an attachment's content) encrypted like text: iv, ciphertext, GCM tag, with `field` as AAD. */
  encryptBytes(plain: Buffer, field: string): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.encKey, iv);
    cipher.setAAD(Buffer.from(field));
    return Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
  }

  decryptBytes(stored: Uint8Array, field: string): Buffer {
    const b = Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength);
    if (b.length < IV_BYTES + TAG_BYTES) throw new DecryptError(`A stored ${field} is malformed.`);
    try {
      const decipher = createDecipheriv("aes-256-gcm", this.encKey, b.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(field));
      decipher.setAuthTag(b.subarray(b.length - TAG_BYTES));
      return Buffer.concat([decipher.update(b.subarray(IV_BYTES, b.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new DecryptError(`A stored ${field} does not decrypt with the data key from ${this.source}.`);
    }
  }

  private hmac(domain: string, value: string): string {
    return createHmac("sha256", this.indexKey)
      .update(`${domain}\u0000${value}`)
      .digest()
      .subarray(0, INDEX_BYTES)
      .toString("base64url");
  }

  /** Blind index of an ID number (normalized: upper case, so a final x matches X). */
  idIndex(idNumber: string): string {
    return this.hmac("id", idNumber.trim().toUpperCase());
  }

  /** Blind index of a name's first `length` characters (code points). */
  namePrefixIndex(prefix: string): string {
    return this.hmac(`name${Array.from(prefix).length}`, prefix);
  }

  /** The blind indexes of a name's first 1..NAME_PREFIXES characters (null beyond its length). */
  namePrefixes(name: string): (string | null)[] {
    const chars = Array.from(name);
    return Array.from({ length: NAME_PREFIXES }, (_, i) =>
      chars.length > i ? this.namePrefixIndex(chars.slice(0, i + 1).join("")) : null,
    );
  }

  /** Whether two blind indexes are equal, in constant time. */
  static sameIndex(a: string, b: string): boolean {
    const x = Buffer.from(a);
    const y = Buffer.from(b);
    return x.length === y.length && timingSafeEqual(x, y);
  }

  /**
   * A document's verification code (docs/documents.md): HMAC-SHA256 under its own subkey of the
   * case id, the event's seq and the document kind, read as 12 characters of DOCUMENT_CODE_ALPHABET
   * (60 bits: unguessable, and easy to read aloud: no 0/O, no 1/I).
   */
  documentCode(caseId: string, seq: number, kind: string): string {
    const mac = createHmac("sha256", this.documentKey).update(`${caseId}\u0000${seq}\u0000${kind}`).digest();
    let code = "";
    // 5 bits per character, from the first 60 bits of the MAC
    let bits = 0n;
    for (let i = 0; i < 8; i++) bits = (bits << 8n) | BigInt(mac[i]);
    for (let i = 0; i < DOCUMENT_CODE_LENGTH; i++)
      code += DOCUMENT_CODE_ALPHABET[Number((bits >> BigInt(59 - 5 * i)) & 31n)];
    return code;
  }

  /** The value kept in Setting "dataKeyCheck": tells whether a key is the database's, reveals nothing of it. */
  checkValue(): string {
    return createHmac("sha256", this.checkKey).update("data-key-check").digest("base64url");
  }

  /** The columns a case row stores for its insured person. */
  caseColumns(insured: { name: string; idNumber: string }) {
    const [p1, p2, p3, p4] = this.namePrefixes(insured.name);
    return {
      insuredName: this.encrypt(insured.name, "insuredName"),
      insuredIdNumber: this.encrypt(insured.idNumber, "insuredIdNumber"),
      insuredIdIndex: this.idIndex(insured.idNumber),
      insuredNamePrefix1: p1,
      insuredNamePrefix2: p2,
      insuredNamePrefix3: p3,
      insuredNamePrefix4: p4,
    };
  }
}

export const isEncrypted = (v: string) => v.startsWith(`${VERSION}.`);

/** Where the key file is when DATA_KEY_FILE is not set: beside the SQLite file, or ./data/data.key. */
export function defaultKeyFile(databaseUrl: string): string {
  if (!isPostgresUrl(databaseUrl))
    return path.join(path.dirname(path.resolve(sqliteFilePath(databaseUrl))), "data.key");
  return path.resolve("data", "data.key");
}

/** Reads a key file, refusing one that others can read. */
export function readKeyFile(file: string): DataKey {
  const stat = fs.statSync(file);
  if (process.platform !== "win32" && (stat.mode & 0o077) !== 0) {
    throw new DataKeyError(
      `The data key file ${file} is readable by other users (mode ${(stat.mode & 0o777).toString(8)}): chmod 600 it.`,
    );
  }
  return DataKey.fromBase64(fs.readFileSync(file, "utf8"), file);
}

/**
 * Reads the key file, or creates it (mode 0600, race-safe: written aside, then linked into place,
 * so two processes starting together end up with the same key).
 */
export function readOrCreateKeyFile(file: string): { key: DataKey; created: boolean } {
  if (fs.existsSync(file)) return { key: readKeyFile(file), created: false };
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const { encoded } = DataKey.generate(file);
  const aside = `${file}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  fs.writeFileSync(aside, `${encoded}\n`, { mode: 0o600, flag: "wx" });
  try {
    fs.linkSync(aside, file);
    return { key: readKeyFile(file), created: true };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    return { key: readKeyFile(file), created: false };
  } finally {
    fs.rmSync(aside, { force: true });
  }
}

export interface DataKeySettings {
  DATA_KEY?: string;
  DATA_KEY_FILE?: string;
  DATABASE_URL: string;
}

/** The service's data key: DATA_KEY, else the key file (created on first start). */
export function loadDataKey(settings: DataKeySettings): { key: DataKey; created?: string } {
  if (settings.DATA_KEY) return { key: DataKey.fromBase64(settings.DATA_KEY, "DATA_KEY") };
  const file = path.resolve(settings.DATA_KEY_FILE ?? defaultKeyFile(settings.DATABASE_URL));
  const { key, created } = readOrCreateKeyFile(file);
  return { key, created: created ? file : undefined };
}
