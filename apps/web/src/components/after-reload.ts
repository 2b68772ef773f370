'use client';

// A settings change reloads the page (so that the browser's analytics are loaded, or left out, according to
// the new choice). What the person was doing carries over the reload: where the keyboard focus was, and a
// sentence saying what happened.

const KEY = 'elmo.afterReload';

/** What to restore after the reload: the id of the element to focus, and a message to show. */
export interface AfterReload {
  focus?: string;
  message?: string;
}

/** Reloads the page, remembering `note` for the next page load of this tab. */
export function reloadWith(note: AfterReload): void {
  try {
    sessionStorage.setItem(KEY, JSON.stringify(note));
  } catch {
    // Storage refused (private mode, quota): the reload still happens, only the note is lost.
  }
  window.location.reload();
}

/** The note the previous page load left for the element `focus`, once: taking it removes it. */
export function takeAfterReload(focus: string): AfterReload | null {
  try {
    const text = sessionStorage.getItem(KEY);
    const note = text ? (JSON.parse(text) as AfterReload | null) : null;
    if (note?.focus !== focus) return null;
    sessionStorage.removeItem(KEY);
    return note;
  } catch {
    return null;
  }
}
