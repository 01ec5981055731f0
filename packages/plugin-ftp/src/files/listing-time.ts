const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/**
 * Milliseconds since the epoch of an FTP `LIST` date, for ordering files: Unix
 * (`Feb 01 10:00` within the last half year, `Feb 01  2023` older) or DOS
 * (`02-01-24 10:00AM`). NaN when the text is neither. The server's time zone is unknown,
 * so the time is taken as UTC: good for ordering, not for display.
 */
export function listingTime(raw: string, now: Date = new Date()): number {
  const unix = /^([A-Za-z]{3})\s+(\d{1,2})\s+(?:(\d{1,2}):(\d{2})|(\d{4}))$/.exec(raw.trim());
  if (unix) {
    const month = MONTHS.indexOf(unix[1]!.toLowerCase());
    if (month < 0) return NaN;
    const day = Number(unix[2]);
    if (unix[5]) return Date.UTC(Number(unix[5]), month, day);
    const hour = Number(unix[3]);
    const minute = Number(unix[4]);
    const thisYear = Date.UTC(now.getUTCFullYear(), month, day, hour, minute);
    // A year-less date is within the last six months: a date "ahead" of now is last year's.
    return thisYear > now.getTime() + 86_400_000 ? Date.UTC(now.getUTCFullYear() - 1, month, day, hour, minute) : thisYear;
  }
  const dos = /^(\d{2})-(\d{2})-(\d{2,4})\s+(\d{1,2}):(\d{2})\s*([AP]M)?$/i.exec(raw.trim());
  if (dos) {
    let year = Number(dos[3]);
    if (year < 100) year += year < 70 ? 2000 : 1900;
    let hour = Number(dos[4]) % (dos[6] ? 12 : 24);
    if (dos[6]?.toUpperCase() === 'PM') hour += 12;
    return Date.UTC(year, Number(dos[1]) - 1, Number(dos[2]), hour, Number(dos[5]));
  }
  return NaN;
}
