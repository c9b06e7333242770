/** A visualization's `position` JSON: its place and size on the dashboard grid, in grid units. */
import { z } from 'zod';

export const PositionJson = z.object({
  x: z.number().int().nonnegative(),
  y: z.number().int().nonnegative(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
});
export type PositionJson = z.infer<typeof PositionJson>;
