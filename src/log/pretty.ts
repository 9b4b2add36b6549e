const LEVEL_NAMES: Record<number, [string, string]> = {
  10: ['TRACE', '90'],
  20: ['DEBUG', '36'],
  30: ['INFO ', '32'],
  40: ['WARN ', '33'],
  50: ['ERROR', '31'],
  60: ['FATAL', '35'],
};

/** One readable line per pino JSON record: time, level, message. */
export function prettyLine(json: string, color: boolean): string {
  let rec: { level?: number; time?: string; msg?: string };
  try {
    rec = JSON.parse(json);
  } catch {
    return json;
  }
  const [name, code] = LEVEL_NAMES[rec.level ?? 30] ?? ['INFO ', '32'];
  const time = (rec.time ?? '').slice(11, 23);
  const paint = (c: string, s: string) => (color ? `\x1b[${c}m${s}\x1b[0m` : s);
  return `${paint('90', time)} ${paint(code, name)} ${rec.msg ?? ''}\n`;
}
