import { toAuditFilter, type AuditFilterForm } from './audit-filter';

const empty: AuditFilterForm = { action: '', actorId: '', targetId: '', from: '', to: '' };

describe('toAuditFilter', () => {
  test('an empty form is no filter at all', () => {
    expect(toAuditFilter(empty)).toEqual({ ok: true, filter: null });
    expect(toAuditFilter({ ...empty, action: '   ' })).toEqual({ ok: true, filter: null });
  });

  test('text fields are trimmed and only the filled ones are sent', () => {
    expect(
      toAuditFilter({
        ...empty,
        action: ' user.create ',
        targetId: ' 6f1c0e1e-0000-4000-8000-000000000001',
      }),
    ).toEqual({
      ok: true,
      filter: { action: 'user.create', targetId: '6f1c0e1e-0000-4000-8000-000000000001' },
    });
  });

  test('"from" is the start of its local day; "to" includes its day (start of the next one)', () => {
    const result = toAuditFilter({ ...empty, from: '2026-02-27', to: '2026-02-28' });
    expect(result).toEqual({
      ok: true,
      filter: {
        from: new Date(2026, 1, 27).toISOString(),
        to: new Date(2026, 2, 1).toISOString(),
      },
    });
  });

  test('one day in both fields is that whole day', () => {
    expect(toAuditFilter({ ...empty, from: '2026-11-24', to: '2026-11-24' })).toEqual({
      ok: true,
      filter: {
        from: new Date(2026, 10, 24).toISOString(),
        to: new Date(2026, 10, 25).toISOString(),
      },
    });
  });

  test('refuses a "from" after the "to"', () => {
    expect(toAuditFilter({ ...empty, from: '2026-11-25', to: '2026-11-24' })).toEqual({
      ok: false,
      message: 'The “from” date is after the “to” date.',
    });
  });

  test.each([['2026-02-30'], ['2026-13-01'], ['24/11/2026'], ['yesterday']])(
    'refuses %j, which is not a date',
    (day) => {
      expect(toAuditFilter({ ...empty, from: day }).ok).toBe(false);
      expect(toAuditFilter({ ...empty, to: day }).ok).toBe(false);
    },
  );
});
