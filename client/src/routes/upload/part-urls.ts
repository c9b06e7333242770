/**
 * The presigned URLs of a multipart upload's parts. `createUpload` signs only the first few; the
 * others are asked for (`uploadPartUrls`) in batches as the transfer reaches them, so a large
 * file costs the platform no more to start than a small one, and each URL is fresh when used. A
 * URL storage refused (it expired during a slow transfer) can be forgotten and asked for again.
 */
export interface SignedPart {
  partNumber: number;
  url: string;
}

/** Presigned URLs for the given parts; rejects with a message for the user. */
export type MorePartUrls = (partNumbers: number[]) => Promise<ReadonlyArray<SignedPart>>;

/** Parts asked for in one call (the platform allows up to 100). */
export const PART_URL_BATCH = 32;

export function partUrls(
  initial: ReadonlyArray<SignedPart>,
  partCount: number,
  more: MorePartUrls | undefined,
  batch = PART_URL_BATCH,
) {
  const known = new Map(initial.map((part) => [part.partNumber, part.url]));
  let asking: Promise<void> | null = null;

  /** The next `batch` parts without a URL, from `first` on. */
  async function askFrom(first: number): Promise<void> {
    const wanted: number[] = [];
    for (let n = first; n <= partCount && wanted.length < batch; n += 1) {
      if (!known.has(n)) wanted.push(n);
    }
    if (!more) throw new Error(`no URL for part ${first}, and no way to ask for one`);
    for (const part of await more(wanted)) known.set(part.partNumber, part.url);
  }

  return {
    async urlOf(partNumber: number): Promise<string> {
      let askedMyself = false;
      for (;;) {
        const url = known.get(partNumber);
        if (url !== undefined) return url;
        if (asking) {
          // Another part is already asking; its batch most likely covers this one too.
          await asking;
          continue;
        }
        if (askedMyself) throw new Error(`the platform gave no URL for part ${partNumber}`);
        askedMyself = true;
        asking = askFrom(partNumber).finally(() => {
          asking = null;
        });
        await asking;
      }
    },

    /** Drops a URL storage refused, so the next `urlOf` asks for a fresh one. */
    forget(partNumber: number): void {
      known.delete(partNumber);
    },
  };
}
