import {
  closeSync,
  fchmodSync,
  fchownSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readlinkSync,
  renameSync,
  type Stats,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * Removes a file if it is there. unlink, not rmSync: the first rmSync of a process loads Node's whole recursive
 * remover, which costs a short command about a millisecond.
 */
export function removeFile(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/** Writes all of `data` at the file's current position (O_APPEND: its end), however many writes it takes. */
export function writeAll(fd: number, data: Buffer): void {
  let written = 0;
  while (written < data.length) written += writeSync(fd, data, written);
}

/**
 * Appends `text` to `path` in one O_APPEND write, creating the file with `mode`: what appendFileSync does, through
 * openSync and writeSync, which a CLI run that records an event has used for its spool already. appendFileSync's
 * own first call cost such a run ~0.2 ms more (measured). Throws ENOENT when the folder is missing.
 */
export function appendText(path: string, text: string, mode = 0o600): void {
  const fd = openSync(path, 'a', mode);
  try {
    writeAll(fd, Buffer.from(text));
  } finally {
    closeSync(fd);
  }
}

let tempCount = 0;

/**
 * A temp file name beside `path`, for a file created exclusively ('wx', which never follows a symlink): this
 * process's pid, the time and a counter keep it apart from every other writer's without random bytes, whose
 * first draw costs a short command half a millisecond.
 */
export function tempPathBeside(path: string): string {
  tempCount += 1;
  return `${path}.${process.pid}.${Date.now().toString(36)}${tempCount.toString(36)}.tmp`;
}

// As many links as Linux follows before ELOOP.
const MAX_LINK_HOPS = 40;

// The file a write to `path` lands in: a symlink is followed (dangling or not), so that the link stays and its
// target gets the new content, as a plain write would do. Only the last component matters: the temp file
// must be in the target's own folder for the rename to be atomic.
function resolveLinks(path: string): string {
  let current = path;
  for (let hops = 0; hops < MAX_LINK_HOPS; hops += 1) {
    let link: string;
    try {
      link = readlinkSync(current);
    } catch {
      return current; // not a symlink, or missing
    }
    current = resolve(dirname(current), link);
  }
  throw Object.assign(new Error(`ELOOP: too many symbolic links, ${path}`), { code: 'ELOOP', path });
}

function existingStats(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

// Gives the temp file the replaced file's owner when this process may: as root, or when the file is its own
// (then only the group can differ, and a group it is not in is refused: EPERM, left as it is).
function keepOwner(fd: number, existing: Stats): void {
  const euid = process.geteuid?.();
  if (euid === undefined || (euid !== 0 && euid !== existing.uid)) return;
  try {
    fchownSync(fd, existing.uid, existing.gid);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EPERM' && code !== 'EINVAL') throw error;
  }
}

/**
 * Writes a file so that readers see the old content or the new, never a torn mix: temp file in the same
 * folder, fsync, rename. A file that exists keeps its permission bits and, when this process may change
 * it, its owner and group (a `.env` shared with another user or a container stays readable to it); a new
 * file gets `mode` (minus the umask; 0600 by default, because a new `.env` or config may hold secrets).
 * A symlink is written through: its target gets the content, the link stays.
 */
export function writeFileAtomic(path: string, content: string, mode = 0o600): void {
  const target = resolveLinks(path);
  mkdirSync(dirname(target), { recursive: true });
  const existing = existingStats(target);
  const temp = tempPathBeside(target);
  try {
    const fd = openSync(temp, 'wx', existing ? 0o600 : mode);
    try {
      if (existing) {
        keepOwner(fd, existing);
        // After fchown, which may clear the set-id bits; fchmod is not subject to the umask.
        fchmodSync(fd, existing.mode & 0o7777);
      }
      writeSync(fd, content);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, target);
  } catch (error) {
    removeFile(temp);
    throw error;
  }
}
