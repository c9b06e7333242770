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

const urlOf = (partNumber: number, version = 1) =>
  `https://storage.test/v${version}/part/${partNumber}`;

/** A multipart plan with the URLs of the first `upFront` parts (all by default). */
function multipart(size: number, partBytes: number, upFront = Infinity): UploadTarget {
  const count = Math.ceil(size / partBytes);
  return {
    method: 'MULTIPART',
    url: null,
    headers: [],
    parts: Array.from({ length: Math.min(count, upFront) }, (_, i) => ({
      partNumber: i + 1,
      url: urlOf(i + 1),
    })),
    partCount: count,
    partSizeBytes: partBytes,
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
      partCount: 1,
      partSizeBytes: null,
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
      {
        method: 'SINGLE_PUT',
        url: 'https://storage.test/x',
        headers: [],
        parts: [],
        partCount: 1,
        partSizeBytes: null,
      },
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

  test('URLs for the parts not signed up front are asked for in batches, as the transfer reaches them', async () => {
    const asked: number[][] = [];
    const done = sendFile(file(100 * 70), multipart(100 * 70, 100, 2), {
      onProgress: () => undefined,
      signal: new AbortController().signal,
      moreUrls: async (partNumbers) => {
        asked.push(partNumbers);
        return partNumbers.map((n) => ({ partNumber: n, url: urlOf(n) }));
      },
    });
    while (FakeXhr.sent.length < 70 || inFlight().length > 0) {
      await flush();
      const xhr = inFlight()[0];
      if (!xhr) break;
      xhr.respond(200, { etag: `"${partNumberOf(xhr)}"` });
    }
    const parts = await done;
    expect(parts?.map((p) => p.partNumber)).toEqual(Array.from({ length: 70 }, (_, i) => i + 1));
    // Parts 1-2 came with the upload; 3-70 in batches of 32, each asked for once.
    expect(asked).toEqual([
      Array.from({ length: 32 }, (_, i) => i + 3),
      Array.from({ length: 32 }, (_, i) => i + 35),
      Array.from({ length: 4 }, (_, i) => i + 67),
    ]);
  });

  test('a part refused with 403 (its URL expired) is sent once more with a fresh URL', async () => {
    let version = 1;
    const done = sendFile(file(200), multipart(200, 100), {
      onProgress: () => undefined,
      signal: new AbortController().signal,
      moreUrls: async (partNumbers) => {
        version += 1;
        return partNumbers.map((n) => ({ partNumber: n, url: urlOf(n, version) }));
      },
    });
    await flush();
    FakeXhr.sent[1]?.respond(200, { etag: 'b' });
    FakeXhr.sent[0]?.respond(403);
    await flush();
    const again = FakeXhr.sent[2];
    expect(again?.url).toBe(urlOf(1, 2));
    again?.respond(200, { etag: 'a' });
    await expect(done).resolves.toEqual([
      { partNumber: 1, etag: 'a' },
      { partNumber: 2, etag: 'b' },
    ]);
  });

  test('refused again with a fresh URL, the transfer fails', async () => {
    const done = sendFile(file(100), multipart(100, 100), {
      onProgress: () => undefined,
      signal: new AbortController().signal,
      moreUrls: async (partNumbers) =>
        partNumbers.map((n) => ({ partNumber: n, url: urlOf(n, 2) })),
    });
    await flush();
    FakeXhr.sent[0]?.respond(403);
    await flush();
    FakeXhr.sent[1]?.respond(403);
    await expect(done).rejects.toMatchObject({ status: 403 });
  });

  test('when the platform will not give more URLs, the transfer fails with its reason', async () => {
    const done = sendFile(file(300), multipart(300, 100, 1), {
      onProgress: () => undefined,
      signal: new AbortController().signal,
      moreUrls: async () => {
        throw new Error('This upload was cancelled. Start a new upload.');
      },
    });
    await expect(done).rejects.toThrow('This upload was cancelled');
    expect(FakeXhr.sent.filter((xhr) => xhr.aborted)).toHaveLength(1);
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
