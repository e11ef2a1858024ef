/** One UTC calendar month: its label (`2026-11`) and when it starts and ends. */
export interface UsagePeriod {
  period: string;
  startsAt: Date;
  endsAt: Date;
}

export function usagePeriodOf(now: Date): UsagePeriod {
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth();
  return {
    period: `${year}-${String(month + 1).padStart(2, '0')}`,
    startsAt: new Date(Date.UTC(year, month, 1)),
    endsAt: new Date(Date.UTC(year, month + 1, 1)),
  };
}
