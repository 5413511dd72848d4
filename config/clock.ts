/** Today as YYYY-MM-DD (UTC): what support status and cost warnings are judged against. Tests replace it. */
export const clock = {
    today: (): string => new Date().toISOString().slice(0, 10),
};
