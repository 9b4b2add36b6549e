import * as z from 'zod';
import { normalizeSignal, type SignalName } from '../signals/names.js';
import { parseDuration } from './duration.js';

/** A duration: "500ms", "10s", "2m", "1m30s", or a number of seconds. Parsed to milliseconds. */
export const duration = z
  .union([z.number(), z.string()], { error: 'expected a duration such as 500ms, 10s, 2m or a number of seconds' })
  .transform((value, ctx) => {
    try {
      return parseDuration(value);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
      return z.NEVER;
    }
  });

/** In argv, env and headers a scalar means its text: the loader keeps it as written (scalar-text.ts); String() is left for an alias to a number. */
export const text = z.union([z.string(), z.number(), z.boolean()], { error: 'expected a string' }).transform(String);

export const envMap = z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'environment variable names are letters, digits and _' }), text);

export const argv = z.array(text, { error: 'expected a list of arguments, such as [umount, /mnt/data]' }).min(1, {
  error: 'the command needs at least the program name',
});

export const signal = z.string({ error: 'expected a signal name such as SIGTERM' }).transform((value, ctx): SignalName => {
  const name = normalizeSignal(value);
  if (!name) {
    ctx.addIssue({ code: 'custom', message: `unknown signal "${value}"` });
    return z.NEVER;
  }
  return name;
});

/** A user name or uid, optionally with `:group` or `:gid`, resolved from the image's /etc/passwd and /etc/group. */
export const user = z
  .union([z.string(), z.number()], { error: 'expected a user such as ceph, 167 or ceph:disk' })
  .transform(String)
  .pipe(z.string().regex(/^[^:\s]+(:[^:\s]+)?$/, { error: 'expected NAME, UID, NAME:GROUP or UID:GID' }));
