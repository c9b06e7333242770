import fc from 'fast-check';
import { runLimited } from './run-limited';

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('runLimited', () => {
  test('every item runs once, never more than `limit` at a time, results in item order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 30 }),
        fc.integer({ min: 1, max: 6 }),
        async (delays, limit) => {
          let running = 0;
          let most = 0;
          const started: number[] = [];
          const results = await runLimited(delays, limit, async (delay, index) => {
            started.push(index);
            running += 1;
            most = Math.max(most, running);
            for (let i = 0; i < delay; i += 1) await tick();
            running -= 1;
            return index * 2;
          });
          expect(results).toEqual(delays.map((_, i) => i * 2));
          expect([...started].sort((a, b) => a - b)).toEqual(delays.map((_, i) => i));
          expect(most).toBeLessThanOrEqual(limit);
          // Tasks that wait keep their slots: with enough of them, every slot is used.
          if (delays.length >= limit && delays.every((d) => d > 0)) expect(most).toBe(limit);
        },
      ),
    );
  });

  test('after a failure no further task starts, and the failure is the answer', async () => {
    const started: number[] = [];
    const failure = new Error('part 2 refused');
    // Item 1 is done at once, item 2 fails after two ticks, the others take three.
    const ticks: Record<number, number> = { 1: 0, 2: 2 };
    await expect(
      runLimited([1, 2, 3, 4, 5, 6], 2, async (item) => {
        started.push(item);
        for (let i = 0; i < (ticks[item] ?? 3); i += 1) await tick();
        if (item === 2) throw failure;
        return item;
      }),
    ).rejects.toBe(failure);
    for (let i = 0; i < 5; i += 1) await tick();
    expect(started).toEqual([1, 2, 3]);
  });

  test('refuses a limit below 1', async () => {
    await expect(runLimited([1], 0, async (x) => x)).rejects.toThrow('positive integer');
  });
});
