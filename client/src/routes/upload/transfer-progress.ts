/**
 * The arithmetic of a transfer: where each part of a multipart upload starts and ends in the file,
 * how many bytes have been sent over parts in flight at once, the percentage to show, and the
 * speed over the last few seconds (so a stall shows as a stall, not as a slowly falling average).
 */

export interface PartPlan {
  partNumber: number;
  sizeBytes: number;
}

export interface PartRange {
  partNumber: number;
  /** First byte of the part in the file. */
  start: number;
  /** One past its last byte: `file.slice(start, end)`. */
  end: number;
}

/** The parts of a multipart upload: all `partSizeBytes` long but the last, which has the rest. */
export function planParts(partCount: number, partSizeBytes: number, fileSize: number): PartPlan[] {
  return Array.from({ length: partCount }, (_, i) => ({
    partNumber: i + 1,
    sizeBytes: i < partCount - 1 ? partSizeBytes : fileSize - partSizeBytes * (partCount - 1),
  }));
}

/**
 * Byte ranges of consecutive parts, in part order. Refuses a plan that does not cover the file
 * exactly: a part the platform signed for another size would be refused by storage anyway.
 */
export function partRanges(parts: readonly PartPlan[], fileSize: number): PartRange[] {
  const ordered = [...parts].sort((a, b) => a.partNumber - b.partNumber);
  let start = 0;
  const ranges = ordered.map((part, index) => {
    if (
      part.partNumber !== index + 1 ||
      !Number.isSafeInteger(part.sizeBytes) ||
      part.sizeBytes <= 0
    ) {
      throw new Error(`part ${part.partNumber} is not part ${index + 1} of a valid plan`);
    }
    const range = { partNumber: part.partNumber, start, end: start + part.sizeBytes };
    start = range.end;
    return range;
  });
  if (start !== fileSize) {
    throw new Error(`the parts cover ${start} bytes, the file has ${fileSize}`);
  }
  return ranges;
}

/** Bytes sent so far over all parts: each part reports its own count, in flight or done. */
export function sentBytes(sentByPart: ReadonlyMap<number, number>): number {
  let total = 0;
  for (const sent of sentByPart.values()) total += sent;
  return total;
}

/** Whole percent, 0 to 100; 100 only once every byte is sent (never rounded up to it). */
export function percentOf(sent: number, total: number): number {
  if (total <= 0) return 0;
  if (sent >= total) return 100;
  return Math.max(0, Math.min(99, Math.floor((sent / total) * 100)));
}

export interface Sample {
  /** Milliseconds (any clock that only goes forward). */
  at: number;
  /** Bytes sent in total at that moment. */
  bytes: number;
}

/** How far back the speed looks. */
export const SPEED_WINDOW_MS = 5_000;

/** The samples to keep after `sample`: those within the window, plus one just before it. */
export function addSample(
  samples: readonly Sample[],
  sample: Sample,
  windowMs = SPEED_WINDOW_MS,
): Sample[] {
  const all = [...samples, sample];
  const firstInside = all.findIndex((s) => s.at >= sample.at - windowMs);
  // One sample older than the window keeps the window fully measured.
  return all.slice(Math.max(0, firstInside - 1));
}

/** Bytes per second between the oldest and newest sample; null until there is a time span. */
export function bytesPerSecond(samples: readonly Sample[]): number | null {
  const first = samples[0];
  const last = samples[samples.length - 1];
  if (!first || !last || last.at - first.at < 250) return null;
  return Math.max(0, ((last.bytes - first.bytes) / (last.at - first.at)) * 1000);
}

/** Whole seconds left at `speed`; null when the speed is unknown or zero. */
export function secondsLeft(remainingBytes: number, speed: number | null): number | null {
  if (remainingBytes <= 0) return 0;
  if (!speed || speed <= 0) return null;
  return Math.ceil(remainingBytes / speed);
}

/** 75 -> "1 min 15 s"; 3725 -> "1 h 2 min". */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.max(0, Math.round(seconds))} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) {
    const rest = Math.round(seconds % 60);
    return rest > 0 ? `${minutes} min ${rest} s` : `${minutes} min`;
  }
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest > 0 ? `${hours} h ${rest} min` : `${hours} h`;
}
