import { sendFile, TransferError, type UploadTarget } from './send-file';

/** Stands in for the browser's XMLHttpRequest: records each request, answers when told to. */
class FakeXhr {
  static sent: FakeXhr[] = [];
  upload: { onprogress: ((event: { loaded: number }) => void) | null } = { onprogress: null };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onabort: (() => void) | null = null;
  status = 0;
  method = '';
  url = '';
  headers: Record<string, string> = {};
  body: Blob | null = null;
  aborted = false;
  done = false;
  private responseHeaders: Record<string, string> = {};

  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }
  setRequestHeader(name: string, value: string) {
    this.headers[name] = value;
  }
  send(body: Blob) {
    this.body = body;
    FakeXhr.sent.push(this);
  }
  abort() {
    if (this.done) return;
    this.aborted = true;
    this.done = true;
    this.onabort?.();
  }
  getResponseHeader(name: string): string | null {
    return this.responseHeaders[name.toLowerCase()] ?? null;
  }

  progress(loaded: number) {
    this.upload.onprogress?.({ loaded });
  }
  respond(status: number, headers: Record<string, string> = {}) {
    this.status = status;
    this.responseHeaders = headers;
    this.done = true;
    this.onload?.();
  }
  fail() {
    this.done = true;
    this.onerror?.();
  }
}

const inFlight = () => FakeXhr.sent.filter((xhr) => !xhr.done);
const flush = async () => {
  for (let i = 0; i < 5; i += 1) await new Promise((resolve) => setTimeout(resolve, 0));
};

beforeEach(() => {
  FakeXhr.sent = [];
  Object.assign(globalThis, { XMLHttpRequest: FakeXhr });
});

afterAll(() => {
  Reflect.deleteProperty(globalThis, 'XMLHttpRequest');
});

/** A file of `size` bytes where byte i is i % 251, so every slice is recognizable. */
function file(size: number): Blob {
  return new Blob([Uint8Array.from({ length: size }, (_, i) => i % 251)]);
}

function multipart(size: number, partBytes: number): UploadTarget {
  const count = Math.ceil(size / partBytes);
  return {
    method: 'MULTIPART',
    url: null,
    headers: [],
    parts: Array.from({ length: count }, (_, i) => ({
      partNumber: i + 1,
      url: `https://storage.test/part/${i + 1}`,
      sizeBytes: i < count - 1 ? partBytes : size - partBytes * (count - 1),
    })),
  };
}

const partNumberOf = (xhr: FakeXhr) => Number(xhr.url.split('/').pop());

describe('sendFile, one PUT', () => {
  test('sends the whole file with exactly the signed headers, and reports its progress', async () => {
    const progress: number[] = [];
    const target: UploadTarget = {
      method: 'SINGLE_PUT',
      url: 'https://storage.test/raw/a.csv?X-Amz-Signature=s',
      headers: [{ name: 'Content-Type', value: 'text/csv' }],
      parts: [],
    };
    const body = file(1000);
    const done = sendFile(body, target, {
      onProgress: (sent) => progress.push(sent),
      signal: new AbortController().signal,
    });
    await flush();
    const [xhr] = FakeXhr.sent;
    expect(FakeXhr.sent).toHaveLength(1);
    expect(xhr?.method).toBe('PUT');
    expect(xhr?.url).toBe(target.url);
    expect(xhr?.headers).toEqual({ 'Content-Type': 'text/csv' });
    expect(xhr?.body).toBe(body);
    xhr?.progress(400);
    xhr?.respond(200);
    await expect(done).resolves.toBeNull();
    expect(progress).toEqual([400, 1000]);
  });

  test('a refusal is a TransferError written for the user', async () => {
    const done = sendFile(
      file(10),
      { method: 'SINGLE_PUT', url: 'https://storage.test/x', headers: [], parts: [] },
      { onProgress: () => undefined, signal: new AbortController().signal },
    );
    await flush();
    FakeXhr.sent[0]?.respond(403);
    await expect(done).rejects.toThrow(/Storage refused the file \(HTTP 403\).*expired/);
  });
});

describe('sendFile, multipart', () => {
  test('each part is its own slice, 4 at a time; the ETags come back in part order', async () => {
    const size = 10 * 100 + 37;
    const body = file(size);
    const progress: number[] = [];
    const done = sendFile(body, multipart(size, 100), {
      onProgress: (sent) => progress.push(sent),
      signal: new AbortController().signal,
    });

    let most = 0;
    while (FakeXhr.sent.length < 11 || inFlight().length > 0) {
      await flush();
      const open = inFlight();
      most = Math.max(most, open.length);
      // Answer the newest part first: order of completion must not matter.
      const xhr = open[open.length - 1];
      if (!xhr) break;
      const n = partNumberOf(xhr);
      expect(xhr.headers).toEqual({}); // no Content-Type: only Content-Length is signed
      expect(xhr.body?.type).toBe('');
      const bytes = new Uint8Array(await xhr.body!.arrayBuffer());
      expect(bytes.length).toBe(n <= 10 ? 100 : 37);
      expect(bytes[0]).toBe(((n - 1) * 100) % 251);
      xhr.respond(200, { etag: `"etag-${n}"` });
    }

    await expect(done).resolves.toEqual(
      Array.from({ length: 11 }, (_, i) => ({ partNumber: i + 1, etag: `"etag-${i + 1}"` })),
    );
    expect(most).toBe(4);
    expect(progress[progress.length - 1]).toBe(size);
  });

  test('progress is the sum over the parts in flight', async () => {
    const progress: number[] = [];
    const done = sendFile(file(400), multipart(400, 100), {
      onProgress: (sent) => progress.push(sent),
      signal: new AbortController().signal,
    });
    await flush();
    const [one, two, three, four] = FakeXhr.sent;
    one?.progress(50);
    two?.progress(30);
    three?.progress(100);
    expect(progress).toEqual([50, 80, 180]);
    one?.respond(200, { etag: 'a' });
    expect(progress[progress.length - 1]).toBe(230);
    for (const xhr of [two, three, four]) xhr?.respond(200, { etag: 'b' });
    await done;
    expect(progress[progress.length - 1]).toBe(400);
  });

  test('a part that fails on the network is tried again; its progress restarts', async () => {
    const progress: number[] = [];
    const done = sendFile(file(200), multipart(200, 100), {
      onProgress: (sent) => progress.push(sent),
      signal: new AbortController().signal,
    });
    await flush();
    const [one, two] = FakeXhr.sent;
    two?.respond(200, { etag: 'b' });
    one?.progress(60);
    one?.fail();
    await flush();
    expect(progress.slice(-2)).toEqual([160, 100]);
    await new Promise((resolve) => setTimeout(resolve, 600)); // the pause before trying again
    await flush();
    const again = FakeXhr.sent[2];
    expect(again && partNumberOf(again)).toBe(1);
    again?.respond(200, { etag: 'a2' });
    await expect(done).resolves.toEqual([
      { partNumber: 1, etag: 'a2' },
      { partNumber: 2, etag: 'b' },
    ]);
  });

  test('a part storage refuses fails the transfer and stops the other parts', async () => {
    const done = sendFile(file(400), multipart(400, 100), {
      onProgress: () => undefined,
      signal: new AbortController().signal,
    });
    await flush();
    FakeXhr.sent[1]?.respond(403);
    await expect(done).rejects.toBeInstanceOf(TransferError);
    expect(FakeXhr.sent.filter((xhr) => xhr.aborted)).toHaveLength(3);
  });

  test('without an exposed ETag the transfer fails and says why', async () => {
    const done = sendFile(file(100), multipart(100, 100), {
      onProgress: () => undefined,
      signal: new AbortController().signal,
    });
    await flush();
    FakeXhr.sent[0]?.respond(200);
    await expect(done).rejects.toThrow(/CORS settings must expose the ETag header/);
  });

  test('cancelling aborts every request in flight and rejects with an AbortError', async () => {
    const controller = new AbortController();
    const done = sendFile(file(1000), multipart(1000, 100), {
      onProgress: () => undefined,
      signal: controller.signal,
    });
    await flush();
    expect(inFlight()).toHaveLength(4);
    controller.abort();
    await expect(done).rejects.toMatchObject({ name: 'AbortError' });
    expect(FakeXhr.sent.filter((xhr) => xhr.aborted)).toHaveLength(4);
    await flush();
    expect(FakeXhr.sent).toHaveLength(4); // nothing new started
  });
});
