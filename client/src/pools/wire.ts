// The connection under pg for one admin console: pg is given this stream (its `stream` option) and
// `ssl: false`, so everything that decides whom we talk to and what we accept from them is here.
//
// - TLS: the SSLRequest, the fallback of sslmode prefer, the certificate checks of verify-ca and
//   verify-full, and the CA file of sslrootcert. pg only ever sees the plain protocol.
// - Limits: the backend's messages are framed (1-byte type, 4-byte length) on the raw bytes, before
//   pg's parser sees them, because that parser buffers whatever length a header claims (a hostile
//   server can make it allocate gigabytes, or abort V8, with one header). A message, an answer (the
//   bytes between a command and its ReadyForQuery) or its row count beyond the limits below destroys
//   the connection with an AdminError of kind 'protocol'.
//
// pg calls connect(port, host) or connect(path), setNoDelay, setKeepAlive, write, end and destroy, and
// listens for 'connect', 'data', 'end', 'error' and 'close' (pg/lib/connection.js); nothing else.

import { X509Certificate } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { open } from 'node:fs/promises';
import * as net from 'node:net';
import { Duplex } from 'node:stream';
import * as tls from 'node:tls';

import { AdminError, where } from './errors';
import type { InstanceSettings } from './instance';

/**
 * What one answer of the admin console may take. PgBouncer's own answers are far below these: a row of
 * SHOW DATABASES or SHOW CLIENTS is 100 to 250 bytes; 10,000 pools or databases are about 2 MB and
 * 10,000 rows; 100,000 clients (more than one PgBouncer process serves in practice) about 25 MB. The
 * caps bound what a hostile server can make the extension host hold and parse for one answer: pg turns
 * every cell into a string and every row into an object, so 32 MiB of tiny cells costs about 200 MB
 * and 2 s of the extension host (test/pools/hostile.test.ts measures it); 64 MiB and 200,000 rows
 * cost twice that.
 */
export interface WireLimits {
  /** Largest single backend message (header included). */
  maxMessageBytes: number;
  /** Largest answer: every byte from one command to its ReadyForQuery, the login included. */
  maxAnswerBytes: number;
  /** Most DataRows in one answer. */
  maxAnswerRows: number;
  /** Most columns in a RowDescription or DataRow. */
  maxColumns: number;
}

export const ADMIN_LIMITS: Readonly<WireLimits> = Object.freeze({
  maxMessageBytes: 1024 * 1024,
  maxAnswerBytes: 32 * 1024 * 1024,
  maxAnswerRows: 100_000,
  maxColumns: 256,
});

/** A CA file is a few certificates; Mozilla's whole bundle is about 220 KB. */
const MAX_CA_FILE_BYTES = 1024 * 1024;

/** How a connected admin console is reached. */
export type Transport =
  | {
      tls: true;
      /** e.g. TLSv1.3 */
      protocol: string;
      cipher: string;
      /** What was checked: nothing (require, prefer), the chain (verify-ca, or a CA file), or chain and host. */
      verified: 'none' | 'chain' | 'chain-and-host';
    }
  | {
      tls: false;
      /** sslmode disable; prefer and PgBouncer offered no TLS; or a Unix socket (sslmode does not apply). */
      reason: 'disabled' | 'not-offered' | 'unix-socket';
    };

const SSL_REQUEST = new Uint8Array([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]); // length 8, code 80877103

const code = (letter: string): number => letter.charCodeAt(0);
const ROW_DESCRIPTION = code('T');
const DATA_ROW = code('D');
const READY_FOR_QUERY = code('Z');
const QUERY = code('Q');
/** Everything PgBouncer's admin console sends: authentication, ParameterStatus, BackendKeyData,
 * ReadyForQuery, RowDescription, DataRow, CommandComplete, ErrorResponse, NoticeResponse, EmptyQuery. */
const BACKEND_TYPES = new Set([...'RSKZTDCENI'].map(code));

/** Node's codes for a certificate it did not accept (as opposed to a handshake that broke). */
const CERTIFICATE_CODES =
  /CERT|SELF_SIGNED|ALTNAME|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|DEPTH_ZERO|HOSTNAME|KEY_USAGE|PURPOSE/;

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) {
    const mib = bytes / (1024 * 1024);
    return `${Number.isInteger(mib) ? mib : mib.toFixed(1)} MiB`;
  }
  return `${bytes.toLocaleString('en-US')} bytes`;
}

function uint32(bytes: Uint8Array, at: number): number {
  return ((bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3]) >>> 0;
}

function describeType(type: number): string {
  return type >= 0x21 && type <= 0x7e ? `'${String.fromCharCode(type)}'` : `byte 0x${type.toString(16)}`;
}

/** The certificates of a CA file (PEM), read without following it into a FIFO, a device or a huge file. */
export async function readCaFile(file: string, instance: InstanceSettings): Promise<string[]> {
  const refuse = (why: string): AdminError =>
    new AdminError('tls', `The CA file ${file} (sslrootcert of ${instance.name}) cannot be used: ${why}.`);
  let handle;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer
    handle = await open(file, fsConstants.O_RDONLY | (fsConstants.O_NONBLOCK ?? 0));
  } catch (error) {
    const errno = (error as NodeJS.ErrnoException).code;
    throw refuse(
      errno === 'ENOENT' ? 'there is no such file' : `it cannot be opened (${errno ?? String(error)})`,
    );
  }
  let text: string;
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw refuse('it is not a regular file');
    if (stat.size > MAX_CA_FILE_BYTES) throw refuse(`it is larger than ${formatBytes(MAX_CA_FILE_BYTES)}`);
    // read at most one byte more than allowed: a file that grows after the stat is still refused
    const buffer = new Uint8Array(MAX_CA_FILE_BYTES + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > MAX_CA_FILE_BYTES) throw refuse(`it is larger than ${formatBytes(MAX_CA_FILE_BYTES)}`);
    }
    text = new TextDecoder().decode(buffer.subarray(0, length));
  } catch (error) {
    if (error instanceof AdminError) throw error;
    throw refuse(`it cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  } finally {
    await handle.close().catch(() => undefined);
  }
  const certificates = text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  if (certificates.length === 0) throw refuse('it holds no PEM certificate (-----BEGIN CERTIFICATE-----)');
  for (const [index, pem] of certificates.entries()) {
    try {
      new X509Certificate(pem);
    } catch {
      throw refuse(`its certificate number ${index + 1} is not a valid X.509 certificate`);
    }
  }
  return certificates;
}

/**
 * The admin console's byte stream, as pg's Connection wants a socket to be. Created per connection;
 * `transport` says how it is reached once 'connect' was emitted.
 */
export class AdminWire extends Duplex {
  transport: Transport | null = null;
  private raw: net.Socket | null = null;
  private wire: net.Socket | null = null;
  private noDelay = true;
  private handshaking = false;

  // backend -> client: the message being read
  private readonly header = new Uint8Array(7);
  private headerHave = 0;
  private headerNeed = 5;
  private bodyLeft = 0;
  private answerBytes = 0;
  private answerRows = 0;
  /** ReadyForQuery messages the server owes: one for the login, one per query. */
  private owed = 0;

  // client -> backend: pg's messages, to count the queries
  private readonly outHeader = new Uint8Array(5);
  private outHave = 0;
  private outLeft = 0;
  private startupSent = false;

  constructor(
    private readonly instance: InstanceSettings,
    private readonly limits: Readonly<WireLimits> = ADMIN_LIMITS,
  ) {
    super({ allowHalfOpen: false });
  }

  /** pg: connect(port, host) for TCP, connect(path) for a Unix socket ("/dir/.s.PGSQL.6432"). */
  connect(portOrPath: number | string, host?: string): this {
    this.open(portOrPath, host).catch((error: unknown) => this.destroy(error as Error));
    return this;
  }

  setNoDelay(noDelay = true): this {
    this.noDelay = noDelay;
    this.raw?.setNoDelay(noDelay);
    return this;
  }

  setKeepAlive(enable = false, initialDelay = 0): this {
    this.raw?.setKeepAlive(enable, initialDelay);
    return this;
  }

  ref(): this {
    this.raw?.ref();
    return this;
  }

  unref(): this {
    this.raw?.unref();
    return this;
  }

  override _read(): void {
    this.wire?.resume();
  }

  override _write(
    chunk: Uint8Array,
    _encoding: BufferEncoding,
    callback: (error?: Error | null) => void,
  ): void {
    if (!this.wire) {
      callback(new Error('the admin console connection is not open yet'));
      return;
    }
    this.countOutbound(chunk);
    this.wire.write(chunk, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.wire?.end();
    callback();
  }

  override _destroy(error: Error | null, callback: (error: Error | null) => void): void {
    this.wire?.destroy();
    this.raw?.destroy();
    callback(error);
  }

  private async open(portOrPath: number | string, host: string | undefined): Promise<void> {
    const { sslmode, sslrootcert } = this.instance;
    // libpq ignores sslmode on Unix sockets (local, protected by file permissions); so do we
    const unix = typeof portOrPath === 'string' && host === undefined;
    const ca =
      !unix && sslmode !== 'disable' && sslrootcert
        ? await readCaFile(sslrootcert, this.instance)
        : undefined;
    if (this.destroyed) return;
    const raw = unix
      ? net.connect({ path: portOrPath as string })
      : net.connect({ port: Number(portOrPath), host });
    this.raw = raw;
    raw.setNoDelay(this.noDelay);
    raw.on('error', (error) => this.destroy(this.handshaking ? this.tlsError(error, ca) : error));
    raw.on('close', () => this.destroy());
    raw.once('connect', () => {
      if (unix || sslmode === 'disable') {
        this.ready(raw, { tls: false, reason: unix ? 'unix-socket' : 'disabled' });
        return;
      }
      raw.write(SSL_REQUEST);
      raw.once('data', (answer: Uint8Array) => this.onTlsAnswer(raw, answer, ca));
    });
  }

  private onTlsAnswer(raw: net.Socket, answer: Uint8Array, ca: string[] | undefined): void {
    const mode = this.instance.sslmode;
    const letter = String.fromCharCode(answer[0]);
    if ((letter === 'S' || letter === 'N') && answer.length > 1) {
      // bytes after the one-byte answer were not protected by TLS: someone may have injected them
      this.destroy(
        this.violation(`${answer.length - 1} bytes along with its one-byte answer to the TLS request`),
      );
      return;
    }
    if (letter === 'N') {
      if (mode === 'prefer') {
        // as libpq: TLS when offered, else plain text on the same connection, without a warning
        this.ready(raw, { tls: false, reason: 'not-offered' });
        return;
      }
      this.destroy(
        new AdminError(
          'tls',
          `${where(this.instance)} does not offer TLS, but the instance's sslmode is ${mode}. Set sslmode to disable or prefer, or enable client TLS in PgBouncer (client_tls_sslmode).`,
        ),
      );
      return;
    }
    if (letter === 'E') {
      this.destroy(
        new AdminError(
          'tls',
          `${where(this.instance)} answered the TLS request with an error: it is probably not PgBouncer, or one too old for TLS.`,
        ),
      );
      return;
    }
    if (letter !== 'S') {
      this.destroy(
        this.violation(`${describeType(answer[0])} in answer to the TLS request (expected S or N)`),
      );
      return;
    }
    const host = this.instance.host;
    const checkHost = mode === 'verify-full';
    // a CA file makes even require and prefer check the chain, as libpq does with a root certificate
    const checkChain = checkHost || mode === 'verify-ca' || ca !== undefined;
    this.handshaking = true;
    const secure = tls.connect({
      socket: raw,
      host, // what checkServerIdentity compares with, IP addresses included
      servername: net.isIP(host) ? undefined : host, // SNI takes names only (RFC 6066)
      ca, // undefined: the authorities Node.js trusts
      rejectUnauthorized: checkChain,
      checkServerIdentity: checkHost ? tls.checkServerIdentity : () => undefined,
      minVersion: 'TLSv1.2',
    });
    secure.on('error', (error) => this.destroy(this.handshaking ? this.tlsError(error, ca) : error));
    secure.on('close', () => this.destroy());
    secure.once('secureConnect', () => {
      this.handshaking = false;
      this.ready(secure, {
        tls: true,
        protocol: secure.getProtocol() ?? 'TLS',
        cipher: secure.getCipher()?.name ?? '',
        verified: checkHost ? 'chain-and-host' : checkChain ? 'chain' : 'none',
      });
    });
  }

  private ready(wire: net.Socket, transport: Transport): void {
    if (this.destroyed) return;
    this.wire = wire;
    this.transport = transport;
    wire.on('data', (chunk: Uint8Array) => {
      const violation = this.checkInbound(chunk);
      if (violation) this.destroy(violation);
      else if (!this.push(chunk)) wire.pause();
    });
    wire.on('end', () => this.push(null));
    this.emit('connect');
  }

  private tlsError(error: Error, ca: string[] | undefined): AdminError {
    const { sslmode, sslrootcert, host } = this.instance;
    const errno = (error as NodeJS.ErrnoException).code ?? '';
    if (!CERTIFICATE_CODES.test(errno)) {
      return new AdminError(
        'tls',
        `The TLS handshake with ${where(this.instance)} failed (${error.message}).`,
      );
    }
    const signer = ca
      ? `a CA in ${sslrootcert} (sslrootcert)`
      : 'an authority Node.js trusts (for a private CA, set sslrootcert to its certificate file)';
    const valid = sslmode === 'verify-full' ? `valid for the host ${host} and ` : '';
    return new AdminError(
      'tls',
      `The TLS certificate of ${where(this.instance)} was not accepted (${error.message}). With sslmode ${sslmode} it must be ${valid}signed by ${signer}.`,
    );
  }

  /** Something PgBouncer's admin console never sends. */
  private violation(what: string): AdminError {
    return new AdminError(
      'protocol',
      `${where(this.instance)} sent ${what}, which PgBouncer's admin console never does. The connection was closed (is the host right, and the network path trusted?).`,
    );
  }

  /** More than a limit allows: PgBouncer stays far below them, a hostile server would not. */
  private overLimit(what: string): AdminError {
    return new AdminError(
      'protocol',
      `${where(this.instance)} sent ${what}. The connection was closed: the limit keeps the editor safe from a server that is not what it claims to be (PgBouncer's own answers stay far below it).`,
    );
  }

  /** Counts pg's queries: each one is owed a ReadyForQuery, as is the startup packet. */
  private countOutbound(chunk: Uint8Array): void {
    let i = 0;
    while (i < chunk.length) {
      if (this.outLeft > 0) {
        const n = Math.min(this.outLeft, chunk.length - i);
        this.outLeft -= n;
        i += n;
        continue;
      }
      const need = this.startupSent ? 5 : 4; // the startup packet has no type byte
      const n = Math.min(need - this.outHave, chunk.length - i);
      this.outHeader.set(chunk.subarray(i, i + n), this.outHave);
      this.outHave += n;
      i += n;
      if (this.outHave < need) return;
      this.outHave = 0;
      if (!this.startupSent) {
        this.startupSent = true;
        this.owed++;
        this.outLeft = uint32(this.outHeader, 0) - 4;
      } else {
        if (this.outHeader[0] === QUERY) this.owed++;
        this.outLeft = uint32(this.outHeader, 1) - 4;
      }
    }
  }

  /** Frames the backend's bytes and checks them against the limits; a violation, or null. */
  private checkInbound(chunk: Uint8Array): AdminError | null {
    const limits = this.limits;
    let i = 0;
    while (i < chunk.length) {
      if (this.bodyLeft > 0) {
        const n = Math.min(this.bodyLeft, chunk.length - i);
        this.bodyLeft -= n;
        i += n;
        continue;
      }
      const n = Math.min(this.headerNeed - this.headerHave, chunk.length - i);
      this.header.set(chunk.subarray(i, i + n), this.headerHave);
      this.headerHave += n;
      i += n;
      if (this.headerHave < this.headerNeed) break;
      const type = this.header[0];
      const length = uint32(this.header, 1); // counts itself, not the type byte
      if (this.headerNeed === 5) {
        if (!BACKEND_TYPES.has(type)) return this.violation(`a message of type ${describeType(type)}`);
        if (length < 4) return this.violation(`a message header with the impossible length ${length}`);
        if (length + 1 > limits.maxMessageBytes) {
          return this.overLimit(
            `a message (type ${describeType(type)}) of ${(length + 1).toLocaleString('en-US')} bytes, more than the ${formatBytes(limits.maxMessageBytes)} allowed for one message`,
          );
        }
        this.answerBytes += length + 1;
        if (this.answerBytes > limits.maxAnswerBytes) {
          return this.overLimit(
            `more than ${formatBytes(limits.maxAnswerBytes)} in answer to one command, the most allowed`,
          );
        }
        if (type === ROW_DESCRIPTION || type === DATA_ROW) {
          if (length < 6) return this.violation('a row without its column count');
          this.headerNeed = 7; // the column count too
          continue;
        }
      } else {
        const columns = ((this.header[5] << 24) | (this.header[6] << 16)) >> 16; // int16
        if (columns < 0 || columns > limits.maxColumns) {
          return this.overLimit(`a row of ${columns} columns, more than the ${limits.maxColumns} allowed`);
        }
      }
      if (type === DATA_ROW && ++this.answerRows > limits.maxAnswerRows) {
        return this.overLimit(
          `more than ${limits.maxAnswerRows.toLocaleString('en-US')} rows in answer to one command, the most allowed`,
        );
      }
      if (type === READY_FOR_QUERY) {
        if (this.owed === 0) return this.violation('a ReadyForQuery that no command was waiting for');
        this.owed--;
        this.answerBytes = 0;
        this.answerRows = 0;
      }
      this.bodyLeft = length + 1 - this.headerNeed;
      this.headerHave = 0;
      this.headerNeed = 5;
    }
    return null;
  }
}
