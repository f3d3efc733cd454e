// A TCP server on 127.0.0.1 that plays a PgBouncer admin console which misbehaves, for the tests of
// what the admin client does with answers it must not trust. It speaks just enough of the protocol:
// it answers an SSLRequest with 'N', takes the startup packet, optionally asks for a cleartext
// password (and records what it gets), logs in with AuthenticationOk + ReadyForQuery, and then
// answers each query as its behaviour says. Logins after the first `hostileConnections` ones
// behave like a small, correct PgBouncer (SHOW VERSION-style one-row answers), so a test can watch
// the client recover.
//
// Nothing it sends is unbounded: every stream stops after `maxBytes` (default 256 MiB), so a client
// without limits ends in its own timeout instead of taking the machine down.

import * as net from 'node:net';

export type HostileBehaviour =
  /** A RowDescription whose header claims 0x7ffffff0 bytes, followed by zeros. */
  | 'huge-row-description'
  /** A RowDescription, then DataRows forever. */
  | 'endless-rows'
  /** A RowDescription, then one DataRow whose header claims 0x7ffffff0 bytes, followed by zeros. */
  | 'huge-row'
  /** 54 columns of two characters per row, forever: the most memory per byte pg can be made to spend. */
  | 'wide-rows'
  /** ReadyForQuery again and again, with no query to answer. */
  | 'unsolicited-ready'
  /** 'N' to the SSLRequest with the login's answer in the same packet, before the startup was sent. */
  | 'stuffed-ssl-answer'
  /** A correct answer. */
  | 'good'
  /** A correct answer of `rows` rows, `columns` wide, each made by `row` (default one column). */
  | 'many-rows';

export interface HostileOptions {
  behaviour: HostileBehaviour;
  /** How many logins misbehave before the server answers correctly (default all). */
  hostileConnections?: number;
  /** Ask for a cleartext password after the startup packet. */
  askPassword?: boolean;
  /** Upper bound of what one stream sends (default 256 MiB). */
  maxBytes?: number;
  /** The shape of a 'many-rows' answer. */
  rows?: number;
  columns?: string[];
  row?: (index: number) => string[];
}

export interface HostileServer {
  readonly port: number;
  /** Connections accepted so far. */
  connections(): number;
  /** Startup packets received so far (a TLS request that was refused does not count). */
  logins(): number;
  /** Password messages received (their text): must stay empty when no password may be sent. */
  passwords(): string[];
  /** Whether any connection asked for TLS first (an SSLRequest). */
  sslRequests(): number;
  close(): Promise<void>;
}

const SSL_REQUEST = 80877103;

// Uint8Array rather than Buffer: this project's @types/node predates TypeScript's generic typed arrays.
function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function int(value: number, bytes: 2 | 4): Uint8Array {
  const out = new Uint8Array(bytes);
  const view = new DataView(out.buffer);
  if (bytes === 2) view.setInt16(0, value);
  else view.setInt32(0, value);
  return out;
}

function message(type: string, body: Uint8Array): Uint8Array {
  return concat([new Uint8Array([type.charCodeAt(0)]), int(body.length + 4, 4), body]);
}

function cstring(text: string): Uint8Array {
  return new TextEncoder().encode(`${text}\0`);
}

/** RowDescription with text columns. */
export function rowDescription(names: string[]): Uint8Array {
  const fields = names.map((name) =>
    concat([
      cstring(name),
      int(0, 4), // table oid
      int(0, 2), // column
      int(25, 4), // text
      int(-1, 2), // size
      int(-1, 4), // modifier
      int(0, 2), // text format
    ]),
  );
  return message('T', concat([int(names.length, 2), ...fields]));
}

export function dataRow(values: string[]): Uint8Array {
  const cells = values.map((value) => {
    const bytes = new TextEncoder().encode(value);
    return concat([int(bytes.length, 4), bytes]);
  });
  return message('D', concat([int(values.length, 2), ...cells]));
}

const READY = message('Z', new TextEncoder().encode('I'));
const AUTH_OK = message('R', int(0, 4));
const ASK_CLEARTEXT = message('R', int(3, 4));

function goodAnswer(): Uint8Array {
  return concat([
    rowDescription(['version']),
    dataRow(['PgBouncer 1.18.0']),
    message('C', cstring('SHOW')),
    READY,
  ]);
}

/** Writes `chunk` again and again (minding backpressure) until `limit` bytes or the socket closes. */
function flood(socket: net.Socket, chunk: Uint8Array, limit: number): void {
  let sent = 0;
  const pump = (): void => {
    while (!socket.destroyed && sent < limit) {
      sent += chunk.length;
      if (!socket.write(chunk)) {
        socket.once('drain', pump);
        return;
      }
    }
  };
  pump();
}

/** A header that claims 0x7ffffff0 bytes, then zeros up to `limit`. */
function hugeMessage(socket: net.Socket, type: string, limit: number): void {
  socket.write(concat([new Uint8Array([type.charCodeAt(0)]), int(0x7ffffff0, 4)]));
  flood(socket, new Uint8Array(64 * 1024), limit);
}

export async function startHostileServer(options: HostileOptions): Promise<HostileServer> {
  const limit = options.maxBytes ?? 256 * 1024 * 1024;
  const passwords: string[] = [];
  const sockets = new Set<net.Socket>();
  let connections = 0;
  let logins = 0;
  let sslRequests = 0;

  const server = net.createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined); // the client hanging up mid-flood is the point
    let behaviour: HostileBehaviour = 'good';
    let buffer: Uint8Array = new Uint8Array(0);
    let phase: 'startup' | 'password' | 'ready' = 'startup';
    socket.on('data', (chunk: Uint8Array) => {
      buffer = concat([buffer, chunk]);
      const view = (): DataView => new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
      for (;;) {
        if (phase === 'startup') {
          if (buffer.length < 4) return;
          const length = view().getUint32(0);
          if (buffer.length < length) return;
          const code = length >= 8 ? view().getUint32(4) : 0;
          buffer = buffer.subarray(length);
          if (code === SSL_REQUEST) {
            sslRequests++;
            const stuffed =
              options.behaviour === 'stuffed-ssl-answer' &&
              sslRequests <= (options.hostileConnections ?? Infinity);
            socket.write(stuffed ? concat([new TextEncoder().encode('N'), AUTH_OK, READY]) : 'N');
            continue;
          }
          logins++;
          behaviour = logins <= (options.hostileConnections ?? Infinity) ? options.behaviour : 'good';
          if (options.askPassword) {
            phase = 'password';
            socket.write(ASK_CLEARTEXT);
          } else {
            phase = 'ready';
            socket.write(concat([AUTH_OK, READY]));
          }
          continue;
        }
        if (buffer.length < 5) return;
        const type = String.fromCharCode(buffer[0]);
        const length = view().getUint32(1);
        if (buffer.length < 1 + length) return;
        const body = buffer.subarray(5, 1 + length);
        buffer = buffer.subarray(1 + length);
        if (phase === 'password' && type === 'p') {
          passwords.push(new TextDecoder().decode(body).replace(/\0$/, ''));
          phase = 'ready';
          socket.write(concat([AUTH_OK, READY]));
        } else if (type === 'Q') {
          answer(socket, behaviour);
        } else if (type === 'X') {
          socket.end();
          return;
        }
      }
    });
  });

  const answer = (socket: net.Socket, behaviour: HostileBehaviour): void => {
    switch (behaviour) {
      case 'good':
        socket.write(goodAnswer());
        return;
      case 'many-rows': {
        const count = options.rows ?? 1;
        const row = options.row ?? (() => ['db']);
        socket.write(rowDescription(options.columns ?? ['name']));
        for (let sent = 0; sent < count; sent += 10_000) {
          const batch = Array.from({ length: Math.min(10_000, count - sent) }, (_, i) =>
            dataRow(row(sent + i)),
          );
          socket.write(concat(batch));
        }
        socket.write(concat([message('C', cstring(`SHOW`)), READY]));
        return;
      }
      case 'huge-row-description':
        hugeMessage(socket, 'T', limit);
        return;
      case 'endless-rows': {
        socket.write(rowDescription(['name']));
        // many rows per write, so the flood is fast
        const rows = concat(Array.from({ length: 1000 }, () => dataRow(['endless'])));
        flood(socket, rows, limit);
        return;
      }
      case 'huge-row':
        socket.write(rowDescription(['name']));
        hugeMessage(socket, 'D', limit);
        return;
      case 'wide-rows': {
        const names = Array.from({ length: 54 }, (_, i) => `column_${i}`);
        socket.write(rowDescription(names));
        const row = dataRow(names.map(() => 'ab'));
        flood(socket, concat(Array.from({ length: 200 }, () => row)), limit);
        return;
      }
      case 'unsolicited-ready':
        flood(socket, concat(Array.from({ length: 1000 }, () => READY)), limit);
        return;
      case 'stuffed-ssl-answer':
        socket.write(goodAnswer());
        return;
    }
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (!address || typeof address !== 'object') throw new Error('the hostile server has no port');
  return {
    port: address.port,
    connections: () => connections,
    logins: () => logins,
    passwords: () => [...passwords],
    sslRequests: () => sslRequests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
